"""Evaluating a set of measures: the edited copy of the model run through the same engines.

One evaluation builds the edited network and demand (:mod:`railcap.portfolio.edits`),
the rerouting LP of the resilience engine on them, and reads the indicators:

* **freight** — train-km per day, trains not run, the Betuweroute's share of the
  freight train-km (the flow of the base case, capacity respected);
* **bottlenecks** — the mean use (load / capacity per day) of the sections that are
  busiest in the undisturbed base (fixed set, so variants compare like with like);
* **resilience** — the named scenarios at their worst point: the trains each stops, as a
  share of the trains the (edited) model serves, averaged over the scenarios weighted by
  their lost service days (scored: 0 = nothing lost, 1 = every served train stopped for the
  whole of every scenario; a measure that serves more trains is not counted as more exposed
  for it); the absolute train-days lost are reported beside it, not scored; and the N-1
  importance (km per train of demand) summed over the base's most critical sections; here trains a measure lengthened run at their old length (on a detour that
  does not admit the longer train an operator splits it; the demand before lengthening);
* **military** — trains per day of the military movements that run, the compatible
  section-disjoint routes summed over the movements, and the loading sites that hold a
  full military train and reach a NATO border crossing on a route the out-of-gauge
  train may use.

Independent evaluations run serially or on Dask (a local cluster or one by address);
each evaluation is a pure function of the context and the measure set, and the LP is
solved the same way in both, so the results are identical (tested).

**What is built once.** One evaluation builds the rerouting LP for the edited model, for
the named scenarios that change demand and (lengthened trains) for the demand before
lengthening: on one network, so the macro network and the usable arcs per train type are
built once per evaluation and shared (``flow.build_problem(reuse=…)``); a measure set that
edits no network shares the context's base parts. An :class:`Evaluator` answers a measure
set it has evaluated before from its results (the chosen set is often a single or a pair).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, fields
from typing import Callable, Iterable, Sequence

import networkx as nx
import numpy as np

from railcap.model.infrastructure import Network
from railcap.model.measures import LongerTrains, Measure
from railcap.portfolio.edits import apply_demand, apply_network
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.capacity import CapacityParams
from railcap.resilience.demand import Demand
from railcap.resilience.flow import Failure
from railcap.resilience.scenarios import Scenario

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Indicators:
    """What a set of measures gives, on the edited model."""

    freight_train_km_per_day: float
    unmet_trains_per_day: float
    betuweroute_share: float  # of the freight train-km
    bottleneck_use: float  # mean load / capacity over the base's busiest sections
    scenario_loss_share: float  # of the trains served, weighted by lost service days
    scenario_loss_train_days: float
    critical_importance_km_per_train: float
    military_served_trains_per_day: float
    military_disjoint_routes: int
    loading_sites_ready: int

    def to_dict(self) -> dict:
        return asdict(self)


#: indicator -> (+1 when more is better, −1 when less is better, unit, what it is)
DIRECTION: dict[str, tuple[int, str, str]] = {
    "freight_train_km_per_day": (0, "train-km/day", "freight train-km per day (reported, not scored)"),
    "unmet_trains_per_day": (-1, "trains/day", "trains of the demand that cannot run"),
    "betuweroute_share": (+1, "share", "share of freight train-km on the Betuweroute"),
    "bottleneck_use": (-1, "load/capacity", "mean use of the busiest sections"),
    "scenario_loss_share": (-1, "share", "trains the named disruptions stop, as a share of the trains served, "
                                         "weighted by each scenario's lost service days (0-1)"),
    "scenario_loss_train_days": (0, "train-days", "trains not run over the named disruption scenarios "
                                                  "(reported, not scored: it grows with the trains served)"),
    "critical_importance_km_per_train": (-1, "km/train", "N-1 importance of the critical elements, summed"),
    "military_served_trains_per_day": (+1, "trains/day", "military trains per day that run"),
    "military_disjoint_routes": (+1, "routes", "section-disjoint compatible routes of the military movements"),
    "loading_sites_ready": (+1, "sites", "loading sites holding a full military train with an open NATO route"),
}
INDICATORS = tuple(f.name for f in fields(Indicators))


@dataclass(frozen=True)
class Context:
    """Everything an evaluation needs, built once (picklable, sent once to every Dask worker)."""

    network: Network
    demand: Demand
    scenarios: tuple[Scenario, ...]
    critical: tuple[Failure, ...]
    betuweroute: frozenset[str]  # section ids
    bottlenecks: tuple[str, ...]  # section ids
    nato_crossings: tuple[str, ...]  # op ids
    params: CapacityParams = CapacityParams()
    #: LP parts built on ``network`` (``flow.build_problem``), per process: not sent to Dask workers
    reuse: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "reuse"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, reuse={})


# ------------------------------------------------------------------ indicators of one model


def section_use(model: ResilienceModel) -> dict[str, float]:
    """Highest load / capacity over each section's resources in the base flow."""
    p, r = model.problem, model.base
    cap = p.resource_capacity  # per resource and day (a Dutch resource has a capacity row per hour band)
    m = p.macro
    use = np.where(cap > 1e-9, r.resource_load / np.maximum(cap, 1e-9), 0.0)
    out: dict[str, float] = {}
    for res, sec in enumerate(m.resource_section):
        sid = m.section_ids[sec]
        out[sid] = max(out.get(sid, 0.0), float(use[res]))
    return out


def _train_km_on(model: ResilienceModel, sections: frozenset[str]) -> tuple[float, float]:
    """(train-km/day on the given sections, train-km/day on all sections) of the base flow."""
    m = model.problem.macro
    per_section = m.section_flow(model.base.arc_flow).sum(axis=1)
    km = np.array([model.network.sections[s].length_m / 1000.0 for s in m.section_ids])
    on = np.array([s in sections for s in m.section_ids])
    total = float(per_section @ km)
    return float(per_section[on] @ km[on]), total


def _scenario_lost(model: ResilienceModel, sc: Scenario, reuse: dict | None = None) -> float:
    """Trains per day not run at a scenario's worst point (beyond those the base cannot run)."""
    failure, changes = sc.at_service(min(q for _, q in sc.recovery))
    if changes and any(c.factor != 1.0 or c.extra_trains_per_day for c in changes):
        var = ResilienceModel(model.network, model.demand.scaled(changes), model.params, reuse=reuse)
        worst = model.compare(var.engine.solve(failure), var.problem, detail=False)
    else:
        worst = model.case(failure, detail=False)
    return max(worst.unmet_trains_per_day, 0.0)


def scenario_loss(model: ResilienceModel, scenarios: Sequence[Scenario], reuse: dict | None = None
                  ) -> tuple[float, float]:
    """(train-days lost over the scenarios, share of the served trains lost weighted by lost service days).

    The share is Σ days × lost / (served × Σ days): 0 when nothing is lost, 1 when every
    train the model serves is stopped for the whole of every scenario (a scenario that adds
    demand can take it a little above 1). Serving more trains does not raise it by itself.
    """
    lost = [(sc.lost_service_days, _scenario_lost(model, sc, reuse)) for sc in scenarios]
    train_days = sum(d * n for d, n in lost)
    served = model.problem.total_demand - model.base.unmet_trains_per_day
    days = sum(d for d, _ in lost)
    return train_days, (train_days / (served * days) if served > 1e-9 and days > 0 else 0.0)


def military_disjoint_routes(network: Network, demand: Demand) -> int:
    """Section-disjoint compatible routes, summed over the military movements (unit-capacity max flow).

    One capacity matrix per train type (scipy's max flow); parallel sections add up.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    index = {o: i for i, o in enumerate(sorted(network.ops))}
    graphs: dict[str, csr_matrix] = {}
    total = 0
    for mv in demand.military:
        if mv.train_type not in graphs:
            tt = demand.train_types[mv.train_type]
            ok = [s for s in network.sections.values() if tt.may_use(s) and s.from_op != s.to_op]
            rows = [index[s.from_op] for s in ok] + [index[s.to_op] for s in ok]
            cols = [index[s.to_op] for s in ok] + [index[s.from_op] for s in ok]
            m = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(index), len(index)))
            m.sum_duplicates()
            graphs[mv.train_type] = m
        if mv.origin != mv.destination:
            total += int(maximum_flow(graphs[mv.train_type], index[mv.origin], index[mv.destination]).flow_value)
    return total


def loading_sites_ready(network: Network, demand: Demand, crossings: Sequence[str]) -> int:
    """Military loading sites that hold the longest military train and reach a NATO crossing it may use."""
    mil = [t for t in demand.train_types.values() if t.military]
    if not mil:
        return 0
    length = max(t.length_m for t in mil)
    wide = [t for t in mil if t.out_of_gauge] or mil
    g = nx.Graph()
    g.add_edges_from((s.from_op, s.to_op) for s in network.sections.values() if all(t.may_use(s) for t in wide))
    ready = 0
    for op in network.ops.values():
        if not op.military_loading or not op.can_hold(length) or op.id not in g:
            continue
        reach = nx.node_connected_component(g, op.id)
        ready += any(c in reach for c in crossings)
    return ready


def indicators_of(ctx: Context, network: Network, demand: Demand, disrupted: Demand | None = None,
                  reuse: dict | None = None) -> Indicators:
    """Run the engines on one (edited) network and demand.

    ``disrupted`` is the demand the disruption indicators use (None: ``demand``): trains
    lengthened by a measure run at their old length on a detour that does not admit them.
    ``reuse``: LP parts already built on this network (see the module docstring).
    """
    reuse = {} if reuse is None else reuse
    model = ResilienceModel(network, demand, ctx.params, reuse=reuse)
    hit = model if disrupted is None or disrupted is demand else \
        ResilienceModel(network, disrupted, ctx.params, reuse=reuse)
    on_betuwe, total = _train_km_on(model, ctx.betuweroute)
    use = section_use(model)
    base_report = model.compare(model.base, model.problem, detail=True)
    mil_served = sum(m.served_trains_per_day or 0.0 for m in base_report.military)
    routes = military_disjoint_routes(network, demand)
    loss, loss_share = scenario_loss(hit, ctx.scenarios, reuse)
    importance = sum(hit.case(f, detail=False).importance_km_per_train for f in ctx.critical)
    return Indicators(
        freight_train_km_per_day=round(total, 3),
        unmet_trains_per_day=round(model.base.unmet_trains_per_day, 6),
        betuweroute_share=round(on_betuwe / total, 6) if total > 0 else 0.0,
        bottleneck_use=round(float(np.mean([use.get(s, 0.0) for s in ctx.bottlenecks])), 6) if ctx.bottlenecks else 0.0,
        scenario_loss_share=round(loss_share, 6),
        scenario_loss_train_days=round(loss, 6),
        critical_importance_km_per_train=round(importance, 6),
        military_served_trains_per_day=round(mil_served, 6),
        military_disjoint_routes=int(routes),
        loading_sites_ready=loading_sites_ready(network, demand, ctx.nato_crossings),
    )


def evaluate(ctx: Context, measures: Sequence[Measure]) -> Indicators:
    """The indicators with the measures applied to a copy of the model (the unit of work on Dask)."""
    network = apply_network(ctx.network, measures)
    demand = apply_demand(network, ctx.demand, measures)
    lengthened = any(isinstance(e, LongerTrains) for m in measures for e in m.edits)
    disrupted = apply_demand(network, ctx.demand, measures, longer=False) if lengthened else demand
    return indicators_of(ctx, network, demand, disrupted, ctx.reuse if network is ctx.network else None)


# ------------------------------------------------------------------ the fixed sets a context needs


def critical_elements(model: ResilienceModel, top: int) -> tuple[Failure, ...]:
    """The ``top`` most important single sections of the base, by N-1 (points left out: 535 more cases)."""
    ranked = model.rank(sections=True, ops=False, detail=False)
    out = []
    for c in ranked[:top]:
        if c.importance_km_per_train <= 0:
            break
        out.append(Failure.of(sections=c.sections, ops=c.ops))
    return tuple(out)


def busiest_sections(model: ResilienceModel, top: int) -> tuple[str, ...]:
    """The ``top`` sections with the highest use in the base flow (ties by id)."""
    use = section_use(model)
    ranked = sorted((s for s, u in use.items() if u > 0), key=lambda s: (-use[s], s))
    return tuple(ranked[:top])


def build_context(network: Network, demand: Demand, scenarios: Iterable[Scenario], betuweroute: Iterable[str],
                  nato_crossings: Iterable[str], critical_top: int = 10, bottleneck_top: int = 10,
                  params: CapacityParams = CapacityParams()) -> Context:
    """The context: the base model once, to fix the critical elements and the bottlenecks (its LP parts
    are kept for the evaluations on the same network)."""
    reuse: dict = {}
    base = ResilienceModel(network, demand, params, reuse=reuse)
    return Context(network, demand, tuple(scenarios), critical_elements(base, critical_top),
                   frozenset(betuweroute), busiest_sections(base, bottleneck_top), tuple(nato_crossings), params,
                   reuse)


# ------------------------------------------------------------------ many evaluations


class Evaluator:
    """Runs evaluations serially (``scheduler`` None) or on Dask (``"local"``: a local cluster of two worker
    processes; otherwise a scheduler address), keeping one cluster and one copy of the context per worker
    for every batch. Use as a context manager."""

    def __init__(self, ctx: Context, scheduler: str | None = None):
        self.ctx, self.scheduler = ctx, scheduler
        self._client = self._cluster = self._ctx_future = None
        self.done: dict[tuple[str, ...], Indicators] = {}  # measure ids -> indicators, every set evaluated

    def __enter__(self) -> "Evaluator":
        if self.scheduler is not None:
            from dask.distributed import Client, LocalCluster

            if self.scheduler == "local":
                self._cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler)
            self._ctx_future = self._client.scatter(self.ctx, broadcast=True)
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def run(self, sets: Sequence[Sequence[Measure]], progress: Progress | None = None) -> list[Indicators]:
        """The indicators of each measure set, in the order given; a set evaluated before (by its measure
        ids, in any order) is answered from the results, not evaluated again."""
        keys = [tuple(sorted(m.id for m in s)) for s in sets]
        todo: dict[tuple[str, ...], list[Measure]] = {}
        for k, s in zip(keys, sets):
            if k not in self.done and k not in todo:
                todo[k] = list(s)
        self.done.update(zip(todo, self._compute(list(todo.values()), progress)))
        if progress and len(sets) > len(todo):
            progress(len(sets) - len(todo))
        return [self.done[k] for k in keys]

    def _compute(self, sets: list[list[Measure]], progress: Progress | None) -> list[Indicators]:
        if self._client is None:
            out = []
            for s in sets:
                out.append(evaluate(self.ctx, s))
                if progress:
                    progress(1)
            return out
        from dask.distributed import as_completed

        futs = [self._client.submit(evaluate, self._ctx_future, s, pure=False) for s in sets]
        index = {f.key: i for i, f in enumerate(futs)}
        res: list[Indicators | None] = [None] * len(sets)
        for fut in as_completed(futs):
            res[index[fut.key]] = fut.result()
            if progress:
                progress(1)
        return [r for r in res if r is not None]


def evaluate_many(ctx: Context, sets: Sequence[Sequence[Measure]], scheduler: str | None = None,
                  progress: Progress | None = None) -> list[Indicators]:
    """Evaluate each measure set; serial when ``scheduler`` is None, else on Dask (see :class:`Evaluator`)."""
    with Evaluator(ctx, scheduler) as ev:
        return ev.run(sets, progress)


def timed(fn: Callable, *args, **kwargs) -> tuple[object, float]:
    """(result, seconds) of a call, for the reports."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0
