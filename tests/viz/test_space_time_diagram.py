"""The space–time diagram: what it contains, the files it writes, and its errors."""

from __future__ import annotations

import pytest

from tests.helpers.diagram_timetable import H, sample_timetable
from railcap.model.errors import ValidationError
from railcap.model.samples import corridor
from railcap.occupancy import Occupation, OccupationTable
from railcap.viz.diagram import build_diagram, plotly_figure, space_time_diagram
from railcap.data.rolling_stock import load_catalogue
from railcap.occupancy.runs import timetable_occupations
from railcap.viz.spacetime import Corridor, blocking_boxes, parse_window


@pytest.fixture(scope="module")
def net():
    return corridor()


@pytest.fixture(scope="module")
def tt():
    return sample_timetable()


def test_corridor_is_the_shortest_path_or_the_given_chain(net):
    c = Corridor.between(net, ["P", "x"])
    assert c.op_ids == ("p", "y", "j", "x") and c.length_m == 60_000
    assert Corridor.between(net, ["p", "y", "j", "x"]) == c
    back = Corridor.between(net, ["t", "y"])
    assert back.op_ids == ("t", "j", "y") and [g.reverse for g in back.legs] == [True, True]


def test_trains_on_the_corridor_in_the_window_appear_and_others_do_not(net, tt):
    d = build_diagram(net, tt, ["p", "x"], "06:00-09:00")
    assert {l.train_id for l in d.lines} == {"ic1", "f1", "f2", "m1"}  # not t1 (branch), not late


def test_opposite_direction_runs_backwards_along_the_corridor(net, tt):
    d = build_diagram(net, tt, ["p", "x"], "06:00-09:00")
    lines = {l.train_id: l for l in d.lines}
    assert lines["f1"].direction == 1 and lines["f2"].direction == -1
    assert [p[0] for p in lines["f2"].stretches[0]] == [60_000, 50_000, 20_000, 0]


def test_a_stop_is_a_vertical_piece(net, tt):
    d = build_diagram(net, tt, ["p", "x"], "06:00-09:00")
    ic1 = next(l for l in d.lines if l.train_id == "ic1")
    assert ic1.stretches[0][1:3] == ((50_000, 6.5 * H, "j"), (50_000, 6.5 * H + 120, "j"))


def test_only_the_part_on_the_corridor_is_drawn(net, tt):
    d = build_diagram(net, tt, ["y", "t"], "06:00-09:00")  # y-j then the branch j-t
    f1 = next(l for l in d.lines if l.train_id == "f1")
    assert [p[2] for p in f1.stretches[0]] == ["y", "j"]
    assert {l.train_id for l in d.lines} == {"ic1", "f1", "f2", "m1", "t1"}


def test_plotly_has_one_trace_per_train_with_the_highlight_on_top(net, tt):
    d = build_diagram(net, tt, ["p", "x"], "06:00-09:00", highlight=["m1"])
    fig = plotly_figure(d, {r.id: r.train_class for r in tt.runs})
    trains = [t.meta for t in fig.data if t.meta != "blocking"]
    assert sorted(trains) == ["f1", "f2", "ic1", "m1"] and trains[-1] == "m1"
    assert fig.data[-1].line.width > fig.data[0].line.width
    assert list(fig.layout.xaxis.ticktext) == ["P", "Y", "J", "X"]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # time runs downward


def test_html_is_self_contained(net, tt, tmp_path):
    out = tmp_path / "d.html"
    space_time_diagram(net, tt, "p", "x", "06:00-09:00", highlight=["m1"], out=out)
    html = out.read_text(encoding="utf-8")
    assert '"meta":"m1"' in html.replace(" ", "") and '<script src="http' not in html
    assert len(html) > 1_000_000  # plotly.js inline: opens offline


def test_png_and_svg_are_written(net, tt, tmp_path):
    occ = timetable_occupations(tt, net, load_catalogue())
    for name in ("d.png", "d.svg"):
        space_time_diagram(net, tt, "p", "x", "06:00-09:00", occupations=occ,
                           highlight=["m1"], out=tmp_path / name)
    assert (tmp_path / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "d.svg").read_bytes()[:500]


def test_blocking_boxes_lie_on_the_corridor_in_its_own_distance(net):
    occ = OccupationTable.of([Occupation("a", "j-x/-/6", 100.0, 200.0),
                              Occupation("a", "j-t/0/0", 100.0, 200.0),
                              Occupation("a", "j-x/+/0", 5000.0, 6000.0)])
    fwd = blocking_boxes(net, Corridor.between(net, ["p", "x"]), occ, (0.0, 1000.0))
    assert [(b.resource_id, round(b.x0_m), round(b.x1_m)) for b in fwd] == [("j-x/-/6", 58571, 60000)]
    back = blocking_boxes(net, Corridor.between(net, ["x", "p"]), occ, (0.0, 1000.0))
    assert [(round(b.x0_m), round(b.x1_m)) for b in back] == [(0, 1429)]


def test_blocking_times_from_the_timetable_make_a_stairway(net, tt):
    occ = timetable_occupations(tt, net, load_catalogue(), ["f1"])
    d = build_diagram(net, tt, ["p", "x"], "06:00-09:00", occupations=occ)
    boxes = sorted(d.boxes, key=lambda b: b.x0_m)
    assert len(boxes) == 13 + 20 + 7  # the blocks of p-y, y-j, j-x
    assert all(b.start_s < b2.start_s for b, b2 in zip(boxes, boxes[1:]))
    assert all(b.start_s < b.end_s for b in boxes)


@pytest.mark.parametrize("window, words", [
    ("6-9", "not HH:MM-HH:MM"), ("06:00", "not HH:MM-HH:MM"), ("06:00-09:61", "not HH:MM"),
    ("09:00-06:00", "before"), ("06:00-06:00", "before"),
])
def test_window_errors_name_the_field(window, words, net, tt):
    with pytest.raises(ValidationError) as e:
        build_diagram(net, tt, ["p", "x"], window)
    assert e.value.problems[0].field == "window" and words in e.value.problems[0].reason


def test_window_after_midnight_is_allowed():
    assert parse_window("23:30-25:00") == (23.5 * H, 25 * H)


def test_other_errors(net, tt, tmp_path):
    with pytest.raises(ValidationError, match="highlight"):
        build_diagram(net, tt, ["p", "x"], "06:00-09:00", highlight=["nope"])
    with pytest.raises(ValidationError, match="does not run"):
        build_diagram(net, tt, ["p", "x"], "06:00-09:00", highlight=["t1"])
    with pytest.raises(ValidationError) as e:
        space_time_diagram(net, tt, "p", "x", "06:00-09:00", out=tmp_path / "d.jpg")
    assert e.value.problems[0].field == "out"
    with pytest.raises(ValidationError, match="at least two"):
        build_diagram(net, tt, ["p"], "06:00-09:00")
