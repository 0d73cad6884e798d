"""``railcap network …``: the infrastructure model."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from railcap.cli._common import check_output_path, console, plain, print_json, user_errors
from railcap.model.infrastructure import Network, OperationalPoint
from railcap.viz.tables import compact_table

app = typer.Typer(no_args_is_help=True, help="The network model: summary, one point, export, rebuild.")

DEFAULT_REGISTRY = Path("../shared/reference/prorail-infra-2021")
DEFAULT_STATIONS = Path("../shared/reference/nl-timetable-2026/stations-2023-09.csv")


def _load(path: Optional[Path]) -> Network:
    from railcap.services import embedded

    return embedded.network(path)


NetworkOption = typer.Option(None, "--network", help="A railcap network file instead of the embedded Dutch one.")


def summary(net: Network) -> dict[str, Any]:
    """The figures ``network info`` shows, as plain data."""
    by_el: Counter = Counter()
    for s in net.sections.values():
        by_el[s.electrification.value] += s.track_length_m / 1000.0
    borders = [{"id": o.id, "name": o.name, "neighbour_station": o.neighbour_station,
                "sections": [s.other_end(o.id) for s in net.sections_at(o.id)]}
               for o in sorted(net.ops.values(), key=lambda o: o.id) if o.kind.value == "border"]
    registry_km = float(net.meta.get("registry_track_m", 0)) / 1000.0
    return {
        "name": net.meta.get("name", ""),
        "operational_points": len(net.ops),
        "operational_points_by_kind": dict(sorted(Counter(o.kind.value for o in net.ops.values()).items())),
        "sections": len(net.sections),
        "route_km": round(sum(s.length_m for s in net.sections.values()) / 1000.0, 1),
        "track_km": round(net.track_length_m / 1000.0, 1),
        "registry_track_km": round(registry_km, 1),
        "line_track_km_by_electrification": {k: round(v, 1) for k, v in sorted(by_el.items())},
        "border_crossings": borders,
        "military_loading_points": sorted(o.id for o in net.ops.values() if o.military_loading),
    }


@app.command()
@user_errors
def info(as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
         network: Optional[Path] = NetworkOption) -> None:
    """Counts of points by kind, sections, track-km by electrification, border crossings."""
    s = summary(_load(network))
    if as_json:
        print_json(s)
        return
    console.print(f"[bold]{plain(s['name'])}[/]: {s['operational_points']} operational points, "
                  f"{s['sections']} sections, {s['route_km']} route-km, {s['track_km']} track-km"
                  + (f" (registry {s['registry_track_km']})" if s["registry_track_km"] else ""))
    t = Table("kind", "points", title="Operational points")
    for k, n in s["operational_points_by_kind"].items():
        t.add_row(k, str(n))
    e = Table("electrification", "line track-km", title="Line track by power supply")
    for k, v in s["line_track_km_by_electrification"].items():
        e.add_row(k, f"{v:,.1f}")
    b = Table("border point", "neighbour station", "connects to", title="Border crossings")
    for x in s["border_crossings"]:
        b.add_row(x["name"], x["neighbour_station"] or "", ", ".join(x["sections"]))
    console.print(t, e, b)


def point_detail(net: Network, op: OperationalPoint) -> dict[str, Any]:
    secs = []
    for s in sorted(net.sections_at(op.id), key=lambda s: s.id):
        secs.append({"id": s.id, "to": s.other_end(op.id), "length_km": round(s.length_m / 1000, 2),
                     "tracks": s.track_count, "max_speed_kmh": round(s.max_speed_ms * 3.6),
                     "electrification": s.electrification.value, "protection": s.protection.value,
                     "loading_gauge": s.loading_gauge.value, "axle_load": s.axle_load.value,
                     "max_train_length_m": s.max_train_length_m, "dangerous_goods": s.dangerous_goods,
                     "blocks": s.blocks, "line": s.line_name})
    tracks = sorted(op.tracks, key=lambda t: -t.usable_length_m)
    return {"id": op.id, "name": op.name, "kind": op.kind.value, "code": op.code, "country": op.country,
            "lat": op.lat, "lon": op.lon, "neighbour_station": op.neighbour_station,
            "military_loading": op.military_loading, "passenger_station": op.passenger_station,
            "tracks": len(tracks), "longest_track_m": op.longest_track_m,
            "tracks_for_740m": sum(t.usable_length_m >= 740 for t in tracks),
            "track_lengths_m": [t.usable_length_m for t in tracks], "sections": secs,
            "notes": list(op.notes), "sources": list(op.sources)}


SECTION_IDS_MIN_WIDTH = 150  # terminal columns; narrower, the neighbour's name stands for the section


def _sections_table(sections: list[dict], net) -> Table:
    """A point's sections, one row each: the figures never break; the neighbour's name wraps."""
    with_ids = console.width >= SECTION_IDS_MIN_WIDTH
    t = compact_table("Sections",
                      caption=None if with_ids else "section ids: --json, or a wider terminal")
    if with_ids:
        t.add_column("section", no_wrap=True)
    t.add_column("to", ratio=1, min_width=14, overflow="fold")
    for col in ("km", "tracks", "km/h"):
        t.add_column(col, justify="right", no_wrap=True)
    for col in ("power", "ATP", "gauge", "axle", "max m", "DG"):  # km/h: line speed; max m: train length
        t.add_column(col, no_wrap=True, justify="right" if col == "max m" else "left")
    twice = {s["to"] for s in sections if sum(x["to"] == s["to"] for x in sections) > 1}
    for s in sections:
        to = net.ops[s["to"]].name if s["to"] in net.ops else s["to"]
        if s["to"] in twice and not with_ids and s.get("line"):  # parallel sections: their lines tell them apart
            to += f" ({s['line']})"
        t.add_row(*([s["id"]] if with_ids else []), plain(to), f"{s['length_km']:.2f}", str(s["tracks"]),
                  str(s["max_speed_kmh"]), s["electrification"], s["protection"], s["loading_gauge"],
                  s["axle_load"], f"{s['max_train_length_m']:.0f}", "yes" if s["dangerous_goods"] else "no")
    return t


@app.command()
@user_errors
def show(op: str = typer.Argument(..., help="Id, code or name, e.g. Kijfhoek, ZV, zevenaar-grens."),
         as_json: bool = typer.Option(False, "--json"), network: Optional[Path] = NetworkOption) -> None:
    """One operational point: its tracks, sections and attributes."""
    net = _load(network)
    d = point_detail(net, net.find_op(op))
    if as_json:
        print_json(d)
        return
    console.print(f"[bold]{plain(d['name'])}[/] ({plain(d['id'])}{', ' + plain(d['code']) if d['code'] else ''}) — {d['kind']}, "
                  f"{d['country']}, {d['lat']:.4f} N {d['lon']:.4f} E")
    if d["neighbour_station"]:
        console.print(f"border crossing toward [bold]{plain(d['neighbour_station'])}[/]")
    if d["military_loading"]:
        console.print("[yellow]military loading site / port[/]")
    console.print(f"{d['tracks']} tracks, longest {d['longest_track_m']:.0f} m, "
                  f"{d['tracks_for_740m']} can hold a 740 m train")
    console.print(_sections_table(d["sections"], net))
    for n in d["notes"]:
        console.print(f"note: {plain(n)}")
    for src in d["sources"]:
        console.print(f"[dim]source: {plain(src)}[/]")


@app.command()
@user_errors
def export(geojson: Path = typer.Option(..., "--geojson", help="Write sections and points as GeoJSON."),
           network: Optional[Path] = NetworkOption,
           force: bool = typer.Option(False, "--force", help="Replace an existing file (never a database).")) -> None:
    """Sections and points with their attributes, for a map."""
    from railcap.services.network import export_geojson

    check_output_path(geojson, "geojson", force=force)
    written = export_geojson(_load(network), geojson)
    console.print(f"wrote {written.features} features to {plain(geojson)}")
    if written.shared:
        console.print(f"[yellow]warning[/]: {len(written.shared)} groups of distinct points share one coordinate "
                      f"(a GIS tool merges them): " + "; ".join(plain(" = ".join(g)) for g in written.shared[:3])
                      + (" …" if len(written.shared) > 3 else ""))


@app.command()
@user_errors
def rebuild(registry: Path = typer.Option(DEFAULT_REGISTRY, help="Folder with ProRail's registry export."),
            stations: Path = typer.Option(DEFAULT_STATIONS, help="The station list CSV."),
            out: Optional[Path] = typer.Option(None, help="Where to write (default: the embedded file)."),
            check: bool = typer.Option(False, help="Only compare with the shipped file; exit 1 if different.")) -> None:
    """Derive the network from the registry exports (byte-for-byte the shipped file)."""
    from railcap.services.network import rebuild as derive

    with console.status("deriving the network from the registry…"):
        done = derive(registry, stations, out, check)
    for n in done.notes:
        console.print(f"[dim]note: {plain(n)}[/]")
    if check:
        console.print("identical to the shipped file" if done.same_as_shipped else "[red]differs from the shipped file[/]")
        raise typer.Exit(0 if done.same_as_shipped else 1)
    console.print(f"wrote {plain(done.path)} ({done.path.stat().st_size:,} bytes)")
