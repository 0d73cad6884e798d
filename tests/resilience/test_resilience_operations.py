"""What operators can run: rerouted trains beyond the divertible share are lost, and the share ramps up."""

import pytest

from railcap.model.errors import ValidationError
from railcap.model.timetable import Timetable
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.flow import Failure
from railcap.resilience.operations import rules_from_dict
from railcap.resilience.passenger import timetable_load
from railcap.resilience.scenarios import scenario_from_dict

from .nets import demand
from .test_resilience_binding import two_lines

RULES = {"rules": [{"id": "route-knowledge", "applies": "every", "ramp": [[0, 0.5], [10, 1.0]]},
                   {"id": "locomotive-power", "applies": "power", "ramp": [[0, 0.0], [1, 1.0]]}]}


def model(rules=None, day=0.0) -> ResilienceModel:
    net = two_lines()
    d = demand(net, [{"origin": "a", "destination": "b", "train_type": "freight", "trains_per_day": 10}])
    return ResilienceModel(net, d.with_passenger(timetable_load(Timetable(()), net)),
                           rules=rules_from_dict(rules) if rules else None, day=day)


def test_without_rules_every_rerouted_train_runs():
    case = model().case(Failure.of(sections=["freight"]))
    assert case.unmet_trains_per_day == 0 and case.divertible_share == 1.0


def test_route_knowledge_loses_half_on_day_0_and_none_after_ten_days():
    first = model(RULES).case(Failure.of(sections=["freight"]))
    assert first.diversion_limits == ("route-knowledge",)  # same power supply: the loco rule does not apply
    assert first.unmet_trains_per_day == pytest.approx(5.0)
    assert first.lost_to_diversion_limits_trains_per_day == pytest.approx(5.0)
    assert "cannot be diverted on day 0" in first.reason
    assert model(RULES, day=10).case(Failure.of(sections=["freight"])).unmet_trains_per_day == pytest.approx(0.0)


def test_the_scenario_curve_follows_the_ramp():
    m = model(RULES)
    sc = scenario_from_dict({"name": "long", "elements": [{"section": "freight"}], "duration_days": 20,
                             "recovery": [[0, 0.0], [20, 0.0], [20, 1.0]]}, m.network)
    rep = m.scenario(sc)
    assert [p.day for p in rep.curve.points] == [0, 1, 10, 20, 20]  # recovery points and every ramp day
    assert [round(p.unmet_trains_per_day, 6) for p in rep.curve.points] == [5.0, 4.5, 0.0, 0.0, 0.0]
    assert rep.resilience_loss_train_days == pytest.approx(25.0)  # ∫ unmet dt: 5 → 0 over ten days
    assert rep.lost_traffic_days == pytest.approx(2.5)  # ∫ (1 − Q_traffic) dt with 10 trains affected


def test_bad_rules_name_the_field():
    with pytest.raises(ValidationError) as e:
        rules_from_dict({"rules": [{"id": "x", "applies": "sometimes", "ramp": [[0, 1.5]]}]})
    assert "applies" in str(e.value) and "ramp" in str(e.value)


def test_embedded_rules_load():
    from railcap.services.resilience import diversion_rules

    r = diversion_rules()
    assert {x.id for x in r.rules} == {"route-knowledge", "locomotive-power", "train-protection"}
    assert all(x.share(30) == 1.0 for x in r.rules)
