"""Capacity use cases: load the embedded data, call the capacity engine, shape the answer.

Every face (CLI, HTTP API) calls these; they read the shipped network,
reference weekday, rolling-stock catalogue and NATO route file, and hand plain
objects to ``railcap.capacity``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

# The engine's spare and reserve paths load the path search, and the reserve's store loads SQLAlchemy:
# ``capacity_engine.<name>`` resolves on first use and the store is imported by the functions that write to it,
# so that ``capacity report`` (compression only) starts without them (start-up time).
from railcap import capacity as capacity_engine
from railcap.capacity.compression import Window
from railcap.capacity.report import OPERATING_DAY, CapacityReport, consumption_report
from railcap.model.clock import format_clock, parse_time
from railcap.model.errors import InputFileError, NotFoundError, Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable, TrainClass
from railcap.occupancy import OccupationTable

if TYPE_CHECKING:
    from railcap.capacity import Corridor, Reserve, ReserveCost, SpareResult
    from railcap.store import allocations as store

NATO_ROUTES_FILE = "nato_routes.json"


# ----- loading ----------------------------------------------------------------------


def network() -> Network:
    from railcap.data.embedded import load_network

    return load_network()


@lru_cache(maxsize=1)
def day_occupations() -> OccupationTable:
    """The blocking times of every train of the reference weekday (the shipped cache, once per process)."""
    from railcap.services.day_cache import day_blocking

    return day_blocking()[0]


def nato_routes(text: str | None = None) -> dict[str, Corridor]:
    """The NATO transit routes (``data/nato_routes.json``, or ``text`` in its format), by name."""
    where = NATO_ROUTES_FILE
    if text is None:
        text = resources.files("railcap.data").joinpath(NATO_ROUTES_FILE).read_text("utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(Problem(where, "json", str(exc))) from None
    problems: list[Problem] = []
    out: dict[str, Corridor] = {}
    for i, r in enumerate(doc.get("routes", []) if isinstance(doc, dict) else []):
        element = f"{where} routes[{i}]"
        name = r.get("name") if isinstance(r, dict) else None
        points = r.get("waypoints") if isinstance(r, dict) else None
        if not isinstance(name, str) or not name:
            problems.append(Problem(element, "name", "missing"))
            continue
        if name in out:
            problems.append(Problem(element, "name", f"'{name}' given twice"))
        if not isinstance(points, list) or len(points) < 2 or not all(isinstance(p, str) for p in points):
            problems.append(Problem(element, "waypoints", "needs at least two point names"))
            continue
        if not r.get("source"):
            problems.append(Problem(element, "source", "every route needs its source"))
        out[name] = capacity_engine.Corridor(name, r.get("title", name), tuple(points), r.get("source", ""),
                                             r.get("note", ""))
    if not out and not problems:
        problems.append(Problem(where, "routes", "no routes"))
    if problems:
        raise InputFileError(problems)
    return out


def nato_route(name: str) -> Corridor:
    """One NATO route by name; a name ending in '-back' runs it the other way."""
    routes = nato_routes()
    base = name[:-5] if name.endswith("-back") else name
    if base not in routes:
        raise NotFoundError("NATO route", name, ", ".join(sorted(routes)))
    return routes[base].reversed() if base != name else routes[base]


def consist(consist_id: str):
    from railcap.data.rolling_stock import load_catalogue

    return load_catalogue().consist(consist_id)


def parse_window(text: str | None, field: str = "window") -> Window:
    """'HH:MM-HH:MM' as seconds of the reference day (``model.clock``; hours up to 47);
    None gives the operating day.

    >>> parse_window("07:00-09:00")
    (25200.0, 32400.0)
    """
    if text is None:
        return OPERATING_DAY
    parts = [p.strip() for p in str(text).split("-")]
    if len(parts) != 2 or not all(parts):
        raise ValidationError(Problem("command line", field, f"'{text}' is not HH:MM-HH:MM"))
    a = parse_time(parts[0], field, element="command line")[0]
    b = parse_time(parts[1], field, element="command line")[0]
    if b <= a:
        raise ValidationError(Problem("command line", field, f"'{text}' ends before it starts"))
    return a, b


def resolve_sections(net: Network, queries: list[str]) -> list[str]:
    """Section ids for section ids or operational points (all sections at the point)."""
    out: list[str] = []
    for q in queries:
        if q in net.sections:
            out.append(q)
            continue
        try:
            op = net.find_op(q)
        except NotFoundError:
            near = sorted(s for s in net.sections if q.lower() in s)[:5]
            raise NotFoundError("section or operational point", q, ", ".join(near)) from None
        out += [s.id for s in net.sections_at(op.id)]
    return out


# ----- use cases --------------------------------------------------------------------


def report(window: str | None = None, sections: list[str] | None = None,
           table: OccupationTable | None = None, net: Network | None = None) -> CapacityReport:
    """UIC 406 consumption of the reference day (or ``table``) in a window, busiest first."""
    net = net or network()
    w = parse_window(window)
    ids = resolve_sections(net, sections) if sections else None
    return consumption_report(net, day_occupations() if table is None else table, w, sections=ids)


def spare(consist_id: str, route: str, *, window: str | None = None, band_hours: float = 1.0,
          progress: Callable[[int, int, int], None] | None = None,
          table: OccupationTable | None = None) -> SpareResult:
    """How many more paths of a consist fit on a NATO route, per hour band of the window (default 24 h)."""
    corridor = nato_route(route)
    c = consist(consist_id)
    a, b = parse_window(window) if window else (0.0, 86_400.0)
    bands = capacity_engine.hour_bands(a, b, band_hours)
    return capacity_engine.spare_paths(network(), day_occupations() if table is None else table, corridor, c,
                                       bands, progress=progress)


# ----- answers as plain data (for --json and the HTTP API) ----------------------------


def clock(t_s: float, rounding: str = "nearest") -> str:
    """HH:MM (``model.clock``): departures and window starts rounded down, arrivals up."""
    return format_clock(t_s, rounding, seconds=False)  # type: ignore[arg-type]


def report_dict(r: CapacityReport, top: int | None = None) -> dict[str, Any]:
    loads = r.loads if top is None else r.loads[:top]
    return {
        "window": f"{clock(r.window_start_s)}-{clock(r.window_end_s)}",
        "method": "UIC 406 compression per line section (one track of one section in one direction)",
        "norm": {"line_type": r.norm.line_type, "peak_hour_pct": round(r.norm.peak_rate * 100, 1),
                 "daily_pct": round(r.norm.daily_rate * 100, 1), "source": r.norm.source,
                 "window_held_against": "peak hour" if r.window_is_peak else "daily period"},
        "line_sections_total": len(r.loads),
        "bottlenecks": [x.line_section for x in r.bottlenecks()],
        "line_sections": [{
            "line_section": x.line_section, "section": x.section_id, "from": x.from_op, "to": x.to_op,
            "both_directions": x.both_ways, "lane": x.window.lane, "length_km": round(x.length_m / 1000, 3),
            "trains": x.window.trains, "compressed_min": round(x.window.compressed_s / 60, 1),
            "rate_pct": round(x.window.rate * 100, 1),
            "peak_hour": f"{clock(x.peak.window_start_s)}-{clock(x.peak.window_end_s)}",
            "peak_trains": x.peak.trains, "peak_rate_pct": round(x.peak.rate * 100, 1),
            "over_norm": x.over_norm} for x in loads],
    }


def spare_dict(s: SpareResult) -> dict[str, Any]:
    counts = s.per_band()
    return {
        "route": s.corridor.name, "title": s.corridor.title, "consist": s.consist_id,
        "route_ops": list(s.route_ops), "route_km": round(s.route_length_m / 1000, 1),
        "method": "repeated insertion with the path search, band by band in time order",
        "total": s.total,
        "bands": [{"band": b.label, "paths": n, "capped": i in s.capped} for i, (b, n) in enumerate(zip(s.bands, counts))],
        "paths": [{"band": s.bands[p.band].label, "departure": clock(p.departure_s, "down"),
                   "arrival": clock(p.arrival_s, "up"),
                   "waiting_min": round(p.waiting_s / 60, 1)} for p in s.paths],
        "source": s.corridor.source,
    }


# ----- reserve paths ----------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """A reserve path as the store keeps it: an allocation of class reserve."""

    allocation_id: int
    train_id: str  # the store's name, A<id>-reserve
    run_id: str  # the name it had when laid out (reserve-<n>)


@dataclass(frozen=True)
class ReserveAnswer:
    """Reserve paths laid out on a NATO route and what they cost the freight paths left."""

    reserve: Reserve
    cost: ReserveCost
    window: Window  # the hour bands' span
    kept: tuple[Kept, ...] = ()  # empty when no database was given
    db: str | None = None
    service_date: dt.date | None = None
    attempts: int = 1


def reserve(route: str, per_band: int, *, consist_id: str = "military-heavy", freight_id: str = "intermodal-740",
            window: str | None = None, band_hours: float = 1.0,
            progress: Callable[[int, int, int], None] | None = None,
            table: OccupationTable | None = None, db: str | Path | None = None,
            service_date: dt.date | None = None, actor: str | None = None) -> ReserveAnswer:
    """Lay out ``per_band`` reserve paths per hour band on a NATO route; count the freight paths it costs.

    With ``db`` the paths are laid into the day as it will be on ``service_date`` (the
    allocations already made count) and kept there as confirmed allocations of class
    ``reserve``: later path plans see them as occupied, except a military request, whose
    priority uses them first (``pathing.planner``, step 1). They are written in one
    transaction, each with its "allocate" audit row by ``actor`` (default: the operating-system user);
    when another allocation changed the day meanwhile they are laid out again.
    """
    from railcap.services.paths import MAX_ATTEMPTS
    from railcap.store import allocations as store

    corridor = nato_route(route)
    c, freight = consist(consist_id), consist(freight_id)
    a, b = parse_window(window) if window else (0.0, 86_400.0)
    bands = capacity_engine.hour_bands(a, b, band_hours)
    net = network()
    if db is None:
        day = day_occupations() if table is None else table
        r = capacity_engine.reserve_paths(net, day, corridor, c, per_band, bands, progress=progress)
        return ReserveAnswer(r, capacity_engine.reserve_cost(net, day, r, freight, progress=progress), (a, b))
    engine = store.open_store(db, create=True)
    try:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            snap = store.snapshot(engine, service_date)
            day = store.day_table(day_occupations() if table is None else table, snap.state)
            r = capacity_engine.reserve_paths(net, day, corridor, c, per_band, bands, progress=progress)
            try:
                kept = _keep(engine, r, day, snap, route, actor)
            except store.StalePlan:
                continue
            cost = capacity_engine.reserve_cost(net, day, r, freight, progress=progress)
            return ReserveAnswer(r, cost, (a, b), kept, str(db), service_date, attempt)
    finally:
        engine.dispose()
    raise ValidationError(Problem("reserve", "db", f"the day changed under {MAX_ATTEMPTS} successive layouts "
                                                   f"(other allocations got there first); nothing was written"))


def _keep(engine, r: Reserve, day: OccupationTable, snap: store.Snapshot, route: str,
          actor: str | None = None) -> tuple[Kept, ...]:
    """Write every reserve path as a confirmed allocation of class reserve, all or none, each checked by
    the independent conflict detector against the day and the other reserve paths, with its audit row."""
    from railcap.store import allocations as store
    from railcap.store import audit

    s = r.paths
    occ = s.occupations
    near = day[np.isin(day.resource_id, np.unique(occ.resource_id.astype(str)).astype(object))] if len(occ) else day
    news = []
    for p, run in zip(s.paths, s.runs):
        mine = occ[occ.train_id == run.id]
        new = store.NewAllocation(
            "confirmed", TrainClass.RESERVE.value, run.origin, run.destination, s.consist_id, snap.service_date,
            replace(run, id=""), mine, (),
            {"kind": "reserve path", "route": route, "band": s.bands[p.band].label,
             "per_hour_band": r.per_band_wanted, "consist": s.consist_id},
            {"paths": [{"train_id": run.id, "departure": clock(p.departure_s, "down"),
                        "arrival": clock(p.arrival_s, "up"), "route": list(s.route_ops)}]})
        store.check_plan(OccupationTable.concat([near, occ[occ.train_id != run.id]]), new)
        news.append((run.id, new))
    with store.write_transaction(engine) as conn:
        if store.current_version(conn) != snap.version:
            raise store.StalePlan("another allocation changed the day while the reserve was laid out")
        kept = tuple(Kept(*store.insert_allocation(conn, new), run_id) for run_id, new in news)
        for k, (_run_id, new) in zip(kept, news):
            audit.record(conn, actor or audit.command_line_actor(), "allocate", "allocation", k.allocation_id,
                         {"status": "confirmed", "train_id": k.train_id, **new.request_doc,
                          "departure": new.result_doc["paths"][0]["departure"],
                          "arrival": new.result_doc["paths"][0]["arrival"]})
        return kept


def day_with_reserve(ans: ReserveAnswer) -> Timetable:
    """The day a diagram draws: the reference weekday with the reserve paths as runs, or, when they were
    kept, the day as it will be in the store (the reserve paths under their store names among them)."""
    if ans.db is not None:
        from railcap.services.diagram import day_timetable

        return day_timetable(ans.db, ans.service_date)
    from railcap.data.reference import load_reference_timetable

    tt = load_reference_timetable()
    return Timetable(tt.runs + tuple(ans.reserve.paths.runs), tt.meta)


def reserve_train_ids(ans: ReserveAnswer) -> list[str]:
    """The reserve paths' names as the diagram knows them (the store's names when kept)."""
    return [k.train_id for k in ans.kept] if ans.kept else [r.id for r in ans.reserve.paths.runs]


def reserve_dict(ans: ReserveAnswer) -> dict[str, Any]:
    s = ans.reserve.paths
    doc = spare_dict(s)
    doc.pop("total")
    doc["method"] = "reserve paths laid out earliest first by repeated insertion with the path search"
    doc["per_hour_band"] = ans.reserve.per_band_wanted
    doc["reserved"] = s.total
    for band, short in zip(doc["bands"], ans.reserve.shortfall()):
        band["reserved"] = band.pop("paths")
        band.pop("capped")
        band["not_placed"] = short
    doc["kept"] = ({"db": ans.db, "service_date": ans.service_date.isoformat() if ans.service_date else None,
                    "class": TrainClass.RESERVE.value, "status": "confirmed", "attempts": ans.attempts,
                    "allocations": [{"allocation_id": k.allocation_id, "train_id": k.train_id, "laid_out_as": k.run_id}
                                    for k in ans.kept]} if ans.db is not None else None)
    doc["freight_cost"] = {
        "consist": ans.cost.freight_consist,
        "method": "spare freight paths laid out without the reserve; 'taken' = those a reserve path overlaps; "
                  "'recount' = spare paths laid out again with the reserve in place (greedy, may pack differently)",
        "spare_before": sum(ans.cost.before), "taken": ans.cost.taken_total, "recount": sum(ans.cost.after),
        "bands": [{"band": b.label, "before": x, "taken": k, "recount": y}
                  for b, x, k, y in zip(s.bands, ans.cost.before, ans.cost.taken, ans.cost.after)]}
    return doc
