"""Issue 13, bug 3: a time past 24:00 belongs to the next service day, and the days meet at midnight.

A departure at 32:00 is planned at 08:00 on the next service day (the reference weekday repeated, or the
date after) against that day's trains; the trains of the day before still running after midnight occupy
the early hours, and a path running past midnight meets the next day's first trains.
"""

from __future__ import annotations

import datetime as dt

import pytest

from railcap.model.clock import DAY_S
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.data.rolling_stock import load_catalogue
from railcap.pathing import Planner
from railcap.services import paths
from railcap.store import allocations as store
from tests.store.small_day import FREIGHT, TRAINS, small_day

D = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def midnight_day():
    """The small day with a freight train leaving s0 at 23:54, still running after midnight."""
    return small_day(TRAINS + [("F2354", "freight", FREIGHT, "s0", "s3", 23.9)])


def request(day, depart_after: str, origin: str = "s0", destination: str = "s3"):
    return paths.build_request(day.net, from_op=origin, to_op=destination, depart_after=depart_after,
                               consist=FREIGHT)


def window(day, db, service_date):
    engine = store.open_store(db, create=False)
    try:
        return store.window_table(day.base, store.snapshot(engine, service_date))
    finally:
        engine.dispose()


def own_conflicts(table: OccupationTable, path) -> list:
    """The conflict detector's overlaps between ``path`` and ``table`` (not the table's own)."""
    mine = path.occupations()
    return [c for c in find_conflicts(OccupationTable.concat([table, mine]))
            if path.train_id in (c.train_a, c.train_b)]


def test_a_departure_at_32h_waits_like_the_same_request_at_08h_on_the_next_day(db, sday):
    late, morning = request(sday, "32:00"), request(sday, "08:00")
    assert late.earliest_departure_s == 8 * 3600 and late.service_date is None
    at_32, at_08 = paths.plan(late, db, sday), paths.plan(morning, db, sday)
    assert at_32.paths[0].departure_s == at_08.paths[0].departure_s > 8 * 3600  # waits for F08, as at 08:00
    first = paths.allocate(late, db, day=sday)  # stored on the next service day at 08:xx ...
    second = paths.allocate(morning, db, day=sday)  # ... so an 08:00 request queues behind it
    assert second.result.paths[0].departure_s > first.result.paths[0].departure_s
    assert own_conflicts(paths.day_as_it_will_be(db, None, sday), second.result.paths[0]) == []


def test_a_departure_past_24h_on_a_date_is_planned_on_the_date_after():
    req = paths.build_request(small_day().net, from_op="s0", to_op="s3", depart_after="2026-11-23T08:00",
                              consist=FREIGHT, window=["s3=2026-11-24T08:00/2026-11-24T12:00"])
    assert req.service_date == D and req.windows[0].start_s == DAY_S + 8 * 3600
    assert paths.next_service_day(30 * 3600.0, D) == (DAY_S, D + dt.timedelta(days=1))


def test_the_previous_days_trains_past_midnight_occupy_the_early_hours(db, midnight_day):
    req = request(midnight_day, "24:00", "s3", "s0")  # 00:00 on the next service day, towards F2354
    found = paths.plan(req, None, midnight_day).paths[0]
    alone = Planner(midnight_day.net, midnight_day.timetable, catalogue=load_catalogue(), base=midnight_day.base).plan(req).paths[0]
    both_days = window(midnight_day, db, None)
    assert "F2354@day-1" in set(both_days.train_id.tolist())
    assert own_conflicts(both_days, alone), "planned on its own day only, the path runs into F2354"
    assert own_conflicts(both_days, found) == []
    assert found.departure_s > alone.departure_s  # it waits for the previous day's F2354


def test_an_allocation_running_past_midnight_holds_the_next_dates_early_hours(db, midnight_day):
    evening = paths.allocate(paths.build_request(midnight_day.net, from_op="s0", to_op="s3",
                                                 depart_after="2026-11-23T23:50", consist=FREIGHT),
                             db, day=midnight_day)
    assert evening.result.paths[0].arrival_s > DAY_S  # it runs past midnight on 23 November
    early = paths.build_request(midnight_day.net, from_op="s3", to_op="s0", depart_after="2026-11-24T00:00",
                                consist=FREIGHT)  # towards the evening train, on the single track
    found = paths.allocate(early, db, day=midnight_day).result.paths[0]
    next_day = window(midnight_day, db, D + dt.timedelta(days=1))
    assert f"{evening.train_id}@day-1" in set(next_day.train_id.tolist())
    assert own_conflicts(next_day, found) == []
    tail = next_day[next_day.train_id == f"{evening.train_id}@day-1"]
    assert found.departure_s > tail.end_s.max() - 600  # waits at s3 until the evening train is (nearly) in
    # and 23 November sees the 24th's early allocation as its next day's first hours
    evening_day = window(midnight_day, db, D)
    assert f"{found.train_id}@day+1" in set(evening_day.train_id.tolist())
    assert own_conflicts(evening_day, evening.result.paths[0]) == []


def test_a_path_running_past_midnight_meets_the_next_days_first_trains(db, midnight_day):
    early = paths.allocate(paths.build_request(midnight_day.net, from_op="s3", to_op="s0",
                                               depart_after="2026-11-24T00:05", consist=FREIGHT),
                           db, day=midnight_day)
    late = paths.build_request(midnight_day.net, from_op="s0", to_op="s3", depart_after="2026-11-23T23:58",
                               consist=FREIGHT)
    found = paths.plan(late, db, midnight_day).paths[0]
    assert found.arrival_s > DAY_S
    evening = window(midnight_day, db, D)
    assert f"{early.train_id}@day+1" in set(evening.train_id.tolist())
    assert own_conflicts(evening, found) == []


def test_on_the_embedded_day_a_path_after_midnight_meets_the_previous_days_trains():
    """The reference weekday runs past midnight (about 280 trains, until about 27:20): a path at 00:05 of the
    next day planned on its own day only runs into them; planned with the day before it does not."""
    day = paths.reference_day()
    assert (day.base.end_s > DAY_S).sum() > 1000
    req = paths.build_request(day.net, from_op="kijfhoek", to_op="oldenzaal-grens", depart_after="24:05",
                              consist="intermodal-740")
    assert req.earliest_departure_s == 5 * 60
    empty = store.State.empty()
    both_days = store.window_table(day.base, store.Snapshot(empty, 0, None, empty, empty))
    found = paths.plan(req, None, day).paths[0]
    alone = Planner(day.net, day.timetable, catalogue=paths.catalogue(), base=day.base, classes=day.classes,
                    base_runs=day.runs).plan(req).paths[0]
    assert own_conflicts(both_days, alone), "on its own day only, the path runs into the previous day's trains"
    assert own_conflicts(both_days, found) == []
