"""The ``--json`` answers of a fixed set of read-only commands, compared with stored results.

A change of layout must not change what a command answers. The stored answers are in
``tests/cli/golden/``; after a change that is meant to change an answer, write them again
with ``RAILCAP_GOLDEN_UPDATE=1 python -m pytest tests/cli/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from railcap.cli import app

GOLDEN = Path(__file__).parent / "golden"
COMMANDS = {
    "network_info": ["network", "info", "--json"],
    "network_show_kijfhoek": ["network", "show", "Kijfhoek", "--json"],
    "rolling_stock_list": ["rolling-stock", "list", "--json"],
    "rolling_stock_show_virm6": ["rolling-stock", "show", "virm-6", "--json"],
    "run_time_intermodal740": ["run-time", "intermodal-740", "Kijfhoek", "zevenaar-grens", "--json"],
    "timetable_info": ["timetable", "info", "--json"],
    "timetable_corridors": ["timetable", "corridors", "--json"],
    "portfolio_list": ["portfolio", "list", "--json"],
    "capacity_report_kijfhoek_morning": ["capacity", "report", "--window", "07:00-09:00", "--section", "kijfhoek",
                                         "--json"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_json_answer_is_unchanged(name):
    result = CliRunner().invoke(app, COMMANDS[name])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("RAILCAP_GOLDEN_UPDATE"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(answer, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    assert answer == json.loads(path.read_text("utf-8")), f"railcap {' '.join(COMMANDS[name])} answers differently"
