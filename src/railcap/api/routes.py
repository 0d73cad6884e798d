"""The HTTP API under ``/api`` (OpenAPI description at ``/openapi.json``, browsable at ``/docs``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from typing import Literal

import numpy as np
from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from railcap.api import paths, redact
from railcap.api.common import CACHED, FORBIDDEN, INVALID, NO_AUTH, NOT_FOUND, PLAN_OK, api_router, ctx_of, forbid
from railcap.api.diagram import corridor_data, path_points
from railcap.api.planning import around, plan_diagram, to_json
from railcap.api.schemas import AllocateIn, PathRequestIn, SignIn, Token
from railcap.model.errors import RailcapError
from railcap.services import network as network_service
from railcap.api.security import PERMISSIONS, current_user, issue_token, may, require
from railcap.store import allocations as allocation_store
from railcap.store import audit, users

router = api_router()

# -- sign-in ---------------------------------------------------------------------------------------------------

@router.post("/token", response_model=Token, responses={401: {"description": "wrong name or password"}, **INVALID},
             tags=["sign-in"])
def sign_in(body: SignIn, request: Request) -> Token:
    """Exchange name and password for a signed token that expires (``expires_in_s``)."""
    ctx = ctx_of(request)
    user = users.authenticate(ctx.engine, body.name, body.password)
    if user is None:
        audit.append(ctx.engine, body.name[:64], "sign-in-refused", "user", body.name[:64])
        raise HTTPException(401, detail=[{"loc": ["body", "password"], "msg": "wrong name or password",
                                          "type": "not_authenticated"}])
    token, seconds = issue_token(ctx.secret, user["name"], ctx.token_minutes)
    audit.append(ctx.engine, user["name"], "sign-in", "user", user["name"])
    return Token(access_token=token, expires_in_s=seconds, name=user["name"], role=user["role"])


@router.get("/me", responses=NO_AUTH, tags=["sign-in"])
async def me(user: dict = Depends(current_user)) -> dict:
    """Who is signed in, the role and what it may do."""
    return {**user, "permissions": sorted(PERMISSIONS[user["role"]])}


# -- the network and the reference day ----------------------------------------------------------------------------

@router.get("/network", responses=FORBIDDEN, tags=["network"], response_class=JSONResponse)
async def network(request: Request, _user: dict = Depends(require("read"))) -> Response:
    """Sections and operational points as GeoJSON (WGS84), each section with its trains per day."""
    ctx = ctx_of(request)
    if not hasattr(ctx, "geojson"):
        doc = network_service.geojson(ctx.warm.net)
        use = Counter(leg.section_id for run in ctx.warm.timetable.runs for leg in run.legs)
        for f in doc["features"]:
            if f["properties"]["feature"] == "section":
                f["properties"]["trains_per_day"] = use.get(f["properties"]["id"], 0)
        ctx.geojson = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(ctx.geojson, media_type="application/json")


@router.get("/consists", responses=FORBIDDEN, tags=["network"])
async def consists(request: Request, _user: dict = Depends(require("read"))) -> list[dict]:
    """The rolling-stock catalogue's consists (for the request form)."""
    cat = ctx_of(request).warm.catalogue
    return [{"id": c.id, "name": c.name, "category": getattr(c.category, "value", str(c.category)),
             "length_m": c.length_m, "mass_t": round(c.mass_kg / 1000, 1),
             "max_speed_kmh": round(c.max_speed_ms * 3.6), "rid_class": c.rid_class}
            for c in sorted(cat.consists.values(), key=lambda c: c.id)]


@router.get("/day", responses=FORBIDDEN, tags=["network"])
async def day(request: Request, _user: dict = Depends(require("read"))) -> dict:
    """The reference weekday: trains and train-km by class, blocking times held in memory."""
    ctx = ctx_of(request)
    if not hasattr(ctx, "day"):
        ctx.day = _day_summary(ctx.warm)
    return ctx.day


def _day_summary(warm) -> dict:
    by_class: dict[str, dict] = {}
    for run in warm.timetable.runs:
        c = by_class.setdefault(run.train_class.value, {"trains": 0, "train_km": 0.0})
        c["trains"] += 1
        c["train_km"] += sum(warm.net.sections[g.section_id].length_m for g in run.legs) / 1000.0
    for c in by_class.values():
        c["train_km"] = round(c["train_km"])
    return {"trains": len(warm.timetable.runs), "blocking_times": len(warm.base), "by_class": by_class}


@router.get("/corridor", responses={**FORBIDDEN, **INVALID, **CACHED}, tags=["network"], response_class=JSONResponse)
async def corridor(request: Request, from_op: str = Query(..., alias="from", min_length=1, max_length=100),
             to_op: str = Query(..., alias="to", min_length=1, max_length=100),
             window: str = Query("06:00-09:00", min_length=11, max_length=11, pattern=r"^\d\d:\d\d-\d\d:\d\d$"),
             via: list[str] = Query([], max_length=8),
             user: dict = Depends(require("read"))) -> Response:
    """Space–time data of the corridor FROM → TO (through VIA) in WINDOW: the day's trains and the live
    allocations on it (reserved paths without their details for those who may not see them)."""
    ctx = ctx_of(request)
    _known_points(ctx, [("from", from_op), ("to", to_op), *((f"via.{i}", v) for i, v in enumerate(via))])
    return ctx.reads.respond(request, ("corridor", redact.audience(user), from_op, to_op, window, tuple(via)),
                             lambda: to_json(_corridor(ctx, user, [from_op, *via, to_op], window)))


def _corridor(ctx, user: dict, ops: list[str], window: str) -> dict:
    sees = redact.details_visible_to(ctx, user)
    lines = []
    for row in paths.list_rows(ctx):
        if row["status"] in ("cancelled", "used") or row["service_date"]:  # holding no blocks, or another day
            continue
        full = paths.get(ctx, row["id"])
        doc = full["result"]["paths"][0] if full["result"].get("paths") else None
        if doc is None:
            continue
        shown = sees(row["id"]) or not redact.is_military(row)
        lines.append({"train_id": row["train_id"] if shown else redact.reserved_train_id(row["id"]),
                      "class": row["priority"] if shown else redact.RESERVED, "points": path_points(doc)})
    return corridor_data(ctx.warm, ops, window, paths=lines, snapshot=allocation_store.snapshot(ctx.engine, None))


def _known_points(ctx, named: list[tuple[str, str]]) -> None:
    problems = []
    for name, query in named:
        try:
            ctx.warm.net.find_op(query)
        except RailcapError as exc:
            problems.append({"loc": ["query", *name.split(".")], "type": "value_error",
                             "msg": exc.problems[0].reason})
    if problems:
        raise HTTPException(422, detail=problems)


# -- path requests and allocations --------------------------------------------------------------------------------

def _check_military(user: dict, body: PathRequestIn) -> None:
    if body.priority == "military" and not may(user, "plan-military"):
        raise forbid(f"the role {user['role']} may not plan military paths")
    if body.military and body.priority != "military":
        raise HTTPException(422, detail=[{"loc": ["body", "military"], "type": "value_error",
                                          "msg": "military details belong to a military request (priority)"}])


@router.post("/paths/plan", responses={**FORBIDDEN, **INVALID, **PLAN_OK}, tags=["paths"],
             response_class=JSONResponse)
async def plan(body: PathRequestIn, request: Request, user: dict = Depends(require("plan"))) -> Response:
    """The best free path (and alternatives) on the day as allocated now, with the civil hindrance and the
    space–time data of its corridor. Stores nothing but the audit row. ``X-Plan-Cache`` says whether the
    answer was searched (``miss``) or is the same request's answer on the same day (``hit``)."""
    _check_military(user, body)
    ctx = ctx_of(request)
    answer, cached = await ctx.planning.answer(body)
    await run_in_threadpool(audit.append, ctx.engine, user["name"], "plan", "path", "-",
                            {"request": answer.request, "found": answer.found, **paths.details_of(body)},
                            military=body.priority == "military")
    return Response(answer.body, media_type="application/json",
                    headers={"X-Plan-Cache": "hit" if cached else "miss"})


@router.post("/paths/allocate", status_code=201, responses={**FORBIDDEN, **INVALID}, tags=["paths"])
def allocate(body: AllocateIn, request: Request, user: dict = Depends(current_user)) -> dict:
    """Plan and store the best path in one transaction (it then holds its blocks for every later request).
    A capacity planner allocates (confirmed, or proposed with ``propose``); a defence planner requests
    (proposed, to be confirmed by a capacity planner)."""
    if not (may(user, "allocate") or may(user, "request")):
        raise forbid(f"the role {user['role']} may not allocate or request paths")
    _check_military(user, body)
    ctx = ctx_of(request)
    new_id, result, doc, note = paths.allocate(ctx, user, body)
    snap = allocation_store.snapshot(ctx.engine, result.request.service_date)  # the days either side, drawn
    return {"allocation_id": new_id, "status": "proposed" if user["role"] == "defence-planner" or body.propose
            else "confirmed", "plan": doc, "diagram": plan_diagram(ctx.warm, result, doc, snap),
            "departure_note": note}


Status = Literal["proposed", "confirmed", "cancelled", "used"]  # used: a reserve path a military path took


@router.get("/allocations", responses={**FORBIDDEN, **CACHED}, tags=["paths"],
            response_model=list[dict], response_class=JSONResponse)
async def allocations(request: Request, status: Status | None = None,
                      user: dict = Depends(require("read"))) -> Response:
    """The allocations; a military one appears as a reserved path to those who may not see its details."""
    ctx = ctx_of(request)
    return ctx.reads.respond(request, ("allocations", redact.audience(user), status),
                             lambda: to_json(_allocation_rows(ctx, user, status)))


def _allocation_rows(ctx, user: dict, status: str | None) -> list[dict]:
    sees = redact.details_visible_to(ctx, user)
    return [redact.allocation_for(r, sees) for r in paths.list_rows(ctx, status)]


CSV_COLUMNS = ["id", "train_id", "status", "priority", "origin", "destination", "consist", "service_date",
               "departure", "arrival", "used_by"]


@router.get("/allocations.csv", responses={**FORBIDDEN, **CACHED}, tags=["paths"], response_class=Response)
async def allocations_csv(request: Request, user: dict = Depends(require("read"))) -> Response:
    """The allocation list as CSV, redacted like the list."""
    ctx = ctx_of(request)
    response = ctx.reads.respond(request, ("allocations.csv", redact.audience(user)),
                                 lambda: _csv(_allocation_rows(ctx, user, None)), media_type="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=allocations.csv"
    return response


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in CSV_COLUMNS})
    return out.getvalue().encode()


def _allocation_id(allocation_id: int) -> int:
    if not 1 <= allocation_id <= 2**31 - 1:
        raise HTTPException(422, detail=[{"loc": ["path", "allocation_id"], "type": "value_error",
                                          "msg": "an allocation id is a positive integer"}])
    return allocation_id


@router.get("/allocations/{allocation_id}", responses={**FORBIDDEN, **NOT_FOUND, **INVALID}, tags=["paths"])
async def allocation(allocation_id: int, request: Request, user: dict = Depends(require("read"))) -> dict:
    """One allocation with its plan, hindrance and (for those allowed) the military request's details."""
    ctx = ctx_of(request)
    row = paths.get(ctx, _allocation_id(allocation_id))
    return redact.allocation_for(row, redact.details_visible_to(ctx, user))


@router.get("/allocations/{allocation_id}/diagram", responses={**FORBIDDEN, **NOT_FOUND, **INVALID}, tags=["paths"])
def allocation_diagram(allocation_id: int, request: Request, user: dict = Depends(require("read"))) -> dict:
    """Space–time data of the allocation's route ±30 min: the path, the civil trains it moved, and the trains
    of the days before and after on it."""
    ctx = ctx_of(request)
    row = paths.get(ctx, _allocation_id(allocation_id))
    best = row["result"]["paths"][0]
    shown = redact.allocation_for(row, redact.details_visible_to(ctx, user))
    if shown.get("reserved"):  # its own route would tell where it runs from
        raise forbid(f"allocation {allocation_id} is a reserved path: the role {user['role']} sees it on "
                      f"corridor diagrams (GET /api/corridor), not on its own route")
    snap = allocation_store.snapshot(ctx.engine, dt.date.fromisoformat(row["service_date"])
                                     if row["service_date"] else None)
    moved = {h["train_id"] for h in row["result"].get("hindrance", {}).get("trains", [])}
    civil = snap.state.extra
    civil = civil[np.isin(civil.train_id, list(moved))] if moved and len(civil) else None
    points = path_points(best) if "points" in best else _run_points(snap.state.runs.get(row["train_id"]))
    doc = corridor_data(ctx.warm, best["route"], around(row), moved=moved, civil=civil, snapshot=snap,
                        paths=[{"train_id": shown["train_id"], "class": shown["priority"], "points": points}])
    doc["allocation"] = shown
    return doc


def _run_points(run) -> list[tuple[str, float, float]]:
    """(op, arrival_s, departure_s) of a stored run (a reserve path keeps no plan of its own); none for a
    path that no longer runs (cancelled, or a used reserve path)."""
    return [] if run is None else [(p.op_id, p.arrival_s, p.departure_s) for p in run.points]


def _change(request: Request, allocation_id: int, user: dict, status: str) -> dict:
    ctx = ctx_of(request)
    row = paths.get(ctx, _allocation_id(allocation_id))
    if status == "confirmed" and not may(user, "confirm"):
        raise forbid(f"the role {user['role']} may not confirm allocations")
    if status == "cancelled" and not (may(user, "cancel") or (may(user, "cancel-own")
                                                                and row.get("requested_by") == user["name"])):
        raise forbid(f"the role {user['role']} may not cancel this allocation")
    paths.change_status(ctx, user, allocation_id, status)
    return redact.allocation_for(paths.get(ctx, allocation_id), redact.details_visible_to(ctx, user))


@router.post("/allocations/{allocation_id}/confirm", responses={**FORBIDDEN, **NOT_FOUND, **INVALID}, tags=["paths"])
def confirm(allocation_id: int, request: Request, user: dict = Depends(current_user)) -> dict:
    """Confirm a proposed allocation (capacity planners)."""
    return _change(request, allocation_id, user, "confirmed")


@router.post("/allocations/{allocation_id}/cancel", responses={**FORBIDDEN, **NOT_FOUND, **INVALID}, tags=["paths"])
def cancel(allocation_id: int, request: Request, user: dict = Depends(current_user)) -> dict:
    """Cancel an allocation: its blocks are free again (capacity planners; a defence planner its own requests)."""
    return _change(request, allocation_id, user, "cancelled")


@router.get("/audit", responses=FORBIDDEN, tags=["audit"])
async def audit_log(request: Request, object_id: str | None = Query(None, max_length=64),
              limit: int = Query(200, ge=1, le=2000), user: dict = Depends(require("audit"))) -> list[dict]:
    """The audit log, newest first (read-only: no call changes it). Military details as the role may see."""
    ctx = ctx_of(request)
    sees = redact.details_visible_to(ctx, user)
    rows = audit.entries(ctx.engine, object_id=object_id, limit=limit)
    return [redact.audit_entry_for(r, user, sees) for r in rows]
