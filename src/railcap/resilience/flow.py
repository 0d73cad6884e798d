"""Rerouting under capacity: a min-cost multi-commodity flow solved as one LP with HiGHS.

Commodities are aggregated by (origin, train type): one flow variable per
commodity and compatible arc, one *unmet* variable per (commodity, destination)
with a penalty per train not run. Rows:

* node balance per commodity and reachable node (equalities):
  ``out − in + Σ unmet = Σ demand`` at the origin, ``out − in − unmet_d = −demand_d``
  at a destination, ``out − in = 0`` elsewhere;
* capacity per resource: ``Σ trains on its arcs ≤ trains/day left``.

The matrix is built once (scipy.sparse, column-wise; :mod:`railcap.resilience.problem`). A failure only changes
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

import os
import sys
from dataclasses import dataclass, field
from typing import Iterable

import highspy
import numpy as np
import scipy.sparse as sp

# build_problem is re-exported: callers compile the LP and solve it through this one module
from railcap.resilience.problem import FlowProblem, build_problem  # noqa: F401

INF = highspy.kHighsInf


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that writes nothing to standard output.

    HiGHS prints its banner when the first instance in a process is made, before any
    option can be set; the banner is sent to standard error instead (file descriptor
    level, so it holds for the C++ library and for Dask workers alike), and the
    solver's own log is switched off. ``--json`` output stays pure JSON.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


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
class FlowResult:
    """One solved case: where the trains run and what could not run (trains/day)."""

    failure: Failure
    cost: float  # train-km plus penalties, per day
    train_km_per_day: float
    arc_flow: np.ndarray  # trains/day per arc
    od_unmet: np.ndarray  # trains/day not run, per od key
    resource_load: np.ndarray  # trains/day per resource (Dutch, then foreign)
    switched: np.ndarray = field(default_factory=lambda: np.zeros(0))  # trains/day per switch column
    #: shadow price per resource (cost saved by one more freight path a day; 0 where capacity does not bind)
    resource_price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    foreign_train_km_per_day: float = 0.0  # run abroad to the hubs beyond the crossings
    #: per resource: some hour band of it runs full with a shadow price (its daily load may be below the day's total)
    resource_full: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def switched_trains_per_day(self) -> float:
        return float(self.switched.sum())

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
        self.base_x = np.asarray(self.h.getSolution().col_value).copy()
        self.base = self._result(Failure())
        self.flow_sections = self._sections_with_flow(self.base)

    def _load(self) -> highspy.Highs:
        p = self.problem
        h = quiet_highs()
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
            rows = p.resource_rows(np.unique(p.macro.section_resources[secs]))
            rhi = p.row_upper[rows] * failure.service
        extra = self._terminal_changes(failure) if failure.terminal_ops else {}
        if extra:
            uc = np.array([c for c in extra if c not in set(cols.tolist())], dtype=np.int64)
            cols = np.concatenate([cols, uc])
            lo = np.concatenate([lo, [extra[c][0] for c in uc]])
            hi = np.concatenate([hi, [extra[c][1] for c in uc]])
        return cols, lo, hi, rows, rhi

    def _terminal_changes(self, failure: Failure) -> dict[int, tuple[float, float]]:
        """Column bounds for points closed to starting/ending trains (share ``service`` open).

        Where the closed point is a border crossing with alternatives, its trains may still
        switch: only the column into (out of) its own crossing is limited. Elsewhere the
        trains are lost: the unmet column is fixed. Switches to a closed crossing are limited too.
        """
        p, q, closed = self.problem, failure.service, failure.terminal_ops
        out: dict[int, tuple[float, float]] = {}
        depart_total: dict[int, float] = {}
        for i, dep in enumerate(p.od_depart_col):
            if dep >= 0:
                depart_total[int(dep)] = depart_total.get(int(dep), 0.0) + float(p.od_demand[i])
        for i, (o, d, _) in enumerate(p.od_keys):
            n = float(p.od_demand[i])
            dep, arr = int(p.od_depart_col[i]), int(p.od_arrive_col[i])
            lost = False
            if o in closed:
                if dep >= 0:
                    out[dep] = (0.0, depart_total[dep] * q)
                else:
                    lost = True
            if d in closed:
                if arr >= 0:
                    out[arr] = (0.0, n * q)
                else:
                    lost = True
            if lost:
                uc = int(p.od_col[i])
                out[uc] = (max(float(p.col_lower[uc]), n * (1.0 - q)), float(p.col_upper[uc]))
        for col, od, via in zip(p.switch_col, p.switch_od, p.switch_via):
            if via in closed:  # an origin switch serves a whole commodity: closed, or open as before
                out[int(col)] = (0.0, float(p.od_demand[od]) * q if od >= 0 else (0.0 if q <= 0 else INF))
        return out

    def solve(self, failure: Failure) -> FlowResult:
        """Solve one failure case from the base basis and restore the base bounds afterwards."""
        p = self.problem
        cols, lo, hi, rows, rhi = self._changes(failure)
        h = self.h
        if len(cols):
            h.changeColsBounds(len(cols), cols.astype(np.int32), lo, hi)
        if len(rows):
            h.changeRowsBounds(len(rows), rows.astype(np.int32), p.row_lower[rows], rhi)
        h.clearSolver()  # no simplex state from the previous case: ties resolve the same in any order
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
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        price = -np.asarray(sol.row_dual)[p.resource_row0:] if sol.dual_valid else np.zeros(p.n_resource_rows)
        x = np.where(np.abs(x) < 1e-9, 0.0, x)
        arc = p.col_arc >= 0
        load = self._res_matrix @ x
        full = (load >= p.row_upper[p.resource_row0:] - 1e-6) & (np.abs(price) > 1e-9)  # per band row
        arc_flow = np.bincount(p.col_arc[arc], weights=x[arc], minlength=p.macro.n_arcs)
        km = float(arc_flow @ p.macro.arc_length_km)
        return FlowResult(failure=failure, cost=float(x @ p.col_cost), train_km_per_day=km,
                          arc_flow=arc_flow, od_unmet=x[p.od_col].copy(),
                          resource_load=p.per_resource(load), switched=x[p.switch_col].copy(),
                          resource_price=p.per_resource(np.where(np.abs(price) < 1e-9, 0.0, price), np.max),
                          resource_full=p.per_resource(full, np.any),
                          foreign_train_km_per_day=float(x @ p.col_foreign_km) if len(p.col_foreign_km) else 0.0)
