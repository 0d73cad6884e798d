"""The best set of measures for a budget: a MILP on HiGHS over the evaluated effects.

Each candidate ``i`` has a cost (investment + reserve, VAT included), yearly cash
(its investment spread over its years), a benefit ``b_i`` (its evaluated score on its
own) and, for pairs evaluated jointly, an interaction ``d_ij = b_ij − b_i − b_j``.
The model:

    maximise   Σ b_i x_i + Σ d_ij y_ij − ε Σ cost_i x_i
    subject to Σ cost_i x_i ≤ budget
               Σ cash_iy x_i ≤ cash_limit           for every year (when a limit is given)
               x_i ≤ x_j                              i requires j
               x_i + x_j ≤ 1                          i excludes j
               y_ij ≤ x_i,  y_ij ≤ x_j,  y_ij ≥ x_i + x_j − 1
               x binary, 0 ≤ y ≤ 1

so y_ij = x_i x_j exactly. ``ε`` is small enough never to trade benefit for money: among
sets of equal benefit the cheaper one wins. Pairs not evaluated jointly are taken as
additive; the caller evaluates the chosen set jointly and reports the difference.

>>> c = [Candidate("a", 5.0, 3.0), Candidate("b", 4.0, 2.0), Candidate("c", 3.0, 2.0)]
>>> solve(c, budget=7.0).chosen
('b', 'c')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Sequence

import highspy
import numpy as np

from railcap.resilience.flow import quiet_highs  # the one quiet HiGHS instance (banner to stderr)

EPS_PER_COST = 1e-5  # per dearest candidate's cost: a tie-breaker; scores come on a 0.001 grid, so it never outweighs one step


@dataclass(frozen=True)
class Candidate:
    """A measure as the optimiser sees it."""

    id: str
    cost: float
    benefit: float
    cash: dict[int, float] = field(default_factory=dict)  # year -> investment cash
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """The optimiser's answer."""

    chosen: tuple[str, ...]
    cost: float
    benefit: float  # predicted: singles plus the pairs' interactions
    status: str = "optimal"


def predicted_benefit(chosen: Sequence[str], candidates: Sequence[Candidate],
                      interactions: dict[tuple[str, str], float]) -> float:
    """Σ b_i + Σ d_ij over the chosen set."""
    b = {c.id: c.benefit for c in candidates}
    s = set(chosen)
    return float(sum(b[i] for i in s) + sum(d for (i, j), d in interactions.items() if i in s and j in s))


def feasible(chosen: Sequence[str], candidates: Sequence[Candidate], budget: float,
             cash_limit: float | None = None) -> bool:
    """Whether a set keeps the budget, the yearly cash limit, the dependencies and the exclusions."""
    by_id = {c.id: c for c in candidates}
    s = set(chosen)
    if sum(by_id[i].cost for i in s) > budget + 1e-6:
        return False
    if cash_limit is not None:
        years: dict[int, float] = {}
        for i in s:
            for y, v in by_id[i].cash.items():
                years[y] = years.get(y, 0.0) + v
        if any(v > cash_limit + 1e-6 for v in years.values()):
            return False
    return all(all(r in s for r in by_id[i].requires) and not any(x in s for x in by_id[i].excludes) for i in s)


def solve(candidates: Sequence[Candidate], budget: float, interactions: dict[tuple[str, str], float] | None = None,
          cash_limit: float | None = None, force: Sequence[str] = ()) -> Choice:
    """The set of greatest benefit within the budget (see the module docstring for the model)."""
    interactions = {k: v for k, v in (interactions or {}).items() if abs(v) > 1e-12}
    ids = [c.id for c in candidates]
    col = {i: k for k, i in enumerate(ids)}
    pairs = [p for p in sorted(interactions) if p[0] in col and p[1] in col]
    n, m = len(ids), len(pairs)
    h = quiet_highs()
    h.setOptionValue("threads", 1)  # HiGHS keeps one thread pool per process: the rerouting LP runs on 1 thread
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    cost = np.array([c.cost for c in candidates], dtype=float)
    scale = max(float(cost.max(initial=0.0)), 1.0)  # money rows in units of the dearest candidate
    obj = np.array([c.benefit for c in candidates], dtype=float) - EPS_PER_COST * cost / scale
    lower = np.array([1.0 if i in force else 0.0 for i in ids])
    h.addVars(n + m, np.concatenate([lower, np.zeros(m)]), np.ones(n + m))
    h.changeColsCost(n + m, np.arange(n + m, dtype=np.int32), np.concatenate([obj, [interactions[p] for p in pairs]]))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def row(idx: list[int], vals: list[float], lo: float, hi: float) -> None:
        h.addRow(lo, hi, len(idx), np.array(idx, dtype=np.int32), np.array(vals, dtype=float))

    inf = highspy.kHighsInf
    row(list(range(n)), (cost / scale).tolist(), -inf, budget / scale)
    if cash_limit is not None:
        years = sorted({y for c in candidates for y in c.cash})
        for y in years:
            idx = [k for k, c in enumerate(candidates) if c.cash.get(y, 0.0) > 0]
            row(idx, [candidates[k].cash[y] / scale for k in idx], -inf, cash_limit / scale)
    for k, c in enumerate(candidates):
        for r in c.requires:
            if r in col:
                row([k, col[r]], [1.0, -1.0], -inf, 0.0)
            else:
                h.changeColBounds(k, 0.0, 0.0)  # requires something that is not on offer
        for x in c.excludes:
            if x in col:
                row([k, col[x]], [1.0, 1.0], -inf, 1.0)
    for t, (i, j) in enumerate(pairs):
        y = n + t
        row([y, col[i]], [1.0, -1.0], -inf, 0.0)
        row([y, col[j]], [1.0, -1.0], -inf, 0.0)
        row([y, col[i], col[j]], [1.0, -1.0, -1.0], -1.0, inf)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return Choice((), 0.0, 0.0, status.lower())
    x = np.array(h.getSolution().col_value[:n])
    chosen = tuple(i for i, v in zip(ids, x) if v > 0.5)
    return Choice(chosen, float(cost[x > 0.5].sum()), predicted_benefit(chosen, candidates, interactions))


def enumerate_best(candidates: Sequence[Candidate], budget: float,
                   interactions: dict[tuple[str, str], float] | None = None,
                   cash_limit: float | None = None) -> Choice:
    """The same answer by trying every subset (for small catalogues and the tests)."""
    interactions = interactions or {}
    best: tuple[float, tuple[str, ...]] = (0.0, ())  # the empty set is always feasible
    ids = [c.id for c in candidates]
    cost = {c.id: c.cost for c in candidates}
    scale = max([1.0, *cost.values()])
    for k in range(len(ids) + 1):
        for s in combinations(ids, k):
            if not feasible(s, candidates, budget, cash_limit):
                continue
            value = predicted_benefit(s, candidates, interactions) - EPS_PER_COST * sum(cost[i] for i in s) / scale
            if value > best[0] + 1e-12:
                best = (value, s)
    chosen = best[1]
    return Choice(chosen, sum(cost[i] for i in chosen), predicted_benefit(chosen, candidates, interactions))


@dataclass(frozen=True)
class ParetoPoint:
    cost: float
    benefit: float
    chosen: tuple[str, ...]


def pareto_front(candidates: Sequence[Candidate], interactions: dict[tuple[str, str], float] | None = None,
                 cash_limit: float | None = None, max_budget: float | None = None,
                 max_points: int = 60) -> list[ParetoPoint]:
    """Cost against benefit: the best set for every budget, found by lowering the budget below the last
    optimum's cost (the ε-constraint method), cheapest first.

    >>> c = [Candidate("a", 5.0, 3.0), Candidate("b", 4.0, 2.0), Candidate("c", 3.0, 2.0)]
    >>> [(p.cost, p.benefit) for p in pareto_front(c)]
    [(0.0, 0.0), (3.0, 2.0), (5.0, 3.0), (7.0, 4.0), (8.0, 5.0), (12.0, 7.0)]
    """
    budget = max_budget if max_budget is not None else sum(c.cost for c in candidates)
    points: list[ParetoPoint] = []
    while len(points) < max_points:
        ch = solve(candidates, budget, interactions, cash_limit)
        if ch.status != "optimal":
            break
        if not points or ch.benefit < points[-1].benefit - 1e-6:
            points.append(ParetoPoint(ch.cost, ch.benefit, ch.chosen))
        if not ch.chosen:
            break
        budget = ch.cost - 1e-5 * max(c.cost for c in candidates)
    return sorted(points, key=lambda p: p.cost)
