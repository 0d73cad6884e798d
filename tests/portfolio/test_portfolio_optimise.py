"""The MILP's choice equals exhaustive enumeration and keeps budget, reserve, dependencies, exclusions, cash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from railcap.portfolio.optimise import Candidate, enumerate_best, feasible, pareto_front, predicted_benefit, solve


@st.composite
def catalogues(draw):
    n = draw(st.integers(1, 7))
    ids = [f"m{i}" for i in range(n)]
    cands = []
    for i in ids:
        invest = draw(st.integers(1, 60)) * 1e6
        cost = invest * 1.2  # investment + the 20 % reserve
        years = draw(st.sampled_from([(2026, 2026), (2026, 2027), (2027, 2029), (2028, 2030)]))
        cash = {y: invest / (years[1] - years[0] + 1) for y in range(years[0], years[1] + 1)}
        benefit = draw(st.floats(-0.5, 3.0, allow_nan=False)).__round__(3)
        others = [j for j in ids if j != i]
        req = tuple(draw(st.lists(st.sampled_from(others), max_size=1, unique=True))) if others else ()
        exc = tuple(draw(st.lists(st.sampled_from(others), max_size=1, unique=True))) if others else ()
        cands.append(Candidate(i, cost, benefit, cash, req, tuple(x for x in exc if x not in req)))
    inter = {}
    for a in range(n):
        for b in range(a + 1, n):
            if draw(st.booleans()) and draw(st.booleans()):
                inter[(ids[a], ids[b])] = round(draw(st.floats(-1.0, 2.0, allow_nan=False)), 3)
    budget = draw(st.integers(0, 200)) * 1e6
    cash_limit = draw(st.one_of(st.none(), st.integers(5, 60).map(lambda v: v * 1e6)))
    return cands, inter, budget, cash_limit


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues())
def test_milp_equals_enumeration(case):
    cands, inter, budget, cash_limit = case
    milp = solve(cands, budget, inter, cash_limit)
    brute = enumerate_best(cands, budget, inter, cash_limit)
    assert milp.status == "optimal"
    assert feasible(milp.chosen, cands, budget, cash_limit)
    assert milp.benefit == pytest.approx(brute.benefit, abs=1e-6)
    assert milp.benefit == pytest.approx(predicted_benefit(milp.chosen, cands, inter), abs=1e-9)
    if abs(milp.benefit - brute.benefit) < 1e-9:
        assert milp.cost <= brute.cost + 1e-3 or milp.benefit > brute.benefit


def test_budget_includes_the_reserve():
    c = [Candidate("a", 100e6 * 1.2, 2.0), Candidate("b", 20e6 * 1.2, 1.0)]
    assert solve(c, 110e6).chosen == ("b",), "EUR 100 M investment + 20 % reserve does not fit EUR 110 M"
    assert solve(c, 120e6).chosen == ("a",)
    assert solve(c, 144e6).chosen == ("a", "b")


def test_dependencies_and_exclusions():
    c = [Candidate("loop", 10.0, 0.0, requires=("route",)), Candidate("route", 10.0, 0.1),
         Candidate("bypass", 10.0, 1.0, excludes=("route",))]
    assert solve(c, 30.0, {("loop", "route"): 2.0}).chosen == ("loop", "route")
    assert solve(c, 15.0).chosen == ("bypass",)
    assert solve([Candidate("x", 1.0, 5.0, requires=("missing",))], 10.0).chosen == ()


def test_yearly_cash_limit():
    c = [Candidate("a", 12.0, 1.0, {2026: 10.0}), Candidate("b", 12.0, 1.0, {2026: 5.0, 2027: 5.0}),
         Candidate("c", 4.0, 0.5, {2026: 3.0})]
    assert solve(c, 100.0, cash_limit=12.0).chosen == ("b", "c")
    assert solve(c, 100.0, cash_limit=15.0).chosen == ("a", "b")
    assert solve(c, 100.0).chosen == ("a", "b", "c")


def test_pareto_front_is_the_best_for_every_budget():
    c = [Candidate("a", 5.0, 3.0), Candidate("b", 4.0, 2.0), Candidate("c", 3.0, 2.0), Candidate("d", 2.0, 0.5)]
    front = pareto_front(c)
    assert [p.cost for p in front] == sorted(p.cost for p in front)
    assert all(b.benefit > a.benefit for a, b in zip(front, front[1:]))
    for p in front:
        assert enumerate_best(c, p.cost).benefit == pytest.approx(p.benefit)
