"""Capacity, portfolio and movements through the API: the services' answers, and who may see what."""

from __future__ import annotations

import datetime as dt
import time

# days ahead of whenever the tests run: the API refuses a movement order that starts in the past
DAY = (dt.date.today() + dt.timedelta(days=4)).isoformat()
LATER_DAY = (dt.date.today() + dt.timedelta(days=6)).isoformat()

MOVEMENT = {"unit": "43 Mechanised Brigade", "trains": [{"consist": "military-heavy", "count": 2}],
            "loading_sites": ["steenwijk"], "earliest_day": DAY, "earliest_time": "06:00", "days": 1,
            "to": "zevenaar-grens", "priority": "military"}


def _wait(api, who: str, job_id: int, timeout_s: float = 300) -> dict:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        j = api.get(who, f"/api/jobs/{job_id}").json()
        if j["status"] in ("done", "failed"):
            return j
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


def test_the_capacity_report_is_the_services_on_the_day_as_it_will_be(api):
    r = api.get("vw", "/api/capacity/report?window=07:00-09:00&top=20")
    assert r.status_code == 200 and r.headers["etag"]
    doc = r.json()
    rows = doc["line_sections"]
    assert len(rows) == 20 and doc["line_sections_total"] > 500
    peaks = [x["peak_rate_pct"] for x in rows]
    assert peaks == sorted(peaks, reverse=True) and peaks[0] > 0  # busiest (peak hour) first
    assert all(x["over_norm"] == (x["line_section"] in doc["bottlenecks"]) for x in rows)
    bad = api.get("vw", "/api/capacity/report?window=09:00-07:00")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "window"]


def test_the_portfolio_catalogue_and_an_evaluation_as_a_job(api):
    measures = api.get("vw", "/api/portfolio/measures").json()
    modelled = [m["id"] for m in measures if m["modelled"]]
    assert len(measures) > 20 and modelled
    assert api.post("vw", "/api/jobs", json={"kind": "portfolio-evaluate", "measures": modelled[:1]}
                    ).status_code == 403  # a viewer reads, does not study
    assert api.post("an", "/api/jobs", json={"kind": "portfolio-evaluate"}).json()["detail"][0]["loc"] == \
        ["body", "measures"]
    r = api.post("an", "/api/jobs", json={"kind": "portfolio-evaluate", "measures": modelled[:2]})
    assert r.status_code == 202
    job = _wait(api, "an", r.json()["id"])
    assert job["status"] == "done" and job["progress"]["done"] == job["progress"]["total"] > 0
    result = api.get("vw", f"/api/jobs/{job['id']}/result").json()["result"]
    assert set(result["measures"]) == set(modelled[:2]) and result["together"] is not None
    bad = api.post("an", "/api/jobs", json={"kind": "portfolio-evaluate", "measures": ["no-such-measure"]})
    failed = _wait(api, "an", bad.json()["id"])
    assert failed["status"] == "failed" and "no-such-measure" in str(failed["error"])


def test_a_movement_plan_is_seen_only_by_defence_planners_and_the_planner_who_started_it(api):
    assert api.post("an", "/api/jobs", json={"kind": "movement-plan", "order": MOVEMENT}).status_code == 403
    assert api.post("dp", "/api/jobs", json={"kind": "movement-plan"}).json()["detail"][0]["loc"] == \
        ["body", "order"]
    r = api.post("cp", "/api/jobs", json={"kind": "movement-plan", "order": MOVEMENT})
    assert r.status_code == 202
    job = _wait(api, "cp", r.json()["id"])
    assert job["status"] == "done", job
    result = api.get("cp", f"/api/jobs/{job['id']}/result").json()["result"]
    assert result["planned"] == 2 and [t["loading_site"] for t in result["movement"]] == ["steenwijk"] * 2
    assert api.get("dp", f"/api/jobs/{job['id']}/result").status_code == 200
    for who in ("an", "vw", "cp2"):
        assert api.get(who, f"/api/jobs/{job['id']}/result").status_code == 403
        for shown in (api.get(who, f"/api/jobs/{job['id']}"), api.get(who, "/api/jobs")):
            assert MOVEMENT["unit"] not in shown.text and "steenwijk" not in shown.text
            assert "movement-plan" not in shown.text
        audit = api.get(who, "/api/audit")
        if audit.status_code == 200:
            assert MOVEMENT["unit"] not in audit.text
    sites = api.get("vw", "/api/movements/sites").json()
    assert any(s["id"] == "steenwijk" for s in sites)  # the sites are public infrastructure facts


def test_a_failed_movement_plan_tells_only_those_who_may_see_it_why(api):
    r = api.post("dp", "/api/jobs", json={"kind": "movement-plan", "order": {**MOVEMENT, "to": "atlantis"}})
    job = _wait(api, "dp", r.json()["id"])
    assert job["status"] == "failed" and "atlantis" in str(job["error"])
    assert "atlantis" not in api.get("vw", f"/api/jobs/{job['id']}").text


def test_a_capacity_planner_allocates_a_whole_movement_and_only_those_allowed_see_what_it_is(api):
    order = {**MOVEMENT, "earliest_day": LATER_DAY}
    for who in ("dp", "an", "vw"):
        assert api.post(who, "/api/jobs", json={"kind": "movement-allocate", "order": order}).status_code == 403
    r = api.post("cp", "/api/jobs", json={"kind": "movement-allocate", "order": order})
    job = _wait(api, "cp", r.json()["id"])
    assert job["status"] == "done", job
    ids = api.get("cp", f"/api/jobs/{job['id']}/result").json()["result"]["allocation_ids"]
    assert len(ids) == 2
    for who, sees in (("cp", True), ("dp", True), ("cp2", False), ("an", False), ("vw", False)):
        rows = {a["id"]: a for a in api.get(who, "/api/allocations").json()}
        for i in ids:
            assert rows[i]["status"] == "confirmed" and rows[i]["service_date"] == LATER_DAY
            assert (rows[i].get("military", {}).get("unit") == MOVEMENT["unit"]) is sees
            assert rows[i].get("reserved", False) is not sees
    allocated = {e["object_id"] for e in api.get("cp", "/api/audit").json()
                 if e["action"] == "allocate" and e["actor"] == "cp"}
    assert {str(i) for i in ids} <= allocated
    again = api.post("cp", "/api/jobs", json={"kind": "movement-allocate", "order": {**order, "to": "atlantis"}})
    assert _wait(api, "cp", again.json()["id"])["status"] == "failed"
    assert len(api.get("cp", "/api/allocations").json()) == len(rows)  # nothing written
