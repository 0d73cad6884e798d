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
from railcap.occupancy.runs import timetable_occupations
from railcap.model.service import Corridor, FreightFlow, PatternRoute, ServicePattern
from railcap.timetable.corridors import volume
from railcap.timetable.reference import build_reference_day

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
    table = timetable_occupations(tt, net, load_catalogue())
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
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []


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
    from railcap.occupancy.runs import relative_occupations, stop_plan_of

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


def _single_track_line(loop_at_m: bool):
    """A -- M -- B, single track, 10 km each side; M has a passing loop (or not)."""
    from railcap.model.infrastructure import Network
    from railcap.model.samples import op, straight_section

    m = op("m", track_lengths_m=(700.0,), tracks_beside_line=True) if loop_at_m else op("m", track_lengths_m=())
    ops = [op("a", track_lengths_m=(400.0,) * 4), m, op("b", track_lengths_m=(400.0,) * 4)]
    secs = [straight_section("a-m", "a", "m", 10_000, 100, tracks=1),
            straight_section("m-b", "m", "b", 10_000, 100, tracks=1)]
    return Network.of(ops, secs, {"name": "single track"})


@pytest.mark.parametrize("loop, both_directions_every_30_min", [(True, True), (False, False)])
def test_trains_cross_on_a_single_track_line_only_where_there_is_a_loop(loop, both_directions_every_30_min):
    """Half-hourly in both directions needs a crossing at M: possible with a loop there."""
    net = _single_track_line(loop)
    route = PatternRoute(("a", "m", "b"), (0.0, 8.0, 16.0), (0.0, 9.0, 16.0))
    p = ServicePattern("9000", "Sprinter", False, (route,), 30.0, None, 1)
    tt, report = build_reference_day(net, load_catalogue(), [p], [], lambda s: s, [])
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []
    assert (report.placed.get("passenger", 0) == report.wanted["passenger"]) is both_directions_every_30_min


def test_the_hourly_pattern_is_reported_and_trips_keep_its_phase(day):
    _, tt, report = day
    pattern = report.patterns["day"]
    assert pattern["held"] == pattern["trains"] == 4  # two passenger templates, two freight paths
    assert pattern["freight_paths"] == pattern["freight_paths_held"] == 2
    minutes = {int(r.departure_s // 60) % 30 for r in tt.runs if r.series == "700" and r.origin == "y"}
    assert len(minutes) == 1  # every trip of the template leaves at the same minute of its half hour
    freight = {int(r.departure_s // 60) % 60 for r in tt.of_class(TrainClass.FREIGHT) if r.origin == "p"}
    assert len(freight) == 1  # freight trains of one flow take its hourly path


def test_a_stop_reached_only_by_running_there_and_back_is_passed_by():
    """Stop T lies on a branch off the Y–X line: serving it between Y and X would turn the train round."""
    net = corridor()
    route = PatternRoute(("y", "t", "x"), (0.0, 20.0, 40.0), (0.0, 21.0, 40.0))
    p = ServicePattern("750", "Sprinter", False, (route,), 60.0, None, 1)
    tt, report = build_reference_day(net, load_catalogue(), [p], [], lambda s: s, [])
    run = next(r for r in tt.runs if r.origin == "y")
    assert "t" not in [q.op_id for q in run.points]
    assert any("off the route" in s for s in report.unmapped_stops["750"])


def test_a_run_much_longer_in_the_plan_waits_at_the_stop_instead_of_crawling():
    from railcap.physics.route import RouteLeg
    from railcap.occupancy.runs import relative_occupations

    net = corridor()
    legs = ((RouteLeg(net.sections["y-j"], False), 0), (RouteLeg(net.sections["j-x"], False), 0))
    slow_plan = (("y", 0.0, 0.0), ("j", 3600.0, 3660.0), ("x", 4200.0, 4200.0))  # 30 km planned in an hour
    *_, mv = relative_occupations(legs, load_catalogue().consist("slt-6"), slow_plan)
    x, t = np.asarray(mv.position_m), np.asarray(mv.time_s)
    at_j = t[np.isclose(x, 30_000.0)]
    assert at_j.max() == pytest.approx(3660.0, abs=1.0)  # leaves J as planned
    assert at_j.min() < 30_000 / (100 / 3.6) * 1.5 + 60 + 1  # arrived at running speed, then waited


def test_intercity_trains_weigh_more_in_the_hourly_pattern():
    from railcap.physics.route import RouteLeg
    from railcap.timetable.pattern import FAST_TRAIN_WEIGHT, worth as _worth
    from railcap.timetable.templates import build_template

    net = corridor()
    legs = [RouteLeg(net.sections["y-j"], False), RouteLeg(net.sections["j-x"], False)]
    consist = load_catalogue().consist("virm-6")
    ic = build_template("ic", TrainClass.PASSENGER, "Intercity", "1", consist, legs, None)
    sprinter = build_template("spr", TrainClass.PASSENGER, "Sprinter", "2", consist, legs, None)
    assert _worth(ic, 28) == FAST_TRAIN_WEIGHT * _worth(sprinter, 28) > 0


def test_rolling_stock_follows_the_longest_matching_product_name():
    from railcap.timetable.passenger import consist_for

    catalogue = load_catalogue()
    assert consist_for("Intercity Berlijn", catalogue).id == "ic-berlin"
    assert consist_for("Intercity", catalogue).id == "virm-6"
    assert consist_for("Intercity direct", catalogue).id == "icng-8"
    assert consist_for("ICE International", catalogue).id == "ice-3m"


def test_a_freight_train_that_cannot_run_through_waits_at_a_stand():
    """Port line free only early, main line only an hour later: the train waits at yard Y."""
    from railcap.occupancy import Occupation, OccupationTable
    from railcap.timetable.board import DayBoard
    from railcap.physics.route import RouteLeg
    from railcap.timetable.freight import insert_freight as _insert_freight
    from railcap.timetable.templates import BuildReport, build_template

    from dataclasses import replace

    from railcap.model.infrastructure import Network, StationTrack

    base = corridor()  # yard Y with four tracks: a train standing there is clear of the line
    ops = [replace(o, tracks=tuple(StationTrack(f"y-{k}", 750.0) for k in range(4))) if o.id == "y" else o
           for o in base.ops.values()]
    net = Network.of(ops, base.sections.values(), base.meta)
    legs = [RouteLeg(net.sections[s], False) for s in ("p-y", "y-j", "j-x")]
    t = build_template("F-p-x", TrainClass.FREIGHT, "freight", "F-p-x", load_catalogue().consist("intermodal-650"),
                       legs, None)
    d = 6 * 3600.0
    busy = []
    for r in dict.fromkeys(t.resources):
        free = (d - 1800, d + 1200) if r.startswith("p-y") else (d + 3000, d + 7000)
        busy += [Occupation("busy", r, 0.0, free[0]), Occupation("busy", r, free[1], 86_400.0)]

    def board() -> DayBoard:
        b = DayBoard()
        b.add(OccupationTable.of(busy))
        return b

    report = BuildReport()
    (run,) = _insert_freight(board(), [(t, [d])], {}, report, net)
    assert report.waited == 1 and "waits at stands to fit in" in run.notes
    y = next(p for p in run.points if p.op_id == "y")
    assert y.stops and y.dwell_s > 600  # it stood at the yard
    assert find_conflicts(list(timetable_occupations(tt_of(run), net, load_catalogue())) + busy) == []
    assert _insert_freight(board(), [(t, [d])], {}, BuildReport()) == []  # without waiting: no run


def tt_of(run):
    from railcap.model.timetable import Timetable

    return Timetable((run,))


def test_on_a_four_track_line_an_intercity_may_take_the_other_lane():
    """One 40 km block per track: its fast pair holds three Intercities an hour, not four.

    Without the other lane one of the two half-hourly series would find no room.
    """
    from railcap.model.infrastructure import Network
    from railcap.model.samples import op, straight_section

    four = (400.0,) * 6
    net = Network.of([op("a", track_lengths_m=four), op("b", track_lengths_m=four)],
                     [straight_section("a-b", "a", "b", 40_000, 140, tracks=4, block_m=40_000)],
                     {"name": "four-track line"})
    route = PatternRoute(("a", "b"), (0.0, 20.0), (0.0, 20.0))
    series = [ServicePattern(s, "Intercity", False, (route,), 30.0, None, 1) for s in ("800", "900")]
    tt, report = build_reference_day(net, load_catalogue(), series, [], lambda s: s, [])
    assert report.patterns["day"]["on_other_lane"] == 2  # one series, both directions
    assert report.placed == report.wanted
    assert {g.lane for r in tt.runs for g in r.legs} == {0, 1}
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []


def _two_loop_line():
    """A -- L1 -- L2 -- B, single track (5, 22 and 5 km) with passing loops at L1 and L2."""
    from railcap.model.infrastructure import Network
    from railcap.model.samples import op, straight_section

    ops = [op("a", track_lengths_m=(400.0,) * 4), op("l1", track_lengths_m=(700.0,), tracks_beside_line=True),
           op("l2", track_lengths_m=(700.0,), tracks_beside_line=True), op("b", track_lengths_m=(400.0,) * 4)]
    secs = [straight_section("a-l1", "a", "l1", 5_000, 100, tracks=1),
            straight_section("l1-l2", "l1", "l2", 22_000, 100, tracks=1),
            straight_section("l2-b", "l2", "b", 5_000, 100, tracks=1)]
    return Network.of(ops, secs, {"name": "two loops"})


def _two_loop_day():
    """The half-hourly Sprinter A – L1 – L2 – B both ways on the two-loop line, built and refereed."""
    net = _two_loop_line()
    route = PatternRoute(("a", "l1", "l2", "b"), (0.0, 3.6, 17.9, 22.0), (0.0, 4.1, 18.4, 22.0))
    p = ServicePattern("9100", "Sprinter", False, (route,), 30.0, None, 1)
    tt, report = build_reference_day(net, load_catalogue(), [p], [], lambda s: s, [])
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []
    return tt, report


@pytest.mark.parametrize("waits, all_placed", [((), False), ((60.0, 120.0, 180.0), True)])
def test_a_train_may_wait_at_a_loop_to_cross_twice(monkeypatch, waits, all_placed):
    """Half-hourly both ways on a 22 min run: trains meet twice, at L1 and at L2, which
    lie a little less than 15 min apart. One direction waits at its first loop so that both
    crossings work (a planner's dwell supplement)."""
    import railcap.timetable.fitting as fitting

    monkeypatch.setattr(fitting, "PATTERN_WAITS_S", waits)
    monkeypatch.setattr(fitting, "_cut_points", lambda t: [])  # no cutting in parts here
    tt, report = _two_loop_day()
    assert (report.placed["passenger"] == report.wanted["passenger"]) is all_placed
    assert report.patterns["day"]["waiting"] == int(all_placed)
    if all_placed:
        dwell = {(r.origin, q.op_id): round(q.dwell_s) for r in tt.runs for q in r.points if q.op_id in ("l1", "l2")}
        planned = 30  # both loops: half a minute in the plan
        assert sorted(dwell.values())[-1] >= planned + 60 and sorted(dwell.values())[:3] == [planned] * 3


def test_a_train_may_wait_at_the_loops_it_crosses_at(monkeypatch):
    """Without the one-stop dwell supplement, the second direction waits at the loops (several
    stops, a few minutes at most): one run per trip, not two parts."""
    import railcap.timetable.fitting as fitting

    monkeypatch.setattr(fitting, "PATTERN_WAITS_S", ())
    tt, report = _two_loop_day()
    assert report.patterns["day"]["waiting"] == 1 and report.patterns["day"]["in_parts"] == 0
    assert report.placed["passenger"] == report.wanted["passenger"] and not any("~" in r.id for r in tt.runs)
    dwell = max(q.dwell_s for r in tt.runs for q in r.points if q.op_id in ("l1", "l2"))
    assert 30 + 30 <= dwell <= 30 + fitting.LOOP_WAIT_MAX_S  # waits beyond the planned half minute


def test_a_series_that_cannot_run_whole_runs_in_two_parts_cut_at_a_loop(monkeypatch):
    """Without the dwell supplement the second direction finds no phase (see above); cut at a loop,
    where trains stand clear of the line, each part gets a phase of its own. The parts share
    their trip's id, and the trip counts once."""
    import railcap.timetable.fitting as fitting

    monkeypatch.setattr(fitting, "PATTERN_WAITS_S", ())
    monkeypatch.setattr(fitting, "LOOP_WAIT_MAX_S", 0.0)  # no waiting at the loops either
    tt, report = _two_loop_day()
    assert report.patterns["day"]["in_parts"] == 1 and report.patterns["day"]["shortened"] == 0
    assert report.placed["passenger"] == report.wanted["passenger"] == 56
    parts = [r for r in tt.runs if "~" in r.id]
    assert len(parts) == 2 * 28 and len(tt.runs) == 28 + 2 * 28
    by_trip: dict[str, list] = {}
    for r in parts:
        by_trip.setdefault(r.trip_id, []).append(r)
    for first, second in (sorted(rs, key=lambda r: r.id) for rs in by_trip.values()):
        assert first.id.endswith("~1") and second.id.endswith("~2")
        assert first.destination == second.origin in ("l1", "l2")  # cut at a loop
        assert second.departure_s >= first.arrival_s  # the train waits there, it does not jump ahead
        assert "cut at" in first.notes[0]
    whole_day = Corridor("all", "passenger", (), 56, 56, "56", per_day=True)
    assert volume(tt.runs, whole_day) == 56  # a trip in two parts counts once


def _busy_middle(international: bool):
    from railcap.model.infrastructure import Network
    from railcap.model.samples import op, straight_section

    ops = [op(k, track_lengths_m=(400.0,) * 4) for k in ("a", "b", "c", "d")]
    secs = [straight_section("a-b", "a", "b", 20_000, 100), straight_section("b-c", "b", "c", 16_000, 100, tracks=1),
            straight_section("c-d", "c", "d", 20_000, 100)]
    net = Network.of(ops, secs, {"name": "busy middle"})
    shuttle = ServicePattern("8000", "Intercity", False, (PatternRoute(("b", "c"), (0.0, 12.0), (0.0, 12.0)),),
                             30.0, None, 1)
    long = ServicePattern("9000", "Sprinter", international,
                          (PatternRoute(("a", "b", "c", "d"), (0.0, 15.0, 30.0, 46.0), (0.0, 16.0, 31.0, 46.0)),),
                          60.0, None, 1)
    return net, *build_reference_day(net, load_catalogue(), [shuttle, long], [], lambda s: s, [])


def test_a_series_that_finds_a_full_line_in_its_middle_runs_head_and_tail():
    """B – C is single track, busy with an Intercity shuttle every 30 min both ways (held first: it
    is worth more); the hourly Sprinter A – B – C – D finds a gap there in one direction only. The
    other direction runs D – C and B – A, the piece between not run, and says so."""
    net, tt, report = _busy_middle(international=False)
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []
    assert report.patterns["day"]["shortened"] == 1 and report.patterns["day"]["in_parts"] == 0
    assert report.placed["passenger"] == report.wanted["passenger"] == 28 + 28 + 14 + 14
    whole = [r for r in tt.runs if r.series == "9000" and "~" not in r.id]
    parts = [r for r in tt.runs if r.series == "9000" and "~" in r.id]
    assert len(whole) == 14 and len(parts) == 28
    direction = {(whole[0].origin, whole[0].destination)}
    assert direction in ({("a", "d")}, {("d", "a")})
    expected = {("d", "c"), ("b", "a")} if direction == {("a", "d")} else {("a", "b"), ("c", "d")}
    assert {(r.origin, r.destination) for r in parts} == expected
    assert all("not run between" in r.notes[0] for r in parts)
    assert not any(leg.section_id == "b-c" for r in parts for leg in r.legs)
    assert len({r.trip_id for r in parts}) == 14  # two runs, one trip
    head_and_tail = Corridor("a–d", "passenger", (("a", "d"),), 1, 1, "1")
    assert volume(tt.runs, head_and_tail) == 0.5  # the trips with a piece not run do not pass a – d


def test_an_international_train_is_not_shortened():
    """The same line, the long series crossing a border: abroad its path is fixed, so it is not
    run in pieces. Left out of the hourly pattern, its trips go in after it, whole, where the
    shuttles leave room (each shifted or waiting a little), or not at all."""
    net, tt, report = _busy_middle(international=True)
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []
    assert report.patterns["day"]["shortened"] == report.patterns["day"]["in_parts"] == 0
    long = [r for r in tt.runs if r.series == "9000"]
    assert len(long) + len(report.dropped) == 28 and len(long) > 14
    assert all("~" not in r.id and {r.origin, r.destination} == {"a", "d"} for r in long)


def test_a_series_that_finds_both_ends_full_runs_its_middle():
    """A – B and D – E are one long block each way, taken by Intercity shuttles every 15 min (held
    first: they are worth more); the hourly Sprinter A – E finds no phase at either end, so it is
    shortened to B – D."""
    from railcap.model.infrastructure import Network
    from railcap.model.samples import op, straight_section

    ops = [op(k, track_lengths_m=(400.0,) * 4) for k in "abcde"]
    secs = [straight_section("a-b", "a", "b", 16_000, 100, block_m=16_000),
            straight_section("b-c", "b", "c", 20_000, 100), straight_section("c-d", "c", "d", 20_000, 100),
            straight_section("d-e", "d", "e", 16_000, 100, block_m=16_000)]
    net = Network.of(ops, secs, {"name": "busy ends"})
    shuttles = [ServicePattern(sid, "Intercity", False, (PatternRoute(stops, (0.0, 12.0), (0.0, 12.0)),), 15.0, None, 1)
                for sid, stops in (("8000", ("a", "b")), ("8100", ("d", "e")))]
    long = ServicePattern("9000", "Sprinter", False,
                          (PatternRoute(("a", "b", "c", "d", "e"), (0.0, 13.0, 27.0, 41.0, 54.0),
                                        (0.0, 14.0, 28.0, 42.0, 54.0)),), 60.0, None, 1)
    tt, report = build_reference_day(net, load_catalogue(), [*shuttles, long], [], lambda s: s, [])
    assert find_conflicts(timetable_occupations(tt, net, load_catalogue())) == []
    sprinters = [r for r in tt.runs if r.series == "9000"]
    assert {(r.origin, r.destination) for r in sprinters} == {("b", "d"), ("d", "b")}
    assert all(r.notes == ("9000 shortened to B – D",) or r.notes == ("9000 shortened to D – B",) for r in sprinters)
    assert report.patterns["day"]["shortened"] == 2


def test_a_run_id_names_its_trip():
    from railcap.model.timetable import TrainRun

    def run(i):
        return TrainRun(i, TrainClass.PASSENGER, "slt-6", (), ())

    assert run("P9100-0b-w1/0412~2").trip_id == "P9100-0b-w1/0412"
    assert run("P9100-0b-w1/0412").trip_id == "P9100-0b-w1/0412"
    assert run("gtfs~trip~a").trip_id == "gtfs~trip~a"  # only a digit after the mark makes a part


def test_the_evening_keeps_the_day_minutes_past_the_hour():
    """The evening page's medians differ by a minute from the day page's: the evening runs the
    day's times at the day's minutes (hourly instead of half-hourly), so nothing clashes at 20:00."""
    net = corridor()
    day_route = PatternRoute(("y", "j", "x"), (0.0, 19.0, 27.0), (0.0, 20.0, 27.0))
    evening_route = PatternRoute(("y", "j", "x"), (0.0, 19.0, 28.0), (0.0, 20.0, 28.0))
    day = ServicePattern("700", "Intercity", False, (day_route,), 30.0, None, 1)
    evening = ServicePattern("700", "Intercity", False, (evening_route,), 60.0, None, 4)
    tt, report = build_reference_day(net, load_catalogue(), [day], [evening], lambda s: s, [])
    assert report.patterns["evening"]["runs_day_times"] == 2 and report.patterns["evening"]["day_minutes_fixed"] == 2
    assert report.placed == report.wanted and not report.dropped
    for origin in ("y", "x"):
        runs = [r for r in tt.runs if r.origin == origin]
        day_minutes = {round(r.departure_s) % 1800 for r in runs if 6 * 3600 <= r.departure_s < 20 * 3600}
        evening = [r for r in runs if r.departure_s >= 20 * 3600]
        assert len(day_minutes) == 1 and evening
        assert {round(r.departure_s) % 1800 for r in evening} == day_minutes
        assert {round(r.arrival_s - r.departure_s) for r in runs} == {27 * 60}  # the day's run time


def test_the_early_hour_runs_the_day_pattern():
    """05:00–06:00 takes the evening page's trips (the data has no early page), but runs them as
    the day pattern's first trips: the day's run time at the day's minutes past the hour."""
    net = corridor()
    day_route = PatternRoute(("y", "j", "x"), (0.0, 19.0, 27.0), (0.0, 20.0, 27.0))
    evening_route = PatternRoute(("y", "j", "x"), (0.0, 19.0, 31.0), (0.0, 20.0, 31.0))  # 4 min longer
    day = ServicePattern("700", "Intercity", False, (day_route,), 30.0, None, 1)
    evening = ServicePattern("700", "Intercity", False, (evening_route,), 60.0, None, 4)
    tt, report = build_reference_day(net, load_catalogue(), [day], [evening], lambda s: s, [])
    assert report.patterns["evening"]["early_hour_day_pattern"] == 2
    for origin in ("y", "x"):
        runs = [r for r in tt.runs if r.origin == origin]
        day_minutes = {round(r.departure_s) % 1800 for r in runs if 6 * 3600 <= r.departure_s < 20 * 3600}
        early = [r for r in runs if r.departure_s < 6 * 3600]
        late = [r for r in runs if r.departure_s >= 20 * 3600]
        assert len(early) == 1 and {round(early[0].departure_s) % 1800} == day_minutes
        assert round(early[0].arrival_s - early[0].departure_s) == 27 * 60  # the day's run time
        assert late and all(r.arrival_s - r.departure_s > 29 * 60 for r in late)  # the evening keeps its own


def test_an_irregular_evening_series_runs_no_trip_before_six():
    """Page 4 counts a night train's two trips after 20:00; the early hour it also lends trips to
    gets none of them."""
    net = corridor()
    night = ServicePattern("32700", "Nachttrein", False, (PatternRoute(("y", "x"), (0.0, 30.0), (0.0, 30.0)),),
                           None, 2, 4)
    tt, report = build_reference_day(net, load_catalogue(), [], [night], lambda s: s, [])
    assert report.wanted["passenger"] == 2 and len(tt.runs) == 2
    assert all(r.departure_s >= 20 * 3600 for r in tt.runs)


def test_shipped_day_runs_the_container_terminals_flows():
    """Moerdijk–Venlo, Kijfhoek–Eijsden and Kijfhoek–Born run as container trains (gauge GB)."""
    from railcap.data.reference import load_reference_timetable

    tt = load_reference_timetable()
    pairs = {(r.origin, r.destination) for r in tt.of_class(TrainClass.FREIGHT) if r.consist == "container-650"}
    assert {("moerdijk-industrieterrein", "venlo-grens"), ("kijfhoek", "eijsden-grens"),
            ("kijfhoek", "born-franciscushaven")} <= pairs


def test_shipped_day_runs_the_cross_border_trains_once_each():
    """RE19 Arnhem – Emmerich comes from the patterns only (it was also added by hand once,
    and ran twice an hour); the ICE and the IC Berlin, which the feed lacks, every two hours."""
    from railcap.data.reference import load_reference_timetable

    tt = load_reference_timetable()
    by_series: dict[str, int] = {}
    for r in tt.runs:
        ops = {p.op_id for p in r.points}
        if {"zevenaar", "emmerich"} <= ops and 6 * 3600 <= r.departure_s < 20 * 3600:
            by_series[r.series] = by_series.get(r.series, 0) + 1
    assert by_series.get("20000", 0) >= 24 and "RE19" not in by_series
    assert 7 <= by_series.get("ICE", 0) <= 14
    berlin = [r for r in tt.runs if r.series == "IC-Berlin"]
    assert 7 <= len(berlin) <= 14 and all(r.consist == "ic-berlin" for r in berlin)
    assert all({r.origin, r.destination} == {"amsterdam-centraal", "bad-bentheim"} for r in berlin)  # whole
    venlo = [r for r in tt.runs if r.series == "20000" and r.points[-1].op_id == "venlo-grens"]
    antwerp = [r for r in tt.runs if r.series == "2550"]
    assert len(venlo) >= 10 and len(antwerp) >= 20
