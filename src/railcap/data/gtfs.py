"""Read a GTFS feed's rail trips of one day, their stops mapped to the network.

A GTFS feed knows stops, times and which trips run on which day; it does not
know the tracks. The import

1. reads the feed with gtfs-kit (a zip or a folder of ``.txt`` files),
2. keeps the rail routes (``route_type`` 2 and the extended types 100-117)
   and the trips that run on one service date,
3. maps every stop to an operational point: by the station code (the
   ``stop_code`` of the parent station, then of the stop, equal to
   ``OperationalPoint.code`` ignoring case; trusted only when the stop lies
   within twice ``max_stop_distance_m`` of that point), else the nearest point
   within ``max_stop_distance_m`` (the parent station's coordinates first),
4. gives each trip as a ``PlannedTrip``: its stops on the network with the feed's
   times, product, default consist and series.

Routing the trips over the network is the timetable engine's
(``timetable.from_gtfs``); ``services.timetables.import_gtfs`` does both.
Stops keep the feed's times; GTFS times may run past 24:00:00, and so do the
seconds of the train runs. Trips that cannot be read are not dropped silently:
each comes back as a ``Problem`` naming the trip, the field and the reason.

>>> from railcap.data.gtfs import parse_gtfs_time
>>> parse_gtfs_time("25:03:10")
90190
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np

from railcap.model.errors import InputFileError, Problem, ValidationError
from railcap.model.infrastructure import Network, OperationalPoint, OpKind, ground_distance_m, ground_distances_m
from railcap.model.timetable import PlannedTrip, TripStop

if TYPE_CHECKING:  # pandas comes with gtfs-kit; imported lazily to keep the CLI fast
    import pandas as pd

#: Rail in GTFS: the basic route type 2 and the extended "Railway Service" types.
RAIL_ROUTE_TYPES = frozenset({2, *range(100, 118)})

#: The columns the import reads, per file; other columns are ignored.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "routes": ("route_id", "route_type"),
    "trips": ("route_id", "service_id", "trip_id"),
    "stops": ("stop_id", "stop_lat", "stop_lon"),
    "stop_times": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
    "calendar": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                 "saturday", "sunday", "start_date", "end_date"),
    "calendar_dates": ("service_id", "date", "exception_type"),
}

#: Product (from the route's name or type) -> default consist id in the rolling-stock catalogue.
DEFAULT_CONSIST = {
    "ICD": "icng-8", "IC": "virm-6", "SPR": "sng-4", "ST": "flirt-3", "ICE": "ice-3m",
    "EST": "ice-3m", "NJ": "ic-berlin", "TRAIN": "virm-6",
}

#: Words in route_short_name / route_long_name / route_desc -> product, first match wins.
_PRODUCT_WORDS = (
    (r"intercity direct|\bicd\b", "ICD"),
    (r"\bice\b", "ICE"),
    (r"eurostar|thalys|\best\b", "EST"),
    (r"nightjet|\bnj\b", "NJ"),
    (r"intercity|\bic\b", "IC"),
    (r"sprinter|\bspr\b", "SPR"),
    (r"stoptrein|\bst\b|regional|\brb\b|\bre\b", "ST"),
)

#: Extended route types that say the product by themselves.
_PRODUCT_BY_TYPE = {101: "ICE", 102: "IC", 103: "IC", 105: "NJ", 106: "ST", 109: "SPR"}


def parse_gtfs_time(text: str) -> int:
    """Seconds after midnight of the service day for a GTFS ``H:MM:SS`` time (may exceed 24 h).

    >>> parse_gtfs_time("7:05:00"), parse_gtfs_time("24:30:00")
    (25500, 88200)
    """
    m = re.fullmatch(r"\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*", str(text))
    if not m:
        raise ValueError(f"'{text}' is not a time H:MM:SS")
    h, mi, s = (int(g) for g in m.groups())
    return h * 3600 + mi * 60 + s


def parse_service_date(value: str | dt.date) -> str:
    """A service date as GTFS writes it (``YYYYMMDD``), from ``YYYYMMDD``, ``YYYY-MM-DD`` or a date.

    >>> parse_service_date("2026-03-10"), parse_service_date(dt.date(2026, 3, 10))
    ('20260310', '20260310')
    """
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    text = str(value).strip().replace("-", "")
    try:
        return dt.datetime.strptime(text, "%Y%m%d").strftime("%Y%m%d")
    except ValueError:
        raise ValidationError(Problem("GTFS import", "service_date",
                                      f"'{value}' is not a date YYYYMMDD")) from None


# ----- reading the feed ------------------------------------------------------------------


def read_feed(path: str | Path):
    """The feed at ``path`` (zip or folder) as a gtfs-kit ``Feed``, with the files the import needs.

    Raises ``InputFileError`` naming the file and field when the path is missing,
    is not a feed, or lacks a required file or column.
    """
    import gtfs_kit as gk
    import pandas as pd

    path = Path(path)
    if not path.exists():  # checked here: gtfs-kit would try a missing path as a URL
        raise InputFileError(Problem(str(path), "(file)", "GTFS feed not found"))
    try:
        feed = gk.read_feed(path, dist_units="km")
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, pd.errors.ParserError) as exc:
        raise InputFileError(Problem(path.name, "(file)", f"not a GTFS feed: {exc}")) from None
    check_feed(feed)
    return feed


def check_feed(feed) -> None:
    """Every required file is present with its required columns; one problem per gap."""
    problems: list[Problem] = []
    for table in ("routes", "trips", "stops", "stop_times"):
        problems += _table_problems(feed, table, required=True)
    if getattr(feed, "calendar") is None and getattr(feed, "calendar_dates") is None:
        problems.append(Problem("calendar.txt", "(file)",
                                "missing (or empty), and so is calendar_dates.txt: "
                                "the feed says no day on which its trips run"))
    for table in ("calendar", "calendar_dates"):
        problems += _table_problems(feed, table, required=False)
    if problems:
        raise InputFileError(problems)


def _table_problems(feed, table: str, required: bool) -> list[Problem]:
    df = getattr(feed, table)
    if df is None:
        return [Problem(f"{table}.txt", "(file)", "missing or empty")] if required else []
    return [Problem(f"{table}.txt", col, "required column is missing")
            for col in REQUIRED_COLUMNS[table] if col not in df.columns]


# ----- selecting trips -------------------------------------------------------------------


def rail_trips(feed, service_date: str) -> "pd.DataFrame":
    """Trips of rail routes running on ``service_date``, joined with their route's columns."""
    import gtfs_kit as gk

    routes = feed.routes[feed.routes["route_type"].isin(RAIL_ROUTE_TYPES)]
    active = set(gk.get_active_services(feed, service_date))
    trips = feed.trips[feed.trips["service_id"].isin(active)]
    return trips.merge(routes, on="route_id", how="inner", suffixes=("", "_route"))


def busiest_rail_date(feed, candidates: int = 7) -> str:
    """The date among the feed's first ``candidates`` days with the most rail trips."""
    import gtfs_kit as gk

    dates = gk.get_dates(feed)[:candidates]
    if not dates:
        raise ValidationError(Problem("GTFS feed", "service_date",
                                      "the calendar files name no date; give a service date"))
    return max(dates, key=lambda d: (len(rail_trips(feed, d)), -int(d)))


# ----- mapping stops to operational points -----------------------------------------------


@dataclass(frozen=True, slots=True)
class StopMatch:
    """How one GTFS stop was mapped: to ``op_id`` by ``method`` ("code" or "distance")."""

    stop_id: str
    op_id: str
    method: str
    distance_m: float


class StopMapper:
    """Maps GTFS stops to operational points; remembers every answer and every failure.

    >>> from railcap.model.samples import corridor
    >>> import pandas as pd
    >>> stops = pd.DataFrame({"stop_id": ["s1"], "stop_lat": [51.8302], "stop_lon": [4.6]})
    >>> StopMapper(corridor(), stops).match("s1").op_id
    'y'
    """

    def __init__(self, network: Network, stops: "pd.DataFrame", max_distance_m: float = 500.0):
        self.network = network
        self.max_distance_m = float(max_distance_m)
        self._stops = {str(r["stop_id"]): r for r in stops.to_dict("records")}
        self._by_code = {o.code.lower(): o for o in network.ops.values() if o.code}
        ops = list(network.ops.values())
        self._ops = ops
        self._lat = np.array([o.lat for o in ops], dtype=float)
        self._lon = np.array([o.lon for o in ops], dtype=float)
        self._stopping = np.array([_can_stop(o) for o in ops], dtype=bool)
        self._cache: dict[str, StopMatch | str] = {}

    def match(self, stop_id: str) -> StopMatch | None:
        """The operational point of ``stop_id``, or None (then ``why(stop_id)`` says why)."""
        if stop_id not in self._cache:
            self._cache[stop_id] = self._match(stop_id)
        hit = self._cache[stop_id]
        return hit if isinstance(hit, StopMatch) else None

    def why(self, stop_id: str) -> str:
        hit = self._cache.get(stop_id)
        return hit if isinstance(hit, str) else ""

    def matches(self) -> list[StopMatch]:
        return [m for m in self._cache.values() if isinstance(m, StopMatch)]

    def _match(self, stop_id: str) -> StopMatch | str:
        stop = self._stops.get(stop_id)
        if stop is None:
            return "not in stops.txt"
        chain = [p for p in (self._parent(stop), stop) if p is not None]
        for s in chain:
            o = self._by_code.get(_text(s.get("stop_code")).lower())
            if o is not None and self._plausible(s, o):
                return StopMatch(stop_id, o.id, "code", 0.0)
        nearest: tuple[float, OperationalPoint] | None = None
        for s in chain:
            lat, lon = s.get("stop_lat"), s.get("stop_lon")
            if _missing(lat) or _missing(lon):
                continue
            d, o = self._nearest(float(lat), float(lon))
            if d <= self.max_distance_m:
                return StopMatch(stop_id, o.id, "distance", round(d, 1))
            nearest = min(nearest or (d, o), (d, o), key=lambda t: t[0])
        name = _text(stop.get("stop_name")) or stop_id
        if nearest is None:
            return f"({name}) has no coordinates and no known station code"
        return (f"({name}): no operational point with its code and none within "
                f"{self.max_distance_m:.0f} m (nearest {nearest[1].name} at {nearest[0]:.0f} m)")

    def _plausible(self, stop: dict, o: OperationalPoint) -> bool:
        """A code match is trusted unless the stop lies more than twice the radius away.

        This guards against a wrong code on either side (the stop or the point).
        """
        lat, lon = stop.get("stop_lat"), stop.get("stop_lon")
        if _missing(lat) or _missing(lon):
            return True
        d = ground_distance_m(float(lat), float(lon), o.lat, o.lon)
        return bool(d <= 2 * self.max_distance_m)

    def _parent(self, stop: dict) -> dict | None:
        parent = _text(stop.get("parent_station"))
        return self._stops.get(parent) if parent else None

    def _nearest(self, lat: float, lon: float) -> tuple[float, OperationalPoint]:
        """The nearest point where trains stop within the radius, else the nearest of all."""
        d = ground_distances_m(lat, lon, self._lat, self._lon)
        stopping = np.where(self._stopping, d, np.inf)
        k = int(np.argmin(stopping))
        if stopping[k] > self.max_distance_m:
            k = int(np.argmin(d))
        return float(d[k]), self._ops[k]


def _can_stop(o: OperationalPoint) -> bool:
    return o.passenger_station or o.kind == OpKind.STATION


def _missing(value: object) -> bool:
    try:
        return value is None or bool(value != value) or str(value) in ("", "<NA>")
    except (TypeError, ValueError):  # pandas NA compares to NA
        return True


def _text(value: object) -> str:
    return "" if _missing(value) else str(value).strip()


# ----- the trips ---------------------------------------------------------------


def product_of(route: dict) -> str:
    """The train product ("IC", "SPR", ...) from a GTFS route's names, else its type.

    >>> product_of({"route_short_name": "Sprinter", "route_type": 2})
    'SPR'
    >>> product_of({"route_short_name": "", "route_type": 101})
    'ICE'
    """
    words = " ".join(_text(route.get(k)) for k in ("route_short_name", "route_long_name",
                                                   "route_desc")).lower()
    for pattern, product in _PRODUCT_WORDS:
        if re.search(pattern, words):
            return product
    rtype = route.get("route_type")
    return _PRODUCT_BY_TYPE.get(int(rtype), "TRAIN") if not _missing(rtype) else "TRAIN"


def consist_of(product: str) -> str:
    """The default consist for a product: ``consist_of("IC") == "virm-6"`` (ids of the rolling-stock catalogue)."""
    return DEFAULT_CONSIST.get(product, "virm-6")


def _trip_stops(trip_id: str, rows: Iterable[dict], mapper: StopMapper
                ) -> tuple[list[TripStop], list[Problem]]:
    """The trip's stops in order, mapped; consecutive stops at one point merged."""
    el = f"GTFS trip '{trip_id}'"
    out: list[TripStop] = []
    problems: list[Problem] = []
    for r in rows:
        stop_id = str(r["stop_id"])
        hit = mapper.match(stop_id)
        if hit is None:
            problems.append(Problem(el, "stop_id", f"stop '{stop_id}' {mapper.why(stop_id)}"))
            continue
        try:
            arr, dep = _stop_times(r)
        except ValueError as exc:
            problems.append(Problem(el, "arrival_time", f"stop '{stop_id}': {exc}"))
            continue
        passes = (_text(r.get("pickup_type")) == "1" and _text(r.get("drop_off_type")) == "1"
                  and arr == dep)
        stop = TripStop(hit.op_id, arr, dep, not passes)
        if out and out[-1].op_id == stop.op_id:
            prev = out[-1]
            stop = TripStop(prev.op_id, _first(prev.arrival_s, arr), _first(dep, prev.departure_s),
                            prev.stops or stop.stops)
            out[-1] = stop
        else:
            out.append(stop)
    return out, problems


def _first(a: float | None, b: float | None) -> float | None:
    return a if a is not None else b


def _stop_times(row: dict) -> tuple[float | None, float | None]:
    arr_t, dep_t = _text(row.get("arrival_time")), _text(row.get("departure_time"))
    arr = float(parse_gtfs_time(arr_t)) if arr_t else None
    dep = float(parse_gtfs_time(dep_t)) if dep_t else None
    if arr is None:
        arr = dep
    if dep is None:
        dep = arr
    if arr is not None and dep is not None and dep < arr:
        raise ValueError(f"departure {dep_t} before arrival {arr_t}")
    return arr, dep


@dataclass
class GtfsDay:
    """The rail trips of one service date: each trip read (in the feed's order), or the
    problems that kept it from being read."""

    service_date: str
    rail_trips: int
    trips: list[PlannedTrip | list[Problem]]
    stops_by: dict[str, int]  # how many stops were mapped by code and by distance


def read_gtfs_day(path: str | Path, network: Network, service_date: str | dt.date | None = None,
                  max_stop_distance_m: float = 500.0) -> GtfsDay:
    """The rail trips of ``service_date`` in the feed at ``path``, their stops mapped to ``network``.

    Without a date, the busiest of the feed's first seven days is taken. Raises
    ``InputFileError`` for a malformed feed and ``ValidationError`` when no rail
    trip runs on the date.
    """
    feed = read_feed(path)
    date = parse_service_date(service_date) if service_date is not None else busiest_rail_date(feed)
    trips = rail_trips(feed, date)
    if trips.empty:
        raise ValidationError(Problem(f"GTFS feed '{Path(path).name}'", "service_date",
                                      f"no rail trip runs on {date}"))
    stop_times = feed.stop_times[feed.stop_times["trip_id"].isin(set(trips["trip_id"]))]
    stop_times = stop_times.sort_values(["trip_id", "stop_sequence"], kind="stable")
    mapper = StopMapper(network, feed.stops, max_stop_distance_m)
    records = stop_times.to_dict("records")  # sorted by trip: one conversion, then plain dicts
    by_trip = {str(k): list(g) for k, g in itertools.groupby(records, key=lambda r: r["trip_id"])}
    ids = _run_ids(trips)
    out: list[PlannedTrip | list[Problem]] = []
    for trip in trips.to_dict("records"):
        trip_id = str(trip["trip_id"])
        rows = by_trip.get(trip_id)
        if rows is None:
            out.append([Problem(f"GTFS trip '{trip_id}'", "stop_times", "has no stop times")])
            continue
        stops, bad = _trip_stops(trip_id, rows, mapper)
        out.append(bad or _planned_trip(ids[trip_id], trip_id, stops, trip))
    return GtfsDay(date, len(trips), out, summarise_matches(mapper.matches()))


def _planned_trip(run_id: str, trip_id: str, stops: list[TripStop], route: dict) -> PlannedTrip:
    product = product_of(route)
    number = _text(route.get("trip_short_name"))
    series = f"{int(number) // 100 * 100}" if number.isdigit() else ""
    return PlannedTrip(run_id, trip_id, tuple(stops), product, consist_of(product), series,
                       _text(route.get("agency_id")))


def _run_ids(trips: "pd.DataFrame") -> dict[str, str]:
    """Train numbers (``trip_short_name``) as run ids where they are unique, else the trip id."""
    names = {str(t): _text(s) for t, s in zip(trips["trip_id"],
                                              trips.get("trip_short_name",
                                                        [None] * len(trips)))}
    counts: dict[str, int] = {}
    for n in names.values():
        counts[n] = counts.get(n, 0) + 1
    return {t: (n if n and counts[n] == 1 else t) for t, n in names.items()}


def summarise_matches(matches: Iterable[StopMatch]) -> dict[str, int]:
    """How many stops were mapped by code and by distance."""
    out = {"code": 0, "distance": 0}
    for m in matches:
        out[m.method] += 1
    return out
