"""Known answers for the running-time engine."""

import math

import numpy as np
import pytest

from railcap.data.rolling_stock import load_catalogue
from railcap.model.errors import ValidationError
from railcap.model.rolling_stock import Davis, EffortCurve
from railcap.model.samples import corridor, straight_section
from railcap.physics import Allowance, Route, RouteLeg, Stop, balancing_speed_ms, run_time
from railcap.physics.reference import step_by_step_time_s
from railcap.physics.route import shortest_route

from .conftest import AC, DC, ideal_consist, kmh, one_section_route


def speed_at(profile, x):
    return float(np.interp(x, profile.position_m, profile.speed_ms))


def test_constant_acceleration_follows_v2_over_2a(ideal):
    # a = F / m = 0.2 m/s²: v(x) = sqrt(2 a x), t(x) = sqrt(2 x / a)
    p = run_time(one_section_route(20_000, speed_kmh=100), ideal)
    for x in (100.0, 500.0, 1000.0, 1500.0):
        assert speed_at(p, x) == pytest.approx(math.sqrt(0.4 * x), rel=2e-3)
        assert p.times_at(x) == pytest.approx(math.sqrt(2 * x / 0.2), rel=2e-3)
    # the limit 27.78 m/s is reached at v²/2a = 1929 m and held
    assert speed_at(p, 1900.0) < kmh(100)
    assert speed_at(p, 1950.0) == pytest.approx(kmh(100), rel=1e-6)  # next grid point


def test_whole_run_matches_closed_form(ideal):
    # accelerate at a, cruise at v, brake at b: T = L/v + v/2a + v/2b
    length, v, a, b = 20_000.0, kmh(100), 0.2, 0.5
    p = run_time(one_section_route(length, speed_kmh=100), ideal)
    assert p.running_time_s == pytest.approx(length / v + v / (2 * a) + v / (2 * b), abs=0.5)
    assert p.op_times[-1].arrival_s == pytest.approx(p.running_time_s)


def test_never_faster_than_the_limit_or_the_train():
    strong = ideal_consist(effort_n=1e6, max_speed_ms=kmh(90))
    p = run_time(one_section_route(10_000, [(0, 4000, 120), (4000, 6000, 60),
                                            (6000, 10_000, 140)]), strong)
    x = p.position_m
    assert np.all(p.speed_ms <= kmh(90) + 1e-9)
    assert np.all(p.speed_ms[(x >= 4000) & (x <= 6000)] <= kmh(60) + 1e-9)
    assert p.top_speed_ms == pytest.approx(kmh(90))


def test_braking_distance_is_v2_over_2b(ideal):
    length, v, b = 20_000.0, kmh(100), 0.5
    p = run_time(one_section_route(length, speed_kmh=100), ideal)
    d = v * v / (2 * b)  # 772 m
    assert speed_at(p, length - d - 10) == pytest.approx(v)
    for rest in (50.0, 200.0, 600.0):
        assert speed_at(p, length - rest) == pytest.approx(math.sqrt(2 * b * rest), rel=2e-3)


def test_brakes_to_a_lower_limit_before_it_starts(ideal):
    p = run_time(one_section_route(20_000, [(0, 10_000, 100), (10_000, 20_000, 40)]), ideal)
    v1, v2, b = kmh(100), kmh(40), 0.5
    assert speed_at(p, 10_000) == pytest.approx(v2)
    d = (v1 * v1 - v2 * v2) / (2 * b)
    assert speed_at(p, 10_000 - d - 10) == pytest.approx(v1)
    assert speed_at(p, 10_000 - d / 2) == pytest.approx(math.sqrt(v2**2 + b * d), rel=1e-3)


@pytest.mark.parametrize("length_m", [1.0, 500.0])
def test_tail_must_clear_a_lower_limit_before_accelerating(length_m):
    train = ideal_consist(length_m=length_m)
    route = one_section_route(20_000, [(0, 5000, 100), (5000, 6000, 40), (6000, 20_000, 100)])
    p = run_time(route, train)
    release = 6000 + length_m
    assert speed_at(p, release - 1) == pytest.approx(kmh(40))
    # from the release point on: v² = v0² + 2 a d
    for d in (50.0, 300.0):
        assert speed_at(p, release + d) == pytest.approx(math.sqrt(kmh(40) ** 2 + 0.4 * d),
                                                         rel=2e-3)


def test_reversed_section_mirrors_the_speed_bands(ideal):
    bands = [(0, 2000, 40), (2000, 20_000, 100)]
    forward = run_time(one_section_route(20_000, bands), ideal)
    backward = run_time(one_section_route(20_000, bands, reverse=True), ideal)
    assert speed_at(forward, 1500) <= kmh(40) + 1e-9
    assert speed_at(backward, 18_500) <= kmh(40) + 1e-9
    assert speed_at(backward, 1500) > kmh(40)


def test_profile_shape_and_block_times(ideal):
    route = shortest_route(corridor(), "p", "x")
    p = run_time(route, ideal)
    assert np.all(np.diff(p.position_m) >= 0) and np.all(np.diff(p.time_s) > 0)
    assert p.position_m[0] == 0.0 and p.position_m[-1] == pytest.approx(route.length_m)
    assert len(p.block_times_s) == len(route.block_boundaries_m)
    assert np.all(np.diff(p.block_times_s) > 0)
    assert [o.op_id for o in p.op_times] == ["p", "y", "j", "x"]
    assert np.allclose(p.times_at([o.position_m for o in p.op_times]),
                       [o.arrival_s for o in p.op_times])


def test_intermediate_stop_and_dwell(ideal):
    route = shortest_route(corridor(), "p", "x")
    through = run_time(route, ideal)
    p = run_time(route, ideal, stops=[Stop("p"), Stop("y", 90), Stop("x", 30)])
    y = p.op_times[1]
    assert y.stops and y.departure_s == pytest.approx(y.arrival_s + 90)
    assert speed_at(p, 20_000) == 0.0
    assert p.journey_time_s == pytest.approx(p.running_time_s + 90)
    assert p.running_time_s > through.running_time_s  # stopping costs time
    assert p.times_at(20_000, departure=True) == pytest.approx(y.departure_s)
    assert p.op_times[-1].departure_s == pytest.approx(p.op_times[-1].arrival_s + 30)


def test_allowance(ideal):
    route = shortest_route(corridor(), "p", "x")  # 60 km
    base = run_time(route, ideal).running_time_s
    assert run_time(route, ideal, allowance=Allowance(percent=5)).running_time_s == \
        pytest.approx(base * 1.05)
    assert run_time(route, ideal, allowance=Allowance(min_per_100km=3)).running_time_s == \
        pytest.approx(base + 3 * 60 * 0.6)


def test_energy_without_resistance_is_kinetic_energy(ideal):
    p = run_time(one_section_route(20_000, speed_kmh=100), ideal)
    assert p.energy_j == pytest.approx(0.5 * 500e3 * kmh(100) ** 2, rel=5e-3)


def test_energy_includes_resistance_and_climbing():
    train = ideal_consist(davis=Davis(20e3))
    route = one_section_route(20_000, speed_kmh=100, gradient_permille=2.0)
    p = run_time(route, train)
    expected = 0.5 * 500e3 * kmh(100) ** 2 + (20e3 + 500e3 * 9.81 * 0.002) * 20_000
    # braking at the end gives back nothing; resistance is overcome by the brakes there
    assert expected * 0.95 < p.energy_j < expected


# ---------------------------------------------------------------- the published freight figure


def published_freight_train():
    """Facts file: 1,440 t, 512 m; 300 kN at 0, 272 kN at 80, 230 kN at 100 km/h;
    resistance ≈110.7 kN at 100 km/h; braking 0.3 m/s²."""
    mass = 1440e3
    a = mass * 9.81 * 1.4e-3  # roller-bearing f0 = 1.4 ‰
    c = (110.7e3 - a) / kmh(100) ** 2  # the speed-dependent part through the published total
    curve = EffortCurve((0.0, kmh(80), kmh(100)), (300e3, 272e3, 230e3))
    return ideal_consist(mass_kg=mass, length_m=512.0, braking_ms2=0.3, max_speed_ms=kmh(120),
                         efforts={AC: curve}, davis=Davis(a, 0.0, c), rotating_mass_factor=1.06)


def test_published_freight_train_resistance_and_balancing_speed():
    train = published_freight_train()
    assert train.resistance_n(kmh(100)) == pytest.approx(110.7e3)
    # with 119.3 kN to spare at 100 km/h the train balances there on (230-110.7) kN / (m g)
    grade = (230e3 - 110.7e3) / (1440e3 * 9.81) * 1000  # 8.45 ‰
    assert balancing_speed_ms(train, AC, grade) == pytest.approx(kmh(100), abs=0.05)
    assert balancing_speed_ms(train, AC, 0.0) > kmh(100)
    # on a long climb of that grade it creeps up to, never past, 100 km/h
    p = run_time(one_section_route(40_000, speed_kmh=120, gradient_permille=grade,
                                   electrification=AC), train)
    assert kmh(97) < p.top_speed_ms <= kmh(100) + 0.05


def test_acceleration_agrees_with_plain_time_stepping():
    train = published_freight_train()
    route = one_section_route(30_000, [(0, 12_000, 100), (12_000, 14_000, 60),
                                       (14_000, 30_000, 100)], electrification=AC,
                              gradient_permille=3.0)
    fast = run_time(route, train).running_time_s
    assert fast == pytest.approx(step_by_step_time_s(route, train, dt_s=0.1), rel=2e-3)


def test_catalogue_trains_agree_with_time_stepping():
    cat, route = load_catalogue(), shortest_route(corridor(), "p", "x")
    for cid in ("intermodal-740", "icng-5", "military-heavy"):
        c = cat.consist(cid)
        assert run_time(route, c).running_time_s == pytest.approx(
            step_by_step_time_s(route, c, dt_s=0.1), rel=2e-3), cid


def test_heavy_train_is_slower_under_dc_than_ac():
    # one Vectron, 1,690 t: 6.4 MW under AC holds 100 km/h on 8 ‰, 5.2 MW under DC does not
    heavy = load_catalogue().consist("intermodal-740")
    assert balancing_speed_ms(heavy, DC, 8.0) < kmh(95)
    times = {s: run_time(one_section_route(30_000, speed_kmh=100, electrification=s,
                                           gradient_permille=8.0), heavy).running_time_s
             for s in (AC, DC)}
    assert times[DC] > times[AC] + 30


def test_entering_a_weaker_supply_fast_slows_down_gradually():
    # AC at 100 km/h, then DC uphill where the balancing speed is lower
    train = load_catalogue().consist("intermodal-740")
    ac = straight_section("a-b", "a", "b", 20_000, 100, electrification=AC)
    dc = straight_section("b-c", "b", "c", 20_000, 100, electrification=DC, gradient_permille=8)
    v_bal = balancing_speed_ms(train, DC, 8.0)
    p = run_time(Route((RouteLeg(ac), RouteLeg(dc))), train)
    v_in = speed_at(p, 20_000)
    assert v_in > v_bal + 1
    assert v_bal < speed_at(p, 21_000) < v_in  # no jump: it loses speed over distance
    assert speed_at(p, 35_000) == pytest.approx(v_bal, abs=0.1)


# ---------------------------------------------------------------- errors


def test_electric_train_on_non_electrified_section_names_it():
    route = shortest_route(corridor(), "j", "t")
    with pytest.raises(ValidationError) as e:
        run_time(route, load_catalogue().consist("intermodal-740"))
    p = e.value.problems[0]
    assert p.element == "section 'j-t'" and p.field == "electrification"
    assert run_time(route, load_catalogue().consist("empty-return")).running_time_s > 0


def test_too_heavy_for_the_gradient_names_section_and_forces():
    route = one_section_route(10_000, gradient_permille=30.0, electrification=DC)
    with pytest.raises(ValidationError) as e:
        run_time(route, load_catalogue().consist("bulk-heavy"))
    p = e.value.problems[0]
    assert p.element == "section 'a-b'" and p.field == "gradient_permille"
    assert "cannot move up 30 ‰" in p.reason and "kN" in p.reason


def test_stops_must_start_and_end_at_the_route_ends(ideal):
    route = shortest_route(corridor(), "p", "x")
    with pytest.raises(ValidationError, match="origin"):
        run_time(route, ideal, stops=[Stop("y"), Stop("x")])
    with pytest.raises(ValidationError, match="destination"):
        run_time(route, ideal, stops=[Stop("p"), Stop("j")])
    with pytest.raises(ValidationError, match="dwell_s"):
        run_time(route, ideal, stops=[Stop("p"), Stop("y", -5), Stop("x")])


def test_bad_allowance():
    with pytest.raises(ValidationError):
        Allowance(percent=-1)


def test_a_run_shorter_than_one_grid_step_takes_finite_time():
    """Two stops 24 m apart (as Duivendrecht–Bijlmer ArenA in the registry): the train moves."""
    from railcap.model.samples import straight_section
    from railcap.physics.route import Route, RouteLeg
    from railcap.physics.running_time import run_time
    from railcap.data.rolling_stock import load_catalogue

    route = Route((RouteLeg(straight_section("a-b", "a", "b", 24.0, block_m=24.0)),))
    prof = run_time(route, load_catalogue().consist("empty-return"))
    assert 0 < prof.running_time_s < 60


def test_dwell_at_a_stop_whose_position_is_not_a_whole_millimetre(ideal):
    """Stop positions are kept to the mm like the grid; the departure time there must still
    include the dwell (it was lost when the point lay 0.4 mm off, and blocking times crawled)."""
    a = straight_section("a-y", "a", "y", 20_000.0004, 100)
    b = straight_section("y-x", "y", "x", 10_000.0, 100)
    route = Route((RouteLeg(a, False), RouteLeg(b, False)))
    p = run_time(route, ideal, stops=[Stop("a"), Stop("y", 300), Stop("x")])
    y = p.op_times[1]
    assert y.stops and y.departure_s == pytest.approx(y.arrival_s + 300)
