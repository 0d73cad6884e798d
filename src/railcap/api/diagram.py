"""A corridor's space–time data as JSON for the diagram page (computed by ``viz.spacetime``).

Train lines are lists of [km, seconds] vertices; a path being planned or an
allocation is drawn from its stored times at the points of its route; the civil
trains it displaced keep their old line (``moved``) and show their new blocking
times as boxes.

Every line says which day it belongs to (``day``): 0 for the day drawn, -1
for a train of the day before still running after its midnight
(``<train>@day-1``), +1 for one of the day after (``@day+1``) — the trains the
path search of the day meets from either side (``store.days``). Given the
store's snapshot, each neighbour day is drawn as it will be (its own
allocations; a military one as a reserved path, for every reader alike).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from railcap.api.redact import RESERVED, reserved_train_id
from railcap.pathing.caches import Bounded
from railcap.model.timetable import Timetable, TrainRun
from railcap.services.diagram import neighbour_runs
from railcap.store.days import own_id
from railcap.viz.spacetime import (Corridor, blocking_boxes, neighbour_day, parse_window, stretch_in_window,
                                    train_lines)

MAX_WINDOW_S = 6 * 3600


def corridor_data(warm, ops: list[str], window: str | tuple[float, float], *, paths: list[dict] = (),
                  moved: set[str] = frozenset(), civil=None, snapshot=None) -> dict:
    """Space–time data of the corridor through ``ops`` in ``window``.

    ``paths``: dicts with ``train_id``, ``label``, ``class`` and ``points`` (op, arrival_s, departure_s) —
    new or allocated paths (reserved ones come already renamed). ``civil``: an OccupationTable of displaced
    trains' new blocking times. ``snapshot`` (``store.state.Snapshot``): the days before and after as the
    store holds them; without it, the reference weekday is its own neighbour.
    """
    from railcap.model.errors import Problem, ValidationError

    win = parse_window(window)
    if win[1] - win[0] > MAX_WINDOW_S:
        raise ValidationError(Problem("corridor", "window", "at most 6 hours"))
    corridor, base_lines, neighbours = _day_on_corridor(warm, tuple(ops), win)
    if snapshot is not None:
        neighbours = _neighbours_as_they_will_be(warm, corridor, win, neighbours, snapshot)
    pos = dict(zip(corridor.op_ids, corridor.positions_m))
    lines = [{**line, "moved": line["train_id"] in moved} for line in base_lines] + neighbours
    for p in paths:
        pts = []
        for op, arr, dep in p["points"]:
            if op in pos:
                for t in (arr, dep):
                    if t is not None and (not pts or pts[-1] != [round(pos[op] / 1000.0, 3), t]):
                        pts.append([round(pos[op] / 1000.0, 3), t])
        if pts:
            lines.append({"train_id": p["train_id"], "label": p.get("label", p["train_id"]), "class": p["class"],
                          "product": "", "moved": False, "new": True, "day": 0, "stretches": [pts]})
    boxes = []
    if civil is not None and len(civil):
        for b in blocking_boxes(warm.net, corridor, civil, win):
            boxes.append({"train_id": b.train_id, "km": [round(b.x0_m / 1000.0, 3), round(b.x1_m / 1000.0, 3)],
                          "s": [b.start_s, b.end_s]})
    return {"window_s": list(win),
            "points": [{"op": o, "name": n, "km": round(x / 1000.0, 3), "junction": j}
                       for o, n, x, j in zip(corridor.op_ids, corridor.names, corridor.positions_m,
                                             corridor.is_junction)],
            "lines": lines, "boxes": boxes}


def _day_on_corridor(warm, ops: tuple[str, ...], win: tuple[float, float]):
    """The corridor, the reference day's train lines on it and those of the reference weekday before and after
    it in the window: the same for every user, kept (64 at most).

    Per list of points (64 at most) the corridor is kept, with the runs of the three days that use its
    sections (and when each runs) and each such run's whole line once drawn: a plan's diagram is its
    route's, which later plans ask for again in other windows. A window takes the runs that overlap it and
    the stretches of their lines in it, as ``viz.spacetime.train_lines`` does.
    """
    def in_window() -> tuple:
        runs = warm.__dict__.setdefault("_corridor_runs", Bounded(64))
        corridor, day, neighbours = runs.get(ops, lambda: _runs_on_corridor(warm, ops))
        return corridor, _in_window(warm, corridor, day, win), _in_window(warm, corridor, neighbours, win)

    return warm.__dict__.setdefault("_corridors", Bounded(64)).get((ops, win), in_window)


def _runs_on_corridor(warm, ops: tuple[str, ...]) -> tuple[Corridor, _RunsOn, _RunsOn]:
    corridor = Corridor.between(warm.net, ops)
    if "_neighbour_days" not in warm.__dict__:
        warm.__dict__["_neighbour_days"] = Timetable(neighbour_runs(warm.timetable))
    return (corridor, _runs_on(warm, "day", warm.timetable, corridor),
            _runs_on(warm, "neighbours", warm.__dict__["_neighbour_days"], corridor))


def _runs_on(warm, name: str, timetable: Timetable, corridor: Corridor) -> _RunsOn:
    """The runs of ``timetable`` that use a section of the corridor, in its order (the others draw nothing
    on it), with when each runs."""
    by_section = warm.__dict__.setdefault("_runs_by_section", {}).get(name)
    if by_section is None:
        by_section = warm.__dict__["_runs_by_section"][name] = {}
        for k, run in enumerate(timetable.runs):
            for g in run.legs:
                by_section.setdefault(g.section_id, set()).add(k)
    spans = warm.__dict__.setdefault("_run_spans", {}).setdefault(name, {})
    keep = sorted(set().union(*(by_section.get(g.section_id, ()) for g in corridor.legs)))
    for k in keep:
        if k not in spans:  # a run's first and last time (its points need not be in time order)
            times = [t for p in timetable.runs[k].points for t in (p.arrival_s, p.departure_s)]
            spans[k] = (min(times), max(times))
    first, last = (np.array([spans[k][e] for k in keep], dtype=float).reshape(-1) for e in (0, 1))
    return _RunsOn([timetable.runs[k] for k in keep], first, last, [None] * len(keep))


@dataclass
class _RunsOn:
    """The runs on a corridor in timetable order, when each runs, and each one's line once drawn."""

    runs: list[TrainRun]
    first_s: np.ndarray
    last_s: np.ndarray
    lines: list[dict | None]


def _in_window(warm, corridor: Corridor, on: _RunsOn, win: tuple[float, float]) -> list[dict]:
    """The lines of the runs that overlap the window (only they can have a stretch in it), with their stretches
    in it, in the runs' order."""
    out = []
    for k in np.flatnonzero((on.first_s <= win[1]) & (on.last_s >= win[0])).tolist():
        if on.lines[k] is None:
            drawn = _lines(warm, corridor, Timetable((on.runs[k],)), (-math.inf, math.inf))
            on.lines[k] = drawn[0] if drawn else {}
        kept = [s for s in on.lines[k].get("stretches", ()) if stretch_in_window(s, win)]
        if kept:
            out.append({**on.lines[k], "stretches": kept})
    return out


def _lines(warm, corridor: Corridor, timetable: Timetable, win: tuple[float, float]) -> list[dict]:
    return [{"train_id": line.train_id, "class": line.train_class.value, "product": line.product,
             "moved": False, "day": neighbour_day(line.train_id),
             "stretches": [[[round(x / 1000.0, 3), t] for x, t, _ in s] for s in line.stretches]}
            for line in train_lines(warm.net, corridor, timetable, win)]


def _neighbours_as_they_will_be(warm, corridor: Corridor, win: tuple[float, float], reference: list[dict],
                                snap) -> list[dict]:
    """The neighbour days' lines with the trains their allocations changed at their current runs."""
    states = {-1: snap.before, 1: snap.after}
    if not any(s.removed for s in states.values()):
        return reference
    kept = [line for line in reference if own_id(line["train_id"]) not in states[line["day"]].removed]
    changed = _lines(warm, corridor, Timetable(neighbour_runs(Timetable(()), snap.before, snap.after)), win)
    for line in changed:
        state, base = states[line["day"]], own_id(line["train_id"])
        if base in state.allocated and state.classes.get(base) == "military":  # the plan answer is everyone's
            line.update(train_id=reserved_train_id(state.allocated[base]) + line["train_id"][len(base):],
                        **{"class": RESERVED, "product": ""})
    return kept + changed


def path_points(path_doc: dict) -> list[tuple[str, float | None, float | None]]:
    """(op, arrival_s, departure_s) of a path as ``plan_to_dict`` writes it (origin: departure only)."""
    out = []
    for p in path_doc["points"]:
        arr, dep = p["arrival_s"], p["departure_s"]
        out.append((p["op"], arr if arr is not None else dep, dep if dep is not None else arr))
    return out

