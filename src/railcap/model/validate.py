"""The rules a network must keep. One function, one list of problems, one place for each rule."""

from __future__ import annotations

from collections import Counter
from typing import Any

from railcap.model.errors import Problem

MIN_SPEED_KMH, MAX_SPEED_KMH = 5.0, 300.0
REQUIRED_SECTION_FIELDS = ("id", "from_op", "to_op", "length_m", "track_count", "speed_bands",
                           "electrification", "protection", "loading_gauge", "axle_load",
                           "max_train_length_m")
REQUIRED_OP_FIELDS = ("id", "name", "kind", "lat", "lon")


def network_problems(doc: dict[str, Any]) -> list[Problem]:
    """Every problem of a network in its native (JSON) form, one per broken rule.

    >>> network_problems({"operational_points": [], "sections": [{"id": "x"}]})[0].field
    'from_op'
    """
    problems: list[Problem] = []
    ops = doc.get("operational_points")
    secs = doc.get("sections")
    if not isinstance(ops, list):
        return [Problem("network", "operational_points", "missing or not a list")]
    if not isinstance(secs, list):
        return [Problem("network", "sections", "missing or not a list")]
    problems += _duplicates("operational point", [o.get("id") for o in ops])
    problems += _duplicates("section", [s.get("id") for s in secs])
    op_ids = {o.get("id") for o in ops}
    for o in ops:
        problems += _op_problems(o)
    for s in secs:
        problems += _section_problems(s, op_ids)
    return problems


def _duplicates(what: str, ids: list[Any]) -> list[Problem]:
    return [Problem(f"{what} '{i}'", "id", f"used {n} times; ids must be unique")
            for i, n in sorted(Counter(ids).items(), key=lambda kv: str(kv[0])) if n > 1]


def _op_problems(o: dict[str, Any]) -> list[Problem]:
    el = f"operational point '{o.get('id', '?')}'"
    out = [Problem(el, f, "required attribute missing") for f in REQUIRED_OP_FIELDS if o.get(f) in (None, "")]
    lat, lon = o.get("lat"), o.get("lon")
    if isinstance(lat, (int, float)) and not -90 <= lat <= 90:
        out.append(Problem(el, "lat", f"{lat} is not a latitude"))
    if isinstance(lon, (int, float)) and not -180 <= lon <= 180:
        out.append(Problem(el, "lon", f"{lon} is not a longitude"))
    for t in o.get("tracks", []):
        if not t.get("usable_length_m", 0) > 0:
            out.append(Problem(f"{el} track '{t.get('id')}'", "usable_length_m", "must be positive"))
    return out


def _section_problems(s: dict[str, Any], op_ids: set[Any]) -> list[Problem]:
    el = f"section '{s.get('id', '?')}'"
    out = [Problem(el, f, "required attribute missing") for f in REQUIRED_SECTION_FIELDS
           if s.get(f) in (None, "", [])]
    for end in ("from_op", "to_op"):
        ref = s.get(end)
        if ref not in (None, "") and ref not in op_ids:
            out.append(Problem(el, end, f"unknown operational point '{ref}'"))
    length = s.get("length_m")
    if isinstance(length, (int, float)) and length <= 0:
        out.append(Problem(el, "length_m", f"must be positive, got {length}"))
    if isinstance(s.get("track_count"), int) and s["track_count"] < 1:
        out.append(Problem(el, "track_count", "a section needs at least one track"))
    for b in s.get("speed_bands") or []:
        v = b.get("speed_kmh")
        if not isinstance(v, (int, float)) or not MIN_SPEED_KMH <= v <= MAX_SPEED_KMH:
            out.append(Problem(el, "speed_kmh",
                               f"{v} km/h at {b.get('start_m')} m is outside {MIN_SPEED_KMH:.0f}–{MAX_SPEED_KMH:.0f} km/h"))
    bounds = s.get("block_boundaries_m") or []
    if bounds and isinstance(length, (int, float)) and (
            abs(bounds[0]) > 1e-6 or abs(bounds[-1] - length) > 0.5
            or any(b2 <= b1 for b1, b2 in zip(bounds, bounds[1:]))):
        out.append(Problem(el, "block_boundaries_m", "must rise from 0 to the section length"))
    return out
