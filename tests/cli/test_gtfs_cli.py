"""``timetable import-gtfs`` through typer's CliRunner (the sub-app the lead mounts)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.helpers.gtfs_feed import TUESDAY, coded_network, write_feed
from railcap.cli.gtfs import app
from railcap.data.native import write_network
from railcap.data.timetable_io import read_timetable


def _net(tmp_path):
    path = tmp_path / "net.json.gz"
    write_network(coded_network(), path)
    return str(path)


def test_import_writes_the_timetable_and_reports_skipped_trips(tmp_path):
    out = tmp_path / "tt.json.gz"
    r = CliRunner().invoke(app, ["import-gtfs", str(write_feed(tmp_path)), "-o", str(out),
                                 "--date", TUESDAY, "--network", _net(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "3 train runs on 20260310" in r.output
    assert "GTFS trip 't3'" in r.stderr and "'far'" in r.stderr
    assert sorted(read_timetable(out).by_id()) == ["3001", "3005", "7001"]


def test_json_lists_every_problem(tmp_path):
    r = CliRunner().invoke(app, ["import-gtfs", str(write_feed(tmp_path)), "-o",
                                 str(tmp_path / "tt.json"), "--date", TUESDAY, "--json",
                                 "--network", _net(tmp_path)])
    doc = json.loads(r.stdout)
    assert doc["runs"] == 3 and doc["problems"][0]["element"] == "GTFS trip 't3'"


def test_malformed_feed_exits_2_naming_file_and_field(tmp_path):
    feed = write_feed(tmp_path, {"stops.txt": "stop_id,stop_name,stop_lon\nx,X,4.0\n"})
    r = CliRunner().invoke(app, ["import-gtfs", str(feed), "-o", str(tmp_path / "tt.json"),
                                 "--date", TUESDAY, "--network", _net(tmp_path)])
    assert r.exit_code == 2 and "stops.txt" in r.stderr and "stop_lat" in r.stderr
    assert not (tmp_path / "tt.json").exists()


def test_a_feed_where_nothing_maps_is_an_error_not_an_empty_file(tmp_path):
    far = ("stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
           + "".join(f"{s},,Far {s},40.0,1.0,0,\n" for s in ("asd_1", "ut_2", "ehv", "d", "far")))
    feed = write_feed(tmp_path, {"stops.txt": far})
    r = CliRunner().invoke(app, ["import-gtfs", str(feed), "-o", str(tmp_path / "tt.json"),
                                 "--date", TUESDAY, "--network", _net(tmp_path)])
    assert r.exit_code == 2 and "no operational point" in r.stderr
    assert not (tmp_path / "tt.json").exists()


def test_an_existing_file_is_replaced_only_with_force(tmp_path):
    out = tmp_path / "tt.json.gz"
    out.write_bytes(b"someone's work")
    args = ["import-gtfs", str(write_feed(tmp_path)), "-o", str(out), "--date", TUESDAY, "--network", _net(tmp_path)]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "--force" in r.stderr and out.read_bytes() == b"someone's work"
    r = CliRunner().invoke(app, [*args, "--force"])
    assert r.exit_code == 0, r.output
    assert len(read_timetable(out).runs) == 3
