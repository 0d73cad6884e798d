"""The warm planner answers exactly as the cold one.

The web server keeps one planner per state of the day and, across requests and days, the candidate routes,
the segments' running and blocking times and the reasons no route admits a consist (``pathing.caches``), and
a corridor's day lines for the plan's diagram. None of that may change an answer: for freight and military
requests, before and after an allocation, the API's whole answer (plan, diagram, note) from a server that has
answered many requests equals, byte for byte, the answer of a server that has answered none, and its plan
equals the command line's (``services.paths.plan``: a new planner, nothing kept).
"""

from __future__ import annotations

import json

import pytest

from railcap.api.planning import plan_answer, to_json
from railcap.api.schemas import PathRequestIn
from railcap.api.warm import Warm
from railcap.pathing.report import plan_to_dict
from railcap.services import paths as path_service
from railcap.store.database import migrate, plain_engine

MILITARY = {"origin": "Maasvlakte", "destination": "zevenaar-grens", "depart_after": "14:00",
            "consist": "military-heavy", "priority": "military",
            "windows": [{"op": "zevenaar-grens", "opens": "15:30", "closes": "17:00"}]}
REQUESTS = [
    {"origin": "Kijfhoek", "destination": "zevenaar-grens", "consist": "intermodal-740", "depart_after": "07:10"},
    {"origin": "Kijfhoek", "destination": "zevenaar-grens", "consist": "intermodal-740", "depart_after": "16:45"},
    {"origin": "Kijfhoek", "destination": "zevenaar-grens", "consist": "bulk-heavy", "depart_after": "07:10"},
    {"origin": "Moerdijk", "destination": "venlo-grens", "consist": "bulk-heavy", "depart_after": "11:20"},
    {"origin": "Botlek", "destination": "oldenzaal-grens", "consist": "empty-return", "depart_after": "20:05"},
    MILITARY,
    {**MILITARY, "depart_after": "14:20", "windows": [{"op": "zevenaar-grens", "opens": "15:40", "closes": "16:40"}]},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """(warm day, database path, read engine) on a fresh database."""
    db = str(tmp_path_factory.mktemp("warm") / "railcap.sqlite")
    migrate(db)
    engine = plain_engine(db)
    yield Warm.load(), db, engine
    engine.dispose()


def fresh(warm: Warm) -> Warm:
    """The same loaded day with nothing kept: no planner, no route, no segment, no corridor."""
    return Warm(warm.net, warm.catalogue, warm.timetable, warm.base)


def cli_plan(warm: Warm, db: str, body: dict) -> dict:
    """The plan as ``railcap path plan --json`` makes it: a new planner for the one request."""
    windows = [f"{w['op']}={w['opens']}/{w['closes']}" for w in body.get("windows", [])]
    req = path_service.build_request(warm.net, from_op=body["origin"], to_op=body["destination"],
                                     depart_after=body["depart_after"], consist=body["consist"],
                                     priority=body.get("priority", "freight"), window=windows)
    return json.loads(to_json(plan_to_dict(path_service.plan(req, db, warm.day), warm.net)))


def check_all(warm: Warm, db: str, engine) -> list[dict]:
    plans = []
    for body in REQUESTS:
        hot = plan_answer(warm, engine, PathRequestIn.model_validate(body))
        cold = plan_answer(fresh(warm), engine, PathRequestIn.model_validate(body))
        assert hot.body == cold.body, body
        plan = json.loads(hot.body)["plan"]
        assert plan == cli_plan(warm, db, body), body
        plans.append(plan)
    return plans


def test_warm_answers_equal_cold_ones_before_and_after_an_allocation(store):
    warm, db, engine = store
    for body in REQUESTS:  # the warm server has seen these routes and consists already
        plan_answer(warm, engine, PathRequestIn.model_validate({**body, "depart_after": "10:00"}))
    before = check_all(warm, db, engine)
    assert all(p["found"] for p in before)
    assert any(p["hindrance"]["trains"] for p in before[-2:])  # a military path that displaced trains
    assert warm.caches.routes.hits and warm.caches.segments.hits

    req = path_service.build_request(warm.net, from_op="Kijfhoek", to_op="zevenaar-grens", depart_after="07:10",
                                     consist="intermodal-740")
    path_service.allocate(req, db, day=warm.day)  # the day changes: the warm server plans on a new planner
    after = check_all(warm, db, engine)
    assert after[0]["paths"][0]["departure_s"] > before[0]["paths"][0]["departure_s"]  # its own path is taken


def test_a_request_no_route_admits_is_explained_alike_warm_and_cold(store):
    warm, db, engine = store
    body = {"origin": "Moerdijk", "destination": "venlo-grens", "consist": "intermodal-740", "depart_after": "09:00"}
    answers = [plan_answer(w, engine, PathRequestIn.model_validate(body)).body for w in (warm, warm, fresh(warm))]
    assert answers[0] == answers[1] == answers[2]
    plan = json.loads(answers[0])["plan"]
    assert not plan["found"] and plan["explanation"]["summary"].startswith("no route")
    assert plan == cli_plan(warm, db, body)
