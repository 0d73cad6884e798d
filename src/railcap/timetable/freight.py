"""Freight jobs: each flow's trains spread over the day, inserted after the passenger
trains on their hourly path, or handed to the path search to wait at stands."""

from __future__ import annotations

import math
from dataclasses import replace

from railcap.model.errors import Problem
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Catalogue
from railcap.model.timetable import PassingPoint, Timetable, TrainClass, TrainRun
from railcap.occupancy.runs import timetable_occupations
from railcap.pathing.request import make_request
from railcap.pathing.search import RouteSearch
from railcap.pathing.segments import SegmentCache
from railcap.physics.route import Route
from railcap.physics.running_time import Allowance
from railcap.timetable.board import DayBoard
from railcap.timetable.periodic import PERIOD_S
from railcap.timetable.insertion import DAY_S, FREIGHT_MAX_SHIFT_S, FREIGHT_SHIFTS_S, insert
from railcap.timetable.templates import BuildReport, Template, build_template, to_run

WAITING_TRIES = 6  # a freight train that must wait at stands: searches tried ...
WAITING_RETRY_S = 120.0  # ... each leaving this much later than the last path found


def freight_jobs(catalogue, router, flows, report, progress) -> list[tuple[Template, list[float]]]:
    """Each flow's template per direction and the departures its trains want (spread over the day)."""
    jobs = []
    for f in flows:
        consist = catalogue.consist(f.consist)
        per_dir = f.trains_per_day / 2.0
        for direction, (a, b) in enumerate(((f.origin, f.destination), (f.destination, f.origin))):
            n = int(math.floor(per_dir + (0.5 if direction == 0 else 0.0)))
            if n <= 0:
                continue
            legs = router.legs(a, b, False, consist)
            key = f"F-{a}-{b}"
            if legs is None:
                report.problems.append(Problem(f"freight flow {a} → {b}", "route",
                                               f"no route for {consist.id} ({consist.length_m:.0f} m)"))
                continue
            progress(key)
            t = build_template(key, TrainClass.FREIGHT, "freight", key, consist, legs, None, router.platforms)
            spacing = DAY_S / n
            offset = round(hash_unit(key) * spacing)
            jobs.append((t, [offset + k * spacing for k in range(n)]))
    return jobs


def insert_freight(board: DayBoard, jobs: list[tuple[Template, list[float]]], phases: dict[str, int],
                    report: BuildReport, network: Network | None = None) -> list[TrainRun]:
    """Freight trains after the passenger trains: on their flow's hourly path where the pattern
    holds one (the nearest free hour first), else at the first free shift within ±8 h; a train
    that finds no free run end to end may wait at stand points on the way (``_WaitingSearch``)."""
    runs = []
    waits = _WaitingSearch(board, network) if network is not None else None
    for t, departures in jobs:
        for k, d in enumerate(departures):
            report.wanted["freight"] = report.wanted.get("freight", 0) + 1
            rid = f"{t.key}/{k:03d}"
            report.planned.append(to_run(t, rid, d))
            got = insert(board, t, rid, d, _freight_shifts_for(d, phases.get(t.key)))
            if got is not None:
                report.shifted += int(got != d)
                runs.append(to_run(t, rid, got))
                continue
            waited = waits.run(t, rid, d) if waits is not None else None
            if waited is None:
                report.note_dropped(board, t, rid, d)
                continue
            report.waited += 1
            runs.append(waited)
    return runs


class _WaitingSearch:
    """The path search (``pathing``) for freight trains that must wait at stands to fit in.

    It searches the board's free-interval index of everything granted so far (the
    day once; the exact check folds the run by a day, see ``board``). A path it finds becomes a timetable run, whose blocking times are computed
    again by the one occupation function and checked exactly against the board before
    the run is granted, so the referee sees exactly what was checked.
    """

    def __init__(self, board: DayBoard, network: Network):
        self.board, self.net = board, network
        self._segments: dict[str, object] = {}

    def run(self, t: Template, rid: str, departure_s: float) -> TrainRun | None:
        route = Route(tuple(t.legs))
        segments = self._segments.setdefault(t.consist.id, SegmentCache(t.consist, Allowance()))
        earliest = max(0.0, departure_s - FREIGHT_MAX_SHIFT_S)
        for _ in range(WAITING_TRIES):
            req = make_request(self.net, origin=route.origin, destination=route.destination, consist=t.consist,
                               earliest_departure_s=earliest,
                               latest_arrival_s=departure_s + FREIGHT_MAX_SHIFT_S + t.points[-1][1], train_id=rid)
            path = RouteSearch(self.net, route, req, self.board.index, segments).run()
            if path is None:
                return None
            found = path.to_run("freight", t.consist.id)
            run = replace(found, product="freight", series=t.key, notes=("waits at stands to fit in",),
                          points=tuple(PassingPoint(q.op_id, round(q.arrival_s, 1), round(q.departure_s, 1), q.stops)
                                       for q in found.points))  # as the timetable file keeps them
            occ = timetable_occupations(Timetable((run,)), self.net, Catalogue({}, {t.consist.id: t.consist}))
            res = occ.resource_id.tolist()
            if self.board.run_is_free(res, occ.start_s, occ.end_s):
                self.board.add(occ)
                return run
            # the whole run, computed again, differs by seconds from the search's segments: try later
            earliest = path.departure_s + WAITING_RETRY_S
        return None


def _freight_shifts_for(departure_s: float, phase_s: int | None) -> list[float]:
    """Shifts to try: onto the flow's hourly path (nearest hour first), then every 2 min, within ±8 h."""
    shifts = list(FREIGHT_SHIFTS_S)
    if phase_s is None:
        return shifts
    to_slot = (phase_s - departure_s) % PERIOD_S
    hours = int(FREIGHT_MAX_SHIFT_S // PERIOD_S) + 1
    slots = [to_slot + h * PERIOD_S for h in range(-hours, hours)]
    slots = sorted((x for x in slots if abs(x) <= FREIGHT_MAX_SHIFT_S), key=abs)
    return slots + shifts


def hash_unit(text: str) -> float:
    """A stable number in [0, 1) from a text (Python's hash() changes per process)."""
    h = 0
    for ch in text.encode("utf-8"):
        h = (h * 131 + ch) % 1_000_003
    return h / 1_000_003
