"""Small hand-built consists and routes with answers that can be worked out by hand."""

from dataclasses import replace

import pytest

from railcap.model.infrastructure import Electrification, LoadingGauge, Network, SpeedBand
from railcap.model.rolling_stock import Category, Consist, Davis, EffortCurve, Traction
from railcap.model.samples import op, straight_section
from railcap.physics.route import Route, RouteLeg

AC, DC, NONE = Electrification.AC_25000, Electrification.DC_1500, Electrification.NONE


def kmh(v: float) -> float:
    return v / 3.6


def ideal_consist(effort_n: float = 100e3, mass_kg: float = 500e3, braking_ms2: float = 0.5,
                  length_m: float = 0.0 + 1.0, max_speed_ms: float = kmh(200), **over) -> Consist:
    """Constant tractive effort, no resistance, no rotating mass: a = F / m exactly."""
    args = dict(id="ideal", name="ideal", category=Category.FREIGHT, length_m=length_m,
                mass_kg=mass_kg, max_speed_ms=max_speed_ms, traction=Traction.ELECTRIC,
                efforts={s: EffortCurve((0.0,), (effort_n,)) for s in (AC, DC)},
                davis=Davis(0.0), rotating_mass_factor=1.0, braking_ms2=braking_ms2,
                axle_load_t=20.0, loading_gauge=LoadingGauge.G1)
    args.update(over)
    return Consist(**args)


def one_section_route(length_m: float, bands: list[tuple[float, float, float]] | None = None,
                      speed_kmh: float = 100.0, reverse: bool = False, **attrs) -> Route:
    """A route over one section; ``bands`` as (start_m, end_m, speed_kmh)."""
    s = straight_section("a-b", "a", "b", length_m, speed_kmh, **attrs)
    if bands:
        s = replace(s, speed_bands=tuple(SpeedBand(a, b, kmh(v)) for a, b, v in bands))
    return Route((RouteLeg(s, reverse),))


def line_network(*sections) -> Network:
    ids = {o for s in sections for o in (s.from_op, s.to_op)}
    return Network.of([op(i) for i in sorted(ids)], sections)


@pytest.fixture
def ideal():
    return ideal_consist()
