"""Stations and overlay points placed on the derived sections: they join the area they stand in,
or split the section they stand on."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from shapely.geometry import LineString, Point
from shapely.ops import substring
from shapely.strtree import STRtree

from railcap.data.prorail.graph import AREA_REACH_M, BranchGraph, PointSeed, RawPoint, RawSection, same_name, slug
from railcap.model.infrastructure import OpKind

STATION_SNAP_M = 300.0  # a station further from any track than this is not on the network
OVERLAY_SNAP_M = 1500.0  # overlay points have approximate (≈) coordinates
SPLIT_CLEARANCE_M = 400.0
SAME_NAME_REACH_M = 5000.0  # a seed named like a point merges with it up to this far (port areas are large)  # a point further than this from an area's centre is not in that area  # do not split a section closer than this to its ends


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


#: how far a junction that shares its registry node with another point is drawn along its own section
#: (a cartographic offset, so that a GIS tool keeps the two points apart; lengths stay the registry's)
SHARED_NODE_OFFSET_M = 50.0
SAME_PLACE_M = 2.0  # points closer than this are one place to a GIS tool (1e-5° ≈ 1 m)


def distinct_places(bg: BranchGraph, points: dict[str, RawPoint], sections: list[RawSection], notes: list[str]) -> None:
    """Give distinct points distinct coordinates, from the registry geometry, where two share one.

    Two model points at one registry node (a line's fork at a station area's centre, a terminal
    area whose only contact is a junction of the line beside it) would be merged by a GIS tool.
    The one that keeps the node: a point with sections over one without, a named point over a
    fork the derivation made (``attrs["fork"]``). The other one moves:

    * a point without sections (an area the model reaches through the junction beside it) to the
      point of its own tracks nearest their length-weighted centre (registry branch geometry);
    * a fork junction :data:`SHARED_NODE_OFFSET_M` along the registry geometry of its first section.
    """
    used = {s.a for s in sections} | {s.b for s in sections}
    groups: list[list[str]] = []
    for k in sorted(points):
        p = points[k]
        g = next((g for g in groups if math.hypot(points[g[0]].x - p.x, points[g[0]].y - p.y) < SAME_PLACE_M), None)
        if g is None:
            groups.append([k])
        else:
            g.append(k)
    for group in (g for g in groups if len(g) > 1):
        group.sort(key=lambda k: (k not in used, bool(points[k].attrs.get("fork")), k))
        keeper = points[group[0]]
        for k in group[1:]:
            p = points[k]
            xy = _track_centre(bg, p) if k not in used else _along_first_section(p, sections)
            if xy is None:
                notes.append(f"point {k} shares its coordinates with {group[0]} and has no geometry to move along")
                continue
            moved = math.hypot(xy[0] - p.x, xy[1] - p.y)
            p.x, p.y = xy
            note = (f"drawn {moved:.0f} m from the registry node it shares with {keeper.name} "
                    f"({'centre of its own tracks' if k not in used else 'along its first section'}), "
                    "so that GIS tools keep the two points apart")
            p.attrs["note"] = f"{p.attrs['note']}; {note}" if p.attrs.get("note") else note


def _track_centre(bg: BranchGraph, p: RawPoint) -> tuple[float, float] | None:
    """The point on a point's own tracks nearest their length-weighted centre (RD)."""
    lines = [LineString(bg.reg.geometry_rd[t.id]) for t in p.tracks if t.id in bg.index]
    lines = [g for g in lines if g.length > 0]
    if not lines:
        return None
    w = np.array([g.length for g in lines])
    mids = np.array([[g.interpolate(0.5, normalized=True).x, g.interpolate(0.5, normalized=True).y] for g in lines])
    centre = Point(*(mids * w[:, None]).sum(axis=0) / w.sum())
    best = min(lines, key=lambda g: g.distance(centre))
    q = best.interpolate(best.project(centre))
    return float(q.x), float(q.y)


def _along_first_section(p: RawPoint, sections: list[RawSection]) -> tuple[float, float] | None:
    """A point :data:`SHARED_NODE_OFFSET_M` from ``p`` along its first section's registry geometry (RD)."""
    own = sorted((s for s in sections if p.key in (s.a, s.b)), key=lambda s: (s.a, s.b, s.line))
    if not own or len(own[0].coords) < 2:
        return None
    line = LineString(own[0].coords if own[0].a == p.key else own[0].coords[::-1])
    q = line.interpolate(min(SHARED_NODE_OFFSET_M, line.length / 2.0))
    return float(q.x), float(q.y)
