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
from collections import defaultdict

import networkx as nx
import numpy as np

from railcap.data.prorail.graph import (
    AREA_REACH_M, MIN_PART_BRANCHES, BranchGraph, PointSeed, RawPoint, RawSection, centre_node, classify,
    clean_bands, line_tokens, names_match, path_geometry, same_name, slug,
)
from railcap.data.prorail.points import distinct_places, place_points
from railcap.data.prorail.registry import Registry
from railcap.data.prorail.tracks import count_cross_tracks, count_station_tracks
from railcap.model.infrastructure import OpKind, SpeedBand, StationTrack, Structure

VIRTUAL_EDGE_S = 1e-3  # stepping onto a point's virtual node is (almost) free


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
        c = centre_node(bg, branches)
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
    distinct_places(bg, points, sections, notes)
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
    xy, bands, structs, length = path_geometry(bg, legs)
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
        elif (key not in points and kind not in (OpKind.BORDER, OpKind.FOREIGN)
              and (near := _other_end_near(bg, line_nodes, points, virtual, token, name, x, y))):
            # the dead end lies at the line's *other* named end (a siding beyond it): a point of its
            # own there, named after that end, not after the unmatched end tens of km away
            key, token, kind = f"{near}-{slug(name)}-end", f"{points[near].name} (end of line {name})", OpKind.JUNCTION
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


#: a line's free dead end this close to the point of its *other* end, as a share of the line's
#: extent, is a siding at that end (the line's named far end is not in the registry's main part)
OTHER_END_SHARE = 0.25


def _other_end_near(bg: BranchGraph, line_nodes: set[int], points: dict[str, RawPoint], virtual: dict[str, int],
                    token: str, line: str, x: float, y: float) -> str | None:
    """The line's point standing for its *other* end name, when the free end ``(x, y)`` found for
    ``token`` lies near it (within :data:`OTHER_END_SHARE` of the line's extent): then the dead end
    is a siding at that end, not ``token``'s place. (Not asked for a border's name: where the
    registry's export ends short of a border, its last point stands for the crossing.)"""
    xy = np.array([bg.node_xy(n) for n in sorted(line_nodes)])
    extent = float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0))))
    others = [t for t in line_tokens(line) if t != token]
    for k in sorted(virtual):
        p = points[k]
        if any(names_match(t, p.name) for t in others) and math.hypot(p.x - x, p.y - y) <= OTHER_END_SHARE * extent:
            return k
    return None


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
    points[key] = RawPoint(key, f"Aansl. {line}", OpKind.JUNCTION, float(x), float(y), attrs={"fork": True})
    key_of_node[node] = key
    return key


def _dedupe(sections: list[RawSection]) -> list[RawSection]:
    seen: dict[tuple, RawSection] = {}
    for s in sections:
        k = (min(s.a, s.b), max(s.a, s.b), s.line)
        if k not in seen or s.length_m < seen[k].length_m:
            seen[k] = s
    return list(seen.values())


def to_speed_bands(raw: RawSection, default_kmh: float) -> tuple[SpeedBand, ...]:
    return tuple(SpeedBand(round(a, 1), round(b, 1), round(v / 3.6, 4))
                 for a, b, v in clean_bands(raw.bands, raw.length_m, default_kmh))


def to_structures(raw: RawSection) -> tuple[Structure, ...]:
    return tuple(Structure(k, round(a, 1), round(b, 1)) for k, a, b in sorted(raw.structures, key=lambda t: t[1]))
