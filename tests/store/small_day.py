"""A small single-track day for the store's tests: fast to plan, busy enough for military priority to bite.

Stations s0 … s3 (6 km apart, each able to hold a 700 m train) on one track;
the reference day has freight trains s0 → s3 and passenger trains s3 → s0,
each planned around the ones before it, so the day itself is conflict-free.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.pathing.test_search_small import line
from railcap.data.rolling_stock import load_catalogue
from railcap.model.timetable import Timetable
from railcap.pathing import Planner, make_request
from railcap.services.paths import ReferenceDay
from railcap.store.allocations import open_store
from railcap.occupancy.runs import timetable_occupations

CAT = load_catalogue()
FREIGHT, MILITARY, PASSENGER = "bulk-heavy", "military-ammunition", "sng-4"
TRAINS = [("F06", "freight", FREIGHT, "s0", "s3", 6.0), ("F07", "freight", FREIGHT, "s0", "s3", 7.0),
          ("P0630", "passenger", PASSENGER, "s3", "s0", 6.5), ("F08", "freight", FREIGHT, "s0", "s3", 8.0),
          ("P0730", "passenger", PASSENGER, "s3", "s0", 7.5)]


def small_day(trains=TRAINS) -> ReferenceDay:
    net = line(4, 1)
    runs = []
    for tid, cls, consist, a, b, hour in trains:
        planner = Planner(net, Timetable(tuple(runs)), catalogue=load_catalogue())
        req = make_request(net, origin=a, destination=b, consist=CAT.consist(consist),
                           earliest_departure_s=hour * 3600, train_id=tid)
        runs.append(planner.plan(req).paths[0].to_run(cls, consist))
    tt = Timetable(tuple(runs))
    return ReferenceDay(net, tt, timetable_occupations(tt, net, CAT))


def request(day: ReferenceDay, hour: float, kind: str = "freight", origin: str = "s0", destination: str = "s3"):
    consist = MILITARY if kind == "military" else FREIGHT
    return make_request(day.net, origin=origin, destination=destination, consist=CAT.consist(consist),
                        earliest_departure_s=hour * 3600, priority=kind,
                        accept_delay_s=0.0 if kind == "military" else 1800.0)


def fresh_db(template: Path, to: Path) -> Path:
    """A new store: a copy of an empty migrated one (the migrations run once per test session)."""
    if not template.exists():
        open_store(template).dispose()
    shutil.copy(template, to)
    return to
