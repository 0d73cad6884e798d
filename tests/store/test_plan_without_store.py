"""A plan without a database never loads SQLAlchemy (a cold ``railcap path plan`` does not pay for it).

Structural, not timed: the command runs in a fresh interpreter, which then
reports the modules it imported. ``store.state`` (the day as it will be) is
what planning needs; ``store.allocations`` (the database) is loaded only
when a store is read.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from typer.testing import CliRunner
from railcap.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({"exit_code": result.exit_code, "output": result.stdout, "modules": sorted(sys.modules)}))
"""

PLAN = ["path", "plan", "--from", "kijfhoek", "--to", "zevenaar-grens", "--depart-after", "14:00",
        "--consist", "intermodal-740", "--json"]


def _modules(args: list[str]) -> tuple[dict, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report, {m.split(".")[0] if m.startswith("sqlalchemy") else m for m in report["modules"]}


def test_a_plan_without_a_database_loads_no_sqlalchemy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no railcap.sqlite here
    monkeypatch.delenv("RAILCAP_DB", raising=False)
    report, modules = _modules(PLAN)
    assert report["exit_code"] == 0, report["output"]
    assert json.loads(report["output"])["found"]
    assert "railcap.store.state" in modules  # the day as it will be, from the store's own module
    assert "sqlalchemy" not in modules
    assert "railcap.store.allocations" not in modules


def test_a_plan_on_a_database_does_read_it(tmp_path):
    """The other side: with a store, the plan loads the database layer (the probe can tell)."""
    from railcap.store.allocations import open_store

    db = tmp_path / "paths.sqlite"
    open_store(db, create=True).dispose()
    report, modules = _modules([*PLAN, "--db", str(db)])
    assert report["exit_code"] == 0, report["output"]
    assert {"sqlalchemy", "railcap.store.allocations"} <= modules
