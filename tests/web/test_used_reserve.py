"""A reserve path a military path takes is *used* (its own status, naming the allocation that used it), not
cancelled: in the store, `path list`, the API and its page; cancelling the military path holds it again.
Migration 0004 brings earlier used reserve paths (stored as cancelled) over, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import sqlalchemy as sa
from typer.testing import CliRunner

from railcap.cli import app
from railcap.store.database import downgrade, migrate, plain_engine

runner = CliRunner()


def _ok(*args: str) -> dict | list:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout) if "--json" in args else {}


def _reserve_then_military(db: str) -> int:
    """One reserve path on the Betuweroute at 02:00–03:00, then a military allocation that takes it."""
    _ok("capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "1", "--consist",
        "military-ammunition", "--window", "02:00-03:00", "--db", db, "--json")
    mil = _ok("path", "allocate", "--from", "rotterdam-maasvlakte", "--to", "zevenaar-grens", "--depart-after",
              "02:00", "--consist", "military-ammunition", "--priority", "military", "--db", db, "--json")
    assert [(h["train_id"], h["action"]) for h in mil["hindrance"]["trains"]] == [("A1-reserve", "reserve used")]
    return mil["allocation_id"]


def _statuses(db: str) -> list[tuple]:
    return [(a["id"], a["status"], a.get("used_by")) for a in _ok("path", "list", "--db", db, "--json")]


def test_a_used_reserve_path_is_used_by_the_military_allocation_and_held_again_when_that_is_cancelled(db_url):
    mil = _reserve_then_military(db_url)
    assert _statuses(db_url) == [(1, "used", mil), (mil, "confirmed", None)]
    assert _ok("path", "list", "--db", db_url, "--status", "used", "--json")[0]["id"] == 1
    shown = _ok("path", "show", "1", "--db", db_url, "--json")
    assert shown["status"] == "used" and shown["used_by"] == mil and f"used by allocation {mil}" in shown["note"]
    confirm = runner.invoke(app, ["path", "confirm", "1", "--db", db_url])
    assert confirm.exit_code == 2 and f"used by allocation {mil}" in confirm.stderr
    _ok("path", "cancel", str(mil), "--db", db_url, "--json")
    assert _statuses(db_url) == [(1, "confirmed", None), (mil, "cancelled", None)]


def test_migration_0004_turns_an_earlier_cancelled_reserve_path_into_a_used_one_and_back(db_url):
    mil = _reserve_then_military(db_url)
    downgrade(db_url, "0003")
    engine = plain_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT status FROM allocations WHERE id = 1")).scalar() == "cancelled"
            assert "used_by" not in {c["name"] for c in sa.inspect(conn).get_columns("allocations")}
        migrate(db_url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, status, used_by FROM allocations ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "used", mil), (mil, "confirmed", None)]


def test_the_allocations_page_says_used_by_which_allocation(api):
    """Through the API (its list and the page's data): status "used" with the allocation that used it."""
    _reserve_then_military(api.client.app.state.ctx.url)
    rows = {a["id"]: a for a in api.get("vw", "/api/allocations").json()}
    assert rows[1]["status"] == "used" and rows[1]["used_by"] == 2
    assert [a["id"] for a in api.get("cp", "/api/allocations", params={"status": "used"}).json()] == [1]
    assert "used_by" in api.get("cp", "/api/allocations.csv").text.splitlines()[0]
    used = api.get("cp", "/api/allocations/1/diagram")  # a reserve path keeps no plan of its own: its run is drawn
    assert used.status_code == 200 and not [line for line in used.json()["lines"] if line.get("new")]
    assert api.post("cp", "/api/allocations/2/cancel").status_code == 200
    held = api.get("cp", "/api/allocations/1/diagram")
    assert held.status_code == 200 and held.json()["allocation"]["status"] == "confirmed"
    assert [line["train_id"] for line in held.json()["lines"] if line.get("new")] == ["A1-reserve"]
