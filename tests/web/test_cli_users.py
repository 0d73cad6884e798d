"""`railcap users add | list` on a fresh database."""

import json

from typer.testing import CliRunner

from railcap.cli import app
from railcap.store.database import plain_engine
from railcap.store import audit, users

runner = CliRunner()


def test_add_generates_a_password_once_and_audits(tmp_path):
    db = str(tmp_path / "u.sqlite")
    out = runner.invoke(app, ["users", "add", "ann", "--role", "analyst", "--generate", "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["role"] == "analyst" and len(doc["password"]) == 20
    engine = plain_engine(db)
    assert users.authenticate(engine, "ann", doc["password"]) == {"name": "ann", "role": "analyst"}
    assert [e["action"] for e in audit.entries(engine)] == ["user-add"]
    listed = json.loads(runner.invoke(app, ["users", "list", "--db", db, "--json"]).stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("ann", "analyst")]


def test_unknown_role_is_one_line_and_exit_2(tmp_path):
    db = tmp_path / "u.sqlite"
    out = runner.invoke(app, ["users", "add", "ann", "--role", "admiral", "--db", str(db)])
    assert out.exit_code == 2
    assert "role" in out.output and "Traceback" not in out.output
    assert not db.exists()  # nothing written
