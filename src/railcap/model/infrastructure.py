"""The mesoscopic infrastructure model: operational points joined by sections.

Units inside are SI: metres, seconds, metres per second. Positions along a
section run from 0 at ``from_op`` to ``length_m`` at ``to_op``; a train running
``to_op -> from_op`` uses the same positions reversed.

A section has one or more parallel tracks. Each track is split into blocks
(signal to signal) at ``block_boundaries_m``; on a double-track section each
direction has its own track, on a single-track section both directions share
track 0.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from typing import Iterable, Iterator

import numpy as np

from railcap.model.errors import NotFoundError


@cache
def _geod():
    """The WGS84 ellipsoid (pyproj), made on first use: loading a network or planning a path needs no
    distance on the ground, and importing pyproj costs a cold command ≈0.1 s (start-up speed, not a cycle)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def ground_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance between two WGS84 points along the ellipsoid, in metres."""
    return float(_geod().inv(lon1, lat1, lon2, lat2)[2])


def ground_distances_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """``ground_distance_m`` from one point to many at once (degrees in, metres out).

    >>> ground_distances_m(52.0, 5.0, np.array([52.0, 52.01]), np.array([5.0, 5.0])).round()
    array([   0., 1113.])
    """
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    return np.asarray(_geod().inv(np.full_like(lons, lon), np.full_like(lats, lat), lons, lats)[2], dtype=float)


def name_to_id(name: str) -> str:
    """The id form of a name: lower case, words joined by '-' ("'s-Hertogenbosch" -> "s-hertogenbosch")."""
    s = name.lower().replace("'", "").replace("(d)", "").replace("(b)", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


class OpKind(StrEnum):
    """What an operational point is, for the planner."""

    STATION = "station"
    JUNCTION = "junction"
    YARD = "yard"
    TERMINAL = "terminal"
    BORDER = "border"
    FOREIGN = "foreign"  # first station across the border, end of the registry
    LOADING_SITE = "loading_site"
    PORT = "port"
    DEPOT = "depot"


class Electrification(StrEnum):
    NONE = "none"
    DC_1500 = "1.5kV_DC"
    AC_25000 = "25kV_AC"


class TrainProtection(StrEnum):
    ATB = "ATB"
    ETCS_L1 = "ETCS_L1"
    ETCS_L2 = "ETCS_L2"
    PZB = "PZB"  # German system on the first metres across some borders


class LoadingGauge(StrEnum):
    """Loading gauges in increasing size; a larger gauge admits every smaller one."""

    G1 = "G1"
    GB = "GB"
    GC = "GC"

    @property
    def rank(self) -> int:
        return list(LoadingGauge).index(self)


class AxleLoadClass(StrEnum):
    """EN 15528 line categories (maximum axle load): C2 20 t, D2/D4 22.5 t, E4 25 t."""

    C2 = "C2"
    D2 = "D2"
    D4 = "D4"
    E4 = "E4"

    @property
    def max_axle_load_t(self) -> float:
        return {"C2": 20.0, "D2": 22.5, "D4": 22.5, "E4": 25.0}[self.value]


@dataclass(frozen=True, slots=True)
class StationTrack:
    """A track at an operational point where a train may stand."""

    id: str
    usable_length_m: float


@dataclass(frozen=True, slots=True)
class SpeedBand:
    """A speed limit between two positions of a section (both directions)."""

    start_m: float
    end_m: float
    speed_ms: float


@dataclass(frozen=True, slots=True)
class Structure:
    """A tunnel, bridge or level crossing at a position of a section."""

    kind: str  # "tunnel" | "bridge" (concrete) | "steel_bridge" | "level_crossing"
    start_m: float
    end_m: float


@dataclass(frozen=True, slots=True)
class OutOfGaugeRule:
    """A restriction a source names for out-of-gauge loads on one section (from the overlay).

    It applies to loads of out-of-gauge class ``from_class`` and wider (see
    ``model.admission``) on top of the default conditions.
    """

    from_class: int
    condition: str  # "not_permitted" | "adjacent_free" | "reduced_speed"
    reason: str  # the structure or section the source names, and the source


@dataclass(frozen=True, slots=True)
class LoadingSite:
    """What a military loading site (or port of embarkation) can load or unload in a day.

    ``tracks`` loading tracks of ``track_length_m`` each; one train takes
    ``load_time_s`` on a track; the site works from ``opens_s`` to ``closes_s``
    (seconds after midnight) and handles at most ``trains_per_day``.
    """

    tracks: int
    track_length_m: float
    trains_per_day: int
    load_time_s: float
    opens_s: float
    closes_s: float
    source: str = ""

    def ready_times_s(self) -> list[float]:
        """When each of the day's trains can leave loaded, earliest first (at most ``trains_per_day``).

        >>> LoadingSite(2, 500, 3, 3 * 3600, 6 * 3600, 22 * 3600).ready_times_s()
        [32400.0, 32400.0, 43200.0]
        """
        out: list[float] = []
        turn = 1
        while len(out) < self.trains_per_day:
            t = self.opens_s + turn * self.load_time_s
            if t > self.closes_s + 1e-9:
                break
            out += [float(t)] * min(self.tracks, self.trains_per_day - len(out))
            turn += 1
        return out


AREA_TRACKS_TO_STAND_CLEAR = 4  # a station area's tracks (through tracks included) for a train to stand off the line


@dataclass(frozen=True)
class OperationalPoint:
    id: str
    name: str
    kind: OpKind
    lat: float
    lon: float
    country: str = "NL"
    code: str | None = None  # NS / ProRail code where one exists
    tracks: tuple[StationTrack, ...] = ()
    #: True when ``tracks`` are the loops and platform tracks beside the line at a point on a
    #: line; False when they are all tracks of a station area (through tracks included).
    tracks_beside_line: bool = False
    neighbour_station: str | None = None  # for border points: the first foreign station
    military_loading: bool = False
    loading: LoadingSite | None = None  # a military loading site's capacity
    passenger_station: bool = False
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names it is known by (a terminal inside a station area)

    def answers_to(self, query: str) -> bool:
        """True when ``query`` is this point's id, code, name or an alias (as written or as an id)."""
        q = query.strip().lower()
        names = (self.name, *self.aliases)
        return (q == self.id or (self.code or "").lower() == q
                or any(q in (n.lower(), name_to_id(n)) for n in names))

    @property
    def longest_track_m(self) -> float:
        return max((t.usable_length_m for t in self.tracks), default=0.0)

    def can_hold(self, train_length_m: float) -> bool:
        """True when one of the point's tracks is long enough for a train of this length."""
        return any(t.usable_length_m >= train_length_m for t in self.tracks)

    @property
    def stands_clear_of_line(self) -> bool:
        """True when a train stopping here stands clear of the line, so that others can pass.

        On a line: a loop or platform track beside it. In a station area, whose track
        count includes the through tracks: ``AREA_TRACKS_TO_STAND_CLEAR`` tracks or more.
        The one rule for the timetable's blocking times and the path search's stands.
        """
        return len(self.tracks) >= (1 if self.tracks_beside_line else AREA_TRACKS_TO_STAND_CLEAR)


@dataclass(frozen=True)
class Section:
    """The line between two operational points."""

    id: str
    from_op: str
    to_op: str
    length_m: float
    track_count: int
    track_length_m: float  # all registry track in this section, sidings included
    speed_bands: tuple[SpeedBand, ...]
    block_boundaries_m: tuple[float, ...]  # starts with 0.0, ends with length_m
    electrification: Electrification
    protection: TrainProtection
    loading_gauge: LoadingGauge
    axle_load: AxleLoadClass
    max_train_length_m: float
    dangerous_goods: bool = True
    wide_load_blocks_adjacent: bool = True
    freight_only: bool = False
    passenger_only: bool = False  # a high-speed line that carries no freight (HSL-Zuid)
    gradient_permille: float = 0.0  # steepest sustained gradient, either direction
    structures: tuple[Structure, ...] = ()
    out_of_gauge_rules: tuple[OutOfGaugeRule, ...] = ()
    line_name: str = ""
    geometry: tuple[tuple[float, float], ...] = ()  # (lon, lat) from from_op to to_op
    sources: tuple[str, ...] = ()

    @property
    def max_speed_ms(self) -> float:
        return max(b.speed_ms for b in self.speed_bands)

    @property
    def blocks(self) -> int:
        return len(self.block_boundaries_m) - 1

    def other_end(self, op_id: str) -> str:
        if op_id == self.from_op:
            return self.to_op
        if op_id == self.to_op:
            return self.from_op
        raise KeyError(f"{op_id} is not an end of section {self.id}")

    def speed_arrays(self, reverse: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Piecewise-constant speed limit as (band_start_m, speed_ms) in running direction."""
        starts = np.array([b.start_m for b in self.speed_bands])
        ends = np.array([b.end_m for b in self.speed_bands])
        speeds = np.array([b.speed_ms for b in self.speed_bands])
        if not reverse:
            return starts, speeds
        return (self.length_m - ends)[::-1].copy(), speeds[::-1].copy()


@dataclass(frozen=True)
class Network:
    """The whole network; immutable after construction. Build with ``Network.of``."""

    ops: dict[str, OperationalPoint]
    sections: dict[str, Section]
    meta: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, ops: Iterable[OperationalPoint], sections: Iterable[Section],
           meta: dict[str, str] | None = None) -> "Network":
        return cls({o.id: o for o in ops}, {s.id: s for s in sections}, dict(meta or {}))

    @cached_property
    def _incident(self) -> dict[str, list[Section]]:
        inc: dict[str, list[Section]] = {o: [] for o in self.ops}
        for s in self.sections.values():
            inc.setdefault(s.from_op, []).append(s)
            inc.setdefault(s.to_op, []).append(s)
        return inc

    def sections_at(self, op_id: str) -> list[Section]:
        return self._incident.get(op_id, [])

    def neighbours(self, op_id: str) -> Iterator[tuple[str, Section]]:
        for s in self.sections_at(op_id):
            yield s.other_end(op_id), s

    def graph(self):
        """An undirected networkx MultiGraph: nodes are op ids, edges carry ``section``."""
        import networkx as nx

        g = nx.MultiGraph()
        for o in self.ops.values():
            g.add_node(o.id, kind=o.kind.value)
        for s in self.sections.values():
            g.add_edge(s.from_op, s.to_op, key=s.id, section=s, length_m=s.length_m)
        return g

    @property
    def track_length_m(self) -> float:
        line = sum(s.track_length_m for s in self.sections.values())
        station = sum(t.usable_length_m for o in self.ops.values() for t in o.tracks)
        return line + station

    def find_op(self, query: str) -> OperationalPoint:
        """Look an operational point up by id, code or name (case-insensitive).

        >>> from railcap.model.samples import corridor
        >>> corridor().find_op("J").id
        'j'
        """
        q = query.strip().lower()
        if q in self.ops:
            return self.ops[q]
        for o in sorted(self.ops.values(), key=lambda o: o.id):
            if o.answers_to(q):
                return o
        starts = [o for o in self.ops.values() if o.name.lower().startswith(q)]
        if len(starts) == 1:
            return starts[0]
        if not starts:  # a typo: the ids and names closest in spelling
            by_key = {k: o for o in self.ops.values() for k in (o.id, o.name.lower())}
            starts = [by_key[k] for k in difflib.get_close_matches(q, list(by_key), n=5, cutoff=0.75)]
        hint = ", ".join(sorted({o.name for o in starts})[:5])
        raise NotFoundError("operational point", query, hint)
