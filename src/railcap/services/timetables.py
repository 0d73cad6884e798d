"""Timetables from outside: a GTFS feed's rail trips of one day as a railcap timetable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from railcap.data.gtfs import read_gtfs_day
from railcap.data.blocking import write_blocking
from railcap.data.reference import load_corridors
from railcap.data.timetable_io import read_timetable, write_timetable
from railcap.model.occupation import OccupationTable
from railcap.model.service import Corridor
from railcap.model.errors import Problem
from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable
from railcap.timetable.from_gtfs import runs_from_trips


def import_gtfs(path: str | Path, network: Network, service_date: str | dt.date | None = None,
                max_stop_distance_m: float = 500.0) -> tuple[Timetable, list[Problem]]:
    """The rail trips of ``service_date`` in the feed at ``path`` as a timetable on ``network``.

    Without a date, the busiest of the feed's first seven days is taken. Returns
    the timetable and one problem per trip that could not be built (unmapped
    stop, no route, bad times). Raises ``InputFileError`` for a malformed feed
    and ``ValidationError`` when no rail trip runs on the date.

    A feed that is not there (or lacks a required file) is named, never a traceback in the CLI:

    >>> from railcap.model.samples import corridor
    >>> import_gtfs("no-such-feed.zip", corridor(), "20260310")
    Traceback (most recent call last):
    ...
    railcap.model.errors.InputFileError: no-such-feed.zip: field '(file)': GTFS feed not found

    (tests/data/test_gtfs_import.py imports a feed it writes itself.)
    """
    day = read_gtfs_day(path, network, service_date, max_stop_distance_m)
    runs, problems = runs_from_trips(day.trips, network)
    meta = {"source": "gtfs", "feed": Path(path).name, "service_date": day.service_date,
            "gtfs_rail_trips": str(day.rail_trips), "gtfs_trips_imported": str(len(runs))}
    meta.update({f"gtfs_stops_by_{k}": str(v) for k, v in day.stops_by.items()})
    return Timetable(tuple(sorted(runs, key=lambda r: r.id)), meta), problems


def write(timetable: Timetable, path: Path) -> None:
    """Write ``timetable`` in railcap's timetable format (``.json`` or ``.json.gz``)."""
    write_timetable(timetable, path)


def read(path: Path) -> Timetable:
    """A timetable file in railcap's format, checked whole."""
    return read_timetable(path)


def write_blocking_times(path: Path, occupations: OccupationTable) -> Path:
    """Blocking times, one row per occupation (Parquet for ``.parquet``, else CSV)."""
    return write_blocking(path, occupations)


def corridors() -> tuple[list[Corridor], str]:
    """The facts file's corridors with their volumes, and the source it names."""
    return load_corridors()
