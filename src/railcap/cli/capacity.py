"""``railcap capacity …``: UIC 406 consumption, spare paths and reserve paths on the reference weekday."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from railcap.cli._common import console, err_console, plain, print_json, user_errors
from railcap.model.errors import Problem, ValidationError

app = typer.Typer(no_args_is_help=True,
                  help="Capacity: UIC 406 consumption per line section, spare and reserve paths on the NATO routes.")


def _pct(rate: float, limit: float) -> str:
    colour = "red" if rate > limit else "yellow" if rate > 0.8 * limit else "green"
    return f"[{colour}]{rate * 100:5.1f} %[/]"


@app.command()
@user_errors
def report(window: Optional[str] = typer.Option(None, "--window", help="HH:MM-HH:MM (default: the operating "
                                                "day 06:00-24:00)"),
           section: Optional[list[str]] = typer.Option(None, "--section", help="a section id or an operational "
                                                       "point (its sections); repeat for more"),
           top: int = typer.Option(25, "--top", help="rows in the table (--json gives every line section)"),
           as_json: bool = typer.Option(False, "--json", help="machine output")) -> None:
    """UIC 406 capacity consumption per line section: busiest first, against the mixed-traffic norms."""
    from railcap.services import capacity as svc

    with console.status("computing blocking times and compressing…") if not as_json else _quiet():
        r = svc.report(window, section)
    data = svc.report_dict(r)
    if as_json:
        print_json(data)
        return
    norm = data["norm"]
    title = (f"UIC 406 capacity consumption {data['window']} — {len(r.loads):,} line sections; "
             f"norm for {norm['line_type']}: peak hour {norm['peak_hour_pct']:.0f} %, "
             f"daily {norm['daily_pct']:.0f} % ({'window held against the peak norm' if r.window_is_peak else 'window held against the daily norm'})")
    t = Table("line section", "km", "trains", "window", "peak hour", "trains", "peak", title=title)
    ops = svc.network().ops
    for x in r.loads[:top]:
        arrow = "↔" if x.both_ways else "→"
        name = f"{ops[x.from_op].name} {arrow} {ops[x.to_op].name}" if x.from_op in ops else x.line_section
        t.add_row(name + (" (second lane)" if x.window.lane else ""), f"{x.length_m / 1000:.1f}",
                  str(x.window.trains), _pct(x.window.rate, x.window_limit),
                  svc.clock(x.peak.window_start_s), str(x.peak.trains), _pct(x.peak.rate, x.peak_limit))
    console.print(t)
    over = r.bottlenecks()
    console.print(f"{len(over)} line sections above the norm (bottlenecks); source of the norm: "
                  f"{plain(norm['source'])}")
    if over:
        console.print("bottlenecks, busiest first: " + ", ".join(x.line_section for x in over[:10])
                      + (" …" if len(over) > 10 else ""), highlight=False)


@app.command()
@user_errors
def spare(consist: str = typer.Option(..., "--consist", help="consist id (railcap rolling-stock list)"),
          route: str = typer.Option(..., "--route", help="NATO route: betuweroute, arnhem-bentheim, brabant "
                                    "(add '-back' for the other direction)"),
          window: Optional[str] = typer.Option(None, "--window", help="HH:MM-HH:MM (default the whole day)"),
          band_hours: float = typer.Option(1.0, "--band-hours", help="length of an hour band"),
          as_json: bool = typer.Option(False, "--json", help="machine output")) -> None:
    """How many more paths of a consist still fit on a NATO route, per hour band (repeated insertion)."""
    from railcap.services import capacity as svc

    svc.nato_route(route), svc.consist(consist), svc.parse_window(window)  # bad input fails before the work
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[paths]} paths"), console=err_console, transient=True,
                  disable=as_json) as bar:
        task = bar.add_task(f"inserting {consist} paths on {route}", total=None, paths=0)

        def progress(done: int, total: int, paths: int) -> None:
            bar.update(task, completed=done, total=total, paths=paths)

        s = svc.spare(consist, route, window=window, band_hours=band_hours, progress=progress)
    data = svc.spare_dict(s)
    if as_json:
        print_json(data)
        return
    # the heading on its own line: as a title it would wrap into the width of two narrow columns
    console.print(f"[bold]Spare paths for {plain(consist)} on {plain(s.corridor.title)}: {s.total}[/] "
                  f"({data['route_km']} km, {s.route_ops[0]} → {s.route_ops[-1]})", highlight=False)
    t = Table("hour band", "spare paths")
    for b in data["bands"]:
        t.add_row(b["band"], str(b["paths"]) + (" (capped)" if b["capped"] else ""))
    console.print(t)
    console.print(f"method: {data['method']}; source of the route: {s.corridor.source}", highlight=False)


@app.command()
@user_errors
def reserve(route: str = typer.Option(..., "--route", help="NATO route: betuweroute, arnhem-bentheim, brabant "
                                      "(add '-back' for the other direction)"),
            per_hour_band: int = typer.Option(..., "--per-hour-band", help="reserve paths wanted per hour band"),
            consist: str = typer.Option("military-heavy", "--consist", help="the consist a reserve path is laid for"),
            freight: str = typer.Option("intermodal-740", "--freight", help="the freight consist whose spare "
                                        "paths the reserve costs"),
            window: Optional[str] = typer.Option(None, "--window", help="HH:MM-HH:MM (default the whole day)"),
            band_hours: float = typer.Option(1.0, "--band-hours", help="length of an hour band"),
            diagram: Optional[str] = typer.Option(None, "--diagram", help="write the corridor's space-time "
                                                  "diagram with the reserve paths (.html, .png, .svg, .pdf)"),
            db: Optional[str] = typer.Option(None, "--db", help="keep the reserve paths in this allocation "
                                             "database (a file or an SQLAlchemy URL; created if missing), laid "
                                             "into the day as it will be; without it nothing is kept"),
            date: Optional[str] = typer.Option(None, "--date", help="service date YYYY-MM-DD (default the "
                                               "reference weekday)"),
            as_json: bool = typer.Option(False, "--json", help="machine output")) -> None:
    """Lay out reserve paths for urgent military trains on a NATO route; report what they cost freight.

    With --db they are kept as allocations of class reserve: later path plans see them as occupied, except
    military requests, which use them first; `railcap path list` / `path cancel` handle them like any
    allocation and `railcap diagram --db` draws them (dashed)."""
    from railcap.services import capacity as svc
    from railcap.services.diagram import parse_service_date

    svc.nato_route(route), svc.consist(consist), svc.consist(freight), svc.parse_window(window)
    service_date = parse_service_date(date)
    if date is not None and db is None:
        raise ValidationError(Problem("command line", "date", "a service date needs --db (the day it is kept in)"))
    if diagram is not None:
        from railcap.viz.diagram import FORMATS

        if Path(diagram).suffix.lower() not in FORMATS:
            raise ValidationError(Problem("command line", "diagram", f"'{diagram}' must end in {', '.join(FORMATS)}"))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task(f"reserve on {route}, then {freight} with and without", total=None)

        def progress(done: int, total: int, paths: int) -> None:
            bar.update(task, completed=done, total=total)

        ans = svc.reserve(route, per_hour_band, consist_id=consist, freight_id=freight, window=window,
                          band_hours=band_hours, progress=progress, db=db, service_date=service_date)
    data = svc.reserve_dict(ans)
    data["diagram"] = _draw_reserve(ans, diagram) if diagram is not None and ans.reserve.paths.runs else None
    if as_json:
        print_json(data)
        return
    cost = data["freight_cost"]
    console.print(f"[bold]Reserve paths for {plain(consist)} on {plain(ans.reserve.paths.corridor.title)}: "
                  f"{data['reserved']}[/] ({per_hour_band} wanted per band)", highlight=False)
    t = Table("hour band", "reserved", "not placed", f"{freight} spare", "taken", "recount")
    for b, c in zip(data["bands"], cost["bands"]):
        t.add_row(b["band"], str(b["reserved"]), str(b["not_placed"] or ""), str(c["before"]),
                  f"[red]{c['taken']}[/]" if c["taken"] else "0", str(c["recount"]))
    console.print(t)
    console.print(f"the reserve takes {cost['taken']} of the {cost['spare_before']} spare {freight} paths; laid out "
                  f"again around it, {cost['recount']} fit (greedy insertion may pack differently)", highlight=False)
    kept = data["kept"]
    if kept is None:
        console.print("not kept: give --db to keep them as allocations of class reserve", highlight=False)
    elif kept["allocations"]:
        ids = [a["allocation_id"] for a in kept["allocations"]]
        console.print(f"kept {len(ids)} reserve paths in {kept['db']} as confirmed allocations {ids[0]}–{ids[-1]} "
                      f"(class reserve: military requests use them first, others see them occupied)",
                      highlight=False)
    if data["diagram"]:
        console.print(f"wrote {plain(data['diagram'])}", highlight=False)


def _draw_reserve(ans, out: str) -> str:
    """The corridor's space–time diagram with the reserve paths (dashed) among the day's trains."""
    from railcap.services import capacity as svc
    from railcap.viz.diagram import space_time_diagram

    ops = ans.reserve.paths.route_ops
    space_time_diagram(svc.network(), svc.day_with_reserve(ans), ops[0], ops[-1], ans.window, out=out)
    return out


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        return None
