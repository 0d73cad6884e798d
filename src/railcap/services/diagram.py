"""The space–time diagram's use case: which day to draw.

A diagram draws a timetable: the reference weekday, a timetable file, or the
*day as it will be* in an allocation store on a service date — the reference
weekday's runs with every train the store changed replaced by its current
version (allocated paths, reserve paths, trains military priority moved;
cancelled ones left out). Rendering is the faces' (``viz.diagram``).

A diagram of day D also draws what the path search of D meets from the days
either side (``store.days``): D − 1's trains still running after its
midnight, at their times minus 24 h and named ``<train>@day-1``, and D + 1's
first hours at plus 24 h (``<train>@day+1``) — each neighbour as it will be
(the reference weekday with that date's allocations; the reference weekday
itself is its own neighbour). So a path just after 24:00 is drawn among the
trains the engine held it clear of.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from railcap.data.reference import load_reference_timetable
from railcap.model.clock import DAY_S
from railcap.model.errors import Problem, ValidationError
from railcap.model.timetable import Timetable, TrainRun
from railcap.store import allocations as store
from railcap.store.days import AFTER, BEFORE, NEXT_DAY_HEAD_S
from railcap.store.state import State


def day_timetable(db: str | Path, service_date: dt.date | None = None,
                  base: Timetable | None = None) -> Timetable:
    """The runs of the day as it will be in the store ``db`` (which must exist) on ``service_date``, with
    what the days before and after reach into it (:func:`neighbour_runs`)."""
    base = base or load_reference_timetable()
    engine = store.open_store(db, create=False)
    try:
        snap = store.snapshot(engine, service_date)
    finally:
        engine.dispose()
    own = as_it_will_be(base.runs, snap.state)
    return Timetable(own + neighbour_runs(base, snap.before, snap.after), base.meta)


def with_neighbours(timetable: Timetable) -> Timetable:
    """A day without a store (the reference weekday or a timetable file) with itself as the day before and
    after: its runs past 24:00 again at minus 24 h, its first hours again at plus 24 h.

    >>> from railcap.model.timetable import Leg, PassingPoint, TrainClass
    >>> late = TrainRun("900", TrainClass.FREIGHT, "f", (Leg("p-y"),),
    ...                 (PassingPoint("p", 86_000, 86_000), PassingPoint("y", 87_000, 87_000)))
    >>> [(r.id, r.departure_s) for r in with_neighbours(Timetable((late,))).runs]
    [('900', 86000), ('900@day-1', -400.0)]
    """
    return Timetable(timetable.runs + neighbour_runs(timetable), timetable.meta)


def as_it_will_be(runs: tuple[TrainRun, ...], state: State) -> tuple[TrainRun, ...]:
    """``runs`` (a reference day) with every train the store changed replaced by its current run
    (a cancelled one left out)."""
    kept = tuple(r for r in runs if r.id not in state.removed)
    return kept + tuple(sorted(state.runs.values(), key=lambda r: (r.departure_s, r.id)))


def neighbour_runs(base: Timetable, before: State | None = None, after: State | None = None
                   ) -> tuple[TrainRun, ...]:
    """The runs of the day before still running after its midnight (at minus 24 h, ``<id>@day-1``) and of the
    day after in its first :data:`store.days.NEXT_DAY_HEAD_S` (at plus 24 h, ``<id>@day+1``): ``base`` as
    each neighbour's ``State`` leaves it (``None``: unchanged), as ``store.days.neighbour_rows`` gives the
    path search their blocking times."""
    tail = as_it_will_be(base.runs, before) if before is not None else base.runs
    head = as_it_will_be(base.runs, after) if after is not None else base.runs
    return (tuple(r.shifted(-DAY_S, r.id + BEFORE) for r in tail if r.arrival_s > DAY_S)
            + tuple(r.shifted(DAY_S, r.id + AFTER) for r in head if r.departure_s < NEXT_DAY_HEAD_S))


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
