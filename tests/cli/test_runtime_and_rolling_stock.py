"""The rolling-stock and run-time commands, through typer's CliRunner."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.model.samples import corridor

runner = CliRunner()


@pytest.fixture
def sample_network(monkeypatch):
    """Stand in for the embedded Dutch network with the small sample corridor."""
    from railcap.services import embedded

    monkeypatch.setattr(embedded, "network", lambda path=None: corridor())


def test_rolling_stock_list_json():
    result = runner.invoke(app, ["rolling-stock", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["military-ammunition"]["rid_class"] == "1"
    assert rows["military-heavy"]["loading_gauge"] == "out of gauge"
    assert rows["intermodal-740"]["length_m"] == 740.0


def test_rolling_stock_list_table():
    result = runner.invoke(app, ["rolling-stock", "list"])
    assert result.exit_code == 0
    assert "virm-6" in result.stdout and "Rolling-stock catalogue" in result.stdout


@pytest.mark.parametrize("columns", [80, 160])
def test_rolling_stock_list_fits_the_terminal(columns):
    """At 80 columns every figure is whole (the names give way, not the numbers); wide, names show."""
    env = {**os.environ, "COLUMNS": str(columns)}
    script = [sys.executable, "-c", "from railcap.cli import app; app()", "rolling-stock", "list"]
    out = subprocess.run(script, env=env,
                         capture_output=True, text=True, check=True).stdout
    row = next(line for line in out.splitlines() if line.strip().startswith("military-ammunition"))
    assert max(len(line) for line in out.splitlines()) <= columns
    assert row.split()[-6:] == ["414", "1,010", "100", "electric", "GB", "1"]
    assert ("Military ammunition" in row) == (columns == 160)


def test_rolling_stock_show_unknown_is_exit_2():
    result = runner.invoke(app, ["rolling-stock", "show", "nope"])
    assert result.exit_code == 2
    assert "no consist called 'nope'" in result.output


def test_run_time_json(sample_network):
    result = runner.invoke(app, ["run-time", "intermodal-740", "p", "x", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [o["op"] for o in data["ops"]] == ["p", "y", "j", "x"]
    assert data["length_km"] == 60.0
    assert 0 < data["top_speed_kmh"] <= 100
    assert data["energy_kwh"] > 0
    assert data["ops"][-1]["arrival_s"] == data["running_time_s"]


def test_run_time_table_with_via_and_allowance(sample_network):
    plain = json.loads(runner.invoke(app, ["run-time", "empty-return", "p", "t", "--json"]).stdout)
    result = runner.invoke(app, ["run-time", "empty-return", "p", "t", "--via", "j",
                                 "--allowance-percent", "5"])
    assert result.exit_code == 0, result.output
    assert "running time" in result.stdout and "kWh" in result.stdout
    assert plain["running_time_s"] > 0


def test_run_time_user_consist_file(sample_network, tmp_path):
    f = tmp_path / "mine.json"
    f.write_text(json.dumps({
        "id": "mine", "name": "Mine", "category": "freight", "units": ["vectron-ms"],
        "trailing": {"mass_t": 800, "length_m": 400, "resistance": {"f0_permille": 1.4}},
        "braking_ms2": 0.4, "loading_gauge": "G1"}))
    result = runner.invoke(app, ["run-time", str(f), "p", "x", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["consist"] == "mine"


def test_run_time_errors_are_exit_2(sample_network):
    result = runner.invoke(app, ["run-time", "intermodal-740", "p", "t"])
    assert result.exit_code == 2
    assert "section 'j-t'" in result.output and "electrification" in result.output
    result = runner.invoke(app, ["run-time", "intermodal-740", "p", "nowhere"])
    assert result.exit_code == 2


def test_run_time_takes_the_issue_s_option_form_as_well(sample_network):
    a = json.loads(runner.invoke(app, ["run-time", "intermodal-740", "p", "x", "--json"]).stdout)
    b = json.loads(runner.invoke(app, ["run-time", "--consist", "intermodal-740", "--from", "p", "--to", "x",
                                       "--json"]).stdout)
    assert a == b


@pytest.mark.parametrize("args, field", [
    (["run-time", "intermodal-740", "p"], "to"),
    (["run-time", "intermodal-740", "p", "x", "--from", "y"], "from"),
])
def test_run_time_missing_or_doubled_point_is_a_clear_error(sample_network, args, field):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and f"field '{field}'" in result.output.replace('"', "'")
