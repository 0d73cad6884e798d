"""The busy time of each resource as disjoint sorted intervals, in the two forms the
free-interval index (:mod:`railcap.occupancy.index`) keeps of it.

Both follow the rule of the conflict detector: two occupations overlap only by a
positive amount, so occupations that merely touch (one ends as the next starts) stay
separate intervals, and an occupation of zero length occupies nothing.

- :class:`Unions`: every resource at once in flat numpy columns, built in one
  vectorised pass over the occupations (for whole-day queries such as
  :meth:`~railcap.occupancy.index.FreeIntervalIndex.earliest_fit`);
- :func:`insert_busy`: one interval merged into one resource's busy lists (plain
  Python lists), for the many small additions of a timetable being built.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable

import numpy as np

US = 1_000_000  # the flat axis counts microseconds
KEY_US = 10**12  # resource spacing on the flat axis


class Names:
    """Strings to integer codes, in order of first appearance (append only)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = list(names)
        self.code: dict[str, int] = {n: i for i, n in enumerate(self.names)}

    def copy(self) -> Names:
        return Names(self.names)

    def codes(self, values: np.ndarray) -> np.ndarray:
        """The codes of ``values``, new names appended."""
        items = values.tolist()
        for name in dict.fromkeys(items):
            if name not in self.code:
                self.code[name] = len(self.names)
                self.names.append(name)
        return np.fromiter(map(self.code.__getitem__, items), dtype=np.int64, count=len(items))


class Unions:
    """Every resource's busy union: float seconds per resource (``bounds[c]:bounds[c + 1]``) and
    the same on one integer axis in microseconds, resource c offset by c × 10¹² µs (times stay
    within ±5·10⁵ s), starts rounded down, ends up."""

    __slots__ = ("code", "start", "end", "bounds", "flat_start", "flat_end")

    def __init__(self, code: np.ndarray, start: np.ndarray, end: np.ndarray, n_resources: int) -> None:
        self.code, self.start, self.end = code, start, end
        self.bounds = np.searchsorted(code, np.arange(n_resources + 1)).tolist()
        self.flat_start = np.floor(start * US).astype(np.int64) + code * KEY_US
        self.flat_end = np.ceil(end * US).astype(np.int64) + code * KEY_US

    def lists(self, code: int) -> tuple[list[float], list[float]]:
        """The busy intervals of one resource as (starts, ends) lists; empty for a code
        this union does not know (a resource first seen after it was built)."""
        if code + 1 >= len(self.bounds):
            return [], []
        lo, hi = self.bounds[code], self.bounds[code + 1]
        return self.start[lo:hi].tolist(), self.end[lo:hi].tolist()

    @classmethod
    def of(cls, rc: np.ndarray, s: np.ndarray, e: np.ndarray, n_resources: int) -> Unions:
        """Merge the intervals of every resource at once (rows sorted by resource, then start).

        Overlapping intervals merge; intervals that only touch stay apart, so that a
        zero-width query at the seam between two back-to-back occupations is free, as
        it is against the occupations themselves (overlap is strict at both ends).
        Occupations of zero length are left out.

        >>> u = Unions.of(np.array([0, 0, 0, 0, 1]), np.array([0.0, 1.0, 1.5, 2.5, 0.5]),
        ...               np.array([1.0, 2.0, 3.0, 2.5, 0.7]), 2)
        >>> u.start.tolist(), u.end.tolist(), u.bounds
        ([0.0, 1.0, 0.5], [1.0, 3.0, 0.7], [0, 2, 3])
        """
        if len(s) and not (e > s).all():
            keep = e > s
            rc, s, e = rc[keep], s[keep], e[keep]
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


def insert_busy(starts: list[float], ends: list[float], s: float, e: float) -> None:
    """Merge ``[s, e]`` into one resource's disjoint sorted busy intervals, in place: it joins
    the intervals it overlaps by a positive amount; intervals it only touches stay apart, and
    a zero-length interval is ignored (the rule of :meth:`Unions.of`).

    >>> st, en = [0.0, 10.0], [5.0, 20.0]
    >>> insert_busy(st, en, 5.0, 8.0); st, en
    ([0.0, 5.0, 10.0], [5.0, 8.0, 20.0])
    >>> insert_busy(st, en, 7.0, 11.0); st, en
    ([0.0, 5.0], [5.0, 20.0])
    """
    if not e > s:
        return
    i = bisect_right(ends, s)  # the first interval ending after s (the ends rise like the starts)
    j = bisect_left(starts, e, lo=i)  # those from i on that start before e overlap [s, e]
    if j > i:
        s, e = min(s, starts[i]), max(e, ends[j - 1])
        del starts[i:j], ends[i:j]
    starts.insert(i, s)
    ends.insert(i, e)
