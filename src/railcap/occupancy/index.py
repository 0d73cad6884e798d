"""The free-interval index: per resource, when it is busy and when it is free.

Busy intervals are the occupations of the timetable. An interval ``[a, b]``
is *free* on a resource when no occupation overlaps it by a positive amount
(an occupation that ends at ``a`` or starts at ``b`` is fine), the same rule
as the conflict detector with tolerance 0.

Per resource the index keeps the occupations sorted by start (with their
trains, so a train can be taken out again) and, built on demand, their union
as disjoint sorted intervals; queries bisect the union.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from railcap.model.occupation import Occupation, OccupationTable, as_table, factorize

_US = 1_000_000  # the flat axis counts microseconds
_KEY_US = 10**12  # resource spacing on the flat axis


@dataclass
class _Busy:
    """The occupations of one resource, sorted by start, and their union (None = stale)."""

    start: np.ndarray
    end: np.ndarray
    train: np.ndarray  # object array of train ids
    union: tuple[np.ndarray, np.ndarray] | None = field(default=None)

    def merged(self) -> tuple[np.ndarray, np.ndarray]:
        if self.union is None:
            self.union = _union(self.start, self.end)
        return self.union


class FreeIntervalIndex:
    """Busy and free time per resource, for a whole timetable.

    >>> idx = FreeIntervalIndex([Occupation("ic1", "b/+/0", 100, 200),
    ...                          Occupation("fr7", "b/+/0", 150, 260)])
    >>> idx.is_free("b/+/0", 260, 300), idx.is_free("b/+/0", 50, 101)
    (True, False)
    >>> idx.free_intervals("b/+/0", 0, 400)
    [(0.0, 100.0), (260.0, 400.0)]
    >>> idx.earliest_free("b/+/0", 60, duration_s=50)
    260.0
    """

    def __init__(self, occupations: OccupationTable | Iterable[Occupation] = ()) -> None:
        self._busy: dict[str, _Busy] = {}
        self._flat_cache: tuple | None = None
        table = as_table(occupations)
        if len(table):
            self._busy = _build(table)

    # ----- queries -----------------------------------------------------------

    @property
    def resources(self) -> list[str]:
        return list(self._busy)

    def busy_intervals(self, resource_id: str) -> list[tuple[float, float]]:
        """The union of the occupations of a resource, as disjoint sorted intervals."""
        starts, ends = self._merged(resource_id)
        return list(zip(starts.tolist(), ends.tolist()))

    def occupations(self, resource_id: str) -> list[Occupation]:
        """The occupations of one resource, sorted by start."""
        b = self._busy.get(resource_id)
        if b is None:
            return []
        return [Occupation(t, resource_id, s, e)
                for t, s, e in zip(b.train, b.start.tolist(), b.end.tolist())]

    def is_free(self, resource_id: str, start_s: float, end_s: float) -> bool:
        """True when no occupation of the resource overlaps ``[start_s, end_s]``."""
        starts, ends = self._merged(resource_id)
        j = int(np.searchsorted(starts, end_s, side="left")) - 1  # last busy start < end_s
        return j < 0 or bool(ends[j] <= start_s)

    def free_intervals(self, resource_id: str, start_s: float, end_s: float
                       ) -> list[tuple[float, float]]:
        """The maximal free intervals of the resource within ``[start_s, end_s]``."""
        starts, ends = self._merged(resource_id)
        lo = int(np.searchsorted(ends, start_s, side="right"))  # first busy ending after start
        hi = int(np.searchsorted(starts, end_s, side="left"))   # busy starting before end
        gap_start = np.r_[start_s, ends[lo:hi]]
        gap_end = np.r_[starts[lo:hi], end_s]
        gap_start = np.maximum(gap_start, start_s)
        gap_end = np.minimum(gap_end, end_s)
        keep = gap_end > gap_start
        return list(zip(gap_start[keep].tolist(), gap_end[keep].tolist()))

    def earliest_free(self, resource_id: str, t_s: float, duration_s: float,
                      latest_s: float = math.inf) -> float | None:
        """The earliest ``x >= t_s`` with ``[x, x + duration_s]`` free, starting no later
        than ``latest_s``; None when there is none."""
        starts, ends = self._merged(resource_id)
        i = int(np.searchsorted(ends, t_s, side="right"))  # first busy ending after t_s
        x = float(t_s)
        # walk the gaps from t_s on; only as far as the first one that fits
        while i < len(starts) and x <= latest_s and starts[i] - x < duration_s:
            x = float(ends[i])
            i += 1
        return x if x <= latest_s else None

    def earliest_fit(self, resource_ids: list[str], rel_start_s: np.ndarray, rel_end_s: np.ndarray,
                     lower_s: float, latest_s: float = math.inf) -> float | None:
        """The earliest shift ``d`` in ``[lower_s, latest_s]`` at which every interval
        ``[d + rel_start, d + rel_end]`` on its resource is free; None when there is none.

        All blocks of a run are checked at once: each one that meets a busy interval
        forces ``d`` past that interval's end (no smaller shift can clear it), and the
        largest such bound is the next candidate, until none is blocked.

        >>> idx = FreeIntervalIndex([Occupation("ic1", "a", 100, 200), Occupation("ic2", "b", 230, 300)])
        >>> idx.earliest_fit(["a", "b"], np.array([0.0, 60.0]), np.array([50.0, 110.0]), 80.0)
        240.000001
        """
        codes, keys, ends, owner = self._flat()
        c = np.array([codes.get(r, -1) for r in resource_ids], dtype=np.int64)
        known = c >= 0
        if not known.any():
            return lower_s if lower_s <= latest_s else None
        code = c[known]
        base = code * _KEY_US
        s = base + np.floor(np.asarray(rel_start_s)[known] * _US).astype(np.int64)  # widened outwards
        e = base + np.ceil(np.asarray(rel_end_s)[known] * _US).astype(np.int64)
        d, last = int(math.ceil(lower_s * _US)), latest_s * _US
        while d <= last:
            i = np.searchsorted(ends, s + d, side="right")  # first busy interval ending after the start
            i_ok = np.minimum(i, len(ends) - 1)
            hit = (i < len(ends)) & (owner[i_ok] == code) & (keys[i_ok] < e + d)
            if not hit.any():
                return d / _US
            d = int(np.max(ends[i_ok][hit] - s[hit])) + 1  # 1 µs clear of the interval's end
        return None

    def prepare(self) -> FreeIntervalIndex:
        """Build the lookup structures now rather than on the first query (returns self)."""
        self._flat()
        return self

    def _flat(self) -> tuple:
        """Every resource's busy union on one integer axis, in microseconds, resource n offset
        by n × 10¹² µs (times stay within ±5·10⁵ s); starts rounded down, ends up."""
        if self._flat_cache is None:
            codes: dict[str, int] = {}
            starts, ends = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
            owner = [np.zeros(0, np.int64)]
            for n, rid in enumerate(sorted(self._busy)):
                codes[rid] = n
                a, b = self._merged(rid)
                starts.append(np.floor(a * _US).astype(np.int64) + n * _KEY_US)
                ends.append(np.ceil(b * _US).astype(np.int64) + n * _KEY_US)
                owner.append(np.full(len(a), n, dtype=np.int64))
            self._flat_cache = (codes, np.concatenate(starts), np.concatenate(ends), np.concatenate(owner))
        return self._flat_cache

    # ----- changes -----------------------------------------------------------

    def add(self, occupations: OccupationTable | Iterable[Occupation]) -> None:
        """Add occupations (e.g. all blocking times of a newly planned train)."""
        table = as_table(occupations)
        self._flat_cache = None
        for rid, new in _build(table).items():
            old = self._busy.get(rid)
            if old is None:
                self._busy[rid] = new
                continue
            at = np.searchsorted(old.start, new.start, side="right")
            self._busy[rid] = _Busy(np.insert(old.start, at, new.start),
                                    np.insert(old.end, at, new.end),
                                    np.insert(old.train, at, new.train))

    def remove_train(self, train_id: str, resource_ids: Iterable[str] | None = None) -> int:
        """Take every occupation of ``train_id`` out (only on ``resource_ids`` if given).

        Returns how many occupations were removed.
        """
        targets = list(self._busy) if resource_ids is None else list(resource_ids)
        self._flat_cache = None
        removed = 0
        for rid in targets:
            b = self._busy.get(rid)
            if b is None:
                continue
            keep = b.train != train_id
            gone = int(len(keep) - keep.sum())
            if gone:
                removed += gone
                if keep.any():
                    self._busy[rid] = _Busy(b.start[keep], b.end[keep], b.train[keep])
                else:
                    del self._busy[rid]
        return removed

    def remove(self, occupations: OccupationTable | Iterable[Occupation]) -> int:
        """Take out the given trains' occupations on the given resources."""
        table = as_table(occupations)
        pairs: dict[str, set[str]] = {}
        for t, r in zip(table.train_id.tolist(), table.resource_id.tolist()):
            pairs.setdefault(t, set()).add(r)
        return sum(self.remove_train(t, rs) for t, rs in pairs.items())

    # ----- internals ---------------------------------------------------------

    _EMPTY = (np.zeros(0), np.zeros(0))

    def _merged(self, resource_id: str) -> tuple[np.ndarray, np.ndarray]:
        b = self._busy.get(resource_id)
        return self._EMPTY if b is None else b.merged()


def _build(table: OccupationTable) -> dict[str, _Busy]:
    """Group a table by resource, each group sorted by start (one sort for all)."""
    if not len(table):
        return {}
    codes, names = factorize(table.resource_id)
    order = np.lexsort((table.start_s, codes))
    c = codes[order]
    cuts = np.flatnonzero(c[1:] != c[:-1]) + 1
    bounds = np.r_[0, cuts, len(c)]
    s, e, t = table.start_s[order], table.end_s[order], table.train_id[order]
    return {names[c[lo]]: _Busy(s[lo:hi], e[lo:hi], t[lo:hi])
            for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist())}


def _union(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge intervals sorted by start into disjoint ones.

    Overlapping intervals merge; intervals that only touch stay apart, so that a
    zero-width query at the seam between two back-to-back occupations is free, as
    it is against the occupations themselves (overlap is strict at both ends).

    >>> _union(np.array([0.0, 1.0, 1.5]), np.array([1.0, 2.0, 3.0]))
    (array([0., 1.]), array([1., 3.]))
    """
    if not len(start):
        return start, end
    reach = np.maximum.accumulate(end)
    new = np.r_[True, start[1:] >= reach[:-1]]
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(start) - 1]
    return start[first], reach[last]
