"""`railcap path list` and `path show` in a terminal: ids, statuses, days and times are never cut."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from railcap.cli import app

runner = CliRunner()


DAY = (dt.date.today() + dt.timedelta(days=7)).isoformat()  # a date ahead, whenever the tests run


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = tmp_path_factory.mktemp("list") / "p.sqlite"
    for when, consist in (("09:00", "intermodal-740"), (f"{DAY}T10:00", "intermodal-650")):
        r = runner.invoke(app, ["path", "allocate", "--db", str(db), "--from", "kijfhoek", "--to", "oldenzaal-grens",
                                "--depart-after", when, "--consist", consist, "--json"])
        assert r.exit_code == 0, r.output
    return db


def _run(columns: int, *args: str) -> str:
    script = [sys.executable, "-c", "from railcap.cli import app; app()", *args]
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(script, env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("columns", [80, 120])
def test_list_rows_stay_whole(db, columns):
    rows = json.loads(runner.invoke(app, ["path", "list", "--db", str(db), "--json"]).stdout)
    out = _run(columns, "path", "list", "--db", str(db))
    lines = out.splitlines()
    assert max(map(len, lines)) <= columns
    for r in rows:
        line = next(x for x in lines if x.split()[:2] == [str(r["id"]), r["train_id"]])
        assert r["status"] in line.split() and (r["service_date"] or "reference") in line.split()
        assert ("kijfhoek" in line) and ((r["consist"] in line) == (columns >= 100))


def test_show_names_consist_and_day(db):
    out = _run(80, "path", "show", "2", "--db", str(db))
    assert "intermodal-650" in out and DAY in out
