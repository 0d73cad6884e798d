"""Candidate routes for a path request: the fastest admissible one, then alternatives.

A section is admissible when the consist may use it (``model.admission``).
An out-of-gauge consist is routed on the network as it runs it
(``model.admission.exceptional_network``): the legs carry the lower speeds
and the adjacent-track flag, so the physics and the blocking times of every
segment follow the exceptional-transport conditions.
Its cost is the time to run it at the lower of line speed and the train's
top speed. Alternatives come from penalising the sections of the routes found
so far (×2) and searching again; only routes that differ are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from railcap.model.admission import exceptional_network
from railcap.model.errors import Problem
from railcap.model.infrastructure import Network, Section
from railcap.model.rolling_stock import Consist
from railcap.physics.route import Route, RouteFinder, RouteLeg

PENALTY = 2.0


def running_cost(consist: Consist) -> Callable[[Section], float | None]:
    """Seconds to run a section at line speed capped by the train's top speed; None where it may not."""
    return _costs(consist).get


@lru_cache(maxsize=64)
def _costs(consist: Consist) -> _CostTable:
    return _CostTable(consist)


class _CostTable:
    """Per section: the consist's admission problems and its cost, each found on first use. Kept by
    section id (which hashes far faster than the section itself) with the section they were found for:
    a section of another network under the same id (an exceptional transport's view) is asked again."""

    def __init__(self, consist: Consist):
        self.consist = consist
        self._problems: dict[str, tuple[Section, list[Problem]]] = {}
        self._costs: dict[str, tuple[Section, float | None]] = {}

    def problems(self, s: Section) -> list[Problem]:
        """``consist.problems_on(s)``, once per section."""
        hit = self._problems.get(s.id)
        if hit is None or hit[0] is not s:
            hit = self._problems[s.id] = (s, self.consist.problems_on(s))
        return hit[1]

    def get(self, s: Section, default=None) -> float | None:
        hit = self._costs.get(s.id)
        if hit is None or hit[0] is not s:
            cost = None if self.problems(s) else s.length_m / min(s.max_speed_ms, self.consist.max_speed_ms)
            hit = self._costs[s.id] = (s, cost)
        return hit[1]


def admission_problems(consist: Consist) -> Callable[[Section], list[Problem]]:
    """Why ``consist`` may not use a section (empty: it may), asked once per section and consist."""
    return _costs(consist).problems


def route_through(net: Network, waypoints: list[str], cost: Callable[[Section], float | None]) -> Route | None:
    """The cheapest route through the waypoints in order, or None where one hop is impossible."""
    finder = RouteFinder(net, cost)
    legs: list[RouteLeg] = []
    for a, b in zip(waypoints, waypoints[1:]):
        if a == b:
            continue
        piece = finder.legs(a, b)
        if piece is None:
            return None
        legs += piece
    return Route(tuple(legs)) if legs else None


def candidate_routes(net: Network, consist: Consist, waypoints: list[str], n: int) -> list[Route]:
    """Up to ``n`` different admissible routes through ``waypoints``, fastest first."""
    if consist.out_of_gauge:
        net = exceptional_network(net, consist.oog_class)
    base = running_cost(consist)
    penalty: dict[str, float] = {}
    out: list[Route] = []
    seen: set[tuple[str, ...]] = set()
    for _ in range(2 * n):
        def cost(s: Section, base=base, penalty=dict(penalty)) -> float | None:
            c = base(s)
            return None if c is None else c * penalty.get(s.id, 1.0)
        route = route_through(net, waypoints, cost)
        if route is None:
            break
        key = tuple(leg.section.id for leg in route.legs)
        if key not in seen:
            seen.add(key)
            out.append(route)
            if len(out) >= n:
                break
        for leg in route.legs:
            penalty[leg.section.id] = penalty.get(leg.section.id, 1.0) * PENALTY
    return out
