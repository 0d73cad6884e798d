"""Rolling-stock model: effort curves, resistance, composition, validation."""

import pytest

from railcap.model.errors import ValidationError
from railcap.model.infrastructure import Electrification, LoadingGauge
from railcap.model.rolling_stock import (
    Category, Consist, Davis, EffortCurve, TractionUnit, Traction, TrailingLoad, compose,
)
from railcap.model.samples import straight_section

AC, DC = Electrification.AC_25000, Electrification.DC_1500


def vectron() -> TractionUnit:
    return TractionUnit(
        id="v", name="Vectron", traction=Traction.ELECTRIC, length_m=19.0, mass_kg=90e3,
        max_speed_ms=160 / 3.6,
        efforts={AC: EffortCurve.from_power(300e3, 6.4e6, 160 / 3.6),
                 DC: EffortCurve.from_power(300e3, 5.2e6, 160 / 3.6)},
        davis=Davis.from_specific(90e3, 2.5, 0.0, 7e3), rotating_mass_factor=1.09,
        axle_load_t=22.5)


def test_power_curve_is_adhesion_then_hyperbola():
    c = EffortCurve.from_power(300e3, 6.4e6, 160 / 3.6)
    assert c.at(0.0) == pytest.approx(300e3)
    assert c.at(10.0) == pytest.approx(300e3)  # below the corner speed 21.3 m/s
    assert c.at(100 / 3.6) == pytest.approx(6.4e6 / (100 / 3.6), rel=2e-3)  # 230 kN
    assert c.at(100 / 3.6) == pytest.approx(230e3, rel=0.01)  # the facts file's 230 kN


def test_efforts_add_when_two_units_pull():
    c = EffortCurve.from_power(300e3, 5.2e6, 40.0)
    both = c + c
    assert both.at(25.0) == pytest.approx(2 * 5.2e6 / 25.0, rel=2e-3)


@pytest.mark.parametrize("speeds, efforts", [((1.0, 2.0), (1.0, 1.0)), ((0.0, 0.0), (1.0, 1.0)),
                                             ((0.0,), (1.0, 2.0)), ((0.0, 1.0), (1.0, -1.0))])
def test_bad_effort_curve(speeds, efforts):
    with pytest.raises(ValidationError):
        EffortCurve(speeds, efforts)


def test_specific_resistance_matches_published_2000_t_figure():
    # facts file: "A 2,000 t train: ≈113 kN total at 100 km/h" (wagons 1.4 ‰ + 3.9 ‰,
    # locomotive 2.2–3.5 ‰ plus 5–10 kN air at 100 km/h)
    wagons = Davis.from_specific(2000e3, 1.4, 3.9)  # 2,000 t behind the locomotive
    loco = Davis.from_specific(90e3, 2.5, 0.0, 7e3)
    assert (wagons + loco).at(100 / 3.6) == pytest.approx(113e3, rel=0.03)


def test_compose_adds_up_and_keeps_common_supplies():
    load = TrailingLoad(1600e3, 721.0, Davis.from_specific(1600e3, 1.4, 3.9), 1.04)
    c = compose("i", "Intermodal", Category.FREIGHT, [vectron(), vectron()], load,
                braking_ms2=0.35, loading_gauge=LoadingGauge.GC, max_speed_ms=100 / 3.6)
    assert c.mass_kg == pytest.approx(1780e3)
    assert c.length_m == pytest.approx(759.0)
    assert c.max_speed_ms == pytest.approx(100 / 3.6)
    assert set(c.efforts) == {AC, DC}
    assert c.effort_curve(DC).at(0.0) == pytest.approx(600e3)
    assert 1.04 < c.rotating_mass_factor < 1.09
    assert c.resistance_n(0.0) == pytest.approx(9.81 * (1600e3 * 1.4e-3 + 2 * 90e3 * 2.5e-3))
    assert c.etcs is False  # units not ETCS-equipped
    with pytest.raises(ValidationError, match="no traction under none"):
        c.effort_curve(Electrification.NONE)


def test_compose_refuses_mixed_traction():
    diesel = TractionUnit(
        id="d", name="D", traction=Traction.DIESEL, length_m=20.0, mass_kg=120e3,
        max_speed_ms=33.0, efforts={s: EffortCurve.from_power(400e3, 1.8e6, 33.0)
                                    for s in Electrification},
        davis=Davis(2e3), rotating_mass_factor=1.09, axle_load_t=20.0)
    with pytest.raises(ValidationError, match="mixed"):
        compose("m", "M", Category.FREIGHT, [vectron(), diesel], braking_ms2=0.3,
                loading_gauge=LoadingGauge.G1)


def test_electric_unit_cannot_claim_power_without_catenary():
    with pytest.raises(ValidationError) as e:
        TractionUnit(
            id="e", name="E", traction=Traction.ELECTRIC, length_m=20.0, mass_kg=80e3,
            max_speed_ms=40.0, efforts={Electrification.NONE: EffortCurve((0.0,), (1.0,))},
            davis=Davis(1e3), rotating_mass_factor=1.09, axle_load_t=20.0)
    assert e.value.problems[0].field == "efforts"


def consist(**over) -> Consist:
    args = dict(id="c", name="C", category=Category.FREIGHT, length_m=500.0, mass_kg=1e6,
                max_speed_ms=25.0, traction=Traction.ELECTRIC,
                efforts={AC: EffortCurve((0.0,), (300e3,))}, davis=Davis(1e4),
                rotating_mass_factor=1.05, braking_ms2=0.3, axle_load_t=22.5,
                loading_gauge=LoadingGauge.GC)
    args.update(over)
    return Consist(**args)


@pytest.mark.parametrize("field, value", [("mass_kg", 0.0), ("length_m", -5.0),
                                          ("max_speed_ms", 0.0), ("braking_ms2", 0.0),
                                          ("rotating_mass_factor", 0.9), ("braking_ms2", 5.0),
                                          ("loading_gauge", None)])
def test_consist_validation_names_the_field(field, value):
    with pytest.raises(ValidationError) as e:
        consist(**{field: value})
    p = e.value.problems[0]
    assert p.element == "consist 'c'" and p.field == field


def test_out_of_gauge_needs_no_gauge():
    c = consist(loading_gauge=None, out_of_gauge=True)
    assert c.out_of_gauge


def test_problems_on_section():
    ok = straight_section("a-b", "a", "b", 10_000, electrification=AC)
    assert consist().problems_on(ok) == []
    small = straight_section("a-c", "a", "c", 10_000, electrification=DC,
                             loading_gauge=LoadingGauge.G1, max_train_length_m=400.0,
                             dangerous_goods=False)
    fields = {p.field for p in consist(rid_class="1", axle_load_t=25.0).problems_on(small)}
    assert fields == {"electrification", "loading_gauge", "max_train_length_m",
                      "dangerous_goods", "axle_load"}


def test_only_passenger_trains_use_a_passenger_only_line():
    from railcap.data.rolling_stock import load_catalogue

    hsl = straight_section("h-z", "h", "z", 25_000, 300, electrification=AC, passenger_only=True)
    cat = load_catalogue()
    assert cat.consist("icng-8").problems_on(hsl) == []
    assert [p.field for p in cat.consist("intermodal-740").problems_on(hsl)] == ["passenger_only"]
    assert "passenger_only" in [p.field for p in cat.consist("military-heavy").problems_on(hsl)]
