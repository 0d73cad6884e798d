"""Every ``railcap resilience … --json`` prints pure, complete JSON on standard output.

Run as separate processes: the HiGHS banner is written by the C++ library straight to
file descriptor 1, which an in-process CLI runner would not see.
"""

import json
import subprocess
import sys

import pytest

RUN = [sys.executable, "-c", "from railcap.cli import app; app()", "resilience"]

COMMANDS = [
    ["rank", "--network", "sample", "--top", "2", "--json"],
    ["rank", "--network", "sample", "--ops", "--json"],
    ["scenario", "main-line-cut", "--network", "sample", "--json"],
    ["sweep", "--samples", "4", "--failures", "2", "--serial", "--network", "sample", "--json"],
    ["scenario", "emmerich-closed", "--json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_json_output_is_pure_json(args):
    out = subprocess.run(RUN + args, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    json.loads(out.stdout)  # nothing but JSON: no solver banner, no progress bar


def test_rank_json_is_complete_and_the_table_says_it_cuts():
    out = subprocess.run(RUN + ["rank", "--network", "sample", "--top", "2", "--json"],
                         capture_output=True, text=True, timeout=300)
    doc = json.loads(out.stdout)
    assert len(doc["ranking"]) == doc["cases"] > 2  # --top only cuts the table
    table = subprocess.run(RUN + ["rank", "--network", "sample", "--top", "2"], capture_output=True, text=True,
                           timeout=300, env={"COLUMNS": "200", **__import__("os").environ})
    assert "the 2 most important shown" in table.stdout


def test_scenario_help_lists_the_named_scenarios():
    from typer.testing import CliRunner

    from railcap.cli import app
    from railcap.services.resilience import scenario_names

    r = CliRunner().invoke(app, ["resilience", "scenario", "--help"], env={"COLUMNS": "400"})
    assert r.exit_code == 0
    text = " ".join(r.output.split())
    for name in scenario_names():
        assert name in text.replace("│", " ").replace("  ", " ") or name in r.output
