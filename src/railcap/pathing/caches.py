"""What a planner derives from the network and the request alone, kept across requests and days.

A warm service answers many requests against days that change with every
allocation; the candidate routes of a request, the running times and
blocking-time templates of its segments, and the reason why no route admits
a consist depend only on the network and the request's consist, allowance
and waypoints — never on the day's occupations. One ``SearchCaches`` serves
every planner of a process (``Planner(caches=...)``), so a new planner for a
changed day starts with them warm. Each cache is bounded (least recently used
goes first).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Hashable, TypeVar

from railcap.model.rolling_stock import Consist
from railcap.pathing.segments import SegmentCache
from railcap.physics.running_time import Allowance

T = TypeVar("T")


class Bounded(Generic[T]):
    """A dict of at most ``size`` entries, computed on first use, least recently used dropped first.

    >>> c = Bounded(2)
    >>> [c.get(k, lambda: k * 10) for k in (1, 2, 1, 3)], sorted(c.keys())
    ([10, 20, 10, 30], [1, 3])
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        value = self._items[key] = make()
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def keys(self) -> list[Hashable]:
        return list(self._items)


class SearchCaches:
    """Segments per (consist, allowance), candidate routes per (consist, waypoints, count), and the
    explanation of a request that no route admits per (consist, waypoints)."""

    def __init__(self, routes: int = 2048, consists: int = 64):
        self.segments: Bounded[SegmentCache] = Bounded(consists)
        self.routes: Bounded[tuple] = Bounded(routes)
        self.no_route: Bounded[object] = Bounded(routes)

    def segment_cache(self, consist: Consist, allowance: Allowance) -> SegmentCache:
        return self.segments.get((consist, allowance), lambda: SegmentCache(consist, allowance))
