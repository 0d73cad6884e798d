"""Measures applied to the model: an edited *copy* of the network and the demand.

The model objects are immutable; every edit builds new ones with
``dataclasses.replace`` and leaves the originals untouched, so one base network
serves every evaluation.

>>> from railcap.model.samples import corridor
>>> from railcap.model.measures import Measure, Funding, SectionEdit
>>> net = corridor()
>>> m = Measure("x", "X", 2, Funding.COSTED, 1e6, edits=(SectionEdit(("j-x",), "max_train_length_m", 740.0),))
>>> new, _ = apply_measures(net, None, [m])
>>> net.sections["j-x"].max_train_length_m, new.sections["j-x"].max_train_length_m
(650.0, 740.0)
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable

import networkx as nx

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import (Network, OperationalPoint, OpKind, Section, SpeedBand,
                                          StationTrack, ground_distance_m)
from railcap.model.measures import (Catalogue, DemandShift, LongerTrains, Measure, SectionAdded, SectionEdit,
                                    StationTracksAdded, TracksAdded)
from railcap.resilience.demand import Demand, DemandChange, Flow, route_sections

#: points where a train of any length may end: it runs on across the border
ENDS_ABROAD = (OpKind.BORDER, OpKind.FOREIGN)
KMH_TO_MS = 1 / 3.6


def resolve(catalogue: Catalogue, network: Network) -> Catalogue:
    """The catalogue with every route turned into the sections it runs over (shortest by length)."""
    g = network.graph()
    problems: list[Problem] = []
    measures = {}
    for m in catalogue.measures.values():
        edits = []
        for i, e in enumerate(m.edits):
            if isinstance(e, (SectionEdit, TracksAdded)) and e.route:
                try:
                    e = replace(e, sections=tuple(route_sections(network, list(e.route), g)))
                except (nx.NetworkXNoPath, nx.NodeNotFound):
                    problems.append(Problem(f"measure '{m.id}'", f"effects[{i}].route",
                                            f"no path through {' -> '.join(e.route)}"))
            edits.append(e)
        measures[m.id] = replace(m, edits=tuple(edits))
    if problems:
        raise ValidationError(problems)
    return replace(catalogue, measures=measures)


# ------------------------------------------------------------------ sections


def _split_blocks(bounds: tuple[float, ...], max_block_m: float) -> tuple[float, ...]:
    """Block boundaries with every block longer than ``max_block_m`` split into equal parts.

    >>> _split_blocks((0.0, 2500.0, 3000.0), 1000.0)
    (0.0, 833.333, 1666.667, 2500.0, 3000.0)
    """
    out = [bounds[0]]
    for a, b in zip(bounds[:-1], bounds[1:]):
        n = max(1, math.ceil((b - a) / max_block_m - 1e-9))
        out += [round(a + (b - a) * k / n, 3) for k in range(1, n)] + [b]
    return tuple(out)


def _raise_speed(bands: tuple[SpeedBand, ...], speed_ms: float) -> tuple[SpeedBand, ...]:
    return tuple(replace(b, speed_ms=max(b.speed_ms, speed_ms)) for b in bands)


def edit_section(s: Section, attribute: str, value: object) -> Section:
    """One attribute of a section set (the rule for each attribute lives here)."""
    if attribute == "speed_kmh":
        return replace(s, speed_bands=_raise_speed(s.speed_bands, float(value) * KMH_TO_MS))
    if attribute == "etcs_block_m":
        return replace(s, block_boundaries_m=_split_blocks(s.block_boundaries_m, float(value)))
    return replace(s, **{attribute: value})


def _new_section(e: SectionAdded, network: Network, measure: Measure) -> Section:
    like = network.sections[e.like]
    a, b = network.ops[e.from_op], network.ops[e.to_op]
    block = like.length_m / max(like.blocks, 1)
    n = max(1, math.ceil(e.length_m / block - 1e-9))
    bounds = tuple(round(e.length_m * k / n, 3) for k in range(n + 1))
    length = max(e.length_m, ground_distance_m(a.lat, a.lon, b.lat, b.lon))
    return replace(like, id=e.id, from_op=e.from_op, to_op=e.to_op, length_m=length, track_count=e.track_count,
                   track_length_m=length * e.track_count, speed_bands=(SpeedBand(0.0, length, e.speed_kmh * KMH_TO_MS),),
                   block_boundaries_m=tuple(x * length / e.length_m for x in bounds), freight_only=e.freight_only,
                   passenger_only=False, structures=(), line_name=measure.name,
                   geometry=((a.lon, a.lat), (b.lon, b.lat)), sources=(f"measure {measure.id}: {measure.source}",))


def _station_tracks(op: OperationalPoint, e: StationTracksAdded, measure: Measure) -> OperationalPoint:
    extra = tuple(StationTrack(f"{measure.id}-{k + 1}", e.usable_length_m) for k in range(e.count))
    return replace(op, tracks=op.tracks + extra, military_loading=op.military_loading or e.loading_site,
                   tracks_beside_line=op.tracks_beside_line if e.beside_line is None else e.beside_line,
                   notes=op.notes + (f"{measure.name}: {e.count} track(s) of {e.usable_length_m:.0f} m",))


NETWORK_EDITS = (SectionEdit, TracksAdded, SectionAdded, StationTracksAdded)


def apply_network(network: Network, measures: Iterable[Measure]) -> Network:
    """A copy of the network with every network edit of the measures applied (in catalogue order);
    ``network`` itself when no measure edits it (what was built on it still holds)."""
    measures = list(measures)
    if not any(isinstance(e, NETWORK_EDITS) for m in measures for e in m.edits):
        return network
    ops, sections = dict(network.ops), dict(network.sections)
    for m in measures:
        for e in m.edits:
            if isinstance(e, SectionEdit):
                for sid in e.sections:
                    sections[sid] = edit_section(sections[sid], e.attribute, e.value)
            elif isinstance(e, TracksAdded):
                for sid in e.sections:
                    s = sections[sid]
                    sections[sid] = replace(s, track_count=s.track_count + e.tracks,
                                            track_length_m=s.track_length_m + e.tracks * s.length_m)
            elif isinstance(e, SectionAdded):
                sections[e.id] = _new_section(e, Network(ops, sections), m)
            elif isinstance(e, StationTracksAdded):
                ops[e.op] = _station_tracks(ops[e.op], e, m)
    return Network(ops, sections, dict(network.meta))


# ------------------------------------------------------------------ demand


def _holds(network: Network, op_id: str, length_m: float) -> bool:
    """The point can hold the train, or the train runs on abroad."""
    op = network.ops[op_id]
    return op.kind in ENDS_ABROAD or op.can_hold(length_m)


def longer_trains(network: Network, demand: Demand, e: LongerTrains) -> Demand:
    """Flows of a type that may run as longer trains do so: trains/day × old length / new length."""
    old = demand.train_types[e.train_type]
    if e.length_m <= old.length_m:
        return demand
    new_id = f"{e.train_type}_{e.length_m:.0f}"
    types = dict(demand.train_types)
    types.setdefault(new_id, replace(old, id=new_id, length_m=e.length_m,
                                     source=f"{old.source}; run as {e.length_m:.0f} m trains (same goods)"))
    tt = types[new_id]
    g = nx.Graph()  # the sections the longer train may use
    g.add_edges_from((s.from_op, s.to_op) for s in network.sections.values() if tt.may_use(s))
    flows = []
    for f in demand.flows:
        if (f.train_type == e.train_type and not f.movement and _holds(network, f.origin, e.length_m)
                and _holds(network, f.destination, e.length_m) and f.origin in g and f.destination in g
                and nx.has_path(g, f.origin, f.destination)):
            f = Flow(f.origin, f.destination, new_id, f.trains_per_day * old.length_m / e.length_m, f.movement,
                     f.source)
        flows.append(f)
    return replace(demand, train_types=types, flows=tuple(flows))


def apply_demand(network: Network, demand: Demand, measures: Iterable[Measure], longer: bool = True) -> Demand:
    """Demand shifts first (with their elasticities), then (``longer``) longer trains on the edited network."""
    measures = list(measures)
    shifts = [DemandChange(e.origin, e.destination, e.train_type, e.factor, 0.0, e.source)
              for m in measures for e in m.edits if isinstance(e, DemandShift)]
    if shifts:
        demand = demand.scaled(shifts)
    if not longer:
        return demand
    for m in measures:
        for e in m.edits:
            if isinstance(e, LongerTrains):
                demand = longer_trains(network, demand, e)
    return demand


def apply_measures(network: Network, demand: Demand | None, measures: Iterable[Measure]) -> tuple[Network, Demand | None]:
    """The edited copies of network and demand for a set of measures."""
    measures = list(measures)
    net = apply_network(network, measures)
    return net, (apply_demand(net, demand, measures) if demand is not None else None)


def growth(demand: Demand, factor: float, source: str = "") -> Demand:
    """Every civil flow scaled by a growth factor (military movements unchanged)."""
    if factor == 1.0:
        return demand
    return demand.scaled([DemandChange(None, None, None, factor, 0.0, source)])
