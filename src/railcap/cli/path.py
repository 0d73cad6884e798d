"""``railcap path``: plan a short-notice path, allocate it, list and cancel allocations.

Example: railcap path plan --from Maasvlakte --to zevenaar-grens --depart-after 14:00 \\
             --window zevenaar-grens=16:00/18:30 --consist military-heavy --priority military
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table

from railcap.cli._common import console, print_json, user_errors
from railcap.model.errors import Problem, ValidationError

app = typer.Typer(no_args_is_help=True, help="Short-notice path search, military priority, allocation.")

DB_HELP = "Allocation database: a file (SQLite) or an SQLAlchemy URL. Default $RAILCAP_DB or ./railcap.sqlite."


def _db(db: str | None) -> str:
    return db or os.environ.get("RAILCAP_DB", "railcap.sqlite")


def _request(net, from_op, to_op, via, depart_after, arrive_before, window, consist, priority,
             alternatives, allowance_percent, passenger_tolerance_min, cancel_passenger, accept_delay_min):
    from railcap.cli.runtime import _consist
    from railcap.pathing import make_request, parse_time
    from railcap.physics import Allowance

    t0, day = parse_time(depart_after, "depart_after")
    vias = []
    for i, v in enumerate(via):
        op, _, dwell = v.partition(":")
        try:
            vias.append((op, float(dwell or 0) * 60.0))
        except ValueError:
            raise ValidationError(Problem("request", f"via[{i}]", f"'{v}': dwell must be minutes, as OP:5")) from None
    windows = []
    for i, w in enumerate(window):
        op, eq, span = w.partition("=")
        a, slash, b = span.partition("/")
        if not eq or not slash:
            raise ValidationError(Problem("request", f"window[{i}]", f"'{w}': write OP=T1/T2, e.g. "
                                                                    f"zevenaar-grens=14:20/14:40"))
        windows.append((op, parse_time(a, f"window[{i}]", day)[0], parse_time(b, f"window[{i}]", day)[0]))
    latest = parse_time(arrive_before, "arrive_before", day)[0] if arrive_before else None
    return make_request(net, origin=from_op, destination=to_op, consist=_consist(consist),
                        earliest_departure_s=t0, latest_arrival_s=latest, vias=vias, windows=windows,
                        priority=priority, allowance=Allowance(percent=allowance_percent),
                        alternatives=alternatives, passenger_tolerance_s=passenger_tolerance_min * 60.0,
                        may_cancel_passenger=cancel_passenger, accept_delay_s=accept_delay_min * 60.0,
                        service_date=day)


def _planner_factory(net):
    from railcap.data.reference import load_reference_timetable
    from railcap.pathing import Planner
    from railcap.services.day_cache import day_blocking

    base, classes = day_blocking()  # the shipped cache; recomputed with a warning when stale

    def make(state):  # the timetable is read only if a displaced train must be re-planned
        return Planner(net, load_reference_timetable, base=base, classes=classes, extra=state.extra,
                       extra_classes=state.classes, removed=state.removed)
    return make


# the options every planning command shares
FROM = typer.Option(..., "--from", help="Origin: id, code or name.")
TO = typer.Option(..., "--to", help="Destination: id, code or name (a border point for a handover).")
VIA = typer.Option([], "--via", help="Call at OP, standing at least MIN minutes: OP[:MIN] (repeatable).")
DEPART = typer.Option(..., "--depart-after", help="Earliest departure: HH:MM on the reference day or ISO date-time.")
ARRIVE = typer.Option(None, "--arrive-before", help="Latest arrival at the destination.")
WINDOW = typer.Option([], "--window", help="Pass OP between T1 and T2: OP=T1/T2 (repeatable).")
CONSIST = typer.Option(..., "--consist", help="Consist id from the catalogue, or a .json/.toml file.")
PRIORITY = typer.Option("freight", "--priority", help="military | freight | passenger.")
ALTS = typer.Option(1, "--alternatives", "-k", help="Up to K ranked paths.")
ALLOW = typer.Option(0.0, "--allowance-percent", help="Running-time supplement in %.")
TOL = typer.Option(0.0, "--passenger-tolerance", help="Military: retime passenger trains by at most MIN minutes.")
CANCEL = typer.Option(False, "--cancel-passenger", help="Military: passenger trains may be cancelled.")
ACCEPT = typer.Option(30.0, "--accept-delay", help="Military: take a free path at most MIN minutes later "
                                                   "than the best run before pushing other trains aside.")


@app.command()
@user_errors
def plan(from_op: str = FROM, to_op: str = TO, via: list[str] = VIA, depart_after: str = DEPART,
         arrive_before: str | None = ARRIVE, window: list[str] = WINDOW, consist: str = CONSIST,
         priority: str = PRIORITY, alternatives: int = ALTS, allowance_percent: float = ALLOW,
         passenger_tolerance: float = TOL, cancel_passenger: bool = CANCEL, accept_delay: float = ACCEPT,
         db: str | None = typer.Option(None, "--db", help=DB_HELP),
         diagram: Path | None = typer.Option(None, "--diagram", help="Write a space–time diagram of the best "
                                             "path among the day's trains: .html or .png."),
         as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Find the best free path (and alternatives) on the reference day plus live allocations; stores nothing."""
    from railcap.data.embedded import load_network
    from railcap.pathing.report import plan_to_dict
    from railcap.viz.plan import render
    from railcap.pathing.store import State, load_state, open_store
    from railcap.occupancy import OccupationTable

    net = load_network()
    req = _request(net, from_op, to_op, via, depart_after, arrive_before, window, consist, priority,
                   alternatives, allowance_percent, passenger_tolerance, cancel_passenger, accept_delay)
    path = _db(db)
    if Path(path).exists() or "://" in path:  # plan reads allocations, never creates a database
        with open_store(path).connect() as conn:
            state = load_state(conn, req.service_date)
    else:
        state = State(OccupationTable.of([]), {}, frozenset())
    with console.status("planning…"):
        result = _planner_factory(net)(state).plan(req)
    if as_json:
        print_json(plan_to_dict(result, net))
    else:
        render(result, net, console)
    if not result.found:
        raise typer.Exit(1)
    if diagram is not None:
        _draw(net, result, diagram)


def _draw(net, result, out: Path) -> None:
    """The best path highlighted among the day's trains, on its own route, ±30 min around it."""
    from railcap.data.reference import load_reference_timetable
    from railcap.model.timetable import Timetable
    from railcap.pathing import clock
    from railcap.viz.diagram import space_time_diagram

    path, req = result.paths[0], result.request
    moved = {h.train_id for h in result.hindrance}
    tt = load_reference_timetable()
    run = path.to_run(req.priority.value, req.consist.id)
    shown = Timetable(tuple(r for r in tt.runs if r.id not in moved) + (run,))
    a, b = max(0.0, path.departure_s - 1800), path.arrival_s + 1800
    window = f"{clock(a)[:5]}-{clock(b)[:5]}"
    ops = list(path.route.ops)
    space_time_diagram(net, shown, ops[0], ops[-1], window, via=ops[1:-1], occupations=path.occupations(),
                       highlight=[run.id], out=out)
    console.print(f"wrote {out} (the moved civil trains are left out of the drawing)", highlight=False)


@app.command()
@user_errors
def allocate(from_op: str = FROM, to_op: str = TO, via: list[str] = VIA, depart_after: str = DEPART,
             arrive_before: str | None = ARRIVE, window: list[str] = WINDOW, consist: str = CONSIST,
             priority: str = PRIORITY, allowance_percent: float = ALLOW, passenger_tolerance: float = TOL,
             cancel_passenger: bool = CANCEL, accept_delay: float = ACCEPT,
             propose: bool = typer.Option(False, "--propose", help="Store as proposed instead of confirmed."),
             db: str | None = typer.Option(None, "--db", help=DB_HELP),
             as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Plan and store the best path in one transaction; it holds its blocks for every later request."""
    from railcap.data.embedded import load_network
    from railcap.pathing.report import plan_to_dict
    from railcap.viz.plan import render
    from railcap.pathing.store import allocate as store_allocate
    from railcap.pathing.store import open_store

    net = load_network()
    req = _request(net, from_op, to_op, via, depart_after, arrive_before, window, consist, priority,
                   1, allowance_percent, passenger_tolerance, cancel_passenger, accept_delay)
    with console.status("planning and allocating…"):
        new_id, result = store_allocate(open_store(_db(db)), _planner_factory(net), req,
                                        "proposed" if propose else "confirmed")
    if as_json:
        print_json({"allocation_id": new_id, **plan_to_dict(result, net)})
        return
    render(result, net, console)
    console.print(f"[bold green]allocation {new_id}[/] stored as {'proposed' if propose else 'confirmed'} "
                  f"({result.paths[0].train_id}) in {_db(db)}")


@app.command("list")
@user_errors
def list_(status: str | None = typer.Option(None, "--status", help="proposed | confirmed | cancelled"),
          db: str | None = typer.Option(None, "--db", help=DB_HELP),
          as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The allocations in the database."""
    from railcap.pathing import clock
    from railcap.pathing.store import list_allocations, open_store

    rows = list_allocations(open_store(_db(db)), status)
    if as_json:
        print_json(rows)
        return
    t = Table(title=f"allocations in {_db(db)}")
    for col in ("id", "train", "status", "priority", "from", "to", "consist", "day", "departs", "arrives"):
        t.add_column(col)
    for r in rows:
        t.add_row(str(r["id"]), r["train_id"], r["status"], r["priority"], r["origin"], r["destination"],
                  r["consist"], r["service_date"] or "reference", clock(r["departure_s"]), clock(r["arrival_s"]))
    console.print(t)


@app.command()
@user_errors
def cancel(allocation_id: int = typer.Argument(..., help="Allocation id (see `railcap path list`)."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Cancel an allocation: its blocks are free again for later requests."""
    _set_status(allocation_id, "cancelled", db)


@app.command()
@user_errors
def confirm(allocation_id: int = typer.Argument(..., help="Allocation id of a proposed path."),
            db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Confirm a proposed allocation."""
    _set_status(allocation_id, "confirmed", db)


def _set_status(allocation_id: int, status: str, db: str | None) -> None:
    from railcap.pathing.store import open_store, set_status

    set_status(open_store(_db(db)), allocation_id, status)
    console.print(f"allocation {allocation_id} {status}")
