"""Path requests through the API: the request checked by the model, planned by the warm planner, stored
by the allocation store with its audit row in the same transaction (``services.paths``, as the CLI).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from railcap.api.schemas import AllocateIn, PathRequestIn
from railcap.model.clock import clock, parse_time
from railcap.model.errors import Problem, ValidationError
from railcap.store import audit

# the allocation store and its use cases; imported in one place
from railcap.services import movements as movement_service
from railcap.services import paths as path_service
from railcap.store import allocations as allocation_store


def build_request(warm, body: PathRequestIn):
    """The model's checked PathRequest; a ValidationError names every wrong field. A departure at or after
    24:00 is planned on the next service day (``services.paths.next_service_day``, as the CLI does)."""
    from railcap.pathing import make_request
    from railcap.physics import Allowance

    problems: list[Problem] = []

    def when(text: str, field: str, day=None):
        try:
            return parse_time(text, field, day)
        except ValidationError as exc:
            problems.extend(exc.problems)
            return 0.0, None

    t0, given = when(body.depart_after, "depart_after")
    shift_s, day = path_service.next_service_day(t0, given)  # at or after 24:00: the next service day, as the CLI
    t0 -= shift_s
    windows = [(w.op, when(w.opens, f"windows[{i}].opens", given)[0] - shift_s,
                when(w.closes, f"windows[{i}].closes", given)[0] - shift_s) for i, w in enumerate(body.windows)]
    latest = when(body.arrive_before, "arrive_before", given)[0] - shift_s if body.arrive_before else None
    try:
        consist = warm.catalogue.consist(body.consist)
    except Exception as exc:
        problems.append(Problem("request", "consist", str(exc).splitlines()[0].split(": ", 1)[-1]))
        consist = None
    if problems:
        raise ValidationError(problems)
    try:
        return _make(make_request, warm, body, t0, latest, windows, consist, day, Allowance)
    except ValidationError as exc:  # the model's field names -> the API's
        raise ValidationError([Problem(p.element, _api_field(p.field), p.reason) for p in exc.problems]) from None


def _api_field(field: str) -> str:
    """``window[0]`` -> ``windows[0]``, ``from`` -> ``origin``: the names of PathRequestIn.

    >>> _api_field("window[1]"), _api_field("to")
    ('windows[1]', 'destination')
    """
    head, bracket, rest = field.partition("[")
    head = {"from": "origin", "to": "destination", "window": "windows", "via": "vias",
            "accept_delay": "accept_delay_min", "passenger_tolerance": "passenger_tolerance_min"}.get(head, head)
    return head + bracket + rest


def _make(make_request, warm, body, t0, latest, windows, consist, day, Allowance):
    return make_request(warm.net, origin=body.origin, destination=body.destination, consist=consist,
                        earliest_departure_s=t0, latest_arrival_s=latest,
                        vias=[(v.op, v.min_dwell_min * 60.0) for v in body.vias], windows=windows,
                        priority=body.priority, allowance=Allowance(percent=body.allowance_percent),
                        alternatives=body.alternatives,
                        passenger_tolerance_s=body.passenger_tolerance_min * 60.0,
                        may_cancel_passenger=body.cancel_passenger, accept_delay_s=body.accept_delay_min * 60.0,
                        service_date=day)


def current_state(ctx, service_date):
    with ctx.engine.connect() as conn:
        return allocation_store.load_state(conn, service_date)


def details_of(body: PathRequestIn) -> dict:
    """The military details of a request, for its audit row (redacted there for those who may not see them)."""
    return {"military": body.military.model_dump()} if body.military else {}


def allocate(ctx, user: dict, body: AllocateIn) -> tuple[int, object, dict, str | None]:
    """Plan and store in one transaction, with the request's details and the audit row: (allocation id,
    result, its JSON, the note on a departure moved to the next service day)."""
    from railcap.pathing.report import plan_to_dict

    req = build_request(ctx.warm, body)
    defence = user["role"] == "defence-planner"
    status = "proposed" if (defence or body.propose) else "confirmed"
    action = "request" if defence else "allocate"
    military = body.priority == "military"
    details = body.military or None

    def on_write(conn, allocation_id, result):
        conn.execute(ctx.tables.request_details.insert().values(
            allocation_id=allocation_id, requested_by=user["name"], unit=details.unit if details else "",
            load=details.load if details else "", movement=details.movement if details else ""))
        audit.record_allocation(conn, user["name"], action, allocation_id, status,
                                plan_to_dict(result, ctx.warm.net), result.hindrance, military, details_of(body))

    done = path_service.allocate(req, ctx.alloc_engine, status, ctx.warm.day, on_write,
                                 planner_cache=ctx.warm.planner_for, search_lock=ctx.warm.lock)
    return (done.allocation_id, done.result, plan_to_dict(done.result, ctx.warm.net),
            path_service.departure_note(body.depart_after, req))


def allocate_movement(ctx, user: dict, order: dict, progress, on_total=lambda n: None) -> dict:
    """Plan and store a whole movement in one transaction (``services.movements``), each train an allocation
    with its request's details and an "allocate" audit row by ``user`` (so the capacity planner who allocated
    it sees its details), and a "change" row for every allocation it moved."""
    dep = movement_service.deployment_from(order, "order")
    on_total(len(dep.trains))

    def on_write(conn, plan, ids: list[int]) -> None:
        for p, allocation_id in zip(plan.planned, ids):
            conn.execute(ctx.tables.request_details.insert().values(
                allocation_id=allocation_id, requested_by=user["name"], unit=dep.unit, load=p.consist_id,
                movement=f"{dep.unit} to {dep.destination}"))

    plan, ids = movement_service.allocate_deployment(dep, ctx.url, progress, on_write, actor=user["name"])
    return {**movement_service.plan_to_dict(plan), "allocation_ids": ids}


def change_status(ctx, user: dict, allocation_id: int, status: str) -> None:
    """Confirm or cancel, with the audit rows in the same transaction (``store.audit.record_status``)."""

    def on_write(conn, _id, old_status):
        audit.record_status(conn, user["name"], allocation_id, old_status, status)

    path_service.set_status(ctx.alloc_engine, allocation_id, status, on_write, day=ctx.warm.day)


def list_rows(ctx, status: str | None = None) -> list[dict]:
    rows = allocation_store.list_allocations(ctx.engine, status)
    t = ctx.tables.request_details
    with ctx.engine.connect() as conn:
        details = {d.allocation_id: d for d in conn.execute(select(t))}
    for r in rows:
        r["departure"], r["arrival"] = clock(r["departure_s"]), clock(r["arrival_s"])
        d = details.get(r["id"])
        if d is not None:
            r["requested_by"] = d.requested_by
            if r["priority"] == "military":
                r["military"] = {"unit": d.unit, "load": d.load, "movement": d.movement}
    return rows


def get(ctx, allocation_id: int) -> dict:
    """One allocation with its plan and the request's details (unit, load, movement, who requested)."""
    row = allocation_store.get_allocation(ctx.engine, allocation_id)
    row["departure"], row["arrival"] = clock(row["departure_s"]), clock(row["arrival_s"])
    t = ctx.tables.request_details
    with ctx.engine.connect() as conn:
        d = conn.execute(select(t).where(t.c.allocation_id == allocation_id)).first()
    if d is not None:
        row["requested_by"] = d.requested_by
        if row["priority"] == "military":
            row["military"] = {"unit": d.unit, "load": d.load, "movement": d.movement}
    consist = _consist_facts(ctx, row["consist"])
    if consist:
        row["consist_facts"] = consist
    return row


def _consist_facts(ctx, consist_id: str) -> dict | None:
    try:
        c = ctx.warm.catalogue.consist(consist_id)
    except Exception:
        return None
    return {"id": c.id, "length_m": c.length_m, "mass_t": round(c.mass_kg / 1000.0, 1), "rid_class": c.rid_class}


def result_json(row: dict) -> dict:
    return row["result"] if isinstance(row.get("result"), dict) else json.loads(row.get("result_json", "{}"))
