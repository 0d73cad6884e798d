"""What the reference weekday is asked to run, and what it is measured against.

The 2026 passenger service patterns (series with route variants, minutes and
headways), the freight flows of the facts file, and the corridors whose train
volumes the facts file gives. ``data/`` reads them from their files; the
timetable engine builds the day from them.
"""

from __future__ import annotations

from dataclasses import dataclass

WEEKDAY_DAY_PAGE = 1  # "ma-do tot 20 uur"
EVENING_PAGE = 4  # "ma-zo na 20 uur"
TOLERANCE = 0.10  # a corridor volume within 10 % of the facts file's range matches


@dataclass(frozen=True)
class PatternRoute:
    stops: tuple[str, ...]  # station slugs
    arrival_min: tuple[float, ...]
    departure_min: tuple[float, ...]


@dataclass(frozen=True)
class ServicePattern:
    series: str
    product: str
    international: bool
    routes: tuple[PatternRoute, ...]
    headway_min: float | None
    trips_per_day_both: int | None  # from the GTFS note when there is no regular headway
    window: int


@dataclass(frozen=True)
class FreightFlow:
    origin: str
    destination: str
    trains_per_day: float  # both directions together
    consist: str
    source: str


@dataclass(frozen=True)
class Corridor:
    name: str
    train_class: str
    between: tuple[tuple[str, str], ...]
    low: float
    high: float
    fact: str
    per_day: bool = False  # a passenger total per day rather than per hour per direction
    known_gap: str = ""  # why the reference day does not reach this volume (docs/data.md), if it does not
    uncertainty: float = 0.0  # the facts' own stated margin, in the corridor's unit ("≈ ±1–2" per hour)

    @property
    def unit(self) -> str:
        return "/day" if self.per_day or self.train_class != "passenger" else "/h/dir"

    def matches(self, volume: float) -> bool:
        """Within 10 % of the facts' range, the range taken with the margin the facts state."""
        low, high = self.low - self.uncertainty, self.high + self.uncertainty
        return low * (1 - TOLERANCE) - 1e-9 <= volume <= high * (1 + TOLERANCE) + 1e-9

    def matches_bare_figure(self, volume: float) -> bool:
        """Within 10 % of the facts' range as printed, ignoring the margin they state."""
        return self.low * (1 - TOLERANCE) - 1e-9 <= volume <= self.high * (1 + TOLERANCE) + 1e-9
