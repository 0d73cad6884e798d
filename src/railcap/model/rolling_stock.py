"""Rolling stock: traction units (locomotives, multiple units) and the consists they form.

Units inside are SI: metres, kilograms, seconds, newtons, watts. A consist is
what the running-time engine needs to know about a train:

- the maximum tractive effort at the wheel as a function of speed, one curve
  per power supply (an electric locomotive delivers less power under 1.5 kV DC
  than under 25 kV AC and nothing where there is no catenary; a diesel
  delivers the same everywhere);
- the running resistance on level track, as a Davis polynomial
  ``R(v) = A + B·v + C·v²`` (Davis 1926; used in this form by Brünger &
  Dahlhaus, "Running time estimation", ch. 4 of Hansen & Pachl (eds.),
  *Railway Timetabling & Operations*, 2nd ed. 2014);
- the rotating-mass factor, the constant service-braking deceleration and the
  attributes that decide where the train may run (axle load, loading gauge,
  dangerous goods, ETCS).

Consists are built with :func:`compose` from traction units and an optional
trailing load (the wagons or coaches), or defined directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Mapping, Sequence

import numpy as np

from railcap.model.admission import Needs, section_problems
from railcap.model.errors import NotFoundError, Problem, ValidationError
from railcap.model.infrastructure import Electrification, LoadingGauge, Section

G_MS2 = 9.81  # gravitational acceleration
KMH_100_MS = 100 / 3.6  # the reference speed of the specific-resistance formula


class Category(StrEnum):
    """Who runs the train, as the capacity planner sees it."""

    PASSENGER = "passenger"
    FREIGHT = "freight"
    MILITARY = "military"


class Traction(StrEnum):
    ELECTRIC = "electric"
    DIESEL = "diesel"
    NONE = "none"  # unpowered (wagons, coaches): cannot run on its own


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True, slots=True)
class EffortCurve:
    """Maximum tractive effort at the wheel against speed, linear between points.

    >>> c = EffortCurve.from_power(300e3, 6.4e6, 160 / 3.6)
    >>> round(c.at(100 / 3.6) / 1e3)   # kN at 100 km/h: power-limited, P / v
    230
    """

    speeds_ms: tuple[float, ...]
    efforts_n: tuple[float, ...]

    def __post_init__(self) -> None:
        problems = []
        if len(self.speeds_ms) != len(self.efforts_n) or not self.speeds_ms:
            problems.append("needs as many efforts as speeds, at least one")
        elif self.speeds_ms[0] != 0.0:
            problems.append("the first speed must be 0 (the starting effort)")
        elif any(b <= a for a, b in zip(self.speeds_ms, self.speeds_ms[1:])):
            problems.append("speeds must increase")
        elif any(f < 0 for f in self.efforts_n):
            problems.append("efforts must not be negative")
        if problems:
            raise ValidationError(Problem("effort curve", "speeds_ms/efforts_n", problems[0]))

    @classmethod
    def from_power(cls, starting_effort_n: float, power_w: float, max_speed_ms: float,
                   points: int = 48) -> "EffortCurve":
        """The classic traction hyperbola: ``F(v) = min(F0, P / v)`` up to ``max_speed_ms``.

        ``P`` is the power at the wheel; adhesion limits the effort below the
        corner speed ``P / F0`` (Wende, *Fahrdynamik des Schienenverkehrs*, 2003;
        Brünger & Dahlhaus 2014).
        """
        if starting_effort_n <= 0 or power_w <= 0 or max_speed_ms <= 0:
            raise ValidationError(Problem(
                "effort curve", "starting_effort/power/max_speed", "must all be positive"))
        corner = power_w / starting_effort_n
        speeds = np.linspace(0.0, max_speed_ms, points)
        if corner < max_speed_ms:
            speeds = np.union1d(speeds, [corner])
        efforts = np.minimum(starting_effort_n, power_w / np.maximum(speeds, 1e-9))
        return cls(tuple(float(v) for v in speeds), tuple(float(f) for f in efforts))

    @property
    def starting_effort_n(self) -> float:
        return self.efforts_n[0]

    def at(self, speed_ms):
        """Effort in N at the given speed(s); constant beyond the last point."""
        return np.interp(speed_ms, self.speeds_ms, self.efforts_n)

    def __add__(self, other: "EffortCurve") -> "EffortCurve":
        """Two units pulling together: efforts add at every speed."""
        speeds = np.union1d(self.speeds_ms, other.speeds_ms)
        total = self.at(speeds) + other.at(speeds)
        return EffortCurve(tuple(float(v) for v in speeds), tuple(float(f) for f in total))


@dataclass(frozen=True, slots=True)
class Davis:
    """Running resistance on level, straight track: ``R(v) = A + B·v + C·v²`` (N, v in m/s)."""

    a_n: float
    b_n_per_ms: float = 0.0
    c_n_per_ms2: float = 0.0

    @classmethod
    def from_specific(cls, mass_kg: float, f0_permille: float, f2_permille: float = 0.0,
                      air_n_at_100kmh: float = 0.0) -> "Davis":
        """Resistance from specific (per-weight) coefficients.

        ``R(v) = m·g·(f0 + f2·(v / 100 km/h)²) + F_air,100·(v / 100 km/h)²``, the
        form used for wagon trains with roller bearings (Wende 2003;
        f0 ≈ 1.4 ‰, f2 ≈ 3.9 ‰ for full bulk trains).
        """
        weight = mass_kg * G_MS2
        quad = (weight * f2_permille / 1000 + air_n_at_100kmh) / KMH_100_MS**2
        return cls(weight * f0_permille / 1000, 0.0, quad)

    def at(self, speed_ms):
        return self.a_n + self.b_n_per_ms * speed_ms + self.c_n_per_ms2 * speed_ms * speed_ms

    def __add__(self, other: "Davis") -> "Davis":
        return Davis(self.a_n + other.a_n, self.b_n_per_ms + other.b_n_per_ms,
                     self.c_n_per_ms2 + other.c_n_per_ms2)


def _check_positive(element: str, values: Mapping[str, float]) -> list[Problem]:
    return [Problem(element, name, f"must be positive, got {value!r}")
            for name, value in values.items() if not value > 0]


def _check_efforts(element: str, traction: Traction,
                   efforts: Mapping[Electrification, EffortCurve]) -> list[Problem]:
    problems = []
    if traction is Traction.NONE and efforts:
        problems.append(Problem(element, "efforts", "an unpowered vehicle has no tractive effort"))
    if traction is not Traction.NONE and not efforts:
        problems.append(Problem(element, "efforts", f"{traction.value} traction needs at least "
                                                    "one tractive-effort curve"))
    if traction is Traction.ELECTRIC and Electrification.NONE in efforts:
        problems.append(Problem(element, "efforts",
                                "electric traction cannot draw power where there is no catenary"))
    return problems


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class TractionUnit:
    """A locomotive or a multiple unit, as built."""

    id: str
    name: str
    traction: Traction
    length_m: float
    mass_kg: float
    max_speed_ms: float
    efforts: Mapping[Electrification, EffortCurve] = field(hash=False)
    davis: Davis
    rotating_mass_factor: float
    axle_load_t: float
    etcs: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        element = f"traction unit '{self.id}'"
        problems = _check_positive(element, {
            "length_m": self.length_m, "mass_kg": self.mass_kg,
            "max_speed_ms": self.max_speed_ms, "axle_load_t": self.axle_load_t})
        problems += _check_efforts(element, self.traction, self.efforts)
        if not 1.0 <= self.rotating_mass_factor <= 1.5:
            problems.append(Problem(element, "rotating_mass_factor",
                                    f"expected 1.0–1.5, got {self.rotating_mass_factor}"))
        if problems:
            raise ValidationError(problems)


@dataclass(frozen=True, slots=True)
class TrailingLoad:
    """The wagons or coaches behind the traction, as one block."""

    mass_kg: float
    length_m: float
    davis: Davis
    rotating_mass_factor: float = 1.04
    axle_load_t: float = 22.5

    def __post_init__(self) -> None:
        problems = _check_positive("trailing load", {
            "mass_kg": self.mass_kg, "length_m": self.length_m, "axle_load_t": self.axle_load_t})
        if not 1.0 <= self.rotating_mass_factor <= 1.5:
            problems.append(Problem("trailing load", "rotating_mass_factor",
                                    f"expected 1.0–1.5, got {self.rotating_mass_factor}"))
        if problems:
            raise ValidationError(problems)


# --------------------------------------------------------------------------- consist


@dataclass(frozen=True)
class Consist:
    """A whole train as the running-time engine and the path search see it.

    ``loading_gauge`` is the smallest gauge the train fits; an out-of-gauge
    train (``out_of_gauge=True``, e.g. main battle tanks) fits no standard
    gauge and needs a route study (STANAG 2175), so its gauge may be ``None``;
    ``out_of_gauge_class`` says how far outside the profile it is
    (``model.admission.OutOfGaugeClass``: 1 up to 100 mm a side, 2 up to 250 mm,
    3 up to 400 mm), which decides the conditions it runs under.
    """

    id: str
    name: str
    category: Category
    length_m: float
    mass_kg: float
    max_speed_ms: float
    traction: Traction
    efforts: Mapping[Electrification, EffortCurve] = field(hash=False)
    davis: Davis
    rotating_mass_factor: float
    braking_ms2: float
    axle_load_t: float
    loading_gauge: LoadingGauge | None
    out_of_gauge: bool = False
    rid_class: str | None = None
    etcs: bool = False
    units: tuple[str, ...] = ()
    source: str = ""
    out_of_gauge_class: int | None = None  # 1-3 when out of gauge (default 3, the strictest)

    def __post_init__(self) -> None:
        element = f"consist '{self.id}'"
        problems = _check_positive(element, {
            "length_m": self.length_m, "mass_kg": self.mass_kg,
            "max_speed_ms": self.max_speed_ms, "braking_ms2": self.braking_ms2,
            "axle_load_t": self.axle_load_t})
        problems += _check_efforts(element, self.traction, self.efforts)
        if not 1.0 <= self.rotating_mass_factor <= 1.5:
            problems.append(Problem(element, "rotating_mass_factor",
                                    f"expected 1.0–1.5, got {self.rotating_mass_factor}"))
        if self.braking_ms2 > 2.0:
            problems.append(Problem(element, "braking_ms2",
                                    f"{self.braking_ms2} m/s² is beyond service braking (≤ 2)"))
        if self.loading_gauge is None and not self.out_of_gauge:
            problems.append(Problem(element, "loading_gauge",
                                    "give the gauge the train needs, or mark it out of gauge"))
        if self.out_of_gauge_class is not None and (not self.out_of_gauge
                                                    or self.out_of_gauge_class not in (1, 2, 3)):
            problems.append(Problem(element, "out_of_gauge_class",
                                    f"{self.out_of_gauge_class!r}: give 1, 2 or 3, for an out-of-gauge train only"))
        if self.rid_class is not None and not str(self.rid_class).strip():
            problems.append(Problem(element, "rid_class", "empty; use null for no dangerous goods"))
        if problems:
            raise ValidationError(problems)

    # -- physics -------------------------------------------------------------------

    @property
    def effective_mass_kg(self) -> float:
        """Mass including the inertia of rotating parts (wheelsets, motors)."""
        return self.mass_kg * self.rotating_mass_factor

    def resistance_n(self, speed_ms):
        """Running resistance on level track (N)."""
        return self.davis.at(speed_ms)

    def can_run_on(self, supply: Electrification) -> bool:
        return supply in self.efforts

    def effort_curve(self, supply: Electrification) -> EffortCurve:
        """The tractive-effort curve under ``supply``; a clear error when there is none."""
        try:
            return self.efforts[supply]
        except KeyError:
            have = ", ".join(s.value for s in self.efforts) or "none"
            raise ValidationError(Problem(
                f"consist '{self.id}'", "efforts",
                f"no traction under {supply.value} ({self.traction.value} traction; "
                f"runs under: {have})")) from None

    # -- where it may run ------------------------------------------------------------

    @property
    def needs(self) -> Needs:
        """What this train needs from a section (see ``model.admission``)."""
        return Needs(self.id, frozenset(self.efforts), self.loading_gauge, self.axle_load_t,
                     self.length_m, out_of_gauge=self.out_of_gauge,
                     dangerous_goods=self.rid_class is not None,
                     passenger=self.category == Category.PASSENGER,
                     out_of_gauge_class=self.oog_class)

    @property
    def oog_class(self) -> int:
        """The out-of-gauge class the conditions are taken for (3 when not given)."""
        return self.out_of_gauge_class or 3

    @property
    def explosives(self) -> bool:
        """True for RID class 1 (explosives, ammunition): never stands at a passenger station."""
        return self.rid_class is not None and str(self.rid_class).split(".")[0] == "1"

    def problems_on(self, section: Section) -> list[Problem]:
        """Every reason this train may not use ``section`` (empty when it may)."""
        return section_problems(self.needs, section)


def compose(id: str, name: str, category: Category, units: Sequence[TractionUnit],
            trailing: TrailingLoad | None = None, *, braking_ms2: float,
            loading_gauge: LoadingGauge | None, out_of_gauge: bool = False,
            rid_class: str | None = None, max_speed_ms: float | None = None,
            etcs: bool | None = None, source: str = "", out_of_gauge_class: int | None = None) -> Consist:
    """A consist from traction units (front to back) and the load they haul.

    Length, mass and resistance add up; efforts add up under every supply all
    units can use; the rotating-mass factor is mass-weighted; the maximum
    speed is the lowest of the units and the given ``max_speed_ms``.
    """
    element = f"consist '{id}'"
    if not units:
        raise ValidationError(Problem(element, "units", "needs at least one traction unit"))
    kinds = {u.traction for u in units}
    if len(kinds) > 1:
        raise ValidationError(Problem(element, "units",
                                      "mixed electric and diesel traction is not modelled"))
    parts_mass = [u.mass_kg for u in units] + ([trailing.mass_kg] if trailing else [])
    parts_factor = [u.rotating_mass_factor for u in units] + (
        [trailing.rotating_mass_factor] if trailing else [])
    mass = sum(parts_mass)
    supplies = set.intersection(*(set(u.efforts) for u in units))
    efforts = {}
    for s in sorted(supplies):
        total = units[0].efforts[s]
        for u in units[1:]:
            total = total + u.efforts[s]
        efforts[s] = total
    davis = units[0].davis
    for u in units[1:]:
        davis = davis + u.davis
    speeds = [u.max_speed_ms for u in units] + ([max_speed_ms] if max_speed_ms else [])
    axle = max([u.axle_load_t for u in units] + ([trailing.axle_load_t] if trailing else []))
    return Consist(
        id=id, name=name, category=category,
        length_m=sum(u.length_m for u in units) + (trailing.length_m if trailing else 0.0),
        mass_kg=mass, max_speed_ms=min(speeds), traction=units[0].traction, efforts=efforts,
        davis=davis + trailing.davis if trailing else davis,
        rotating_mass_factor=sum(m * f for m, f in zip(parts_mass, parts_factor)) / mass,
        braking_ms2=braking_ms2, axle_load_t=axle, loading_gauge=loading_gauge,
        out_of_gauge=out_of_gauge, rid_class=rid_class,
        etcs=all(u.etcs for u in units) if etcs is None else etcs,
        units=tuple(u.id for u in units), source=source, out_of_gauge_class=out_of_gauge_class,
    )


@dataclass(frozen=True)
class Catalogue:
    """The traction units and consists known by id."""

    units: dict[str, TractionUnit]
    consists: dict[str, Consist]

    def consist(self, consist_id: str) -> Consist:
        try:
            return self.consists[consist_id]
        except KeyError:
            near = sorted(c for c in self.consists if consist_id.split("-")[0] in c)
            raise NotFoundError("consist", consist_id, ", ".join(near[:5])) from None

    def unit(self, unit_id: str) -> TractionUnit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise NotFoundError("traction unit", unit_id, ", ".join(sorted(self.units)[:8])) from None
