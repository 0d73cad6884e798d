"""Scenario files: validation with clear errors, recovery curves and the resilience loss."""

import json

import pytest

from railcap.model.errors import ValidationError
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.scenarios import scenario_from_dict, scenarios_from_dict
from railcap.services.resilience import load_scenarios

from .nets import PLAIN, bridge, demand, parallel


def _one(**rec):
    base = {"name": "s", "elements": [{"section": "b-c"}], "duration_days": 20,
            "recovery": [[0, 0.0], [10, 0.0], [20, 1.0]]}
    base.update(rec)
    return scenario_from_dict(base, bridge())


def test_unknown_element_is_a_clear_error():
    with pytest.raises(ValidationError) as e:
        _one(elements=[{"section": "nowhere"}, {"op": "atlantis"}])
    text = str(e.value)
    assert "no section called 'nowhere'" in text and "atlantis" in text


def test_negative_duration_is_a_clear_error():
    with pytest.raises(ValidationError, match="duration_days.*must be ≥ 0"):
        _one(duration_days=-3, recovery=[[0, 0.0], [-3, 1.0]])


def test_recovery_must_end_at_full_service():
    with pytest.raises(ValidationError, match="must end at full service"):
        _one(recovery=[[0, 0.0], [20, 0.8]])
    with pytest.raises(ValidationError, match="must end at day 20"):
        _one(recovery=[[0, 0.0], [15, 1.0]])
    with pytest.raises(ValidationError, match="Q must lie between 0 and 1"):
        _one(recovery=[[0, -0.5], [20, 1.0]])


def test_every_problem_of_a_file_is_reported(tmp_path):
    p = tmp_path / "sc.json"
    p.write_text(json.dumps({"scenarios": [
        {"name": "a", "elements": [{"op": "zz"}], "duration_days": 1},
        {"name": "b", "elements": [{"section": "a-b"}], "duration_days": -1},
    ]}))
    with pytest.raises(ValidationError) as e:
        load_scenarios(p, bridge())
    assert len(e.value.problems) >= 2 and "sc.json" in str(e.value)


def test_route_element_with_structure_picks_the_section():
    from dataclasses import replace
    from railcap.model.infrastructure import Network, Structure
    net = bridge()
    secs = dict(net.sections)
    secs["b-c"] = replace(secs["b-c"], structures=(Structure("tunnel", 1000.0, 3000.0),))
    net = Network(net.ops, secs)
    s = scenario_from_dict({"name": "t", "elements": [{"route": ["a", "c"], "with_structure": "tunnel"}],
                            "duration_days": 1}, net)
    assert s.failure.sections == {"b-c"}
    with pytest.raises(ValidationError, match="no section with a bridge"):
        scenario_from_dict({"name": "t", "elements": [{"route": ["a", "c"], "with_structure": "bridge"}],
                            "duration_days": 1}, net)


def test_resilience_loss_over_the_recovery_curve():
    net = bridge()
    m = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "c", "train_type": "freight",
                                            "trains_per_day": 10}]), PLAIN)
    rep = m.scenario(_one())
    # Q: 0 for 10 days, then linear to 1 at day 20: ∫(1−Q) = 10 + 5 = 15 days
    assert rep.lost_service_days == pytest.approx(15)
    # 10 trains/day lost while Q = 0; the bridge's capacity is far above 10, so any Q > 0 serves all:
    # unmet is 10 at days 0 and 10, 0 at day 20 → 100 + 50 train-days (linear between points)
    assert rep.resilience_loss_train_days == pytest.approx(150)
    assert rep.loss_simple_train_days == pytest.approx(150)
    assert rep.worst.unmet_trains_per_day == pytest.approx(10)


def test_partial_service_scales_the_failed_capacity():
    net = parallel()
    m = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "b", "train_type": "freight",
                                            "trains_per_day": 5}]), PLAIN)
    macro = m.problem.macro
    main_cap = macro.resource_capacity_per_day[macro.resources_of_section("main")[0]]
    assert main_cap > 30  # a double-track 100 km/h line: ≈ 3600 / 117 s per PLAIN hour
    s = scenario_from_dict({"name": "p", "elements": [{"section": "main"}], "duration_days": 2,
                            "recovery": [[0, 0.05], [2, 1.0]]}, net)
    rep = m.scenario(s)
    # at Q = 0.05 the main line keeps 5 % of its capacity, the detour adds 2
    assert rep.worst.unmet_trains_per_day == pytest.approx(5 - 2 - 0.05 * main_cap)


def test_demand_change_scales_flows_with_the_outage():
    net = bridge()
    d = demand(net, [{"origin": "a", "destination": "c", "train_type": "freight", "trains_per_day": 10}])
    m = ResilienceModel(net, d, PLAIN)
    sc = scenarios_from_dict({"scenarios": [{
        "name": "low-water", "elements": [], "duration_days": 30,
        "demand_change": [{"origin": "a", "destination": "c", "factor": 1.5}],
        "recovery": [[0, 0.0], [30, 1.0]]}]}, net, d.train_types)["low-water"]
    rep = m.scenario(sc)
    # 5 extra trains of 15 km at the worst point, nothing lost
    assert rep.worst.extra_train_km_per_day == pytest.approx(75)
    assert rep.worst.unmet_trains_per_day == pytest.approx(0)
    assert rep.extra_cost_km_days == pytest.approx(75 * 30 / 2)
