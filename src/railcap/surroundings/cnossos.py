"""The CNOSSOS-EU railway source model: sound power of one vehicle at a speed on a track.

Commission Directive (EU) 2015/996, Annex II section 2.3 (as corrected in 2018 and
amended by Delegated Directive (EU) 2021/1226). Everything here is per vehicle and
per one-third-octave band from 50 Hz to 10 kHz; the tables (Appendix G) come in as
arguments (:class:`NoiseTables`), read by ``railcap.data.surroundings``.

The chain (numbers are the Directive's formulas):

* total effective roughness per wavelength: wheel and rail roughness added as
  energies, plus impact roughness where there are joints, plus the contact filter
  (2.3.7, 2.3.10);
* converted to frequency with ``f = v / λ`` (v in m/s, as corrected in 2018): the
  energies are interpolated linearly against lg f onto the band centres
  ``10^(k/10)`` Hz, k = 17 … 40 (the Directive leaves the resampling to prose; this
  is the reading NoiseModelling uses as well);
* rolling noise of track and vehicle: roughness + transfer function + 10·lg N_ax
  (2.3.8, 2.3.9), summed as energies, at source height A (0.5 m);
* traction noise per vehicle at constant speed, source A and B (Table G-5);
* aerodynamic noise above 200 km/h: ``L(v0) + α·lg(v / v0)`` (2.3.13, 2.3.14).

The line source of a traffic flow is ``L_W' = L_W,0 + 10·lg(Q / (1000·v))`` with Q
vehicles per hour and v in km/h (2.3.2): see :func:`line_power_db`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from railcap.model.errors import Problem, ValidationError

N_BANDS = 24
#: Exact base-10 band centres (Hz) used for the wavelength-to-frequency step: 10^(k/10), k = 17 … 40.
EXACT_BAND_CENTRES_HZ = 10.0 ** (np.arange(17, 17 + N_BANDS) / 10.0)
#: A-weighting of the nominal band centres 50 Hz … 10 kHz (IEC 61672-1:2013, Table 3).
A_WEIGHTING_DB = np.array([-30.2, -26.2, -22.5, -19.1, -16.1, -13.4, -10.9, -8.6, -6.6, -4.8, -3.2, -1.9,
                           -0.8, 0.0, 0.6, 1.0, 1.2, 1.3, 1.2, 1.0, 0.5, -0.1, -1.1, -2.5])
AERODYNAMIC_FROM_KMH = 200.0  # aerodynamic noise is taken into account above this speed (2.3.2)


def energy(level_db):
    """10^(L/10): the quantity that adds."""
    return 10.0 ** (np.asarray(level_db, dtype=float) / 10.0)


def level(energy_sum):
    """10·lg of an energy (−inf for zero)."""
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(energy_sum, dtype=float))


def energy_sum_db(levels_db: Sequence[float]) -> float:
    """Levels added as energies.

    >>> round(energy_sum_db([60.0, 60.0]), 2)
    63.01
    """
    return float(level(np.sum(energy(levels_db))))


def a_weighted_total_db(band_levels_db) -> float:
    """The A-weighted total of 24 band levels (dB(A)).

    >>> round(a_weighted_total_db([0.0] * 13 + [70.0] + [0.0] * 10), 1)   # only 1 kHz matters
    70.0
    """
    return float(level(np.sum(energy(np.asarray(band_levels_db) + A_WEIGHTING_DB))))


@dataclass(frozen=True)
class NoiseTables:
    """The Appendix G tables, keyed as in ``data/noise_cnossos.json``."""

    wavelengths_mm: np.ndarray  # 35, long to short
    wheel_roughness: Mapping[str, np.ndarray]  # by brake: per wavelength
    rail_roughness: Mapping[str, np.ndarray]  # by class (E, M): per wavelength
    contact_filter: Mapping[str, np.ndarray]  # per wavelength
    impact_single: np.ndarray  # per wavelength, one joint per 100 m
    track_transfer: Mapping[str, np.ndarray]  # per band, per axle
    wheel_transfer: Mapping[str, np.ndarray]  # per band, per axle
    traction: Mapping[str, tuple[np.ndarray, np.ndarray]]  # per band: source A, source B
    aero_a: np.ndarray
    aero_b: np.ndarray
    aero_v0_kmh: float = 300.0
    aero_alpha: float = 50.0


@dataclass(frozen=True)
class VehicleType:
    """A vehicle as CNOSSOS sees it (the Directive's vehicle descriptor, reduced to the table keys)."""

    id: str
    axles: float
    brake: str  # wheel roughness: cast_iron | composite | disc
    wheel: str  # wheel transfer function: 920mm | 840mm | 680mm | 1200mm
    contact: str  # contact filter key (wheel diameter and wheel load)
    traction: str | None = None  # traction table key, None for an unpowered vehicle
    aerodynamic: bool = False
    source: str = ""


@dataclass(frozen=True)
class TrackType:
    """A track as CNOSSOS sees it: rail roughness class, track transfer, joints per 100 m."""

    rail_roughness: str = "M"
    transfer: str = "monoblock_medium"
    joints_per_100m: float = 0.0


def check_vehicle(tables: NoiseTables, v: VehicleType) -> list[Problem]:
    """Every table key of a vehicle type that the tables do not hold."""
    element = f"vehicle type '{v.id}'"
    out = []
    for fld, key, table in (("brake", v.brake, tables.wheel_roughness), ("wheel", v.wheel, tables.wheel_transfer),
                            ("contact", v.contact, tables.contact_filter)):
        if key not in table:
            out.append(Problem(element, fld, f"unknown {fld} '{key}'; known: {sorted(table)}"))
    if v.traction is not None and v.traction not in tables.traction:
        out.append(Problem(element, "traction", f"unknown traction '{v.traction}'; known: {sorted(tables.traction)}"))
    if not v.axles > 0:
        out.append(Problem(element, "axles", f"must be positive, got {v.axles!r}"))
    return out


def check_track(tables: NoiseTables, t: TrackType) -> list[Problem]:
    out = []
    if t.rail_roughness not in tables.rail_roughness:
        out.append(Problem("track type", "rail_roughness", f"unknown class '{t.rail_roughness}'; "
                                                            f"known: {sorted(tables.rail_roughness)}"))
    if t.transfer not in tables.track_transfer:
        out.append(Problem("track type", "transfer", f"unknown '{t.transfer}'; known: {sorted(tables.track_transfer)}"))
    if t.joints_per_100m < 0:
        out.append(Problem("track type", "joints_per_100m", f"must not be negative, got {t.joints_per_100m}"))
    return out


def effective_roughness_db(tables: NoiseTables, vehicle: VehicleType, track: TrackType) -> np.ndarray:
    """L_R,TOT + A_3 per wavelength: wheel + rail (+ impact) roughness as energies, plus the contact filter."""
    e = energy(tables.wheel_roughness[vehicle.brake]) + energy(tables.rail_roughness[track.rail_roughness])
    if track.joints_per_100m > 0:
        e = e + energy(tables.impact_single + 10.0 * np.log10(track.joints_per_100m))
    return level(e) + tables.contact_filter[vehicle.contact]


def exact_third_octave(nominal) -> np.ndarray:
    """The exact base-10 value 10^(k/10) behind a nominal one-third-octave label (IEC 61260-1).

    The Directive labels wavelengths and bands by their nominal values (31.5 mm, 1250 Hz);
    frequency and wavelength are matched on the exact series, as the bands are.

    >>> exact_third_octave([31.5, 1250.0, 0.8]).round(2).tolist()
    [31.62, 1258.93, 0.79]
    """
    return 10.0 ** (np.round(10.0 * np.log10(np.asarray(nominal, dtype=float))) / 10.0)


def roughness_in_bands_db(roughness_db: np.ndarray, wavelengths_mm: np.ndarray, speed_kmh: float) -> np.ndarray:
    """A wavelength spectrum at ``speed_kmh`` resampled onto the 24 bands (energy, linear in lg f).

    Bands beyond the frequencies the wavelengths reach take the nearest end value.

    >>> wl = 10.0 ** (np.arange(33, -2, -1) / 10.0)       # 2000 … 0.8 mm
    >>> flat = roughness_in_bands_db(np.full(35, 5.0), wl, 100.0)
    >>> bool(np.allclose(flat, 5.0))
    True
    """
    f = (speed_kmh / 3.6) / (exact_third_octave(wavelengths_mm) / 1000.0)  # rises as λ falls
    e = np.interp(np.log10(EXACT_BAND_CENTRES_HZ), np.log10(f), energy(roughness_db))
    return level(e)


def rolling_db(tables: NoiseTables, vehicle: VehicleType, track: TrackType, speed_kmh: float) -> np.ndarray:
    """Rolling noise L_W,0 of one vehicle (track + vehicle part), source A, per band."""
    lr = roughness_in_bands_db(effective_roughness_db(tables, vehicle, track), tables.wavelengths_mm, speed_kmh)
    axles = 10.0 * np.log10(vehicle.axles)
    rail = lr + tables.track_transfer[track.transfer] + axles
    wheel = lr + tables.wheel_transfer[vehicle.wheel] + axles
    return level(energy(rail) + energy(wheel))


def vehicle_sound_power_db(tables: NoiseTables, vehicle: VehicleType, track: TrackType,
                           speed_kmh: float) -> np.ndarray:
    """L_W,0 of one vehicle at constant speed: shape (2, 24), source A (0.5 m) and B (4 m).

    Rolling noise (source A), traction noise (A and B) and, above 200 km/h,
    aerodynamic noise (A and B), summed as energies per height.
    """
    if not speed_kmh > 0:
        raise ValidationError(Problem(f"vehicle type '{vehicle.id}'", "speed_kmh",
                                      f"must be positive, got {speed_kmh!r}"))
    a = energy(rolling_db(tables, vehicle, track, speed_kmh))
    b = np.zeros(N_BANDS)
    if vehicle.traction is not None:
        ta, tb = tables.traction[vehicle.traction]
        a = a + energy(ta)
        b = b + energy(tb)
    if vehicle.aerodynamic and speed_kmh > AERODYNAMIC_FROM_KMH:
        k = tables.aero_alpha * np.log10(speed_kmh / tables.aero_v0_kmh)
        a = a + energy(tables.aero_a + k)
        b = b + energy(tables.aero_b + k)
    return level(np.vstack([a, b]))


def line_power_db(vehicle_power_db, vehicles_per_hour: float, speed_kmh: float):
    """L_W' (dB per metre of track) of a steady flow: ``L_W,0 + 10·lg(Q / (1000·v))`` (2.3.2).

    >>> round(float(line_power_db(100.0, 10.0, 100.0)), 2)   # 10 vehicles/h at 100 km/h
    60.0
    """
    if vehicles_per_hour < 0:
        raise ValidationError(Problem("traffic flow", "vehicles_per_hour", f"must not be negative, got {vehicles_per_hour}"))
    if not speed_kmh > 0:
        raise ValidationError(Problem("traffic flow", "speed_kmh", f"must be positive, got {speed_kmh!r}"))
    return np.asarray(vehicle_power_db) + level(vehicles_per_hour / (1000.0 * speed_kmh))
