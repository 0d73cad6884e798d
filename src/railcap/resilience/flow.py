"""Rerouting under capacity: a min-cost multi-commodity flow solved as one LP with HiGHS.

Commodities are aggregated by (origin, train type): one flow variable per
commodity and compatible arc, one *unmet* variable per (commodity, destination)
with a penalty per train not run. Rows:

* node balance per commodity and reachable node (equalities):
  ``out − in + Σ unmet = Σ demand`` at the origin, ``out − in − unmet_d = −demand_d``
  at a destination, ``out − in = 0`` elsewhere;
* capacity per resource: ``Σ trains on its arcs ≤ trains/day left``.

The matrix is built once (scipy.sparse, column-wise). A failure only changes
bounds: the flow columns of failed arcs get upper bound 0 (a partly restored
element instead scales its resource rows), and for a point closed to
starting/ending traffic the unmet columns are fixed at the demand. Each case
re-runs dual simplex warm-started from the base basis, then the bounds are put
back; starting every case from the same basis makes the answer independent of
the order the cases are solved in (serial or Dask alike).

>>> from railcap.resilience.samples import demo_network, demo_demand
>>> eng = RerouteEngine(build_problem(demo_network(), demo_demand()))
>>> round(eng.base.unmet_trains_per_day, 3)
0.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from railcap.model.infrastructure import Network
from railcap.resilience.capacity import CapacityParams
from railcap.resilience.demand import Demand, TrainType
from railcap.resilience.macro import MacroNetwork, build_macro

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Failure:
    """Elements out of service together; ``service`` is the share of their capacity left (0 = closed).

    ``terminal_ops`` stay open to through traffic but no train may start or end there
    (a yard or terminal closed, its running lines open).
    """

    sections: frozenset[str] = frozenset()
    ops: frozenset[str] = frozenset()
    terminal_ops: frozenset[str] = frozenset()
    service: float = 0.0

    @classmethod
    def of(cls, sections: Iterable[str] = (), ops: Iterable[str] = (), terminal_ops: Iterable[str] = (),
           service: float = 0.0) -> "Failure":
        return cls(frozenset(sections), frozenset(ops), frozenset(terminal_ops), service)

    @property
    def label(self) -> str:
        parts = [f"section {s}" for s in sorted(self.sections)] + [f"op {o}" for o in sorted(self.ops)]
        parts += [f"no trains start/end at {o}" for o in sorted(self.terminal_ops)]
        return ", ".join(parts) or "no element out"


@dataclass(frozen=True)
class FlowProblem:
    """The compiled LP: the macro network, the commodities and the sparse matrix. Picklable."""

    macro: MacroNetwork
    train_types: dict[str, TrainType]
    od_keys: tuple[tuple[str, str, str], ...]  # (origin, destination, train type) per unmet column
    od_demand: np.ndarray  # trains/day per od key
    od_col: np.ndarray  # column of the unmet variable per od key
    col_arc: np.ndarray  # arc per column, −1 for unmet columns
    col_cost: np.ndarray
    col_upper: np.ndarray
    col_lower: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_matrix
    resource_row0: int  # first capacity row; resource r is row resource_row0 + r
    movements: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # military id -> od key

    @property
    def n_cols(self) -> int:
        return self.matrix.shape[1]

    @property
    def total_demand(self) -> float:
        return float(self.od_demand.sum())


def compatible_sections(network: Network, macro: MacroNetwork, tt: TrainType) -> np.ndarray:
    """Boolean mask over ``macro.section_ids``: the sections this train type may use."""
    return np.array([tt.may_use(network.sections[s]) for s in macro.section_ids], dtype=bool)


def compatible_arcs(macro: MacroNetwork, section_ok: np.ndarray) -> np.ndarray:
    """Boolean mask over arcs: a corridor is usable when every section on it is."""
    live = macro.section_corridor >= 0
    bad = np.bincount(macro.section_corridor[live & ~section_ok], minlength=len(macro.corridor_sections))
    return np.repeat(bad == 0, 2)


def _reachable(macro: MacroNetwork, arc_ok: np.ndarray, origin: int) -> np.ndarray:
    """Node indices reachable from ``origin`` over the allowed arcs."""
    n = macro.n_nodes
    adj = sp.csr_matrix((np.ones(int(arc_ok.sum())), (macro.arc_tail[arc_ok], macro.arc_head[arc_ok])),
                        shape=(n, n))
    return np.sort(breadth_first_order(adj, origin, directed=True, return_predecessors=False))


def build_problem(network: Network, demand: Demand, params: CapacityParams = CapacityParams(),
                  contract: bool = True) -> FlowProblem:
    """Compile network and demand into the LP (done once per network and demand).

    Commodities are (origin, usable corridors, wide load or not): train types that may
    use the same corridors share one commodity; each keeps its own unmet columns and penalty.
    """
    od: dict[tuple[str, str, str], float] = {}
    for f in demand.flows:
        key = (f.origin, f.destination, f.train_type)
        od[key] = od.get(key, 0.0) + f.trains_per_day
    keep = {e for k in od for e in k[:2]} if contract else None
    macro = build_macro(network, demand.passenger_tph, params, keep=keep)
    node = macro.node_index()
    arc_ok = {t: compatible_arcs(macro, compatible_sections(network, macro, tt))
              for t, tt in demand.train_types.items()}
    commodities: dict[tuple, list[tuple[str, str, float]]] = {}
    for (o, d, t), n in sorted(od.items()):
        cls = (o, arc_ok[t].tobytes(), demand.train_types[t].out_of_gauge)
        commodities.setdefault(cls, []).append((d, t, n))
    b = _Builder(macro)
    od_keys, od_cols, od_dem = [], [], []
    for (o, _, wide), dests in commodities.items():
        ok = arc_ok[dests[0][1]]
        reach = _reachable(macro, ok, node[o])
        cols = b.commodity(node[o], reach, ok, wide,
                           [(node[d], n, demand.train_types[t].unmet_penalty_km) for d, t, n in dests])
        for (d, t, n), c in zip(dests, cols):
            od_keys.append((o, d, t))
            od_cols.append(c)
            od_dem.append(n)
    moves = {m.id: (m.origin, m.destination, m.train_type) for m in demand.military}
    return b.finish(macro, demand.train_types, od_keys, np.array(od_dem), np.array(od_cols, dtype=np.int64), moves)


class _Builder:
    """Accumulates columns (triplets) commodity by commodity, then adds the capacity rows."""

    def __init__(self, macro: MacroNetwork):
        self.macro = macro
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.col_arc: list[np.ndarray] = []
        self.cost: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.rhs: list[np.ndarray] = []
        self.res_entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (col, resource, value)
        self.n_cols = 0
        self.n_rows = 0

    def _add_cols(self, n: int, arc: np.ndarray, cost: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        idx = np.arange(self.n_cols, self.n_cols + n)
        self.n_cols += n
        self.col_arc.append(arc)
        self.cost.append(cost)
        self.lower.append(lo)
        self.upper.append(hi)
        return idx

    def _entries(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        self.rows.append(rows)
        self.cols.append(cols)
        self.vals.append(vals)

    def commodity(self, origin: int, reach: np.ndarray, arc_ok: np.ndarray, wide: bool,
                  dests: list[tuple[int, float, float]]) -> list[int]:
        """Add one commodity's balance rows, arc columns and unmet columns ((dest, trains, penalty) each);
        return the unmet columns."""
        m = self.macro
        first = self.n_rows
        row_of = np.full(m.n_nodes, -1, dtype=np.int64)
        row_of[reach] = np.arange(first, first + len(reach))
        self.n_rows += len(reach)
        rhs = np.zeros(len(reach))
        arcs = np.flatnonzero(arc_ok & (row_of[m.arc_tail] >= 0))
        c = self._add_cols(len(arcs), arcs, m.arc_length_km[arcs], np.zeros(len(arcs)), np.full(len(arcs), INF))
        self._entries(row_of[m.arc_tail[arcs]], c, np.ones(len(arcs)))
        self._entries(row_of[m.arc_head[arcs]], c, -np.ones(len(arcs)))
        for mat in (m.arc_resources, m.arc_opposite) if wide else (m.arc_resources,):
            sub = mat[arcs].tocoo()
            self.res_entries.append((c[sub.row], sub.col.astype(np.int64), sub.data))
        unmet = []
        for d, n, penalty in dests:
            reachable = row_of[d] >= 0
            u = self._add_cols(1, np.array([-1]), np.array([penalty]),
                               np.array([0.0 if reachable else n]), np.array([n]))
            self._entries(np.array([row_of[origin]]), u, np.array([1.0]))
            rhs[row_of[origin] - first] += n
            if reachable:
                self._entries(np.array([row_of[d]]), u, np.array([-1.0]))
                rhs[row_of[d] - first] -= n
            unmet.append(int(u[0]))
        self.rhs.append(rhs)
        return unmet

    def finish(self, macro: MacroNetwork, types: dict[str, TrainType], od_keys: list, od_dem: np.ndarray,
               od_cols: np.ndarray, moves: dict) -> FlowProblem:
        r0 = self.n_rows
        rows = list(self.rows) + [r0 + r for _, r, _ in self.res_entries]
        cols = list(self.cols) + [c for c, _, _ in self.res_entries]
        vals = list(self.vals) + [v for _, _, v in self.res_entries]
        n_rows = r0 + macro.n_resources
        a = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(n_rows, self.n_cols))
        a.sum_duplicates()
        rhs = np.concatenate(self.rhs) if self.rhs else np.zeros(0)
        cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0)  # noqa: E731
        return FlowProblem(
            macro=macro, train_types=types, od_keys=tuple(od_keys), od_demand=od_dem, od_col=od_cols,
            col_arc=cat(self.col_arc).astype(np.int64), col_cost=cat(self.cost),
            col_lower=cat(self.lower), col_upper=cat(self.upper),
            row_lower=np.concatenate([rhs, np.full(macro.n_resources, -INF)]),
            row_upper=np.concatenate([rhs, macro.resource_capacity_per_day]),
            matrix=a, resource_row0=r0, movements=moves,
        )


@dataclass(frozen=True)
class FlowResult:
    """One solved case: where the trains run and what could not run (trains/day)."""

    failure: Failure
    cost: float  # train-km plus penalties, per day
    train_km_per_day: float
    arc_flow: np.ndarray  # trains/day per arc
    od_unmet: np.ndarray  # trains/day not run, per od key
    resource_load: np.ndarray  # trains/day per resource

    @property
    def unmet_trains_per_day(self) -> float:
        return float(self.od_unmet.sum())


class RerouteEngine:
    """The LP loaded in HiGHS once; :meth:`solve` answers one failure by changing bounds only."""

    def __init__(self, problem: FlowProblem):
        self.problem = problem
        p = problem
        self._arc_cols = sp.csr_matrix((np.ones(int((p.col_arc >= 0).sum())),
                                        (p.col_arc[p.col_arc >= 0], np.flatnonzero(p.col_arc >= 0))),
                                       shape=(p.macro.n_arcs, p.n_cols)).tocsr()
        self._res_matrix = p.matrix[p.resource_row0:, :].tocsr()
        self.h = self._load()
        self.h.run()
        self._basis = self.h.getBasis()
        self.base = self._result(Failure())
        self.flow_sections = self._sections_with_flow(self.base)

    def _load(self) -> highspy.Highs:
        p = self.problem
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("solver", "simplex")
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = p.n_cols, len(p.row_lower)
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = p.col_cost, p.col_lower, p.col_upper
        lp.row_lower_, lp.row_upper_ = p.row_lower, p.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = p.matrix.indptr
        lp.a_matrix_.index_ = p.matrix.indices
        lp.a_matrix_.value_ = p.matrix.data
        h.passModel(lp)
        return h

    def _sections_with_flow(self, r: FlowResult, tol: float = 1e-9) -> frozenset[str]:
        m = self.problem.macro
        on = m.section_flow(r.arc_flow).sum(axis=1) > tol
        return frozenset(np.array(m.section_ids)[on])

    def carries_flow(self, failure: Failure) -> bool:
        """False when nothing runs over or starts/ends at the failed elements in the base case.

        Then the base solution stays feasible and optimal: the case's answer equals the base.
        """
        if failure.sections & self.flow_sections:
            return True
        p = self.problem
        ops = failure.ops | failure.terminal_ops
        if not ops:
            return False
        if any(o in ops or d in ops for (o, d, _), n in zip(p.od_keys, p.od_demand) if n > 0):
            return True
        m = p.macro
        at = m.sections_at(failure.ops)
        return bool(set(np.array(m.section_ids)[at]) & self.flow_sections)

    def _failed_sections(self, failure: Failure) -> np.ndarray:
        """Section indices out of service: the failed sections and every section at a failed point."""
        m = self.problem.macro
        sidx = m.section_index()
        named = np.array([sidx[s] for s in failure.sections], dtype=np.int64)
        return np.union1d(named, m.sections_at(failure.ops))

    def _changes(self, failure: Failure) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(columns, lower, upper, resource rows, row upper) that express the failure."""
        p = self.problem
        secs = self._failed_sections(failure)
        cols, lo, hi = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
        rows, rhi = np.zeros(0, dtype=np.int64), np.zeros(0)
        if failure.service <= 0:
            cols = self._arc_cols[p.macro.arcs_of_sections(secs)].indices.astype(np.int64)
            lo, hi = np.zeros(len(cols)), np.zeros(len(cols))
        elif len(secs):
            res = np.unique(p.macro.section_resources[secs])
            rows = p.resource_row0 + res
            rhi = p.row_upper[rows] * failure.service
        term = [i for i, (o, d, _) in enumerate(p.od_keys) if o in failure.terminal_ops or d in failure.terminal_ops]
        if term:
            uc = p.od_col[term]
            ulo = np.maximum(p.col_lower[uc], p.od_demand[term] * (1.0 - failure.service))
            keep = ~np.isin(uc, cols)
            cols = np.concatenate([cols, uc[keep]])
            lo, hi = np.concatenate([lo, ulo[keep]]), np.concatenate([hi, p.col_upper[uc][keep]])
        return cols, lo, hi, rows, rhi

    def solve(self, failure: Failure) -> FlowResult:
        """Solve one failure case from the base basis and restore the base bounds afterwards."""
        p = self.problem
        cols, lo, hi, rows, rhi = self._changes(failure)
        h = self.h
        if len(cols):
            h.changeColsBounds(len(cols), cols.astype(np.int32), lo, hi)
        if len(rows):
            h.changeRowsBounds(len(rows), rows.astype(np.int32), p.row_lower[rows], rhi)
        h.setBasis(self._basis)
        h.run()
        try:
            return self._result(failure)
        finally:
            if len(cols):
                h.changeColsBounds(len(cols), cols.astype(np.int32), p.col_lower[cols], p.col_upper[cols])
            if len(rows):
                h.changeRowsBounds(len(rows), rows.astype(np.int32), p.row_lower[rows], p.row_upper[rows])

    def _result(self, failure: Failure) -> FlowResult:
        h, p = self.h, self.problem
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"rerouting LP for {failure.label}: {h.modelStatusToString(status)}")
        x = np.asarray(h.getSolution().col_value)
        x = np.where(np.abs(x) < 1e-9, 0.0, x)
        arc = p.col_arc >= 0
        arc_flow = np.bincount(p.col_arc[arc], weights=x[arc], minlength=p.macro.n_arcs)
        km = float(arc_flow @ p.macro.arc_length_km)
        return FlowResult(failure=failure, cost=float(x @ p.col_cost), train_km_per_day=km,
                          arc_flow=arc_flow, od_unmet=x[p.od_col].copy(),
                          resource_load=self._res_matrix @ x)
