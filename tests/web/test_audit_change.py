"""An allocation moved to make room for another, or given its old times back when that other is cancelled, is a
*change* in the audit log, written with the move.

On the store's small single-track day (``tests/store/small_day.py``): a confirmed freight allocation in
the way of a military one is re-planned or cancelled; the web application's write hook
(``store.audit.record_changes``) then appends one "change" row for the freight allocation, in the same
transaction, naming the allocation that moved it and the old and new times.
"""

from __future__ import annotations

from railcap.store.audit import record_changes, record_given_back
from railcap.model.clock import clock
from railcap.services import paths
from railcap.store import audit
from railcap.store.database import migrate, plain_engine
from tests.store.small_day import request, small_day


def _hook(actor: str):
    return lambda conn, new_id, result: record_changes(conn, actor, new_id, result.hindrance)


def test_a_freight_allocation_moved_by_a_military_one_is_logged_as_a_change(tmp_path):
    day = small_day()
    db = str(tmp_path / "railcap.sqlite")
    migrate(db)
    engine = plain_engine(db)
    try:
        paths.allocate(request(day, 6.0, "military"), engine, day=day, on_write=_hook("dp"))
        freight = paths.allocate(request(day, 5.0), engine, day=day, on_write=_hook("cp"))
        assert [e for e in audit.entries(engine) if e["action"] == "change"] == []
        m2 = paths.allocate(request(day, 5.0, "military"), engine, day=day, on_write=_hook("dp"))
        moved = next(h for h in m2.result.hindrance if h.allocation_id == freight.allocation_id)
        changes = [e for e in audit.entries(engine) if e["action"] == "change"]
        assert [(e["object_id"], e["actor"]) for e in changes] == [(str(freight.allocation_id), "dp")]
        detail = changes[0]["detail"]
        assert detail["by_allocation"] == m2.allocation_id and detail["action"] == moved.action
        assert detail["old"] == [clock(moved.old_departure_s), clock(moved.old_arrival_s)]
        assert changes[0]["military"] is False  # the moved train is freight: its details are not sensitive

        # cancelling the military allocation gives the freight path its old times back: a change as well
        given = paths.set_status(engine, m2.allocation_id, "cancelled", day=day,
                                 on_write=lambda conn, i, old: record_given_back(conn, "cp", i))
        back = [g for g in given if g.allocation_id == freight.allocation_id]
        assert back and back[0].restored, given
        changes = [e for e in audit.entries(engine) if e["action"] == "change"]
        assert [(e["object_id"], e["actor"], e["detail"]["action"]) for e in changes][0] == \
            (str(freight.allocation_id), "cp", "restored")
        assert changes[0]["detail"]["new"] == [clock(back[0].departure_s), clock(back[0].arrival_s)]
        assert len(changes) == 2
    finally:
        engine.dispose()
