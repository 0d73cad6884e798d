"""The free-interval index: per resource, when it is busy and when it is free.

Busy intervals are the occupations of the timetable. An interval ``[a, b]``
is *free* on a resource when no occupation overlaps it by a positive amount
(an occupation that ends at ``a`` or starts at ``b`` is fine), the same rule
as the conflict detector with tolerance 0.

The index keeps every occupation in flat numpy columns sorted by resource,
then start (with their trains, so a train can be taken out again), and, built
on demand for all resources at once, their union as disjoint sorted intervals;
queries bisect the union. Deriving an index without some trains
(:meth:`FreeIntervalIndex.without`) or adding and removing a train costs one
vectorised pass over the columns, not a rebuild resource by resource.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from railcap.model.occupation import Occupation, OccupationTable, as_table

_US = 1_000_000  # the flat axis counts microseconds
_KEY_US = 10**12  # resource spacing on the flat axis


class _Names:
    """Strings to integer codes, in order of first appearance (append only)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = list(names)
        self.code: dict[str, int] = {n: i for i, n in enumerate(self.names)}

    def copy(self) -> _Names:
        return _Names(self.names)

    def codes(self, values: np.ndarray) -> np.ndarray:
        """The codes of ``values``, new names appended."""
        items = values.tolist()
        for name in dict.fromkeys(items):
            if name not in self.code:
                self.code[name] = len(self.names)
                self.names.append(name)
        return np.fromiter(map(self.code.__getitem__, items), dtype=np.int64, count=len(items))


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
    >>> idx.without(["ic1"]).is_free("b/+/0", 100, 150)
    True
    """

    def __init__(self, occupations: OccupationTable | Iterable[Occupation] = ()) -> None:
        self._resources, self._trains = _Names(), _Names()
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        # the occupations, sorted by (resource code, start), stable
        self._rc, self._tc, self._s, self._e = empty_i, empty_i, empty_f, empty_f
        self._unions: _Unions | None = None  # built on demand; None = stale
        table = as_table(occupations)
        if len(table):
            self._rows(self._resources.codes(table.resource_id), self._trains.codes(table.train_id),
                       table.start_s, table.end_s)

    # ----- queries -----------------------------------------------------------

    @property
    def resources(self) -> list[str]:
        """The resources with at least one occupation."""
        return [self._resources.names[c] for c in np.unique(self._rc).tolist()]

    def busy_intervals(self, resource_id: str) -> list[tuple[float, float]]:
        """The union of the occupations of a resource, as disjoint sorted intervals."""
        starts, ends = self._merged(resource_id)
        return list(zip(starts.tolist(), ends.tolist()))

    def occupations(self, resource_id: str) -> list[Occupation]:
        """The occupations of one resource, sorted by start (equal starts: in order of addition)."""
        c = self._resources.code.get(resource_id)
        if c is None:
            return []
        lo, hi = np.searchsorted(self._rc, [c, c + 1]).tolist()
        names = self._trains.names
        return [Occupation(names[t], resource_id, s, e) for t, s, e in
                zip(self._tc[lo:hi].tolist(), self._s[lo:hi].tolist(), self._e[lo:hi].tolist())]

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
        u = self._built()
        keys, ends, owner = u.flat_start, u.flat_end, u.code
        code_of = self._resources.code
        c = np.array([code_of.get(r, -1) for r in resource_ids], dtype=np.int64)
        known = c >= 0
        if not known.any() or not len(ends):
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
        self._built()
        return self

    # ----- changes -----------------------------------------------------------

    def without(self, train_ids: Iterable[str]) -> FreeIntervalIndex:
        """A new index holding the same occupations except those of ``train_ids``.

        One masking pass over the columns: cheaper than building an index from a
        table again, and with occupations in the same order as such a build.
        """
        out = FreeIntervalIndex()
        out._resources, out._trains = self._resources.copy(), self._trains.copy()
        keep = ~self._of_trains(train_ids)
        out._rc, out._tc, out._s, out._e = self._rc[keep], self._tc[keep], self._s[keep], self._e[keep]
        return out

    def add(self, occupations: OccupationTable | Iterable[Occupation]) -> None:
        """Add occupations (e.g. all blocking times of a newly planned train); on equal
        starts they come after the occupations already held."""
        table = as_table(occupations)
        if len(table):
            self._rows(np.r_[self._rc, self._resources.codes(table.resource_id)],
                       np.r_[self._tc, self._trains.codes(table.train_id)],
                       np.r_[self._s, table.start_s], np.r_[self._e, table.end_s])

    def remove_train(self, train_id: str, resource_ids: Iterable[str] | None = None) -> int:
        """Take every occupation of ``train_id`` out (only on ``resource_ids`` if given).

        Returns how many occupations were removed.
        """
        gone = self._of_trains([train_id])
        if resource_ids is not None:
            codes = [self._resources.code[r] for r in resource_ids if r in self._resources.code]
            gone &= np.isin(self._rc, codes)
        return self._drop(gone)

    def remove(self, occupations: OccupationTable | Iterable[Occupation]) -> int:
        """Take out the given trains' occupations on the given resources."""
        table = as_table(occupations)
        pairs: dict[str, set[str]] = {}
        for t, r in zip(table.train_id.tolist(), table.resource_id.tolist()):
            pairs.setdefault(t, set()).add(r)
        return sum(self.remove_train(t, rs) for t, rs in pairs.items())

    # ----- internals ---------------------------------------------------------

    _EMPTY = (np.zeros(0), np.zeros(0))

    def _rows(self, rc: np.ndarray, tc: np.ndarray, s: np.ndarray, e: np.ndarray) -> None:
        """Hold these rows, sorted by (resource, start); stable, so ties keep their order."""
        order = np.lexsort((s, rc))
        self._rc, self._tc = rc[order], tc[order]
        self._s, self._e = np.asarray(s, np.float64)[order], np.asarray(e, np.float64)[order]
        self._unions = None

    def _of_trains(self, train_ids: Iterable[str]) -> np.ndarray:
        codes = [self._trains.code[t] for t in train_ids if t in self._trains.code]
        return np.isin(self._tc, codes) if codes else np.zeros(len(self._tc), dtype=bool)

    def _drop(self, rows: np.ndarray) -> int:
        n = int(rows.sum())
        if n:
            keep = ~rows
            self._rc, self._tc, self._s, self._e = self._rc[keep], self._tc[keep], self._s[keep], self._e[keep]
            self._unions = None
        return n

    def _built(self) -> _Unions:
        if self._unions is None:
            self._unions = _Unions.of(self._rc, self._s, self._e, len(self._resources.names))
        return self._unions

    def _merged(self, resource_id: str) -> tuple[np.ndarray, np.ndarray]:
        c = self._resources.code.get(resource_id)
        if c is None:
            return self._EMPTY
        u = self._built()
        lo, hi = u.bounds[c], u.bounds[c + 1]
        return u.start[lo:hi], u.end[lo:hi]


class _Unions:
    """Every resource's busy union: float seconds per resource (``bounds[c]:bounds[c + 1]``) and
    the same on one integer axis in microseconds, resource c offset by c × 10¹² µs (times stay
    within ±5·10⁵ s), starts rounded down, ends up."""

    __slots__ = ("code", "start", "end", "bounds", "flat_start", "flat_end")

    def __init__(self, code: np.ndarray, start: np.ndarray, end: np.ndarray, n_resources: int) -> None:
        self.code, self.start, self.end = code, start, end
        self.bounds = np.searchsorted(code, np.arange(n_resources + 1)).tolist()
        self.flat_start = np.floor(start * _US).astype(np.int64) + code * _KEY_US
        self.flat_end = np.ceil(end * _US).astype(np.int64) + code * _KEY_US

    @classmethod
    def of(cls, rc: np.ndarray, s: np.ndarray, e: np.ndarray, n_resources: int) -> _Unions:
        """Merge the intervals of every resource at once (rows sorted by resource, then start).

        Overlapping intervals merge; intervals that only touch stay apart, so that a
        zero-width query at the seam between two back-to-back occupations is free, as
        it is against the occupations themselves (overlap is strict at both ends).

        >>> u = _Unions.of(np.array([0, 0, 0, 1]), np.array([0.0, 1.0, 1.5, 0.5]),
        ...                np.array([1.0, 2.0, 3.0, 0.7]), 2)
        >>> u.start.tolist(), u.end.tolist(), u.bounds
        ([0.0, 1.0, 0.5], [1.0, 3.0, 0.7], [0, 2, 3])
        """
        n = len(s)
        if not n:
            return cls(rc, s, e, n_resources)
        # the running maximum of the ends within each resource, exactly: ends ranked, the rank offset
        # by resource × n, so that one running maximum over all rows never reaches back into another
        by_end = np.argsort(e, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[by_end] = np.arange(n)
        offset = rc * n
        reach = e[by_end[np.maximum.accumulate(offset + rank) - offset]]
        new = np.r_[True, (rc[1:] != rc[:-1]) | (s[1:] >= reach[:-1])]
        first = np.flatnonzero(new)
        last = np.r_[first[1:] - 1, n - 1]
        return cls(rc[first], s[first], reach[last], n_resources)
