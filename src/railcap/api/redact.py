"""Who may see the details of a military request, and what everyone else sees: the one place for it.

The details are the unit, the load, the consist (and so its RID class), the
origin site, the destination, the route, the request and its movement. They are
visible to defence planners, and to the capacity planners who allocated or
confirmed that request. Everyone else sees a *reserved path*: its id, status,
day and times, and nothing more — in lists, single views, diagrams, the audit
log and error messages alike.
"""

from __future__ import annotations

from railcap.store import audit

RESERVED = "reserved"
ALLOCATING_ACTIONS = ("allocate", "confirm")


def is_military(row: dict) -> bool:
    return row.get("priority") == "military"


def details_visible_to(ctx, user: dict):
    """A function allocation id -> whether ``user`` may see that military request's details."""
    if user["role"] == "defence-planner":
        return lambda _id: True
    if user["role"] == "capacity-planner":
        mine = audit.objects_touched(ctx.engine, user["name"], "allocation", ALLOCATING_ACTIONS)
        return lambda allocation_id: str(allocation_id) in mine
    return lambda _id: False


def audience(user: dict) -> str:
    """Who sees the same of military requests as ``user``: an answer made for one is right for all of them.

    >>> audience({"name": "ann", "role": "capacity-planner"}), audience({"name": "bo", "role": "viewer"})
    ('capacity-planner:ann', 'no-details')
    """
    if user["role"] == "defence-planner":
        return "all-details"
    if user["role"] == "capacity-planner":
        return f"capacity-planner:{user['name']}"
    return "no-details"


def reserved_train_id(allocation_id: int) -> str:
    """The name a reserved path goes by for those who may not see what it is.

    >>> reserved_train_id(7)
    'reserved-7'
    """
    return f"{RESERVED}-{allocation_id}"


def allocation_for(row: dict, sees) -> dict:
    """An allocation as ``user`` may see it (``sees`` from ``details_visible_to``)."""
    if not is_military(row) or sees(row["id"]):
        return row
    keep = {"id", "status", "service_date", "departure_s", "arrival_s", "departure", "arrival"}
    out = {k: v for k, v in row.items() if k in keep}
    out.update({"train_id": reserved_train_id(row["id"]), "priority": RESERVED, "reserved": True})
    return out


def audit_entry_for(entry: dict, user: dict, sees) -> dict:
    """An audit row with the details of a military request left out for those who may not see them."""
    if not entry["military"] or user["role"] == "defence-planner":
        return entry
    if entry["object_type"] == "allocation" and entry["object_id"].isdigit() and sees(int(entry["object_id"])):
        return entry
    out = {k: v for k, v in entry.items() if k not in ("detail", "military")}
    return {**out, "detail": {}, "reserved": True}
