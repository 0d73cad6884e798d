"""A route: the sections a train runs through, in running order, with route coordinates.

Route positions run from 0 at the origin to ``length_m`` at the destination.
A leg runs a section forwards (``from_op -> to_op``) or reversed; positions
inside a reversed section are mirrored (``length_m - x``).

>>> from railcap.model.samples import corridor
>>> r = shortest_route(corridor(), "p", "x")
>>> r.ops, r.length_m
(('p', 'y', 'j', 'x'), 60000.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from heapq import heappop, heappush
from itertools import count
from typing import Sequence

import numpy as np

from railcap.model.errors import NotFoundError, Problem, RailcapError, ValidationError
from railcap.model.infrastructure import Electrification, Network, Section
from railcap.model.timetable import Leg


class NoRouteError(RailcapError):
    """No connection between two operational points."""


@dataclass(frozen=True)
class RouteLeg:
    """One section run in one direction."""

    section: Section
    reverse: bool = False

    @property
    def start_op(self) -> str:
        return self.section.to_op if self.reverse else self.section.from_op

    @property
    def end_op(self) -> str:
        return self.section.from_op if self.reverse else self.section.to_op

    @property
    def length_m(self) -> float:
        return self.section.length_m

    @property
    def electrification(self) -> Electrification:
        return self.section.electrification

    @property
    def gradient_permille(self) -> float:
        """The section's steepest sustained gradient, taken as rising in the running direction.

        The registry gives the gradient without a direction, so the running-time
        engine treats it as an up-gradient both ways: conservative for running
        time and for the check that a heavy train can start.
        """
        return float(self.section.gradient_permille or 0.0)

    def speed_bands_m(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start_m, end_m, speed_ms) of the speed bands in running direction, leg-local."""
        starts, speeds = self.section.speed_arrays(self.reverse)
        ends = np.append(starts[1:], self.section.length_m)
        return starts, ends, speeds

    def block_boundaries_m(self) -> np.ndarray:
        """Block boundaries in running direction, leg-local, from 0 to length_m."""
        b = np.asarray(self.section.block_boundaries_m, dtype=float)
        return np.sort(self.section.length_m - b) if self.reverse else b


@dataclass(frozen=True)
class Route:
    """Legs in running order; each leg starts where the previous one ended."""

    legs: tuple[RouteLeg, ...]

    def __post_init__(self) -> None:
        if not self.legs:
            raise ValidationError(Problem("route", "legs", "a route needs at least one section"))
        for a, b in zip(self.legs, self.legs[1:]):
            if a.end_op != b.start_op:
                raise ValidationError(Problem(
                    "route", "legs", f"section '{b.section.id}' starts at {b.start_op}, "
                                     f"but '{a.section.id}' ends at {a.end_op}"))

    @classmethod
    def through(cls, network: Network, op_ids: Sequence[str]) -> "Route":
        """The route through consecutive neighbouring ops (the shortest parallel section)."""
        legs = []
        for a, b in zip(op_ids, op_ids[1:]):
            options = [s for s in network.sections_at(a) if b in (s.from_op, s.to_op)
                       and s.other_end(a) == b]
            if not options:
                raise NoRouteError(Problem(f"route {a} → {b}", "ops",
                                           f"no section joins {a} and {b}"))
            s = min(options, key=lambda s: s.length_m)
            legs.append(RouteLeg(s, reverse=(s.from_op != a)))
        return cls(tuple(legs))

    @property
    def origin(self) -> str:
        return self.legs[0].start_op

    @property
    def destination(self) -> str:
        return self.legs[-1].end_op

    @cached_property
    def ops(self) -> tuple[str, ...]:
        return (self.origin,) + tuple(leg.end_op for leg in self.legs)

    @cached_property
    def leg_starts_m(self) -> np.ndarray:
        """Route position of every op: the start of each leg, then the destination."""
        return np.concatenate([[0.0], np.cumsum([leg.length_m for leg in self.legs])])

    @property
    def op_positions_m(self) -> np.ndarray:
        return self.leg_starts_m

    @property
    def length_m(self) -> float:
        return float(self.leg_starts_m[-1])

    @cached_property
    def speed_bands_m(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start_m, end_m, speed_ms) of every speed band, in route coordinates."""
        starts, ends, speeds = [], [], []
        for leg, x0 in zip(self.legs, self.leg_starts_m):
            s, e, v = leg.speed_bands_m()
            starts.append(s + x0)
            ends.append(e + x0)
            speeds.append(v)
        return np.concatenate(starts), np.concatenate(ends), np.concatenate(speeds)

    @cached_property
    def block_boundaries_m(self) -> np.ndarray:
        """Every block boundary of every leg, in route coordinates (joints counted once)."""
        b = np.concatenate([leg.block_boundaries_m() + x0
                            for leg, x0 in zip(self.legs, self.leg_starts_m)])
        return np.unique(np.round(b, 3))

    def op_index(self, op_id: str, after: int = 0) -> int:
        """Index in ``ops`` of the first occurrence of ``op_id`` at or after ``after``."""
        for i in range(after, len(self.ops)):
            if self.ops[i] == op_id:
                return i
        raise NotFoundError("operational point on the route", op_id, " → ".join(self.ops))


class RouteFinder:
    """Cheapest routes between points over the sections a train may use.

    ``cost(section)`` gives a section's cost (seconds, metres — any unit), or
    None where this train may not run. Between two neighbouring points the
    cheapest section counts (ties: the lowest id). Paths are cached per origin.

    The search is Dijkstra's, written out here (a binary heap, ties broken by the
    order in which points are reached, neighbours in the order their sections
    were added) so that a cold command does not import networkx (≈0.2–0.4 s) for
    a graph of a few hundred points; it answers exactly as networkx's
    ``single_source_dijkstra_path`` on the same graph, which the tests check.

    >>> from railcap.model.samples import corridor
    >>> [leg.section.id for leg in RouteFinder(corridor(), lambda s: s.length_m).legs("p", "x")]
    ['p-y', 'y-j', 'j-x']
    """

    def __init__(self, network: Network, cost):
        adj: dict[str, dict[str, tuple[float, Section]]] = {op: {} for op in network.ops}
        for s in sorted(network.sections.values(), key=lambda s: s.id):
            w = cost(s)
            if w is None:
                continue
            old = adj.setdefault(s.from_op, {}).get(s.to_op)
            if old is None or w < old[0]:
                adj[s.from_op][s.to_op] = adj.setdefault(s.to_op, {})[s.from_op] = (w, s)
        self._adj = adj
        self._searches: dict[str, _Search] = {}

    def ops(self, a: str, b: str) -> list[str] | None:
        """The points from ``a`` to ``b``, or None when the train cannot get there."""
        if a not in self._adj:
            return None
        search = self._searches.get(a)
        if search is None:
            search = self._searches[a] = _Search(self._adj, a)
        return search.path_to(b)

    def legs(self, a: str, b: str) -> list[RouteLeg] | None:
        """The legs from ``a`` to ``b`` (empty when a == b), or None when not connected."""
        nodes = self.ops(a, b)
        if nodes is None:
            return None
        return [RouteLeg(self._adj[u][v][1], self._adj[u][v][1].from_op != u) for u, v in zip(nodes, nodes[1:])]


class _Search:
    """Dijkstra's search from one point, run only as far as the points asked for so far.

    A point's path is final once the point is settled (taken from the heap), so stopping there and
    going on for a later question gives exactly the paths of a search run to the end.
    """

    def __init__(self, adj: dict[str, dict[str, tuple[float, Section]]], source: str):
        self._adj = adj
        self.done: dict[str, float] = {}
        self._best: dict[str, float] = {source: 0.0}
        self._paths: dict[str, list[str]] = {source: [source]}
        self._order = count()
        self._heap: list[tuple[float, int, str]] = [(0.0, next(self._order), source)]

    def path_to(self, target: str) -> list[str] | None:
        """The cheapest path to ``target``, settling points until it is settled (None: never reached)."""
        done, best, paths, heap, adj = self.done, self._best, self._paths, self._heap, self._adj
        while target not in done and heap:
            d, _, v = heappop(heap)
            if v in done:
                continue
            done[v] = d
            for u, (w, _) in adj[v].items():
                via = d + w
                if u not in done and (u not in best or via < best[u]):
                    best[u] = via
                    heappush(heap, (via, next(self._order), u))
                    paths[u] = paths[v] + [u]
        return paths[target] if target in done else None


class LegRouter:
    """Shortest routes by length between operational points, as timetable legs; a section
    that is ``freight_only`` costs ``freight_only_penalty`` times its length.

    >>> from railcap.model.samples import corridor
    >>> [g.section_id for g in LegRouter(corridor()).legs("p", "x")]
    ['p-y', 'y-j', 'j-x']
    """

    def __init__(self, network: Network, freight_only_penalty: float = 1.0):
        self._finder = RouteFinder(
            network, lambda s: s.length_m * (freight_only_penalty if s.freight_only else 1.0))

    def legs(self, a: str, b: str) -> tuple[Leg, ...] | None:
        """The legs from ``a`` to ``b`` (empty when a == b), or None when they are not connected."""
        found = self._finder.legs(a, b)
        return None if found is None else tuple(Leg(g.section.id, g.reverse) for g in found)


def shortest_route(network: Network, from_op: str, to_op: str,
                   vias: Sequence[str] = ()) -> Route:
    """The shortest route by length from ``from_op`` through ``vias`` (in order) to ``to_op``.

    Ops are looked up by id, code or name (``Network.find_op``).

    >>> from railcap.model.samples import corridor
    >>> shortest_route(corridor(), "p", "t", vias=["j"]).ops
    ('p', 'y', 'j', 't')
    """
    stops = [network.find_op(q).id for q in (from_op, *vias, to_op)]
    finder = RouteFinder(network, lambda s: s.length_m)
    legs: list[RouteLeg] = []
    for a, b in zip(stops, stops[1:]):
        piece = finder.legs(a, b)
        if piece is None:
            raise NoRouteError(Problem(f"route {a} → {b}", "to_op",
                                       f"no connection from {a} to {b} in the network"))
        legs += piece
    if not legs:
        raise NoRouteError(Problem(f"route {from_op} → {to_op}", "to_op",
                                   "origin and destination are the same point"))
    return Route(tuple(legs))
