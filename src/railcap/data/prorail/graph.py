"""The registry as a graph: track branches and their ends, point seeds, raw points and sections,
and the names that tie a geocode to a point or a line."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np
from shapely.geometry import LineString
from shapely.strtree import STRtree

from railcap.data.prorail.registry import Registry
from railcap.model.infrastructure import OpKind, StationTrack, name_to_id

DEFAULT_LINE_SPEED_KMH = 80.0  # where the registry records no speed on a line branch
DEFAULT_AREA_SPEED_KMH = 40.0  # ... and in a station area (switch speed)
MIN_SPEED_KMH, MAX_SPEED_KMH = 5.0, 300.0
MIN_PART_BRANCHES = 20
AREA_REACH_M = 3000.0
MAX_CROSS_TRACKS = 2  # the count only corrects lines derived as single track; more tracks need the track-km
slug = name_to_id


@dataclass
class PointSeed:
    """A named place to put on the network: a station or a point from the overlay."""

    name: str
    x: float  # RD metres
    y: float
    code: str | None = None
    kind: OpKind | None = None
    passenger: bool = False
    attrs: dict = field(default_factory=dict)


@dataclass
class RawPoint:
    key: str
    name: str
    kind: OpKind
    x: float
    y: float
    tracks: list[StationTrack] = field(default_factory=list)
    code: str | None = None
    passenger: bool = False
    attrs: dict = field(default_factory=dict)


@dataclass
class RawSection:
    a: str
    b: str
    line: str  # geocode name of the line
    coords: np.ndarray  # RD, from a to b
    length_m: float
    bands: list[tuple[float, float, float]]  # (start_m, end_m, speed_kmh)
    structures: list[tuple[str, float, float]]
    track_length_m: float = 0.0
    line_part_m: float = 0.0  # how much of the path runs on the line itself (not in station areas)
    cross_tracks: int = 0  # parallel line tracks the registry geometry shows across the section (0: not measured)

    @property
    def track_count(self) -> int:
        """Parallel tracks: the line's track over the path's line part (areas are station track),
        or the tracks counted across the section where that is more (see ``count_cross_tracks``)."""
        return max(self.km_tracks, min(self.cross_tracks, MAX_CROSS_TRACKS))

    @property
    def km_tracks(self) -> int:
        """The line's registry track-km over the path's line part."""
        base = self.line_part_m if self.line_part_m > 0 else self.length_m
        return max(1, round(self.track_length_m / base)) if base > 0 else 1


def norm(name: str) -> str:
    """A name reduced for matching: 's Hertogenbosch ~ 's-Hertogenbosch, Ede=Wageningen ~ Ede-Wageningen."""
    n = name.lower().replace("'", "").replace("=", " ").replace("-", " ").replace("/", " ")
    n = re.sub(r"\((d|b)\)", "", n)
    n = re.sub(r"\b(aansl(uiting)?\.?|centraal|cs|racc\.?)(\s|$)", " ", n)
    return re.sub(r"\s+", " ", n).strip()


def names_match(a: str, b: str) -> bool:
    na, nb = norm(a), norm(b)
    if ("grens" in na) != ("grens" in nb):  # "Venlo Grens" is the border point, not Venlo
        return False
    return bool(na) and bool(nb) and (na == nb or na.startswith(nb + " ") or nb.startswith(na + " "))


def same_name(a: str, b: str) -> bool:
    """Exactly the same place name, once reduced (stations: no prefix matching)."""
    return bool(norm(a)) and norm(a) == norm(b)


def line_tokens(name: str) -> tuple[str, str]:
    a, b = name.split(" - ", 1)
    return a.strip(), b.strip()


def classify(name: str) -> OpKind:
    """The kind of a point from its registry name; the overlay may override it."""
    n = name.lower()
    rules = [
        (OpKind.FOREIGN, ("(d)", "(b)")),
        (OpKind.BORDER, ("grens",)),
        (OpKind.DEPOT, ("werkplaats", "bokkeduinen")),
        (OpKind.PORT, ("haven", "maasvlakte", "europoort", "botlek", "pernis", "sloe")),
        (OpKind.YARD, ("kijfhoek", "rangeer", "losplaats", "goederen", "valburg")),
        (OpKind.TERMINAL, ("industrie", "racc", "stamlijn", "emmtec", "cerestar", "dow ",
                           "hoogovens", "zinkfabriek", "tradeport", "borchwerf", "majoppeveld",
                           "lage weide", "de loven", "vam-", "zoutindustrie", "weststad")),
        (OpKind.JUNCTION, ("aansl", "vork", "splitsing", "blauwkapel", "lunetten", "tunnel")),
    ]
    for kind, keys in rules:
        if any(k in n for k in keys):
            return kind
    return OpKind.STATION


class BranchGraph:
    """Branch ends as nodes (2·i start, 2·i+1 end), branches and connections as edges."""

    @cached_property
    def main_geometry(self) -> tuple[list[int], list[LineString], STRtree]:
        """The main part's branches, their RD geometry and a spatial index over it (built once)."""
        branches = list(self.main_branches)
        geoms = [LineString(self.reg.geometry_rd[self.ids[i]]) for i in branches]
        return branches, geoms, STRtree(geoms)

    def __init__(self, reg: Registry):
        self.reg = reg
        self.ids = [b.id for b in reg.branches]
        self.index = {bid: i for i, bid in enumerate(self.ids)}
        self.length = np.array([b.length_m for b in reg.branches])
        self.geo_name = self._geocode_names()
        self.geocode = self._assign_geocodes()
        self.speeds = self._speeds_by_branch()
        self.vmax = np.array([max((s for _, _, s in self.speeds.get(i, [])), default=0.0)
                              for i in range(len(self.ids))])
        self.g = self._graph()
        parts = sorted(nx.connected_components(self.g), key=len, reverse=True)
        self.largest_branches = len({n // 2 for n in parts[0]})
        # the largest part, and smaller networks of their own (Zeeuws-Vlaanderen joins Belgium only)
        self.main_nodes = set(parts[0]).union(*(p for p in parts[1:] if len(p) >= 2 * MIN_PART_BRANCHES))
        self.main_branches = sorted({n // 2 for n in self.main_nodes})
        self.detached_by_geocode: dict[str, list[int]] = defaultdict(list)
        for i in sorted(set(range(len(self.ids))) - set(self.main_branches)):
            self.detached_by_geocode[self.geocode[i]].append(i)

    def _assign_geocodes(self) -> list[str]:
        share: dict[str, Counter] = defaultdict(Counter)
        for r in self.reg.geocode_ranges:
            if r.value in self.geo_name:  # geocodes the branch table names
                share[r.branch][r.value] += r.end_m - r.start_m
        return [share[b.id].most_common(1)[0][0] if share.get(b.id) else b.geocode_begin
                for b in self.reg.branches]

    def _geocode_names(self) -> dict[str, str]:
        names: dict[str, str] = dict(self.reg.geocode_names)
        for b in self.reg.branches:
            names.setdefault(b.geocode_begin, b.name_begin)
            names.setdefault(b.geocode_end, b.name_end)
        return names

    def _speeds_by_branch(self) -> dict[int, list[tuple[float, float, float]]]:
        out: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
        for r in self.reg.speeds:
            i = self.index.get(r.branch)
            if i is not None:
                v = min(max(float(r.value.replace(",", ".")), MIN_SPEED_KMH), MAX_SPEED_KMH)
                out[i].append((r.start_m, min(r.end_m, self.length[i]), v))
        return out

    def _graph(self) -> nx.Graph:
        g = nx.Graph()
        for i, bid in enumerate(self.ids):
            v = self.vmax[i] or DEFAULT_AREA_SPEED_KMH
            g.add_edge(2 * i, 2 * i + 1, w=self.length[i] / v, branch=i)
        for c in self.reg.connections:
            a, b = self.index.get(c.from_branch), self.index.get(c.to_branch)
            if a is None or b is None or a == b:
                continue
            g.add_edge(2 * a + c.from_end, 2 * b + c.to_end, w=1e-3, branch=None)
        return g

    def is_line(self, geocode: str) -> bool:
        return " - " in self.geo_name.get(geocode, "")

    def node_xy(self, node: int) -> np.ndarray:
        pts = self.reg.geometry_rd[self.ids[node // 2]]
        return pts[-1] if node % 2 else pts[0]

    def path_branches(self, nodes: list[int]) -> list[tuple[int, bool]]:
        """The branches a node path runs along, each with ``reverse`` (entered at its end)."""
        out = []
        for u, v in zip(nodes, nodes[1:]):
            if u >= 0 and v >= 0 and u // 2 == v // 2 and u != v:
                out.append((u // 2, u % 2 == 1))
        return out


def path_geometry(bg: BranchGraph, legs: list[tuple[int, bool]]) -> tuple[np.ndarray, list, list, float]:
    """Coordinates, speed bands (km/h), structures and length along a chain of branches."""
    coords, bands, structs = [], [], []
    pos = 0.0
    for i, rev in legs:
        pts = bg.reg.geometry_rd[bg.ids[i]]
        coords.append(pts[::-1] if rev else pts)
        L = bg.length[i]
        known = bg.speeds.get(i) or [(0.0, L, bg.vmax[i] or DEFAULT_LINE_SPEED_KMH)]
        for a, b, v in known:
            a, b = (L - b, L - a) if rev else (a, b)
            bands.append((pos + a, pos + b, v))
        for s in bg.structures_on.get(i, ()):
            a, b = (L - s[2], L - s[1]) if rev else (s[1], s[2])
            structs.append((s[0], pos + a, pos + b))
        pos += L
    xy = np.vstack(coords) if coords else np.zeros((0, 2))
    return xy, bands, structs, pos


def clean_bands(bands: list[tuple[float, float, float]], length_m: float,
                default_kmh: float) -> list[tuple[float, float, float]]:
    """Non-overlapping bands covering [0, length]: the lowest limit wins where they overlap."""
    cuts = sorted({0.0, length_m, *(min(max(a, 0), length_m) for a, _, _ in bands),
                   *(min(max(b, 0), length_m) for _, b, _ in bands)})
    out: list[tuple[float, float, float]] = []
    for a, b in zip(cuts, cuts[1:]):
        if b - a < 1e-6:
            continue
        m = (a + b) / 2
        vs = [v for s, e, v in bands if s <= m < e]
        v = min(vs) if vs else (out[-1][2] if out else default_kmh)
        if out and out[-1][2] == v:
            out[-1] = (out[-1][0], b, v)
        else:
            out.append((a, b, v))
    return out


def centre_node(bg: BranchGraph, branches: list[int]) -> int:
    mids = np.array([bg.reg.geometry_rd[bg.ids[i]].mean(axis=0) for i in branches])
    w = bg.length[branches]
    centre = (mids * w[:, None]).sum(axis=0) / w.sum()
    nodes = [n for i in branches for n in (2 * i, 2 * i + 1)
             if n in bg.main_nodes and bg.g.degree(n) >= 2]
    nodes = nodes or [n for i in branches for n in (2 * i, 2 * i + 1)]
    return min(nodes, key=lambda n: float(np.hypot(*(bg.node_xy(n) - centre))))
