"""Reading the passenger service patterns (the 2026 "treinseries") and the foreign services file.

A series has one or more route variants: ordered stops (station slugs) with
arrival and departure minutes relative to the first departure, a headway, and
the number of trips in each time window. Window 1 is Monday–Thursday before
20:00, window 4 every evening after 20:00; a weekday uses both.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pydantic

from railcap.data.jsonfile import FileFormat, validated
from railcap.model.errors import InputFileError, Problem
from railcap.model.service import PatternRoute, ServicePattern

IRREGULAR_CLASS = "overig"  # frequency class of a series that runs less than once an hour (peak or odd trips)
CLASS_HEADWAY_MIN = {"2x_per_uur": 30.0, "1x_per_uur": 60.0}  # a regular series whose minutes give no headway


def _trips_from_note(note: str) -> int | None:
    m = re.search(r"~(\d+)\s+ritten", note or "")
    return int(m.group(1)) if m else None


def read_page(folder: Path, page: int) -> list[ServicePattern]:
    """One window's series, with the minutes matched to the stops index by index.

    A series of the frequency class ``IRREGULAR_CLASS`` gets no headway even where
    the minutes file gives one: that gap is measured between its few trips (a
    peak-hour extra with 4 trips a day shows 30 min), and taking it for an
    all-day interval would plan 56 trips. Its trips come from the GTFS note.
    A regular series whose minutes give no headway (the Maaslijn's half-hourly
    stopping train, for one) takes the one its class names (``CLASS_HEADWAY_MIN``).
    """
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
        frequency = s["frequency"].get("class")
        headway = None if frequency == IRREGULAR_CLASS else \
            mins.get("headwayMinutes") or CLASS_HEADWAY_MIN.get(frequency)
        out.append(ServicePattern(s["id"], s["product"], s.get("kind") == "internationaal", tuple(routes),
                                  headway, _trips_from_note(s["frequency"].get("note", "")), page))
    return out


def read_station_slugs(folder: Path) -> dict[str, dict]:
    """Slug -> {code, name, lat, lon, country} from ``stations.json``."""
    doc = json.loads((folder / "stations.json").read_text("utf-8"))
    return {s["id"]: {"code": (s.get("code") or "").upper(), "name": s["name"],
                      "lat": s["geo"][0] if s.get("geo") else None, "lon": s["geo"][1] if s.get("geo") else None,
                      "country": s.get("country", "")} for s in doc["stations"]}


class _ForeignService(FileFormat):
    """One foreign operator's service: its stops with minutes after the first departure."""

    series: str
    product: str
    operator: str = ""
    stops: list[str] = pydantic.Field(min_length=2)
    arrival_min: list[float]
    departure_min: list[float]
    headway_min: float = pydantic.Field(gt=0, le=24 * 60)
    windows: list[Literal[1, 2, 3, 4]] = pydantic.Field(min_length=1)

    @pydantic.field_validator("arrival_min", "departure_min")
    @classmethod
    def _one_per_stop(cls, minutes: list[float], info: pydantic.ValidationInfo) -> list[float]:
        stops = info.data.get("stops")
        if stops is not None and len(minutes) != len(stops):
            raise ValueError(f"must be {len(stops)} numbers, one per stop")
        if any(b < a for a, b in zip(minutes, minutes[1:])):
            raise ValueError("must not decrease")
        return minutes


class _ForeignFile(FileFormat):
    about: str = ""
    source: str = ""
    services: list[dict[str, Any]]


def read_foreign_services(path: Path | None = None) -> dict[int, list[ServicePattern]]:
    """The foreign operators' services the NS patterns lack, per pattern window (``foreign_services.json``).

    Every field is checked; a bad file raises an error naming the service and field.
    """
    name = Path(path).name if path else "foreign_services.json"
    try:
        text = Path(path).read_text("utf-8") if path else \
            resources.files("railcap.data").joinpath("foreign_services.json").read_text("utf-8")
        doc = json.loads(text)
    except (OSError, ValueError) as exc:
        raise InputFileError(Problem(name, "services", f"unreadable: {exc}")) from None
    out: dict[int, list[ServicePattern]] = {}
    for k, raw in enumerate(validated(_ForeignFile, doc, name).services):
        s = validated(_ForeignService, raw, f"{name} service {raw.get('series', k)!r}")
        route = PatternRoute(tuple(s.stops), tuple(s.arrival_min), tuple(s.departure_min))
        for w in s.windows:
            out.setdefault(w, []).append(ServicePattern(s.series, s.product, True, (route,), s.headway_min, None, w))
    return out
