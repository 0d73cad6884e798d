"""Issue 15, part 5: cancelling a military allocation gives the civil trains it moved their old times back,
where nothing allocated since stands in the way, and names what does."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from railcap.occupancy import find_conflicts
from railcap.services import paths
from tests.store.small_day import request


def rows_of(db, day, train_id):
    table = paths.day_as_it_will_be(db, None, day)
    mine = table[table.train_id == train_id]
    return mine[np.lexsort((mine.start_s, mine.resource_id.astype(str)))]


def test_the_freight_train_a_military_allocation_moved_goes_back_when_it_is_cancelled(db, sday):
    old = rows_of(db, sday, "F06")
    m = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    assert [h.train_id for h in m.result.hindrance] == ["F06"]
    assert not np.allclose(rows_of(db, sday, "F06").start_s, old.start_s)  # moved
    given = paths.set_status(db, m.allocation_id, "cancelled", day=sday)
    assert [(g.train_id, g.restored) for g in given] == [("F06", True)]
    back = rows_of(db, sday, "F06")
    assert back.resource_id.tolist() == old.resource_id.tolist()
    assert np.allclose(back.start_s, old.start_s) and np.allclose(back.end_s, old.end_s)
    assert given[0].departure_s == pytest.approx(m.result.hindrance[0].old_departure_s)
    assert find_conflicts(paths.day_as_it_will_be(db, None, sday)) == []
    assert paths.allocate(request(sday, 6.0, "military"), db, day=sday).result.hindrance  # moves it again


def test_an_allocated_freight_path_goes_back_and_its_holder_sees_it(db, sday):
    freight = paths.allocate(request(sday, 5.0), db, day=sday)
    before = paths.get_allocation(db, freight.allocation_id)
    m = paths.allocate(request(sday, 5.0, "military"), db, day=sday)
    assert freight.train_id in [h.train_id for h in m.result.hindrance]
    moved = paths.get_allocation(db, freight.allocation_id)
    assert (moved["departure_s"], moved["status"]) != (before["departure_s"], before["status"])
    given = {g.train_id: g for g in paths.set_status(db, m.allocation_id, "cancelled", day=sday)}
    assert given[freight.train_id].restored and given[freight.train_id].allocation_id == freight.allocation_id
    after = paths.get_allocation(db, freight.allocation_id)
    assert after["status"] == before["status"] == "confirmed"
    assert after["departure_s"] == pytest.approx(before["departure_s"])
    assert after["arrival_s"] == pytest.approx(before["arrival_s"])
    assert f"allocation {m.allocation_id}, which had moved it, was cancelled" in after["note"]
    assert after["history"][-1]["action"] == "restored" and after["history"][-1]["current"]
    listed = {r["id"]: r for r in paths.list_allocations(db)}[freight.allocation_id]
    assert listed["status"] == "confirmed" and listed["departure_s"] == pytest.approx(before["departure_s"])
    assert find_conflicts(paths.day_as_it_will_be(db, None, sday)) == []


def test_a_train_whose_old_blocks_were_allocated_since_stays_moved_and_the_answer_names_the_allocation(db, sday):
    m = paths.allocate(request(sday, 6.05, "military"), db, day=sday)
    f06 = next(h for h in m.result.hindrance if h.train_id == "F06")
    # a freight towards s0 is allocated into blocks F06 held before the military step moved it
    taker = paths.allocate(request(sday, 5.75, "freight", "s3", "s0"), db, day=sday)
    assert not taker.result.hindrance
    given = paths.set_status(db, m.allocation_id, "cancelled", day=sday)
    assert [(g.train_id, g.restored) for g in given] == [("F06", False)]
    assert f"allocation {taker.allocation_id}" in given[0].in_the_way
    assert f"allocation {taker.allocation_id}" in given[0].reason
    assert given[0].departure_s == pytest.approx(f06.new_departure_s)  # where the military step put it
    assert find_conflicts(paths.day_as_it_will_be(db, None, sday)) == []


def test_a_train_moved_again_since_stays_where_the_later_allocation_put_it(db, sday):
    m1 = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    m2 = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    assert "F06" in [h.train_id for h in m2.result.hindrance]
    given = {g.train_id: g for g in paths.set_status(db, m1.allocation_id, "cancelled", day=sday)}
    assert not given["F06"].restored and given["F06"].in_the_way == (f"allocation {m2.allocation_id}",)
    assert find_conflicts(paths.day_as_it_will_be(db, None, sday)) == []


def test_path_cancel_says_what_went_back_in_a_table_and_in_json(db, sday, monkeypatch):
    from railcap.cli import app

    monkeypatch.setattr(paths, "reference_day", lambda: sday)
    m = paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    runner = CliRunner()
    r = runner.invoke(app, ["path", "cancel", str(m.allocation_id), "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["status"] == "cancelled"
    assert [(t["train_id"], t["restored"]) for t in doc["moved_trains"]] == [("F06", True)]
    m2 = paths.allocate(request(sday, 6.05, "military"), db, day=sday)
    taker = paths.allocate(request(sday, 5.75, "freight", "s3", "s0"), db, day=sday)
    r = runner.invoke(app, ["path", "cancel", str(m2.allocation_id), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "stays" in r.stdout and "F06" in r.stdout and "taken" in r.stdout  # (the reason column wraps)
    assert taker.allocation_id
