"""Derive the mesoscopic network (operational points and sections) from the registry.

The registry is a graph of ~12,000 track branches. Its geocode areas tell what
is what: a geocode named "A" is the area of operational point A (its branches
become the point's tracks), a geocode named "A - B" is the line between A and
B (its branches become the tracks of the sections between them).

For each line we take the fastest path through its branches between the
centres of the points it touches; where paths to different points part, a
junction is created. Stations on the open line (from the station list) and
extra points (terminals, loading sites) split the sections where they stand.
Sections therefore run from point centre to point centre, and every registry
branch is counted once: as a station track or as line track of a section.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np
from shapely.geometry import LineString, Point
from shapely.ops import substring
from shapely.strtree import STRtree

from railcap.data.prorail.registry import Registry
from railcap.model.infrastructure import OpKind, SpeedBand, StationTrack, Structure, name_to_id

DEFAULT_LINE_SPEED_KMH = 80.0  # where the registry records no speed on a line branch
DEFAULT_AREA_SPEED_KMH = 40.0  # ... and in a station area (switch speed)
MIN_SPEED_KMH, MAX_SPEED_KMH = 5.0, 300.0
MIN_PART_BRANCHES = 20
VIRTUAL_EDGE_S = 1e-3  # stepping onto a point's virtual node is (almost) free
STATION_SNAP_M = 300.0  # a station further from any track than this is not on the network
OVERLAY_SNAP_M = 1500.0  # overlay points have approximate (≈) coordinates
SPLIT_CLEARANCE_M = 400.0
AREA_REACH_M = 3000.0
CROSS_RADIUS_M = 14.0  # tracks of one line lie within this of each other (4 tracks ≈ 3 × 4.5 m)
CROSS_ANGLE_DEG = 20.0  # ... and run parallel within this angle
CROSS_SAMPLES = (0.3, 0.5, 0.7)  # where along a section the tracks are counted
MAX_CROSS_TRACKS = 2  # the count only corrects lines derived as single track; more tracks need the track-km
STATION_RADIUS_M = 12.0  # the tracks of a station on a line: branches passing this close to its point ...
STATION_TRACK_MIN_M = 200.0  # ... and at least this long (shorter ones are crossovers and switch links)
SAME_NAME_REACH_M = 5000.0  # a seed named like a point merges with it up to this far (port areas are large)  # a point further than this from an area's centre is not in that area  # do not split a section closer than this to its ends


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


# ---------------------------------------------------------------- names


def norm(name: str) -> str:
    """A name reduced for matching: 's Hertogenbosch ~ 's-Hertogenbosch, Ede=Wageningen ~ Ede-Wageningen."""
    n = name.lower().replace("'", "").replace("=", " ").replace("-", " ").replace("/", " ")
    n = re.sub(r"\((d|b)\)", "", n)
    n = re.sub(r"\b(aansl(uiting)?\.?|centraal|cs|racc\.?)(\s|$)", " ", n)
    return re.sub(r"\s+", " ", n).strip()


slug = name_to_id


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


# ---------------------------------------------------------------- the branch graph


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


# ---------------------------------------------------------------- lines to sections


def _path_geometry(bg: BranchGraph, legs: list[tuple[int, bool]]) -> tuple[np.ndarray, list, list, float]:
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


def _centre_node(bg: BranchGraph, branches: list[int]) -> int:
    mids = np.array([bg.reg.geometry_rd[bg.ids[i]].mean(axis=0) for i in branches])
    w = bg.length[branches]
    centre = (mids * w[:, None]).sum(axis=0) / w.sum()
    nodes = [n for i in branches for n in (2 * i, 2 * i + 1)
             if n in bg.main_nodes and bg.g.degree(n) >= 2]
    nodes = nodes or [n for i in branches for n in (2 * i, 2 * i + 1)]
    return min(nodes, key=lambda n: float(np.hypot(*(bg.node_xy(n) - centre))))


def derive(reg: Registry, seeds: list[PointSeed], freight_lines: frozenset[str] = frozenset()
           ) -> tuple[dict[str, RawPoint], list[RawSection], list[str]]:
    """Points and sections of the main connected network, plus notes on what was left out."""
    bg = BranchGraph(reg)
    notes: list[str] = []
    bg.structures_on = defaultdict(list)
    for s in reg.structures:
        i = bg.index.get(s.branch)
        if i is not None:
            bg.structures_on[i].append((s.value, s.start_m, s.end_m))

    by_geocode: dict[str, list[int]] = defaultdict(list)
    for i in bg.main_branches:
        by_geocode[bg.geocode[i]].append(i)

    points: dict[str, RawPoint] = {}
    area_key: dict[str, str] = {}
    area_centre: dict[str, int] = {}
    for gc, branches in sorted(by_geocode.items()):
        if bg.is_line(gc):
            continue
        name = bg.geo_name.get(gc, gc)
        key = slug(name)
        c = _centre_node(bg, branches)
        x, y = bg.node_xy(c)
        detached = [i for i in bg.detached_by_geocode.get(gc, [])]
        tracks = [StationTrack(bg.ids[i], round(float(bg.length[i]), 1))
                  for i in sorted(branches + detached)]
        points[key] = RawPoint(key, name, classify(name), float(x), float(y), tracks)
        area_key[gc], area_centre[gc] = key, c

    area_nodes = {area_key[g_]: {n for i in by_geocode[g_] for n in (2 * i, 2 * i + 1)}
                  for g_ in area_key}
    contacts_line_area: dict[str, dict[str, int]] = defaultdict(dict)
    contacts_line_line: dict[frozenset, list[tuple[int, int]]] = defaultdict(list)
    contacts_area_area: set[frozenset] = set()
    for u, v, d in bg.g.edges(data=True):
        if d["branch"] is not None or u not in bg.main_nodes:
            continue
        gu, gv = bg.geocode[u // 2], bg.geocode[v // 2]
        if gu == gv:
            continue
        lu, lv = bg.is_line(gu), bg.is_line(gv)
        if lu and not lv:
            contacts_line_area[gu][gv] = u
        elif lv and not lu:
            contacts_line_area[gv][gu] = v
        elif lu and lv:
            contacts_line_line[frozenset((gu, gv))].append((u, v) if gu < gv else (v, u))
        else:
            contacts_area_area.add(frozenset((gu, gv)))

    # junctions where two lines meet without an area between them
    line_anchor_nodes: dict[str, list[tuple[str, int]]] = defaultdict(list)
    border_seeds = [sd for sd in seeds if sd.kind == OpKind.BORDER]
    for pair, nodes in sorted(contacts_line_line.items(), key=lambda kv: sorted(kv[0])):
        g1, g2 = sorted(pair)
        n1, n2 = bg.geo_name[g1], bg.geo_name[g2]
        shared = [t for t in line_tokens(n1) if any(names_match(t, s_) for s_ in line_tokens(n2))]
        name = shared[0] if shared else f"Aansl. {line_tokens(n1)[1]}/{line_tokens(n2)[0]}"
        x, y = bg.node_xy(nodes[0][0])
        far = [b for b in border_seeds if names_match(b.name, name) and math.hypot(b.x - x, b.y - y) > 1500.0]
        if far:  # the geocode boundary is named after a border it does not stand on
            name = f"Aansl. {name}"
        key = slug(name)
        if key not in points:
            points[key] = RawPoint(key, name, classify(name) if shared and not far else OpKind.JUNCTION,
                                   float(x), float(y))
        for nu, nv in nodes:
            line_anchor_nodes[g1].append((key, nu))
            line_anchor_nodes[g2].append((key, nv))

    # border points with known coordinates are placed where they stand, not at a line's end
    border_names = [sd.name for sd in seeds if sd.kind == OpKind.BORDER]
    sections: list[RawSection] = []
    for gc in sorted(by_geocode):
        if not bg.is_line(gc):
            continue
        anchors = [(area_key[a], area_centre[a]) for a in sorted(contacts_line_area.get(gc, {}))]
        anchors += line_anchor_nodes.get(gc, [])
        sections += _line_sections(bg, gc, by_geocode[gc], anchors, points, area_nodes, notes,
                                   border_names)

    for pair in sorted(contacts_area_area, key=sorted):
        ga, gb = sorted(pair)
        allowed = set()
        for g_ in (ga, gb):
            allowed |= {n for i in by_geocode[g_] for n in (2 * i, 2 * i + 1)}
        s = _section_between(bg, allowed, area_centre[ga], area_centre[gb], area_key[ga],
                             area_key[gb], f"{bg.geo_name[ga]} - {bg.geo_name[gb]}")
        if s is not None:
            sections.append(s)

    sections = _dedupe(sections)
    sections = place_points(points, sections, seeds, notes, freight_lines)
    count_cross_tracks(bg, sections, freight_lines)
    count_station_tracks(bg, points, sections)
    used = {s.a for s in sections} | {s.b for s in sections}
    dropped = sorted(k for k in points if k not in used)
    if dropped:
        notes.append(f"{len(dropped)} areas have no section to another point: {', '.join(dropped)}")
    points = {k: p for k, p in points.items() if k in used or p.tracks}
    lost = len(bg.ids) - len(bg.main_branches)
    notes.append(f"{bg.largest_branches} of {len(bg.ids)} branches in the main connected part; "
                 f"{lost} in detached pieces of fewer than {MIN_PART_BRANCHES} branches left out")
    return points, sections, notes


def _section_between(bg: BranchGraph, allowed: set[int], start: int, end: int, a: str, b: str,
                     line: str) -> RawSection | None:
    h = bg.g.subgraph(allowed | {start, end})
    try:
        nodes = nx.dijkstra_path(h, start, end, weight="w")
    except nx.NetworkXNoPath:
        return None
    return _raw_section(bg, nodes, a, b, line)


def _raw_section(bg: BranchGraph, nodes: list[int], a: str, b: str, line: str) -> RawSection | None:
    legs = bg.path_branches(nodes)
    if not legs or a == b:
        return None
    xy, bands, structs, length = _path_geometry(bg, legs)
    on_line = sum(bg.length[i] for i, _ in legs if bg.geo_name.get(bg.geocode[i]) == line)
    return RawSection(a, b, line, xy, length, bands, structs, line_part_m=float(on_line))


def _anchor_graph(bg: BranchGraph, line_nodes: set[int], anchors: list[tuple[str, int]],
                  area_nodes: dict[str, set[int]]) -> tuple[nx.Graph, dict[str, int]]:
    """The line's branches plus its points' areas; each point gets a virtual node.

    An area point's virtual node joins every node of its area at a cost growing
    with the distance to the area's centre, so a path ends as near the centre as
    the area's own tracks allow (some areas are several unconnected groups).
    """
    nodes = set(line_nodes)
    for k, _ in anchors:
        nodes |= area_nodes.get(k, set())
    h = nx.Graph(bg.g.subgraph(nodes | {n for _, n in anchors}))
    virtual: dict[str, int] = {}
    for k, n in anchors:
        v = virtual.setdefault(k, -(len(virtual) + 1))
        cx, cy = bg.node_xy(n)
        for m in area_nodes.get(k, set()) | {n}:
            if m in h:
                d = float(np.hypot(*(bg.node_xy(m) - (cx, cy))))
                h.add_edge(v, m, w=d / 40.0 + VIRTUAL_EDGE_S, branch=None)
    return h, virtual


def _unmatched_ends(tokens: list[str], anchor_names: list[str]) -> list[str]:
    """The line's end names that no point stands for; each point stands for one end at most.

    An exact name is matched first, so "Terneuzen Aansl. - Terneuzen" does not
    take the junction for both of its ends.
    """
    taken: set[int] = set()
    ordered = sorted(tokens, key=lambda t: not any(same_name(t, a) for a in anchor_names))
    unmatched = []
    for token in ordered:
        cands = [i for i, a in enumerate(anchor_names) if i not in taken and names_match(token, a)]
        exact = [i for i in cands if same_name(token, anchor_names[i])]
        if exact or cands:
            taken.add((exact or cands)[0])
        else:
            unmatched.append(token)
    return [t for t in tokens if t in unmatched]


def _free_end(h: nx.Graph, line_nodes: set[int], sources: list[int]) -> int | None:
    """The dead end of a line furthest from its known points (a terminus or the registry's edge)."""
    dist = nx.multi_source_dijkstra_path_length(h, set(sources), weight="w")
    dead = sorted(n for n in line_nodes if n in dist and h.degree(n) == 1)
    pool = dead or sorted(n for n in line_nodes if n in dist)
    return max(pool, key=lambda n: (dist[n], -n)) if pool else None


def _line_sections(bg: BranchGraph, gc: str, branches: list[int], anchors: list[tuple[str, int]],
                   points: dict[str, RawPoint], area_nodes: dict[str, set[int]],
                   notes: list[str], border_names: list[str] = ()) -> list[RawSection]:
    name = bg.geo_name[gc]
    line_nodes = {n for i in branches for n in (2 * i, 2 * i + 1)}
    h, virtual = _anchor_graph(bg, line_nodes, anchors, area_nodes)
    tokens = [t for t in line_tokens(name) if not any(names_match(t, b) for b in border_names)]
    open_ends = _unmatched_ends(tokens, [points[k].name for k in virtual])
    if len(open_ends) + len(virtual) < 2:  # a border token is then the line's only other end
        open_ends = _unmatched_ends(list(line_tokens(name)), [points[k].name for k in virtual])
    created = []
    for token in open_ends:
        end = _free_end(h, line_nodes, list(virtual.values())) if virtual else min(line_nodes)
        if end is None:
            continue
        key = slug(token)
        if key in virtual:
            continue
        x, y = bg.node_xy(end)
        kind = classify(token)
        if key in points and math.hypot(points[key].x - x, points[key].y - y) > AREA_REACH_M:
            # the line's branches stop short of the place it is named after (a stub of a closed
            # line, or a gap in the export): its dead end is a point of its own, not a jump there
            key, token, kind = f"{key}-{slug(name)}-end", f"{token} (end of line {name})", OpKind.JUNCTION
        if key not in points:
            points[key] = RawPoint(key, token, kind, float(x), float(y))
            created.append(key)
        virtual.setdefault(key, end)
    out = _line_paths(bg, name, h, virtual, line_nodes, points, notes)
    if not out:
        for key in created:  # a line that yields nothing leaves no stray end points
            del points[key]
        return []
    total = float(bg.length[branches + bg.detached_by_geocode.get(gc, [])].sum())
    run = sum(s.line_part_m for s in out) or 1.0
    for s in out:
        s.track_length_m = total * s.line_part_m / run
    return out


def _line_paths(bg: BranchGraph, name: str, h: nx.Graph, virtual: dict[str, int], line_nodes: set[int],
                points: dict[str, RawPoint], notes: list[str]) -> list[RawSection]:
    """Sections along the fastest paths from the line's first point to each other one."""
    if len(virtual) < 2:
        notes.append(f"line '{name}' touches fewer than two points; left out")
        return []
    key_of_node = {v: k for k, v in virtual.items()}
    (_, root), *others = virtual.items()
    _, paths = nx.single_source_dijkstra(h, root, weight="w")
    targets = [(k, v) for k, v in others if v in paths]
    if not targets:
        notes.append(f"line '{name}': its points are not joined within the line; left out")
        return []
    # where the paths to different points part, the line has a junction
    children: dict[int, set[int]] = defaultdict(set)
    for _, v in targets:
        p = paths[v]
        for u, w in zip(p, p[1:]):
            children[u].add(w)
    fork = {u for u, c in children.items() if len(c) >= 2 and u in line_nodes}
    out = []
    for _, v in targets:
        p = paths[v]
        cut = [0] + [j for j, u in enumerate(p[1:-1], 1) if u in fork or u in key_of_node] + [len(p) - 1]
        for s, e in zip(cut, cut[1:]):
            ka = key_of_node.get(p[s]) or _junction(bg, p[s], name, points, key_of_node)
            kb = key_of_node.get(p[e]) or _junction(bg, p[e], name, points, key_of_node)
            sec = _raw_section(bg, p[s:e + 1], ka, kb, name)
            if sec is not None:
                out.append(sec)
    out = _dedupe(out)  # paths to different points share their first sections
    if not out:
        notes.append(f"line '{name}': no section between its points; left out")
    return out


def _junction(bg: BranchGraph, node: int, line: str, points: dict[str, RawPoint],
              key_of_node: dict[int, str]) -> str:
    x, y = bg.node_xy(node)
    key = f"aansl-{slug(line)}-{len([k for k in points if k.startswith('aansl-' + slug(line))]) + 1}"
    points[key] = RawPoint(key, f"Aansl. {line}", OpKind.JUNCTION, float(x), float(y))
    key_of_node[node] = key
    return key


def _dedupe(sections: list[RawSection]) -> list[RawSection]:
    seen: dict[tuple, RawSection] = {}
    for s in sections:
        k = (min(s.a, s.b), max(s.a, s.b), s.line)
        if k not in seen or s.length_m < seen[k].length_m:
            seen[k] = s
    return list(seen.values())


# ---------------------------------------------------------------- tracks across a section


def count_cross_tracks(bg: BranchGraph, sections: list[RawSection], freight_lines: frozenset[str]) -> None:
    """How many line tracks run side by side across each section, from the registry geometry.

    The track-km share (``track_count``) misses a line's second track where the
    derivation runs two sections of one line side by side (each then gets half
    the line's track-km) or where the other track is booked to a neighbouring
    geocode. Here, at a few places along the section, the registry branches of
    line geocodes that pass within ``CROSS_RADIUS_M`` and run parallel are
    counted; the section keeps the lower middle of those counts. Only branches of
    lines of the same kind (freight-only or not) count, so the Betuweroute beside
    a passenger line does not add to it. A section that runs from area to area
    without a line geocode between them (station throats such as Amsterdam
    Sloterdijk – Singelgracht – Centraal) counts the areas' parallel tracks.
    """
    branches, geoms, tree = bg.main_geometry
    is_line = np.array([bg.is_line(bg.geocode[i]) for i in branches])
    freight = np.array([bg.geo_name[bg.geocode[i]] in freight_lines for i in branches])
    cos_max = math.cos(math.radians(CROSS_ANGLE_DEG))
    for s in sections:
        if len(s.coords) < 2:
            continue
        in_areas = s.line_part_m <= 0  # a section from area to area: count the areas' tracks too
        line = LineString(s.coords)
        if line.length < 50.0:
            continue
        is_freight = s.line in freight_lines
        counts = []
        for f in CROSS_SAMPLES:
            d = f * line.length
            p = line.interpolate(d)
            a, b = line.interpolate(max(0.0, d - 10.0)), line.interpolate(min(line.length, d + 10.0))
            u = np.array([b.x - a.x, b.y - a.y])
            u /= np.linalg.norm(u) or 1.0
            n = 0
            for c in tree.query(p.buffer(CROSS_RADIUS_M)):
                c = int(c)
                if freight[c] != is_freight or not (is_line[c] or in_areas):
                    continue
                g = geoms[c]
                if g.distance(p) > CROSS_RADIUS_M:
                    continue
                t = g.project(p)
                q0, q1 = g.interpolate(max(0.0, t - 10.0)), g.interpolate(min(g.length, t + 10.0))
                w = np.array([q1.x - q0.x, q1.y - q0.y])
                if abs(float(u @ w)) >= cos_max * (np.linalg.norm(w) or 1.0):
                    n += 1
            counts.append(n)
        s.cross_tracks = int(sorted(counts)[(len(counts) - 1) // 2])


def count_station_tracks(bg: BranchGraph, points: dict[str, RawPoint], sections: list[RawSection]) -> None:
    """Tracks beside the line at points that stand on a line (no geocode area of their own).

    A station or halt placed on an open-line geocode has no area, so no station tracks
    of its own; its passing loops and platform tracks are branches of the line. Here the
    registry branches passing within ``STATION_RADIUS_M`` of the point, at least
    ``STATION_TRACK_MIN_M`` long (a crossover is not a track to stand on), are counted; those
    beyond the line's own tracks (the most of the sections meeting there) become the
    point's station tracks, each as long as its branch between its switches. A crossing
    on a single-track line, or an overtaking, needs such a track.
    """
    branches, geoms, tree = bg.main_geometry
    through: dict[str, int] = defaultdict(int)
    for sec in sections:
        for k in (sec.a, sec.b):
            through[k] = max(through[k], sec.track_count)
    for key, p in points.items():
        if p.tracks or key not in through:
            continue
        here = Point(p.x, p.y)
        near = sorted((int(c) for c in tree.query(here.buffer(STATION_RADIUS_M))
                       if geoms[int(c)].distance(here) <= STATION_RADIUS_M
                       and bg.length[branches[int(c)]] >= STATION_TRACK_MIN_M),
                      key=lambda c: bg.length[branches[c]])
        extra = len(near) - through[key]
        if extra > 0:
            p.tracks = [StationTrack(bg.ids[branches[c]], round(float(bg.length[branches[c]]), 1))
                        for c in near[:extra]]
            p.attrs["tracks_beside_line"] = True


# ---------------------------------------------------------------- stations and extra points


def place_points(points: dict[str, RawPoint], sections: list[RawSection], seeds: list[PointSeed],
                 notes: list[str], freight_lines: frozenset[str] = frozenset()) -> list[RawSection]:
    """Attach each seed to the area it stands in, or split the section it stands on.

    A passenger station never splits a freight-only line (the Betuweroute runs
    beside passenger lines for kilometres).
    """
    lines = [LineString(s.coords) for s in sections]
    tree = STRtree(lines)
    area_pts = {k: Point(p.x, p.y) for k, p in points.items() if p.tracks}
    splits: dict[int, list[tuple[float, PointSeed]]] = defaultdict(list)
    unplaced = 0
    for seed in seeds:
        pt = Point(seed.x, seed.y)
        same = [k for k, p in points.items() if same_name(seed.name, p.name)
                and area_pts.get(k, Point(p.x, p.y)).distance(pt) < SAME_NAME_REACH_M]
        if same:
            best = min(same, key=lambda k: area_pts.get(k, Point(points[k].x, points[k].y)).distance(pt))
            _merge_seed(points[best], seed)
            continue
        near_area = min(area_pts.items(), key=lambda kv: kv[1].distance(pt), default=None)
        snap = STATION_SNAP_M if seed.passenger else OVERLAY_SNAP_M
        cands = [int(c) for c in tree.query(pt.buffer(snap))
                 if not (seed.passenger and sections[int(c)].line in freight_lines)]
        j = min(cands, key=lambda c: lines[c].distance(pt)) if cands else -1
        d_line = lines[j].distance(pt) if cands else float("inf")
        if near_area and near_area[1].distance(pt) < max(600.0, min(d_line, AREA_REACH_M)):
            _merge_seed(points[near_area[0]], seed)
            continue
        if d_line > snap:
            unplaced += 1
            continue
        pos = lines[j].project(pt) / lines[j].length * sections[j].length_m
        if pos < SPLIT_CLEARANCE_M or pos > sections[j].length_m - SPLIT_CLEARANCE_M:
            end = sections[j].a if pos < SPLIT_CLEARANCE_M else sections[j].b
            _merge_seed(points[end], seed)
            continue
        splits[j].append((pos, seed))
    if unplaced:
        notes.append(f"{unplaced} stations or points lie more than {STATION_SNAP_M:.0f} m from "
                     "any section of the main network and were not placed")
    out = []
    for j, s in enumerate(sections):
        if j not in splits:
            out.append(s)
            continue
        out += _split(s, sorted(splits[j], key=lambda t: t[0]), points)
    return out


def _merge_seed(p: RawPoint, seed: PointSeed) -> None:
    """Give a point what a seed knows: its station code, its kind, the overlay's attributes."""
    exact = same_name(seed.name, p.name)
    near = exact or math.hypot(seed.x - p.x, seed.y - p.y) < 1000.0
    if seed.passenger:
        p.passenger = True
        if p.code is None or exact:
            p.code = seed.code
            if exact and p.kind == OpKind.STATION:
                p.name = seed.name
    if seed.kind is not None and near and (p.kind in (OpKind.STATION, OpKind.JUNCTION)
                                           or seed.attrs.get("force")):
        p.kind = seed.kind
    if near or seed.passenger:
        for k, v in seed.attrs.items():
            if k != "force":
                p.attrs[k] = v
    if not seed.passenger:
        p.attrs.setdefault("aliases", []).append(seed.name)


def _split(s: RawSection, at: list[tuple[float, PointSeed]], points: dict[str, RawPoint]) -> list[RawSection]:
    line = LineString(s.coords)
    scale = line.length / s.length_m
    keys, cuts = [], []
    for pos, seed in at:
        if cuts and pos - cuts[-1] < SPLIT_CLEARANCE_M:
            _merge_seed(points[keys[-1]], seed)
            continue
        key = slug(seed.name)
        if key in points:
            key = f"{key}-{slug(s.line)}"
        xy = line.interpolate(pos * scale)
        points[key] = RawPoint(key, seed.name, seed.kind or OpKind.STATION, xy.x, xy.y,
                               code=seed.code, passenger=seed.passenger,
                               attrs={k: v for k, v in seed.attrs.items() if k != "force"})
        keys.append(key)
        cuts.append(pos)
    ends = [s.a, *keys, s.b]
    bounds = [0.0, *cuts, s.length_m]
    out = []
    for a, b, p0, p1 in zip(ends, ends[1:], bounds, bounds[1:]):
        geom = substring(line, p0 * scale, p1 * scale)
        bands = [(max(x0, p0) - p0, min(x1, p1) - p0, v) for x0, x1, v in s.bands if x1 > p0 and x0 < p1]
        structs = [(k, max(x0, p0) - p0, min(x1, p1) - p0) for k, x0, x1 in s.structures
                   if x1 > p0 and x0 < p1]
        share = (p1 - p0) / s.length_m
        out.append(RawSection(a, b, s.line, np.asarray(geom.coords), p1 - p0, bands, structs,
                              s.track_length_m * share, s.line_part_m * share))
    return out


def to_speed_bands(raw: RawSection, default_kmh: float) -> tuple[SpeedBand, ...]:
    return tuple(SpeedBand(round(a, 1), round(b, 1), round(v / 3.6, 4))
                 for a, b, v in clean_bands(raw.bands, raw.length_m, default_kmh))


def to_structures(raw: RawSection) -> tuple[Structure, ...]:
    return tuple(Structure(k, round(a, 1), round(b, 1)) for k, a, b in sorted(raw.structures, key=lambda t: t[1]))
