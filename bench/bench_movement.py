"""Benchmark: planning a whole movement (30 trains from 't Harde and Steenwijk over three days).

Timed: ``services.movements.plan_file`` on ``examples/movement-43mb.yaml``
(loading the day from the cache, then every train with the path search and
``Planner.commit``). The baseline, measured in the same run, is the same
movement planned train by train the way it was done before the planner: a
fresh ``Planner`` for every train (the day's blocking times plus the trains
already planned, indices rebuilt), with the same loading slots.

Run: ``python -m bench movement`` or ``python bench/bench_movement.py``
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np

from railcap.movements import plan_movement
from railcap.occupancy import OccupationTable
from railcap.pathing import Planner
from railcap.services import movements as svc

ORDER = Path(__file__).resolve().parents[1] / "examples" / "movement-43mb.yaml"
TODAY = dt.date(2026, 12, 1)


def _fresh_every_train(dep):
    """planner_for_day that hands out a planner whose commit rebuilds it from scratch (the baseline)."""
    make = svc.day_planner()

    class Rebuilt(Planner):
        def commit(self, result):  # the baseline: the day rebuilt instead of updated in place
            path = result.paths[0]
            keep = ~np.isin(self.table.train_id, [h.train_id for h in result.hindrance])
            fresh = Planner(self.net, self._timetable, catalogue=self.catalogue, base=self.table[keep],
                            classes={**self.classes, path.train_id: result.request.priority.value},
                            extra=OccupationTable.concat([path.occupations(), result.civil_occupations]))
            self.__dict__.update(fresh.__dict__)

    def day(d, carry, classes, removed):
        p = make(d, carry, classes, removed)
        p.__class__ = Rebuilt
        return p
    return day


def main(argv: list[str] | None = None) -> None:
    t = time.perf_counter()
    plan = svc.plan_file(ORDER, TODAY)
    fast = time.perf_counter() - t
    dep = plan.deployment
    t = time.perf_counter()
    base = plan_movement(dep, _fresh_every_train(dep))
    slow = time.perf_counter() - t
    print(f"movement: {len(plan.planned)} of {len(dep.trains)} trains planned in {fast:.1f} s "
          f"(Planner.commit); baseline, a fresh planner per train: {len(base.planned)} in {slow:.1f} s "
          f"({slow / fast:.2f}x); target < 60 s")


if __name__ == "__main__":
    main()
