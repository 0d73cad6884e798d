"""A map of a movement: the network in grey, each route the movement's trains take in colour,
the loading sites and the destination marked. Self-contained HTML (plotly inline, no tiles),
so it opens offline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from railcap.model.infrastructure import Network


def movement_map(net: Network, routes: list[list[str]], sites: list[str], destination: str,
                 title: str, out: Path) -> Path:
    """Draw the network, the ``routes`` (lists of operational points, one per train) and write ``out``."""
    import plotly.graph_objects as go

    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for s in net.sections.values():
        geo = s.geometry or ((net.ops[s.from_op].lon, net.ops[s.from_op].lat),
                             (net.ops[s.to_op].lon, net.ops[s.to_op].lat))
        xs += [p[0] for p in geo] + [None]
        ys += [p[1] for p in geo] + [None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#c8c8c8", width=1),
                             name="network", hoverinfo="skip"))
    sections = {(s.from_op, s.to_op): s for s in net.sections.values()}
    for n, (ops, trains) in enumerate(Counter(tuple(r) for r in routes).most_common()):
        rx: list[float] = []
        ry: list[float] = []
        for a, b in zip(ops, ops[1:]):
            s = sections.get((a, b)) or sections.get((b, a))
            geo = list(s.geometry) if s is not None and s.geometry else [(net.ops[a].lon, net.ops[a].lat),
                                                                          (net.ops[b].lon, net.ops[b].lat)]
            if s is not None and s.from_op != a:
                geo.reverse()
            rx += [p[0] for p in geo]
            ry += [p[1] for p in geo]
        fig.add_trace(go.Scatter(x=rx, y=ry, mode="lines", line=dict(width=3 + min(trains, 6)),
                                 name=f"route {n + 1}: {net.ops[ops[0]].name} → {net.ops[ops[-1]].name}, "
                                      f"{trains} train(s)"))
    marks = [*sites, destination]
    fig.add_trace(go.Scatter(x=[net.ops[o].lon for o in marks], y=[net.ops[o].lat for o in marks],
                             mode="markers+text", text=[net.ops[o].name for o in marks], textposition="top center",
                             marker=dict(size=11, color=["#1f5fbf"] * len(sites) + ["#c0392b"], symbol="square"),
                             name="loading sites / destination"))
    fig.update_layout(title=title, xaxis_title="longitude", yaxis_title="latitude",
                      yaxis=dict(scaleanchor="x", scaleratio=1.6), template="plotly_white", height=850)
    out = Path(out)
    fig.write_html(out, include_plotlyjs="inline", full_html=True)
    return out
