"""Train dynamics, one formula per function, each with its source. SI units throughout.

Sources:

- [BD] Brünger & Dahlhaus, "Running time estimation", ch. 4 in Hansen & Pachl
  (eds.), *Railway Timetabling & Operations*, 2nd ed., Eurailpress 2014.
- [W] Wende, *Fahrdynamik des Schienenverkehrs*, Teubner 2003.
- [UIC] UIC leaflet 544-1 (braking performance) for constant-deceleration
  service braking; UIC 451-1 for running-time supplements (allowances).

The equation of motion along the track, with position ``x`` as the free
variable ([BD], [W])::

    m·ξ · v · dv/dx = F(v) − R(v) − m·g·i

with mass ``m``, rotating-mass factor ``ξ``, tractive effort ``F``, running
resistance ``R`` (Davis) and gradient ``i`` (‰ / 1000, small-angle form).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from railcap.model.infrastructure import Electrification
from railcap.model.rolling_stock import G_MS2, Consist

SPEED_TOLERANCE_MS = 0.02  # speeds this close to the balancing speed count as balanced


def gradient_force_n(mass_kg: float, gradient_permille: float) -> float:
    """Force of an up-gradient: ``m·g·i``, ``i = gradient / 1000`` ([BD], [W]; sin α ≈ tan α)."""
    return mass_kg * G_MS2 * gradient_permille / 1000.0


def braking_distance_m(speed_ms, deceleration_ms2: float, target_ms=0.0):
    """Distance to brake from ``speed_ms`` to ``target_ms`` at constant deceleration ``b``.

    ``s = (v² − v_t²) / 2b`` ([BD]).
    """
    return (np.square(speed_ms) - np.square(target_ms)) / (2.0 * deceleration_ms2)


def net_force_n(consist: Consist, supply: Electrification, gradient_permille: float, speed_ms):
    """Accelerating force under full traction: ``F(v) − R(v) − m·g·i``."""
    return (consist.effort_curve(supply).at(speed_ms) - consist.resistance_n(speed_ms)
            - gradient_force_n(consist.mass_kg, gradient_permille))


@dataclass(frozen=True)
class Characteristic:
    """How a consist gains (or loses) speed under full traction on one kind of track.

    The right-hand side of the equation of motion depends on speed only, so
    the distance to accelerate from 0 to ``v``,

        ``X(v) = ∫₀ᵛ m·ξ·u / (F(u) − R(u) − m·g·i) du``,

    serves every acceleration on that track: a train at ``v0`` at ``x0``
    reaches ``v`` at ``x0 + X(v) − X(v0)`` (the distance-step method of [BD]
    and [W], integrated once in speed instead of once per run).
    Above the balancing speed ``v_bal`` (where ``F = R + m·g·i``) the train
    loses speed towards ``v_bal``; the table ``Y(v) = ∫ᵥ^vmax m·ξ·u / (R + m·g·i − F) du``
    plays the same part there.
    """

    balancing_speed_ms: float  # inf when the consist is faster than its maximum speed
    up_speed_ms: np.ndarray  # increasing from 0
    up_x_m: np.ndarray  # X(v), increasing from 0
    down_speed_ms: np.ndarray  # decreasing from vmax towards v_bal (empty if none)
    down_x_m: np.ndarray  # Y(v), increasing from 0

    @property
    def can_start(self) -> bool:
        return self.balancing_speed_ms > SPEED_TOLERANCE_MS

    def envelope(self, x_m: np.ndarray, cap_ms: np.ndarray) -> np.ndarray:
        """The fastest speed at each point, never above ``cap_ms``, under full traction.

        Every point ``t`` with a cap ``c_t`` starts a trajectory
        ``X(v) = X(c_t) + (x − t)``; trajectories of the same equation never cross,
        so the speed is the lowest of them: a running minimum in ``X`` space
        (a running maximum in ``Y`` space above the balancing speed).
        """
        xr = x_m - x_m[0]
        top = self.up_speed_ms[-1]
        low = cap_ms <= top
        w = np.where(low, np.interp(cap_ms, self.up_speed_ms, self.up_x_m) - xr, np.inf)
        w = np.minimum.accumulate(w)
        v_low = np.interp(w + xr, self.up_x_m, self.up_speed_ms)
        if self.down_speed_ms.size == 0 or low.all():
            return v_low
        y = np.where(low, -np.inf,
                     np.interp(cap_ms, self.down_speed_ms[::-1], self.down_x_m[::-1]) - xr)
        y = np.maximum.accumulate(y)
        v_high = np.interp(y + xr, self.down_x_m, self.down_speed_ms)
        return np.where(np.isfinite(w), v_low, v_high)


def _speeds_towards(v_from: float, v_to: float, n: int) -> np.ndarray:
    """``n`` speeds from ``v_from`` to ``v_to``, denser near ``v_to`` (where the integrand grows)."""
    s = np.linspace(0.0, 1.0, n)
    return v_from + (v_to - v_from) * (1.0 - (1.0 - s) ** 2)


def _cumulative_distance(consist: Consist, speeds: np.ndarray, net: np.ndarray) -> np.ndarray:
    """Trapezoidal ``∫ m·ξ·u / |net(u)| |du|`` along ``speeds``, from 0."""
    integrand = consist.effective_mass_kg * speeds / np.abs(net)
    steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.abs(np.diff(speeds))
    return np.concatenate([[0.0], np.cumsum(steps)])


@lru_cache(maxsize=512)
def characteristic(consist: Consist, supply: Electrification, gradient_permille: float,
                   points: int = 400) -> Characteristic:
    """The :class:`Characteristic` of ``consist`` under ``supply`` on ``gradient_permille`` (cached)."""
    vmax = consist.max_speed_ms
    probe = np.linspace(0.0, vmax, points)
    net = net_force_n(consist, supply, gradient_permille, probe)
    stalls = np.flatnonzero(net <= 0.0)
    if stalls.size == 0:
        v_bal = np.inf
    elif stalls[0] == 0:
        v_bal = 0.0
    else:
        k = stalls[0]
        v_bal = probe[k - 1] + (probe[k] - probe[k - 1]) * net[k - 1] / (net[k - 1] - net[k])
    up_top = vmax if np.isinf(v_bal) else max(v_bal - SPEED_TOLERANCE_MS, 0.0)
    up_v = _speeds_towards(0.0, up_top, points)
    up_v[-1] = up_top
    if up_top > 0.0:
        up_x = _cumulative_distance(consist, up_v,
                                    net_force_n(consist, supply, gradient_permille, up_v))
    else:
        up_x = np.zeros(points)
    down_v = down_x = np.empty(0)
    if v_bal + SPEED_TOLERANCE_MS < vmax:
        down_v = _speeds_towards(vmax, v_bal + SPEED_TOLERANCE_MS, points)
        down_x = _cumulative_distance(consist, down_v,
                                      net_force_n(consist, supply, gradient_permille, down_v))
    return Characteristic(float(v_bal), up_v, up_x, down_v, down_x)


def balancing_speed_ms(consist: Consist, supply: Electrification,
                       gradient_permille: float = 0.0) -> float:
    """Speed at which full tractive effort just equals resistance plus gradient force.

    ``inf`` when the consist can still accelerate at its maximum speed; 0 when
    it cannot start at all.
    """
    return characteristic(consist, supply, float(gradient_permille)).balancing_speed_ms


def braking_envelope(x_m: np.ndarray, cap_ms: np.ndarray, deceleration_ms2: float) -> np.ndarray:
    """Fastest speed from which every lower cap ahead can still be met at constant deceleration.

    ``v_b(x)² = min over t ≥ x of (c_t² + 2·b·(t − x))`` ([BD]; constant
    service deceleration as in [UIC] 544-1 for planning), computed as one
    reversed running minimum of ``c_t² + 2·b·t``.
    """
    two_b_x = 2.0 * deceleration_ms2 * x_m
    u = np.minimum.accumulate((np.square(cap_ms) + two_b_x)[::-1])[::-1] - two_b_x
    return np.sqrt(np.maximum(u, 0.0))


def interval_times_s(x_m: np.ndarray, speed_ms: np.ndarray) -> np.ndarray:
    """Time per grid interval, ``Δt = 2·Δx / (v₁ + v₂)`` (exact for constant acceleration)."""
    return 2.0 * np.diff(x_m) / (speed_ms[1:] + speed_ms[:-1])


def traction_energy_j(consist: Consist, supply: Electrification, gradient_permille: float,
                      x_m: np.ndarray, speed_ms: np.ndarray) -> float:
    """Work done by the traction at the wheel over the grid, braking and coasting excluded.

    Per interval the force needed is ``m·ξ·a + R(v̄) + m·g·i`` with
    ``a = (v₂² − v₁²) / 2Δx``; traction supplies it between 0 and ``F(v̄)`` ([BD]).
    """
    dx = np.diff(x_m)
    vm = 0.5 * (speed_ms[1:] + speed_ms[:-1])
    accel = (np.square(speed_ms[1:]) - np.square(speed_ms[:-1])) / (2.0 * dx)
    needed = (consist.effective_mass_kg * accel + consist.resistance_n(vm)
              + gradient_force_n(consist.mass_kg, gradient_permille))
    traction = np.clip(needed, 0.0, consist.effort_curve(supply).at(vm))
    return float(np.sum(traction * dx))
