"""The reference weekday's files: the shipped day, the freight flows, the corridor volumes."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pydantic

from railcap.data.embedded import embedded_path
from railcap.data.jsonfile import validated
from railcap.data.timetable_io import RunIndex, read_timetable
from railcap.model.errors import InputFileError, Problem
from railcap.model.service import Corridor, FreightFlow
from railcap.model.timetable import Timetable

TIMETABLE_FILE = "timetable_nl_weekday.json.gz"


@lru_cache(maxsize=1)
def load_reference_timetable() -> Timetable:
    """The embedded reference weekday (read once per process)."""
    return read_timetable(embedded_path(TIMETABLE_FILE))


@lru_cache(maxsize=1)
def reference_runs() -> RunIndex:
    """The embedded reference weekday's runs by train id, each read when first asked for (a cold
    command that re-plans two freight trains reads two runs, not the whole day)."""
    return RunIndex(embedded_path(TIMETABLE_FILE))


class _Flow(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    origin: str
    destination: str
    trains_per_day: int | float = pydantic.Field(gt=0)  # both directions together
    consist: str
    source: str


class _FlowsFile(pydantic.BaseModel):  # freight_reference.json
    about: str = ""
    flows: list[_Flow]


class _Corridor(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    name: str
    train_class: str = pydantic.Field(alias="class")
    between: list[tuple[str, str]]
    low: float
    high: float
    fact: str = ""
    per_day: bool = False
    known_gap: str = ""
    uncertainty: float = 0.0


class _CorridorsFile(pydantic.BaseModel):  # corridor_volumes.json
    about: str = ""
    source: str
    corridors: list[_Corridor]


def _text(path: Path | None, shipped: str) -> tuple[str, str]:
    """(file name, text) of ``path``, or of the shipped file of that name."""
    if path:
        return Path(path).name, Path(path).read_text("utf-8")
    return shipped, resources.files("railcap.data").joinpath(shipped).read_text("utf-8")


def _document(path: Path | None, shipped: str):
    name, text = _text(path, shipped)
    try:
        return name, json.loads(text)
    except ValueError as exc:
        raise InputFileError(Problem(name, "(json)", f"not valid JSON: {exc}")) from None


def load_flows(path: Path | None = None) -> list[FreightFlow]:
    """The freight flows of the reference weekday, each with its source (default: the shipped file)."""
    name, doc = _document(path, "freight_reference.json")
    return [FreightFlow(f.origin, f.destination, f.trains_per_day, f.consist, f.source)
            for f in validated(_FlowsFile, doc, name).flows]


def load_corridors(path: Path | None = None) -> tuple[list[Corridor], str]:
    """The corridors and the source named in the data file (default: the shipped one)."""
    name, doc = _document(path, "corridor_volumes.json")
    checked = validated(_CorridorsFile, doc, name)
    out = [Corridor(c.name, c.train_class, tuple(c.between), c.low, c.high, c.fact, c.per_day, c.known_gap,
                    c.uncertainty) for c in checked.corridors]
    return out, checked.source
