"""Noise emission per section and period from a traffic mix, and the change when traffic moves.

A *passage* is one train (or a fraction of one, for averaged scenario traffic) over
one section in one period at one speed. The emission of a section in a period is the
CNOSSOS-EU line source (Directive (EU) 2015/996, Annex II 2.3.2) of all its passages:

    L_W' = 10·lg Σ_passages Σ_vehicles  n_v · 10^(L_W,0,v(v)/10) / (1000 · v_kmh · T_h)

in dB per metre of line (re 1 pW/m), i.e. ``L_W,0 + 10·lg(Q / (1000 v))`` with Q the
vehicles per hour averaged over the period's T_h hours. Both tracks of a section are
one line here (the section's traffic in both directions). Levels are A-weighted
totals (dB(A)) unless a field says ``bands``.

Nothing here reads a file: tables, vehicle make-up and track come in as arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import TrainRun
from railcap.surroundings.cnossos import (
    A_WEIGHTING_DB, N_BANDS, NoiseTables, TrackType, VehicleType, check_track, check_vehicle, energy, level,
    vehicle_sound_power_db,
)

DAY_S = 86_400.0
REFERENCE_DISTANCE_M = 25.0


class Period(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"


@dataclass(frozen=True)
class PeriodDef:
    """A period of the day: from ``start_h`` to ``end_h`` (wrapping past midnight), and its Lden penalty."""

    period: Period
    start_h: float
    end_h: float
    penalty_db: float

    @property
    def hours(self) -> float:
        return (self.end_h - self.start_h) % 24.0 or 24.0

    def holds(self, hour: float) -> bool:
        return (hour - self.start_h) % 24.0 < self.hours


#: Directive 2002/49/EC Annex I, as the Netherlands applies it: day 07–19, evening 19–23, night 23–07.
PERIODS: tuple[PeriodDef, ...] = (PeriodDef(Period.DAY, 7, 19, 0.0), PeriodDef(Period.EVENING, 19, 23, 5.0),
                                  PeriodDef(Period.NIGHT, 23, 7, 10.0))


def period_of_hour(hour: float, periods: Sequence[PeriodDef] = PERIODS, element: str = "train") -> Period:
    """The period an hour of the day (0 ≤ hour < 24) falls in.

    >>> period_of_hour(23.5), period_of_hour(6.99), period_of_hour(7)
    (<Period.NIGHT: 'night'>, <Period.NIGHT: 'night'>, <Period.DAY: 'day'>)
    """
    if not (isinstance(hour, (int, float)) and 0.0 <= hour < 24.0):
        raise ValidationError(Problem(element, "hour", f"must be within the day, 0 ≤ hour < 24, got {hour!r}"))
    for p in periods:
        if p.holds(hour):
            return p.period
    raise ValidationError(Problem(element, "hour", f"{hour} falls in no period of {[p.period.value for p in periods]}"))


def lden_db(levels: Mapping[Period, float], periods: Sequence[PeriodDef] = PERIODS) -> float:
    """Day-evening-night level from the period levels (energy mean over 24 h with the penalties).

    >>> round(lden_db({Period.DAY: 60.0, Period.EVENING: 60.0, Period.NIGHT: 60.0}), 2)
    66.4
    """
    total = sum(p.hours * 10.0 ** ((levels.get(p.period, -math.inf) + p.penalty_db) / 10.0) for p in periods)
    return float(level(total / sum(p.hours for p in periods)))


def free_field_level_db(line_power_db: float, distance_m: float = REFERENCE_DISTANCE_M) -> float:
    """Indicative sound pressure level at ``distance_m`` from a long straight line source over hard ground.

    ``L_p = L_W' − 10·lg(π·d)`` (the power per metre spreads over a half cylinder); no air
    absorption, ground effect or screening: an indication, not the CNOSSOS propagation.

    >>> round(free_field_level_db(80.0, 25.0), 1)
    61.0
    """
    return line_power_db - 10.0 * math.log10(math.pi * distance_m)


@dataclass(frozen=True)
class Passage:
    """One train (``trains`` may be a fraction: averaged scenario traffic) over a section in a period."""

    section_id: str
    consist: str
    period: Period
    speed_kmh: float
    trains: float = 1.0
    run_id: str = ""


@dataclass(frozen=True)
class Makeup:
    """What a consist is made of for noise: vehicle types and how many of each."""

    consist: str
    vehicles: tuple[tuple[VehicleType, float], ...]


@dataclass
class SectionEmission:
    """One section's emission: per-period band energies (A-weighting not yet applied) and train counts."""

    section_id: str
    energy_bands: dict[Period, np.ndarray] = field(default_factory=dict)  # Σ 10^(L_W'/10) per band, A+B
    trains: dict[Period, float] = field(default_factory=dict)

    def level_dba(self, period: Period) -> float:
        """A-weighted L_W' in the period (dB(A) per metre); −inf without traffic."""
        e = self.energy_bands.get(period)
        return -math.inf if e is None else float(level(np.sum(e * energy(A_WEIGHTING_DB))))

    def levels_dba(self, periods: Sequence[PeriodDef] = PERIODS) -> dict[Period, float]:
        return {p.period: self.level_dba(p.period) for p in periods}

    def lden_dba(self, periods: Sequence[PeriodDef] = PERIODS) -> float:
        return lden_db(self.levels_dba(periods), periods)


class NoiseModel:
    """The CNOSSOS tables, the consists' make-up and the track, checked once; answers emissions."""

    def __init__(self, tables: NoiseTables, makeups: Mapping[str, Makeup],
                 track: TrackType | Callable[[str], TrackType] = TrackType(),
                 periods: Sequence[PeriodDef] = PERIODS):
        problems = []
        seen: set[str] = set()
        for m in makeups.values():
            for v, n in m.vehicles:
                if v.id not in seen:
                    problems += check_vehicle(tables, v)
                    seen.add(v.id)
                if n < 0:
                    problems.append(Problem(f"consist '{m.consist}'", "count", f"must not be negative, got {n}"))
        if isinstance(track, TrackType):
            problems += check_track(tables, track)
        if problems:
            raise ValidationError(problems)
        self.tables = tables
        self.makeups = dict(makeups)
        self._track = track
        self.periods = tuple(periods)
        self._hours = {p.period: p.hours for p in self.periods}
        self._cache: dict[tuple, np.ndarray] = {}

    def track_of(self, section_id: str) -> TrackType:
        return self._track if isinstance(self._track, TrackType) else self._track(section_id)

    def check_consist(self, consist: str, element: str) -> None:
        if consist not in self.makeups:
            raise ValidationError(Problem(element, "consist", f"unknown train category '{consist}'; "
                                                              f"known: {', '.join(sorted(self.makeups))}"))

    def consist_energy(self, consist: str, speed_kmh: float, track: TrackType) -> np.ndarray:
        """Σ over the consist's vehicles of 10^(L_W,0/10), sources A and B added: 24 bands.

        Speeds are taken to 0.5 km/h for the cache (≤ 0.05 dB on rolling noise).
        """
        v = max(round(speed_kmh * 2.0) / 2.0, 0.5)
        key = (consist, v, track)
        hit = self._cache.get(key)
        if hit is None:
            self.check_consist(consist, f"consist '{consist}'")
            hit = np.zeros(N_BANDS)
            for vehicle, n in self.makeups[consist].vehicles:
                hit = hit + n * energy(vehicle_sound_power_db(self.tables, vehicle, track, v)).sum(axis=0)
            self._cache[key] = hit
        return hit

    def passage_energy(self, p: Passage) -> np.ndarray:
        """What one passage adds to its section's period: 24-band energy of L_W' (per metre)."""
        if p.trains < 0:
            raise ValidationError(Problem(f"passage of '{p.run_id or p.consist}'", "trains",
                                          f"must not be negative, got {p.trains}"))
        if not p.speed_kmh > 0:
            raise ValidationError(Problem(f"passage of '{p.run_id or p.consist}'", "speed_kmh",
                                          f"must be positive, got {p.speed_kmh!r}"))
        e = self.consist_energy(p.consist, p.speed_kmh, self.track_of(p.section_id))
        return e * (p.trains / (1000.0 * p.speed_kmh * self._hours[p.period]))

    def emission(self, passages: Iterable[Passage]) -> dict[str, SectionEmission]:
        """Emission per section (only sections with traffic appear)."""
        out: dict[str, SectionEmission] = {}
        for p in passages:
            s = out.get(p.section_id)
            if s is None:
                s = out[p.section_id] = SectionEmission(p.section_id)
            s.energy_bands[p.period] = s.energy_bands.get(p.period, 0.0) + self.passage_energy(p)
            s.trains[p.period] = s.trains.get(p.period, 0.0) + p.trains
        return out


# --------------------------------------------------------------------------- traffic


def leg_speed_kmh(length_m: float, seconds: float, cap_kmh: float, floor_kmh: float = 10.0) -> float:
    """The mean speed over a leg from its running time, capped by line and train, floored (stands).

    >>> leg_speed_kmh(2000.0, 60.0, 160.0), leg_speed_kmh(2000.0, 60.0, 100.0), leg_speed_kmh(50.0, 0.0, 80.0)
    (120.0, 100.0, 80.0)
    """
    if seconds <= 0:
        return cap_kmh
    return max(min(3.6 * length_m / seconds, cap_kmh), min(floor_kmh, cap_kmh))


def passages_from_runs(runs: Iterable[TrainRun], network: Network, max_speed_kmh: Mapping[str, float],
                       periods: Sequence[PeriodDef] = PERIODS, weight: float = 1.0) -> list[Passage]:
    """Every leg of every run as a passage: period from the middle of the leg (times past 24:00 wrap).

    Speed: the leg's length over its running time (between the departure at its start and the
    arrival at its end), capped by the section's line speed and the consist's top speed.
    """
    out = []
    for r in runs:
        vmax = max_speed_kmh.get(r.consist, math.inf)
        for leg, a, b in zip(r.legs, r.points, r.points[1:]):
            s = network.sections.get(leg.section_id)
            if s is None:
                raise ValidationError(Problem(f"train '{r.id}'", "legs", f"unknown section '{leg.section_id}'"))
            cap = min(3.6 * s.max_speed_ms, vmax)
            mid = ((a.departure_s + b.arrival_s) / 2.0) % DAY_S
            out.append(Passage(s.id, r.consist, period_of_hour(mid / 3600.0, periods, f"train '{r.id}'"),
                               leg_speed_kmh(s.length_m, b.arrival_s - a.departure_s, cap), weight, r.id))
    return out


def passages_along(section_ids: Sequence[str], network: Network, consist: str, count: float, hour: float,
                   max_speed_kmh: float, periods: Sequence[PeriodDef] = PERIODS, label: str = "added trains"
                   ) -> list[Passage]:
    """``count`` trains of ``consist`` over the given sections around ``hour``, at line speed (capped by the train).

    >>> from railcap.model.samples import corridor
    >>> net = corridor()
    >>> [(p.section_id, p.period.value, p.trains, p.speed_kmh) for p in passages_along(['y-j'], net, 'x', 10, 23.5, 100)]
    [('y-j', 'night', 10, 100)]
    """
    if not (isinstance(count, (int, float)) and count >= 0):
        raise ValidationError(Problem(label, "count", f"must be a number of trains ≥ 0, got {count!r}"))
    period = period_of_hour(hour, periods, label)
    out = []
    for sid in section_ids:
        s = network.sections.get(sid)
        if s is None:
            raise ValidationError(Problem(label, "sections", f"unknown section '{sid}'"))
        out.append(Passage(sid, consist, period, min(3.6 * s.max_speed_ms, max_speed_kmh), count, label))
    return out


# --------------------------------------------------------------------------- change


@dataclass(frozen=True)
class SectionChange:
    """One section's emission before and after a change (dB(A) per metre; None: no traffic)."""

    section_id: str
    before_dba: dict[str, float | None]  # per period, and "lden"
    after_dba: dict[str, float | None]
    change_db: dict[str, float | None]  # after − before; None when either side has no traffic
    trains_before: dict[str, float]
    trains_after: dict[str, float]
    exceeds_threshold: bool  # the Lden change (or a new source) is above the user's threshold
    ceiling_dba: float | None = None
    over_ceiling: bool = False

    @property
    def lden_change_db(self) -> float:
        """For ranking: the Lden change, +inf for a new source, −inf when all traffic left."""
        c = self.change_db["lden"]
        if c is not None:
            return c
        return math.inf if self.after_dba["lden"] is not None else -math.inf

    def to_dict(self) -> dict:
        return {"section": self.section_id, "before_dba": self.before_dba, "after_dba": self.after_dba,
                "change_db": self.change_db, "trains_before": self.trains_before, "trains_after": self.trains_after,
                "exceeds_threshold": self.exceeds_threshold, "ceiling_dba": self.ceiling_dba,
                "over_ceiling": self.over_ceiling}


def _finite(x: float) -> float | None:
    return round(x, 3) if math.isfinite(x) else None


def _levels(e: SectionEmission | None, periods: Sequence[PeriodDef]) -> dict[str, float | None]:
    if e is None:
        return {**{p.period.value: None for p in periods}, "lden": None}
    return {**{k.value: _finite(v) for k, v in e.levels_dba(periods).items()}, "lden": _finite(e.lden_dba(periods))}


def compare(before: Mapping[str, SectionEmission], after: Mapping[str, SectionEmission], threshold_db: float = 0.5,
            ceilings_dba: Mapping[str, float] | None = None, periods: Sequence[PeriodDef] = PERIODS
            ) -> list[SectionChange]:
    """Every section whose emission differs, largest Lden increase first.

    A section is flagged when its Lden emission rises by more than ``threshold_db``
    (a section that had no traffic and gets some always counts), and when its Lden
    emission after the change is above its configured ceiling.
    """
    if not (isinstance(threshold_db, (int, float)) and math.isfinite(threshold_db)):
        raise ValidationError(Problem("noise change", "threshold_db", f"must be a number of dB, got {threshold_db!r}"))
    ceilings_dba = ceilings_dba or {}
    out = []
    for sid in sorted(set(before) | set(after)):
        b, a = before.get(sid), after.get(sid)
        lb, la = _levels(b, periods), _levels(a, periods)
        change = {k: (round(la[k] - lb[k], 3) if la[k] is not None and lb[k] is not None else None) for k in lb}
        tb = {p.period.value: round(b.trains.get(p.period, 0.0), 3) if b else 0.0 for p in periods}
        ta = {p.period.value: round(a.trains.get(p.period, 0.0), 3) if a else 0.0 for p in periods}
        if change["lden"] is not None and abs(change["lden"]) < 1e-9 and tb == ta:
            continue
        ceiling = ceilings_dba.get(sid)
        sc = SectionChange(sid, lb, la, change, tb, ta, False, ceiling,
                           ceiling is not None and la["lden"] is not None and la["lden"] > ceiling)
        exceeds = sc.lden_change_db > threshold_db
        out.append(replace(sc, exceeds_threshold=exceeds))
    return sorted(out, key=lambda c: (-c.lden_change_db, c.section_id))
