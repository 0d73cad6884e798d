"""Any sequence of military and freight allocations, confirmations and cancellations keeps the store
conflict-free against the day as it will be (checked by the independent conflict detector), keeps one
current run per train, keeps every allocation's record true to its train, and the next unrelated
allocation still succeeds."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from railcap.model.errors import ValidationError
from railcap.occupancy import find_conflicts
from railcap.services import paths
from railcap.store import allocations as store
from tests.store.small_day import fresh_db, request, small_day

DAY = small_day()
TEMPLATE = Path(tempfile.mkdtemp(prefix="railcap-sm-")) / "empty.sqlite"
HOURS = st.sampled_from([5.5, 6.0, 6.25, 6.5, 7.0, 8.0])


class StoreMachine(RuleBasedStateMachine):
    allocated = Bundle("allocated")

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="railcap-sm-"))
        self.db = fresh_db(TEMPLATE, self.dir / "store.sqlite")

    def _allocate(self, kind, hour, reverse, propose):
        a, b = ("s3", "s0") if reverse else ("s0", "s3")
        try:
            done = paths.allocate(request(DAY, hour, kind, a, b), self.db, "proposed" if propose else "confirmed",
                                  day=DAY)
        except ValidationError as exc:  # no path at all is an answer; an overlap never is
            assert "path" in str(exc), exc
            return None
        return done.allocation_id

    @rule(target=allocated, hour=HOURS, reverse=st.booleans(), propose=st.booleans())
    def freight(self, hour, reverse, propose):
        return self._allocate("freight", hour, reverse, propose)

    @rule(target=allocated, hour=HOURS, reverse=st.booleans())
    def military(self, hour, reverse):
        return self._allocate("military", hour, reverse, False)

    @rule(allocation=allocated, confirm=st.booleans())
    def change(self, allocation, confirm):
        if allocation is None:
            return
        try:
            paths.set_status(self.db, allocation, "confirmed" if confirm else "cancelled", day=DAY)
        except ValidationError as exc:
            assert "already" in str(exc)

    @invariant()
    def conflict_free_with_one_truth_per_train(self):
        day = paths.day_as_it_will_be(self.db, None, DAY)
        assert find_conflicts(day) == []
        for row in paths.list_allocations(self.db):
            mine = day[day.train_id == row["train_id"]]
            if row["status"] == "cancelled":
                assert len(mine) == 0, row
            else:
                assert len(mine) > 0, row
                assert mine.start_s.min() <= row["departure_s"] + 1e-6 <= mine.end_s.max()
        engine = store.open_store(self.db, create=False)
        with engine.connect() as conn:
            ids = [r[0] for r in conn.execute(store.train_versions.select().with_only_columns(
                store.train_versions.c.train_id).where(store.train_versions.c.current.is_(True)))]
        engine.dispose()
        assert len(ids) == len(set(ids))

    def teardown(self):
        """The next unrelated allocation (a quiet evening hour) succeeds, on time."""
        done = paths.allocate(request(DAY, 21.0), self.db, day=DAY)
        assert done.result.paths[0].departure_s == 21.0 * 3600
        assert find_conflicts(paths.day_as_it_will_be(self.db, None, DAY)) == []


StoreMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=7, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
if not TEMPLATE.exists():
    store.open_store(TEMPLATE).dispose()
TestStoreStateMachine = StoreMachine.TestCase
