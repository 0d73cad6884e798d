"""A corridor's space–time data as JSON for the diagram page (computed by ``viz.spacetime``).

Train lines are lists of [km, seconds] vertices; a path being planned or an
allocation is drawn from its stored times at the points of its route; the civil
trains it displaced keep their old line (``moved``) and show their new blocking
times as boxes.
"""

from __future__ import annotations

from railcap.viz.spacetime import Corridor, blocking_boxes, parse_window, train_lines

MAX_WINDOW_S = 6 * 3600


def corridor_data(warm, ops: list[str], window: str | tuple[float, float], *, paths: list[dict] = (),
                  moved: set[str] = frozenset(), civil=None) -> dict:
    """Space–time data of the corridor through ``ops`` in ``window``.

    ``paths``: dicts with ``train_id``, ``label``, ``class`` and ``points`` (op, arrival_s, departure_s) —
    new or allocated paths (reserved ones come already renamed). ``civil``: an OccupationTable of displaced
    trains' new blocking times.
    """
    from railcap.model.errors import Problem, ValidationError

    win = parse_window(window)
    if win[1] - win[0] > MAX_WINDOW_S:
        raise ValidationError(Problem("corridor", "window", "at most 6 hours"))
    corridor, base_lines = _day_on_corridor(warm, tuple(ops), win)
    pos = dict(zip(corridor.op_ids, corridor.positions_m))
    lines = [{**line, "moved": line["train_id"] in moved} for line in base_lines]
    for p in paths:
        pts = []
        for op, arr, dep in p["points"]:
            if op in pos:
                for t in (arr, dep):
                    if t is not None and (not pts or pts[-1] != [round(pos[op] / 1000.0, 3), t]):
                        pts.append([round(pos[op] / 1000.0, 3), t])
        if pts:
            lines.append({"train_id": p["train_id"], "label": p.get("label", p["train_id"]), "class": p["class"],
                          "product": "", "moved": False, "new": True, "stretches": [pts]})
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
    """The corridor and the reference day's train lines on it: the same for every user, kept (64 at most)."""
    cache = warm.__dict__.setdefault("_corridors", {})
    key = (ops, win)
    if key not in cache:
        corridor = Corridor.between(warm.net, ops)
        lines = [{"train_id": line.train_id, "class": line.train_class.value, "product": line.product,
                  "stretches": [[[round(x / 1000.0, 3), t] for x, t, _ in s] for s in line.stretches]}
                 for line in train_lines(warm.net, corridor, warm.timetable, win)]
        if len(cache) >= 64:
            cache.pop(next(iter(cache)))
        cache[key] = (corridor, lines)
    return cache[key]


def path_points(path_doc: dict) -> list[tuple[str, float | None, float | None]]:
    """(op, arrival_s, departure_s) of a path as ``plan_to_dict`` writes it (origin: departure only)."""
    out = []
    for p in path_doc["points"]:
        arr, dep = p["arrival_s"], p["departure_s"]
        out.append((p["op"], arr if arr is not None else dep, dep if dep is not None else arr))
    return out

