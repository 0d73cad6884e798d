"""Track counts the branch geometry shows: parallel line tracks across a section, and the
station tracks of a point on a line (loops and platforms beside it)."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from shapely.geometry import LineString, Point

from railcap.data.prorail.graph import BranchGraph, RawPoint, RawSection
from railcap.model.infrastructure import StationTrack

CROSS_RADIUS_M = 14.0  # tracks of one line lie within this of each other (4 tracks ≈ 3 × 4.5 m)
CROSS_ANGLE_DEG = 20.0  # ... and run parallel within this angle
CROSS_SAMPLES = (0.3, 0.5, 0.7)  # where along a section the tracks are counted
STATION_RADIUS_M = 12.0  # the tracks of a station on a line: branches passing this close to its point ...
STATION_TRACK_MIN_M = 200.0  # ... and at least this long (shorter ones are crossovers and switch links)


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
