"""The read commands load only what they answer from (the brief: a command answers fast cold).

Structural, not timed: each command runs in a fresh interpreter, which then reports the
modules it imported and whether the reference weekday was built run by run. A command that
starts loading its heavy neighbour again (the flow solver for the measures catalogue, the
path search or the store for the UIC 406 report, every passing point of the day for its
summary) fails here, whatever the machine's speed. ``python -m bench cold_reads`` times them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from railcap.services.embedded import timetable_outlines

# runs a command as the console script does, then reports what that process loaded
PROBE = """
import json, sys
from typer.testing import CliRunner
from railcap.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
from railcap.data.reference import load_reference_timetable
print(json.dumps({"exit_code": result.exit_code, "output": result.output[-2000:], "modules": sorted(sys.modules),
                  "whole_day_built": load_reference_timetable.cache_info().currsize > 0}))
"""

#: what no read command below needs: the LP/MIP solvers, Dask, pandas, the web server
NEVER = ["highspy", "ortools", "dask", "pandas", "fastapi", "uvicorn", "plotly"]

# command -> modules it must not load (besides NEVER), and why
CASES = {
    "portfolio list": (["scipy", "sqlalchemy", "railcap.resilience.flow", "railcap.resilience.insertion",
                        "railcap.portfolio.evaluate", "railcap.services.portfolio", "railcap.capacity"],
                       "the catalogue needs the network and the train types, not the evaluation model"),
    "portfolio list --json": (["scipy", "sqlalchemy", "railcap.resilience.flow", "railcap.resilience.insertion",
                               "railcap.portfolio.evaluate", "railcap.services.portfolio"], "as above"),
    "timetable info --json": (["scipy", "sqlalchemy", "networkx", "railcap.pathing", "railcap.physics",
                               "railcap.occupancy"],
                              "the summary needs each run's class, product and sections"),
    "capacity report --json": (["scipy", "sqlalchemy", "railcap.store", "railcap.pathing", "railcap.capacity.spare",
                                "railcap.capacity.reserve", "railcap.physics"],
                               "UIC 406 compression of the shipped blocking times; no path search, no store"),
    "network info --json": (["scipy", "sqlalchemy", "networkx", "railcap.pathing", "railcap.physics",
                             "railcap.occupancy"], "the network file"),
    "path list --db {db}": (["scipy", "railcap.resilience", "railcap.capacity"], "the store's rows"),
}


def _probe(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from railcap.store.allocations import open_store

    path = tmp_path_factory.mktemp("cold") / "paths.sqlite"
    open_store(path, create=True).dispose()
    return str(path)


@pytest.mark.parametrize("command", sorted(CASES))
def test_read_command_loads_only_what_it_needs(command, db):
    forbidden, why = CASES[command]
    report = _probe(command.format(db=db).split())
    assert report["exit_code"] == 0, report["output"]
    loaded = [m for m in NEVER + forbidden if any(x == m or x.startswith(m + ".") for x in report["modules"])]
    assert not loaded, f"railcap {command} loaded {loaded}: {why}"
    assert not report["whole_day_built"], f"railcap {command} built every run of the reference weekday"


def test_the_days_outlines_are_those_of_the_whole_read():
    """The summary's light read of the shipped day gives what reading the whole day gives."""
    from railcap.data.embedded import embedded_path
    from railcap.data.reference import TIMETABLE_FILE

    light = timetable_outlines()
    whole = timetable_outlines(embedded_path(TIMETABLE_FILE))  # a path: read and checked whole
    assert len(light[0]) > 6000
    assert light == whole
