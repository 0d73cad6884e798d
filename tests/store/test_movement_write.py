"""`movement allocate` plans outside any lock and writes in one short, re-checked transaction."""

from __future__ import annotations

import datetime as dt
import sqlite3

import yaml

from railcap.services import movements
from railcap.store import allocations as store

TODAY = dt.date(2026, 12, 1)
ORDER = {"unit": "test battalion", "trains": [{"consist": "military-heavy", "count": 2}],
         "loading_sites": ["t-harde"], "earliest_day": "2026-12-07", "earliest_time": "06:00", "days": 1,
         "to": "zevenaar-grens", "priority": "military"}


def _count(db) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("select count(*) from allocations").fetchone()[0]


def test_planning_holds_no_lock_and_a_store_changed_meanwhile_is_checked_again(tmp_path, monkeypatch):
    order, db = tmp_path / "order.yaml", tmp_path / "m.sqlite"
    order.write_text(yaml.safe_dump(ORDER))
    store.open_store(db).dispose()
    real_plan, real_recheck = movements.plan_movement, store.recheck
    seen = {"plans": 0, "rechecks": 0}

    def plan_while_another_writes(*args, **kwargs):
        seen["plans"] += 1
        if seen["plans"] == 1:  # another writer gets the lock at once (timeout 0): nobody holds it
            conn = sqlite3.connect(db, timeout=0, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE store_version SET version = version + 1")
            conn.execute("COMMIT")
            conn.close()
        return real_plan(*args, **kwargs)

    def recheck_stale_once(conn, new, base, seen_version):
        seen["rechecks"] += 1
        if seen["rechecks"] == 1:
            raise store.StalePlan("as if another allocation took a block of this movement")
        return real_recheck(conn, new, base, seen_version)

    monkeypatch.setattr(movements, "plan_movement", plan_while_another_writes)
    monkeypatch.setattr(store, "recheck", recheck_stale_once)
    plan, ids = movements.allocate_whole(order, str(db), TODAY)
    assert seen["plans"] == 2  # the stale first plan was planned again (on the new version) ...
    assert seen["rechecks"] == 1  # ... and the second plan, made on the current version, needed no re-check
    assert len(ids) == 2 == _count(db)


def test_a_failure_inside_the_write_leaves_nothing(tmp_path, monkeypatch):
    order, db = tmp_path / "order.yaml", tmp_path / "m.sqlite"
    order.write_text(yaml.safe_dump(ORDER))
    store.open_store(db).dispose()
    real = store.insert_allocation
    calls = []

    def second_fails(conn, new, train_id=None):
        calls.append(train_id)
        if len(calls) == 2:
            raise RuntimeError("killed half-way")
        return real(conn, new, train_id)

    monkeypatch.setattr(store, "insert_allocation", second_fails)
    try:
        movements.allocate_whole(order, str(db), TODAY)
    except RuntimeError:
        pass
    assert len(calls) == 2 and _count(db) == 0
