"""Roles and redaction through every endpoint; tokens that are expired, forged or of a disabled user."""

from __future__ import annotations

import datetime as dt
import json

import jwt
import pytest

from tests.web.conftest import MILITARY, MILITARY_REQUEST, ROLES

SECRET_STRINGS = [MILITARY["unit"], MILITARY["load"], MILITARY["movement"], "military-heavy"]


@pytest.fixture(scope="module")
def military(api):
    """A defence planner's military request (proposed), confirmed by capacity planner cp."""
    r = api.post("dp", "/api/paths/allocate", json=MILITARY_REQUEST)
    assert r.status_code == 201, r.text
    aid = r.json()["allocation_id"]
    assert r.json()["status"] == "proposed"
    r = api.post("cp", f"/api/allocations/{aid}/confirm")
    assert r.status_code == 200, r.text
    civil = api.post("cp", "/api/paths/allocate", json={"origin": "Kijfhoek", "destination": "oldenzaal-grens",
                                                       "depart_after": "08:00", "consist": "intermodal-740"})
    assert civil.status_code == 201, civil.text
    return {"id": aid, "train_id": f"A{aid}-military", "civil": civil.json()["allocation_id"]}


def _get_urls(api, military) -> list[str]:
    """Every GET endpoint of the OpenAPI description, with the military allocation's id in its path."""
    spec = api.client.get("/openapi.json").json()
    urls = []
    for path, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        url = path.replace("{allocation_id}", str(military["id"])).replace("{job_id}", "1")
        if path == "/api/corridor":
            url += "?from=maasvlakte-2&to=zevenaar-grens&window=13:30-17:30"
        urls.append(url)
    return urls


@pytest.mark.parametrize("who", ["an", "vw", "cp2"])
def test_no_military_detail_reaches_other_roles_through_any_get(api, military, who):
    api.post("an", "/api/jobs", json={"kind": "scenario", "scenario": "nonexistent-scenario"})  # a job 1 to read
    urls = _get_urls(api, military)
    assert len(urls) >= 12
    for url in urls:
        r = api.get(who, url)
        assert r.status_code in (200, 403, 404, 409), (url, r.status_code, r.text[:300])
        for secret in SECRET_STRINGS + [military["train_id"]]:
            if url == "/api/consists" and secret == "military-heavy":
                continue  # the public catalogue lists every consist; which one a request uses is the secret
            assert secret not in r.text, f"{who} sees {secret!r} in {url}"
        if "allocation" in url or "audit" in url:
            assert "maasvlakte" not in r.text.lower(), f"{who} sees the origin site in {url}"


def test_reserved_path_is_all_they_see(api, military):
    for who in ("an", "vw", "cp2"):
        rows = {r["id"]: r for r in api.get(who, "/api/allocations").json()}
        mine = rows[military["id"]]
        assert mine["reserved"] is True and mine["train_id"] == f"reserved-{military['id']}"
        assert set(mine) <= {"id", "status", "service_date", "departure_s", "arrival_s", "departure", "arrival",
                             "train_id", "priority", "reserved"}
        assert rows[military["civil"]]["origin"] == "kijfhoek"  # civil paths are not hidden
        r = api.get(who, f"/api/allocations/{military['id']}/diagram")
        assert r.status_code == 403 and "reserved path" in r.text
        corridor = api.get(who, "/api/corridor", params={"from": "maasvlakte-2", "to": "zevenaar-grens",
                                                         "window": "13:30-17:30"}).json()
        assert any(line["class"] == "reserved" for line in corridor["lines"])


def test_those_allowed_see_the_details(api, military):
    for who in ("dp", "cp"):
        d = api.get(who, f"/api/allocations/{military['id']}/diagram").json()
        assert any(line["train_id"] == military["train_id"] and line["class"] == "military" for line in d["lines"])
        a = api.get(who, f"/api/allocations/{military['id']}").json()
        assert a["military"] == MILITARY and a["consist"] == "military-heavy"
        assert a["origin"] == "maasvlakte-2" and a["consist_facts"]["id"] == "military-heavy"
        assert "A" in a["train_id"]
    listed = {r["id"]: r for r in api.get("dp", "/api/allocations").json()}
    assert listed[military["id"]]["military"]["unit"] == MILITARY["unit"]
    text = api.get("cp", "/api/allocations.csv").text
    assert "military-heavy" in text


def test_exports_and_audit_are_redacted(api, military):
    for who in ("an", "vw", "cp2"):
        r = api.get(who, "/api/allocations.csv")
        assert r.status_code == 200 and "reserved" in r.text and "military-heavy" not in r.text
    entries = api.get("cp2", "/api/audit").json()
    about = [e for e in entries if e["object_type"] == "allocation" and e["object_id"] == str(military["id"])]
    assert about and all(e["detail"] == {} for e in about)
    plans = [e for e in api.get("dp", "/api/audit").json() if e["action"] == "request"]
    assert plans[0]["detail"]["military"] == MILITARY


def test_every_action_is_in_the_audit_log(api, military):
    entries = api.get("dp", "/api/audit", params={"object_id": str(military["id"])}).json()
    assert [(e["actor"], e["action"]) for e in reversed(entries)
            if e["object_type"] == "allocation"] == [("dp", "request"), ("cp", "confirm")]
    r = api.post("cp", f"/api/allocations/{military['civil']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    entries = api.get("cp", "/api/audit", params={"object_id": str(military["civil"])}).json()
    assert [e["action"] for e in reversed(entries) if e["object_type"] == "allocation"] == ["allocate", "cancel"]
    actions = {e["action"] for e in api.get("dp", "/api/audit").json()}
    assert {"sign-in", "request", "confirm", "allocate", "cancel"} <= actions


def test_no_call_can_change_the_audit_log(api):
    spec = api.client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        if "audit" in path:
            assert set(ops) == {"get"}
        assert not set(ops) & {"put", "patch", "delete"}, path


@pytest.mark.parametrize("who, method, url, body", [
    ("vw", "post", "/api/paths/plan", MILITARY_REQUEST),
    ("an", "post", "/api/paths/allocate", MILITARY_REQUEST),
    ("vw", "post", "/api/allocations/1/confirm", None),
    ("dp", "post", "/api/allocations/1/confirm", None),
    ("an", "post", "/api/allocations/1/cancel", None),
    ("vw", "post", "/api/jobs", {"kind": "rank"}),
    ("an", "get", "/api/audit", None),
])
def test_roles_are_refused_what_they_may_not_do(api, military, who, method, url, body):
    r = getattr(api, method)(who, url, **({"json": body} if body else {}))
    assert r.status_code == 403, r.text
    for secret in SECRET_STRINGS:
        assert secret not in r.text


def test_a_defence_planner_cancels_only_own_requests(api, military):
    r = api.post("dp", f"/api/allocations/{military['civil']}/cancel")
    assert r.status_code == 403


def _token(secret: str, sub: str, minutes: float, alg: str = "HS256") -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return jwt.encode({"sub": sub, "iss": "railcap", "iat": int(now.timestamp()),
                       "exp": int((now + dt.timedelta(minutes=minutes)).timestamp())}, secret, algorithm=alg)


def test_expired_forged_and_missing_tokens_are_refused(api):
    secret = api.client.app.state.ctx.secret
    good = _token(secret, "vw", 5)
    assert api.client.get("/api/allocations", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    header, payload, sig = good.split(".")
    forged_payload = jwt.utils.base64url_encode(json.dumps(
        {**jwt.decode(good, options={"verify_signature": False}), "sub": "dp"}).encode()).decode()
    unsigned = jwt.encode({"sub": "dp", "iss": "railcap", "exp": 4102444800}, None, algorithm="none")
    bad = {
        "expired": _token(secret, "vw", -1),
        "other key": _token("not-the-secret" * 4, "dp", 5),
        "payload changed": f"{header}.{forged_payload}.{sig}",
        "alg none": unsigned,
        "garbage": "abc.def.ghi",
        "unknown user": _token(secret, "mallory", 5),
    }
    for what, tok in bad.items():
        r = api.client.get("/api/allocations", headers={"Authorization": f"Bearer {tok}"})
        assert r.status_code == 401, what
        assert r.json()["detail"][0]["loc"] == ["header", "authorization"]
    assert "expired" in api.client.get("/api/me", headers={
        "Authorization": f"Bearer {bad['expired']}"}).json()["detail"][0]["msg"]
    assert api.client.get("/api/allocations").status_code == 401


def test_a_disabled_user_token_stops_working(api):
    from railcap.store import users

    h = api.headers("cp2")
    users.set_active(api.client.app.state.ctx.engine, "cp2", False)
    try:
        assert api.client.get("/api/me", headers=h).status_code == 401
        assert api.client.post("/api/token", json={"name": "cp2", "password": "pw-cp2-long-enough"}
                               ).status_code == 401
    finally:
        users.set_active(api.client.app.state.ctx.engine, "cp2", True)


def test_wrong_password_is_refused_and_audited(api):
    r = api.client.post("/api/token", json={"name": "vw", "password": "guess"})
    assert r.status_code == 401 and r.json()["detail"][0]["loc"] == ["body", "password"]
    assert any(e["action"] == "sign-in-refused" and e["actor"] == "vw" for e in api.get("dp", "/api/audit").json())


@pytest.mark.parametrize("change, field", [
    ({"depart_after": "25:99"}, "depart_after"),
    ({"consist": "no-such-train"}, "consist"),
    ({"origin": "Atlantis"}, "origin"),
    ({"windows": [{"op": "zevenaar-grens", "opens": "17:00", "closes": "15:00"}]}, "windows"),
    ({"alternatives": 0}, "alternatives"),
    ({"priority": "royal"}, "priority"),
    ({"vias": [{"op": "Venlo", "min_dwell_min": -3}]}, "min_dwell_min"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_requests_get_a_422_naming_the_field(api, change, field):
    body = {**MILITARY_REQUEST, **change}
    r = api.post("cp", "/api/paths/plan", json=body)
    assert r.status_code == 422, r.text
    locs = [".".join(map(str, e["loc"])) for e in r.json()["detail"]]
    assert any(field in loc for loc in locs), locs
    assert "Traceback" not in r.text


def test_roles_table_matches_the_store():
    from railcap.api.security import PERMISSIONS
    from railcap.store.users import ROLES as STORE_ROLES

    assert set(PERMISSIONS) == set(STORE_ROLES) == set(ROLES.values())
