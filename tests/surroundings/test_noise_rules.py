"""Rules that hold exactly: flows add as energies, bands sum, periods and Lden; added and moved trains."""

from __future__ import annotations

import math

import numpy as np
import pytest

from railcap.model.errors import ValidationError
from railcap.services import surroundings as svc
from railcap.surroundings.cnossos import (
    A_WEIGHTING_DB, a_weighted_total_db, energy, level, line_power_db, vehicle_sound_power_db,
)
from railcap.surroundings.noise import PERIODS, Passage, Period, lden_db, period_of_hour

TEN_LG_2 = 10 * math.log10(2)
SECTION_A = "meteren-aansl--kijfhoek"  # Betuweroute, 120 km/h
SECTION_B = "boxtel--best"  # Brabantroute, 140 km/h


@pytest.fixture(scope="module")
def s():
    return svc.load()


def test_doubling_the_trains_adds_10_lg_2(s) -> None:
    one = s.model.emission([Passage(SECTION_B, "intermodal-740", Period.NIGHT, 100.0, 1.0)])[SECTION_B]
    two = s.model.emission([Passage(SECTION_B, "intermodal-740", Period.NIGHT, 100.0, 2.0)])[SECTION_B]
    assert two.level_dba(Period.NIGHT) - one.level_dba(Period.NIGHT) == pytest.approx(TEN_LG_2, abs=1e-9)
    # two passages of one train each are the same as one of two
    pair = s.model.emission([Passage(SECTION_B, "intermodal-740", Period.NIGHT, 100.0, 1.0)] * 2)[SECTION_B]
    assert pair.level_dba(Period.NIGHT) == pytest.approx(two.level_dba(Period.NIGHT), abs=1e-9)


def test_the_total_is_the_energy_sum_of_the_a_weighted_bands(s) -> None:
    bands = vehicle_sound_power_db(s.model.tables, s.model.makeups["virm-6"].vehicles[0][0], s.model.track_of(""),
                                   130.0)
    per_band = level(energy(bands).sum(axis=0))  # sources A and B
    expected = 10 * math.log10(sum(10 ** ((L + a) / 10) for L, a in zip(per_band, A_WEIGHTING_DB)))
    assert a_weighted_total_db(per_band) == pytest.approx(expected, abs=1e-9)
    assert a_weighted_total_db(per_band) > max(per_band + A_WEIGHTING_DB)  # a sum exceeds its largest term


def test_period_levels_and_lden(s) -> None:
    day = s.model.emission([Passage(SECTION_B, "slt-6", Period.DAY, 120.0)])[SECTION_B].level_dba(Period.DAY)
    night = s.model.emission([Passage(SECTION_B, "slt-6", Period.NIGHT, 120.0)])[SECTION_B].level_dba(Period.NIGHT)
    assert night - day == pytest.approx(10 * math.log10(12 / 8), abs=1e-9)  # the same train over 8 h instead of 12 h
    # traffic at the same hourly rate all day: Lden = L + 10·lg((12 + 4·10^0.5 + 8·10) / 24)
    assert lden_db({Period.DAY: 70.0, Period.EVENING: 70.0, Period.NIGHT: 70.0}) == pytest.approx(
        70.0 + 10 * math.log10((12 + 4 * 10 ** 0.5 + 8 * 10) / 24), abs=1e-9)
    assert [period_of_hour(h) for h in (6.99, 7.0, 18.99, 19.0, 22.99, 23.0, 0.0)] == [
        Period.NIGHT, Period.DAY, Period.DAY, Period.EVENING, Period.EVENING, Period.NIGHT, Period.NIGHT]
    assert sum(p.hours for p in PERIODS) == 24


def _night_change_by_formula(s, section: str, consist: str, count: int, speed_kmh: float) -> float:
    """ΔL_night from L_W' = L_W,0 + 10·lg(Q / (1000 v)), each vehicle type with its own Q over the 8 night hours."""
    before = s.model.emission(s.base_passages)[section].level_dba(Period.NIGHT)
    track = s.model.track_of(section)
    added = 0.0
    for vehicle, n in s.model.makeups[consist].vehicles:
        lw0 = energy(vehicle_sound_power_db(s.model.tables, vehicle, track, speed_kmh)).sum(axis=0)
        added += 10 ** (a_weighted_total_db(line_power_db(level(lw0), count * n / 8.0, speed_kmh)) / 10)
    return 10 * math.log10(10 ** (before / 10) + added) - before


def test_ten_freight_trains_at_night_raise_the_level_by_the_formula_and_move_with_them(s) -> None:
    sec = s.network.sections[SECTION_A]
    trains = svc.AddedTrains("intermodal-740", 10, 23.5, (sec.from_op, sec.to_op))
    report = svc.change_of_runs(added_trains=[trains])
    changed = {c.section_id: c for c in report.noise}
    assert set(changed) == {SECTION_A}
    speed = min(3.6 * sec.max_speed_ms, s.max_speed_kmh["intermodal-740"])
    assert changed[SECTION_A].change_db["night"] == pytest.approx(
        _night_change_by_formula(s, SECTION_A, "intermodal-740", 10, speed), abs=0.01)
    assert changed[SECTION_A].change_db["day"] == 0.0
    assert changed[SECTION_A].trains_after["night"] - changed[SECTION_A].trains_before["night"] == 10
    # moved to another section: the change goes with them
    other = s.network.sections[SECTION_B]
    moved = svc.change_of_runs(added_trains=[svc.AddedTrains("intermodal-740", 10, 23.5, (other.from_op, other.to_op))])
    assert {c.section_id for c in moved.noise} == {SECTION_B}
    assert moved.noise[0].change_db["night"] == pytest.approx(
        _night_change_by_formula(s, SECTION_B, "intermodal-740", 10, min(140.0, 100.0)), abs=0.01)
    assert moved.noise[0].exceeds_threshold == (moved.noise[0].change_db["lden"] > 0.5)


def test_removing_and_adding_a_run_back_changes_nothing(s) -> None:
    run = next(r for r in s.runs if r.train_class == "freight")
    report = svc.change_of_runs(added_runs=[run], removed_run_ids=[run.id])
    assert report.noise == [] and report.dangerous_goods == []
    gone = svc.change_of_runs(removed_run_ids=[run.id])
    assert gone.noise and all(c.lden_change_db < 0 for c in gone.noise)


@pytest.mark.parametrize("record, field", [
    ({"consist": "tgv-duplex", "count": 1, "hour": 2, "route": ["kijfhoek", "dordrecht"]}, "consist"),
    ({"consist": "intermodal-740", "count": -3, "hour": 2, "route": ["kijfhoek", "dordrecht"]}, "count"),
    ({"consist": "intermodal-740", "count": 3, "hour": 24, "route": ["kijfhoek", "dordrecht"]}, "hour"),
    ({"consist": "intermodal-740", "count": 3, "hour": "49:10", "route": ["kijfhoek", "dordrecht"]}, "hour"),
    ({"consist": "intermodal-740", "count": 3, "hour": "23:75", "route": ["kijfhoek", "dordrecht"]}, "hour"),
    ({"consist": "intermodal-740", "count": 3, "hour": -1, "route": ["kijfhoek", "dordrecht"]}, "hour"),
    ({"consist": "intermodal-740", "count": 3, "hour": 2, "route": ["kijfhoek", "atlantis"]}, "route"),
    ({"consist": "intermodal-740", "count": 3, "hour": 2, "route": ["kijfhoek", "dordrecht"], "rid_class": "11"},
     "rid_class"),
])
def test_bad_added_trains_name_the_field(record, field) -> None:
    with pytest.raises(ValidationError) as exc:
        svc.parse_added_trains([record], "trains.json")
    assert [p.field for p in exc.value.problems] == [field]
    assert "trains.json [0]" in exc.value.problems[0].element


def test_a_period_outside_the_day_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        period_of_hour(24.0)
    assert exc.value.problems[0].field == "hour"


def test_reference_day_levels_are_ordered_and_plausible() -> None:
    day = svc.reference_day()
    assert len(day) > 400
    lden = [d.levels_dba["lden"] for d in day]
    assert lden == sorted(lden, reverse=True)
    # a busy main line emits L_W' ≈ 80–95 dB(A)/m (Lden); nothing is wildly off
    assert 80.0 < lden[0] < 100.0 and min(lden) > 40.0
    assert np.isclose(day[0].lden_at_25m_dba, lden[0] - 10 * math.log10(math.pi * 25), atol=0.011)


def test_a_night_train_through_a_town_is_reported_as_such(s) -> None:
    sec = s.network.sections[SECTION_B]  # Boxtel – Best: both ends are stations
    assert SECTION_B in s.built_up
    night = svc.change_of_runs(added_trains=[svc.AddedTrains("military-heavy", 1, 2.0, (sec.from_op, sec.to_op))])
    day = svc.change_of_runs(added_trains=[svc.AddedTrains("military-heavy", 1, 12.0, (sec.from_op, sec.to_op))])
    assert [c.section_id for c in night.louder_at_night_in_towns] == [SECTION_B]
    assert day.louder_at_night_in_towns == []
    assert night.summary()["sections_louder_at_night_in_towns"] == 1
