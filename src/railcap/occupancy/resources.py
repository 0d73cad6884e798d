"""Resources a train occupies: the blocks along its route, with stable ids.

A *resource* is one block of one track, named so that every engine (blocking
times, the free-interval index, the conflict detector, path search) agrees:

* on a section with two or more tracks each direction has its own track:
  ``"{section_id}/+/{k}"`` for a train running ``from_op -> to_op`` and
  ``"{section_id}/-/{k}"`` for one running ``to_op -> from_op``;
* on a single-track section both directions share ``"{section_id}/0/{k}"``;
* on a section with four or more tracks each direction has two lanes: lane 0
  keeps the names above, lane 1 is ``"{section_id}/+1/{k}"`` (``"-1"`` the
  other way). A leg may name its lane as a third element ``(section, reverse, lane)``.

``k`` is the block index counted in the section's own orientation (block 0
starts at ``from_op``), whichever way the train runs.

A *route* is a sequence of legs ``(section, reverse)``; leg ``n`` starts at the
route position equal to the sum of the lengths of the legs before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Section, TrainProtection

Leg = tuple[Section, bool] | tuple[Section, bool, int]
Route = Sequence[Leg]
LANES_FROM_TRACKS = 4  # sections with this many tracks have two lanes per direction

#: Protection systems with cab signalling: no lineside signal to sight, and the
#: movement authority can be extended at any point (not only at a signal).
CAB_SIGNALLING = frozenset({TrainProtection.ETCS_L2})


@dataclass(frozen=True, slots=True)
class BlockOnRoute:
    """One block as a train meets it: entry and exit in route coordinates (metres)."""

    resource_id: str
    start_m: float
    end_m: float


def lanes(section: Section) -> int:
    """Independent tracks per direction: 2 on four-track sections, otherwise 1."""
    return 2 if section.track_count >= LANES_FROM_TRACKS else 1


def resource_id(section: Section, block: int, reverse: bool, lane: int = 0) -> str:
    """The id of block ``block`` (own orientation) of ``section`` for a train running that way.

    >>> from railcap.model.samples import corridor
    >>> net = corridor()
    >>> resource_id(net.sections["y-j"], 3, reverse=True)
    'y-j/-/3'
    >>> resource_id(net.sections["j-t"], 3, reverse=True)
    'j-t/0/3'
    """
    if section.track_count >= 2:
        lane_tag = str(lane) if lane and lane < lanes(section) else ""
        return f"{section.id}/{'-' if reverse else '+'}{lane_tag}/{block}"
    return f"{section.id}/0/{block}"


def adjacent_resource_id(section: Section, block: int, reverse: bool) -> str | None:
    """The block of the other direction's track that a wide load also blocks, or None.

    None on a single-track section (there is no adjacent track) and on a section
    whose ``wide_load_blocks_adjacent`` is False.
    """
    if section.track_count < 2 or not section.wide_load_blocks_adjacent:
        return None
    return resource_id(section, block, not reverse)


@dataclass(frozen=True)
class RouteBlocks:
    """The blocks of a route as parallel arrays, in running order (the form the engines use).

    ``primary`` rows are the blocks the train runs through; with ``adjacent=True``
    extra rows follow for the other direction's track (same positions).
    ``cab_signalling`` says per row whether the block lies on a section with cab
    signalling (see ``CAB_SIGNALLING``). ``length_m`` is the route length.
    """

    resource_ids: tuple[str, ...]
    resource_array: np.ndarray  # the same ids as an object array, for building tables
    start_m: np.ndarray
    end_m: np.ndarray
    cab_signalling: np.ndarray  # bool
    primary: np.ndarray  # bool
    length_m: float

    def as_list(self) -> list[BlockOnRoute]:
        return [BlockOnRoute(r, float(a), float(b))
                for r, a, b in zip(self.resource_ids, self.start_m, self.end_m)]


def route_blocks(route: Route, adjacent: bool = False) -> list[BlockOnRoute]:
    """The blocks along ``route`` in running order, in route coordinates.

    With ``adjacent=True`` (an out-of-gauge train) each block on a section with
    ``wide_load_blocks_adjacent`` is followed by the opposite-direction block at
    the same positions.

    >>> from railcap.model.samples import corridor
    >>> net = corridor()
    >>> blocks = route_blocks([(net.sections["j-x"], True)])
    >>> blocks[0]
    BlockOnRoute(resource_id='j-x/-/6', start_m=0.0, end_m=1428.571)
    """
    return route_block_arrays(route, adjacent).as_list()


def route_block_arrays(route: Route, adjacent: bool = False) -> RouteBlocks:
    """``route_blocks`` as arrays; cached per route, since many trains share one."""
    return _route_block_arrays(tuple((leg[0], bool(leg[1]), int(leg[2]) if len(leg) > 2 else 0)
                                     for leg in route), adjacent)


@lru_cache(maxsize=4096)
def _route_block_arrays(route: tuple[tuple[Section, bool, int], ...], adjacent: bool) -> RouteBlocks:
    if not route:
        raise ValidationError(Problem("route", "legs", "a route needs at least one leg"))
    ids: list[str] = []
    starts: list[float] = []
    ends: list[float] = []
    cab: list[bool] = []
    primary: list[bool] = []
    offset = 0.0
    for section, reverse, lane in route:
        _check_boundaries(section)
        bounds = section.block_boundaries_m
        order = range(section.blocks - 1, -1, -1) if reverse else range(section.blocks)
        is_cab = section.protection in CAB_SIGNALLING
        for k in order:
            if reverse:
                a, b = section.length_m - bounds[k + 1], section.length_m - bounds[k]
            else:
                a, b = bounds[k], bounds[k + 1]
            rows = [(resource_id(section, k, reverse, lane), True)]
            other = adjacent_resource_id(section, k, reverse) if adjacent else None
            if other is not None:
                rows.append((other, False))
            for rid, is_primary in rows:
                ids.append(rid)
                starts.append(offset + a)
                ends.append(offset + b)
                cab.append(is_cab)
                primary.append(is_primary)
        offset += section.length_m
    id_array = np.empty(len(ids), dtype=object)
    id_array[:] = ids
    return RouteBlocks(tuple(ids), id_array, np.array(starts), np.array(ends), np.array(cab, dtype=bool),
                       np.array(primary, dtype=bool), offset)


def _check_boundaries(section: Section) -> None:
    b = section.block_boundaries_m
    element = f"section '{section.id}'"
    if len(b) < 2 or b[0] != 0.0 or abs(b[-1] - section.length_m) > 1e-6:
        raise ValidationError(Problem(element, "block_boundaries_m",
                                      "must start at 0 and end at length_m"))
    if any(y <= x for x, y in zip(b, b[1:])):
        raise ValidationError(Problem(element, "block_boundaries_m", "must increase strictly"))
