"""The embedded Dutch demand and scenario files: sourced, consistent with the facts, valid on the network."""

import json

import pytest

from railcap.services.resilience import demand_file, scenarios_file

DEMAND = json.loads(demand_file().read_text(encoding="utf-8"))
SCENARIOS = json.loads(scenarios_file().read_text(encoding="utf-8"))


def _both_ways_total(point: str) -> float:
    return sum(f["trains_per_day"] * (2 if f.get("both_ways") else 1)
               for f in DEMAND["flows"] if point in (f["origin"], f["destination"]))


def test_every_record_names_its_source():
    recs = (list(DEMAND["train_types"].values()) + DEMAND["flows"] + DEMAND["military"]
            + DEMAND["passenger_load"] + SCENARIOS["scenarios"])
    assert all(r.get("source") for r in recs)


@pytest.mark.parametrize("point, per_day", [
    ("zevenaar-grens", 23_600 / 365), ("venlo-grens", 14_950 / 365), ("oldenzaal-grens", 7_600 / 365),
    ("roosendaal-grens", 160 / 7)])
def test_crossing_volumes_match_the_facts(point, per_day):
    # facts: freight trains per year per crossing (both directions)
    assert _both_ways_total(point) == pytest.approx(per_day, rel=0.05)


def test_totals_match_the_facts():
    german = sum(_both_ways_total(p) for p in ("zevenaar-grens", "venlo-grens", "oldenzaal-grens",
                                               "herzogenrath-grens"))
    assert german == pytest.approx(46_600 / 365, rel=0.05)
    total = sum(f["trains_per_day"] * (2 if f.get("both_ways") else 1) for f in DEMAND["flows"])
    assert total == pytest.approx(200, rel=0.05)  # ≈200 freight trains a day on the network


def test_venlo_trains_fit_the_650_m_border_limit():
    long_types = {t for t, v in DEMAND["train_types"].items() if v["length_m"] > 650}
    assert not [f for f in DEMAND["flows"] if "venlo-grens" in (f["origin"], f["destination"])
                and f["train_type"] in long_types]


def test_files_validate_against_the_dutch_network_when_it_is_there():
    embedded = pytest.importorskip("railcap.data.embedded")
    if not hasattr(embedded, "load_network"):
        pytest.skip("the embedded Dutch network is not built yet")
    from railcap.resilience.demand import demand_from_dict
    from railcap.resilience.scenarios import scenarios_from_dict
    net = embedded.load_network()
    d = demand_from_dict(DEMAND, net)
    assert len(scenarios_from_dict(SCENARIOS, net, d.train_types)) == len(SCENARIOS["scenarios"])


def test_dutch_capacity_comes_from_the_reference_weekday_and_emmerich_traffic_switches_crossing():
    embedded = pytest.importorskip("railcap.data.embedded")
    if not hasattr(embedded, "load_network"):
        pytest.skip("the embedded Dutch network is not built yet")
    from railcap.resilience.analysis import ResilienceModel
    from railcap.resilience.demand import demand_from_dict
    from railcap.services.resilience import reference_passenger_load
    from railcap.resilience.flow import Failure
    net = embedded.load_network()
    load = reference_passenger_load(net)
    assert len(load.trains) > 300 and len(load.weights) == 20
    busy = load.busiest_hour("boxtel--best")
    # facts: Boxtel–Eindhoven 10–12 an hour (≈); the 2026 patterns plan 15.3 an hour on average
    assert 4 <= busy[0] <= 17 and 4 <= busy[1] <= 17
    m = ResilienceModel(net, demand_from_dict(DEMAND, net).with_passenger(load))
    # the base keeps (almost) every flow on the crossing it is counted at
    assert m.base.switched_trains_per_day <= 0.02 * m.problem.total_demand
    c = m.case(Failure.of(ops=["zevenaar-grens"]))
    vias = {s.via for s in c.switched if s.nominal == "zevenaar-grens"}
    assert vias <= {"venlo-grens", "oldenzaal-grens", "herzogenrath-grens", "haanrade-grens", "nieuweschans-grens"}
    assert c.switched_trains_per_day > 50 and "zevenaar-grens→" in c.reason
