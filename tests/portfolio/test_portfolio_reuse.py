"""What the evaluations build once and share gives exactly what building it again gives, and the
resilience indicator does not count serving more trains as exposure."""

import pickle

import numpy as np
import pytest

from railcap.data.measures import catalogue_from_dict
from railcap.portfolio.edits import apply_network, growth, resolve
from railcap.portfolio.evaluate import Evaluator, evaluate, scenario_loss
from railcap.portfolio.samples import demo_catalogue_dict, demo_context
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.flow import build_problem


@pytest.fixture(scope="module")
def setup():
    ctx = demo_context()
    cat = resolve(catalogue_from_dict(demo_catalogue_dict(), ctx.network, ctx.demand.train_types), ctx.network)
    return ctx, cat


def _same_problem(a, b) -> None:
    assert a.od_keys == b.od_keys
    for name in ("od_demand", "col_cost", "col_lower", "col_upper", "row_lower", "row_upper"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert (a.matrix != b.matrix).nnz == 0


def test_a_demand_variant_on_shared_parts_is_the_problem_built_afresh(setup):
    ctx, _ = setup
    reuse: dict = {}
    build_problem(ctx.network, ctx.demand, ctx.params, reuse=reuse)
    more = growth(ctx.demand, 1.7)
    shared = build_problem(ctx.network, more, ctx.params, reuse=reuse)
    _same_problem(shared, build_problem(ctx.network, more, ctx.params))
    assert shared.macro is reuse[next(k for k in reuse if k[0] == "macro")][0]
    with pytest.raises(ValueError, match="another network"):
        build_problem(apply_network(ctx.network, [m for m in setup[1].measures.values() if m.modelled]),
                      ctx.demand, ctx.params, reuse=reuse)


def test_evaluations_with_shared_parts_equal_those_without(setup):
    ctx, cat = setup
    fresh = pickle.loads(pickle.dumps(ctx))  # what a Dask worker gets: no shared parts
    assert fresh.reuse == {} and ctx.reuse and fresh == ctx
    for m in cat.measures.values():
        if m.modelled:
            assert evaluate(ctx, [m]) == evaluate(pickle.loads(pickle.dumps(ctx)), [m]), m.id


def test_a_set_asked_twice_is_evaluated_once(setup):
    ctx, cat = setup
    a, b = [m for m in cat.measures.values() if m.modelled][:2]
    ticks = []
    with Evaluator(ctx) as ev:
        first = ev.run([[a], [a], [b, a]], ticks.append)
        again = ev.run([[a, b], []], ticks.append)
    assert len(ev.done) == 3 and sum(ticks) == 5
    assert first[0] == first[1] and again[0] == first[2] == evaluate(ctx, [a, b])


def test_serving_more_trains_is_not_counted_as_more_exposed(setup):
    ctx, _ = setup
    base = ResilienceModel(ctx.network, ctx.demand, ctx.params)
    busier = ResilienceModel(ctx.network, growth(ctx.demand, 1.5), ctx.params)
    days, share = scenario_loss(base, ctx.scenarios)
    days_busier, share_busier = scenario_loss(busier, ctx.scenarios)
    served = base.problem.total_demand - base.base.unmet_trains_per_day
    assert days > 0 and 0 < share <= 1
    assert share == pytest.approx(days / (served * sum(sc.lost_service_days for sc in ctx.scenarios)))
    # more trains are lost in absolute terms (more run), but not a larger share of those served
    assert days_busier == pytest.approx(1.5 * days) and share_busier == pytest.approx(share)
