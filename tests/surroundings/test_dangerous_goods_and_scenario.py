"""Dangerous goods by RID class, and the Emmerich closure through the resilience engine."""

from __future__ import annotations

import pytest

from railcap.model.errors import ValidationError
from railcap.model.samples import corridor
from railcap.model.timetable import Leg, PassingPoint, TrainClass, TrainRun
from railcap.services import surroundings as svc
from railcap.services.surroundings_scenario import scenario_change
from railcap.surroundings import dangerous_goods as dg


def _run(rid: str, dep: float, consist: str = "intermodal-740") -> TrainRun:
    return TrainRun(rid, TrainClass.FREIGHT, consist, (Leg("p-y"), Leg("y-j")),
                    (PassingPoint("p", dep, dep), PassingPoint("y", dep + 900, dep + 900),
                     PassingPoint("j", dep + 2000, dep + 2000)))


def test_shares_become_whole_trains_spread_over_the_day() -> None:
    runs = [_run(f"r{i}", 3600 * i) for i in range(8)] + [_run("ammo", 100, "military-ammunition")]
    flows = [dg.FlowShares("p", "*", {"3": 0.25, "2": 0.125})]
    classes = dg.assign_classes(runs, flows, {"military-ammunition": "1"})
    assert classes == {"r0": "3", "r1": "2", "r4": "3", "ammo": "1"}
    c = dg.counts(dg.passages_of_runs(runs, classes))
    assert c["p-y"] == {"3": 2.0, "2": 1.0, "1": 1.0} == c["y-j"]


def test_changes_are_flagged_in_built_up_areas_and_over_a_ceiling() -> None:
    net = corridor()
    ceiling = dg.Ceiling("Y-J", frozenset({"y-j"}), 2.0)
    changes = dg.compare({"y-j": {"3": 2.0}, "p-y": {"3": 1.0}}, {"y-j": {"3": 3.0}, "p-y": {"3": 2.0}},
                         built_up=frozenset({"p-y"}), ceilings=[ceiling])
    by = {c.section_id: c for c in changes}
    assert by["y-j"].over_ceiling and by["y-j"].flagged and not by["y-j"].built_up
    assert by["p-y"].flagged and by["p-y"].change == 1.0 and not by["p-y"].over_ceiling
    assert dg.built_up_sections(net) == frozenset(s for s, x in net.sections.items()
                                                  if net.ops[x.from_op].passenger_station
                                                  or net.ops[x.to_op].passenger_station)


def test_bad_shares_and_classes_name_the_field() -> None:
    with pytest.raises(ValidationError) as exc:
        dg.FlowShares("a", "b", {"3": 1.5})
    assert exc.value.problems[0].field == "shares.3"
    with pytest.raises(ValidationError) as exc:
        dg.check_rid_class("10", "x")
    assert exc.value.problems[0].field == "rid_class"


def test_the_reference_day_carries_dangerous_goods_where_the_flows_run() -> None:
    s = svc.load()
    counts = svc.reference_dangerous_goods()
    assert set(s.classes.values()) <= set(dg.RID_CLASSES)
    assert sum(counts["meteren-aansl--kijfhoek"].values()) > 10  # the Betuweroute carries them
    assert all(v >= 0 for by in counts.values() for v in by.values())


def test_emmerich_closure_moves_noise_and_dangerous_goods_off_the_betuweroute() -> None:
    report = scenario_change("emmerich-closed")
    by = {c.section_id: c for c in report.noise}
    assert by["zevenaar--zevenaar-grens"].change_db["lden"] < -5.0  # the border section loses its freight
    assert by["ressen-bemmel--meteren-aansl"].change_db["lden"] < -1.0
    louder = [c for c in report.noise if c.exceeds_threshold]
    assert louder and all(c.lden_change_db > 0.5 for c in louder)
    dgc = {c.section_id: c for c in report.dangerous_goods}
    assert dgc["zevenaar--zevenaar-grens"].change < 0
    assert any(c.change > 0 and c.built_up for c in report.dangerous_goods)
    assert report.summary()["noise_ceilings"] == "none configured"
    with pytest.raises(ValidationError) as exc:
        scenario_change("atlantis-flooded")
    assert exc.value.problems[0].field == "name"
