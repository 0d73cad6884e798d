"""A self-contained HTML map of the network coloured by importance (inline SVG, no internet needed).

Sections are drawn along their ``geometry`` (lon, lat) or straight between their
points; colour and width grow with the section's importance; hovering shows the
reason. A table of the top elements follows the map.

>>> from railcap.resilience.samples import demo_network, demo_demand
>>> from railcap.resilience.analysis import ResilienceModel
>>> m = ResilienceModel(demo_network(), demo_demand())
>>> html = importance_map_html(m.network, m.rank(), "demo")
>>> html.startswith("<!DOCTYPE html>") and "<svg" in html and "haven-yard" in html
True
"""

from __future__ import annotations

import html as _html
import math
from typing import Sequence

from railcap.model.infrastructure import Network, OpKind
from railcap.resilience.reports import CaseReport

WIDTH, HEIGHT, PAD = 900.0, 1000.0, 30.0
LABELLED = {OpKind.BORDER, OpKind.PORT, OpKind.YARD, OpKind.LOADING_SITE}


def _colour(x: float) -> str:
    """0 → light grey, 0.5 → amber, 1 → dark red."""
    if x <= 0:
        return "#c8c8c8"
    stops = [(0.0, (250, 220, 120)), (0.5, (240, 140, 40)), (1.0, (160, 0, 20))]
    for (x0, c0), (x1, c1) in zip(stops[:-1], stops[1:]):
        if x <= x1:
            t = (x - x0) / (x1 - x0)
            return "#%02x%02x%02x" % tuple(round(a + (b - a) * t) for a, b in zip(c0, c1))
    return "#a00014"


class _Projection:
    """Equirectangular with cos(mean latitude), fitted into the SVG box."""

    def __init__(self, points: list[tuple[float, float]]):
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        self.k = math.cos(math.radians(sum(lats) / len(lats)))
        self.x0, self.y1 = min(lons) * self.k, max(lats)
        w = max(max(lons) * self.k - self.x0, 1e-9)
        h = max(self.y1 - min(lats), 1e-9)
        self.s = min((WIDTH - 2 * PAD) / w, (HEIGHT - 2 * PAD) / h)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon * self.k - self.x0) * self.s, PAD + (self.y1 - lat) * self.s


def _line(network: Network, sid: str) -> list[tuple[float, float]]:
    s = network.sections[sid]
    if len(s.geometry) >= 2:
        return list(s.geometry)
    a, b = network.ops[s.from_op], network.ops[s.to_op]
    return [(a.lon, a.lat), (b.lon, b.lat)]


def importance_map_html(network: Network, reports: Sequence[CaseReport], title: str = "railcap resilience",
                        top: int = 25) -> str:
    """The HTML page: sections coloured by the importance of their single failure."""
    by_section = {sid: r for r in reports if not r.ops for sid in r.sections}  # a link colours all its sections
    peak = max((r.importance_km_per_train for r in by_section.values()), default=0.0) or 1.0
    proj = _Projection([p for sid in network.sections for p in _line(network, sid)]
                       or [(o.lon, o.lat) for o in network.ops.values()])
    order = sorted(network.sections, key=lambda s: by_section[s].importance_km_per_train if s in by_section else 0)
    svg = []
    for sid in order:
        r = by_section.get(sid)
        x = (r.importance_km_per_train / peak) if r else 0.0
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in (proj(*p) for p in _line(network, sid)))
        tip = f"{sid}: {r.importance_km_per_train:.1f} km/train — {r.reason}" if r else f"{sid}: not analysed"
        svg.append(f'<polyline points="{pts}" fill="none" stroke="{_colour(x)}" stroke-width="{1.2 + 6 * x:.1f}" '
                   f'stroke-linecap="round"><title>{_html.escape(tip)}</title></polyline>')
    for o in network.ops.values():
        px, py = proj(o.lon, o.lat)
        svg.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{3 if o.kind in LABELLED else 1.5}" fill="#333">'
                   f'<title>{_html.escape(o.name)} ({o.kind.value})</title></circle>')
        if o.kind in LABELLED:
            svg.append(f'<text x="{px + 4:.1f}" y="{py - 4:.1f}" font-size="10">{_html.escape(o.name)}</text>')
    rows = "".join(
        f"<tr><td>{i}</td><td>{_html.escape(r.label)}</td><td>{r.importance_km_per_train:.1f}</td>"
        f"<td>{r.unmet_trains_per_day:.1f}</td><td>{r.extra_train_km_per_day:.0f}</td>"
        f"<td>{_html.escape(r.reason)}</td></tr>"
        for i, r in enumerate([r for r in reports if not r.equals_base][:top], 1))
    legend = "".join(f'<span style="background:{_colour(x)};padding:0 14px;margin-right:4px"></span>'
                     f'{x * peak:.0f}&nbsp;&nbsp;' for x in (0.0, 0.25, 0.5, 0.75, 1.0))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:16px}}table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left}}svg{{border:1px solid #ddd;background:#fbfbf8}}</style>
</head><body>
<h1>{_html.escape(title)}</h1>
<p>Sections coloured by importance: the demand-weighted extra cost when the section alone is out
(train-km per train of daily demand; a train that cannot run counts its type's penalty). Hover a line for the reason.</p>
<p>{legend} km/train</p>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" width="{WIDTH:.0f}" height="{HEIGHT:.0f}">
{chr(10).join(svg)}
</svg>
<h2>Most important elements</h2>
<table><tr><th>#</th><th>element</th><th>importance km/train</th><th>unmet trains/day</th>
<th>extra train-km/day</th><th>reason</th></tr>{rows}</table>
</body></html>
"""
