"""Allocations: stored, honoured by later requests, one truth per train, never half-written.

Bugs 1 and 2 of issue 13 are reproduced on a small single-track day (``small_day``).
"""

from __future__ import annotations

import numpy as np
import pytest

from railcap.model.errors import ValidationError
from railcap.occupancy import find_conflicts
from railcap.services import paths
from railcap.store import allocations as store
from tests.store.small_day import request


def conflicts(db, day):
    return find_conflicts(paths.day_as_it_will_be(db, None, day))


def current_rows(db, day, train_id):
    table = paths.day_as_it_will_be(db, None, day)
    return table[table.train_id == train_id]


def test_a_confirmed_allocation_holds_its_blocks_and_cancelling_frees_them(db, sday):
    first = paths.allocate(request(sday, 9.0), db, day=sday)
    second = paths.allocate(request(sday, 9.0), db, day=sday)
    assert second.result.paths[0].departure_s > first.result.paths[0].departure_s
    assert conflicts(db, sday) == []
    assert [r["status"] for r in paths.list_allocations(db)] == ["confirmed", "confirmed"]
    paths.set_status(db, first.allocation_id, "cancelled", day=sday)
    third = paths.allocate(request(sday, 9.0), db, day=sday)
    assert third.result.paths[0].departure_s == pytest.approx(first.result.paths[0].departure_s)
    assert len(current_rows(db, sday, first.train_id)) == 0
    with pytest.raises(ValidationError, match="already cancelled"):
        paths.set_status(db, first.allocation_id, "confirmed")


def test_proposed_then_confirmed(db, sday):
    done = paths.allocate(request(sday, 9.0), db, "proposed", day=sday)
    assert paths.list_allocations(db, "proposed")[0]["id"] == done.allocation_id
    paths.set_status(db, done.allocation_id, "confirmed")
    assert paths.list_allocations(db, "proposed") == []
    with pytest.raises(ValidationError, match="already confirmed"):
        paths.set_status(db, done.allocation_id, "confirmed")
    with pytest.raises(ValidationError, match="status"):
        paths.list_allocations(db, "bogus")


def test_bug1_two_military_allocations_in_one_slot_leave_one_truth_per_train(db, sday):
    """Issue 13, bug 1: the second military allocation re-plans F06 again; the store keeps only its current
    run, so the next unrelated allocation succeeds and cancelling everything leaves no conflict."""
    m1 = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    m2 = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    assert [h.train_id for h in m1.result.hindrance] == ["F06"] and "F06" in [h.train_id for h in m2.result.hindrance]
    second = next(h for h in m2.result.hindrance if h.train_id == "F06")
    first = m1.result.hindrance[0]
    assert second.old_departure_s == pytest.approx(first.new_departure_s)  # moved from where it is now
    assert conflicts(db, sday) == []
    f06 = current_rows(db, sday, "F06")
    assert len(f06) and len(np.unique(f06.resource_id.astype(str))) == len(f06)  # one run, not two
    paths.allocate(request(sday, 20.0), db, day=sday)  # unrelated: still allocates
    for row in paths.list_allocations(db):
        if row["status"] != "cancelled":
            paths.set_status(db, row["id"], "cancelled", day=sday)
    assert conflicts(db, sday) == []


def test_bug2_a_displaced_freight_allocation_is_moved_through_the_store_and_its_holder_sees_it(db, sday):
    """Issue 13, bug 2: a confirmed freight allocation in the military path's way is re-planned (or cancelled)
    under a named rule; its status, times and note change in its own record; nothing overlaps."""
    m1 = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    freight = paths.allocate(request(sday, 5.0), db, day=sday)
    before = freight.result.paths[0]
    m2 = paths.allocate(request(sday, 5.0, "military"), db, day=sday)
    moved = next(h for h in m2.result.hindrance if h.train_id == freight.train_id)
    assert moved.allocation_id == freight.allocation_id and "allocated freight path" in moved.rule
    assert moved.old_departure_s == pytest.approx(before.departure_s)  # never "00:00–00:00"
    record = paths.get_allocation(db, freight.allocation_id)
    assert f"by allocation {m2.allocation_id}" in record["note"]
    if moved.action == "cancelled":
        assert record["status"] == "cancelled" and len(current_rows(db, sday, freight.train_id)) == 0
    else:
        assert record["status"] == "confirmed"
        assert record["departure_s"] == pytest.approx(moved.new_departure_s)
        assert record["arrival_s"] == pytest.approx(moved.new_arrival_s)
    assert [h["action"] for h in record["history"]] == ["allocated", moved.action]
    assert [h["current"] for h in record["history"]] == [False, True]
    listed = {r["id"]: r for r in paths.list_allocations(db)}[freight.allocation_id]
    assert listed["note"] == record["note"] and listed["status"] == record["status"]
    assert conflicts(db, sday) == []
    assert m1.allocation_id < freight.allocation_id < m2.allocation_id


def test_an_interrupted_write_leaves_nothing_behind(db, sday, monkeypatch):
    paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    before = db.read_bytes()
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # after the new train's version, before the moved trains'
            raise RuntimeError("power cut while writing")
        return real(*args, **kwargs)

    real = store._new_version
    monkeypatch.setattr(store, "_new_version", broken)
    with pytest.raises(RuntimeError):
        paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    monkeypatch.undo()
    assert len(paths.list_allocations(db)) == 1
    assert conflicts(db, sday) == []
    assert db.read_bytes() == before or len(paths.list_allocations(db)) == 1


def test_a_stale_plan_is_planned_again(db, sday, monkeypatch):
    """Another allocation lands between the snapshot and the write: the store says stale, the service re-plans."""
    real = store.write_allocation
    injected = []

    def racing(engine, new, base, seen_version, on_write=None):
        if not injected:
            injected.append(1)
            monkeypatch.setattr(store, "write_allocation", real)
            paths.allocate(request(sday, 9.0), db, day=sday)  # gets there first, same slot
        return real(engine, new, base, seen_version, on_write)

    monkeypatch.setattr(store, "write_allocation", racing)
    late = paths.allocate(request(sday, 9.0), db, day=sday)
    assert late.attempts == 2
    assert conflicts(db, sday) == []
