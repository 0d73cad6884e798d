"""Demand for the resilience engine: train types, freight flows, military movements.

The demand lives in a JSON file a user can edit (the Dutch one is
``railcap/data/embedded/freight_demand.json``). Every flow refers to operational
points by id (or code or name) and is checked against the network when it is
loaded: an unknown point, an unknown train type or a negative volume is a
:class:`~railcap.model.errors.ValidationError` naming the record and field.

Volumes are trains per day *in one direction*; a record with ``both_ways`` adds
the same number in the opposite direction.

>>> from railcap.resilience.samples import demo_network, demo_demand_dict
>>> d = demand_from_dict(demo_demand_dict(), demo_network())
>>> sorted(d.train_types)[:2], round(d.total_trains_per_day, 1)
(['bulk', 'intermodal'], 36.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import networkx as nx

from railcap.model.admission import Needs, OutOfGaugeClass, section_problems
from railcap.model.errors import NotFoundError, Problem, ValidationError
from railcap.model.infrastructure import Electrification, LoadingGauge, Network, Section
from railcap.resilience.foreign import ForeignNetwork
from railcap.resilience.passenger import PassengerLoad


@dataclass(frozen=True, slots=True)
class TrainType:
    """What a kind of train needs from the infrastructure.

    ``traction`` lists the power supplies it can run under; ``"none"`` in it means it
    can run without catenary (diesel), so it may use every section.

    Where it may run is decided by ``model.admission`` — the rule the path search
    uses for a consist. An out-of-gauge type (``out_of_gauge``) is admitted by
    :func:`~railcap.model.admission.passage` for its ``out_of_gauge_class``, not
    by its ``loading_gauge``: a class-3 load runs on GC and GB sections with
    conditions and not on G1 ones.
    """

    id: str
    length_m: float
    max_speed_kmh: float
    axle_load_t: float
    loading_gauge: LoadingGauge
    traction: frozenset[Electrification]
    dangerous_goods: bool = False
    military: bool = False
    #: a wide load: admitted by the out-of-gauge passage rule; where that rule says "adjacent track
    #: kept free" the rerouting LP charges it the other direction's capacity too (``problem``)
    out_of_gauge: bool = False
    out_of_gauge_class: int = OutOfGaugeClass.MAJOR  # how far outside the profile (1-3; used when out of gauge)
    unmet_penalty_km: float = 1000.0  # cost of one train not run, in train-km equivalents
    source: str = ""

    def may_use(self, section: Section) -> bool:
        """True when this train may run over the section (power, gauge, length, axle load, RID).

        >>> from railcap.model.samples import corridor
        >>> t = TrainType("x", 700, 100, 22.5, LoadingGauge.GC, frozenset({Electrification.DC_1500}))
        >>> [s for s in sorted(corridor().sections) if t.may_use(corridor().sections[s])]
        ['y-j']

        An out-of-gauge type follows the passage rule (class 3: not on G1, with conditions on GB):

        >>> from dataclasses import replace
        >>> from railcap.model.samples import straight_section
        >>> w = replace(t, out_of_gauge=True)
        >>> [w.may_use(straight_section("s", "a", "b", 1000, loading_gauge=g)) for g in LoadingGauge]
        [False, True, True]
        """
        return not section_problems(self.needs, section)

    @property
    def needs(self) -> Needs:
        return Needs(self.id, self.traction, self.loading_gauge, self.axle_load_t, self.length_m,
                     out_of_gauge=self.out_of_gauge, dangerous_goods=self.dangerous_goods,
                     out_of_gauge_class=self.out_of_gauge_class)

    def why_not(self, section: Section) -> list[str]:
        """The reasons this train may not use the section (empty when it may)."""
        return [p.reason for p in section_problems(self.needs, section)]


@dataclass(frozen=True, slots=True)
class Flow:
    """Trains per day of one type from an origin to a destination (one direction)."""

    origin: str
    destination: str
    train_type: str
    trains_per_day: float
    movement: str = ""  # id of the military movement, empty for civil freight
    source: str = ""


@dataclass(frozen=True, slots=True)
class MilitaryMovement:
    """A military transport from a port or loading site to a border crossing."""

    id: str
    origin: str
    destination: str
    train_type: str
    trains_per_day: float
    route: str = ""  # the NATO route it is meant for, for the reader
    source: str = ""


@dataclass(frozen=True)
class Demand:
    """All demand on one network: validated, with op ids resolved."""

    train_types: dict[str, TrainType]
    flows: tuple[Flow, ...]  # civil freight and military, one direction each
    military: tuple[MilitaryMovement, ...] = ()
    passenger_tph: dict[str, tuple[float, float]] = field(default_factory=dict)  # section -> (fwd, bwd)
    #: the passenger load capacity is computed against: a timetable's (see
    #: :func:`railcap.resilience.passenger.load_from_timetable`); None falls back to ``passenger_tph``,
    #: the demand file's flat trains per hour
    passenger: PassengerLoad | None = None
    crossings: "Crossings | None" = None  # border crossings a flow may switch between

    def with_foreign(self, foreign: ForeignNetwork | None) -> "Demand":
        """A copy whose crossings know the neighbours' lines beyond them."""
        if self.crossings is None:
            return self
        return replace(self, crossings=replace(self.crossings, foreign=foreign))

    def with_passenger(self, load: PassengerLoad | None) -> "Demand":
        """A copy whose capacities will be computed against ``load`` instead of the file's figures."""
        return replace(self, passenger=load)

    def passenger_load(self) -> PassengerLoad | dict[str, tuple[float, float]]:
        return self.passenger if self.passenger is not None else self.passenger_tph

    @property
    def total_trains_per_day(self) -> float:
        return sum(f.trains_per_day for f in self.flows)

    def scaled(self, changes: Iterable["DemandChange"]) -> "Demand":
        """A copy with the given changes applied to the matching flows."""
        flows = list(self.flows)
        for ch in changes:
            flows = [ch.apply(f) for f in flows] + ch.extra_flows()
        return replace(self, flows=tuple(f for f in flows if f.trains_per_day > 0))

    def crossing_totals(self, points: Iterable[str]) -> dict[str, float]:
        """Trains per day over each point as origin or destination, both directions together."""
        pts = set(points)
        out = {p: 0.0 for p in pts}
        for f in self.flows:
            for end in {f.origin, f.destination} & pts:
                out[end] += f.trains_per_day
        return out


@dataclass(frozen=True)
class Crossings:
    """Border crossings by neighbour country: a flow to or from one may switch to another of the same country.

    ``extra_km[(nominal, other)]`` is the known extra foreign running of a train switched from
    the nominal crossing to the other one (absent: unknown, counted as 0).

    >>> c = Crossings({"x": "DE", "y": "DE", "z": "BE"})
    >>> c.alternatives("x"), c.alternatives("z"), c.alternatives("q")
    (('y',), (), ())
    """

    country: dict[str, str]  # crossing op id -> country
    extra_km: dict[tuple[str, str], float] = field(default_factory=dict)
    source: str = ""
    #: the neighbours' lines beyond the crossings (:mod:`railcap.resilience.foreign`): foreign km and capacity
    foreign: "ForeignNetwork | None" = None

    def alternatives(self, op_id: str) -> tuple[str, ...]:
        """The other crossings into the same country (sorted), none for a point that is no crossing."""
        c = self.country.get(op_id)
        if c is None:
            return ()
        return tuple(sorted(o for o, k in self.country.items() if k == c and o != op_id))

    def known_extra_km(self, nominal: str, other: str) -> float:
        """Extra foreign km of a train of ``nominal``'s flow crossing at ``other``: the file's figure, else the
        foreign network's runs to the nominal hub, else 0 (unknown)."""
        if (nominal, other) in self.extra_km:
            return self.extra_km[(nominal, other)]
        return self.foreign.extra_km(nominal, other) if self.foreign is not None else 0.0

    def foreign_run(self, crossing: str, nominal: str, outbound: bool) -> tuple[float, tuple[int, ...]]:
        """(km, foreign resources) of a train of ``nominal``'s flow using ``crossing`` ((0, ()) when not modelled)."""
        if self.foreign is None:
            return 0.0, ()
        return self.foreign.run(crossing, nominal, outbound) or (0.0, ())


@dataclass(frozen=True, slots=True)
class DemandChange:
    """Scale the flows that match, or add trains: e.g. low Rhine water shifting barges to rail."""

    origin: str | None
    destination: str | None
    train_type: str | None
    factor: float = 1.0
    extra_trains_per_day: float = 0.0  # added origin -> destination (needs all three set)
    source: str = ""

    def matches(self, f: Flow) -> bool:
        return ((self.origin is None or f.origin == self.origin)
                and (self.destination is None or f.destination == self.destination)
                and (self.train_type is None or f.train_type == self.train_type)
                and not f.movement)

    def apply(self, f: Flow) -> Flow:
        if not self.matches(f) or self.factor == 1.0:
            return f
        return Flow(f.origin, f.destination, f.train_type, f.trains_per_day * self.factor,
                    f.movement, f.source)

    def extra_flows(self) -> list[Flow]:
        if self.extra_trains_per_day <= 0:
            return []
        assert self.origin and self.destination and self.train_type
        return [Flow(self.origin, self.destination, self.train_type, self.extra_trains_per_day,
                     source=self.source)]


# ------------------------------------------------------------------ loading


class _Reader:
    """Collects problems while reading one dict-shaped file, so all are reported at once."""

    def __init__(self, network: Network, label: str):
        self.network = network
        self.label = label
        self.problems: list[Problem] = []
        self.unknown: dict[str, tuple[str, list[str]]] = {}  # op query -> (reason, where used)

    def fail(self, element: str, fld: str, reason: str) -> None:
        self.problems.append(Problem(f"{self.label} {element}", fld, reason))

    def op(self, rec: dict, fld: str, element: str) -> str:
        value = rec.get(fld)
        if not isinstance(value, str) or not value:
            self.fail(element, fld, "missing operational point")
            return ""
        try:
            return self.network.find_op(value).id
        except NotFoundError as exc:
            self.unknown.setdefault(value, (exc.problems[0].reason, []))[1].append(f"{element}.{fld}")
            return ""

    def number(self, rec: dict, fld: str, element: str, minimum: float = 0.0,
               default: float | None = None) -> float:
        value = rec.get(fld, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(element, fld, f"expected a number, got {value!r}")
            return 0.0
        if value < minimum:
            self.fail(element, fld, f"must be ≥ {minimum}, got {value}")
        return float(value)

    def check(self) -> None:
        """Raise one problem per unknown operational point (with where it is used) and every other problem."""
        for value, (reason, where) in self.unknown.items():
            more = f" and {len(where) - 3} more" if len(where) > 3 else ""
            self.problems.append(Problem(f"{self.label} {', '.join(where[:3])}{more}", "operational point", reason))
        if self.problems:
            raise ValidationError(self.problems)


def _train_type(r: _Reader, tid: str, rec: dict) -> TrainType | None:
    el = f"train type '{tid}'"
    try:
        gauge = LoadingGauge(rec.get("loading_gauge", "G1"))
    except ValueError:
        r.fail(el, "loading_gauge", f"unknown gauge {rec.get('loading_gauge')!r}; use {[g.value for g in LoadingGauge]}")
        return None
    try:
        traction = frozenset(Electrification(t) for t in rec.get("traction", []))
    except ValueError:
        r.fail(el, "traction", f"unknown power supply in {rec.get('traction')!r}; use {[e.value for e in Electrification]}")
        return None
    if not traction:
        r.fail(el, "traction", "list at least one power supply (\"none\" for diesel)")
    return TrainType(
        id=tid, length_m=r.number(rec, "length_m", el, 1.0), max_speed_kmh=r.number(rec, "max_speed_kmh", el, 1.0),
        axle_load_t=r.number(rec, "axle_load_t", el, 0.0), loading_gauge=gauge, traction=traction,
        dangerous_goods=bool(rec.get("dangerous_goods", False)), military=bool(rec.get("military", False)),
        out_of_gauge=bool(rec.get("out_of_gauge", False)), out_of_gauge_class=_oog_class(r, el, rec),
        unmet_penalty_km=r.number(rec, "unmet_penalty_km", el, 0.0, default=1000.0),
        source=str(rec.get("source", "")),
    )


def _oog_class(r: _Reader, el: str, rec: dict) -> int:
    """``out_of_gauge_class``: 1, 2 or 3 (the consists' classes, ``model.admission``), for an out-of-gauge
    type only; 3 (the strictest) when not given."""
    value = rec.get("out_of_gauge_class")
    if value is None:
        return int(OutOfGaugeClass.MAJOR)
    if isinstance(value, bool) or value not in (1, 2, 3) or not rec.get("out_of_gauge", False):
        r.fail(el, "out_of_gauge_class", f"{value!r}: give 1, 2 or 3, for an out-of-gauge train type only")
        return int(OutOfGaugeClass.MAJOR)
    return int(value)


def _flows(r: _Reader, recs: list[dict], types: dict[str, TrainType], kind: str) -> list[Flow]:
    flows: list[Flow] = []
    for i, rec in enumerate(recs):
        el = f"{kind}[{i}]" + (f" '{rec['id']}'" if "id" in rec else "")
        o, d = r.op(rec, "origin", el), r.op(rec, "destination", el)
        tt = rec.get("train_type")
        if tt not in types:
            r.fail(el, "train_type", f"unknown train type {tt!r}; known: {sorted(types)}")
        n = r.number(rec, "trains_per_day", el, 0.0)
        if o and o == d:
            r.fail(el, "destination", "same as the origin")
        mv = str(rec.get("id", "")) if kind == "military" else ""
        flows.append(Flow(o, d, str(tt), n, mv, str(rec.get("source", ""))))
        if rec.get("both_ways", False):
            flows.append(Flow(d, o, str(tt), n, mv, str(rec.get("source", ""))))
    return flows


def _passenger_load(r: _Reader, recs: list[dict]) -> dict[str, tuple[float, float]]:
    """Passenger trains/hour per direction on every section along each given route."""
    load: dict[str, tuple[float, float]] = {}
    g = r.network.graph()
    g.remove_edges_from([(s.from_op, s.to_op, s.id) for s in r.network.sections.values() if s.freight_only])
    for i, rec in enumerate(recs):
        el = f"passenger_load[{i}]"
        pts = [r.op({"p": p}, "p", el) for p in rec.get("route", [])]
        tph = r.number(rec, "trains_per_hour_per_direction", el, 0.0)
        if len(pts) < 2 or not all(pts):
            if len(pts) < 2:
                r.fail(el, "route", "give at least two operational points")
            continue
        try:
            for sid in route_sections(r.network, pts, g):
                load[sid] = (tph, tph)
        except nx.NetworkXNoPath:
            r.fail(el, "route", f"no path through {pts}")
    return load


def route_sections(network: Network, points: list[str], g: nx.MultiGraph | None = None) -> list[str]:
    """Section ids along the shortest path (by length) through the given points in order.

    >>> from railcap.model.samples import corridor
    >>> route_sections(corridor(), ["p", "x"])
    ['p-y', 'y-j', 'j-x']
    """
    g = g if g is not None else network.graph()
    out: list[str] = []
    for a, b in zip(points[:-1], points[1:]):
        nodes = nx.shortest_path(g, a, b, weight="length_m")
        for u, v in zip(nodes[:-1], nodes[1:]):
            out.append(min(g[u][v].items(), key=lambda kv: kv[1]["length_m"])[0])
    return out


def demand_from_dict(data: dict[str, Any], network: Network, label: str = "demand") -> Demand:
    """Validate a demand document against the network and resolve its operational points."""
    r = _Reader(network, label)
    types = {}
    for tid, rec in (data.get("train_types") or {}).items():
        tt = _train_type(r, tid, rec)
        if tt:
            types[tid] = tt
    flows = _flows(r, data.get("flows", []), types, "flows")
    mil_flows = _flows(r, data.get("military", []), types, "military")
    movements = []
    for i, rec in enumerate(data.get("military", [])):
        if not rec.get("id"):
            r.fail(f"military[{i}]", "id", "each military movement needs an id")
        elif rec.get("train_type") in types and not types[rec["train_type"]].military:
            r.fail(f"military[{i}] '{rec['id']}'", "train_type", "not a military train type")
    for f in mil_flows:
        if f.movement and f.movement not in {m.id for m in movements}:
            movements.append(MilitaryMovement(f.movement, f.origin, f.destination, f.train_type,
                                              f.trains_per_day, next((m.get("route", "") for m in data["military"]
                                                                      if m.get("id") == f.movement), ""), f.source))
    load = _passenger_load(r, data.get("passenger_load", []))
    crossings = _crossings(r, data.get("border_crossings"))
    r.check()
    return Demand(types, tuple(flows + mil_flows), tuple(movements), load, crossings=crossings)


def _crossings(r: _Reader, rec: Any) -> Crossings | None:
    """``border_crossings``: ``{"countries": {"DE": [op, ...], ...}, "extra_km": [{"from", "to", "km"}]}``."""
    if rec is None:
        return None
    el = "border_crossings"
    if not isinstance(rec, dict) or not isinstance(rec.get("countries"), dict):
        r.fail(el, "countries", "expected {\"countries\": {\"<country>\": [crossing, ...]}}")
        return None
    country: dict[str, str] = {}
    for k, ops in rec["countries"].items():
        if not isinstance(ops, list):
            r.fail(el, f"countries.{k}", "expected a list of operational points")
            continue
        for i, q in enumerate(ops):
            oid = r.op({"op": q}, "op", f"{el}.countries.{k}[{i}]")
            if oid in country and country[oid] != k:
                r.fail(el, f"countries.{k}[{i}]", f"{oid} is already a crossing into {country[oid]}")
            elif oid:
                country[oid] = k
    extra: dict[tuple[str, str], float] = {}
    for i, e in enumerate(rec.get("extra_km", []) or []):
        a, b = r.op(e, "from", f"{el}.extra_km[{i}]"), r.op(e, "to", f"{el}.extra_km[{i}]")
        km = r.number(e, "km", f"{el}.extra_km[{i}]", 0.0)
        if a and b:
            if country.get(a) is None or country.get(a) != country.get(b):
                r.fail(f"{el}.extra_km[{i}]", "to", f"{a} and {b} are not crossings into the same country")
            extra[(a, b)] = km
    return Crossings(country, extra, str(rec.get("source", "")))
