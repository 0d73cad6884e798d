"""Disruption scenarios: which elements fail, for how long, how service comes back, what demand changes.

A scenario file is JSON with a list ``scenarios``; each has

* ``name``, ``description``, ``source``;
* ``elements``: ``{"section": id}``, ``{"op": id}`` (the point and every section at it
  out), ``{"op": id, "mode": "terminal"}`` (no train starts or ends there; through
  traffic runs), ``{"route": [a, b, ...]}`` (every section on the shortest path through
  the points), optionally with ``"with_structure": "tunnel"`` and ``"pick": "all" |
  "longest" | "first"`` to take only the section(s) holding such a structure;
* ``duration_days`` (≥ 0) and ``recovery``: points ``[day, Q]`` with Q the share of
  the failed capacity back in service, from day 0 to ``duration_days`` where Q must
  be 1.0 (piecewise linear in between). Omitted: out for the whole duration;
* ``demand_change``: ``{"origin", "destination", "train_type", "factor",
  "extra_trains_per_day"}`` (each of the first three optional as a filter), e.g. low
  Rhine water pushing port-to-Germany freight onto rail. At service level Q the
  change is scaled by (1 − Q).

>>> from railcap.resilience.samples import demo_network
>>> s = scenario_from_dict({"name": "x", "elements": [{"op": "a"}], "duration_days": 10,
...                         "recovery": [[0, 0], [5, 0.5], [10, 1]]}, demo_network())
>>> s.lost_service_days
5.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Iterator

import numpy as np

from railcap.model.errors import NotFoundError, Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.resilience.demand import DemandChange, route_sections
from railcap.resilience.flow import Failure


@dataclass(frozen=True)
class Scenario:
    """A named disruption with its duration, recovery profile and demand change."""

    name: str
    failure: Failure
    duration_days: float
    recovery: tuple[tuple[float, float], ...]  # (day, service level Q 0..1), ends at (duration, 1.0)
    demand_change: tuple[DemandChange, ...] = ()
    description: str = ""
    source: str = ""

    @property
    def lost_service_days(self) -> float:
        """∫ (1 − Q(t)) dt over the duration, in days (trapezoid rule is exact for piecewise linear Q)."""
        t = np.array([p[0] for p in self.recovery])
        q = np.array([p[1] for p in self.recovery])
        return float(np.sum(np.diff(t) * (2.0 - q[:-1] - q[1:]) / 2.0))

    def at_service(self, q: float) -> tuple[Failure, tuple[DemandChange, ...]]:
        """The failure and demand change in force when a share ``q`` of service is back."""
        f = self.failure
        failure = Failure(f.sections, f.ops, f.terminal_ops, q)
        changes = tuple(DemandChange(c.origin, c.destination, c.train_type, 1.0 + (c.factor - 1.0) * (1.0 - q),
                                     c.extra_trains_per_day * (1.0 - q), c.source) for c in self.demand_change)
        return failure, changes


def _check_recovery(name: str, duration: float, pts: Any) -> list[Problem]:
    el = f"scenario '{name}'"
    if not isinstance(pts, list) or len(pts) < 2 or not all(isinstance(p, (list, tuple)) and len(p) == 2
                                                            for p in pts):
        return [Problem(el, "recovery", "give at least two [day, Q] points")]
    probs = []
    t = [p[0] for p in pts]
    q = [p[1] for p in pts]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in t + q):
        return [Problem(el, "recovery", "days and Q must be numbers")]
    if t[0] != 0:
        probs.append(Problem(el, "recovery", f"must start at day 0, starts at day {t[0]}"))
    if any(b < a for a, b in zip(t[:-1], t[1:])):
        probs.append(Problem(el, "recovery", "days must not decrease"))
    if any(v < 0 or v > 1 for v in q):
        probs.append(Problem(el, "recovery", "Q must lie between 0 and 1"))
    if q[-1] != 1.0:
        probs.append(Problem(el, "recovery", f"must end at full service (Q = 1.0), ends at Q = {q[-1]}"))
    if t[-1] != duration:
        probs.append(Problem(el, "recovery", f"must end at day {duration} (duration_days), ends at day {t[-1]}"))
    return probs


def _elements(network: Network, name: str, elements: Any) -> tuple[Failure, list[Problem]]:
    el = f"scenario '{name}'"
    secs, ops, term, probs = set(), set(), set(), []
    if not isinstance(elements, list):
        return Failure(), [Problem(el, "elements", "expected a list")]
    for i, e in enumerate(elements):
        where = f"elements[{i}]"
        try:
            if "section" in e:
                if e["section"] not in network.sections:
                    probs.append(Problem(el, where, f"no section called '{e['section']}'"))
                secs.add(e["section"])
            elif "op" in e:
                oid = network.find_op(e["op"]).id
                mode = e.get("mode", "all")
                if mode not in ("all", "terminal"):
                    probs.append(Problem(el, where, f"mode must be 'all' or 'terminal', got {mode!r}"))
                (term if mode == "terminal" else ops).add(oid)
            elif "route" in e:
                secs |= set(_route_elements(network, e))
            else:
                probs.append(Problem(el, where, "give 'section', 'op' or 'route'"))
        except NotFoundError as exc:
            probs.append(Problem(el, where, exc.problems[0].reason))
        except ValueError as exc:
            probs.append(Problem(el, where, str(exc)))
    return Failure.of(secs, ops, term), probs


def _route_elements(network: Network, e: dict) -> list[str]:
    """Sections along a route, optionally only those holding a structure of a kind."""
    import networkx as nx

    pts = [network.find_op(p).id for p in e["route"]]
    if len(pts) < 2:
        raise ValueError("a route needs at least two operational points")
    try:
        sids = route_sections(network, pts)
    except nx.NetworkXNoPath:
        raise ValueError(f"no path through {pts}") from None
    kind = e.get("with_structure")
    if not kind:
        return sids
    held = [(sid, sum(st.end_m - st.start_m for st in network.sections[sid].structures if st.kind == kind))
            for sid in sids]
    held = [(sid, L) for sid, L in held if any(st.kind == kind for st in network.sections[sid].structures)]
    if not held:
        raise ValueError(f"no section with a {kind} on the route {pts}")
    pick = e.get("pick", "all")
    if pick == "first":
        return [held[0][0]]
    if pick == "longest":
        return [max(held, key=lambda h: h[1])[0]]
    if pick == "all":
        return [sid for sid, _ in held]
    raise ValueError(f"pick must be 'all', 'longest' or 'first', got {pick!r}")


def _demand_changes(network: Network, name: str, recs: Any) -> tuple[list[DemandChange], list[Problem]]:
    el = f"scenario '{name}'"
    out, probs = [], []
    for i, c in enumerate(recs or []):
        where = f"demand_change[{i}]"
        ends = {}
        for k in ("origin", "destination"):
            if c.get(k) is not None:
                try:
                    ends[k] = network.find_op(c[k]).id
                except NotFoundError as exc:
                    probs.append(Problem(el, f"{where}.{k}", exc.problems[0].reason))
        factor = c.get("factor", 1.0)
        extra = c.get("extra_trains_per_day", 0.0)
        if not isinstance(factor, (int, float)) or factor < 0:
            probs.append(Problem(el, f"{where}.factor", f"must be a number ≥ 0, got {factor!r}"))
            factor = 1.0
        if not isinstance(extra, (int, float)) or extra < 0:
            probs.append(Problem(el, f"{where}.extra_trains_per_day", f"must be a number ≥ 0, got {extra!r}"))
            extra = 0.0
        if extra and not (ends.get("origin") and ends.get("destination") and c.get("train_type")):
            probs.append(Problem(el, where, "extra trains need origin, destination and train_type"))
        out.append(DemandChange(ends.get("origin"), ends.get("destination"), c.get("train_type"),
                                float(factor), float(extra), str(c.get("source", ""))))
    return out, probs


def scenario_from_dict(rec: dict, network: Network, train_types: Iterable[str] | None = None) -> Scenario:
    """Validate one scenario record against the network; raise ValidationError listing every problem."""
    name = str(rec.get("name") or "")
    probs = [] if name else [Problem("scenario", "name", "every scenario needs a name")]
    failure, p = _elements(network, name, rec.get("elements", []))
    probs += p
    dur = rec.get("duration_days")
    if isinstance(dur, bool) or not isinstance(dur, (int, float)):
        probs.append(Problem(f"scenario '{name}'", "duration_days", f"expected a number of days, got {dur!r}"))
        dur = 0.0
    elif dur < 0:
        probs.append(Problem(f"scenario '{name}'", "duration_days", f"must be ≥ 0, got {dur}"))
    recovery = rec.get("recovery", [[0, 0.0], [dur, 0.0], [dur, 1.0]])
    probs += _check_recovery(name, dur, recovery)
    changes, p = _demand_changes(network, name, rec.get("demand_change"))
    probs += p
    if train_types is not None:
        known = set(train_types)
        probs += [Problem(f"scenario '{name}'", "demand_change.train_type", f"unknown train type {c.train_type!r}")
                  for c in changes if c.train_type and c.train_type not in known]
    if not failure.sections and not failure.ops and not failure.terminal_ops and not changes:
        probs.append(Problem(f"scenario '{name}'", "elements", "nothing fails and no demand changes"))
    if probs:
        raise ValidationError(probs)
    return Scenario(name, failure, float(dur), tuple((float(t), float(q)) for t, q in recovery),
                    tuple(changes), str(rec.get("description", "")), str(rec.get("source", "")))


def scenarios_from_dict(data: dict, network: Network, train_types: Iterable[str] | None = None,
                        label: str = "scenarios") -> dict[str, Scenario]:
    """All scenarios of a document by name; every problem of every scenario is reported together."""
    out: dict[str, Scenario] = {}
    probs: list[Problem] = []
    types = list(train_types) if train_types is not None else None
    for rec in data.get("scenarios", []):
        try:
            s = scenario_from_dict(rec, network, types)
        except ValidationError as exc:
            probs += [Problem(f"{label}: {p.element}", p.field, p.reason) for p in exc.problems]
            continue
        if s.name in out:
            probs.append(Problem(f"{label}: scenario '{s.name}'", "name", "used twice"))
        out[s.name] = s
    if probs:
        raise ValidationError(probs)
    return out


def single_failures(network: Network, sections: bool = True, ops: bool = True) -> Iterator[Failure]:
    """N-1: every section and every operational point out of service on its own."""
    if sections:
        for sid in sorted(network.sections):
            yield Failure.of(sections=[sid])
    if ops:
        for oid in sorted(network.ops):
            yield Failure.of(ops=[oid])


def multiple_failures(section_ids: Iterable[str], k: int) -> Iterator[Failure]:
    """N-k: every combination of ``k`` of the given sections out together."""
    for combo in combinations(sorted(section_ids), k):
        yield Failure.of(sections=combo)


@dataclass(frozen=True)
class RecoveryPoint:
    day: float
    service: float
    unmet_trains_per_day: float
    extra_cost_km_per_day: float


@dataclass(frozen=True)
class RecoveryCurve:
    """The scenario's effect along its recovery profile."""

    points: tuple[RecoveryPoint, ...] = field(default_factory=tuple)

    @property
    def unmet_train_days(self) -> float:
        """Trains not run over the whole disruption: ∫ unmet(t) dt, linear between the points."""
        t = np.array([p.day for p in self.points])
        u = np.array([p.unmet_trains_per_day for p in self.points])
        return float(np.sum(np.diff(t) * (u[:-1] + u[1:]) / 2.0)) if len(t) > 1 else 0.0

    @property
    def extra_cost_km_days(self) -> float:
        t = np.array([p.day for p in self.points])
        c = np.array([p.extra_cost_km_per_day for p in self.points])
        return float(np.sum(np.diff(t) * (c[:-1] + c[1:]) / 2.0)) if len(t) > 1 else 0.0
