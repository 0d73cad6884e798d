"""Train runs and timetables. Times are absolute seconds from 00:00 of the reference day.

A run passes a sequence of operational points (``points``) along a route of
section legs (``legs``); it stops where ``stops`` is true. The times at a point
are those of the head of the train.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

TRIP_PART_MARK = "~"  # a run id ending in this mark and a digit is one part of a trip cut in parts


class TrainClass(StrEnum):
    """Priority classes, lowest number first in priority (the allocation decree's order)."""

    MILITARY = "military"
    PASSENGER = "passenger"
    FREIGHT = "freight"
    RESERVE = "reserve"  # a path held for ad-hoc requests; no real train


@dataclass(frozen=True, slots=True)
class Leg:
    """One section of a route, run from ``to_op`` to ``from_op`` when ``reverse``."""

    section_id: str
    reverse: bool = False
    lane: int = 0  # 1 = the second track of this direction on a four-track section


@dataclass(frozen=True, slots=True)
class PassingPoint:
    op_id: str
    arrival_s: float
    departure_s: float
    stops: bool = False

    @property
    def dwell_s(self) -> float:
        return self.departure_s - self.arrival_s


@dataclass(frozen=True)
class TrainRun:
    """One train's run: its route (legs), times at every point passed, and what it is."""

    id: str
    train_class: TrainClass
    consist: str  # id in the rolling-stock catalogue
    legs: tuple[Leg, ...]
    points: tuple[PassingPoint, ...]  # len(points) == len(legs) + 1
    product: str = ""
    series: str = ""
    owner: str = ""
    notes: tuple[str, ...] = ()

    @property
    def departure_s(self) -> float:
        return self.points[0].departure_s

    @property
    def trip_id(self) -> str:
        """The trip the run belongs to: the parts of a series cut in two (ids ``…~1``, ``…~2``) share it."""
        head, mark, tail = self.id.rpartition(TRIP_PART_MARK)
        return head if mark and tail.isdigit() else self.id

    @property
    def arrival_s(self) -> float:
        return self.points[-1].arrival_s

    @property
    def origin(self) -> str:
        return self.points[0].op_id

    @property
    def destination(self) -> str:
        return self.points[-1].op_id

    def shifted(self, by_s: float, new_id: str | None = None) -> TrainRun:
        """The same run ``by_s`` seconds later (earlier when negative), renamed ``new_id`` if given.

        >>> run = TrainRun("900", TrainClass.FREIGHT, "f", (Leg("p-y"),),
        ...                (PassingPoint("p", 100, 100), PassingPoint("y", 700, 700)))
        >>> moved = run.shifted(60, "900@x")
        >>> moved.id, moved.departure_s, moved.arrival_s
        ('900@x', 160, 760)
        """
        points = tuple(replace(p, arrival_s=p.arrival_s + by_s, departure_s=p.departure_s + by_s)
                       for p in self.points)
        return replace(self, id=self.id if new_id is None else new_id, points=points)


@dataclass(frozen=True)
class Timetable:
    runs: tuple[TrainRun, ...]
    meta: dict[str, str] = field(default_factory=dict)

    def by_id(self) -> dict[str, TrainRun]:
        return {r.id: r for r in self.runs}

    def of_class(self, cls: TrainClass) -> list[TrainRun]:
        return [r for r in self.runs if r.train_class == cls]


@dataclass(frozen=True, slots=True)
class TripStop:
    """A stop of a trip not yet routed: the point and the times the source gives (None where it gives none)."""

    op_id: str
    arrival_s: float | None
    departure_s: float | None
    stops: bool


@dataclass(frozen=True)
class PlannedTrip:
    """A trip known by its stops and times (a GTFS trip mapped to the network), before it is routed."""

    run_id: str
    trip_id: str
    stops: tuple[TripStop, ...]
    product: str
    consist: str
    series: str = ""
    owner: str = ""
