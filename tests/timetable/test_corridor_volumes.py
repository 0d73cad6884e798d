"""The shipped reference weekday against the facts file's train volumes per corridor.

The figures and their source are in ``railcap/data/corridor_volumes.json``
(from nl-freight-facts.md, group Traffic). A corridor within 10 % of the facts
file's range must stay there; a corridor marked ``known_gap`` must say why (and
is listed in docs/data.md), and the test fails once it does reach its volume,
so that the list of gaps stays honest.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.data.reference import load_corridors, load_reference_timetable
from railcap.model.timetable import PassingPoint, Timetable, TrainClass, TrainRun
from railcap.model.service import Corridor
from railcap.timetable.corridors import corridor_table, volume

CORRIDORS, SOURCE = load_corridors()


@pytest.fixture(scope="module")
def table():
    return {(r["corridor"], r["class"]): r for r in corridor_table(CORRIDORS, load_reference_timetable())}


def test_the_figures_name_their_source():
    assert "nl-freight-facts.md" in SOURCE
    assert all(c.fact for c in CORRIDORS)
    assert {c.train_class for c in CORRIDORS} == {"passenger", "freight"}


@pytest.mark.parametrize("c", [c for c in CORRIDORS if not c.known_gap], ids=lambda c: f"{c.name} {c.train_class}")
def test_corridor_volume_within_10_percent_of_the_facts(table, c: Corridor):
    row = table[(c.name, c.train_class)]
    assert row["ok"], f"{c.name} ({c.train_class}): {row['placed']} {c.unit}, facts {c.fact}"


@pytest.mark.parametrize("c", [c for c in CORRIDORS if c.known_gap], ids=lambda c: f"{c.name} {c.train_class}")
def test_known_gaps_are_still_gaps(table, c: Corridor):
    """A gap that closes must leave the list (corridor_volumes.json and docs/data.md)."""
    assert not table[(c.name, c.train_class)]["ok"], f"{c.name} now matches: remove its known_gap"


def test_most_corridors_with_a_figure_are_checked():
    checked = [c for c in CORRIDORS if not c.known_gap]
    assert len(checked) >= 8


def _run(rid: str, ops: list[str], t0: float, cls=TrainClass.PASSENGER) -> TrainRun:
    pts = tuple(PassingPoint(op, t0 + 60 * i, t0 + 60 * i, True) for i, op in enumerate(ops))
    return TrainRun(rid, cls, "slt-6", (), pts)


def test_volume_counts_runs_through_both_points_in_daytime():
    c = Corridor("A–B", "passenger", (("a", "b"),), 1, 1, "1 /h/dir")
    day = [_run(f"r{i}", ["x", "a", "b"], 6 * 3600 + i * 1800) for i in range(28)]  # 06:00–19:30, one way
    night = [_run("n", ["b", "a"], 22 * 3600)]
    elsewhere = [_run("e", ["a", "c"], 8 * 3600)]
    assert volume(Timetable(tuple(day + night + elsewhere)).runs, c) == pytest.approx(1.0)
    assert c.matches(0.91) and not c.matches(0.89) and c.matches(1.1) and not c.matches(1.11)


def test_the_facts_stated_margin_widens_the_range_before_the_10_percent():
    c = Corridor("A–B", "passenger", (("a", "b"),), 4, 4, "4 /h/dir", uncertainty=1)
    assert c.matches(5.5) and not c.matches(5.51) and c.matches(2.7) and not c.matches(2.69)
    assert c.matches_bare_figure(4.4) and not c.matches_bare_figure(4.5)


def test_the_shipped_margins_are_the_ones_the_facts_state():
    """The facts give passenger trains per hour "≈ ±1–2" (read as ±1), freight and totals bare."""
    assert "±1–2" in SOURCE
    for c in CORRIDORS:
        assert c.uncertainty == (1 if c.unit == "/h/dir" else 0), c.name


def test_cli_corridors_json():
    r = CliRunner().invoke(app, ["timetable", "corridors", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["source"] == SOURCE and len(d["corridors"]) == len(CORRIDORS)
