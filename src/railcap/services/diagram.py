"""The space–time diagram's use case: which day to draw.

A diagram draws a timetable: the reference weekday, a timetable file, or the
*day as it will be* in an allocation store on a service date — the reference
weekday's runs with every train the store changed replaced by its current
version (allocated paths, reserve paths, trains military priority moved;
cancelled ones left out). Rendering is the faces' (``viz.diagram``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from railcap.data.reference import load_reference_timetable
from railcap.model.errors import Problem, ValidationError
from railcap.model.timetable import Timetable
from railcap.store import allocations as store


def day_timetable(db: str | Path, service_date: dt.date | None = None,
                  base: Timetable | None = None) -> Timetable:
    """The runs of the day as it will be in the store ``db`` (which must exist) on ``service_date``."""
    base = base or load_reference_timetable()
    engine = store.open_store(db, create=False)
    try:
        state = store.snapshot(engine, service_date).state
    finally:
        engine.dispose()
    kept = tuple(r for r in base.runs if r.id not in state.removed)
    return Timetable(kept + tuple(sorted(state.runs.values(), key=lambda r: (r.departure_s, r.id))), base.meta)


def parse_service_date(text: str | None, element: str = "command line") -> dt.date | None:
    """``YYYY-MM-DD`` as a date; None for the reference weekday.

    >>> parse_service_date("2027-03-01")
    datetime.date(2027, 3, 1)
    >>> parse_service_date(None) is None
    True
    """
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(Problem(element, "date", f"'{text}' is not a date (YYYY-MM-DD)")) from None
