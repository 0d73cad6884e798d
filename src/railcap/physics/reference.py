"""A plain-Python, step-by-step running-time integrator: the baseline to check and time against.

Classic time stepping (the time-step method of [BD], see ``formulary``): at every step the
train accelerates with full traction, ``a = (F(v) − R(v) − m·g·i) / (m·ξ)``,
and is then held to the speed limit under the whole train and to the braking
curve of every lower limit ahead. No numpy in the loop on purpose: this is
what a straightforward implementation costs. Stops only at origin and
destination; no allowance.
"""

from __future__ import annotations

import math

from railcap.model.rolling_stock import Consist
from railcap.physics.formulary import gradient_force_n
from railcap.physics.route import Route


def _limits(route: Route, consist: Consist) -> list[tuple[float, float, float]]:
    """(start_m, release_m, speed_ms) per band: it binds the head until the tail has left it."""
    starts, ends, speeds = route.speed_bands_m
    return [(float(s), float(e) + consist.length_m, min(float(v), consist.max_speed_ms))
            for s, e, v in zip(starts, ends, speeds)]


def _cap(limits, x: float) -> float:
    return min((v for s, r, v in limits if s <= x < r), default=math.inf)


def _braking_cap(limits, x: float, end_m: float, b: float) -> float:
    best = math.sqrt(2.0 * b * max(end_m - x, 0.0))
    for s, _, v in limits:
        if s > x:
            best = min(best, math.sqrt(v * v + 2.0 * b * (s - x)))
    return best


def step_by_step_time_s(route: Route, consist: Consist, dt_s: float = 1.0) -> float:
    """Running time origin → destination by explicit time steps of ``dt_s``."""
    limits = _limits(route, consist)
    legs = [(float(x0), float(x0 + leg.length_m), consist.effort_curve(leg.electrification),
             gradient_force_n(consist.mass_kg, leg.gradient_permille))
            for leg, x0 in zip(route.legs, route.leg_starts_m)]
    end_m = route.length_m
    m_eff = consist.effective_mass_kg
    b = consist.braking_ms2
    x = v = t = 0.0
    k = 0
    while x < end_m - 0.01:
        while x >= legs[k][1] and k < len(legs) - 1:
            k += 1
        _, _, curve, grade = legs[k]
        effort = float(curve.at(v))
        a = (effort - consist.resistance_n(v) - grade) / m_eff
        v_new = max(v + a * dt_s, 0.0)
        x_new = x + 0.5 * (v + v_new) * dt_s
        v_new = min(v_new, _cap(limits, x_new), _braking_cap(limits, x_new, end_m, b))
        if x_new == x and a <= 0.0:
            raise ValueError(f"{consist.id} stalls at {x:.0f} m")
        x, v, t = x_new, v_new, t + dt_s
    return t
