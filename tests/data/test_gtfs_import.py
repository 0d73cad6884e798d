"""GTFS import on a hand-made network and a feed the tests write themselves."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers.gtfs_feed import TUESDAY, coded_network, write_feed
from railcap.data.gtfs import (
    StopMapper, parse_gtfs_time, parse_service_date, product_of,
)
from railcap.services.timetables import import_gtfs
from railcap.data.timetable_io import read_timetable, timetable_problems, write_timetable
from railcap.model.errors import InputFileError, ValidationError
from railcap.model.timetable import TrainClass


@pytest.fixture(scope="module")
def net():
    return coded_network()


@pytest.fixture(scope="module")
def imported(net, tmp_path_factory):
    feed = write_feed(tmp_path_factory.mktemp("feed"))
    return import_gtfs(feed, net, TUESDAY)


def test_rail_trips_of_the_day_become_runs_named_by_train_number(imported):
    tt, _ = imported
    # t3 has an unmapped stop, t4 is a bus, t5 runs at weekends
    assert [r.id for r in tt.runs] == ["3001", "3005", "7001"]
    assert tt.meta["service_date"] == TUESDAY
    assert all(r.train_class == TrainClass.PASSENGER for r in tt.runs)


def test_stops_keep_feed_times_and_passing_points_are_interpolated_by_distance(imported):
    run = imported[0].by_id()["3001"]
    assert [(g.section_id, g.reverse) for g in run.legs] == [("a-b", False), ("b-j", False),
                                                             ("j-c", False)]
    pts = {p.op_id: p for p in run.points}
    assert (pts["a"].departure_s, pts["a"].stops) == (8 * 3600, True)
    assert (pts["b"].arrival_s, pts["b"].departure_s) == (8 * 3600 + 900, 8 * 3600 + 1020)
    assert pts["c"].arrival_s == 8 * 3600 + 2400
    # J lies 14 km of the 35 km from B to C: 14/35 of the 1380 s between them
    assert pts["j"].arrival_s == pytest.approx(8 * 3600 + 1020 + 1380 * 14 / 35, abs=0.1)
    assert pts["j"].stops is False


def test_times_after_midnight_stay_on_the_service_day(imported):
    run = imported[0].by_id()["7001"]
    assert run.origin == "c" and run.destination == "d"
    assert run.arrival_s == 24 * 3600 + 20 * 60
    assert [g.section_id for g in run.legs] == ["j-c", "j-d"]
    assert run.legs[0].reverse is True


def test_passenger_trains_avoid_a_shorter_freight_only_line(imported):
    run = imported[0].by_id()["3005"]
    assert [g.section_id for g in run.legs] == ["b-j", "j-c"]


def test_product_and_consist_from_the_route(imported):
    runs = imported[0].by_id()
    assert (runs["3001"].product, runs["3001"].consist, runs["3001"].series) == ("IC", "virm-6", "3000")
    assert (runs["7001"].product, runs["7001"].consist) == ("SPR", "sng-4")
    assert runs["3001"].owner == "NS"
    assert product_of({"route_short_name": "Intercity direct", "route_type": 2}) == "ICD"


def test_unmapped_stop_is_reported_with_trip_stop_and_reason(imported):
    _, problems = imported
    assert len(problems) == 1
    p = problems[0]
    assert p.element == "GTFS trip 't3'" and p.field == "stop_id"
    assert "'far'" in p.reason and "500 m" in p.reason and "nearest" in p.reason


def test_stop_mapping_by_code_parent_first_then_by_distance(net, tmp_path):
    stops = pd.read_csv(write_feed(tmp_path, as_zip=False) / "stops.txt", dtype=str)
    stops[["stop_lat", "stop_lon"]] = stops[["stop_lat", "stop_lon"]].astype(float)
    m = StopMapper(net, stops, max_distance_m=500)
    assert (m.match("asd_1").op_id, m.match("asd_1").method) == ("a", "code")  # parent's code
    assert (m.match("ut_2").op_id, m.match("ut_2").method) == ("b", "code")
    ehv = m.match("ehv")
    assert (ehv.op_id, ehv.method) == ("c", "distance") and 90 < ehv.distance_m < 110
    assert m.match("far") is None and "Verweg" in m.why("far")
    assert m.match("nope") is None and m.why("nope") == "not in stops.txt"
    assert StopMapper(net, stops, max_distance_m=50).match("ehv") is None


def test_a_code_far_from_its_point_is_not_trusted(net):
    stops = pd.DataFrame({"stop_id": ["s"], "stop_code": ["UT"], "stop_name": ["Elders"],
                          "stop_lat": [52.05], "stop_lon": [4.3]})  # 5.6 km north of B (UT)
    m = StopMapper(net, stops, max_distance_m=500)
    assert m.match("s") is None and "nearest B" in m.why("s")


def test_mapping_counts_in_meta(imported):
    meta = imported[0].meta
    assert meta["gtfs_stops_by_code"] == "2" and meta["gtfs_stops_by_distance"] == "2"  # ehv, d


def test_the_result_is_a_valid_timetable_that_round_trips(imported, net, tmp_path):
    tt, _ = imported
    assert timetable_problems(tt, net) == []
    write_timetable(tt, tmp_path / "tt.json.gz")
    assert read_timetable(tmp_path / "tt.json.gz").runs == tt.runs


def test_folder_feed_and_weekend_date(net, tmp_path):
    tt, problems = import_gtfs(write_feed(tmp_path, as_zip=False), net, "2026-03-14")
    assert [r.id for r in tt.runs] == ["3101"] and problems == []


def test_without_a_date_the_busiest_early_day_is_taken(net, tmp_path):
    tt, _ = import_gtfs(write_feed(tmp_path), net)
    assert tt.meta["service_date"] == "20260101"  # a Thursday: weekday service


def test_a_date_without_rail_trips_is_an_error(net, tmp_path):
    with pytest.raises(ValidationError) as e:
        import_gtfs(write_feed(tmp_path), net, "20260311")  # weekday service removed
    assert e.value.problems[0].field == "service_date" and "20260311" in str(e.value)


def test_bad_service_date(net, tmp_path):
    with pytest.raises(ValidationError, match="service_date"):
        import_gtfs(write_feed(tmp_path), net, "10-03-2026")


@pytest.mark.parametrize("changes, element, field", [
    ({"stop_times.txt": None}, "stop_times.txt", "(file)"),
    ({"stops.txt": "stop_id,stop_name,stop_lon\nx,X,4.0\n"}, "stops.txt", "stop_lat"),
    ({"routes.txt": "route_id,route_short_name\nic,IC\n"}, "routes.txt", "route_type"),
    ({"calendar.txt": None, "calendar_dates.txt": None}, "calendar.txt", "(file)"),
])
def test_malformed_feed_names_file_and_field(net, tmp_path, changes, element, field):
    with pytest.raises(InputFileError) as e:
        import_gtfs(write_feed(tmp_path, changes), net, TUESDAY)
    assert (e.value.problems[0].element, e.value.problems[0].field) == (element, field)


def test_missing_path_and_non_zip_are_input_errors(net, tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        import_gtfs(tmp_path / "nope.zip", net, TUESDAY)
    junk = tmp_path / "junk.zip"
    junk.write_text("not a zip")
    with pytest.raises(InputFileError, match="not a GTFS feed"):
        import_gtfs(junk, net, TUESDAY)


def test_a_bad_time_is_reported_for_its_trip(net, tmp_path):
    text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "t1,08:00:00,08:00:00,asd_1,1\nt1,8h15,8h15,ut_2,2\n"
            "t6,11:00:00,11:00:00,ut_2,1\nt6,11:20:00,11:20:00,ehv,2\n")
    tt, problems = import_gtfs(write_feed(tmp_path, {"stop_times.txt": text}), net, TUESDAY)
    assert [r.id for r in tt.runs] == ["3005"]
    assert any(p.element == "GTFS trip 't1'" and "8h15" in p.reason for p in problems)
    assert any(p.element == "GTFS trip 't2'" and p.field == "stop_times" for p in problems)


def test_intermediate_stop_without_times_is_interpolated(net, tmp_path):
    text = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "t1,08:00:00,08:00:00,asd_1,1\nt1,,,ut_2,2\nt1,08:55:00,08:55:00,ehv,3\n")
    tt, _ = import_gtfs(write_feed(tmp_path, {"stop_times.txt": text}), net, TUESDAY)
    b = next(p for p in tt.by_id()["3001"].points if p.op_id == "b")
    assert b.arrival_s == pytest.approx(8 * 3600 + 3300 * 20 / 55, abs=0.1) and b.stops


def test_time_parsing():
    assert parse_gtfs_time("25:00:01") == 90001
    assert parse_service_date("20260310") == "20260310"
    with pytest.raises(ValueError):
        parse_gtfs_time("8:61:00")
