"""The space–time diagram (Bildfahrplan) of a corridor: HTML with plotly, PNG with matplotlib.

Planner convention: distance along the corridor runs left to right with the
station names on that axis, time runs downward. Each train is a line coloured
by its class (passenger, freight, military); reserve paths (capacity held
for urgent military trains, ``railcap capacity reserve --db``) are dashed; the trains of the day before
still running after 24:00 and of the day after (``<train>@day-1``, ``@day+1``) are dotted and named so in
the legend; blocking times can be drawn as
the stairways of boxes behind the lines, and highlighted trains (a new path)
are drawn thick, on top, and labelled.

>>> from railcap.model.samples import corridor
>>> from railcap.model.timetable import Leg, PassingPoint, Timetable, TrainClass, TrainRun
>>> mil = TrainRun("mil-1", TrainClass.MILITARY, "military-heavy", (Leg("p-y", False), Leg("y-j", False)),
...                (PassingPoint("p", 6.5 * 3600, 6.5 * 3600, True), PassingPoint("y", 6.8 * 3600, 6.8 * 3600, False),
...                 PassingPoint("j", 7.3 * 3600, 7.3 * 3600, True)))
>>> d = space_time_diagram(corridor(), Timetable((mil,)), "p", "x", "06:00-09:00", highlight=["mil-1"])
>>> [(line.train_id, line.direction) for line in d.lines]
[('mil-1', 1)]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable, TrainClass
from railcap.model.occupation import OccupationTable
from railcap.viz.spacetime import (
    NEIGHBOUR_LABELS, BlockBox, Corridor, TrainLine, blocking_boxes, clock, neighbour_day, parse_window,
    train_lines,
)

CLASS_COLOURS = {
    TrainClass.PASSENGER: "#1f5fbf",
    TrainClass.FREIGHT: "#b35a00",
    TrainClass.MILITARY: "#2e7d32",
    TrainClass.RESERVE: "#7b1fa2",
}
#: reserve paths (held for urgent military trains, no train runs them yet) are drawn dashed
RESERVE_DASH = "dash"
RESERVE_LABEL = "reserve path (held for military)"
NEIGHBOUR_DASH = "dot"  # the trains of the day before / after
HIGHLIGHT_COLOUR = "#d0006f"
FORMATS = (".html", ".png", ".svg", ".pdf")


@dataclass(frozen=True)
class SpaceTimeDiagram:
    """Everything drawn: the corridor, the window, the train lines and blocking boxes."""

    corridor: Corridor
    window: tuple[float, float]
    lines: tuple[TrainLine, ...]
    boxes: tuple[BlockBox, ...]
    highlight: tuple[str, ...]

    @property
    def title(self) -> str:
        a, b = self.corridor.names[0], self.corridor.names[-1]
        return (f"{a} – {b}, {clock(self.window[0])}–{clock(self.window[1])}: "
                f"{len(self.lines)} trains")

    def colour(self, line: TrainLine) -> str:
        if line.train_id in self.highlight:
            return HIGHLIGHT_COLOUR
        return CLASS_COLOURS[line.train_class]

    def box_colour(self, box: BlockBox, classes: dict[str, TrainClass]) -> str:
        if box.train_id in self.highlight:
            return HIGHLIGHT_COLOUR
        return CLASS_COLOURS[classes.get(box.train_id, TrainClass.RESERVE)]


def build_diagram(network: Network, timetable: Timetable, ops: Sequence[str],
                  window: str | tuple[float, float], occupations: OccupationTable | None = None,
                  highlight: Sequence[str] = ()) -> SpaceTimeDiagram:
    """The diagram's content for the corridor through ``ops`` (2 or more points) in ``window``."""
    win = parse_window(window)
    corridor = Corridor.between(network, ops)
    lines = train_lines(network, corridor, timetable, win)
    _check_highlight(highlight, timetable, lines, corridor)
    hl = tuple(highlight)
    # Highlighted trains last, so they are drawn on top.
    lines = sorted(lines, key=lambda l: (l.train_id in hl, l.train_id))
    boxes = blocking_boxes(network, corridor, occupations, win) if occupations is not None else []
    boxes = sorted(boxes, key=lambda b: b.train_id in hl)
    return SpaceTimeDiagram(corridor, win, tuple(lines), tuple(boxes), hl)


def _check_highlight(highlight: Sequence[str], timetable: Timetable, lines: list[TrainLine],
                     corridor: Corridor) -> None:
    known = timetable.by_id()
    shown = {l.train_id for l in lines}
    for tid in highlight:
        if tid not in known:
            raise ValidationError(Problem(f"train run '{tid}'", "highlight", "not in the timetable"))
        if tid not in shown:
            raise ValidationError(Problem(
                f"train run '{tid}'", "highlight",
                f"does not run between {corridor.names[0]} and {corridor.names[-1]} in the window"))


def space_time_diagram(network: Network, timetable: Timetable, from_op: str, to_op: str,
                       window: str | tuple[float, float], *, via: Sequence[str] = (),
                       occupations: OccupationTable | None = None,
                       highlight: Sequence[str] = (), out: str | Path | None = None
                       ) -> SpaceTimeDiagram:
    """Build the diagram from ``from_op`` to ``to_op`` (through ``via``) and write ``out``.

    The file type follows the extension: ``.html`` (plotly, self-contained, works
    offline), ``.png``/``.svg``/``.pdf`` (matplotlib). Without ``out`` nothing is written.
    """
    if out is not None and Path(out).suffix.lower() not in FORMATS:
        raise ValidationError(Problem(str(out), "out", "the file must end in "
                                      + ", ".join(FORMATS)))
    d = build_diagram(network, timetable, [from_op, *via, to_op], window, occupations, highlight)
    if out is not None:
        write_diagram(d, timetable, out)
    return d


def write_diagram(d: SpaceTimeDiagram, timetable: Timetable, out: str | Path) -> Path:
    """Write ``d`` as HTML (plotly) or an image (matplotlib), chosen by the extension."""
    out = Path(out)
    classes = {r.id: r.train_class for r in timetable.runs}
    if out.suffix.lower() == ".html":
        plotly_figure(d, classes).write_html(out, include_plotlyjs="inline", full_html=True)
    else:
        matplotlib_figure(d, classes).savefig(out, dpi=150)
    return out


# ----- plotly ----------------------------------------------------------------------------


def plotly_figure(d: SpaceTimeDiagram, classes: dict[str, TrainClass]):
    """The diagram as a plotly Figure: box traces (one per class) first, then one trace per train."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for colour, xs, ys in _box_polygons(d, classes):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour,
                                 opacity=0.25, line=dict(width=0.5, color=colour),
                                 hoverinfo="skip", name="blocking times", showlegend=False,
                                 meta="blocking"))
    seen: set[str] = set()
    for line in d.lines:
        fig.add_trace(_plotly_line(d, line, seen))
    _plotly_axes(fig, d)
    return fig


def _plotly_line(d: SpaceTimeDiagram, line: TrainLine, seen: set[str]):
    import plotly.graph_objects as go

    xs: list[float | None] = []
    ys: list[float | None] = []
    text: list[str | None] = []
    names = dict(zip(d.corridor.op_ids, d.corridor.names))
    for stretch in line.stretches:
        if xs:
            xs.append(None), ys.append(None), text.append(None)
        for x, t, op in stretch:
            xs.append(x / 1000.0)
            ys.append(t)
            text.append(f"{line.train_id} {line.product}<br>{names[op]} {clock(t, True)}")
    hl = line.train_id in d.highlight
    reserve = line.train_class == TrainClass.RESERVE and not hl
    group = legend_group(line, hl)
    show = group not in seen
    seen.add(group)
    other_day = neighbour_day(line.train_id) != 0 and not hl
    return go.Scatter(x=xs, y=ys, mode="lines", name=group, legendgroup=group, showlegend=show,
                      opacity=0.6 if other_day else 1.0,
                      line=dict(color=d.colour(line), width=4 if hl else 2.0 if reserve else 1.4,
                                dash=RESERVE_DASH if reserve else NEIGHBOUR_DASH if other_day else "solid"),
                      text=text, hovertemplate="%{text}<extra></extra>", meta=line.train_id)


def legend_group(line: TrainLine, highlighted: bool = False) -> str:
    """The legend entry of a line: the new path, a reserve path, or its class (and its day when it is a train
    of the day before or after).

    >>> from railcap.model.timetable import TrainClass
    >>> legend_group(TrainLine("3512@day-1", TrainClass.FREIGHT, "", ()))
    'freight (day before, after 24:00)'
    """
    if highlighted:
        return "new path"
    name = RESERVE_LABEL if line.train_class == TrainClass.RESERVE else line.train_class.value
    day = neighbour_day(line.train_id)
    return f"{name} ({NEIGHBOUR_LABELS[day]})" if day else name


def _plotly_axes(fig, d: SpaceTimeDiagram) -> None:
    c = d.corridor
    start, end = d.window
    ticks = _time_ticks(start, end)
    fig.update_layout(
        title=d.title, template="plotly_white", hovermode="closest",
        height=900, legend=dict(orientation="h", y=1.02, yanchor="bottom"),
        xaxis=dict(title="", tickvals=[x / 1000.0 for x in c.positions_m], ticktext=list(c.names),
                   tickangle=-60, side="top", showgrid=True, gridcolor="#bbbbbb",
                   range=[0, c.length_m / 1000.0], zeroline=False),
        yaxis=dict(title="time", range=[end, start], tickvals=ticks,
                   ticktext=[clock(t) for t in ticks], showgrid=True, gridcolor="#e5e5e5"),
    )


# ----- matplotlib ------------------------------------------------------------------------


def matplotlib_figure(d: SpaceTimeDiagram, classes: dict[str, TrainClass]):
    """The diagram as a matplotlib Figure; drawn by the Agg canvas, no display or pyplot state."""
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    c = d.corridor
    width = min(20.0, max(9.0, 0.45 * len(c.op_ids)))
    fig = Figure(figsize=(width, 10))
    ax = fig.subplots()
    for colour, xs, ys in _box_polygons(d, classes):
        polys = _split_polygons(xs, ys)
        ax.add_collection(PolyCollection(polys, facecolors=colour, edgecolors=colour,
                                         alpha=0.22, linewidths=0.3, zorder=1))
    for line in d.lines:
        hl = line.train_id in d.highlight
        reserve = line.train_class == TrainClass.RESERVE and not hl
        other_day = neighbour_day(line.train_id) != 0 and not hl
        for stretch in line.stretches:
            ax.plot([p[0] / 1000.0 for p in stretch], [p[1] for p in stretch],
                    color=d.colour(line), lw=3.0 if hl else 1.6 if reserve else 1.0,
                    ls="--" if reserve else ":" if other_day else "-", alpha=0.7 if other_day else 1.0,
                    zorder=4 if hl else 3 if reserve else 2)
        if hl:
            x, t, _ = line.stretches[0][0]
            ax.annotate(line.train_id, (x / 1000.0, t), xytext=(4, -4), textcoords="offset points",
                        color=HIGHLIGHT_COLOUR, fontsize=10, weight="bold", zorder=5)
    _mpl_axes(ax, d)
    handles = [Line2D([], [], color=CLASS_COLOURS[k], lw=1.5, label=k.value)
               for k in (TrainClass.PASSENGER, TrainClass.FREIGHT, TrainClass.MILITARY)]
    if any(line.train_class == TrainClass.RESERVE for line in d.lines):
        handles.append(Line2D([], [], color=CLASS_COLOURS[TrainClass.RESERVE], lw=1.6, ls="--",
                              label=RESERVE_LABEL))
    for day, label in NEIGHBOUR_LABELS.items():
        if any(neighbour_day(line.train_id) == day for line in d.lines):
            handles.append(Line2D([], [], color="#555555", lw=1.2, ls=":", label=f"trains of the {label}"))
    if d.highlight:
        handles.append(Line2D([], [], color=HIGHLIGHT_COLOUR, lw=3, label="new path"))
    ax.legend(handles=handles, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    return fig


def _mpl_axes(ax, d: SpaceTimeDiagram) -> None:
    c = d.corridor
    start, end = d.window
    ax.set_xlim(0, c.length_m / 1000.0)
    ax.set_ylim(end, start)  # time runs downward
    ax.xaxis.tick_top()
    ax.set_xticks([x / 1000.0 for x in c.positions_m], minor=True)
    shown = _labelled(c, min_gap_m=c.length_m / 70.0)
    ax.set_xticks([c.positions_m[i] / 1000.0 for i in shown], [c.names[i] for i in shown],
                  rotation=60, ha="left", fontsize=8)
    ax.grid(axis="x", which="minor", color="#cccccc", lw=0.4)
    km = ax.secondary_xaxis("bottom")
    km.set_xlabel("km along the corridor", fontsize=8)
    km.tick_params(labelsize=8)
    ticks = _time_ticks(start, end)
    ax.set_yticks(ticks, [clock(t) for t in ticks])
    ax.grid(axis="x", color="#999999", lw=0.6)
    ax.grid(axis="y", color="#dddddd", lw=0.5)
    ax.set_title(d.title, pad=12, loc="left")


# ----- shared helpers --------------------------------------------------------------------


def _time_ticks(start: float, end: float) -> list[float]:
    """Round clock ticks: every 10, 15, 30 or 60 minutes, about 6-20 of them."""
    span = end - start
    step = next((s for s in (300, 600, 900, 1800, 3600, 7200) if span / s <= 20), 14400)
    first = -(-start // step) * step
    return [float(t) for t in range(int(first), int(end) + 1, step)]


def _labelled(c: Corridor, min_gap_m: float) -> list[int]:
    """Indices of the points to name so that names do not overlap: the ends, then
    stations before junctions, each kept only if ``min_gap_m`` from every kept one."""
    n = len(c.op_ids)
    order = sorted(range(n), key=lambda i: (i not in (0, n - 1), c.is_junction[i], i))
    kept: list[int] = []
    for i in order:
        if all(abs(c.positions_m[i] - c.positions_m[k]) >= min_gap_m for k in kept):
            kept.append(i)
    return sorted(kept)


def _box_polygons(d: SpaceTimeDiagram, classes: dict[str, TrainClass]
                  ) -> list[tuple[str, list[float | None], list[float | None]]]:
    """Boxes grouped by colour as closed rectangles (km, s) separated by None."""
    groups: dict[str, tuple[list[float | None], list[float | None]]] = {}
    for b in d.boxes:
        xs, ys = groups.setdefault(d.box_colour(b, classes), ([], []))
        x0, x1 = b.x0_m / 1000.0, b.x1_m / 1000.0
        xs += [x0, x1, x1, x0, x0, None]
        ys += [b.start_s, b.start_s, b.end_s, b.end_s, b.start_s, None]
    return [(colour, xs, ys) for colour, (xs, ys) in groups.items()]


def _split_polygons(xs: list[float | None], ys: list[float | None]) -> list[list[tuple[float, float]]]:
    polys, cur = [], []
    for x, y in zip(xs, ys):
        if x is None:
            polys.append(cur)
            cur = []
        else:
            cur.append((x, y))
    return polys
