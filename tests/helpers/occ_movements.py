"""Hand-made train movements for the occupancy tests (no physics engine needed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Movement:
    """Any object with these attributes satisfies ``MovementLike``."""

    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    length_m: float = 500.0
    brake_ms2: float = 0.5


def constant_speed(route_m: float, v: float, t0: float, length_m: float = 500.0,
                   brake_ms2: float = 0.5, beyond_m: float = 2000.0) -> Movement:
    """Head at position 0 at ``t0``, running at ``v`` to ``route_m + beyond_m``."""
    end = route_m + beyond_m
    return Movement(np.array([0.0, end]), np.array([t0, t0 + end / v]), np.array([v, v]),
                    length_m, brake_ms2)


def with_stop(route_m: float, v: float, t0: float, stop_m: float, dwell_s: float,
              length_m: float = 500.0, brake_ms2: float = 0.5) -> Movement:
    """Constant speed with an (idealised, instant) stop of ``dwell_s`` at ``stop_m``."""
    t_arr = t0 + stop_m / v
    t_dep = t_arr + dwell_s
    end = route_m + 2000.0
    return Movement(np.array([0.0, stop_m, stop_m, end]),
                    np.array([t0, t_arr, t_dep, t_dep + (end - stop_m) / v]),
                    np.array([v, 0.0, 0.0, v]), length_m, brake_ms2)


def accelerate_cruise_brake(route_m: float, v_max: float, accel: float, brake: float,
                            t0: float, length_m: float = 600.0, n: int = 400) -> Movement:
    """Start from standstill at 0, cruise at ``v_max``, stop at ``route_m`` (analytic times)."""
    x = np.linspace(0.0, route_m, n)
    v = np.minimum.reduce([np.sqrt(2 * accel * x), np.full_like(x, v_max),
                           np.sqrt(2 * brake * np.maximum(route_m - x, 0.0))])
    # time by integrating dx / v with the mean speed of each step (exact for v piecewise
    # linear in time between samples, good enough for these tests)
    dx = np.diff(x)
    vm = (v[1:] + v[:-1]) / 2
    t = t0 + np.r_[0.0, np.cumsum(dx / vm)]
    return Movement(x, t, v, length_m, brake)
