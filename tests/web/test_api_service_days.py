"""The API plans a time past 24:00 on the same service day as the CLI (``services.paths``): a departure at
24:05 or 32:00 on the next service day, against that day's trains and the previous day's still running after
midnight, with the note saying so; the warm planner changes when a neighbouring day does."""

from __future__ import annotations

import datetime as dt

import pytest

from railcap.model.clock import DAY_S
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.services import paths as path_service
from railcap.store import allocations as store

LATE = {"origin": "kijfhoek", "destination": "oldenzaal-grens", "consist": "intermodal-740"}
D = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def served(warm, tmp_path_factory):
    """(Api, database path) of the application on a fresh database."""
    from fastapi.testclient import TestClient

    from railcap.api import create_app
    from tests.web.conftest import Api, make_database

    db = make_database(tmp_path_factory.mktemp("days") / "railcap.sqlite")
    with TestClient(create_app(db, warm=warm)) as client:
        yield Api(client), db


def cli_plan(warm, db: str, depart_after: str):
    """The request as ``railcap path plan`` builds and plans it (``services.paths``), on the same store."""
    req = path_service.build_request(warm.net, from_op=LATE["origin"], to_op=LATE["destination"],
                                     depart_after=depart_after, consist=LATE["consist"])
    return req, path_service.plan(req, db, warm.day)


@pytest.mark.parametrize("depart_after", ["24:05", "32:00"])
def test_a_departure_past_24h_is_planned_as_the_cli_plans_it(served, warm, depart_after):
    api, db = served
    answer = api.post("cp", "/api/paths/plan", json={**LATE, "depart_after": depart_after})
    assert answer.status_code == 200, answer.text
    req, result = cli_plan(warm, db, depart_after)
    got, want = answer.json()["plan"]["paths"][0], result.paths[0]
    assert req.earliest_departure_s == (5 * 60 if depart_after == "24:05" else 8 * 3600)
    assert (got["departure_s"], got["arrival_s"]) == pytest.approx((want.departure_s, want.arrival_s), abs=0.1)  # JSON: 0.1 s
    assert got["departure_s"] < DAY_S  # planned on the next service day, in its own times
    assert answer.json()["departure_note"] == path_service.departure_note(depart_after, req)
    assert "next service day" in answer.json()["departure_note"]


def test_a_departure_before_24h_has_no_note(served):
    api, _db = served
    answer = api.post("cp", "/api/paths/plan", json={**LATE, "depart_after": "09:10"})
    assert answer.status_code == 200 and answer.json()["departure_note"] is None


def own_conflicts(table: OccupationTable, train_id: str) -> list:
    return [c for c in find_conflicts(table) if train_id in (c.train_a, c.train_b)]


def test_an_allocation_at_00h05_does_not_run_into_the_previous_days_trains(served, warm):
    """The reference weekday's trains past midnight come back at 00:00–03:20 of the next day: the single-day
    plan at 00:05 runs into them (store engineer's test on the same day), the API's allocation does not."""
    api, db = served
    made = api.post("cp", "/api/paths/allocate", json={**LATE, "depart_after": "00:05"})
    assert made.status_code == 201, made.text
    assert made.json()["departure_note"] is None
    train = made.json()["plan"]["paths"][0]["train_id"]
    engine = store.open_store(db, create=False)
    try:
        both_days = store.window_table(warm.base, store.snapshot(engine, None))
    finally:
        engine.dispose()
    assert any(t.endswith("@day-1") for t in set(both_days.train_id.tolist()))
    assert train in set(both_days.train_id.tolist())
    assert own_conflicts(both_days, train) == []


def test_the_warm_planner_of_a_date_changes_when_the_day_before_does(served, warm):
    """An allocation on 23 Nov running past midnight reaches into 24 Nov: the planner of 24 Nov cached before it
    is not the one after it (the cache key holds the neighbouring days' states)."""
    api, db = served
    engine = store.open_store(db, create=False)
    try:
        early = {**LATE, "depart_after": "2026-11-24T00:05"}
        assert api.post("cp", "/api/paths/plan", json=early).status_code == 200
        before = warm.planner_for(store.snapshot(engine, D + dt.timedelta(days=1)))
        made = api.post("cp", "/api/paths/allocate", json={**LATE, "depart_after": "2026-11-23T23:30"})
        assert made.status_code == 201, made.text
        assert made.json()["plan"]["paths"][0]["arrival_s"] > DAY_S  # it runs past midnight
        train = made.json()["plan"]["paths"][0]["train_id"]
        after = warm.planner_for(store.snapshot(engine, D + dt.timedelta(days=1)))
    finally:
        engine.dispose()
    assert after is not before
    assert f"{train}@day-1" in set(after.table.train_id.tolist())
    assert f"{train}@day-1" not in set(before.table.train_id.tolist())
    again = api.post("cp", "/api/paths/plan", json=early)
    assert again.headers["x-plan-cache"] == "miss"  # the store changed: searched again on the new day
    req, result = cli_plan(warm, db, "2026-11-24T00:05")
    got = again.json()["plan"]["paths"][0]
    assert (got["departure_s"], got["arrival_s"]) == pytest.approx((result.paths[0].departure_s,
                                                                     result.paths[0].arrival_s), abs=0.1)


def test_the_measures_answer_is_the_full_setups_catalogue(served):
    """``GET /api/portfolio/measures`` reads the catalogue alone (``services.measures``): the same answer as
    from the whole portfolio setup it used to build."""
    from railcap.services.portfolio import load_setup, measure_dict

    api, _db = served
    answer = api.get("an", "/api/portfolio/measures")
    assert answer.status_code == 200
    measures = load_setup("nl").catalogue.measures.values()
    want = [measure_dict(m) for m in sorted(measures, key=lambda m: (str(m.priority), m.id))]
    assert answer.json() == want and len(want) > 5
