"""``railcap movement``: plan and allocate a whole deployment from a movement order file.

Example: railcap movement plan order.yaml --diagram movement.html --map movement-map.html
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


import typer
from rich.table import Table

from railcap.cli._common import console, err_console, plain, print_json, user_errors
from railcap.model.errors import Problem, ValidationError

app = typer.Typer(no_args_is_help=True, help="Whole deployments: many trains from the loading sites over days.")

FILE = typer.Argument(..., help="Movement order, YAML or JSON (unit, trains, loading_sites, earliest_day, "
                                "earliest_time, days, to, handover_windows, priority).")
JSON = typer.Option(False, "--json", help="Machine-readable output (errors too).")
TODAY = typer.Option(None, "--today", help="The date orders in the past are measured against (default: today).")
DB_HELP = "Allocation database: a file (SQLite) or an SQLAlchemy URL. Default $RAILCAP_DB or ./railcap.sqlite."


def _today(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(Problem("command line", "today", f"'{text}' is not a date (YYYY-MM-DD)")) from None


@app.command()
@user_errors
def plan(order: Path = FILE, as_json: bool = JSON, today: str | None = TODAY,
         diagram: Path | None = typer.Option(None, "--diagram", help="Space–time diagram of the first day's "
                                             "trains on their main route (.html or .png)."),
         map_out: Path | None = typer.Option(None, "--map", help="Map of the movement's routes (.html)."),
         ) -> None:
    """Plan every train of the order with the path search (stores nothing)."""
    from rich.progress import Progress

    from railcap.services.movements import plan_file, plan_to_dict

    for out, exts in ((diagram, (".html", ".png", ".svg", ".pdf")), (map_out, (".html",))):
        if out is not None and out.suffix.lower() not in exts:
            raise ValidationError(Problem("command line", "diagram" if out is diagram else "map",
                                          f"'{out}' must end in {', '.join(exts)}"))
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("planning the movement", total=None)
        result = plan_file(order, _today(today), lambda what: bar.update(task, description=what))
    doc = plan_to_dict(result)
    if as_json:
        print_json(doc)
    else:
        render(doc)
    if diagram is not None:
        _diagram(result, diagram, quiet=as_json)
    if map_out is not None:
        _map(result, map_out, quiet=as_json)


@app.command()
@user_errors
def allocate(order: Path = FILE, as_json: bool = JSON, today: str | None = TODAY,
             db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Plan the order and store every train in one transaction; if any part fails nothing is written.

    Trains that find no path are reported and nothing is stored: an order is allocated whole. Each
    allocation is written to the audit log as done by the operating-system user.
    """
    from railcap.services.movements import allocate_whole, plan_to_dict
    from railcap.store.audit import command_line_actor

    path = db or os.environ.get("RAILCAP_DB", "railcap.sqlite")
    result, ids = allocate_whole(order, path, _today(today), actor=command_line_actor())
    doc = plan_to_dict(result) | {"allocation_ids": ids, "database": path}
    if as_json:
        print_json(doc)
    else:
        render(doc)
        console.print(f"stored {len(ids)} allocations in {plain(path)} (ids {ids[0]}–{ids[-1]})", highlight=False)


@app.command()
@user_errors
def sites(as_json: bool = JSON) -> None:
    """The military loading sites and ports: tracks, trains a day, hours, source."""
    from railcap.services.movements import loading_sites

    rows = loading_sites()
    if as_json:
        print_json(rows)
        return
    t = Table(title="Military loading sites and ports of embarkation")
    for col in ("id", "kind", "tracks", "track m", "trains/day", "load min", "hours", "source"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(r["id"], r["kind"], str(r["tracks"]), f"{r['track_length_m']:.0f}", str(r["trains_per_day"]),
                  str(r["load_time_min"]), f"{r['opens']}–{r['closes']}", r["source"])
    console.print(t)


def render(doc: dict) -> None:
    """The movement table, the closure curve, the civil hindrance per day, what could not be planned."""
    t = Table(title=f"{plain(doc['unit'])} → {plain(doc['destination'])}: {doc['planned']} of {doc['trains']} trains planned")
    for col in ("train", "consist", "site", "loaded", "departs", "handover", "min", "stage", "route via"):
        t.add_column(col, overflow="fold")
    for r in doc["movement"]:
        t.add_row(plain(r["train"]), plain(r["consist"]), plain(r["loading_site"]), f"{r['loaded_day'][5:]} {r['ready']}",
                  f"{r['departure_date'][5:]} {r['departure']}", f"{r['handover_date'][5:]} {r['handover']}",
                  f"{r['journey_min']:.0f}", r["stage"], plain(" – ".join(r["route_via"])))
    console.print(t)
    c = Table(title="closure (trains at the destination) and civil hindrance per day")
    for col in ("date", "delivered", "cumulative", "", "civil trains moved", "cancelled", "delay min"):
        c.add_column(col, justify="right")
    hind = {h["date"]: h for h in doc["civil_hindrance"]}
    for row in doc["closure"]:
        h = hind.get(row["date"], {"trains": 0, "cancelled": 0, "delay_min": 0.0})
        c.add_row(row["date"], str(row["delivered"]), str(row["cumulative"]), "█" * row["delivered"],
                  str(h["trains"]), str(h["cancelled"]), f"{h['delay_min']:.0f}")
    console.print(c)
    for u in doc["unplanned"]:
        console.print(f"[red]not planned[/]: {plain(u['train'])} ({plain(u['consist'])}): {plain(u['reason'])}", highlight=False)


def _diagram(result, out: Path, quiet: bool) -> None:
    from collections import Counter

    from railcap.model.clock import format_clock
    from railcap.model.timetable import Timetable
    from railcap.services import embedded
    from railcap.viz.diagram import space_time_diagram

    net = embedded.network()
    first = [p for p in result.planned if p.day == min(q.day for q in result.planned)] if result.planned else []
    if not first:
        raise ValidationError(Problem("movement", "diagram", "no train was planned: nothing to draw"))
    route = Counter(tuple(p.path.route.ops) for p in first).most_common(1)[0][0]
    shown = [p for p in first if tuple(p.path.route.ops) == route]
    runs = tuple(p.path.to_run(p.result.request.priority.value, p.consist_id) for p in shown)
    moved = {h.train_id for p in first for h in p.result.hindrance}
    tt = Timetable(tuple(r for r in embedded.timetable().runs if r.id not in moved) + runs)
    a = max(0.0, min(p.path.departure_s for p in shown) - 1800)
    b = max(p.path.arrival_s for p in shown) + 1800
    from railcap.occupancy import OccupationTable
    occ = OccupationTable.concat([p.path.occupations() for p in shown])
    space_time_diagram(net, tt, route[0], route[-1], f"{format_clock(a, 'down')[:5]}-{format_clock(b, 'up')[:5]}",
                       via=list(route[1:-1]), occupations=occ, highlight=[r.id for r in runs], out=out)
    if not quiet:
        console.print(f"wrote {plain(out)}: {len(shown)} train(s) of the first day on their main route", highlight=False)


def _map(result, out: Path, quiet: bool) -> None:
    from railcap.services.embedded import network as load_network
    from railcap.viz.movement_map import movement_map

    dep = result.deployment
    movement_map(load_network(), [list(p.path.route.ops) for p in result.planned], list(dep.sites),
                 dep.destination, f"{dep.unit} → {dep.destination}: {len(result.planned)} trains", out)
    if not quiet:
        console.print(f"wrote {plain(out)}", highlight=False)
