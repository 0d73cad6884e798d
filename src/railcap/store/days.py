"""Where one service day meets the next: the trains of the day before still running after midnight, and
the first hours of the day after.

A service day counts its times from its own midnight, and its trains may run
past 24:00 (the reference weekday has trains until about 27:20). So a path
planned on day D meets, besides D's own trains (:func:`day_table`):

* the trains of **D − 1** still running after D − 1's midnight — at their
  times minus 24 h, in D's early hours;
* the trains of **D + 1** in its first :data:`NEXT_DAY_HEAD_S` — at their
  times plus 24 h, for a path of D that runs past midnight.

Each neighbouring day is the day as it will be on that date (the reference
weekday with the date's own allocations); the reference weekday itself
(no date) is repeated, so its neighbours are itself. The neighbours' trains
are named ``<train>@day-1`` and ``<train>@day+1``: they belong to the other
day's plan, so this day's plan never moves them (they have no class here and
count as immovable, like a military train).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from railcap.model.clock import DAY_S
from railcap.occupancy import OccupationTable

NEXT_DAY_HEAD_S = 6 * 3600.0  # a path of D running past midnight meets D + 1's trains of its first 6 h
BEFORE, AFTER = "@day-1", "@day+1"

_PARTS: dict[int, tuple[OccupationTable, OccupationTable, OccupationTable]] = {}


def neighbour_dates(service_date: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The service dates before and after; the reference weekday (None) is its own neighbour.

    >>> neighbour_dates(dt.date(2026, 11, 23))
    (datetime.date(2026, 11, 22), datetime.date(2026, 11, 24))
    >>> neighbour_dates(None)
    (None, None)
    """
    if service_date is None:
        return None, None
    one = dt.timedelta(days=1)
    return service_date - one, service_date + one


def _base_parts(base: OccupationTable) -> tuple[OccupationTable, OccupationTable]:
    """The reference day's rows after its midnight and in its first hours (cut once per base table)."""
    hit = _PARTS.get(id(base))
    if hit is None or hit[0] is not base:
        hit = (base, base[base.end_s > DAY_S], base[base.start_s < NEXT_DAY_HEAD_S])
        _PARTS.clear()
        _PARTS[id(base)] = hit
    return hit[1], hit[2]


def _as_it_will_be(part: OccupationTable, extra: OccupationTable, removed: frozenset[str]) -> OccupationTable:
    if removed:
        part = part[~np.isin(part.train_id, list(removed))]
    return OccupationTable.concat([part, extra]) if len(extra) else part


def _moved(rows: OccupationTable, by_s: float, suffix: str) -> OccupationTable:
    names = np.array([f"{t}{suffix}" for t in rows.train_id.tolist()], dtype=object)
    return OccupationTable.from_columns(names, rows.resource_id, rows.start_s + by_s, rows.end_s + by_s)


def neighbour_rows(base: OccupationTable, before, after) -> OccupationTable:
    """The occupations the days before and after (``State`` each) reach into this day, in this day's times.

    ``base`` is the reference weekday; the day before's trains after its
    midnight come at minus 24 h, the day after's first hours at plus 24 h.
    """
    tail, head = _base_parts(base)
    tail = _as_it_will_be(tail, before.extra[before.extra.end_s > DAY_S], before.removed)
    head = _as_it_will_be(head, after.extra[after.extra.start_s < NEXT_DAY_HEAD_S], after.removed)
    return OccupationTable.concat([_moved(tail, -DAY_S, BEFORE), _moved(head, DAY_S, AFTER)])


def is_neighbour(train_id: str) -> bool:
    """True for a train of the day before or after (named by :func:`neighbour_rows`).

    >>> is_neighbour("3512@day-1"), is_neighbour("3512")
    (True, False)
    """
    return train_id.endswith((BEFORE, AFTER))


def own_id(train_id: str) -> str:
    """A neighbour day's train by its id on its own day (other ids unchanged).

    >>> own_id("A3-freight@day-1"), own_id("3512@day+1"), own_id("3512")
    ('A3-freight', '3512', '3512')
    """
    for suffix in (BEFORE, AFTER):
        if train_id.endswith(suffix):
            return train_id[:-len(suffix)]
    return train_id


__all__ = ["AFTER", "BEFORE", "NEXT_DAY_HEAD_S", "is_neighbour", "neighbour_dates", "neighbour_rows", "own_id"]
