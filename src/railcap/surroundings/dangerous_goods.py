"""Trains carrying dangerous goods per section, by RID class, and the change when traffic moves.

A train carries dangerous goods of one main RID class or none. Which trains do comes
from the consist (a catalogue consist with an RID class, e.g. military ammunition,
class 1) or, for the reference day's freight, from the share of a flow's trains that
carry each class: the trains of a flow in departure order get their classes evenly
spread, largest remainder first, so the counts are whole trains and the same every run.

Nothing here reads a file: shares, ceilings and the network come in as arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import TrainClass, TrainRun

#: RID 2025 chapter 2.2 classes (divisions as written there).
RID_CLASSES = ("1", "2", "3", "4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7", "8", "9")


def check_rid_class(value: str, element: str, fld: str = "rid_class") -> str:
    """The class as RID writes it; a clear error otherwise.

    >>> check_rid_class("6.1", "flow")
    '6.1'
    """
    v = str(value).strip()
    if v not in RID_CLASSES:
        raise ValidationError(Problem(element, fld, f"unknown RID class '{value}'; RID classes: {', '.join(RID_CLASSES)}"))
    return v


@dataclass(frozen=True)
class FlowShares:
    """The share of a flow's trains carrying each RID class; ``"*"`` matches any point."""

    origin: str
    destination: str
    shares: Mapping[str, float]
    source: str = ""

    def __post_init__(self) -> None:
        element = f"dangerous-goods flow {self.origin}->{self.destination}"
        for c, s in self.shares.items():
            check_rid_class(c, element, "shares")
            if not (isinstance(s, (int, float)) and 0.0 <= s <= 1.0):
                raise ValidationError(Problem(element, f"shares.{c}", f"must be a share 0–1, got {s!r}"))
        if sum(self.shares.values()) > 1.0 + 1e-9:
            raise ValidationError(Problem(element, "shares", "the shares add up to more than 1"))

    def matches(self, a: str, b: str) -> bool:
        """True for a run from ``a`` to ``b`` or back (a flow's figures count both directions)."""
        fit = lambda x, y: self.origin in ("*", x) and self.destination in ("*", y)  # noqa: E731
        return fit(a, b) or fit(b, a)


def _spread(n: int, shares: Mapping[str, float]) -> list[str | None]:
    """Classes for n trains in order: whole counts by largest remainder, evenly spaced.

    >>> _spread(8, {"3": 0.25, "2": 0.125})
    ['3', '2', None, None, '3', None, None, None]
    """
    raw = {c: n * s for c, s in sorted(shares.items())}
    counts = {c: math.floor(x + 1e-9) for c, x in raw.items()}
    extra = round(sum(raw.values())) - sum(counts.values())
    for c in sorted(raw, key=lambda c: (-(raw[c] - counts[c]), c))[:max(extra, 0)]:
        counts[c] += 1
    out: list[str | None] = [None] * n
    for c in sorted(counts, key=lambda c: (-counts[c], c)):
        k = counts[c]
        if k == 0:
            continue
        free_idx = [i for i, x in enumerate(out) if x is None]
        for j in range(k):
            out[free_idx[(j * len(free_idx)) // k]] = c
    return out


def assign_classes(runs: Iterable[TrainRun], flows: Sequence[FlowShares],
                   rid_of_consist: Mapping[str, str | None]) -> dict[str, str]:
    """Run id → RID class for every run that carries dangerous goods.

    A run's consist class wins; otherwise the first flow entry matching the freight run's
    end points gives the shares (one trip of a series cut in parts counts once).
    """
    out: dict[str, str] = {}
    groups: dict[int, list[TrainRun]] = {}
    for r in runs:
        c = rid_of_consist.get(r.consist)
        if c:
            out[r.id] = check_rid_class(c, f"consist '{r.consist}'")
            continue
        if r.train_class != TrainClass.FREIGHT:
            continue
        for i, f in enumerate(flows):
            if f.matches(r.origin, r.destination):
                groups.setdefault(i, []).append(r)
                break
    for i, rs in groups.items():
        trips: dict[str, list[TrainRun]] = {}
        for r in sorted(rs, key=lambda r: (r.departure_s, r.id)):
            trips.setdefault(r.trip_id, []).append(r)
        for parts, cls in zip(trips.values(), _spread(len(trips), flows[i].shares)):
            if cls:
                for r in parts:
                    out[r.id] = cls
    return out


@dataclass(frozen=True)
class DgPassage:
    """Trains of one RID class over one section (``trains`` may be a fraction in averaged scenarios)."""

    section_id: str
    rid_class: str
    trains: float = 1.0


def passages_of_runs(runs: Iterable[TrainRun], classes: Mapping[str, str], weight: float = 1.0) -> list[DgPassage]:
    """One passage per leg of every run that carries dangerous goods."""
    return [DgPassage(leg.section_id, classes[r.id], weight) for r in runs if r.id in classes for leg in r.legs]


def counts(passages: Iterable[DgPassage]) -> dict[str, dict[str, float]]:
    """Section → RID class → trains per day."""
    out: dict[str, dict[str, float]] = {}
    for p in passages:
        if p.trains < 0:
            raise ValidationError(Problem(f"dangerous goods on '{p.section_id}'", "trains",
                                          f"must not be negative, got {p.trains}"))
        by = out.setdefault(p.section_id, {})
        by[p.rid_class] = by.get(p.rid_class, 0.0) + p.trains
    return out


@dataclass(frozen=True)
class Ceiling:
    """A risk ceiling: at most ``dg_trains_per_day`` dangerous-goods trains on each of its sections."""

    name: str
    sections: frozenset[str]
    dg_trains_per_day: float
    source: str = ""


def built_up_sections(network: Network) -> frozenset[str]:
    """Sections that end at a passenger station: railcap's proxy for a line through a built-up area."""
    return frozenset(s.id for s in network.sections.values()
                     if network.ops[s.from_op].passenger_station or network.ops[s.to_op].passenger_station)


@dataclass(frozen=True)
class DgChange:
    """One section's dangerous-goods trains per day before and after, by RID class."""

    section_id: str
    before: dict[str, float]
    after: dict[str, float]
    built_up: bool
    ceiling: str | None = None  # the ceiling's name
    ceiling_trains_per_day: float | None = None

    @property
    def total_before(self) -> float:
        return round(sum(self.before.values()), 6)

    @property
    def total_after(self) -> float:
        return round(sum(self.after.values()), 6)

    @property
    def change(self) -> float:
        return round(self.total_after - self.total_before, 6)

    @property
    def over_ceiling(self) -> bool:
        return self.ceiling_trains_per_day is not None and self.total_after > self.ceiling_trains_per_day + 1e-9

    @property
    def flagged(self) -> bool:
        """An increase through a built-up area, or above a risk ceiling."""
        return (self.change > 1e-9 and self.built_up) or self.over_ceiling

    def to_dict(self) -> dict:
        return {"section": self.section_id, "before": self.before, "after": self.after,
                "total_before": self.total_before, "total_after": self.total_after, "change": self.change,
                "built_up": self.built_up, "ceiling": self.ceiling, "ceiling_trains_per_day": self.ceiling_trains_per_day,
                "over_ceiling": self.over_ceiling, "flagged": self.flagged}


def compare(before: Mapping[str, Mapping[str, float]], after: Mapping[str, Mapping[str, float]],
            built_up: frozenset[str] = frozenset(), ceilings: Sequence[Ceiling] = ()) -> list[DgChange]:
    """Sections whose counts differ, largest increase first (each with its built-up and ceiling flags)."""
    ceiling_of: dict[str, Ceiling] = {}
    for c in ceilings:
        for s in c.sections:
            if s not in ceiling_of or c.dg_trains_per_day < ceiling_of[s].dg_trains_per_day:
                ceiling_of[s] = c
    out = []
    for sid in sorted(set(before) | set(after)):
        b = {k: round(v, 6) for k, v in sorted(before.get(sid, {}).items()) if abs(v) > 1e-9}
        a = {k: round(v, 6) for k, v in sorted(after.get(sid, {}).items()) if abs(v) > 1e-9}
        c = ceiling_of.get(sid)
        ch = DgChange(sid, b, a, sid in built_up, c.name if c else None, c.dg_trains_per_day if c else None)
        if b != a:
            out.append(ch)
    return sorted(out, key=lambda c: (-c.change, c.section_id))
