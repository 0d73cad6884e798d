"""A plan as plain data (the JSON of ``railcap path plan --json``); ``viz.plan`` draws it as tables.

Times are given both as seconds from midnight of the service day (``*_s``)
and as clock strings; block occupations use the resource ids of
``railcap timetable export --blocking``.
"""

from __future__ import annotations

import math

from railcap.model.admission import ADJACENT_FREE, conditions_along
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Consist
from railcap.pathing.planner import PlanResult
from railcap.pathing.request import PathRequest, clock
from railcap.pathing.search import TimedPath, may_stand_at

RANKED_BY = "arrival at the destination, then time spent waiting, then distance"


def request_to_dict(req: PathRequest) -> dict:
    return {"from": req.origin, "to": req.destination, "consist": req.consist.id,
            "priority": req.priority.value, "depart_after": clock(req.earliest_departure_s),
            "arrive_before": None if req.latest_arrival_s is None else clock(req.latest_arrival_s),
            "vias": [{"op": v.op_id, "min_dwell_s": v.min_dwell_s} for v in req.vias],
            "windows": [{"op": w.op_id, "from": clock(w.start_s), "to": clock(w.end_s)} for w in req.windows],
            "allowance_percent": req.allowance.percent, "service_date": req.service_date.isoformat()
            if req.service_date else None}


def exceptional_to_dict(path: TimedPath, consist: Consist, net: Network) -> dict | None:
    """The exceptional-transport conditions along the path (out of gauge), and for explosives
    (RID class 1) where on its route the train may stand; None for other trains."""
    if not consist.out_of_gauge and not consist.explosives:
        return None
    out: dict = {}
    if consist.out_of_gauge:
        legs = {leg.section.id: leg.section for leg in path.route.legs}
        passages = conditions_along([leg.section for leg in path.route.legs], consist.oog_class)
        out["out_of_gauge_class"] = consist.oog_class
        out["adjacent_track_held_km"] = round(sum(legs[p.section_id].length_m for p in passages
                                                  if ADJACENT_FREE in p.conditions) / 1000.0, 1)
        out["sections"] = [{"section": p.section_id, "conditions": list(p.conditions),
                            "describe": p.describe(), "reasons": list(p.reasons)} for p in passages]
    if consist.explosives:
        inner = path.route.ops[1:-1]
        out["may_stand_at"] = [o for o in inner if may_stand_at(net.ops[o], consist)]
        out["never_stands_at"] = [o for o in inner if net.ops[o].passenger_station]
        out["stand_rule"] = "RID class 1 never stands at a passenger station"
    return out


def path_to_dict(path: TimedPath, rank: int, net: Network, consist: Consist | None = None) -> dict:
    points = []
    for row in path.op_times():
        op = net.ops[row["op"]]
        wait = (row["departure_s"] - row["arrival_s"]) if row["arrival_s"] is not None and \
            row["departure_s"] is not None else 0.0
        points.append({"op": op.id, "name": op.name, "km": row["km"],
                       "arrival": None if row["arrival_s"] is None else clock(row["arrival_s"]),
                       "departure": None if row["departure_s"] is None else clock(row["departure_s"]),
                       "arrival_s": None if row["arrival_s"] is None else round(row["arrival_s"], 1),
                       "departure_s": None if row["departure_s"] is None else round(row["departure_s"], 1),
                       "stops": row["stops"], "stand_min": round(wait / 60.0, 1)})
    occ = path.occupations()
    return {"rank": rank, "train_id": path.train_id, "departure": clock(path.departure_s),
            "arrival": clock(path.arrival_s), "departure_s": round(path.departure_s, 1),
            "arrival_s": round(path.arrival_s, 1),
            "journey_min": round((path.arrival_s - path.departure_s) / 60.0, 1),
            "waiting_min": round(path.waiting_s / 60.0, 1), "length_km": round(path.route.length_m / 1000.0, 1),
            "route": list(path.route.ops), "points": points,
            "exceptional_transport": exceptional_to_dict(path, consist, net) if consist else None,
            "occupations": [{"resource_id": r, "start_s": _ms_down(s), "end_s": _ms_up(e)}
                            for r, s, e in zip(occ.resource_id.tolist(), occ.start_s.tolist(), occ.end_s.tolist())]}


def _ms_down(t: float) -> float:
    """A blocking time's start to the millisecond, rounded down (never later than the engine held it).

    >>> _ms_down(12.3456), _ms_up(12.3451), _ms_down(-0.0004)
    (12.345, 12.346, -0.001)
    """
    return math.floor(t * 1000.0) / 1000.0


def _ms_up(t: float) -> float:
    """A blocking time's end to the millisecond, rounded up (never earlier than the engine held it)."""
    return math.ceil(t * 1000.0) / 1000.0


def plan_to_dict(result: PlanResult, net: Network) -> dict:
    return {"request": request_to_dict(result.request), "found": result.found, "stage": result.stage,
            "ranked_by": RANKED_BY,
            "paths": [path_to_dict(p, n + 1, net, result.request.consist) for n, p in enumerate(result.paths)],
            "hindrance": {"trains": [h.to_dict() for h in result.hindrance],
                          "by_class": result.hindrance_totals()},
            "explanation": result.explanation.to_dict() if result.explanation else None}
