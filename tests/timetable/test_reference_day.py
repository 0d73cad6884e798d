"""The weekday builder on a small network, checked by the independent conflict detector."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.data.rolling_stock import load_catalogue
from railcap.data.timetable_io import read_timetable, timetable_problems, write_timetable
from railcap.model.samples import corridor
from railcap.model.timetable import TrainClass
from railcap.occupancy import find_conflicts
from railcap.timetable.occupation import timetable_occupations
from railcap.timetable.patterns import PatternRoute, ServicePattern
from railcap.timetable.reference import FreightFlow, build_reference_day

runner = CliRunner()


def pattern(headway_min: float = 30.0) -> ServicePattern:
    # Y -> J -> X: 30 km at 140 then 10 km at 120, with a 1 min stop at J; the plan has slack
    route = PatternRoute(("y", "j", "x"), (0.0, 19.0, 27.0), (0.0, 20.0, 27.0))
    return ServicePattern("700", "Intercity", False, (route,), headway_min, None, 1)


@pytest.fixture(scope="module")
def day():
    net = corridor()
    flows = [FreightFlow("p", "x", 12, "intermodal-650", "test")]
    tt, report = build_reference_day(net, load_catalogue(), [pattern()], [], lambda s: s, flows)
    return net, tt, report


def test_every_wanted_train_is_placed_when_there_is_room(day):
    _, tt, report = day
    # 06:00-20:00 every 30 min, both directions: 28 + 28; freight 6 + 6
    assert report.wanted == {"passenger": 56, "freight": 12}
    assert report.placed == report.wanted and not report.dropped
    assert len(tt.of_class(TrainClass.FREIGHT)) == 12


def test_the_referee_finds_no_conflict(day):
    net, tt, _ = day
    table = timetable_occupations(tt, net)
    assert len(table) > 0
    assert find_conflicts(table) == []


def test_planned_minutes_are_kept_where_physics_allows(day):
    _, tt, _ = day
    run = next(r for r in tt.runs if r.series == "700" and r.origin == "y")
    j = next(p for p in run.points if p.op_id == "j")
    assert j.stops and j.arrival_s - run.departure_s == pytest.approx(19 * 60, abs=0.2)
    assert j.dwell_s == pytest.approx(60, abs=0.2)
    assert run.arrival_s - run.departure_s == pytest.approx(27 * 60, abs=0.2)


def test_a_plan_faster_than_physics_runs_late_not_impossibly_fast():
    net = corridor()
    fast = ServicePattern("800", "Intercity", False,
                          (PatternRoute(("y", "x"), (0.0, 5.0), (0.0, 5.0)),), 60.0, None, 1)  # 40 km in 5 min
    tt, _ = build_reference_day(net, load_catalogue(), [fast], [], lambda s: s, [])
    run = tt.runs[0]
    assert run.arrival_s - run.departure_s > 40_000 / (140 / 3.6)  # at least the time at line speed


def test_freight_is_routed_by_what_it_may_use(day):
    _, tt, _ = day
    f = tt.of_class(TrainClass.FREIGHT)[0]
    assert [g.section_id for g in f.legs] in (["p-y", "y-j", "j-x"], ["j-x", "y-j", "p-y"])
    # passengers never use the freight-only port line
    assert all("p-y" not in [g.section_id for g in r.legs] for r in tt.of_class(TrainClass.PASSENGER))


def test_a_full_line_drops_trips_and_says_which(tmp_path):
    net = corridor()
    crowded = pattern(headway_min=1.0)  # a train every minute cannot run on 1.5 km blocks
    tt, report = build_reference_day(net, load_catalogue(), [crowded], [], lambda s: s, [])
    assert report.dropped and report.placed["passenger"] < report.wanted["passenger"]
    assert find_conflicts(timetable_occupations(tt, net)) == []


def test_timetable_file_round_trip_and_cli(day, tmp_path):
    net, tt, _ = day
    path = tmp_path / "tt.json.gz"
    write_timetable(tt, path)
    back = read_timetable(path)
    assert [r.id for r in back.runs] == sorted(r.id for r in tt.runs)
    assert timetable_problems(back, net) == []
    out = tmp_path / "blocking.csv"
    r = runner.invoke(app, ["timetable", "export", "--blocking", str(out), "--timetable", str(path)])
    # the CLI uses the embedded Dutch network: this timetable's sections are not in it
    assert r.exit_code != 0 or out.exists()


def test_movement_is_monotonic(day):
    net, tt, _ = day
    from railcap.physics.route import RouteLeg
    from railcap.timetable.occupation import relative_occupations, stop_plan_of

    run = tt.runs[0]
    legs = tuple((RouteLeg(net.sections[g.section_id], g.reverse), g.lane) for g in run.legs)
    *_, mv = relative_occupations(legs, load_catalogue().consist(run.consist), stop_plan_of(run))
    assert np.all(np.diff(mv.time_s) >= 0) and np.all(np.diff(mv.position_m) >= 0)


def test_shipped_reference_day_is_conflict_free():
    r = runner.invoke(app, ["timetable", "conflicts", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["occupations"] > 100_000 and d["conflicts"] == 0


def test_shipped_reference_day_info():
    r = runner.invoke(app, ["timetable", "info", "--json"])
    d = json.loads(r.output)
    assert d["trains_by_class"]["passenger"] > 2000 and d["trains_by_class"]["freight"] > 40
