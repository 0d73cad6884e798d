"""``railcap capacity`` on the embedded reference weekday, and the services behind it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.model.errors import InputFileError
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.services import capacity as svc

runner = CliRunner()


def test_every_nato_route_resolves_on_the_network_and_names_its_source():
    net = svc.network()
    routes = svc.nato_routes()
    assert set(routes) == {"betuweroute", "arnhem-bentheim", "brabant"}
    for r in routes.values():
        assert r.source and all(net.find_op(w) for w in r.waypoints)
    assert svc.nato_route("brabant-back").waypoints[0] == "venlo"


@pytest.mark.parametrize("text,field", [("{", "json"), ('{"routes": [{"name": "x", "waypoints": ["a"]}]}', "waypoints"),
                                        ('{"routes": [{"name": "x", "waypoints": ["a", "b"]}]}', "source")])
def test_a_bad_route_file_names_the_field(text, field):
    with pytest.raises(InputFileError, match=f"field '{field}'"):
        svc.nato_routes(text)


def test_report_json_is_complete_and_busiest_first():
    r = runner.invoke(app, ["capacity", "report", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["window"] == "06:00-24:00" and doc["norm"]["peak_hour_pct"] == 75.0 and doc["norm"]["daily_pct"] == 60.0
    rows = doc["line_sections"]
    assert len(rows) == doc["line_sections_total"] > 500
    peaks = [x["peak_rate_pct"] for x in rows]
    assert peaks == sorted(peaks, reverse=True)
    over = [x["line_section"] for x in rows if x["over_norm"]]
    assert over == doc["bottlenecks"] and over  # the reference day has line sections above the norm
    assert all(x["trains"] >= x["peak_trains"] >= 1 for x in rows)


def test_report_for_a_window_and_a_point():
    r = runner.invoke(app, ["capacity", "report", "--window", "07:00-09:00", "--section", "Kijfhoek", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["norm"]["window_held_against"] == "peak hour"
    assert doc["line_sections"] and all("kijfhoek" in x["section"] for x in doc["line_sections"])
    assert all(x["peak_hour"] in ("07:00-08:00", "08:00-09:00") for x in doc["line_sections"])


@pytest.mark.parametrize("args,needle", [
    (["report", "--window", "09:00-08:00"], "window"),
    (["report", "--window", "nine"], "window"),
    (["report", "--section", "atlantis"], "atlantis"),
    (["spare", "--consist", "nope", "--route", "betuweroute"], "nope"),
    (["spare", "--consist", "intermodal-740", "--route", "atlantis"], "betuweroute"),
    (["spare", "--consist", "intermodal-740", "--route", "brabant"], "740 m long"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle):
    r = runner.invoke(app, ["capacity", *args])
    assert r.exit_code == 2
    assert needle in r.stderr and "Traceback" not in r.stderr and r.stdout == ""


def test_spare_paths_on_the_betuweroute_fit_the_reference_day():
    day = svc.day_occupations()
    s = svc.spare("intermodal-740", "betuweroute", window="02:00-04:00", table=day)
    assert s.total > 0 and s.route_ops[0] == "rotterdam-maasvlakte" and s.route_ops[-1] == "zevenaar-grens"
    assert "cup-valburg" in s.route_ops
    both = OccupationTable.concat([day, s.occupations])
    # the day itself may hold a few touching overlaps; the new paths add none
    new = {c for c in find_conflicts(both) if c.train_a.startswith("spare") or c.train_b.startswith("spare")}
    assert not new


def test_spare_json():
    r = runner.invoke(app, ["capacity", "spare", "--consist", "military-heavy", "--route", "arnhem-bentheim",
                            "--window", "01:00-03:00", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [b["band"] for b in doc["bands"]] == ["01:00-02:00", "02:00-03:00"]
    assert doc["total"] == sum(b["paths"] for b in doc["bands"]) == len(doc["paths"])


def test_errors_under_json_are_json():
    r = runner.invoke(app, ["capacity", "spare", "--consist", "nope", "--route", "betuweroute", "--json"])
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert doc["error"][0]["field"] == "id" and "nope" in doc["error"][0]["reason"]
    r = runner.invoke(app, ["capacity", "report", "--window", "9-8", "--json"])
    assert r.exit_code == 2 and json.loads(r.stdout)["error"][0]["field"] == "window"
