"""The busy board: blocking times already granted, per resource, for inserting new trains.

Intervals on one resource are kept merged and sorted, so "does [s, e) overlap
anything?" is one bisection: only the last busy interval that starts before
``e`` can reach past ``s``. Touching intervals (one ends as the next starts)
do not overlap, as in the conflict detector.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np


class BusyBoard:
    def __init__(self) -> None:
        self._starts: dict[str, list[float]] = {}
        self._ends: dict[str, list[float]] = {}

    def _hits(self, resources: list[str], starts: np.ndarray, ends: np.ndarray, shift_s: float):
        """For each occupation (shifted), whether it hits a busy interval; lazily, in order."""
        for r, s, e in zip(resources, starts, ends):
            st = self._starts.get(r)
            if not st:
                yield False
                continue
            i = bisect_left(st, e + shift_s) - 1
            yield i >= 0 and self._ends[r][i] > s + shift_s

    def overlaps(self, resources: list[str], starts: np.ndarray, ends: np.ndarray,
                 shift_s: float = 0.0) -> int:
        """How many of the occupations (shifted by ``shift_s``) hit a busy interval."""
        return sum(self._hits(resources, starts, ends, shift_s))

    def hit_resources(self, resources: list[str], starts: np.ndarray, ends: np.ndarray,
                      shift_s: float = 0.0) -> list[str]:
        """The resources whose occupation (shifted) hits a busy interval: why a trip does not fit."""
        return [r for r, hit in zip(resources, self._hits(resources, starts, ends, shift_s)) if hit]

    def first_hit(self, resources: list[str], starts: np.ndarray, ends: np.ndarray,
                  shift_s: float = 0.0) -> tuple[int, float] | None:
        """The first occupation (in the given order) that hits a busy interval, and when the
        busy time it runs into ends: (row, end of that busy interval, unshifted clock) or None."""
        for k, (r, s, e) in enumerate(zip(resources, starts, ends)):
            st = self._starts.get(r)
            if not st:
                continue
            i = bisect_left(st, e + shift_s) - 1
            if i >= 0 and self._ends[r][i] > s + shift_s:
                return k, self._ends[r][i]
        return None

    def is_free(self, resources: list[str], starts: np.ndarray, ends: np.ndarray, shift_s: float = 0.0) -> bool:
        return not any(self._hits(resources, starts, ends, shift_s))

    def intervals(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Every busy interval as (resource ids, starts, ends): the board as occupations."""
        res = [r for r, st in self._starts.items() for _ in st]
        starts = np.array([x for st in self._starts.values() for x in st], dtype=float)
        ends = np.array([x for en in self._ends.values() for x in en], dtype=float)
        return res, starts, ends

    def add(self, resources: list[str], starts: np.ndarray, ends: np.ndarray, shift_s: float = 0.0) -> None:
        for r, s, e in zip(resources, starts, ends):
            self._insert(r, float(s + shift_s), float(e + shift_s))

    def _insert(self, r: str, s: float, e: float) -> None:
        st = self._starts.setdefault(r, [])
        en = self._ends.setdefault(r, [])
        i = bisect_right(st, s)
        # merge with a predecessor that reaches s, and with successors that start before e
        if i > 0 and en[i - 1] >= s:
            i -= 1
            s = st[i]
            e = max(e, en[i])
            del st[i], en[i]
        while i < len(st) and st[i] <= e:
            e = max(e, en[i])
            del st[i], en[i]
        st.insert(i, s)
        en.insert(i, e)
