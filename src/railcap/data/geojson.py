"""GeoJSON of the network for GIS tools: one LineString per section, one Point per operational point.

What a GIS tool needs to rebuild the graph from the file alone:

* every feature has a stable ``id`` (the section id, or ``op:<point id>``; the same on every export);
* a section's line starts exactly at its ``from_op`` point's coordinates and ends exactly at its
  ``to_op`` point's (the registry geometry is kept in between; if it runs the other way it is
  reversed; its ends are snapped onto the points, and ``end_snap_m`` says how far they were off);
* parallel sections between the same two points are told apart by ``parallel_index`` (0, 1, …
  in id order) and ``parallel_count``;
* the properties are flat (numbers and strings), documented in ``docs/data.md``.

>>> from railcap.model.samples import corridor
>>> doc = network_geojson(corridor())
>>> [f["id"] for f in doc["features"]][:2], doc["features"][0]["geometry"]["coordinates"][0]
(['j-t', 'j-x'], [5.5, 51.9])
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from railcap.data.native import section_to_dict
from railcap.model.infrastructure import Network, OperationalPoint, Section


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Ground distance in metres between two (lon, lat) points (equirectangular; fine at these scales)."""
    lat = math.radians((a[1] + b[1]) / 2.0)
    dx = math.radians(b[0] - a[0]) * math.cos(lat) * 6_371_000.0
    dy = math.radians(b[1] - a[1]) * 6_371_000.0
    return math.hypot(dx, dy)


def section_line(s: Section, a: OperationalPoint, b: OperationalPoint) -> tuple[list[list[float]], float]:
    """The section's line from point ``a`` to point ``b`` and how far the registry geometry's ends were off (m)."""
    pa, pb = (a.lon, a.lat), (b.lon, b.lat)
    pts = [tuple(p) for p in s.geometry]
    if len(pts) < 2:
        return [list(pa), list(pb)], 0.0
    if _metres(pts[0], pa) + _metres(pts[-1], pb) > _metres(pts[-1], pa) + _metres(pts[0], pb):
        pts.reverse()
    off = max(_metres(pts[0], pa), _metres(pts[-1], pb))
    inner = [list(p) for p in pts[1:-1]]
    return [list(pa), *inner, list(pb)], off


def network_geojson(net: Network) -> dict[str, Any]:
    """The network as a GeoJSON FeatureCollection (WGS84 lon/lat)."""
    pair = Counter(tuple(sorted((s.from_op, s.to_op))) for s in net.sections.values())
    seen: Counter = Counter()
    feats = []
    for s in sorted(net.sections.values(), key=lambda s: s.id):
        a, b = net.ops[s.from_op], net.ops[s.to_op]
        coords, off = section_line(s, a, b)
        key = tuple(sorted((s.from_op, s.to_op)))
        props = {k: v for k, v in section_to_dict(s).items()
                 if k not in ("geometry", "speed_bands", "block_boundaries_m", "structures", "sources")}
        props.update(feature="section", max_speed_kmh=round(s.max_speed_ms * 3.6), length_km=round(s.length_m / 1000, 3),
                     parallel_index=seen[key], parallel_count=pair[key], end_snap_m=round(off, 1),
                     tunnels=sum(1 for x in s.structures if x.kind == "tunnel"), sources="; ".join(s.sources))
        seen[key] += 1
        feats.append({"type": "Feature", "id": s.id, "geometry": {"type": "LineString", "coordinates": coords},
                      "properties": props})
    for o in sorted(net.ops.values(), key=lambda o: o.id):
        feats.append({"type": "Feature", "id": f"op:{o.id}", "geometry": {"type": "Point", "coordinates": [o.lon, o.lat]},
                      "properties": {"feature": "operational_point", "id": o.id, "name": o.name, "kind": o.kind.value,
                                     "country": o.country, "code": o.code or "", "tracks": len(o.tracks),
                                     "longest_track_m": o.longest_track_m,
                                     "neighbour_station": o.neighbour_station or "",
                                     "military_loading": o.military_loading, "sources": "; ".join(o.sources),
                                     "notes": "; ".join(o.notes)}})
    return {"type": "FeatureCollection", "name": net.meta.get("name", "network"), "features": feats}


def shared_coordinates(net: Network) -> list[tuple[str, ...]]:
    """Groups of distinct points that sit at one coordinate (to 1e-5°, ≈1 m): a GIS tool would merge them."""
    by: dict[tuple[float, float], list[str]] = {}
    for o in net.ops.values():
        by.setdefault((round(o.lon, 5), round(o.lat, 5)), []).append(o.id)
    return sorted(tuple(sorted(v)) for v in by.values() if len(v) > 1)
