"""The command line: JSON is pure, bad input is one clear line (JSON under --json) and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from railcap.cli import app

RAILCAP = [sys.executable, "-c", "from railcap.cli import app; app()"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RAILCAP, "surroundings", *args], capture_output=True, text=True, timeout=300)


def test_noise_json_of_added_trains_is_pure_and_complete(tmp_path: Path) -> None:
    trains = tmp_path / "trains.json"
    trains.write_text(json.dumps([{"consist": "intermodal-740", "count": 10, "hour": "23:30",
                                   "route": ["meteren-aansl", "kijfhoek"]}]))
    geo = tmp_path / "change.geojson"
    p = _run("noise", "--trains", str(trains), "--json", "--geojson", str(geo))
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["noise"][0]["section"] == "meteren-aansl--kijfhoek"
    assert doc["summary"]["noise_ceilings"] == "none configured"
    fc = json.loads(geo.read_text())
    assert fc["features"][0]["properties"]["section"] == "meteren-aansl--kijfhoek"


def test_bad_trains_file_is_one_json_error_and_exit_2(tmp_path: Path) -> None:
    trains = tmp_path / "trains.json"
    trains.write_text(json.dumps([{"consist": "intermodal-740", "count": -1, "hour": 30,
                                   "route": ["meteren-aansl", "kijfhoek"]}]))
    out = tmp_path / "map.html"
    p = _run("noise", "--trains", str(trains), "--json", "--html", str(out))
    assert p.returncode == 2
    errors = json.loads(p.stdout)["error"]
    assert [e["field"] for e in errors] == ["count"]
    assert not out.exists()


def test_terminal_errors_name_the_field() -> None:
    r = CliRunner().invoke(app, ["surroundings", "dangerous-goods", "--scenario", "atlantis-flooded"])
    assert r.exit_code == 2
    assert "field 'name'" in r.output and "Traceback" not in r.output


def test_removing_a_reference_run_from_the_trains_file(tmp_path: Path) -> None:
    from railcap.services.surroundings import load

    run = next(r for r in load().runs if r.series == "F-kijfhoek-zevenaar-grens")
    trains = tmp_path / "trains.json"
    trains.write_text(json.dumps({"remove_runs": [run.id]}))
    r = CliRunner().invoke(app, ["surroundings", "noise", "--trains", str(trains), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output[r.output.index("{"):])
    assert doc["noise"] and all(c["change_db"]["lden"] is None or c["change_db"]["lden"] < 0 for c in doc["noise"])
    trains.write_text(json.dumps({"remove_runs": ["no-such-run"]}))
    r = CliRunner().invoke(app, ["surroundings", "noise", "--trains", str(trains)])
    assert r.exit_code == 2 and "remove_runs" in r.output
