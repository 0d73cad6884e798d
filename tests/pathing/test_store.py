"""Allocations: stored, honoured by later requests, never overlapping, never half-written."""

from __future__ import annotations

import threading

import pytest

from railcap.data.rolling_stock import load_catalogue
from railcap.model.errors import ValidationError
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.pathing import Planner, make_request
from railcap.pathing import store as store_mod
from railcap.pathing.store import allocate, list_allocations, load_state, open_store, set_status

CAT = load_catalogue()


@pytest.fixture
def factory(day):
    net, tt, occ = day

    def make(state):
        return Planner(net, tt, base=occ, extra=state.extra, extra_classes=state.classes, removed=state.removed)
    return make


def request(net, hour=9.0):
    return make_request(net, origin="kijfhoek", destination="zevenaar-grens", consist=CAT.consist("intermodal-650"),
                        earliest_departure_s=hour * 3600, priority="freight")


def all_occupations(engine, factory) -> OccupationTable:
    with engine.connect() as conn:
        state = load_state(conn, None)
    planner = factory(state)
    return planner.table


def test_a_confirmed_allocation_holds_its_blocks_for_the_next_request(tmp_path, day, factory):
    engine = open_store(tmp_path / "a.sqlite")
    first_id, first = allocate(engine, factory, request(day[0]))
    second_id, second = allocate(engine, factory, request(day[0]))
    assert first_id != second_id
    assert second.paths[0].departure_s > first.paths[0].departure_s or \
        second.paths[0].arrival_s > first.paths[0].arrival_s
    assert find_conflicts(all_occupations(engine, factory)) == []
    rows = list_allocations(engine)
    assert [r["status"] for r in rows] == ["confirmed", "confirmed"]
    set_status(engine, first_id, "cancelled")
    third_id, third = allocate(engine, factory, request(day[0]))
    assert third.paths[0].departure_s == pytest.approx(first.paths[0].departure_s)  # its blocks are free again
    with pytest.raises(ValidationError):
        set_status(engine, first_id, "confirmed")


def test_two_requests_at_the_same_time_never_overlap(tmp_path, day, factory):
    engine = open_store(tmp_path / "b.sqlite")
    errors: list[Exception] = []

    def worker():
        try:
            allocate(open_store(tmp_path / "b.sqlite"), factory, request(day[0], 10.0))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(list_allocations(engine)) == 2
    assert find_conflicts(all_occupations(engine, factory)) == []


def test_an_interrupted_allocation_leaves_nothing_behind(tmp_path, day, factory, monkeypatch):
    engine = open_store(tmp_path / "c.sqlite")

    def broken(*args, **kwargs):
        raise RuntimeError("power cut while writing the occupations")

    monkeypatch.setattr(store_mod, "_insert_occupations", broken)
    with pytest.raises(RuntimeError):
        allocate(engine, factory, request(day[0]))
    assert list_allocations(engine) == []
    with engine.connect() as conn:
        assert len(load_state(conn, None).extra) == 0
