"""The reference weekday timetable shipped in the package, and the command that rebuilds it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

from pyproj import Geod

from railcap.data.embedded import embedded_path, load_network
from railcap.data.rolling_stock import load_catalogue
from railcap.data.timetable_io import read_timetable, write_timetable
from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable
from railcap.timetable.patterns import (
    EVENING_PAGE, WEEKDAY_DAY_PAGE, read_foreign_services, read_page, read_station_slugs,
)
from railcap.timetable.reference import BuildReport, FreightFlow, build_reference_day

TIMETABLE_FILE = "timetable_nl_weekday.json.gz"
STOP_RADIUS_M = 1500.0
_GEOD = Geod(ellps="WGS84")


@lru_cache(maxsize=1)
def load_reference_timetable() -> Timetable:
    """The embedded reference weekday (read once per process)."""
    return read_timetable(embedded_path(TIMETABLE_FILE))


def load_flows(path: Path | None = None) -> list[FreightFlow]:
    text = Path(path).read_text("utf-8") if path else \
        resources.files("railcap.data").joinpath("freight_reference.json").read_text("utf-8")
    return [FreightFlow(**f) for f in json.loads(text)["flows"]]


def stop_mapper(network: Network, slugs: dict[str, dict]) -> Callable[[str], str | None]:
    """Station slug -> operational point: by NS code, else the nearest passenger point within 1.5 km."""
    by_code = {o.code.upper(): o.id for o in network.ops.values() if o.code}
    candidates = [o for o in network.ops.values() if o.passenger_station or o.kind.value == "foreign"]
    cache: dict[str, str | None] = {}

    def stop_of(slug: str) -> str | None:
        if slug in cache:
            return cache[slug]
        info = slugs.get(slug)
        op = None
        if info:
            op = by_code.get(info["code"])
            if op is None and info["lat"] is not None:
                best = min(candidates, key=lambda o: _GEOD.inv(o.lon, o.lat, info["lon"], info["lat"])[2])
                if _GEOD.inv(best.lon, best.lat, info["lon"], info["lat"])[2] <= STOP_RADIUS_M:
                    op = best.id
        cache[slug] = op
        return op

    return stop_of


def reference_inputs(patterns_dir: Path):
    """What the reference weekday is built from: (network, catalogue, day patterns,
    evening patterns, stop mapper, freight flows) — the NS patterns plus the foreign
    services they lack."""
    net = load_network()
    slugs = read_station_slugs(patterns_dir)
    foreign = read_foreign_services()
    by_slug = stop_mapper(net, slugs)

    def stop_of(slug: str) -> str | None:  # a foreign service may end at a border point
        return by_slug(slug) or (slug if slug in net.ops else None)

    return (net, load_catalogue(),
            read_page(patterns_dir, WEEKDAY_DAY_PAGE) + foreign.get(WEEKDAY_DAY_PAGE, []),
            read_page(patterns_dir, EVENING_PAGE) + foreign.get(EVENING_PAGE, []),
            stop_of, load_flows())


def rebuild(patterns_dir: Path, out: Path | None = None, progress: Callable[[str], None] = lambda _: None
            ) -> tuple[Path, BuildReport]:
    """The reference weekday from the NS patterns plus the foreign services they lack."""
    net, catalogue, day, evening, stop_of, flows = reference_inputs(patterns_dir)
    tt, report = build_reference_day(net, catalogue, day, evening, stop_of, flows, progress)
    out = out or embedded_path(TIMETABLE_FILE)
    write_timetable(tt, out)
    return out, report
