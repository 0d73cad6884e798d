"""Answers kept per store version: a plan answered again from the plan cache only while the day is the
same, read answers with ETags that change when an allocation changes the day, and searches in a forked
planner process giving the same answer as in the server's own thread."""

from __future__ import annotations

import json

import pytest

FREIGHT = {"origin": "Kijfhoek", "destination": "oldenzaal-grens", "depart_after": "09:10",
           "consist": "intermodal-740"}


def test_the_same_plan_on_the_same_day_comes_from_the_cache_and_a_new_day_searches_again(api):
    first = api.post("cp", "/api/paths/plan", json=FREIGHT)
    assert first.status_code == 200 and first.headers["x-plan-cache"] == "miss"
    again = api.post("cp", "/api/paths/plan", json=FREIGHT)
    assert again.headers["x-plan-cache"] == "hit" and again.content == first.content
    other = api.post("cp", "/api/paths/plan", json={**FREIGHT, "depart_after": "09:11"})
    assert other.headers["x-plan-cache"] == "miss"
    # an allocation on the same corridor changes the day: the cached answer is no longer the answer
    assert api.post("cp", "/api/paths/allocate", json=FREIGHT).status_code == 201
    after = api.post("cp", "/api/paths/plan", json=FREIGHT)
    assert after.headers["x-plan-cache"] == "miss"
    assert after.json()["plan"]["paths"][0]["departure_s"] > first.json()["plan"]["paths"][0]["departure_s"]
    audit = [e for e in api.get("cp", "/api/audit").json() if e["action"] == "plan"]
    assert len(audit) >= 4  # a cached answer is a plan request all the same, and audited


def test_read_answers_carry_an_etag_that_changes_with_the_day(api):
    r = api.get("an", "/api/allocations")
    tag = r.headers["etag"]
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-cache"
    assert api.get("an", "/api/allocations", headers={"If-None-Match": tag}).status_code == 304
    corridor = "/api/corridor?from=rotterdam-centraal&to=dordrecht&window=07:00-08:00"
    c = api.get("an", corridor)
    assert api.get("an", corridor, headers={"If-None-Match": c.headers["etag"]}).status_code == 304
    assert api.post("cp", "/api/paths/allocate", json={**FREIGHT, "depart_after": "13:00"}).status_code == 201
    r2 = api.get("an", "/api/allocations", headers={"If-None-Match": tag})
    assert r2.status_code == 200 and r2.headers["etag"] != tag
    assert len(r2.json()) == len(r.json()) + 1


def test_each_audience_has_its_own_answer(api):
    """A defence planner's list shows the military details; the viewer's (same version) does not."""
    from tests.web.conftest import MILITARY, MILITARY_REQUEST

    assert api.post("dp", "/api/paths/allocate", json={**MILITARY_REQUEST, "depart_after": "19:00",
                                                        "windows": []}).status_code == 201
    mine = api.get("dp", "/api/allocations")
    theirs = api.get("vw", "/api/allocations")
    assert MILITARY["unit"] in mine.text and MILITARY["unit"] not in theirs.text
    assert mine.headers["etag"] != theirs.headers["etag"]
    assert api.get("vw", "/api/allocations", headers={"If-None-Match": mine.headers["etag"]}).status_code == 200


@pytest.fixture(scope="module")
def forked(warm, tmp_path_factory):
    """The application with its path searches in one forked planner process."""
    from fastapi.testclient import TestClient

    from railcap.api import create_app
    from tests.web.conftest import Api, make_database

    db = make_database(tmp_path_factory.mktemp("forked") / "railcap.sqlite")
    with TestClient(create_app(db, warm=warm, plan_processes=1)) as client:
        yield Api(client)


def test_a_forked_planner_answers_as_the_server_thread_does(forked):
    from railcap.api.planning import plan_answer
    from railcap.api.schemas import PathRequestIn

    body = {**FREIGHT, "depart_after": "06:40", "consist": "bulk-heavy"}
    there = forked.post("cp", "/api/paths/plan", json=body)
    assert there.status_code == 200 and there.headers["x-plan-cache"] == "miss"
    ctx = forked.client.app.state.ctx
    here = plan_answer(ctx.warm, ctx.engine, PathRequestIn(**body))  # the same day, in this process
    assert there.content == here.body
    bad = forked.post("cp", "/api/paths/plan", json={**body, "origin": "atlantis"})
    assert bad.status_code in (404, 422) and bad.json()["detail"][0]["loc"]  # the refusal crosses back whole
    late = forked.post("cp", "/api/paths/plan", json={**body, "depart_after": "99:00"})
    assert late.status_code == 422 and late.json()["detail"][0]["loc"][-1] == "depart_after"
