"""Appraisal on the sample: interactions found and used, Dask identical to serial, policies respected."""

import pytest

from railcap.data.measures import catalogue_from_dict
from railcap.portfolio.edits import resolve
from railcap.portfolio.evaluate import evaluate_many
from railcap.portfolio.plan import appraise, interacting_pairs, parse_weights
from railcap.portfolio.samples import demo_catalogue_dict, demo_context
from railcap.model.errors import ValidationError


@pytest.fixture(scope="module")
def setup():
    ctx = demo_context()
    cat = resolve(catalogue_from_dict(demo_catalogue_dict(), ctx.network, ctx.demand.train_types), ctx.network)
    return ctx, cat


def test_dask_gives_the_same_indicators_as_serial(setup):
    ctx, cat = setup
    sets = [[], [cat.measures["zuid-740"]], [cat.measures["gauge-b-a"], cat.measures["laadspoor"]],
            [cat.measures["tweede-havenlijn"], cat.measures["prikkel"]]]
    assert evaluate_many(ctx, sets, "local") == evaluate_many(ctx, sets, None)


def test_pairs_that_meet_are_evaluated_jointly(setup):
    ctx, cat = setup
    modelled = [m for m in cat.measures.values() if m.modelled]
    pairs = interacting_pairs(modelled, ctx)
    assert ("gauge-b-a", "laadspoor") in pairs
    assert ("prikkel", "terminal-ontsluiting") not in pairs, "no shared point: taken as additive"


def test_appraisal_uses_the_interaction_and_checks_the_choice(setup):
    ctx, cat = setup
    a = appraise(ctx, cat, 60e6, parse_weights("military=3"), policy="gestage-ontwikkeling")
    assert a.interactions[("gauge-b-a", "laadspoor")] > 0
    assert {"gauge-b-a", "laadspoor"} <= set(a.choice.chosen)
    assert a.choice.cost <= 60e6 and "tweede-havenlijn" not in a.choice.chosen
    v = {x.id: x for x in a.verdicts}
    assert "not allowed under 'gestage-ontwikkeling'" in v["tweede-havenlijn"].reason
    assert v["studie"].reason == "paid from the research budget"
    assert a.chosen_indicators.loading_sites_ready == 1
    assert a.evaluated_score == pytest.approx(a.choice.benefit, abs=0.05)
    assert a.front[0].cost == 0 and a.front[-1].benefit >= a.choice.benefit


def test_weights_are_checked():
    with pytest.raises(ValidationError) as exc:
        parse_weights("happiness=2")
    assert "unknown indicator or group" in str(exc.value)
    with pytest.raises(ValidationError):
        parse_weights("military=-1")
