"""Every kind of edit changes the model as stated, on a copy, and moves the indicator it should."""

import pytest

from railcap.data.measures import catalogue_from_dict
from railcap.model.infrastructure import Electrification, LoadingGauge, TrainProtection
from railcap.portfolio.edits import apply_measures, resolve
from railcap.portfolio.evaluate import evaluate
from railcap.portfolio.samples import demo_catalogue_dict, demo_context
from railcap.resilience.analysis import ResilienceModel


@pytest.fixture(scope="module")
def setup():
    ctx = demo_context()
    cat = resolve(catalogue_from_dict(demo_catalogue_dict(), ctx.network, ctx.demand.train_types), ctx.network)
    return ctx, cat, evaluate(ctx, [])


def _apply(ctx, cat, *ids):
    return apply_measures(ctx.network, ctx.demand, [cat.measures[i] for i in ids])


def test_the_base_is_never_edited(setup):
    ctx, cat, _ = setup
    before = (dict(ctx.network.sections), dict(ctx.network.ops), ctx.demand.flows)
    _apply(ctx, cat, *[m for m in cat.measures if cat.measures[m].modelled])
    assert (dict(ctx.network.sections), dict(ctx.network.ops), ctx.demand.flows) == before


def test_length_limit_and_longer_trains(setup):
    ctx, cat, base = setup
    net, d = _apply(ctx, cat, "zuid-740")
    assert ctx.network.sections["b-grens-zuid"].max_train_length_m == 650 and net.sections["b-grens-zuid"].max_train_length_m == 740
    flows = {(f.origin, f.destination, f.train_type): f.trains_per_day for f in d.flows}
    assert flows[("haven", "grens-zuid", "intermodal_650_740")] == pytest.approx(4 * 650 / 740)
    assert flows[("haven", "terminal", "intermodal_650")] == 2, "the terminal cannot hold 740 m: unchanged"
    r = evaluate(ctx, [cat.measures["zuid-740"]])
    assert r.freight_train_km_per_day < base.freight_train_km_per_day
    assert r.bottleneck_use < base.bottleneck_use


def test_gauge_cleared_lets_the_military_train_run(setup):
    ctx, cat, base = setup
    net, _ = _apply(ctx, cat, "gauge-b-a")
    assert net.sections["b-a"].loading_gauge == LoadingGauge.GC and net.sections["kazerne-b"].loading_gauge == LoadingGauge.GC
    r = evaluate(ctx, [cat.measures["gauge-b-a"]])
    assert base.military_served_trains_per_day == 0 and r.military_served_trains_per_day == 2
    assert r.military_disjoint_routes > base.military_disjoint_routes


def test_loading_track_needs_the_cleared_route(setup):
    ctx, cat, base = setup
    net, _ = _apply(ctx, cat, "laadspoor")
    assert net.ops["kazerne"].can_hold(740) and not ctx.network.ops["kazerne"].can_hold(740)
    alone = evaluate(ctx, [cat.measures["laadspoor"]])
    both = evaluate(ctx, [cat.measures["laadspoor"], cat.measures["gauge-b-a"]])
    assert (base.loading_sites_ready, alone.loading_sites_ready, both.loading_sites_ready) == (0, 0, 1)


def test_etcs_short_blocks_shorten_the_headway(setup):
    ctx, cat, base = setup
    net, _ = _apply(ctx, cat, "etcs-b")
    old, new = ctx.network.sections["yard-b"], net.sections["yard-b"]
    assert new.protection == TrainProtection.ETCS_L2 and new.blocks > old.blocks
    assert max(b - a for a, b in zip(new.block_boundaries_m, new.block_boundaries_m[1:])) <= 500 + 1e-6
    assert evaluate(ctx, [cat.measures["etcs-b"]]).bottleneck_use < base.bottleneck_use


def test_extra_tracks_add_capacity(setup):
    ctx, cat, base = setup
    net, _ = _apply(ctx, cat, "viersporig")
    assert net.sections["yard-b"].track_count == ctx.network.sections["yard-b"].track_count + 2
    assert evaluate(ctx, [cat.measures["viersporig"]]).bottleneck_use < base.bottleneck_use


def _freight_capacity(net, d, sid):
    m = ResilienceModel(net, d).problem.macro
    return sorted(m.resource_capacity_per_day[m.resources_of_section(sid)].tolist())


def test_speed_raised_changes_the_freight_capacity_left(setup):
    """Faster passenger trains on a mixed line: shorter headways, but more time lost behind a slow freight
    train (the capacity rule's heterogeneity); the freight paths left move, here down."""
    ctx, cat, _ = setup
    net, d = _apply(ctx, cat, "snelheid")
    assert net.sections["b-a"].max_speed_ms == pytest.approx(160 / 3.6)
    assert ctx.network.sections["b-a"].max_speed_ms == pytest.approx(140 / 3.6)
    before, after = _freight_capacity(ctx.network, ctx.demand, "b-a"), _freight_capacity(net, d, "b-a")
    assert after != before and all(a < b for a, b in zip(after, before))


def test_power_and_gauge_on_the_branch_serve_the_terminal(setup):
    ctx, cat, base = setup
    net, _ = _apply(ctx, cat, "terminal-ontsluiting")
    s = net.sections["b-terminal"]
    assert s.electrification == Electrification.DC_1500 and s.loading_gauge == LoadingGauge.GB
    r = evaluate(ctx, [cat.measures["terminal-ontsluiting"]])
    assert r.unmet_trains_per_day == pytest.approx(base.unmet_trains_per_day - 2)


def test_a_new_section_gives_redundancy(setup):
    ctx, cat, base = setup
    net, _ = _apply(ctx, cat, "tweede-havenlijn")
    new = net.sections["haven-b"]
    assert (new.from_op, new.to_op, new.track_count) == ("haven", "b", 2) and new.length_m >= 70000
    assert "haven-b" not in ctx.network.sections
    r = evaluate(ctx, [cat.measures["tweede-havenlijn"]])
    assert r.critical_importance_km_per_train < base.critical_importance_km_per_train


def test_demand_shift_follows_the_stated_elasticity(setup):
    ctx, cat, base = setup
    _, d = _apply(ctx, cat, "prikkel")
    flows = {(f.origin, f.destination, f.train_type): f.trains_per_day for f in d.flows}
    assert flows[("haven", "grens-oost", "intermodal")] == pytest.approx(12 * 1.06)
    assert flows[("grens-oost", "haven", "intermodal")] == 12, "only the stated direction"
    r = evaluate(ctx, [cat.measures["prikkel"]])
    assert r.freight_train_km_per_day > base.freight_train_km_per_day
    assert r.betuweroute_share > base.betuweroute_share


def test_a_study_scores_nothing(setup):
    _, cat, _ = setup
    assert not cat.measures["studie"].modelled and not cat.measures["studie"].candidate
