"""The plan diagram draws what the search met from the days either side: a plan at 24:05 sees the trains of
the day before still running after midnight (``<train>@day-1``), and a dated day its neighbour's own
allocations — a military one as a reserved path, whoever reads the (shared) plan answer."""

from __future__ import annotations

import numpy as np
import pytest

from railcap.store import allocations as store

LATE = {"origin": "kijfhoek", "destination": "oldenzaal-grens", "consist": "intermodal-740"}


@pytest.fixture(scope="module")
def served(warm, tmp_path_factory):
    from fastapi.testclient import TestClient

    from railcap.api import create_app
    from tests.web.conftest import Api, make_database

    db = make_database(tmp_path_factory.mktemp("diagram-days") / "railcap.sqlite")
    with TestClient(create_app(db, warm=warm)) as client:
        yield Api(client), db


def _held_on_corridor(warm, db: str, route: list[str], window: list[float], margin_s: float = 600.0) -> set[str]:
    """The trains of the day before whose blocking times the search held on the corridor's sections, well
    inside the window (``store.window_table``: what the planner meets)."""
    from railcap.viz.spacetime import Corridor

    sections = {g.section_id for g in Corridor.between(warm.net, route).legs}
    engine = store.open_store(db, create=False)
    try:
        table = store.window_table(warm.base, store.snapshot(engine, None))
    finally:
        engine.dispose()
    on = np.array([r.split("/", 1)[0] in sections for r in table.resource_id.tolist()], dtype=bool)
    inside = (table.start_s <= window[1] - margin_s) & (table.end_s >= window[0] + margin_s)
    ids = table.train_id[on & inside]
    return {t for t in ids.tolist() if t.endswith("@day-1")}


def test_a_plan_at_24h05_draws_the_previous_days_trains_the_search_held(served, warm):
    api, db = served
    answer = api.post("cp", "/api/paths/plan", json={**LATE, "depart_after": "24:05"})
    assert answer.status_code == 200, answer.text
    d = answer.json()["diagram"]
    before = {line["train_id"] for line in d["lines"] if line["day"] == -1}
    held = _held_on_corridor(warm, db, answer.json()["plan"]["paths"][0]["route"], d["window_s"])
    assert len(held) >= 10  # the reference weekday runs freight past midnight on this corridor
    assert held <= before  # every one the engine held is drawn ...
    assert all(t.endswith("@day-1") for t in before)  # ... named as the day before's
    drawn_times = [t for line in d["lines"] if line["day"] == -1 for s in line["stretches"] for _x, t in s]
    assert min(drawn_times) < d["window_s"][1] and max(drawn_times) > d["window_s"][0]


def test_the_day_before_is_drawn_as_it_will_be_with_a_military_train_reserved(served):
    api, _db = served
    mil = api.post("cp", "/api/paths/allocate", json={**LATE, "consist": "military-heavy", "priority": "military",
                                                       "depart_after": "2026-11-25T23:30"})
    assert mil.status_code == 201, mil.text
    assert mil.json()["plan"]["paths"][0]["arrival_s"] > 24 * 3600  # it runs past midnight
    fr = api.post("cp", "/api/paths/allocate", json={**LATE, "depart_after": "2026-11-25T23:10"})
    assert fr.status_code == 201, fr.text
    mil_id, fr_train = mil.json()["allocation_id"], fr.json()["plan"]["paths"][0]["train_id"]
    answer = api.post("cp", "/api/paths/plan", json={**LATE, "depart_after": "2026-11-26T00:20"})
    assert answer.status_code == 200, answer.text
    lines = {line["train_id"]: line for line in answer.json()["diagram"]["lines"]}
    assert lines[f"{fr_train}@day-1"]["day"] == -1
    reserved = lines[f"reserved-{mil_id}@day-1"]
    assert reserved["class"] == "reserved" and reserved["day"] == -1
    assert not any(t.startswith(f"A{mil_id}-") for t in lines)  # the military train's own name is not in it
