"""The reference weekday repeats: its trains after 24:00 meet the next day's early trains,
which are its own early trains 24 h later. The builder's board folds runs by a day."""

import numpy as np

from railcap.model.clock import DAY_S
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.services.day_cache import day_blocking
from railcap.timetable.board import DayBoard

BLOCK = (["b"], np.array([0.0]), np.array([600.0]))  # one block, held 10 min from departure


def test_an_early_train_keeps_clear_of_the_night_train_granted_before_it():
    board = DayBoard()
    board.add_run("night", *BLOCK, shift_s=DAY_S - 300)  # 23:55-00:05
    assert not board.run_is_free(*BLOCK, shift_s=0.0)  # 00:00-00:10 meets it the next day
    assert board.run_first_hit(*BLOCK, shift_s=0.0) == (0, 300.0)  # free again at 00:05
    assert board.run_hits(*BLOCK, shift_s=0.0) == 1
    assert board.run_hit_resources(*BLOCK, shift_s=0.0) == ["b"]
    assert board.run_is_free(*BLOCK, shift_s=300.0)  # 00:05 on: free


def test_a_night_train_keeps_clear_of_the_early_train_granted_before_it():
    board = DayBoard()
    board.add_run("early", *BLOCK, shift_s=120.0)  # 00:02-00:12
    assert not board.run_is_free(*BLOCK, shift_s=DAY_S - 300)  # 23:55 runs into the next day's 00:02
    assert board.run_first_hit(*BLOCK, shift_s=DAY_S - 300) == (0, DAY_S + 720.0)
    assert board.run_is_free(*BLOCK, shift_s=DAY_S - 480)  # 23:52-00:02: touches it, no overlap
    assert board.run_is_free(*BLOCK, shift_s=DAY_S - 900)


def test_the_board_folds_only_what_can_reach_another_day():
    board = DayBoard()
    board.add_run("noon", *BLOCK, shift_s=12 * 3600.0)
    assert board.run_is_free(*BLOCK, shift_s=0.0) and board.run_is_free(*BLOCK, shift_s=DAY_S - 300)
    assert not board.run_is_free(*BLOCK, shift_s=12 * 3600.0 + 60)


def test_the_shipped_day_repeated_has_no_conflict_at_midnight():
    """Day D's trains against D + 1's (the same day shifted by 24 h): no block held twice."""
    day, _ = day_blocking()
    tail = day[day.end_s > DAY_S]
    assert len(tail) > 1000  # the day does run past midnight
    names = np.array([f"{t}@next" for t in day.train_id.tolist()], dtype=object)
    head = OccupationTable.from_columns(names, day.resource_id, day.start_s + DAY_S, day.end_s + DAY_S)
    head = head[head.start_s < tail.end_s.max()]
    across = [c for c in find_conflicts(OccupationTable.concat([tail, head]))
              if c.train_a.endswith("@next") != c.train_b.endswith("@next")]
    assert across == []
