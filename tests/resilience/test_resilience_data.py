"""The embedded Dutch demand and scenario files: sourced, consistent with the facts, valid on the network."""

import json

import pytest

from railcap.resilience.embedded import demand_file, scenarios_file

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
