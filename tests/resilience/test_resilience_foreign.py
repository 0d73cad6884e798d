"""The neighbours' lines: a switched crossing pays its foreign km and competes for foreign capacity."""

import pytest

from railcap.model.errors import ValidationError
from railcap.model.infrastructure import Network, OpKind
from railcap.model.samples import op, straight_section
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.demand import demand_from_dict
from railcap.resilience.flow import Failure
from railcap.resilience.foreign import foreign_from_dict

from .nets import FREIGHT

FOREIGN = {"points": {"h": {"name": "Hub", "country": "DE"}},
           "sections": [{"id": "x--h", "from": "x", "to": "h", "km": 30, "tracks": 2, "freight_paths_per_day": 50},
                        {"id": "y--h", "from": "y", "to": "h", "km": 80, "tracks": 1, "freight_paths_per_day": 4}],
           "beyond": {"x": {"hub": "h"}, "y": {"hub": "h"}}}


def model(with_foreign: bool) -> ResilienceModel:
    ops = [op("a", OpKind.PORT), op("x", OpKind.BORDER), op("y", OpKind.BORDER)]
    net = Network.of(ops, [straight_section("a-x", "a", "x", 20_000, 100), straight_section("a-y", "a", "y", 20_000, 100)])
    d = demand_from_dict({"train_types": {"freight": FREIGHT},
                          "flows": [{"origin": "a", "destination": "x", "train_type": "freight", "trains_per_day": 10}],
                          "border_crossings": {"countries": {"DE": ["x", "y"]}}}, net)
    if with_foreign:
        d = d.with_foreign(foreign_from_dict(FOREIGN, net.ops))
    return ResilienceModel(net, d)


def test_a_switched_train_pays_foreign_km_and_uses_foreign_capacity():
    m = model(True)
    assert m.base.foreign_train_km_per_day == pytest.approx(10 * 30)
    case = m.case(Failure.of(ops=["x"]))
    assert case.switched_trains_per_day == pytest.approx(4)  # y--h takes 4 a day
    assert case.unmet_trains_per_day == pytest.approx(6)
    assert case.extra_foreign_train_km_per_day == pytest.approx(4 * 80 - 10 * 30)
    assert any(f.section == "y--h (abroad)" for f in case.full)


def test_without_the_foreign_lines_the_switch_is_free_and_unlimited():
    case = model(False).case(Failure.of(ops=["x"]))
    assert case.switched_trains_per_day == pytest.approx(10) and case.unmet_trains_per_day == 0


def test_bad_foreign_file_names_the_field():
    bad = {**FOREIGN, "sections": [{"id": "q", "from": "x", "to": "nowhere", "km": -1, "tracks": 2,
                                    "freight_paths_per_day": 5}]}
    with pytest.raises(ValidationError) as e:
        foreign_from_dict(bad, {"x", "y"})
    text = str(e.value)
    assert "nowhere" in text and "km" in text


def test_embedded_foreign_network_reaches_every_hub():
    from railcap.services.resilience import dutch_network, foreign_network

    fn = foreign_network(dutch_network().ops)
    for crossing in fn.hub:
        for other in fn.hub:
            assert fn.run(other, crossing, True) is not None, (other, crossing)
