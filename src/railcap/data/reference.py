"""The reference weekday's files: the shipped day, the freight flows, the corridor volumes."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from railcap.data.embedded import embedded_path
from railcap.data.timetable_io import read_timetable
from railcap.model.service import Corridor, FreightFlow
from railcap.model.timetable import Timetable

TIMETABLE_FILE = "timetable_nl_weekday.json.gz"


@lru_cache(maxsize=1)
def load_reference_timetable() -> Timetable:
    """The embedded reference weekday (read once per process)."""
    return read_timetable(embedded_path(TIMETABLE_FILE))


def load_flows(path: Path | None = None) -> list[FreightFlow]:
    text = Path(path).read_text("utf-8") if path else \
        resources.files("railcap.data").joinpath("freight_reference.json").read_text("utf-8")
    return [FreightFlow(**f) for f in json.loads(text)["flows"]]


def load_corridors(path: Path | None = None) -> tuple[list[Corridor], str]:
    """The corridors and the source named in the data file (default: the shipped one)."""
    text = Path(path).read_text("utf-8") if path else \
        resources.files("railcap.data").joinpath("corridor_volumes.json").read_text("utf-8")
    doc = json.loads(text)
    out = [Corridor(c["name"], c["class"], tuple(tuple(p) for p in c["between"]), float(c["low"]),
                    float(c["high"]), c.get("fact", ""), bool(c.get("per_day", False)), c.get("known_gap", ""),
                    float(c.get("uncertainty", 0.0)))
           for c in doc["corridors"]]
    return out, doc["source"]
