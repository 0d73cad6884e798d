"""The board the reference day is built on: what is already granted, on a day that repeats.

The reference weekday runs day after day, so its trains still running after 24:00
meet the next day's first trains, which are the same day's early trains 24 h later.
The board holds each granted blocking time once, in the free-interval index of
``occupancy``, and checks a run at its own times and, where it reaches another day,
folded by a day: its occupations that end after the earliest busy time + 24 h are
checked again a day earlier (they meet the next day's early trains), those that start
before the latest busy time − 24 h a day later (they meet the day before's late
trains). Both bounds follow what is granted, so the fold is exact: an occupation it
leaves out cannot meet anything a day away.

>>> b = DayBoard()
>>> late = (["blk"], np.array([0.0]), np.array([600.0]))   # one block held for 10 min
>>> b.add_run("night", *late, shift_s=DAY_S - 300)           # 23:55 – 00:05
>>> b.run_is_free(*late, shift_s=60), b.run_first_hit(*late, shift_s=60)  # 00:01: meets it
(False, (0, 300.0))
>>> b.run_is_free(*late, shift_s=300)  # 00:05, when it has left: free
True
"""

from __future__ import annotations

import math
from typing import Iterator, Sequence

import numpy as np

from railcap.model.clock import DAY_S
from railcap.model.occupation import OccupationTable
from railcap.occupancy import FreeIntervalIndex

_Run = tuple[Sequence[str], np.ndarray, np.ndarray]


class DayBoard:
    """The granted blocking times of a day that repeats, with the run queries of
    :class:`~railcap.occupancy.FreeIntervalIndex` (``index``: the day itself, once)."""

    def __init__(self) -> None:
        self.index = FreeIntervalIndex()
        self._earliest_s, self._latest_s = math.inf, -math.inf  # of everything granted

    # ----- queries: the run at its own times and folded by a day ---------------

    def run_is_free(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                    shift_s: float = 0.0) -> bool:
        return all(self.index.run_is_free(*run, at) for run, _, at in self._views(resource_ids, starts, ends, shift_s))

    def run_hits(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                 shift_s: float = 0.0) -> int:
        return sum(self.index.run_hits(*run, at) for run, _, at in self._views(resource_ids, starts, ends, shift_s))

    def run_hit_resources(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                          shift_s: float = 0.0) -> list[str]:
        return [r for run, _, at in self._views(resource_ids, starts, ends, shift_s)
                for r in self.index.run_hit_resources(*run, at)]

    def run_first_hit(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                      shift_s: float = 0.0) -> tuple[int, float] | None:
        """The first occupation (in the given order) that meets a busy interval of this day or
        a day away, and when the resource is free again, on the run's own clock."""
        best: tuple[int, float] | None = None
        for run, rows, at in self._views(resource_ids, starts, ends, shift_s):
            hit = self.index.run_first_hit(*run, at)
            if hit is None:
                continue
            row, until = (hit[0] if rows is None else int(rows[hit[0]])), hit[1] + (shift_s - at)
            if best is None or row < best[0] or (row == best[0] and until > best[1]):
                best = (row, until)
        return best

    # ----- changes -----------------------------------------------------------

    def add_run(self, train_id: str, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                shift_s: float = 0.0) -> None:
        self.index.add_run(train_id, resource_ids, starts, ends, shift_s)
        self._widen(float(np.min(starts)) + shift_s, float(np.max(ends)) + shift_s)

    def add(self, occupations: OccupationTable) -> None:
        self.index.add(occupations)
        if len(occupations):
            self._widen(float(occupations.start_s.min()), float(occupations.end_s.max()))

    # ----- internals ---------------------------------------------------------

    def _widen(self, start_s: float, end_s: float) -> None:
        self._earliest_s, self._latest_s = min(self._earliest_s, start_s), max(self._latest_s, end_s)

    def _views(self, resource_ids: Sequence[str], starts: np.ndarray, ends: np.ndarray, shift_s: float
               ) -> Iterator[tuple[_Run, np.ndarray | None, float]]:
        """(the run or some of its rows, those rows or None for all, the shift to check them at):
        first the run itself, then, lazily, the rows that may meet the next or the day before."""
        yield (resource_ids, starts, ends), None, shift_s
        for rows, at in ((np.flatnonzero(ends + (shift_s - DAY_S) > self._earliest_s), shift_s - DAY_S),
                         (np.flatnonzero(starts + (shift_s + DAY_S) < self._latest_s), shift_s + DAY_S)):
            if len(rows):
                yield ([resource_ids[i] for i in rows.tolist()], starts[rows], ends[rows]), rows, at
