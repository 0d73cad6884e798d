"""Timetables from outside: a GTFS feed's rail trips of one day as a railcap timetable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from railcap.data.gtfs import read_gtfs_day
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

    >>> tt, problems = import_gtfs("feed.zip", net, "20260310")  # doctest: +SKIP
    >>> tt.runs[0].points[0]                                     # doctest: +SKIP
    PassingPoint(op_id='ut', arrival_s=25200.0, departure_s=25200.0, stops=True)
    """
    day = read_gtfs_day(path, network, service_date, max_stop_distance_m)
    runs, problems = runs_from_trips(day.trips, network)
    meta = {"source": "gtfs", "feed": Path(path).name, "service_date": day.service_date,
            "gtfs_rail_trips": str(day.rail_trips), "gtfs_trips_imported": str(len(runs))}
    meta.update({f"gtfs_stops_by_{k}": str(v) for k, v in day.stops_by.items()})
    return Timetable(tuple(sorted(runs, key=lambda r: r.id)), meta), problems
