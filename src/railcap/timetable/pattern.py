"""The hourly pattern laid out: which templates it holds at which phase, the evening
pattern keeping the day's minutes past the hour, the early hour running the day's pattern."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Sequence

import numpy as np

from railcap.model.service import EVENING_PAGE, WEEKDAY_DAY_PAGE
from railcap.model.timetable import TrainClass
from railcap.timetable.periodic import PERIOD_S, PeriodicTrain, periodic_departures, solve_pattern
from railcap.timetable.fitting import hold_parts, hold_waiting
from railcap.timetable.passenger import DAY_WINDOW, EARLY_WINDOW
from railcap.timetable.templates import BuildReport, Job, Template, on_other_lane, product_rank

EVENING_SAME_RUN_S = 120.0  # an evening template this close to its day twin runs the day's times
FAST_TRAIN_WEIGHT = 2  # in the hourly pattern, an Intercity (or faster) train counts this many times


def lay_out_pattern(jobs: list[Job], extra: list[PeriodicTrain], deterministic_time: float,
                     report: BuildReport, name: str, progress, fixed: dict[str, int] | None = None,
                     preferred: dict[str, int] | None = None) -> dict[str, tuple[str, int]]:
    """Solve the hourly pattern of ``jobs`` (and of the ``extra`` paths, such as freight)
    and move the jobs' departures onto its phases (in place).

    Returns, for every template (or path) the pattern holds, the pattern key it is held
    as (the template itself or an alternative) and its phase; the others keep their
    evenly spread departures and are fitted in afterwards.
    """
    trains, variants = pattern_trains(jobs, extra)
    if not trains:
        return {}
    result = solve_pattern(list(trains.values()), fixed=fixed, deterministic_time=deterministic_time,
                           progress=progress, preferred=preferred)
    held = {variants[k].key if k in variants else k: (k, phase) for k, phase in result.phases_s.items()}
    waiting = hold_waiting(jobs, trains, variants, held)
    in_parts, shortened = hold_parts(jobs, trains, variants, held)
    report.patterns[name] = {"trains": len({t.key for t in variants.values()}) + len(extra),
                             "held": len(held) - in_parts - shortened,  # whole runs; the parts below
                             "method": result.method, "worth": result.objective,
                             "greedy_start": result.start_objective,
                             "pairs": result.pairs, "freight_paths": len(extra),
                             "freight_paths_held": sum(1 for t in extra if t.key in held),
                             "on_other_lane": sum(1 for k, _ in held.values() if k in variants and "|lane" in k),
                             "waiting": waiting, "in_parts": in_parts, "shortened": shortened}
    for j in jobs:
        if j.template.key in held and not j.parts:
            key, phase = held[j.template.key]
            j.template = variants[key]
            j.departures = periodic_departures(j.departures, phase, trains[key].headway_s, j.headway_s)
    return held


def early_hour_runs_day_pattern(day: list[Job], evening: list[Job], day_held: dict[str, tuple[str, int]]) -> int:
    """Trips before 06:00 run as the day pattern's first trips where they can (in place).

    The data has no early-morning page, so 05:00–06:00 takes page 4's trips; laid out at
    the evening pattern's minutes, those still running after 06:00 meet the day pattern
    and many were left out. A template whose day twin the day pattern holds whole runs
    the day twin's times at its minutes past the hour instead (with the evening's
    headway), so the first hour leads into the day without a seam. Returns how many.
    """
    day_by_key = {j.template.key: j for j in day}
    moved = 0
    for j in evening:
        twin = day_by_key.get(_day_twin_key(j.template.key) or "")
        if j.window != EARLY_WINDOW or twin is None or twin.template.key not in day_held or twin.parts:
            continue
        _, phase = day_held[twin.template.key]
        slots = periodic_departures(np.array([EARLY_WINDOW[0], EARLY_WINDOW[1] - 1.0]), phase,
                                    twin.pattern_headway_s, j.headway_s)
        slots = slots[slots < EARLY_WINDOW[1]]
        if len(slots) < len(j.departures):
            continue  # the day runs it less often than the evening does
        j.template, j.parts = twin.template, ()
        j.departures = slots[:len(j.departures)]
        moved += 1
    return moved


def _day_twin_key(evening_key: str) -> str | None:
    """The day template of the same series, route and direction (``P…-w4`` -> ``P…-w1``)."""
    end = f"-w{EVENING_PAGE}"
    return evening_key[: -len(end)] + f"-w{WEEKDAY_DAY_PAGE}" if evening_key.endswith(end) else None


def evening_runs_day_times(day: list[Job], evening: list[Job]) -> set[str]:
    """Evening templates that stop where their day twin stops and take within
    ``EVENING_SAME_RUN_S`` as long run the day's times (in place); returns their keys.

    The patterns' minutes are medians per window, so the same train often differs by a
    minute between the day page and the evening page; the real timetable keeps its
    minutes past the hour across 20:00, and so, with this, can the reference day.
    """
    twins = {j.template.key: j.template for j in day}
    done: dict[str, Template] = {}
    for j in evening:
        e = j.template
        if e.key in done:  # the same template in the other evening window
            j.template = done[e.key]
            continue
        d = twins.get(_day_twin_key(e.key) or "")
        if d is None or d.legs != e.legs:
            continue
        same_stops = [p[0] for p in e.points if p[3]] == [p[0] for p in d.points if p[3]]
        if same_stops and abs(e.points[-1][1] - d.points[-1][1]) <= EVENING_SAME_RUN_S:
            done[e.key] = j.template = replace(d, key=e.key)
    return set(done)


def evening_keeps_day(day: list[Job], evening: list[Job], day_held: dict[str, tuple[str, int]],
                       runs_day_times: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Fixed and preferred evening phases: a series' route and direction keeps the day's
    minutes past the hour (and its lane), as Dutch evening patterns do; without that,
    trips at 20:00 and 06:00, where the two patterns meet, clash.

    Fixed where the evening template runs the day's times, the day holds that very run
    (not an alternative) and the evening headway repeats the day's slots (so the fixed
    trains cannot clash with each other); preferred otherwise.
    """
    day_by_key = {j.template.key: j for j in day}
    fixed, preferred = {}, {}
    for j in evening:
        twin = day_by_key.get(_day_twin_key(j.template.key) or "")
        if twin is None or twin.template.key not in day_held or twin.parts:
            continue
        pattern_key, phase = day_held[twin.template.key]
        key = j.template.key + pattern_key[len(twin.template.key):]  # the same lane alternative
        h_day, h_eve = twin.pattern_headway_s, j.pattern_headway_s
        same_run = j.template.key in runs_day_times and pattern_key == twin.template.key
        if same_run and h_day and h_eve and h_eve % h_day == 0:
            fixed[key] = phase
        else:
            preferred[key] = phase
    return fixed, preferred


def pattern_trains(jobs: list[Job], extra: Sequence[PeriodicTrain] = ()
                   ) -> tuple[dict[str, PeriodicTrain], dict[str, Template]]:
    """The periodic trains of the hourly pattern, and the template each pattern key stands for.

    Each periodic template comes with its run on the other lane of four-track sections
    as an alternative (at most one of them is held). Then the ``extra`` paths.
    """
    trips = Counter()
    for j in jobs:
        trips[j.template.key] += len(j.departures)
    trains: dict[str, PeriodicTrain] = {}
    variants: dict[str, Template] = {}
    for j in jobs:
        h = j.pattern_headway_s
        if h is None or j.template.key in trains:
            continue
        base = j.template
        other = on_other_lane(base)
        options = [(base.key, base)] + ([(f"{base.key}|lane{other.lane}", other)] if other else [])
        for key, t in options:
            variants[key] = t
            trains[key] = PeriodicTrain(key, h, t.resources, t.starts, t.ends, worth(t, trips[base.key]),
                                        alternative_to=base.key if key != base.key else "")
    trains.update({t.key: t for t in extra})
    return trains, variants


def worth(t: Template, trips: int) -> int:
    """What a template's trips are worth in the pattern: trains, weighted by their length,
    Intercity and faster ``FAST_TRAIN_WEIGHT`` times (the order in which the day is planned)."""
    km = sum(leg.section.length_m for leg in t.legs) / 1000.0
    fast = t.train_class == TrainClass.PASSENGER and product_rank(t.product) <= product_rank("Intercity")
    return max(1, round(trips * (10 + km) * (FAST_TRAIN_WEIGHT if fast else 1)))


def freight_path(t: Template, departures: list[float]) -> PeriodicTrain:
    """An hourly freight path for a flow: its daytime trips are what it is worth."""
    day = sum(1 for d in departures if DAY_WINDOW[0] <= d < DAY_WINDOW[1])
    return PeriodicTrain(t.key, PERIOD_S, t.resources, t.starts, t.ends, worth(t, max(day, 1)))
