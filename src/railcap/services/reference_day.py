"""Rebuilding the reference weekday: its inputs read from the files, the day built, the file written."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from railcap.data.embedded import embedded_path, load_network
from railcap.data.patterns import read_foreign_services, read_page, read_station_slugs
from railcap.data.reference import TIMETABLE_FILE, load_flows
from railcap.data.rolling_stock import load_catalogue
from railcap.data.timetable_io import write_timetable
from railcap.model.infrastructure import OpKind
from railcap.model.service import EVENING_PAGE, WEEKDAY_DAY_PAGE, ServicePattern
from railcap.timetable.reference import BuildReport, build_reference_day
from railcap.timetable.stops import runs_to_border, stop_mapper


def reference_inputs(patterns_dir: Path):
    """What the reference weekday is built from: (network, catalogue, day patterns,
    evening patterns, stop mapper, freight flows) — the NS patterns plus the foreign
    services they lack."""
    net = load_network()
    slugs = read_station_slugs(patterns_dir)
    foreign = read_foreign_services()
    by_slug = stop_mapper(net, slugs)

    def stop_of(slug: str) -> str | None:  # a series may end at a border point
        return by_slug(slug) or (slug if slug in net.ops else None)

    borders = [(o.id, o.lat, o.lon) for o in net.ops.values() if o.kind == OpKind.BORDER]

    def page(n: int) -> list[ServicePattern]:
        return [runs_to_border(p, stop_of, slugs, borders) for p in read_page(patterns_dir, n)] + foreign.get(n, [])

    return net, load_catalogue(), page(WEEKDAY_DAY_PAGE), page(EVENING_PAGE), stop_of, load_flows()


def rebuild(patterns_dir: Path, out: Path | None = None, progress: Callable[[str], None] = lambda _: None
            ) -> tuple[Path, BuildReport]:
    """The reference weekday from the NS patterns plus the foreign services they lack."""
    net, catalogue, day, evening, stop_of, flows = reference_inputs(patterns_dir)
    tt, report = build_reference_day(net, catalogue, day, evening, stop_of, flows, progress)
    out = out or embedded_path(TIMETABLE_FILE)
    write_timetable(tt, out)
    return out, report
