"""Path search on the full reference weekday: the required cases, random requests, bad requests."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pathing.checks import assert_valid
from railcap.data.rolling_stock import load_catalogue, load_consist_file
from railcap.model.errors import ValidationError
from railcap.pathing import Planner, make_request

CAT = load_catalogue()


@pytest.fixture(scope="module")
def planner(day):
    net, tt, occ = day
    return Planner(net, tt, catalogue=load_catalogue(), base=occ)


def plan(planner, origin, destination, consist, depart_s, **kw):
    req = make_request(planner.net, origin=origin, destination=destination, consist=CAT.consist(consist),
                       earliest_departure_s=depart_s, **kw)
    return planner.plan(req)


def test_military_heavy_from_the_maasvlakte_to_the_emmerich_border(planner):
    result = plan(planner, "Maasvlakte", "zevenaar-grens", "military-heavy", 14 * 3600, priority="military")
    assert result.found
    assert_valid(planner, result)
    assert all(leg.section.loading_gauge.value == "GC" for leg in result.paths[0].route.legs)


def test_military_ammunition_from_vlissingen_to_the_venlo_border(planner):
    result = plan(planner, "Vlissingen Sloehaven", "venlo-grens", "military-ammunition", 10 * 3600,
                  priority="military")
    assert result.found
    assert_valid(planner, result)


def test_740_m_intermodal_from_kijfhoek_to_oldenzaal(planner):
    result = plan(planner, "Kijfhoek", "oldenzaal-grens", "intermodal-740", 8 * 3600, alternatives=2)
    assert result.found
    for path in result.paths:
        assert_valid(planner, result, path)


def test_740_m_over_the_venlo_border_fails_with_the_reason(planner):
    result = plan(planner, "Kijfhoek", "venlo-grens", "intermodal-740", 8 * 3600)
    assert not result.found
    text = result.explanation.summary
    assert "max_train_length_m" in text and "650 m" in text and "venlo" in text


def test_a_border_window_is_met(planner):
    result = plan(planner, "Kijfhoek", "zevenaar-grens", "intermodal-650", 9 * 3600,
                  windows=[("zevenaar-grens", 12 * 3600, 12 * 3600 + 1800)])
    assert result.found
    assert_valid(planner, result)


def test_a_window_that_cannot_be_met_is_explained(planner):
    result = plan(planner, "Kijfhoek", "zevenaar-grens", "intermodal-650", 9 * 3600,
                  windows=[("zevenaar-grens", 9 * 3600 + 600, 9 * 3600 + 1200)])
    assert not result.found
    assert "cannot be met" in result.explanation.summary


def test_military_priority_displaces_freight_and_reports_it(planner):
    result = plan(planner, "Maasvlakte", "zevenaar-grens", "military-heavy", 14 * 3600, priority="military",
                  accept_delay_s=0.0)
    assert result.found and result.stage == "freight displaced"
    assert result.hindrance and {h.train_class for h in result.hindrance} == {"freight"}
    assert all(h.rule.startswith("military priority, step 2") for h in result.hindrance)
    assert_valid(planner, result)
    totals = result.hindrance_totals()["freight"]
    assert totals["trains"] == len(result.hindrance)


def test_passenger_trains_are_not_touched_without_leave(planner):
    kw = dict(priority="military", windows=[("venlo-grens", 12 * 3600, 12 * 3600 + 1800)])
    strict = plan(planner, "Vlissingen Sloehaven", "venlo-grens", "military-ammunition", 10 * 3600, **kw)
    if strict.found:
        assert all(h.train_class != "passenger" or h.action == "retimed" for h in strict.hindrance)
        assert all(h.delay_s == 0 for h in strict.hindrance if h.train_class == "passenger")
        return
    assert "passenger" in strict.explanation.summary
    allowed = plan(planner, "Vlissingen Sloehaven", "venlo-grens", "military-ammunition", 10 * 3600,
                   may_cancel_passenger=True, **kw)
    assert allowed.found
    assert any(h.action == "cancelled" and h.train_class == "passenger" for h in allowed.hindrance)
    assert_valid(planner, allowed)


ORIGINS = ["maasvlakte-2", "kijfhoek", "rotterdam-europoort-4", "botlek", "venlo-tradeport", "tilburg-de-loven",
           "vlissingen-sloehaven", "moerdijk-industrieterrein"]
BORDERS = ["zevenaar-grens", "oldenzaal-grens", "venlo-grens", "roosendaal-grens", "nieuweschans-grens"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(origin=st.sampled_from(ORIGINS), destination=st.sampled_from(BORDERS),
       consist=st.sampled_from(["intermodal-650", "empty-return", "bulk-heavy", "military-ammunition"]),
       depart_min=st.integers(0, 22 * 60))
def test_random_requests_never_conflict_nor_break_a_rule(planner, origin, destination, consist, depart_min):
    result = plan(planner, origin, destination, consist, depart_min * 60.0, alternatives=2)
    if not result.found:
        assert result.explanation is not None and result.explanation.summary
        return
    for path in result.paths:
        assert_valid(planner, result, path)


def problems_of(exc: ValidationError) -> set[str]:
    return {p.field for p in exc.problems}


def test_bad_requests_get_clear_errors(planner, tmp_path):
    net, c = planner.net, CAT.consist("intermodal-650")
    with pytest.raises(ValidationError) as e:
        make_request(net, origin="Atlantis", destination="zevenaar-grens", consist=c, earliest_departure_s=0)
    assert problems_of(e.value) == {"from"}
    with pytest.raises(ValidationError) as e:
        make_request(net, origin="kijfhoek", destination="zevenaar-grens", consist=c, earliest_departure_s=0,
                     windows=[("zevenaar-grens", 3600, 1800)])
    assert problems_of(e.value) == {"window[0]"}
    with pytest.raises(ValidationError) as e:
        make_request(net, origin="kijfhoek", destination="zevenaar-grens", consist=c,
                     earliest_departure_s=7200, latest_arrival_s=3600)
    assert problems_of(e.value) == {"arrive_before"}
    spec = {"id": "too-heavy", "name": "one Class 66, 60,000 t", "category": "freight", "units": ["class-66"],
            "braking_ms2": 0.3, "loading_gauge": "G1", "max_speed_kmh": 80,
            "trailing": {"length_m": 700, "mass_t": 60000, "axle_load_t": 22.5, "rotating_mass_factor": 1.04,
                         "resistance": {"f0_permille": 1.4, "f2_permille": 3.9, "air_kn_at_100kmh": 0.0}}}
    (tmp_path / "heavy.json").write_text(json.dumps(spec))
    heavy = load_consist_file(tmp_path / "heavy.json")
    with pytest.raises(ValidationError) as e:
        make_request(net, origin="kijfhoek", destination="zevenaar-grens", consist=heavy, earliest_departure_s=0)
    assert problems_of(e.value) == {"mass_kg"}
