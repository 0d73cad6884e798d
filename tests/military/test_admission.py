"""Exceptional transport: the conditions per section, and how the search and blocking times follow them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from railcap.data.rolling_stock import load_catalogue
from railcap.model.admission import (
    ADJACENT_FREE, NOT_PERMITTED, REDUCED_PLATFORMS, REDUCED_SPEED_KMH, REDUCED_STRUCTURES, exceptional_network,
    passage, section_problems,
)
from railcap.model.errors import ValidationError
from railcap.model.infrastructure import LoadingGauge, OutOfGaugeRule, Structure
from railcap.model.samples import corridor

CAT = load_catalogue()


def _sec(gauge: str, tracks: int = 2, structures=(), rules=()):
    base = corridor().sections["y-j"]
    return replace(base, loading_gauge=LoadingGauge(gauge), track_count=tracks,
                   structures=tuple(structures), out_of_gauge_rules=tuple(rules))


@pytest.mark.parametrize("gauge, cls, expected", [
    ("GC", 1, ()),
    ("GC", 3, (ADJACENT_FREE, REDUCED_PLATFORMS)),
    ("GB", 1, (REDUCED_PLATFORMS,)),
    ("GB", 3, (ADJACENT_FREE, REDUCED_PLATFORMS)),  # no structure on it: no speed limit for one
    ("G1", 1, (ADJACENT_FREE, REDUCED_PLATFORMS)),
    ("G1", 2, (NOT_PERMITTED,)),
])
def test_the_class_and_the_section_gauge_decide_the_conditions(gauge, cls, expected):
    assert passage(_sec(gauge), cls).conditions == expected


def test_structures_slow_the_load_only_where_there_is_one_overhead():
    bridge = Structure("steel_bridge", 100.0, 180.0)
    assert REDUCED_STRUCTURES in passage(_sec("GB", structures=[bridge]), 3).conditions
    crossing = Structure("level_crossing", 100.0, 110.0)
    assert REDUCED_STRUCTURES not in passage(_sec("GB", structures=[crossing]), 3).conditions


def test_single_track_has_no_adjacent_track_to_keep_free():
    assert ADJACENT_FREE not in passage(_sec("GB", tracks=1), 3).conditions


def test_a_named_structure_shuts_the_section_from_its_class_on():
    rule = OutOfGaugeRule(2, NOT_PERMITTED, "Schipholtunnel (P [verify])")
    sec = _sec("GB", rules=[rule])
    assert passage(sec, 1).permitted
    assert not passage(sec, 2).permitted
    heavy = CAT.consist("military-heavy")
    problems = section_problems(heavy.needs, sec)
    assert [p.field for p in problems] == ["out_of_gauge"] and "Schipholtunnel" in problems[0].reason


def test_an_out_of_gauge_train_is_not_barred_from_the_mixed_network():
    heavy = CAT.consist("military-heavy")
    assert heavy.oog_class == 3
    assert section_problems(heavy.needs, _sec("GB")) == []
    assert [p.field for p in section_problems(heavy.needs, _sec("G1"))] == ["out_of_gauge"]


def test_the_class_must_be_1_to_3_and_only_for_out_of_gauge_trains():
    heavy = CAT.consist("military-heavy")
    with pytest.raises(ValidationError, match="out_of_gauge_class"):
        replace(heavy, out_of_gauge_class=5)
    with pytest.raises(ValidationError, match="out_of_gauge_class"):
        replace(CAT.consist("intermodal-650"), out_of_gauge_class=1)


def test_the_network_as_the_load_runs_it_is_slower_along_platforms_and_holds_the_adjacent_track():
    net = corridor()
    view = exceptional_network(net, 3)
    assert set(view.sections) == set(net.sections)
    assert exceptional_network(net, 3) is view  # built once
    for sid, sec in view.sections.items():
        p = passage(net.sections[sid], 3)
        if not p.permitted:
            continue  # the load never runs there; the admission rule keeps it out
        assert sec.wide_load_blocks_adjacent == p.adjacent_free
        ends = [o for o in (sec.from_op, sec.to_op) if net.ops[o].passenger_station]
        if ends and REDUCED_PLATFORMS in p.conditions:
            assert min(b.speed_ms for b in sec.speed_bands) <= REDUCED_SPEED_KMH / 3.6 + 1e-9
        assert sec.speed_bands[0].start_m == 0.0 and abs(sec.speed_bands[-1].end_m - sec.length_m) < 1e-6
