"""Build the reference timetable of a full weekday (00:00–24:00) on the network.

Passenger trains come from the 2026 service patterns, freight trains from the
corridor volumes of the facts file. Every trip is routed on the network, its
running time comes from the physics engine (stretched to the planned minutes
where those are longer), and its blocking times from the occupancy engine.

Trips of one series share a template (the same route and times, shifted).
First the hourly pattern is solved (``timetable.periodic``): the phases of all
periodic templates and of one hourly path per freight flow at once. Then the
trips are inserted on a board of what is already granted (``board``: the
free-interval index of ``occupancy``, for a day that repeats): the pattern's
templates at their phases, fast trains first, then the templates the pattern
could not hold at the phase that hits least, then freight on its hourly path.
A trip may shift a little or wait longer at its stops; one that finds no free
slot is left out and reported. The result is conflict-free by construction,
also with the day repeated (its trains after 24:00 against its early trains a
day later), and the independent conflict detector checks it again.

The work is split by job: ``templates`` (a route and its timing, with blocking times),
``passenger`` (jobs from the service patterns), ``pattern`` (the hourly pattern laid
out), ``board`` (the day as a cycle), ``insertion`` (trips on the board), ``fitting`` (series the pattern cannot hold
whole), ``freight`` (freight jobs and waiting at stands).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Catalogue
from railcap.model.service import FreightFlow, ServicePattern
from railcap.model.timetable import Timetable, TrainRun
from railcap.timetable.board import DayBoard
from railcap.timetable.fitting import insert_parts
from railcap.timetable.freight import freight_jobs, insert_freight
from railcap.timetable.insertion import PASSENGER_SHIFT_S, best_phase, insert, insert_waiting
from railcap.timetable.passenger import DAY_WINDOW, EVENING_WINDOWS, passenger_jobs
from railcap.timetable.pattern import (
    early_hour_runs_day_pattern, evening_keeps_day, evening_runs_day_times, freight_path, lay_out_pattern,
    pattern_trains,
)
from railcap.timetable.periodic import LNS_STEP_TIME, PeriodicTrain
from railcap.timetable.templates import BuildReport, Job, Router, Template, product_rank, to_run


def build_reference_day(network: Network, catalogue: Catalogue,
                        day_patterns: list[ServicePattern], evening_patterns: list[ServicePattern],
                        stop_of: Callable[[str], str | None], flows: list[FreightFlow],
                        progress: Callable[[str], None] = lambda _: None,
                        pattern_time: float = LNS_STEP_TIME) -> tuple[Timetable, BuildReport]:
    """The whole weekday; see the module docstring for the method."""
    router, board, report = Router(network), DayBoard(), BuildReport()
    runs: list[TrainRun] = []
    cache: dict[str, Template | None] = {}
    day = passenger_jobs(catalogue, router, day_patterns, DAY_WINDOW, stop_of, report, cache)
    evening: list[Job] = []
    for w in EVENING_WINDOWS:
        evening += passenger_jobs(catalogue, router, evening_patterns, w, stop_of, report, cache)
    freight = freight_jobs(catalogue, router, flows, report, progress)
    freight_paths = [freight_path(t, deps) for t, deps in freight]
    as_day = evening_runs_day_times(day, evening)
    day_held = lay_out_pattern(day, freight_paths, pattern_time, report, "day", progress)
    fixed, preferred = evening_keeps_day(day, evening, day_held, as_day)
    evening_held = lay_out_pattern(evening, [], pattern_time, report, "evening", progress,
                                    fixed=fixed, preferred=preferred)
    early = early_hour_runs_day_pattern(day, evening, day_held)
    if "evening" in report.patterns:
        report.patterns["evening"].update(runs_day_times=len(as_day), day_minutes_fixed=len(fixed),
                                          day_minutes_preferred=len(preferred), early_hour_day_pattern=early)
    jobs = [(0 if j.template.key in day_held else 1 if j.template.key in evening_held else 2, j)
            for j in day + evening]  # day pattern, evening pattern, the others
    freight_phases = {t.key: day_held[t.key][1] for t in freight_paths if t.key in day_held}
    jobs.sort(key=lambda pj: (pj[0], product_rank(pj[1].template.product), pj[1].template.key,
                              pj[1].departures[0] if len(pj[1].departures) else 0))
    for stage, job in jobs:
        template = job.template
        progress(template.key)
        phase = 0.0 if stage < 2 else best_phase(board, template, job.departures, job.series_headway_s or 0.0)
        for d in job.departures:
            wanted = float(d + phase)
            rid = f"{template.key}/{int(wanted) // 60:04d}"
            report.wanted[template.train_class.value] = report.wanted.get(template.train_class.value, 0) + 1
            report.planned.append(to_run(template, rid, wanted))
            if job.parts:
                runs += insert_parts(board, job, rid, wanted, report, network)
                continue
            got = insert(board, template, rid, wanted, PASSENGER_SHIFT_S)
            extra = None
            if got is None:
                waited = insert_waiting(board, template, rid, wanted, PASSENGER_SHIFT_S)
                if waited is not None:
                    got, extra = waited
                    report.waited += 1
            if got is None:
                report.note_dropped(board, template, rid, wanted)
                continue
            report.shifted += int(got != wanted)
            runs.append(to_run(template, rid, got, extra=extra))
    runs += insert_freight(board, freight, freight_phases, report, network)
    for cls, _ in {(r.train_class.value, r.trip_id) for r in runs}:  # the parts of a trip count once
        report.placed[cls] = report.placed.get(cls, 0) + 1
    return Timetable(tuple(runs), {"day": "reference weekday"}), report


def day_pattern_trains(network: Network, catalogue: Catalogue, day_patterns: list[ServicePattern],
                       stop_of: Callable[[str], str | None], flows: list[FreightFlow]) -> list[PeriodicTrain]:
    """The periodic trains of the day's hourly pattern, as the builder makes them (for benchmarks)."""
    router, report = Router(network), BuildReport()
    day = passenger_jobs(catalogue, router, day_patterns, DAY_WINDOW, stop_of, report, {})
    freight = freight_jobs(catalogue, router, flows, report, lambda _: None)
    trains, _ = pattern_trains(day, [freight_path(t, deps) for t, deps in freight])
    return list(trains.values())


def dropped_by_template(run_ids: Sequence[str]) -> dict[str, int]:
    """Left-out trips counted by their template (series-route-direction or freight flow), most first."""
    c = Counter(rid.rsplit("/", 1)[0] for rid in run_ids)
    return dict(c.most_common())
