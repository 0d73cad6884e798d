"""The CLI on the demo network: rank, scenario, sweep, map, and clear errors (exit code 2)."""

import json

from typer.testing import CliRunner

from railcap.cli import app

runner = CliRunner()


def test_rank_json_lists_the_ranking_with_reasons():
    r = runner.invoke(app, ["resilience", "rank", "--network", "sample", "--top", "3", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["cases"] == 8 and len(out["ranking"]) == 8  # JSON is complete; --top cuts the table only
    first = out["ranking"][0]
    assert first["importance_km_per_train"] >= out["ranking"][1]["importance_km_per_train"]
    assert first["reason"].startswith("loses")


def test_scenario_by_name_and_unknown_name():
    r = runner.invoke(app, ["resilience", "scenario", "main-line-cut", "--network", "sample", "--json"])
    assert r.exit_code == 0, r.output
    (rep,) = json.loads(r.stdout)
    assert rep["worst"]["unmet_trains_per_day"] == 0 and rep["worst"]["extra_train_km_per_day"] > 0
    bad = runner.invoke(app, ["resilience", "scenario", "no-such", "--network", "sample"])
    assert bad.exit_code == 2 and "no scenario called 'no-such'" in bad.output


def test_scenario_file_with_errors_exits_2(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"scenarios": [{"name": "x", "elements": [{"op": "nowhere"}], "duration_days": -1,
                                            "recovery": [[0, 0], [-1, 0.5]]}]}))
    r = runner.invoke(app, ["resilience", "scenario", str(f), "--network", "sample"])
    assert r.exit_code == 2
    for text in ("nowhere", "must be ≥ 0", "full service"):
        assert text in r.output


def test_sweep_serial_and_map(tmp_path):
    r = runner.invoke(app, ["resilience", "sweep", "--samples", "12", "--failures", "2", "--seed", "4",
                            "--serial", "--network", "sample", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["summary"]["samples"] == 12
    out = tmp_path / "m.html"
    r = runner.invoke(app, ["resilience", "map", "-o", str(out), "--network", "sample"])
    assert r.exit_code == 0, r.output
    assert "<svg" in out.read_text() and "a-grens-oost" in out.read_text()


def test_odd_counts_are_refused_not_capped():
    """`--top -5` printed every row; `--failures 100000` was capped silently; a dead scheduler hung."""
    r = runner.invoke(app, ["resilience", "rank", "--network", "sample", "--top", "-5", "--json"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["resilience", "sweep", "--network", "sample", "--samples", "2", "--failures",
                            "100000", "--serial", "--json"])
    assert r.exit_code == 2, r.output
    (problem,) = json.loads(r.stdout)["error"]
    assert problem["field"] == "failures"
    r = runner.invoke(app, ["resilience", "sweep", "--network", "sample", "--samples", "2", "--failures", "1",
                            "--scheduler", "tcp://127.0.0.1:9", "--json"])
    assert r.exit_code == 2, r.output
    assert json.loads(r.stdout)["error"][0]["field"] == "scheduler"


def test_unknown_scenario_is_refused_before_the_model_is_built(monkeypatch):
    """On nl building the model takes seconds: a misspelt name must not wait for it."""
    import railcap.services.resilience as service

    def no_model(*args, **kwargs):
        raise AssertionError("the model was built for an unknown scenario")

    monkeypatch.setattr(service, "model", no_model)
    bad = runner.invoke(app, ["resilience", "scenario", "emmerich-closd", "--json"])
    assert bad.exit_code == 2, bad.output
    (problem,) = json.loads(bad.stdout)["error"]
    assert problem["field"] == "name" and "emmerich-closed" in problem["reason"]
