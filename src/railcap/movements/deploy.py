"""The deployment planner: every train of a movement, planned with the path search, day by day.

Each day of the movement is the reference weekday (its blocking times), plus
the movement's trains of the day before that are still running after
midnight, plus the next morning's early trains (the reference day again,
shifted by a day) for the trains that run past midnight. On each day the loading sites work their hours: a loading track
takes a train for ``load_time_s``, starting when the site opens and the
track is free, and must finish by closing time; a loaded train is drawn off
the loading track to wait for its path on the site's sidings (railcap
assumption [verify]: the sites' stabling capacity is not in the sources), so the
next train can load; a site loads at most ``trains_per_day``. The earliest-ready track takes the next train that may
load there (its group's site, a track long enough for it), and that train is
planned with the same search as a single path (``pathing.Planner``), from its
ready time, into the next unused handover window of the day if the neighbour
gave windows (one window, one train). A found path becomes part of the day
(``Planner.commit``) before the next train is planned, so the movement's
trains never conflict with each other or with the civil trains they moved.

A train that finds no path on a day is tried again the next day; what is
still unplanned at the end is reported with the last reason the search gave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from railcap.model.clock import DAY_S, format_clock, parse_time
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import LoadingSite, Network, OpKind, name_to_id
from railcap.model.rolling_stock import Consist
from railcap.movements.order import MovementOrder
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.pathing.planner import Planner, PlanResult
from railcap.pathing.request import make_request
from railcap.pathing.search import TimedPath

DESTINATION_KINDS = (OpKind.BORDER, OpKind.PORT)


@dataclass(frozen=True)
class MovementTrain:
    """One train of the movement before it is planned."""

    id: str
    consist: Consist
    site: str | None  # the loading site it must load at, or None for any of the order's


@dataclass(frozen=True)
class Deployment:
    """A movement order resolved against the network and the catalogue (every id checked)."""

    unit: str
    trains: tuple[MovementTrain, ...]
    sites: dict[str, LoadingSite]
    destination: str
    first_day: dt.date
    earliest_s: float  # on the first day
    days: int
    windows: dict[int, list[tuple[float, float]]]  # day index -> handover windows (s of that day)
    priority: str


@dataclass
class PlannedTrain:
    train_id: str
    consist_id: str
    site: str
    day: int  # the day index it was loaded on (0 = first_day)
    ready_s: float  # loaded, ready to leave (s of its day)
    result: PlanResult

    @property
    def path(self) -> TimedPath:
        return self.result.paths[0]


@dataclass
class Unplanned:
    train_id: str
    consist_id: str
    reason: str


@dataclass
class MovementPlan:
    deployment: Deployment
    planned: list[PlannedTrain] = field(default_factory=list)
    unplanned: list[Unplanned] = field(default_factory=list)
    days_checked: list[OccupationTable] = field(default_factory=list)  # each day as it will be

    def delivered_per_day(self) -> list[int]:
        """Trains at the destination per calendar day of the movement (the closure curve, not summed)."""
        out = [0] * (self.deployment.days + 2)
        for p in self.planned:
            out[min(len(out) - 1, p.day + int(p.path.arrival_s // DAY_S))] += 1
        while len(out) > self.deployment.days and out[-1] == 0:
            out.pop()
        return out

    def hindrance_per_day(self) -> list[dict]:
        """Civil hindrance per day of loading: trains displaced or delayed, cancelled, delay minutes."""
        out = [{"trains": 0, "cancelled": 0, "delay_min": 0.0} for _ in range(self.deployment.days)]
        for p in self.planned:
            for h in p.result.hindrance:
                row = out[p.day]
                row["trains"] += 1
                row["cancelled"] += h.action == "cancelled"
                row["delay_min"] = round(row["delay_min"] + h.delay_s / 60.0, 1)
        return out


def resolve(order: MovementOrder, net: Network, consist_of: Callable[[str], Consist],
            today: dt.date | None = None) -> Deployment:
    """Check the order against the network and the catalogue; every problem named by field.

    ``today``: orders that start before it, and windows that end before the
    movement's earliest departure, are in the past.
    """
    problems: list[Problem] = []
    where = "movement order"

    def point(query: str, field_name: str):
        try:
            return net.find_op(query)
        except ValidationError:
            raise
        except Exception as exc:  # NotFoundError with its suggestions
            problems.append(Problem(where, field_name, str(exc).split(": ", 1)[-1].splitlines()[0]))
            return None

    sites: dict[str, LoadingSite] = {}
    for i, s in enumerate(order.loading_sites):
        op = point(s, f"loading_sites[{i}]")
        if op is not None and op.loading is None:
            problems.append(Problem(where, f"loading_sites[{i}]", f"'{s}' is not a military loading site "
                                    "(see `railcap movement sites`)"))
        elif op is not None:
            sites[op.id] = op.loading
    dest = point(order.to, "to")
    if dest is not None and dest.kind not in DESTINATION_KINDS:
        problems.append(Problem(where, "to", f"'{order.to}' is a {dest.kind.value}, not a border crossing or port"))
    earliest_s = _clock(order.earliest_time, "earliest_time", problems)
    if today is not None and order.earliest_day < today:
        problems.append(Problem(where, "earliest_day", f"{order.earliest_day} is in the past (today is {today})"))
    trains: list[MovementTrain] = []
    unit_id = unit_code(order.unit)
    for g_i, g in enumerate(order.trains):
        try:
            consist = consist_of(g.consist)
        except Exception as exc:
            problems.append(Problem(where, f"trains[{g_i}].consist", str(exc).split(": ", 1)[-1].splitlines()[0]))
            continue
        site = None
        if g.site is not None:
            op = point(g.site, f"trains[{g_i}].site")
            site = op.id if op is not None else None
            if site is not None and site not in sites:
                problems.append(Problem(where, f"trains[{g_i}].site", f"'{g.site}' is not one of loading_sites"))
        fits = [s for s in ([site] if site else sites) if s in sites and sites[s].track_length_m >= consist.length_m]
        if sites and not fits:
            problems.append(Problem(where, f"trains[{g_i}].consist", f"{consist.id} ({consist.length_m:.0f} m) "
                                    "fits no loading track of its sites"))
        for _ in range(g.count):
            trains.append(MovementTrain(f"{unit_id}-{len(trains) + 1:02d}", consist, site))
    windows: dict[int, list[tuple[float, float]]] = {}
    for w_i, w in enumerate(order.handover_windows):
        day = (w.day - order.earliest_day).days
        a = _clock(w.start, f"handover_windows[{w_i}].from", problems)
        b = _clock(w.end, f"handover_windows[{w_i}].to", problems)
        if a is None or b is None:
            continue
        if b <= a:
            problems.append(Problem(where, f"handover_windows[{w_i}].to", "ends before it starts"))
        elif day < 0 or (day == 0 and earliest_s is not None and b <= earliest_s):
            problems.append(Problem(where, f"handover_windows[{w_i}]", f"{w.day} {w.start}–{w.end} is in the past: "
                                    f"the movement starts {order.earliest_day} {order.earliest_time}"))
        elif day >= order.days:
            problems.append(Problem(where, f"handover_windows[{w_i}].day", f"{w.day} is after the movement's "
                                    f"{order.days} day(s)"))
        else:
            windows.setdefault(day, []).append((a, b))
    if not problems:
        _check_capacity(order, sites, trains, windows, earliest_s or 0.0, problems)
    if problems:
        raise ValidationError(problems)
    return Deployment(order.unit, tuple(trains), sites, dest.id, order.earliest_day, earliest_s, order.days,
                      {d: sorted(ws) for d, ws in windows.items()}, order.priority)


def unit_code(unit: str) -> str:
    """A short code for the unit's train ids.

    >>> unit_code("43 Mechanised Brigade")
    '43MB'
    """
    words = name_to_id(unit).split("-")
    return "".join(w if w.isdigit() else w[0].upper() for w in words if w)[:8] or "MV"


def _clock(text: str, field_name: str, problems: list[Problem]) -> float | None:
    try:
        return parse_time(text, field_name, element="movement order")[0]
    except ValidationError as exc:
        problems.extend(exc.problems)
        return None


def _check_capacity(order: MovementOrder, sites: dict[str, LoadingSite], trains: list[MovementTrain],
                    windows: dict[int, list], earliest_s: float, problems: list[Problem]) -> None:
    """More trains than the sites can load in the period (or than the windows can take) is refused."""
    can = 0
    for day in range(order.days):
        for ls in sites.values():
            can += sum(1 for t in ls.ready_times_s() if day > 0 or t >= earliest_s + ls.load_time_s - 1e-9
                       or ls.opens_s >= earliest_s)
    if len(trains) > can:
        names = ", ".join(f"{s} {ls.trains_per_day}/day" for s, ls in sites.items())
        problems.append(Problem("movement order", "trains", f"{len(trains)} trains, but the loading sites ({names}) "
                                f"can load {can} in {order.days} day(s) from {order.earliest_day} "
                                f"{order.earliest_time}"))
    if order.handover_windows and len(trains) > sum(len(w) for w in windows.values()):
        problems.append(Problem("movement order", "handover_windows",
                                f"{len(trains)} trains, but only {sum(len(w) for w in windows.values())} "
                                "handover window(s) (one train each)"))


# -- planning -------------------------------------------------------------------------------


def plan_movement(dep: Deployment,
                  planner_for_day: Callable[[int, OccupationTable, dict[str, str]], Planner],
                  progress: Callable[[str], None] = lambda _: None) -> MovementPlan:
    """Plan every train of ``dep``. ``planner_for_day(day, extra, classes)`` gives a fresh planner for
    day index ``day`` with the occupations ``extra`` (the movement's trains of the day before still
    running after midnight; class per train in ``classes``) added."""
    plan = MovementPlan(dep)
    pending = list(dep.trains)
    reasons: dict[str, str] = {}
    carry, carry_classes = OccupationTable.of([]), {}
    for day in range(dep.days):
        planner = planner_for_day(day, carry, carry_classes)
        todays = _plan_day(dep, day, planner, pending, reasons, plan, progress)
        carry, carry_classes = _after_midnight(todays, dep.priority)
        if not pending:
            break
    for t in pending:
        why = reasons.get(t.id, f"the loading sites had no slot left in the {dep.days} day(s) asked")
        plan.unplanned.append(Unplanned(t.id, t.consist.id, why))
    return plan


@dataclass
class _Track:
    site: str
    free_s: float


def _plan_day(dep: Deployment, day: int, planner: Planner, pending: list[MovementTrain],
              reasons: dict[str, str], plan: MovementPlan, progress: Callable[[str], None]) -> list[PlannedTrain]:
    start = dep.earliest_s if day == 0 else 0.0
    tracks = [_Track(s, max(ls.opens_s, start)) for s, ls in dep.sites.items() for _ in range(ls.tracks)]
    loaded = {s: 0 for s in dep.sites}
    no_path: set[tuple[str, str]] = set()  # (site, consist) with no path today
    windows = list(dep.windows.get(day, [])) if dep.windows else None
    todays: list[PlannedTrain] = []
    while pending and (windows is None or windows):
        best = None
        for tr in tracks:
            ls = dep.sites[tr.site]
            ready = tr.free_s + ls.load_time_s
            if loaded[tr.site] >= ls.trains_per_day or ready > ls.closes_s + 1e-9:
                continue
            train = next((t for t in pending if t.site in (None, tr.site)
                          and ls.track_length_m >= t.consist.length_m
                          and (tr.site, t.consist.id) not in no_path), None)
            if train is not None and (best is None or ready < best[0]):
                best = (ready, tr, train)
        if best is None:
            break
        ready, tr, train = best
        progress(f"day {day + 1}: {train.id} from {tr.site}")
        result, window = _plan_train(dep, planner, train, tr.site, ready, windows)
        if result is None or not result.found:
            no_path.add((tr.site, train.consist.id))
            reasons[train.id] = _reason(result, tr.site, day)
            continue
        planner.commit(result)
        if window is not None:
            windows.remove(window)
        p = PlannedTrain(train.id, train.consist.id, tr.site, day, ready, result)
        plan.planned.append(p)
        todays.append(p)
        pending.remove(train)
        loaded[tr.site] += 1
        tr.free_s = ready  # the loaded train is drawn off to the sidings; the track loads the next
    plan.days_checked.append(planner.table)
    return todays


def _plan_train(dep: Deployment, planner: Planner, train: MovementTrain, site: str, ready: float,
                windows: list[tuple[float, float]] | None) -> tuple[PlanResult | None, tuple[float, float] | None]:
    """The train's path from ``ready``: into the first handover window it can meet, or any time."""
    options = [None] if windows is None else [w for w in windows if w[1] > ready]
    result = None
    for w in options:
        req = make_request(planner.net, origin=site, destination=dep.destination, consist=train.consist,
                           earliest_departure_s=ready, priority=dep.priority, train_id=train.id,
                           windows=[] if w is None else [(dep.destination, w[0], w[1])])
        result = planner.plan(req)
        if result.found:
            return result, w
    return result, None


def _reason(result: PlanResult | None, site: str, day: int) -> str:
    if result is None:
        return f"day {day + 1}: no handover window left after the train was loaded at {site}"
    why = result.explanation.summary if result.explanation else "no path"
    return f"day {day + 1} from {site}: {why}"


def _after_midnight(todays: list[PlannedTrain], priority: str) -> tuple[OccupationTable, dict[str, str]]:
    """The day's movement trains still holding blocks after midnight, moved to the next day's clock.

    The next day's own trains are met through the neighbour-day tables (``store.state.window_table``),
    which a movement never moves."""
    parts, classes = [], {}
    for p in todays:
        occ = p.path.occupations()
        late = occ.end_s > DAY_S
        if late.any():
            parts.append(OccupationTable(occ.train_id[late], occ.resource_id[late],
                                         np.maximum(occ.start_s[late] - DAY_S, -DAY_S), occ.end_s[late] - DAY_S))
            classes[p.train_id] = priority
    return (OccupationTable.concat(parts) if parts else OccupationTable.of([])), classes


def conflicts_of(plan: MovementPlan) -> list:
    """Conflicts on each day as it will be that involve the movement's trains or the civil trains
    they moved (conflicts among other trains are not the movement's doing)."""
    out = []
    for day, table in enumerate(plan.days_checked):
        todays = [p for p in plan.planned if p.day == day]
        ours = {p.train_id for p in todays} | {h.train_id for p in todays for h in p.result.hindrance}
        ours |= {t for t in table.train_id.tolist() if t in {p.train_id for p in plan.planned}}  # carried over
        out += [c for c in find_conflicts(table) if c.train_a in ours or c.train_b in ours]
    return out


def clock_of(day: dt.date, t_s: float) -> tuple[str, str]:
    """(date, clock) of a time counted from midnight of ``day`` (25:30 is 01:30 the next date)."""
    extra = int(t_s // DAY_S)
    return (day + dt.timedelta(days=extra)).isoformat(), format_clock(t_s - extra * DAY_S, seconds=False)
