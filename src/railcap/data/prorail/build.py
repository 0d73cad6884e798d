"""Build the Dutch network: registry + station list + curated overlay -> ``Network``."""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import LineString

from railcap.data.embedded import embedded_path
from railcap.data.native import write_network
from railcap.data.prorail.derive import PointSeed, RawPoint, RawSection, derive, to_speed_bands, to_structures
from railcap.data.prorail.overlay import RD_TO_WGS84, WGS84_TO_RD, load_overlay, overlay_seeds
from railcap.data.prorail.registry import read_registry
from railcap.model.errors import InputFileError, Problem
from railcap.model.infrastructure import (
    AxleLoadClass, Electrification, LoadingGauge, LoadingSite, Network, OperationalPoint, OpKind,
    OutOfGaugeRule, Section, SpeedBand, StationTrack, TrainProtection,
)

GEOMETRY_TOLERANCE_M = 15.0
AREA_TO_AREA_TRACKS = 2  # two areas joined directly (no line geocode between): at least double track ...
AREA_TO_AREA_MAX_TRACKS = 4  # ... or the parallel tracks counted across it, up to four  # simplification of section geometry for the embedded file


def read_stations(path: Path) -> list[PointSeed]:
    """The Rijden de Treinen station list (CC0): Dutch stations become seeds."""
    seeds = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=2):
            if r.get("country") != "NL":
                continue
            try:
                x, y = WGS84_TO_RD.transform(float(r["geo_lng"]), float(r["geo_lat"]))
            except (KeyError, ValueError):
                raise InputFileError(Problem(f"{Path(path).name} line {n}", "geo_lat/geo_lng",
                                             "missing or not a number")) from None
            seeds.append(PointSeed(r["name_long"], x, y, code=r["code"], passenger=True))
    return seeds


def build_network(registry_dir: Path, stations_csv: Path, overlay: dict[str, Any] | None = None,
                  name: str = "Netherlands") -> tuple[Network, list[str]]:
    """The whole network from a registry export; returns it with notes on what was left out."""
    overlay = overlay or load_overlay()
    reg = read_registry(Path(registry_dir))
    seeds = read_stations(stations_csv) + overlay_seeds(overlay)
    freight_lines = frozenset(line for rule in overlay.get("section_rules", [])
                              if rule["set"].get("freight_only") for line in rule["lines"])
    raw_points, raw_sections, notes = derive(reg, seeds, freight_lines)
    for p in raw_points.values():
        if p.kind == OpKind.BORDER and p.name in overlay.get("neighbours", {}):
            p.attrs.setdefault("neighbour_station", overlay["neighbours"][p.name])
    ops = {k: _op(p) for k, p in raw_points.items()}
    sections = _without_station_tracks(_sections(raw_sections, overlay), raw_points)
    _add_extras(overlay, ops, sections)
    sections = _corrected_tracks(overlay, ops, sections)
    total_registry = sum(b.length_m for b in reg.branches)
    meta = {"name": name, "source": reg.source, "registry_track_m": f"{total_registry:.0f}",
            "stations": Path(stations_csv).name}
    return Network.of(ops.values(), sections, meta), notes


def _op(p: RawPoint) -> OperationalPoint:
    lon, lat = RD_TO_WGS84.transform(p.x, p.y)
    src = ["ProRail registry: branches beside the line at the point (loops, platform tracks)"
           if p.attrs.get("tracks_beside_line") else
           "ProRail registry geocode area" if p.tracks else "railcap derivation from the registry"]
    if p.passenger:
        src.append("Rijden de Treinen station list (CC0)")
    if p.attrs.get("source"):
        src.append(f"overlay: {p.attrs['source']}")
    notes = tuple(x for x in [p.attrs.get("note")] if x)
    aliases = tuple(sorted({a for a in p.attrs.get("aliases", []) if a != p.name}
                           | set(p.attrs.get("overlay_aliases", []))))
    country = "DE" if "(D)" in p.name else "BE" if "(B)" in p.name else "NL"
    return OperationalPoint(
        id=p.key, name=p.name.replace(" (D)", "").replace(" (B)", ""), kind=p.kind,
        lat=float(lat), lon=float(lon), country=country if p.kind == OpKind.FOREIGN else "NL",
        code=p.code, tracks=tuple(p.tracks), neighbour_station=p.attrs.get("neighbour_station"),
        military_loading=bool(p.attrs.get("military_loading")), passenger_station=p.passenger,
        loading=loading_site(p.attrs["loading"], p.name) if "loading" in p.attrs else None,
        tracks_beside_line=bool(p.attrs.get("tracks_beside_line")),
        notes=notes, sources=tuple(src), aliases=aliases)


def _hhmm_s(text: str, where: str, field: str) -> float:
    """'06:00' -> 21600.0 (24:00 is the end of the day)."""
    try:
        h, m = (int(x) for x in str(text).split(":"))
        if not (0 <= h <= 24 and 0 <= m < 60 and h * 60 + m <= 1440):
            raise ValueError
    except ValueError:
        raise InputFileError(Problem(where, field, f"'{text}' is not a clock time HH:MM")) from None
    return float(h * 3600 + m * 60)


def loading_site(d: dict[str, Any], name: str) -> LoadingSite:
    """A loading site's capacity from the overlay's ``loading`` entry of a point."""
    where = f"overlay point '{name}' loading"
    return LoadingSite(
        tracks=int(d["tracks"]), track_length_m=float(d["track_length_m"]),
        trains_per_day=int(d["trains_per_day"]), load_time_s=float(d["load_time_min"]) * 60.0,
        opens_s=_hhmm_s(d["opens"], where, "opens"), closes_s=_hhmm_s(d["closes"], where, "closes"),
        source=str(d["source"]))


def _out_of_gauge_rules(line: str, overlay: dict[str, Any]) -> tuple[OutOfGaugeRule, ...]:
    """The restrictions for out-of-gauge loads the overlay names for this line."""
    return tuple(OutOfGaugeRule(int(r["from_class"]), str(r["condition"]), f"{r['reason']} ({r['source']})")
                 for r in overlay.get("out_of_gauge_rules", []) if line in r["lines"])


def _attributes(line: str, overlay: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    attrs = dict(overlay["defaults"])
    sources = list(attrs.pop("sources"))
    for rule in overlay.get("section_rules", []):
        if line in rule["lines"]:
            attrs.update(rule["set"])
            sources.append(rule["source"])
    return attrs, sources


def _blocks(length_m: float, block_length_m: float) -> tuple[float, ...]:
    n = max(1, math.ceil(length_m / block_length_m - 0.25))
    return tuple(round(length_m * i / n, 1) for i in range(n + 1))


def _geometry(coords: np.ndarray) -> tuple[tuple[float, float], ...]:
    if len(coords) < 2:
        return ()
    simple = LineString(coords).simplify(GEOMETRY_TOLERANCE_M)
    xs, ys = np.asarray(simple.coords).T
    lon, lat = RD_TO_WGS84.transform(xs, ys)
    return tuple((round(float(a), 5), round(float(b), 5)) for a, b in zip(lon, lat))


def merge_parallel(raw: list[RawSection]) -> list[RawSection]:
    """Parallel sections between the same two points (a line's tracks split over two
    geocodes) become one section with all their tracks; lengths must agree within 25 %."""
    groups: dict[tuple[str, str], list[RawSection]] = {}
    for r in raw:
        groups.setdefault((min(r.a, r.b), max(r.a, r.b)), []).append(r)
    out = []
    for group in groups.values():
        group.sort(key=lambda r: (-r.line_part_m, r.line))
        main, rest = group[0], group[1:]
        for r in rest:
            if r.line_part_m > 0 and main.line_part_m > 0 and abs(r.length_m - main.length_m) <= 0.25 * main.length_m:
                tracks = main.km_tracks + r.km_tracks
                main.track_length_m += r.track_length_m
                main.line_part_m = main.track_length_m / tracks
                main.cross_tracks = max(main.cross_tracks, r.cross_tracks)
            else:
                out.append(r)
        out.append(main)
    return out


def _sections(raw: list[RawSection], overlay: dict[str, Any]) -> list[Section]:
    out, seen = [], Counter()
    for r in sorted(merge_parallel(raw), key=lambda s: (s.a, s.b, s.line, s.length_m)):
        attrs, sources = _attributes(r.line, overlay)
        known = [v for _, _, v in r.bands]
        default = float(np.median(known)) if known else 80.0
        sid = f"{r.a}--{r.b}"
        seen[sid] += 1
        if seen[sid] > 1:
            sid = f"{sid}-{seen[sid]}"
        tracks = r.track_count if r.line_part_m > 0 else \
            max(AREA_TO_AREA_TRACKS, min(r.cross_tracks, AREA_TO_AREA_MAX_TRACKS))
        tracks = int(attrs.pop("tracks", tracks))
        out.append(Section(
            id=sid, from_op=r.a, to_op=r.b, length_m=round(r.length_m, 1), track_count=tracks,
            track_length_m=round(r.track_length_m, 1), speed_bands=to_speed_bands(r, default),
            block_boundaries_m=_blocks(round(r.length_m, 1), attrs["block_length_m"]),
            electrification=Electrification(attrs["electrification"]),
            protection=TrainProtection(attrs["protection"]), loading_gauge=LoadingGauge(attrs["loading_gauge"]),
            axle_load=AxleLoadClass(attrs["axle_load"]), max_train_length_m=float(attrs["max_train_length_m"]),
            dangerous_goods=bool(attrs["dangerous_goods"]),
            wide_load_blocks_adjacent=bool(attrs["wide_load_blocks_adjacent"]),
            freight_only=bool(attrs.get("freight_only", False)),
            passenger_only=bool(attrs.get("passenger_only", False)), structures=to_structures(r),
            out_of_gauge_rules=_out_of_gauge_rules(r.line, overlay), line_name=r.line, geometry=_geometry(r.coords),
            sources=tuple(["ProRail registry: track branches, topology, local speeds, structures"] + sources)))
    return out


def _without_station_tracks(sections: list[Section], points: dict[str, RawPoint]) -> list[Section]:
    """Move the length of the tracks found beside the line at a point (``count_station_tracks``)
    out of the track-km of the sections meeting there, so no branch is counted twice."""
    moved: dict[str, float] = {}
    for key, p in points.items():
        if p.attrs.get("tracks_beside_line"):
            at = [s.id for s in sections if key in (s.from_op, s.to_op)]
            for sid in at:
                moved[sid] = moved.get(sid, 0.0) + sum(t.usable_length_m for t in p.tracks) / len(at)
    return [replace(s, track_length_m=round(max(0.0, s.track_length_m - moved[s.id]), 1)) if s.id in moved else s
            for s in sections]


def _corrected_tracks(overlay: dict[str, Any], ops: dict[str, OperationalPoint],
                      sections: list[Section]) -> list[Section]:
    """Track counts the registry derivation gets wrong, set by the overlay (each with its source).

    ``section_tracks`` sets a section's track count; ``station_tracks`` gives a station
    on an open-line stretch (no geocode area, so no station tracks) its platform tracks.
    """
    fix = {sid: rule for rule in overlay.get("section_tracks", []) for sid in rule["sections"]}
    unknown = sorted(set(fix) - {s.id for s in sections})
    unknown += sorted(r["point"] for r in overlay.get("station_tracks", []) if r["point"] not in ops)
    if unknown:
        raise InputFileError(Problem("overlay", "section_tracks/station_tracks",
                                     "unknown section or point: " + ", ".join(unknown)))
    for rule in overlay.get("station_tracks", []):
        op = ops[rule["point"]]
        tracks = tuple(StationTrack(f"{op.id}/{k + 1}", float(rule["usable_length_m"]))
                       for k in range(int(rule["tracks"])))
        ops[op.id] = replace(op, tracks=tracks, sources=op.sources + (f"overlay: {rule['source']}",))
    return [replace(s, track_count=int(fix[s.id]["tracks"]),
                    sources=s.sources + (f"overlay: {fix[s.id]['source']}",)) if s.id in fix else s
            for s in sections]


def _add_extras(overlay: dict[str, Any], ops: dict[str, OperationalPoint], sections: list[Section]) -> None:
    """Points and sections beyond the registry's edge (two border crossings end outside it)."""
    for p in overlay.get("extra_points", []):
        ops[p["id"]] = OperationalPoint(
            id=p["id"], name=p["name"], kind=OpKind(p["kind"]), lat=p["lat"], lon=p["lon"],
            country=p.get("country", "NL"), neighbour_station=p.get("neighbour_station"),
            sources=(f"overlay: {p['source']}",))
    defaults = overlay["defaults"]
    for e in overlay.get("extra_sections", []):
        a, b = ops[e["from"]], ops[e["to"]]
        (x1, x2), (y1, y2) = WGS84_TO_RD.transform([a.lon, b.lon], [a.lat, b.lat])
        length = round(math.hypot(x2 - x1, y2 - y1) * 1.1, 1)
        attrs = {**defaults, **e}
        sections.append(Section(
            id=f"{a.id}--{b.id}", from_op=a.id, to_op=b.id, length_m=length, track_count=e["tracks"],
            track_length_m=0.0,  # outside the registry: not counted as registry track
            speed_bands=(SpeedBand(0.0, length, e["speed_kmh"] / 3.6),),
            block_boundaries_m=_blocks(length, defaults["block_length_m"]),
            electrification=Electrification(attrs["electrification"]),
            protection=TrainProtection(attrs["protection"]), loading_gauge=LoadingGauge(attrs["loading_gauge"]),
            axle_load=AxleLoadClass(attrs["axle_load"]), max_train_length_m=float(attrs["max_train_length_m"]),
            freight_only=bool(attrs.get("freight_only", False)),
            passenger_only=bool(attrs.get("passenger_only", False)),
            line_name=f"{a.name} - {b.name}", geometry=((a.lon, a.lat), (b.lon, b.lat)),
            sources=(f"overlay: {e['source']}",)))


def rebuild(registry_dir: Path, stations_csv: Path, out: Path | None = None) -> tuple[Path, list[str]]:
    """Derive the network from a registry export and write it (deterministically; default: the shipped file)."""
    net, notes = build_network(registry_dir, stations_csv)
    out = out or embedded_path()
    write_network(net, out)
    return out, notes
