"""The resilience questions: what a failure costs, what is lost, where the trains go.

:class:`ResilienceModel` ties a network, its demand and the rerouting LP
together and answers

* :meth:`~ResilienceModel.case` — one failure (N-1 or N-k);
* :meth:`~ResilienceModel.rank` — every single element (N-1), ranked by importance;
* :meth:`~ResilienceModel.scenario` — a named scenario with its recovery curve;
* :meth:`~ResilienceModel.military` — reachability and redundancy of military movements.

Importance follows Jenelius, Petersen & Mattsson (2006, *Importance and exposure in
road network vulnerability analysis*): the demand-weighted increase in cost when
an element is out, Σ w·Δc / Σ w, here in train-km per train of daily demand,
where a train that cannot run costs its type's ``unmet_penalty_km``.

>>> from railcap.resilience.samples import demo_network, demo_demand
>>> m = ResilienceModel(demo_network(), demo_demand())
>>> top = m.rank(ops=False)[0]
>>> top.label, round(top.unmet_trains_per_day)
('section a-grens-oost', 26)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from railcap.model.infrastructure import Network
from railcap.resilience.capacity import CapacityParams
from railcap.resilience.demand import Demand
from railcap.resilience.flow import Failure, FlowResult, RerouteEngine
from railcap.resilience.operations import DiversionRules
from railcap.resilience.problem import FlowProblem, build_problem
from railcap.resilience.reports import (EPS, CaseReport, Diversion, FullSection, LostFlow, MilitaryStatus,
                                        ScenarioReport, SwitchedFlow)
from railcap.resilience.routes import max_flow_avoiding, military_redundancy
from railcap.resilience.scenarios import RecoveryCurve, RecoveryPoint, Scenario, single_failures

Progress = Callable[[int], None]


class ResilienceModel:
    """Network + demand + the rerouting LP, built once; every question is answered from it."""

    def __init__(self, network: Network, demand: Demand, params: CapacityParams = CapacityParams(),
                 rules: DiversionRules | None = None, day: float = 0.0, reuse: dict | None = None):
        """``rules``: what operators can run on a diversion (None: every rerouted train runs);
        ``day``: the day since the closure began at which :meth:`case` and :meth:`rank` judge them;
        ``reuse``: parts of the LP already built on the same network (``flow.build_problem``)."""
        self.network = network
        self.demand = demand
        self.params = params
        self.rules = rules or DiversionRules()
        self.day = day
        self.problem: FlowProblem = build_problem(network, demand, params, reuse=reuse)
        self.engine = RerouteEngine(self.problem)
        self._base_x = self.engine.base_x
        self._ends: tuple[np.ndarray, np.ndarray] | None = None
        self._variants: dict[tuple, ResilienceModel] = {}

    @property
    def base(self) -> FlowResult:
        return self.engine.base

    # ------------------------------------------------------------ one case

    def case(self, failure: Failure, detail: bool = True) -> CaseReport:
        """Solve one failure and compare it with the base case (skipped when nothing runs there)."""
        if failure.service >= 1.0 or not self.engine.carries_flow(failure):
            return self._unchanged(failure)
        return self.compare(self.engine.solve(failure), self.problem, detail)

    def _unchanged(self, failure: Failure) -> CaseReport:
        return CaseReport(failure.label, tuple(sorted(failure.sections)), tuple(sorted(failure.ops | failure.terminal_ops)),
                          True, 0.0, 0.0, 0.0, 0.0, self._affected(failure))

    def compare(self, r: FlowResult, problem: FlowProblem, detail: bool = True, day: float | None = None) -> CaseReport:
        """A case report for result ``r`` (of ``problem``, possibly with changed demand) against the base,
        with the diversion limits of ``day`` (the model's day when None) applied to the rerouted trains."""
        return self._limit(self._compare(r, problem, detail), self.day if day is None else day)

    def _limit(self, c: CaseReport, day: float) -> CaseReport:
        """Apply what operators can run: rerouted trains beyond the divertible share are lost."""
        penalty = self._mean_penalty()
        lost_cost = c.unmet_trains_per_day * penalty
        rerouted = max(0.0, c.affected_trains_per_day - c.unmet_trains_per_day)
        if c.equals_base or rerouted <= EPS or not self.rules.rules:
            return replace(c, day=day, cost_of_lost_trains_km_per_day=round(lost_cost, 6),
                           cost_of_detours_km_per_day=round(c.extra_cost_km_per_day - lost_cost, 6))
        failed = [self.network.sections[s] for s in self.problem.macro.section_ids
                  if s in set(c.sections)] + [self.network.sections[s] for s in self.network.sections
                                              if set(c.ops) & {self.network.sections[s].from_op,
                                                               self.network.sections[s].to_op}]
        over = [self.network.sections[d.section] for d in c.diversions if d.section in self.network.sections]
        rules = self.rules.applicable(failed, over)
        share = DiversionRules.divertible(rules, day)
        stuck = (1.0 - share) * rerouted
        detours = (c.extra_cost_km_per_day - lost_cost) * share
        unmet = c.unmet_trains_per_day + stuck
        extra = detours + unmet * penalty
        total = self.problem.total_demand
        return replace(c, day=day, unmet_trains_per_day=round(unmet, 6), extra_cost_km_per_day=round(extra, 6),
                       importance_km_per_train=round(extra / total, 6) if total else 0.0,
                       lost_to_diversion_limits_trains_per_day=round(stuck, 6), divertible_share=round(share, 6),
                       diversion_limits=tuple(r.id for r in rules), cost_of_lost_trains_km_per_day=round(unmet * penalty, 6),
                       cost_of_detours_km_per_day=round(detours, 6))

    def _mean_penalty(self) -> float:
        """The demand-weighted cost of a lost train, in train-km (the train types' ``unmet_penalty_km``)."""
        p = self.problem
        w = p.od_demand
        pen = np.array([p.train_types[t].unmet_penalty_km for _, _, t in p.od_keys])
        return float(pen @ w / w.sum()) if w.sum() > 0 else 1000.0

    def _compare(self, r: FlowResult, problem: FlowProblem, detail: bool = True) -> CaseReport:
        """The LP's answer for ``r`` against the base, before the diversion limits."""
        base, bp = self.base, self.problem
        base_unmet = dict(zip(bp.od_keys, base.od_unmet))
        lost = []
        for key, u in zip(problem.od_keys, r.od_unmet):
            du = u - base_unmet.get(key, 0.0)
            if du > EPS:
                lost.append(LostFlow(*key, round(float(du), 6)))
        lost.sort(key=lambda f: -f.trains_per_day)
        extra = r.cost - base.cost
        f = r.failure
        return CaseReport(
            label=f.label, sections=tuple(sorted(f.sections)), ops=tuple(sorted(f.ops | f.terminal_ops)),
            equals_base=False,
            importance_km_per_train=round(extra / bp.total_demand, 6) if bp.total_demand else 0.0,
            extra_cost_km_per_day=round(extra, 6),
            unmet_trains_per_day=round(r.unmet_trains_per_day - base.unmet_trains_per_day, 6),
            extra_train_km_per_day=round(r.train_km_per_day - base.train_km_per_day, 6),
            affected_trains_per_day=round(self._affected(f), 6),
            lost=tuple(lost), diversions=self._diversions(r) if detail else (),
            full=self._full(r, bool(lost)) if detail else (),
            extra_foreign_train_km_per_day=round(r.foreign_train_km_per_day - base.foreign_train_km_per_day, 6),
            military=self._military_served(r, problem) if detail else (),
            switched=self._switched(r, problem),
        )

    def _switched(self, r: FlowResult, problem: FlowProblem) -> tuple[SwitchedFlow, ...]:
        """Trains over another crossing than their own, beyond what the base already switched."""
        bp = self.problem
        key = lambda p, i: (p.switch_od[i] >= 0 and p.od_keys[p.switch_od[i]], p.switch_from[i],  # noqa: E731
                            p.switch_via[i], p.switch_end[i])
        base = {key(bp, i): float(v) for i, v in enumerate(self.base.switched)}
        out = []
        for i, v in enumerate(r.switched):
            k = key(problem, i)
            dv = float(v) - base.get(k, 0.0)
            if dv <= EPS:
                continue
            od, nominal, via, end = k
            o, d, t = od if od else (nominal, "*", "*")
            out.append(SwitchedFlow(o, d, t, end, nominal, via, round(dv, 6)))
        out.sort(key=lambda f: (-f.trains_per_day, f.origin, f.destination, f.via))
        return tuple(out)

    def _affected(self, f: Failure) -> float:
        """Distinct base trains/day that run over the failed sections or through, from or to the failed points.

        Each train counts once, however many failed elements it passes: the base flow is taken as a
        network of its own (every LP column a link with its base trains as capacity), and the trains
        that keep their route are the maximum flow that avoids the failed elements; the rest are
        affected. A point closed to starting/ending trains affects the trains starting/ending there.
        """
        p, x = self.problem, self._base_x
        served = float(p.total_demand - self.base.unmet_trains_per_day)
        if served <= EPS:
            return 0.0
        m = p.macro
        if f.sections and not f.ops and not f.terminal_ops:
            cor = {int(m.section_corridor[m.section_index()[s]]) for s in f.sections}
            if len(cor) == 1:  # one link: every train on it runs all of it, once
                k = cor.pop()
                return 0.0 if k < 0 else float(self.base.arc_flow[2 * k] + self.base.arc_flow[2 * k + 1])
        blocked = self._failed_cols(f)
        kept = max_flow_avoiding(p, x, blocked, self._col_ends())
        term = sum(float(d - u) for (o, dd, _), d, u in zip(p.od_keys, p.od_demand, self.base.od_unmet)
                   if o in f.terminal_ops or dd in f.terminal_ops)
        return max(0.0, served - kept) + term

    def _col_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """(row a column takes trains from, row it brings them to) per LP column (−1: none), worked out once."""
        if getattr(self, "_ends", None) is None:
            p = self.problem
            a = p.matrix[: p.resource_row0, :].tocoo()
            tail = np.full(p.n_cols, -1, dtype=np.int64)
            head = np.full(p.n_cols, -1, dtype=np.int64)
            tail[a.col[a.data > 0]] = a.row[a.data > 0]
            head[a.col[a.data < 0]] = a.row[a.data < 0]
            self._ends = (tail, head)
        return self._ends

    def _failed_cols(self, f: Failure) -> np.ndarray:
        """LP columns that run over the failed sections or points (their corridors' arcs)."""
        eng = self.engine
        secs = eng._failed_sections(Failure(f.sections, f.ops))
        arcs = self.problem.macro.arcs_of_sections(secs)
        return eng._arc_cols[arcs].indices.astype(np.int64) if len(arcs) else np.zeros(0, dtype=np.int64)

    def _diversions(self, r: FlowResult, top: int | None = None) -> tuple[Diversion, ...]:
        """Section directions with more trains than in the base, largest increase first (all, or ``top``)."""
        delta = r.resource_load - self.base.resource_load
        cap = self.problem.resource_capacity
        order = np.argsort(-delta, kind="stable")
        out = []
        for res in order if top is None else order[:top]:
            if delta[res] <= EPS:
                break
            sid, direction, _ = self._direction(int(res))
            out.append(Diversion(sid, direction, round(float(delta[res]), 6), round(float(r.resource_load[res]), 6),
                                 round(float(cap[res]), 6)))
        return tuple(out)

    def _direction(self, res: int) -> tuple[str, str, int]:
        """(section id, direction label, 0 forward / 1 backward) of a capacity resource (Dutch or foreign)."""
        m = self.problem.macro
        if res >= m.n_resources:
            sid, label = self.problem.foreign.resource_label[res - m.n_resources]
            return f"{sid} (abroad)", label, 0
        i = m.resource_section[res]
        s = self.network.sections[m.section_ids[i]]
        fwd, bwd = m.section_resources[i]
        if fwd == bwd:
            return s.id, "both", 0
        return (s.id, f"{s.from_op} -> {s.to_op}", 0) if res == fwd else (s.id, f"{s.to_op} -> {s.from_op}", 1)

    def _full(self, r: FlowResult, losing: bool) -> tuple[FullSection, ...]:
        """Resources whose capacity binds in the case (a shadow price) and does not bind in the base.

        A binding resource with no path at all (capacity 0) is reported too: that is where an
        alternative route has no room.
        """
        m = self.problem.macro
        cap = self.problem.resource_capacity
        full = r.resource_full & ~self.base.resource_full  # some hour band binds now and did not in the base
        out = []
        for res in np.flatnonzero(full):
            sid, direction, d = self._direction(int(res))
            hourly = m.capacities[m.resource_section[res]].per_hour if res < m.n_resources else None
            hours, paths = (), ()
            if hourly is not None:
                clock = self.params.operating_hours()
                hours = tuple(clock[h] for h in np.flatnonzero(hourly[:, d] > 0))
                paths = tuple(float(v) for v in hourly[hourly[:, d] > 0, d])
            out.append(FullSection(sid, direction, round(float(r.resource_load[res]), 6), round(float(cap[res]), 6),
                                   hours, paths))
        out.sort(key=lambda f: (f.capacity_trains_per_day, f.section))
        return tuple(out)

    def _military_served(self, r: FlowResult, problem: FlowProblem) -> tuple[MilitaryStatus, ...]:
        unmet = dict(zip(problem.od_keys, r.od_unmet))
        dem = dict(zip(problem.od_keys, problem.od_demand))
        base_unmet = dict(zip(self.problem.od_keys, self.base.od_unmet))
        base_dem = dict(zip(self.problem.od_keys, self.problem.od_demand))
        out = []
        for mv in self.demand.military:
            key = (mv.origin, mv.destination, mv.train_type)
            served = dem.get(key, 0.0) - unmet.get(key, 0.0)
            base = base_dem.get(key, 0.0) - base_unmet.get(key, 0.0)
            out.append(MilitaryStatus(mv.id, mv.origin, mv.destination, served > EPS, None, None,
                                      round(float(min(served, mv.trains_per_day)), 6), mv.trains_per_day,
                                      round(float(min(base, mv.trains_per_day)), 6), mv.train_type))
        return tuple(out)

    # ------------------------------------------------------------ N-1

    def links(self) -> list[tuple[str, ...]]:
        """The elements of the N-1 ranking: chains of sections with no branch and no origin or destination
        in between (the macro network's corridors, sections in running order), then every section the
        demand never reaches, on its own. Closing one section of a link closes the link."""
        m = self.problem.macro
        out = [tuple(m.section_ids[i] for i in chain) for chain in m.corridor_sections]
        out += [(m.section_ids[i],) for i in np.flatnonzero(m.section_corridor < 0)]
        return out

    def rank(self, sections: bool = True, ops: bool = False, progress: Progress | None = None,
             detail: bool = True) -> list[CaseReport]:
        """N-1 over every link (and point): reports sorted by importance, then unmet, then label.

        A link is one element: its sections are listed in the report (``sections``), and its label
        names its ends and its number of sections."""
        reports = []
        failures = [Failure.of(sections=link) for link in self.links()] if sections else []
        failures += list(single_failures(self.network, False, ops))
        for f in failures:
            rep = self.case(f, detail)
            reports.append(replace(rep, label=self._link_label(f)) if len(f.sections) > 1 else rep)
            if progress:
                progress(1)
        return sorted(reports, key=lambda c: (-c.importance_km_per_train, -c.unmet_trains_per_day, c.label))

    def n1_cases(self, ops: bool = False) -> int:
        """How many cases :meth:`rank` solves or skips (for a progress bar)."""
        return len(self.links()) + (len(self.network.ops) if ops else 0)

    def _link_label(self, f: Failure) -> str:
        secs = [self.network.sections[s] for s in f.sections]
        ends = [o for o, n in _count_ends(secs).items() if n == 1]
        between = " – ".join(sorted(ends)) if len(ends) == 2 else ", ".join(sorted(f.sections))
        return f"link {between} ({len(secs)} sections)"

    # ------------------------------------------------------------ scenarios

    def with_demand_changes(self, changes: tuple) -> "ResilienceModel":
        """The model with a changed demand (cached per change)."""
        if not changes or all(c.factor == 1.0 and c.extra_trains_per_day == 0 for c in changes):
            return self
        key = tuple((c.origin, c.destination, c.train_type, round(c.factor, 9), round(c.extra_trains_per_day, 9))
                    for c in changes)
        if key not in self._variants:
            self._variants[key] = ResilienceModel(self.network, self.demand.scaled(changes), self.params, self.rules,
                                                  self.day)
        return self._variants[key]

    def _at(self, sc: Scenario, q: float, day: float, solved: dict) -> CaseReport:
        """The scenario at service level ``q`` on ``day`` (the LP solved once per ``q``, cached in ``solved``)."""
        failure, changes = sc.at_service(q)
        var = self.with_demand_changes(changes)
        if q not in solved:
            if var is self:
                if failure.service >= 1.0 or not self.engine.carries_flow(failure):
                    solved[q] = None
                else:
                    solved[q] = (self.engine.solve(failure), self.problem)
            else:
                solved[q] = (var.engine.solve(failure), var.problem)
        got = solved[q]
        if got is None:
            return replace(self._unchanged(failure), day=day)
        return self.compare(got[0], got[1], day=day)

    def scenario(self, sc: Scenario) -> ScenarioReport:
        """The scenario solved along its recovery profile and the diversion ramp, and its resilience loss.

        The curve has a point at every recovery point and at every day the diversion rules change
        (route knowledge, locomotives): the LP answers per service level Q, the rules per day.
        """
        solved: dict = {}
        days = _curve_days(sc.recovery, self.rules.days)
        cases = [(t, q, self._at(sc, q, t, solved)) for t, q in days]
        worst = max(cases, key=lambda c: (c[2].unmet_trains_per_day, c[2].extra_cost_km_per_day, -c[0]))[2]
        pts = tuple(RecoveryPoint(t, q, c.unmet_trains_per_day, c.extra_cost_km_per_day) for t, q, c in cases)
        curve = RecoveryCurve(pts)
        affected = max((c.affected_trains_per_day for _, _, c in cases), default=0.0)
        return ScenarioReport(
            name=sc.name, description=sc.description, duration_days=sc.duration_days, worst=worst, curve=curve,
            lost_service_days=round(sc.lost_service_days, 6),
            resilience_loss_train_days=round(curve.unmet_train_days, 6),
            loss_simple_train_days=round(sc.lost_service_days * worst.unmet_trains_per_day, 6),
            extra_cost_km_days=round(curve.extra_cost_km_days, 6),
            military_redundancy=tuple(self.military(sc.failure)),
            lost_traffic_days=round(curve.unmet_train_days / affected, 6) if affected > EPS else 0.0,
        )

    # ------------------------------------------------------------ military

    def military(self, failure: Failure | None = None) -> list[MilitaryStatus]:
        """Reachability and independent compatible routes of every military movement (no capacity)."""
        return [military_redundancy(self.network, mv, self.demand.train_types[mv.train_type].may_use, failure)
                for mv in self.demand.military]


def _curve_days(recovery: tuple[tuple[float, float], ...], ramp_days: tuple[float, ...]) -> list[tuple[float, float]]:
    """The recovery points plus every ramp day inside them, with Q interpolated (steps kept).

    >>> _curve_days(((0, 0.0), (21, 0.0), (21, 1.0)), (0, 7, 30))
    [(0, 0.0), (7, 0.0), (21, 0.0), (21, 1.0)]
    """
    out = [recovery[0]]
    for (t0, q0), (t1, q1) in zip(recovery[:-1], recovery[1:]):
        for d in ramp_days:
            if t0 < d < t1:
                out.append((d, q0 + (q1 - q0) * (d - t0) / (t1 - t0)))
        out.append((t1, q1))
    return out


def _count_ends(secs) -> dict[str, int]:
    """How often each point is the end of one of the sections (1 = an end of the chain)."""
    out: dict[str, int] = {}
    for sec in secs:
        for o in (sec.from_op, sec.to_op):
            out[o] = out.get(o, 0) + 1
    return out
