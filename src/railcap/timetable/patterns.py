"""Passenger service patterns (the 2026 "treinseries"), read from the reference files.

A series has one or more route variants: ordered stops (station slugs) with
arrival and departure minutes relative to the first departure, a headway, and
the number of trips in each time window. Window 1 is Monday–Thursday before
20:00, window 4 every evening after 20:00; a weekday uses both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from railcap.model.errors import InputFileError, Problem

WEEKDAY_DAY_PAGE = 1  # "ma-do tot 20 uur"
EVENING_PAGE = 4  # "ma-zo na 20 uur"


@dataclass(frozen=True)
class PatternRoute:
    stops: tuple[str, ...]  # station slugs
    arrival_min: tuple[float, ...]
    departure_min: tuple[float, ...]


@dataclass(frozen=True)
class ServicePattern:
    series: str
    product: str
    international: bool
    routes: tuple[PatternRoute, ...]
    headway_min: float | None
    trips_per_day_both: int | None  # from the GTFS note when there is no regular headway
    window: int


def _trips_from_note(note: str) -> int | None:
    m = re.search(r"~(\d+)\s+ritten", note or "")
    return int(m.group(1)) if m else None


def read_page(folder: Path, page: int) -> list[ServicePattern]:
    """One window's series, with the minutes matched to the stops index by index."""
    s_path, m_path = folder / f"page{page}.series.json", folder / f"page{page}.minutes.json"
    try:
        series = json.loads(s_path.read_text("utf-8"))["series"]
        minutes = json.loads(m_path.read_text("utf-8"))["series"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputFileError(Problem(s_path.name, "series", f"unreadable: {exc}")) from None
    out = []
    for s in series:
        mins = minutes.get(s["id"])
        if mins is None:
            raise InputFileError(Problem(m_path.name, s["id"], "series has no minutes"))
        routes = []
        for j, (r, mr) in enumerate(zip(s["routes"], mins["routes"])):
            if not (len(r["stops"]) == len(mr["arr"]) == len(mr["dep"])):
                raise InputFileError(Problem(f"{m_path.name} series {s['id']} route {j}", "arr/dep",
                                             "not as many times as stops"))
            routes.append(PatternRoute(tuple(r["stops"]), tuple(mr["arr"]), tuple(mr["dep"])))
        out.append(ServicePattern(s["id"], s["product"], s.get("kind") == "internationaal", tuple(routes),
                                  mins.get("headwayMinutes"), _trips_from_note(s["frequency"].get("note", "")),
                                  page))
    return out


def read_station_slugs(folder: Path) -> dict[str, dict]:
    """Slug -> {code, name, lat, lon, country} from ``stations.json``."""
    doc = json.loads((folder / "stations.json").read_text("utf-8"))
    return {s["id"]: {"code": (s.get("code") or "").upper(), "name": s["name"],
                      "lat": s["geo"][0] if s.get("geo") else None, "lon": s["geo"][1] if s.get("geo") else None,
                      "country": s.get("country", "")} for s in doc["stations"]}
