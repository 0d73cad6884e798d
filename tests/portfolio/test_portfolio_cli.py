"""The CLI on the sample network: list, evaluate, optimise with the reports; bad input exits 2."""

import json

from typer.testing import CliRunner

from railcap.cli import app

runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def _json(args):
    r = runner.invoke(app, ["portfolio", *args, "--network", "sample", "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_list_json():
    out = _json(["list"])
    ids = [m["id"] for m in out["measures"]]
    assert "zuid-740" in ids and out["programme"]["budget_eur"] == 150e6
    m = next(m for m in out["measures"] if m["id"] == "zuid-740")
    assert m["total_eur"] == 24e6 and m["reserve_eur"] == 4e6 and m["effects"] == ["SectionEdit", "LongerTrains"]


def test_evaluate_json_with_the_set_together():
    out = _json(["evaluate", "gauge-b-a", "laadspoor", "--scheduler", "serial"])
    assert out["measures"]["laadspoor"]["loading_sites_ready"] == 0
    assert out["together"]["loading_sites_ready"] == 1
    row = next(r for r in out["changes"] if r["indicator"] == "military_served_trains_per_day")
    assert row["change"]["gauge-b-a"] == 2.0 and row["better"] == "higher"


def test_optimise_json_and_reports(tmp_path):
    out = _json(["optimise", "--budget", "60e6", "--weights", "military=3", "--scheduler", "serial",
                 "-o", str(tmp_path / "p")])
    assert out["cost_eur"] <= 60e6 and {"gauge-b-a", "laadspoor"} <= {c["id"] for c in out["chosen"]}
    assert out["pareto"][0]["cost_eur"] == 0
    assert all((tmp_path / f"p-{n}").stat().st_size > 1000 for n in ("pareto.png", "summary.html", "summary.png"))
    page = (tmp_path / "p-summary.html").read_text()
    assert "Left out, and why" in page and "Out-of-gauge cleared kazerne-b-a" in page and "data:image/png;base64" in page


def test_bad_input_exits_2_with_one_line_per_problem(tmp_path):
    r = runner.invoke(app, ["portfolio", "optimise", "--network", "sample", "--budget", "-5"])
    assert r.exit_code == 2 and "budget_eur" in r.output
    r = runner.invoke(app, ["portfolio", "optimise", "--network", "sample", "--budget", "50e6", "--reserve", "80e6"])
    assert r.exit_code == 2 and "smaller than the reserve" in r.output
    r = runner.invoke(app, ["portfolio", "evaluate", "no-such", "--network", "sample"])
    assert r.exit_code == 2 and "no-such" in r.output
    r = runner.invoke(app, ["portfolio", "optimise", "--network", "sample", "--weights", "joy=1"])
    assert r.exit_code == 2 and "unknown indicator or group" in r.output
    r = runner.invoke(app, ["portfolio", "optimise", "--network", "sample", "--scenario", "doom"])
    assert r.exit_code == 2 and "unknown demand scenario" in r.output
    bad = tmp_path / "m.yaml"
    bad.write_text("programme: {budget_eur: 1.0e+6, reserve_share: 0.2}\nmeasures:\n  - {id: x, name: X, priority: 9, "
                   "funding: costed, investment_eur: -3, not_modelled: a study}\n")
    r = runner.invoke(app, ["portfolio", "list", "--network", "sample", "--catalogue", str(bad)])
    assert r.exit_code == 2 and "measure 'x'" in r.output and "priority" in r.output
    assert "Traceback" not in r.output


def test_spare_paths_need_the_reference_day_and_know_which_sections_change_blocking_times():
    from railcap.model.measures import Funding, Measure, SectionEdit, StationTracksAdded, TracksAdded
    from railcap.services.portfolio import blocking_sections

    loops = Measure("loops", "L", 2, Funding.COSTED, 1.0, edits=(StationTracksAdded("b", 1, 750.0),))
    etcs = Measure("etcs", "E", 2, Funding.COSTED, 1.0, edits=(SectionEdit(("b-a",), "etcs_block_m", 500.0),))
    tracks = Measure("t", "T", 2, Funding.COSTED, 1.0, edits=(TracksAdded(("b-c",), 2),))
    gauge = Measure("g", "G", 2, Funding.COSTED, 1.0, edits=(SectionEdit(("b-d",), "max_train_length_m", 740.0),))
    assert blocking_sections([loops, gauge]) == {}
    assert blocking_sections([loops, etcs, tracks]) == {"b-a": "etcs: etcs_block_m 500.0", "b-c": "t: 2 more tracks"}
    r = runner.invoke(app, ["portfolio", "evaluate", "laadspoor", "--network", "sample", "--spare-paths",
                            "--scheduler", "serial"])
    assert r.exit_code == 2 and "only --network nl" in r.output
