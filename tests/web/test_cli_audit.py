"""The command line writes the same audit rows as the web API: `movement allocate`, `capacity reserve --db`,
`path allocate`, `path confirm` and `path cancel` each append who (the operating-system user), what and which
allocation, in the transaction that did it (``store.audit``)."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from railcap.cli import app
from railcap.store import audit
from railcap.store.database import plain_engine

runner = CliRunner()
ORDER = {"unit": "test battalion", "trains": [{"consist": "military-heavy", "count": 2}],
         "loading_sites": ["t-harde"], "earliest_day": "2026-12-07", "earliest_time": "06:00", "days": 1,
         "to": "zevenaar-grens", "priority": "military"}


def _rows(db) -> list[dict]:
    engine = plain_engine(db)
    try:
        return list(reversed(audit.entries(engine)))
    finally:
        engine.dispose()


def _ok(args: list[str]) -> dict:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout) if "--json" in args else {}


def test_movement_allocate_writes_an_allocate_row_per_train_as_the_os_user(tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "planner-on-the-shell")
    monkeypatch.setenv("LOGNAME", "planner-on-the-shell")
    order, db = tmp_path / "order.yaml", tmp_path / "m.sqlite"
    order.write_text(yaml.safe_dump(ORDER))
    doc = _ok(["movement", "allocate", str(order), "--db", str(db), "--today", "2026-12-01", "--json"])
    ids = doc["allocation_ids"]
    rows = _rows(db)
    allocated = [r for r in rows if r["action"] == "allocate"]
    assert [int(r["object_id"]) for r in allocated] == ids and len(ids) == 2
    assert all(r["actor"] == "planner-on-the-shell" and r["military"] for r in allocated)
    assert {r["detail"]["movement"] for r in allocated} == {"test battalion"}


def test_path_allocate_confirm_and_cancel_write_their_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "cp-shell")
    monkeypatch.setenv("LOGNAME", "cp-shell")
    db = str(tmp_path / "p.sqlite")
    req = ["--from", "kijfhoek", "--to", "oldenzaal-grens", "--depart-after", "20:00", "--consist",
           "intermodal-740", "--db", db]
    first = _ok(["path", "allocate", *req, "--propose", "--json"])["allocation_id"]
    _ok(["path", "confirm", str(first), "--db", db])
    _ok(["path", "cancel", str(first), "--db", db, "--json"])
    rows = [(r["actor"], r["action"], r["object_id"]) for r in _rows(db)]
    assert rows == [("cp-shell", "allocate", str(first)), ("cp-shell", "confirm", str(first)),
                    ("cp-shell", "cancel", str(first))]
    details = [r["detail"] for r in _rows(db)]
    assert details[0]["status"] == "proposed" and details[0]["request"]["from"] == "kijfhoek"
    assert details[1] == {"from": "proposed", "to": "confirmed"}
    assert details[2] == {"from": "confirmed", "to": "cancelled"}


def test_capacity_reserve_kept_in_a_store_writes_an_allocate_row_per_reserve_path(tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "cp-shell")
    monkeypatch.setenv("LOGNAME", "cp-shell")
    db = str(tmp_path / "r.sqlite")
    doc = _ok(["capacity", "reserve", "--route", "betuweroute", "--per-hour-band", "1", "--consist",
               "military-ammunition", "--window", "02:00-04:00", "--db", db, "--json"])
    kept = [a["allocation_id"] for a in doc["kept"]["allocations"]]
    rows = _rows(db)
    assert [int(r["object_id"]) for r in rows] == kept and len(kept) >= 1
    assert all(r["actor"] == "cp-shell" and r["action"] == "allocate" for r in rows)
    assert {r["detail"]["kind"] for r in rows} == {"reserve path"}
