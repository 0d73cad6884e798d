"""The neighbours' networks beyond the border crossings: foreign km and foreign capacity of a diversion.

A freight flow to a Dutch border crossing really runs on to a place beyond it (its *hub*:
Emmerich's trains to the Ruhr at Oberhausen, Venlo's to Cologne, Bad Bentheim's to
Osnabrück, Roosendaal's to Antwerp, …). When the flow switches to another crossing, the
train runs from that crossing to the same hub abroad: it pays those foreign km and uses the
freight paths of the foreign sections on the way. The foreign lines are a small network of
sourced sections (length, tracks, power supply, freight paths per day); each becomes one
capacity resource per direction (both directions together on single track) in the rerouting LP.

>>> fn = foreign_from_dict({"points": {"h": {"name": "Hub", "country": "DE"}},
...     "sections": [{"id": "x--h", "from": "x", "to": "h", "km": 30, "tracks": 2, "freight_paths_per_day": 50},
...                  {"id": "y--h", "from": "y", "to": "h", "km": 80, "tracks": 1, "freight_paths_per_day": 20}],
...     "beyond": {"x": {"hub": "h"}, "y": {"hub": "h"}}}, crossings={"x", "y"})
>>> fn.route("y", "h")  # km, and the resources used (section y--h, one track: one resource)
(80.0, (2,))
>>> fn.extra_km("x", "y")  # a train of x switched to y runs 80 km abroad instead of 30
50.0
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Iterable

from railcap.model.errors import Problem, ValidationError


@dataclass(frozen=True, slots=True)
class ForeignSection:
    id: str
    from_point: str
    to_point: str
    km: float
    tracks: int
    electrification: str
    protection: str
    freight_paths_per_day: float  # per direction on two tracks, both directions together on one
    source: str = ""


@dataclass(frozen=True)
class ForeignNetwork:
    """Foreign sections, their capacity resources, and the hub beyond each crossing."""

    sections: tuple[ForeignSection, ...]
    hub: dict[str, str]  # Dutch crossing op id -> foreign hub point
    points: dict[str, dict] = field(default_factory=dict)
    #: (section index, 0 = from→to / 1 = to→from) -> resource index; single track: both map to one
    resource_of: dict[tuple[int, int], int] = field(default_factory=dict)
    resource_label: tuple[tuple[str, str], ...] = ()  # (section id, "a -> b" or "both")
    resource_capacity: tuple[float, ...] = ()

    @property
    def n_resources(self) -> int:
        return len(self.resource_capacity)

    def _adjacent(self) -> dict[str, list[tuple[str, float, int, int]]]:
        adj: dict[str, list[tuple[str, float, int, int]]] = {}
        for i, s in enumerate(self.sections):
            adj.setdefault(s.from_point, []).append((s.to_point, s.km, i, 0))
            adj.setdefault(s.to_point, []).append((s.from_point, s.km, i, 1))
        return adj

    def route(self, start: str, end: str) -> tuple[float, tuple[int, ...]] | None:
        """Shortest foreign run (km, resources used in order) from ``start`` to ``end``; None if none."""
        adj = self._adjacent()
        best = {start: 0.0}
        prev: dict[str, tuple[str, int]] = {}
        heap = [(0.0, start)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == end:
                break
            if d > best.get(u, float("inf")):
                continue
            for v, km, i, direction in adj.get(u, []):
                nd = d + km
                if nd < best.get(v, float("inf")) - 1e-12:
                    best[v] = nd
                    prev[v] = (u, self.resource_of[(i, direction)])
                    heapq.heappush(heap, (nd, v))
        if end not in best:
            return None
        res, node = [], end
        while node != start:
            node, r = prev[node]
            res.append(r)
        return float(best[end]), tuple(reversed(res))

    def run(self, crossing: str, nominal: str, outbound: bool) -> tuple[float, tuple[int, ...]] | None:
        """The foreign run of a train of ``nominal``'s flow using ``crossing``: to the nominal hub
        (``outbound``) or from it; None when the crossing's flows have no hub or no route exists."""
        hub = self.hub.get(nominal)
        if hub is None:
            return None
        r = self.route(crossing, hub) if outbound else self.route(hub, crossing)
        return r

    def extra_km(self, nominal: str, other: str) -> float:
        """Foreign km a train of ``nominal``'s flow runs more when it crosses at ``other`` (0 if unknown)."""
        a, b = self.run(nominal, nominal, True), self.run(other, nominal, True)
        return 0.0 if a is None or b is None else b[0] - a[0]


def foreign_from_dict(data: dict[str, Any], crossings: Iterable[str], label: str = "foreign network") -> ForeignNetwork:
    """Validate the foreign network document; ``crossings`` are the Dutch op ids its lines may start from
    (the network's points: a crossing the demand does not use is simply never switched to)."""
    problems: list[Problem] = []
    known = set(crossings) | set((data.get("points") or {}).keys())
    secs: list[ForeignSection] = []
    for i, rec in enumerate(data.get("sections") or []):
        el = f"{label} sections[{i}]" + (f" '{rec.get('id')}'" if isinstance(rec, dict) and rec.get("id") else "")
        if not isinstance(rec, dict):
            problems.append(Problem(el, "-", "expected an object"))
            continue
        for end in ("from", "to"):
            if rec.get(end) not in known:
                problems.append(Problem(el, end, f"unknown point {rec.get(end)!r}: list it under 'points' "
                                                 f"or use a Dutch border crossing"))
        nums = {}
        for fld, minimum in (("km", 1e-9), ("tracks", 1), ("freight_paths_per_day", 0.0)):
            v = rec.get(fld)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < minimum:
                problems.append(Problem(el, fld, f"expected a number ≥ {minimum}, got {v!r}"))
                v = minimum
            nums[fld] = float(v)
        secs.append(ForeignSection(str(rec.get("id", f"s{i}")), str(rec.get("from")), str(rec.get("to")),
                                   nums["km"], int(nums["tracks"]), str(rec.get("electrification", "")),
                                   str(rec.get("protection", "")), nums["freight_paths_per_day"],
                                   str(rec.get("source", ""))))
    hub: dict[str, str] = {}
    for c, rec in (data.get("beyond") or {}).items():
        h = rec.get("hub") if isinstance(rec, dict) else None
        if c not in set(crossings):
            problems.append(Problem(f"{label} beyond", c, "not an operational point of the Dutch network"))
        elif h not in known:
            problems.append(Problem(f"{label} beyond.{c}", "hub", f"unknown point {h!r}"))
        else:
            hub[c] = h
    if problems:
        raise ValidationError(problems)
    resource_of: dict[tuple[int, int], int] = {}
    labels, caps = [], []
    for i, s in enumerate(secs):
        if s.tracks <= 1:
            resource_of[(i, 0)] = resource_of[(i, 1)] = len(caps)
            labels.append((s.id, "both"))
            caps.append(s.freight_paths_per_day)
        else:
            for direction, (a, b) in enumerate(((s.from_point, s.to_point), (s.to_point, s.from_point))):
                resource_of[(i, direction)] = len(caps)
                labels.append((s.id, f"{a} -> {b}"))
                caps.append(s.freight_paths_per_day)
    return ForeignNetwork(tuple(secs), hub, dict(data.get("points") or {}), resource_of, tuple(labels), tuple(caps))
