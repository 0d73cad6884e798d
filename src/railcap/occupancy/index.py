"""The free-interval index: per resource, when it is busy and when it is free.

This is the one interval structure of the project: the path search, the store,
capacity and resilience query it, and the reference-day builder inserts its
trains on it. Busy intervals are the occupations of the timetable. An interval
``[a, b]`` is *free* on a resource when no occupation overlaps it by a positive
amount (an occupation that ends at ``a`` or starts at ``b`` is fine), the same
rule as the conflict detector with tolerance 0; an occupation of zero length
occupies nothing, and a zero-width query ``[x, x]`` is busy only when ``x`` lies
strictly inside a busy interval (so it is free at the seam of two occupations
that touch).

The index keeps every occupation in flat numpy columns sorted by resource,
then start (with their trains, so a train can be taken out again), and their
union as disjoint sorted intervals (:mod:`railcap.occupancy.unions`) in two
forms: for all resources at once, built on demand in one vectorised pass, and
per resource as plain lists, kept up to date on every addition. Adding a train
touches only its own resources: its rows wait to be sorted in until a query
needs the columns, and its intervals are merged into the lists of its
resources, on which the run queries (is a shifted run free, which of its
occupations hit, where does the first hit end) bisect. Deriving an index
without some trains (:meth:`FreeIntervalIndex.without`) or removing a train
costs one vectorised pass over the columns, not a rebuild resource by resource.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Iterable, Iterator, Sequence

import numpy as np

from railcap.model.occupation import Occupation, OccupationTable, as_table
from railcap.occupancy.unions import KEY_US, US, Names, Unions, insert_busy

_Busy = tuple[list[float], list[float]]  # one resource's busy intervals: (starts, ends)


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

    A run (its blocks and blocking times relative to its departure) is checked
    and granted at a departure ``shift_s``:

    >>> run = (["b/+/0", "b/+/1"], np.array([0.0, 40.0]), np.array([60.0, 90.0]))
    >>> idx.run_is_free(*run, shift_s=200), idx.run_first_hit(*run, shift_s=230)
    (False, (0, 260.0))
    >>> idx.add_run("sp3", *run, shift_s=260); idx.run_hit_resources(*run, shift_s=300)
    ['b/+/0', 'b/+/1']
    """

    def __init__(self, occupations: OccupationTable | Iterable[Occupation] = ()) -> None:
        self._resources, self._trains = Names(), Names()
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        # the occupations, sorted by (resource code, start), stable
        self._rc, self._tc, self._s, self._e = empty_i, empty_i, empty_f, empty_f
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # added, not sorted in
        self._unions: Unions | None = None  # all resources at once; built on demand, None = not built
        self._unions_stale = False  # built, but rows were added since (their resources are in _busy)
        self._busy: dict[str, _Busy] = {}  # per resource, always up to date; filled as resources are used
        table = as_table(occupations)
        if len(table):
            self._append(table.resource_id, table.train_id, table.start_s, table.end_s)

    # ----- queries on one resource -------------------------------------------

    @property
    def resources(self) -> list[str]:
        """The resources with at least one occupation."""
        return [self._resources.names[c] for c in np.unique(self._columns()[0]).tolist()]

    def busy_intervals(self, resource_id: str) -> list[tuple[float, float]]:
        """The union of the occupations of a resource, as disjoint sorted intervals."""
        starts, ends = self._merged(resource_id)
        return list(zip(starts.tolist(), ends.tolist()))

    def occupations(self, resource_id: str) -> list[Occupation]:
        """The occupations of one resource, sorted by start (equal starts: in order of addition)."""
        c = self._resources.code.get(resource_id)
        if c is None:
            return []
        rc, tc, s, e = self._columns()
        lo, hi = np.searchsorted(rc, [c, c + 1]).tolist()
        names = self._trains.names
        return [Occupation(names[t], resource_id, a, b) for t, a, b in
                zip(tc[lo:hi].tolist(), s[lo:hi].tolist(), e[lo:hi].tolist())]

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

    # ----- queries on a run: its occupations relative to a departure ----------

    def run_is_free(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                    shift_s: float = 0.0) -> bool:
        """True when no occupation of the run, shifted by ``shift_s``, overlaps a busy interval
        (stops at the first that does)."""
        return not any(self._hits(resource_ids, starts, ends, shift_s))

    def run_hits(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                 shift_s: float = 0.0) -> int:
        """How many of the run's occupations (shifted) overlap a busy interval."""
        return sum(self._hits(resource_ids, starts, ends, shift_s))

    def run_hit_resources(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                          shift_s: float = 0.0) -> list[str]:
        """The resources on which the run (shifted) meets a busy interval: why it does not fit."""
        return [r for r, hit in zip(resource_ids, self._hits(resource_ids, starts, ends, shift_s)) if hit]

    def run_first_hit(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                      shift_s: float = 0.0) -> tuple[int, float] | None:
        """The first occupation of the run (in the given order, shifted) that overlaps a busy
        interval, and when the resource is free again: (row, end of the busy time, on the
        index's clock), or None. Busy intervals that touch are walked over, so the end is
        that of the whole busy stretch the occupation runs into."""
        for k, (r, s, e) in enumerate(zip(resource_ids, starts, ends)):
            st, en = self._busy.get(r) or self._busy_of(r)
            i = bisect_left(st, e + shift_s) - 1  # the last busy interval starting before the end
            if i >= 0 and en[i] > s + shift_s:
                while i + 1 < len(st) and st[i + 1] == en[i]:
                    i += 1
                return k, en[i]
        return None

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
        base = code * KEY_US
        s = base + np.floor(np.asarray(rel_start_s)[known] * US).astype(np.int64)  # widened outwards
        e = base + np.ceil(np.asarray(rel_end_s)[known] * US).astype(np.int64)
        d, last = int(math.ceil(lower_s * US)), latest_s * US
        while d <= last:
            i = np.searchsorted(ends, s + d, side="right")  # first busy interval ending after the start
            i_ok = np.minimum(i, len(ends) - 1)
            hit = (i < len(ends)) & (owner[i_ok] == code) & (keys[i_ok] < e + d)
            if not hit.any():
                return d / US
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
        out._rc, out._tc, out._s, out._e = (col[keep] for col in self._columns())
        return out

    def add(self, occupations: OccupationTable | Iterable[Occupation]) -> None:
        """Add occupations (e.g. all blocking times of a newly planned train); on equal
        starts they come after the occupations already held."""
        table = as_table(occupations)
        if len(table):
            self._append(table.resource_id, table.train_id, table.start_s, table.end_s)

    def add_run(self, train_id: str, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                shift_s: float = 0.0) -> None:
        """Add the occupations of one train's run, shifted by ``shift_s`` (a departure granted
        after :meth:`run_is_free`); only the run's resources are touched."""
        n = len(resource_ids)
        self._append(np.array(resource_ids, dtype=object), np.full(n, train_id, dtype=object),
                     np.asarray(starts, np.float64) + shift_s, np.asarray(ends, np.float64) + shift_s)

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

    def _append(self, resource_ids: np.ndarray, train_ids: np.ndarray, s: np.ndarray, e: np.ndarray) -> None:
        """Hold these rows: queued for the columns, merged at once into the busy lists of their
        resources when the unions exist (before that, the first build takes them in)."""
        s, e = np.asarray(s, np.float64), np.asarray(e, np.float64)
        self._pending.append((self._resources.codes(resource_ids), self._trains.codes(train_ids), s, e))
        if self._unions is None:
            return
        for r, a, b in zip(resource_ids.tolist(), s.tolist(), e.tolist()):
            insert_busy(*(self._busy.get(r) or self._busy_of(r)), a, b)
        self._unions_stale = True

    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The rows sorted by (resource, start), the queued ones sorted in; stable, so ties keep
        the order of addition."""
        if self._pending:
            chunks = self._pending if not len(self._rc) else [(self._rc, self._tc, self._s, self._e), *self._pending]
            rc, tc, s, e = (np.concatenate(cols) if len(cols) > 1 else cols[0] for cols in zip(*chunks))
            self._pending = []
            order = np.lexsort((s, rc))
            self._rc, self._tc, self._s, self._e = rc[order], tc[order], s[order], e[order]
        return self._rc, self._tc, self._s, self._e

    def _hits(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
              shift_s: float) -> Iterator[bool]:
        """For each occupation of a run (shifted), whether it overlaps a busy interval; lazily."""
        busy = self._busy
        for r, s, e in zip(resource_ids, starts, ends):
            st, en = busy.get(r) or self._busy_of(r)
            i = bisect_left(st, e + shift_s) - 1  # the last busy interval starting before the end
            yield i >= 0 and en[i] > s + shift_s

    def _busy_of(self, resource_id: str) -> _Busy:
        """The busy lists of a resource not yet in ``_busy``, taken from the unions (current for
        every resource that is not in ``_busy``) and kept from now on."""
        u = self._unions if self._unions is not None else self._built()
        c = self._resources.code.get(resource_id)
        lists = u.lists(c) if c is not None else ([], [])
        self._busy[resource_id] = lists
        return lists

    def _of_trains(self, train_ids: Iterable[str]) -> np.ndarray:
        tc = self._columns()[1]
        codes = [self._trains.code[t] for t in train_ids if t in self._trains.code]
        return np.isin(tc, codes) if codes else np.zeros(len(tc), dtype=bool)

    def _drop(self, rows: np.ndarray) -> int:
        n = int(rows.sum())
        if n:
            keep = ~rows
            self._rc, self._tc, self._s, self._e = self._rc[keep], self._tc[keep], self._s[keep], self._e[keep]
            self._unions, self._unions_stale, self._busy = None, False, {}
        return n

    def _built(self) -> Unions:
        if self._unions is None or self._unions_stale:
            rc, _, s, e = self._columns()
            self._unions = Unions.of(rc, s, e, len(self._resources.names))
            self._unions_stale = False  # the busy lists agree with it: the same rule, the same rows
        return self._unions

    def _merged(self, resource_id: str) -> tuple[np.ndarray, np.ndarray]:
        c = self._resources.code.get(resource_id)
        if c is None:
            return self._EMPTY
        u = self._built()
        lo, hi = u.bounds[c], u.bounds[c + 1]
        return u.start[lo:hi], u.end[lo:hi]
