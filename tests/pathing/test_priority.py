"""Military priority on a small single-track line: reserve first, then freight, passenger only with leave."""

from __future__ import annotations

import pytest

from tests.pathing.checks import assert_valid
from tests.pathing.test_search_small import line
from railcap.data.rolling_stock import load_catalogue
from railcap.model.timetable import Timetable
from railcap.pathing import Planner, make_request

CAT = load_catalogue()


def timetable_with(net, train_class: str, consist: str) -> Timetable:
    """One train s0 → s2 leaving at 0, planned on the empty line."""
    empty = Planner(net, Timetable(()), catalogue=load_catalogue())
    req = make_request(net, origin="s0", destination="s2", consist=CAT.consist(consist), earliest_departure_s=0.0,
                       train_id="civil-1")
    return Timetable((empty.plan(req).paths[0].to_run(train_class, consist),))


def military(net, **kw):
    return make_request(net, origin="s0", destination="s2", consist=CAT.consist("military-ammunition"),
                        earliest_departure_s=0.0, priority="military", accept_delay_s=0.0, **kw)


@pytest.mark.parametrize("cls, consist, stage, action", [
    ("reserve", "intermodal-650", "reserve paths", "reserve used"),
    ("freight", "bulk-heavy", "freight displaced", "replanned"),
])
def test_reserve_and_freight_make_room(cls, consist, stage, action):
    net = line(3, 1)
    planner = Planner(net, timetable_with(net, cls, consist), catalogue=load_catalogue())
    result = planner.plan(military(net))
    assert result.found and result.stage == stage
    assert result.paths[0].departure_s == 0.0
    assert [h.action for h in result.hindrance] == [action]
    if action == "replanned":
        assert result.hindrance[0].delay_s > 0
        assert_valid(planner, result)


def test_passenger_trains_move_only_within_tolerance_or_with_leave():
    net = line(3, 1)
    planner = Planner(net, timetable_with(net, "passenger", "sng-4"), catalogue=load_catalogue())
    strict = planner.plan(military(net))
    assert strict.stage == "free capacity" and strict.paths[0].departure_s > 0  # it waits behind the passenger train
    assert strict.hindrance == []
    bold = planner.plan(military(net, may_cancel_passenger=True))
    assert bold.paths[0].departure_s == 0.0
    assert [(h.train_class, h.action) for h in bold.hindrance] == [("passenger", "cancelled")]
    assert_valid(planner, bold)
