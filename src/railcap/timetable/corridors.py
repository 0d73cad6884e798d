"""Train volumes per corridor: what a timetable runs where the facts file gives a figure.

A corridor is measured where a trip passes both points of one of its pairs
(the run's passing points hold every point of its route, so a pair of
neighbouring points is one section; the parts of a trip cut in two pass
together). Passenger corridors count weekday daytime
trains (06:00–20:00 at the first of the two points) per hour per direction;
freight corridors count trains per day, both directions. A corridor without
pairs counts every run of its class (a whole-network total, per day).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from railcap.model.service import Corridor
from railcap.model.timetable import Timetable, TrainRun

DAYTIME = (6 * 3600.0, 20 * 3600.0)


@dataclass
class _Trip:
    """A trip as a corridor sees it: where a trip runs in two parts that meet (cut at a station),
    they pass its points together; a part after a piece not run is a piece of its own."""

    train_class: str
    departure_s: float
    pieces: list[dict[str, float]]  # when each continuous piece passes each of its points
    last_op: str = ""


def _time_at(trip: _Trip, pairs: tuple[tuple[str, str], ...]) -> float | None:
    """When the trip passes the first point of the first pair it uses, or None."""
    if not pairs:
        return trip.departure_s
    for at in trip.pieces:
        for a, b in pairs:
            if a in at and b in at:
                return min(at[a], at[b])
    return None


def _passing(runs: Iterable[TrainRun]) -> list[_Trip]:
    trips: dict[str, _Trip] = {}
    for r in sorted(runs, key=lambda r: (r.trip_id, r.departure_s)):
        at = {p.op_id: p.departure_s for p in r.points}
        trip = trips.get(r.trip_id)
        if trip is None:
            trips[r.trip_id] = _Trip(r.train_class.value, r.departure_s, [at], r.points[-1].op_id)
            continue
        if r.points[0].op_id == trip.last_op:
            trip.pieces[-1] = {**at, **trip.pieces[-1]}
        else:
            trip.pieces.append(at)
        trip.last_op = r.points[-1].op_id
    return list(trips.values())


def volume(runs: Iterable[TrainRun], c: Corridor, _passing_times: list[_Trip] | None = None) -> float:
    """The corridor's volume in its unit (trains per hour per direction, or per day)."""
    n = 0
    for trip in _passing_times if _passing_times is not None else _passing(runs):
        if trip.train_class != c.train_class:
            continue
        t = _time_at(trip, c.between)
        if t is None:
            continue
        if c.unit == "/h/dir" and not (DAYTIME[0] <= t % 86_400 < DAYTIME[1]):
            continue
        n += 1
    if c.unit == "/h/dir":
        return n / ((DAYTIME[1] - DAYTIME[0]) / 3600.0) / 2.0
    return float(n)


def corridor_table(corridors: list[Corridor], placed: Timetable, planned: Timetable | None = None) -> list[dict]:
    """One row per corridor: the facts file's figure, what is planned (if given), what is placed."""
    got_at = _passing(placed.runs)
    plan_at = _passing(planned.runs) if planned is not None else None
    rows = []
    for c in corridors:
        got = volume(placed.runs, c, got_at)
        row = {"corridor": c.name, "class": c.train_class, "unit": c.unit, "fact": c.fact,
               "low": c.low, "high": c.high, "uncertainty": c.uncertainty, "placed": round(got, 2),
               "ok": c.matches(got), "ok_bare_figure": c.matches_bare_figure(got), "known_gap": c.known_gap}
        if plan_at is not None:
            row["planned"] = round(volume(planned.runs, c, plan_at), 2)
        rows.append(row)
    return rows
