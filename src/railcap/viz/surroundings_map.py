"""The map layer of a surroundings change: GeoJSON features and a self-contained HTML (SVG) map."""

from __future__ import annotations

import html
import math
from typing import Any, Mapping, Sequence

from railcap.model.infrastructure import Network


def section_line(network: Network, sid: str) -> list[tuple[float, float]]:
    """(lon, lat) points of a section: its geometry, else the straight line between its ends."""
    s = network.sections[sid]
    if len(s.geometry) >= 2:
        return [(float(x), float(y)) for x, y in s.geometry]
    a, b = network.ops[s.from_op], network.ops[s.to_op]
    return [(a.lon, a.lat), (b.lon, b.lat)]


def geojson(network: Network, properties: Mapping[str, Mapping[str, Any]], title: str) -> dict[str, Any]:
    """A FeatureCollection: one LineString per section in ``properties`` with those properties.

    >>> from railcap.model.samples import corridor
    >>> fc = geojson(corridor(), {"y-j": {"lden_change_db": 1.2}}, "t")
    >>> fc["features"][0]["geometry"]["type"], fc["features"][0]["properties"]["section"]
    ('LineString', 'y-j')
    """
    feats = [{"type": "Feature",
              "geometry": {"type": "LineString", "coordinates": [[round(x, 6), round(y, 6)] for x, y in
                                                                  section_line(network, sid)]},
              "properties": {"section": sid, **dict(props)}}
             for sid, props in sorted(properties.items()) if sid in network.sections]
    return {"type": "FeatureCollection", "name": title, "features": feats}


def _colour(x: float, scale: float) -> str:
    """Red for an increase, blue for a decrease, stronger with size."""
    t = max(-1.0, min(1.0, x / scale)) if scale > 0 else 0.0
    if t >= 0:
        return f"rgb({200 + int(55 * t)},{int(180 * (1 - t))},{int(160 * (1 - t))})"
    t = -t
    return f"rgb({int(160 * (1 - t))},{int(170 * (1 - t)) + 40},{200 + int(55 * t)})"


def change_map_html(network: Network, values: Mapping[str, float], labels: Mapping[str, str], title: str,
                    unit: str, legend: Sequence[str] = ()) -> str:
    """An HTML page with the whole network in grey and the changed sections coloured by ``values``."""
    lats = [o.lat for o in network.ops.values() if o.country == "NL"] or [o.lat for o in network.ops.values()]
    lons = [o.lon for o in network.ops.values() if o.country == "NL"] or [o.lon for o in network.ops.values()]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    w, h, pad = 900.0, 1000.0, 20.0
    sx = (w - 2 * pad) / max((max(lons) - min(lons)) * k, 1e-9)
    sy = (h - 2 * pad) / max(max(lats) - min(lats), 1e-9)
    s = min(sx, sy)

    def xy(lon: float, lat: float) -> str:
        return f"{pad + (lon - min(lons)) * k * s:.1f},{h - pad - (lat - min(lats)) * s:.1f}"

    scale = max((abs(v) for v in values.values() if math.isfinite(v)), default=1.0) or 1.0
    base = [f'<polyline points="{" ".join(xy(x, y) for x, y in section_line(network, sid))}" class="b"/>'
            for sid in network.sections]
    top = []
    for sid, v in sorted(values.items(), key=lambda kv: abs(kv[1]) if math.isfinite(kv[1]) else 1e9):
        if sid not in network.sections:
            continue
        vv = v if math.isfinite(v) else math.copysign(scale, v)
        width = 1.5 + 5.0 * min(abs(vv) / scale, 1.0)
        tip = html.escape(f"{sid}: {labels.get(sid, f'{v:+.1f} {unit}')}")
        pts = " ".join(xy(x, y) for x, y in section_line(network, sid))
        top.append(f'<polyline points="{pts}" stroke="{_colour(vv, scale)}" stroke-width="{width:.1f}" '
                   f'fill="none" stroke-linecap="round"><title>{tip}</title></polyline>')
    notes = "".join(f"<li>{html.escape(x)}</li>" for x in legend)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1em}} .b{{stroke:#c8c8c8;stroke-width:1;fill:none}}
svg{{border:1px solid #ddd;background:#fcfcfc}}</style></head>
<body><h2>{html.escape(title)}</h2>
<p>Red: increase, blue: decrease ({html.escape(unit)}); line width grows with the size of the change,
up to ±{scale:.1f} {html.escape(unit)}. Hover a section for its numbers.</p><ul>{notes}</ul>
<svg width="{w:.0f}" height="{h:.0f}" viewBox="0 0 {w:.0f} {h:.0f}">{''.join(base)}{''.join(top)}</svg>
</body></html>
"""
