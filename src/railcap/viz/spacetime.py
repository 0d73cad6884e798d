"""What a space–time diagram shows, as plain data: the corridor, train lines, blocking boxes.

A *corridor* is a chain of sections between two operational points (the
shortest path over the network, through optional vias); every point on it has a
distance from its start. A train run becomes one *train line* per stretch of
consecutive legs on the corridor's sections: vertices (distance, time) at the
points it passes, the arrival and the departure at each, so a stop shows as a
vertical piece (time runs along it, the distance stays). Trains that run the
corridor the other way have falling distances. Blocking times (an
``OccupationTable``) on the corridor's sections become boxes: the block's
extent along the corridor times its blocking time.

Drawing is in ``railcap.viz.diagram``; this module computes only.

>>> from railcap.model.samples import corridor as sample
>>> c = Corridor.between(sample(), ["p", "x"])
>>> c.op_ids, c.positions_m
(('p', 'y', 'j', 'x'), (0.0, 20000.0, 50000.0, 60000.0))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from railcap.model.clock import format_clock, parse_time
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network, OpKind
from railcap.model.timetable import Leg, Timetable, TrainClass, TrainRun
from railcap.model.occupation import OccupationTable
from railcap.physics.route import LegRouter
from railcap.store.days import AFTER, BEFORE

#: how a train of the day before / after is named in a legend (``store.days`` names the trains themselves)
NEIGHBOUR_LABELS = {-1: "day before, after 24:00", 1: "day after"}


# ----- the time window -------------------------------------------------------------------


def parse_clock(text: str) -> float:
    """Seconds of the day for ``HH:MM`` or ``HH:MM:SS``; hours up to 47 (past midnight); ``model.clock`` reads it.

    >>> parse_clock("06:30"), parse_clock("25:00:30")
    (23400.0, 90030.0)
    """
    if not re.fullmatch(r"\s*\d{1,2}:\d\d(:\d\d)?\s*", text):
        raise ValueError(text)  # a window is clock times only, never a date
    try:
        return parse_time(text, "window")[0]
    except ValidationError:
        raise ValueError(text) from None


def parse_window(window: str | tuple[float, float]) -> tuple[float, float]:
    """A time window ``"06:00-09:00"`` as (start_s, end_s); a pair of seconds passes through.

    >>> parse_window("06:00-09:00")
    (21600.0, 32400.0)
    """
    if isinstance(window, tuple):
        start, end = float(window[0]), float(window[1])
    else:
        parts = str(window).split("-")
        try:
            if len(parts) != 2:
                raise ValueError(window)
            start, end = parse_clock(parts[0]), parse_clock(parts[1])
        except ValueError:
            raise ValidationError(Problem("time window", "window",
                                          f"'{window}' is not HH:MM-HH:MM (e.g. 06:00-09:00; "
                                          "hours up to 47 for after midnight)")) from None
    if not end > start:
        raise ValidationError(Problem("time window", "window",
                                      f"'{window}' ends ({clock(end)}) before or when it "
                                      f"starts ({clock(start)})"))
    return start, end


def clock(t_s: float, seconds: bool = False) -> str:
    """``HH:MM`` (or ``HH:MM:SS``) for seconds of the day, to the nearest second; hours go past 24.

    >>> clock(90030, seconds=True), clock(23_459.6)
    ('25:00:30', '06:31')
    """
    return format_clock(round(t_s), "down", seconds)


def neighbour_day(train_id: str) -> int:
    """-1 for a train of the day before (``<id>@day-1``), +1 of the day after, 0 for one of the day itself.

    >>> neighbour_day("3512@day-1"), neighbour_day("3512@day+1"), neighbour_day("3512")
    (-1, 1, 0)
    """
    return -1 if train_id.endswith(BEFORE) else 1 if train_id.endswith(AFTER) else 0


# ----- the corridor ----------------------------------------------------------------------


@dataclass(frozen=True)
class Corridor:
    """A chain of sections; ``legs[k]`` runs from ``op_ids[k]`` to ``op_ids[k + 1]``."""

    op_ids: tuple[str, ...]
    positions_m: tuple[float, ...]
    legs: tuple[Leg, ...]
    names: tuple[str, ...]
    is_junction: tuple[bool, ...] = ()

    @classmethod
    def between(cls, network: Network, ops: Sequence[str]) -> "Corridor":
        """The corridor through ``ops`` (ids, codes or names), each pair joined by the shortest path.

        An explicit list of neighbouring points gives exactly that chain.
        """
        if len(ops) < 2:
            raise ValidationError(Problem("corridor", "ops", "needs at least two points"))
        ids = [network.find_op(q).id for q in ops]
        router = LegRouter(network)
        legs: list[Leg] = []
        for a, b in zip(ids, ids[1:]):
            hop = router.legs(a, b)
            if hop is None or (a == b):
                raise ValidationError(Problem(f"corridor {a} - {b}", "ops",
                                              "the points are not joined by any section"
                                              if hop is None else "the same point twice"))
            legs.extend(hop)
        return cls.of_legs(network, ids[0], legs)

    @classmethod
    def of_legs(cls, network: Network, start: str, legs: Sequence[Leg]) -> "Corridor":
        ops, pos = [start], [0.0]
        for g in legs:
            s = network.sections[g.section_id]
            ops.append(s.from_op if g.reverse else s.to_op)
            pos.append(pos[-1] + s.length_m)
        names = tuple(network.ops[o].name for o in ops)
        junction = tuple(network.ops[o].kind == OpKind.JUNCTION for o in ops)
        return cls(tuple(ops), tuple(pos), tuple(legs), names, junction)

    @property
    def length_m(self) -> float:
        return self.positions_m[-1]

    def section_offsets(self) -> dict[str, tuple[float, bool]]:
        """Per section on the corridor: the distance of its start and whether it runs reversed."""
        return {g.section_id: (x, g.reverse) for g, x in zip(self.legs, self.positions_m)}

    def position_of(self, network: Network, section_id: str, at_m: float) -> float:
        """Corridor distance of position ``at_m`` (section coordinates) on a corridor section."""
        x0, rev = self.section_offsets()[section_id]
        length = network.sections[section_id].length_m
        return x0 + (length - at_m if rev else at_m)


# ----- train lines -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrainLine:
    """One train's passage(s) over the corridor: stretches of (distance_m, time_s, op_id)."""

    train_id: str
    train_class: TrainClass
    product: str
    stretches: tuple[tuple[tuple[float, float, str], ...], ...]

    @property
    def direction(self) -> int:
        """+1 when the first stretch runs with the corridor, -1 against it."""
        s = self.stretches[0]
        return 1 if s[-1][0] >= s[0][0] else -1


def train_lines(network: Network, corridor: Corridor, timetable: Timetable,
                window: tuple[float, float]) -> list[TrainLine]:
    """Every run with a stretch on the corridor's sections that overlaps the window (in time)."""
    ops_pos = dict(zip(corridor.op_ids, corridor.positions_m))
    on = {g.section_id for g in corridor.legs}
    out = []
    for run in timetable.runs:
        stretches = [s for s in _stretches(run, on, ops_pos) if stretch_in_window(s, window)]
        if stretches:
            out.append(TrainLine(run.id, run.train_class, run.product, tuple(stretches)))
    return out


def _stretches(run: TrainRun, on: set[str], ops_pos: dict[str, float]
               ) -> list[tuple[tuple[float, float, str], ...]]:
    out: list[list[tuple[float, float, str]]] = []
    prev = False
    for i, g in enumerate(run.legs):
        if g.section_id not in on:
            prev = False
            continue
        a, b = run.points[i], run.points[i + 1]
        if not prev:
            out.append(_visit(a, ops_pos))
        out[-1].extend(_visit(b, ops_pos))
        prev = True
    return [tuple(s) for s in out]


def _visit(p, ops_pos: dict[str, float]) -> list[tuple[float, float, str]]:
    x = ops_pos[p.op_id]
    if p.departure_s > p.arrival_s:
        return [(x, p.arrival_s, p.op_id), (x, p.departure_s, p.op_id)]
    return [(x, p.arrival_s, p.op_id)]


def stretch_in_window(stretch: Sequence[tuple[float, float, str]], window: tuple[float, float]) -> bool:
    """True when a stretch of a train line (points ``(x, t, op)`` in time order) reaches into the window."""
    return stretch[0][1] <= window[1] and stretch[-1][1] >= window[0]


# ----- blocking boxes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlockBox:
    """One blocking time drawn on the corridor: distance ``x0_m..x1_m`` by ``start_s..end_s``."""

    train_id: str
    resource_id: str
    x0_m: float
    x1_m: float
    start_s: float
    end_s: float


def blocking_boxes(network: Network, corridor: Corridor, occupations: OccupationTable,
                   window: tuple[float, float], trains: Iterable[str] | None = None
                   ) -> list[BlockBox]:
    """Blocking times on the corridor's sections that overlap the window, as boxes.

    Resource ids follow ``railcap.occupancy.resources``: ``section/direction/block``.
    ``trains`` limits the boxes to those trains.
    """
    keep = (occupations.start_s <= window[1]) & (occupations.end_s >= window[0])
    if trains is not None:
        keep &= np.isin(occupations.train_id, np.array(list(trains), dtype=object))
    offsets = corridor.section_offsets()
    extents: dict[str, tuple[float, float] | None] = {}
    out = []
    for i in np.flatnonzero(keep):
        rid = occupations.resource_id[i]
        if rid not in extents:
            extents[rid] = _block_extent(network, offsets, rid)
        ext = extents[rid]
        if ext is not None:
            out.append(BlockBox(str(occupations.train_id[i]), rid, ext[0], ext[1],
                                float(occupations.start_s[i]), float(occupations.end_s[i])))
    return out


def _block_extent(network: Network, offsets: dict[str, tuple[float, bool]], rid: str
                  ) -> tuple[float, float] | None:
    parts = rid.rsplit("/", 2)
    if len(parts) != 3 or parts[0] not in offsets or not parts[2].isdigit():
        return None
    sec = network.sections[parts[0]]
    k = int(parts[2])
    if k + 1 >= len(sec.block_boundaries_m):
        return None
    x0, rev = offsets[parts[0]]
    a, b = sec.block_boundaries_m[k], sec.block_boundaries_m[k + 1]
    if rev:
        a, b = sec.length_m - b, sec.length_m - a
    return x0 + a, x0 + b
