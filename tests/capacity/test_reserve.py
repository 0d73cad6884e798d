"""Reserve paths: laid out conflict-free, class RESERVE, and what they take from the freight paths."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from railcap.capacity import Corridor, hour_bands, reserve_cost, reserve_paths, spare_paths
from railcap.cli import app
from railcap.data.rolling_stock import load_catalogue
from railcap.model.errors import ValidationError
from railcap.model.samples import corridor
from railcap.model.timetable import TrainClass
from railcap.occupancy import OccupationTable, find_conflicts

CATALOGUE = load_catalogue()
P_TO_J = Corridor("p-j", "Port to junction", ("p", "y", "j"), source="test")
EMPTY = OccupationTable.of([])
runner = CliRunner()


def test_reserve_paths_are_laid_per_band_as_reserve_runs_free_of_each_other():
    r = reserve_paths(corridor(), EMPTY, P_TO_J, CATALOGUE.consist("military-ammunition"), 2, hour_bands(0, 10800))
    assert r.paths.per_band() == [2, 2, 2] and r.shortfall() == [0, 0, 0]
    assert all(run.train_class == TrainClass.RESERVE and run.id.startswith("reserve-") for run in r.paths.runs)
    assert find_conflicts(r.paths.occupations) == []


def test_the_cost_is_the_freight_paths_a_reserve_path_overlaps():
    net = corridor()
    bands = hour_bands(0, 7200)
    r = reserve_paths(net, EMPTY, P_TO_J, CATALOGUE.consist("military-ammunition"), 1, bands)
    freight = CATALOGUE.consist("intermodal-650")
    cost = reserve_cost(net, EMPTY, r, freight)
    before = spare_paths(net, EMPTY, P_TO_J, freight, bands)
    assert cost.before == tuple(before.per_band())
    # independently: a freight path is taken when one of its blocks overlaps a reserve block in time
    reserve_blocks = list(r.paths.occupations)
    taken = 0
    for n in range(1, before.total + 1):
        mine = [o for o in before.occupations if o.train_id == f"spare-{n}"]
        taken += any(o.resource_id == q.resource_id and o.start_s < q.end_s and q.start_s < o.end_s
                     for o in mine for q in reserve_blocks)
    assert cost.taken_total == taken > 0
    # the recount leaves room for the reserve: fewer freight paths than without it
    assert sum(cost.after) < sum(cost.before)


def test_per_band_is_checked():
    with pytest.raises(ValidationError, match="per_hour_band"):
        reserve_paths(corridor(), EMPTY, P_TO_J, CATALOGUE.consist("military-ammunition"), 0, hour_bands(0, 3600))


def test_reserve_cli_json_and_diagram(tmp_path):
    out = tmp_path / "reserve.html"
    r = runner.invoke(app, ["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "2",
                            "--consist", "military-ammunition", "--window", "02:00-04:00",
                            "--diagram", str(out), "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["reserved"] == sum(b["reserved"] for b in doc["bands"]) and doc["reserved"] > 0
    assert all(b["reserved"] + b["not_placed"] == 2 for b in doc["bands"])
    cost = doc["freight_cost"]
    assert cost["taken"] == sum(b["taken"] for b in cost["bands"]) <= cost["spare_before"]
    assert out.exists() and "reserve-1" in out.read_text()


def test_reserve_bad_input_exit_2(tmp_path):
    r = runner.invoke(app, ["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "0"])
    assert r.exit_code == 2 and "per_hour_band" in r.stderr
    r = runner.invoke(app, ["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "1",
                            "--diagram", str(tmp_path / "x.txt")])
    assert r.exit_code == 2 and "diagram" in r.stderr


def _plan(db: str, priority: str) -> dict:
    r = runner.invoke(app, ["path", "plan", "--from", "rotterdam-maasvlakte", "--to", "zevenaar-grens",
                            "--depart-after", "02:00", "--consist", "military-ammunition", "--priority", priority,
                            "--db", db, "--json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_kept_reserve_paths_are_occupied_for_freight_used_first_by_military_listed_drawn_and_cancelled(tmp_path):
    db = str(tmp_path / "reserve.sqlite")
    r = runner.invoke(app, ["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "1",
                            "--consist", "military-ammunition", "--window", "02:00-03:00", "--db", db, "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    kept = doc["kept"]["allocations"]
    assert len(kept) == doc["reserved"] == 1 and kept[0]["train_id"] == "A1-reserve"
    reserve_departure = doc["paths"][0]["departure"]
    listed = json.loads(runner.invoke(app, ["path", "list", "--db", db, "--json"]).stdout)
    rows = listed if isinstance(listed, list) else listed["allocations"]
    assert [(a["train_id"], a["priority"], a["status"]) for a in rows] == [("A1-reserve", "reserve", "confirmed")]

    # a freight request for the same consist from the same point and time must go around the reserve path…
    freight = _plan(db, "freight")
    assert freight["found"] and freight["hindrance"]["trains"] == []
    assert freight["paths"][0]["departure"] > reserve_departure
    # …a military request takes it first (the decree's step 1)
    military = _plan(db, "military")
    assert military["stage"] == "reserve paths"
    assert [(h["train_id"], h["action"]) for h in military["hindrance"]["trains"]] == [("A1-reserve", "reserve used")]
    assert military["paths"][0]["departure"][:5] == reserve_departure[:5]

    # the diagram of the day in the store draws it as a reserve path
    out = tmp_path / "day.html"
    d = runner.invoke(app, ["diagram", "rotterdam-maasvlakte", "zevenaar-grens", "01:30-05:00", "-o", str(out),
                            "--db", db])
    assert d.exit_code == 0, d.stderr
    html = out.read_text()
    assert "A1-reserve" in html and "reserve path (held for military)" in html

    # cancelled like any allocation, its blocks are free again for freight
    assert runner.invoke(app, ["path", "cancel", "1", "--db", db]).exit_code == 0
    assert _plan(db, "freight")["paths"][0]["departure"] == military["paths"][0]["departure"]


def test_a_service_date_needs_a_store():
    r = runner.invoke(app, ["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "1",
                            "--date", "2027-03-01"])
    assert r.exit_code == 2 and "date" in r.stderr
    r = runner.invoke(app, ["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "1",
                            "--db", "x.sqlite", "--date", "2027-13-01"])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.stderr
