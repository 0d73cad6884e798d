"""Resilience studies as background jobs: started, progress polled, result fetched later."""

from __future__ import annotations

import time


def _wait(api, job_id: int, timeout_s: float = 240) -> dict:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        j = api.get("an", f"/api/jobs/{job_id}").json()
        if j["status"] in ("done", "failed"):
            return j
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_scenario_runs_in_the_background_and_its_result_is_kept(api):
    names = api.get("vw", "/api/scenarios").json()
    assert names
    r = api.post("an", "/api/jobs", json={"kind": "scenario", "scenario": names[0]})
    assert r.status_code == 202 and r.json()["status"] in ("queued", "running", "done")
    job = _wait(api, r.json()["id"])
    assert job["status"] == "done", job
    assert job["progress"]["done"] == job["progress"]["total"] == 1
    result = api.get("vw", f"/api/jobs/{job['id']}/result").json()["result"]
    assert result["name"] == names[0] and "worst" in result


def test_a_bad_scenario_fails_naming_the_field_and_unknown_jobs_are_404(api):
    r = api.post("an", "/api/jobs", json={"kind": "scenario", "scenario": "atlantis-flooded"})
    job = _wait(api, r.json()["id"])
    assert job["status"] == "failed" and job["error"][0]["loc"] == ["body", "scenario"]
    assert api.get("an", f"/api/jobs/{job['id']}/result").status_code == 409
    assert api.get("an", "/api/jobs/999999").status_code == 404
    assert api.post("an", "/api/jobs", json={"kind": "scenario"}).status_code == 422
