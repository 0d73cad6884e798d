"""The space–time diagram of the CLI draws the trains of the day before still running after 24:00 (and the
day after's first hours when the window reaches past 24:00), marked so in the legend."""

from __future__ import annotations

from railcap.model.clock import DAY_S
from railcap.services import embedded
from railcap.services.diagram import with_neighbours
from railcap.viz.diagram import build_diagram, legend_group, plotly_figure


def test_early_hours_show_the_day_befores_trains_and_late_hours_the_day_afters():
    net, tt = embedded.network(), embedded.timetable()
    late_runs = {r.id for r in tt.runs if r.arrival_s > DAY_S}
    early = build_diagram(net, with_neighbours(tt), ["kijfhoek", "oldenzaal-grens"], "00:00-03:00")
    before = [line for line in early.lines if line.train_id.endswith("@day-1")]
    assert before and {line.train_id[:-len("@day-1")] for line in before} <= late_runs
    alone = build_diagram(net, tt, ["kijfhoek", "oldenzaal-grens"], "00:00-03:00")
    assert len(early.lines) == len(alone.lines) + len(before)
    late = build_diagram(net, with_neighbours(tt), ["kijfhoek", "oldenzaal-grens"], "23:00-27:00")
    assert any(line.train_id.endswith("@day+1") for line in late.lines)
    names = {t.name for t in plotly_figure(early, {r.id: r.train_class for r in with_neighbours(tt).runs}).data}
    assert legend_group(before[0]) in names and "(day before, after 24:00)" in legend_group(before[0])
