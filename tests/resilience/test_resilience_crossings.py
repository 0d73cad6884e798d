"""Flows switch to another border crossing into the same country when theirs is closed (hand-computed)."""

import pytest

from railcap.model.errors import ValidationError
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.flow import Failure
from railcap.resilience.problem import SWITCH_TIE_KM

from .nets import PLAIN, crossing_demand, two_crossings


def _model(flows, extra_km=()):
    net = two_crossings()
    return ResilienceModel(net, crossing_demand(net, flows, extra_km), PLAIN)


def test_closed_crossing_sends_the_flow_to_the_other_one_up_to_its_capacity():
    m = _model([{"origin": "a", "destination": "x1", "train_type": "freight", "trains_per_day": 5}],
               [{"from": "x1", "to": "x2", "km": 5}])
    assert m.base.cost == pytest.approx(5 * 10) and m.base.switched_trains_per_day == 0
    c = m.case(Failure.of(ops=["x1"]))
    # the detour to x2 carries 2 trains a "day"; each costs 36 km + 5 km foreign + the 1 km tie-break
    assert c.switched_trains_per_day == pytest.approx(2)
    assert c.unmet_trains_per_day == pytest.approx(3)
    assert c.extra_cost_km_per_day == pytest.approx(2 * (36 + 5 + SWITCH_TIE_KM) + 3 * 1000 - 50)
    assert c.extra_train_km_per_day == pytest.approx(2 * 36 - 50)  # Dutch train-km only
    (s,) = c.switched
    assert (s.origin, s.destination, s.nominal, s.via, s.end) == ("a", "x1", "x1", "x2", "destination")
    assert "switches 2.0 trains/day to another crossing: 2.0 x1→x2" in c.reason
    assert "loses 3.0 trains/day" in c.reason


def test_a_cut_line_to_the_crossing_also_switches_and_imports_enter_elsewhere():
    m = _model([{"origin": "a", "destination": "x1", "train_type": "freight", "trains_per_day": 1,
                 "both_ways": True}])
    c = m.case(Failure.of(sections=["a-x1"]))
    # one train out via x2, one in via x2: 2 on the shared single track, it fits exactly
    assert c.unmet_trains_per_day == pytest.approx(0)
    assert sorted((s.end, s.via) for s in c.switched) == [("destination", "x2"), ("origin", "x2")]
    assert c.extra_cost_km_per_day == pytest.approx(2 * (36 + SWITCH_TIE_KM - 10))


def test_no_switch_into_another_country():
    m = _model([{"origin": "a", "destination": "y", "train_type": "freight", "trains_per_day": 3}])
    c = m.case(Failure.of(ops=["y"]))
    assert c.unmet_trains_per_day == pytest.approx(3) and not c.switched


def test_base_keeps_the_crossing_a_flow_chose_even_when_another_is_nearer():
    # a -> x2 runs 36 km; x1 would be 10 km: the floor makes x1 cost 10 + (36 − 10) + 1 = 37 > 36
    m = _model([{"origin": "a", "destination": "x2", "train_type": "freight", "trains_per_day": 1}])
    assert m.base.switched_trains_per_day == 0 and m.base.cost == pytest.approx(36)
    c = m.case(Failure.of(sections=["m-x2"]))
    assert c.unmet_trains_per_day == 0 and c.switched_trains_per_day == pytest.approx(1)
    assert c.extra_cost_km_per_day == pytest.approx(10 + 26 + SWITCH_TIE_KM - 36)


def test_crossing_closed_to_trains_ending_there_still_lets_them_switch():
    m = _model([{"origin": "a", "destination": "x1", "train_type": "freight", "trains_per_day": 3}])
    c = m.case(Failure.of(terminal_ops=["x1"]))
    assert c.switched_trains_per_day == pytest.approx(2) and c.unmet_trains_per_day == pytest.approx(1)
    half = m.case(Failure.of(terminal_ops=["x1"], service=0.5))
    assert half.unmet_trains_per_day == pytest.approx(0)  # 1.5 through x1, 1.5 via x2 (≤ 2)


def test_crossings_must_share_a_country_for_extra_km():
    with pytest.raises(ValidationError, match="not crossings into the same country"):
        _model([{"origin": "a", "destination": "x1", "train_type": "freight", "trains_per_day": 1}],
               [{"from": "x1", "to": "y", "km": 3}])
