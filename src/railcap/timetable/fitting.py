"""Fitting the series the hourly pattern cannot hold whole: waits, cuts, shortening.

A planner whose pattern has no slot for a series does not simply drop it. In
order: the train waits a minute or two longer at one stop, or at several stops
where it stands clear (crossing others on a single-track line); else the series
is cut in two at such a stop, each part with its own phase; else it is shortened
to what fits (a head and a tail with the blocked piece between not run, one part,
or a piece between two cuts). Every variant's blocking times are computed again
exactly, and every trip is checked on the busy board like any other; the runs
say in their notes what was done.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from railcap.model.errors import ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import TRIP_PART_MARK, TrainRun
from railcap.timetable.board import DayBoard
from railcap.timetable.insertion import PASSENGER_SHIFT_S, insert
from railcap.timetable.periodic import GRID_S, PeriodicTrain, forbidden_offsets, free_phases, periodic_departures
from railcap.timetable.templates import BuildReport, Job, Template, on_lane, recomputed, to_run, with_extra_dwell

PATTERN_WAITS_S = (60.0, 120.0, 180.0)  # longer dwells a periodic train left out of the pattern may take at one stop
LOOP_WAIT_MAX_S = 300.0  # ... or at several stops where it stands clear, up to this at each ...
LOOP_WAITS_MAX_S = 600.0  # ... and this in all (crossing others on a single-track line)
MIN_PART_SHARE = 1 / 3  # a series shortened to one part keeps at least this share of its route ...
MIN_PART_M = 15_000.0  # ... and at least this length
MIN_PIECE_M = 5_000.0  # a series run in two parts with a gap between: each part at least this long


def hold_waiting(jobs: list[Job], trains: dict[str, PeriodicTrain], variants: dict[str, Template],
                 held: dict[str, tuple[str, int]]) -> int:
    """Fit trains the pattern left out by letting them wait longer at one stop (in place).

    A planner lets a train wait a minute or two where it stands off the line, so
    that another can pass or cross. Most valuable first, each left-out train tries
    ``PATTERN_WAITS_S`` at each of its stops, then waits at several of its stops
    where it stands clear (``_loop_waits_variant``); a variant whose blocking times
    (computed again exactly) clash with no held train is held at a free phase.
    Returns how many were held so.
    """
    on = [(trains[k], phase) for k, phase in held.values()]
    placed = 0
    left = sorted({j.template.key for j in jobs if j.template.key in trains and j.template.key not in held},
                  key=lambda key: (-trains[key].weight, key))
    for key in left:
        got = _waiting_variant(variants[key], trains[key], on) or _loop_waits_variant(variants[key], trains[key], on)
        if got is None:
            continue
        t, train, phase = got
        variants[train.key], trains[train.key] = t, train
        held[key] = (train.key, phase)
        on.append((train, phase))
        placed += 1
    return placed


def _waiting_variant(t: Template, train: PeriodicTrain, on: list[tuple[PeriodicTrain, int]]
                     ) -> tuple[Template, PeriodicTrain, int] | None:
    """The first (stop, wait) at which ``t`` fits among the held trains: its template, train and phase."""
    for i, after, spans in t.dwell_rows():
        for wait in PATTERN_WAITS_S:
            st, en = t.starts.copy(), t.ends.copy()
            st[after] += wait
            en[after | spans] += wait
            rough = replace(train, key=f"{t.key}|wait", starts=st, ends=en)
            if not free_phases(rough, on).size:
                continue  # the quick estimate (rows shifted) already clashes
            waited = with_extra_dwell(t, {i: wait})
            exact = replace(train, key=f"{t.key}|wait{i}+{wait:.0f}", resources=waited.resources,
                            starts=waited.starts, ends=waited.ends)
            free = free_phases(exact, on)
            if free.size:
                return waited, exact, int(free[0])
    return None


def _loop_waits_variant(t: Template, train: PeriodicTrain, on: list[tuple[PeriodicTrain, int]]
                        ) -> tuple[Template, PeriodicTrain, int] | None:
    """``t`` waiting at several of its stops where it stands clear, as a train crossing others on a
    single-track line does: its template, train and phase, or None.

    The run is split at those stops; each piece's free phases among the held trains are
    found, and from each free phase of the first piece the next pieces follow at their
    first free phase (the wait at the stop between), each wait at most ``LOOP_WAIT_MAX_S``,
    all at most ``LOOP_WAITS_MAX_S``. The least waiting wins, and the whole run with those
    dwells is checked exactly.
    """
    cuts = _cut_points(t)
    if not cuts:
        return None
    bounds = [0, *cuts, len(t.points) - 1]
    free = []
    for a, b in zip(bounds, bounds[1:]):
        got = _part_train(part_of(t, a, b), train, on)
        if got is None:
            return None
        free.append(got[1])
    best = None
    for first in free[0]:
        waits = _waits_after(t, bounds, free, int(first), train.headway_s)
        if waits is not None and (best is None or sum(waits.values()) < sum(best[1].values())):
            best = (int(first), waits)
    if best is None or not best[1]:
        return None
    waited = with_extra_dwell(t, best[1])
    exact = replace(train, key=f"{t.key}|waits{len(best[1])}", resources=waited.resources,
                    starts=waited.starts, ends=waited.ends)
    ok = free_phases(exact, on)
    if not ok.size:
        return None
    return waited, exact, best[0] if best[0] in ok else int(ok[0])


def _waits_after(t: Template, bounds: list[int], free: list[np.ndarray], phase: int, h: int
                 ) -> dict[int, float] | None:
    """The waits at the stops ``bounds[1:-1]`` if the first piece leaves at ``phase`` and each next
    piece at its first free phase after it may (point index -> s), or None beyond the limits."""
    waits: dict[int, float] = {}
    for k in range(1, len(free)):
        run = t.points[bounds[k]][2] - t.points[bounds[k - 1]][2]
        options = np.mod(free[k] - phase - run, h)
        j = int(np.argmin(options))
        if options[j] > LOOP_WAIT_MAX_S:
            return None
        if options[j] > 0:
            waits[bounds[k]] = float(options[j])
        phase = int(free[k][j])
    return waits if sum(waits.values()) <= LOOP_WAITS_MAX_S else None


def hold_parts(jobs: list[Job], trains: dict[str, PeriodicTrain], variants: dict[str, Template],
               held: dict[str, tuple[str, int]]) -> tuple[int, int]:
    """Run in parts the periodic templates the pattern still leaves out (in place).

    Where a whole run finds no phase, a planner cuts the series at a station where
    trains stand clear of the line: each part gets a phase of its own, the second
    leaving at the first free phase after the first has arrived (the train waits
    there, or passengers change). Where the parts do not both fit, the series is
    shortened: it skips the piece between them, or runs one part alone
    (``_parts_that_fit``), on either lane of four-track sections. Most valuable
    first; the trips then take the parts' phases. Returns how many templates run
    whole in two parts, and how many shortened.
    """
    on = [(trains[k], phase) for k, phase in held.values()]
    in_parts = shortened = 0
    left = {j.template.key: j.template for j in jobs if j.template.key in trains and j.template.key not in held}
    for key in sorted(left, key=lambda k: (-trains[k].weight, k)):
        lanes_ = [t for k, t in variants.items() if k == key or trains[k].alternative_to == key]
        tries = [got for t in lanes_ if (got := _parts_that_fit(t, trains[key], on)) is not None]
        if not tries:
            continue
        _, (trip_phase, parts, placed) = max(tries, key=lambda got: got[0])
        for j in jobs:
            if j.template.key == key:
                j.parts = tuple((part, offset) for part, offset, _, _ in parts)
                j.departures = periodic_departures(j.departures, trip_phase, trains[key].headway_s, j.headway_s)
        held[key] = (key, trip_phase)
        on += placed
        whole = _covers_route(tuple(part for part, *_ in parts))
        in_parts += whole
        shortened += not whole
    return in_parts, shortened


def _parts_that_fit(t: Template, train: PeriodicTrain, on: list[tuple[PeriodicTrain, int]]):
    """The best way to run ``t`` in parts among the held trains: (score, (trip phase, [(part,
    departure after the trip's, pattern train, phase)] in route order, the parts as held)), or None.

    The parts are a head (origin to a cut point) and a tail (a cut point to the destination):
    a head and tail that meet run the whole route (best: the shortest wait at the cut); else a
    head and a tail with a gap between, or one of them alone, shortening the series (best: the
    most kept, at least ``MIN_PART_SHARE`` of the route and ``MIN_PART_M``, each part at least
    ``MIN_PIECE_M``). A train that crosses the border is not shortened: abroad, its path
    is the neighbour's, fixed.
    """
    h, n = train.headway_s, len(t.points) - 1
    length = _route_m(t)
    may_shorten = not t.crosses_border  # else whole, in two parts that meet, or not at all
    heads, tails = {}, {}
    for i in _cut_points(t):
        for ends, side in (((0, i), heads), ((i, n), tails)):
            part = part_of(t, *ends)
            got = _part_train(part, train, on)
            if got is not None:
                side[i] = (part, *got)
    best, best_score = None, None

    def consider(score, parts):
        nonlocal best, best_score
        if best_score is None or score > best_score:
            best, best_score = parts, score

    for i, (head, head_train, head_free) in heads.items():
        for k, (tail, tail_train, tail_free) in tails.items():
            if k < i:
                continue
            pair = _both_parts((head_train, head_free), (tail_train, tail_free), t.points[k][2], h)
            if pair is None:
                continue
            kept = _route_m(head) + _route_m(tail)
            if k == i:
                consider((2, -pair[2]), [(0, head, head_train, pair[0]), (k, tail, tail_train, pair[1])])
            elif may_shorten and min(_route_m(head), _route_m(tail)) >= MIN_PIECE_M \
                    and _shortened_enough(kept, length):
                consider((1, kept), [(0, head, head_train, pair[0]), (k, tail, tail_train, pair[1])])
    if may_shorten:
        for i, (part, part_train, free) in [*((0, v) for v in heads.values()), *tails.items()]:
            if _shortened_enough(_route_m(part), length):
                consider((1, _route_m(part)), [(i, part, part_train, int(free[0]))])
    if may_shorten and (best_score is None or best_score[0] < 2):
        middle = _longest_middle(t, train, on, best_score[1] if best_score else 0.0)
        if middle is not None:
            consider((1, _route_m(middle[1])), [middle])
    if best is None:
        return None
    return best_score, _trip_offsets(t, best, h)


def _longest_middle(t: Template, train: PeriodicTrain, on: list[tuple[PeriodicTrain, int]], beat_m: float):
    """The longest piece between two cut points that fits alone and keeps more than ``beat_m``
    (a series shortened at both ends): (first point, part, pattern train, phase), or None."""
    cuts, km = _cut_points(t), np.cumsum([0.0] + [leg.section.length_m for leg in t.legs])
    length = float(km[-1])
    pieces = sorted(((float(km[k] - km[i]), i, k) for i in cuts for k in cuts if k > i), reverse=True)
    for kept, i, k in pieces:
        if kept <= beat_m or not _shortened_enough(kept, length):
            return None
        part = part_of(t, i, k)
        got = _part_train(part, train, on)
        if got is not None:
            pt, free = got
            return i, part, pt, int(free[0])
    return None


def _trip_offsets(t: Template, parts: list, h: int):
    """Each part's departure after the trip's: the first at its through time, each next one at the
    first of its phases after the previous part's departure plus the through time between them."""
    (first_at, _, _, first_phase), out = parts[0], []
    t0 = t.points[first_at][2]
    trip_phase = int((first_phase - t0) % h)
    offset, prev_at, prev_phase = t0, first_at, first_phase
    for at, part, part_train, phase in parts:
        if out:
            run = t.points[at][2] - t.points[prev_at][2]
            offset += run + (phase - prev_phase - run) % h
        out.append((part, float(offset), part_train, phase))
        prev_at, prev_phase = at, phase
    return trip_phase, out, [(part_train, phase) for _, _, part_train, phase in out]


def _route_m(t: Template) -> float:
    return sum(leg.section.length_m for leg in t.legs)


def _shortened_enough(kept_m: float, length_m: float) -> bool:
    """A shortened series still worth running: ``MIN_PART_SHARE`` of its route and ``MIN_PART_M``."""
    return kept_m >= MIN_PART_M and kept_m >= MIN_PART_SHARE * length_m


def _cut_points(t: Template) -> list[int]:
    """Where a series may be cut: its intermediate stops at which trains stand clear of the line."""
    return [i for i, (op, _, _, stops) in enumerate(t.points)
            if stops and 0 < i < len(t.points) - 1 and op in t.platforms]


def part_of(t: Template, first: int, last: int) -> Template | None:
    """The template's run from point ``first`` to point ``last`` alone, leaving at t = 0, its blocking
    times computed again (it starts and ends there); None where the physics cannot run it so."""
    t0 = t.points[first][2]
    points = [(op, a - t0, d - t0, st) for op, a, d, st in t.points[first:last + 1]]
    points[0] = (points[0][0], 0.0, 0.0, True)
    points[-1] = (points[-1][0], points[-1][1], points[-1][1], True)
    legs = t.legs[first:last]
    cut = replace(t, key=f"{t.key}{TRIP_PART_MARK}{t.points[first][0]}-{t.points[last][0]}", legs=legs,
                  laned=on_lane(legs, t.lane), points=points)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # a part that stalls is rejected below
            return recomputed(cut)
    except ValidationError:
        return None


def _part_train(part: Template | None, train: PeriodicTrain, on: list[tuple[PeriodicTrain, int]]):
    """The part as a pattern train and its free phases among the held trains, or None if it has none."""
    if part is None:
        return None
    pt = replace(train, key=part.key, resources=part.resources, starts=part.starts, ends=part.ends,
                 alternative_to="")
    free = free_phases(pt, on)
    return (pt, free) if free.size else None


def _both_parts(pa, pb, t0: float, h: int) -> tuple[int, int, float] | None:
    """Phases of the two parts that clash neither with the held trains nor with each other, the
    second part waiting as little as it can after its through time: (phase a, phase b, wait)."""
    (a, free_a), (b, free_b) = pa, pb
    fa, fb = free_a[:, None], free_b[None, :]
    wait = np.mod(fb - fa - t0, h).astype(float)
    clash = forbidden_offsets(a, b)
    if clash is not None:
        g, forbidden = clash
        wait[forbidden[np.mod(fb - fa, g) // GRID_S]] = np.inf
    k = int(np.argmin(wait))
    i, j = divmod(k, wait.shape[1])
    if not np.isfinite(wait[i, j]):
        return None
    return int(free_a[i]), int(free_b[j]), float(wait[i, j])


def insert_parts(board: DayBoard, job: Job, trip_id: str, departure_s: float, report: BuildReport,
                 network: Network) -> list[TrainRun]:
    """The runs of one trip of a series cut in parts (``hold_parts``), each part fitted on its own;
    they share the trip's id (``TrainRun.trip_id``). The second part of a cut train does not leave
    before the first has arrived. A trip none of whose parts fits is left out."""
    runs: list[TrainRun] = []
    for n, (part, offset) in enumerate(job.parts, 1):
        at = departure_s + offset
        after = runs[-1].arrival_s if runs and runs[-1].destination == part.points[0][0] else -math.inf
        part_id = f"{trip_id}{TRIP_PART_MARK}{n}"
        shifts = [dt for dt in PASSENGER_SHIFT_S if at + dt >= after]  # not before the first part arrives
        got = insert(board, part, part_id, at, shifts)
        if got is not None:
            runs.append(to_run(part, part_id, got, notes=(_part_note(job, n, network),)))
    if not runs:
        first_part, offset = job.parts[0]
        report.note_dropped(board, first_part, trip_id, departure_s + offset)
    return runs


def _covers_route(parts: tuple[Template, ...]) -> bool:
    """True when the parts run the whole route: two that meet at the cut."""
    return len(parts) == 2 and parts[0].points[-1][0] == parts[1].points[0][0]


def _part_note(job: Job, n: int, network: Network) -> str:
    """What a part's run says of itself: where the series was cut, or how it was shortened."""
    parts = tuple(part for part, _ in job.parts)
    name = {op: network.ops[op].name for part in parts for op in (part.points[0][0], part.points[-1][0])}
    series = job.template.series
    if len(parts) == 1:
        return f"{series} shortened to {name[parts[0].points[0][0]]} – {name[parts[0].points[-1][0]]}"
    if _covers_route(parts):
        return f"part {n} of 2 of {series}: cut at {name[parts[0].points[-1][0]]}"
    return (f"part {n} of 2 of {series}: not run between {name[parts[0].points[-1][0]]} "
            f"and {name[parts[1].points[0][0]]}")
