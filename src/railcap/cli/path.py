"""``railcap path``: plan a short-notice path, allocate it, list and cancel allocations.

Example: railcap path plan --from Maasvlakte --to zevenaar-grens --depart-after 14:00 \\
             --window zevenaar-grens=16:00/18:30 --consist military-heavy --priority military
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table

from rich.text import Text

from railcap.cli._common import check_output_path, console, err_console, plain, print_json, status, user_errors
from railcap.viz.tables import compact_table

app = typer.Typer(no_args_is_help=True, help="Short-notice path search, military priority, allocation.")

DB_HELP = "Allocation database: a file (SQLite) or an SQLAlchemy URL. Default $RAILCAP_DB or ./railcap.sqlite."


def _db(db: str | None) -> str:
    from railcap.services.paths import default_db

    return db or default_db()


def _departure(depart_after: str | None) -> str:
    """The earliest departure asked for or, none given, now in Amsterdam rounded up to the next 5 minutes
    (on the reference day, as an HH:MM would be), said in one line on stderr."""
    if depart_after is not None:
        return depart_after
    import datetime as dt
    from zoneinfo import ZoneInfo

    from railcap.model.clock import LOCAL_ZONE_NAME
    from railcap.model.errors import Problem, ValidationError

    try:
        now = dt.datetime.now(ZoneInfo(LOCAL_ZONE_NAME))
    except Exception:  # no time-zone database on this machine: the user says when, rather than a guess
        raise ValidationError(Problem("request", "depart_after", f"not given, and 'now' is unknown here "
                                                                 f"({LOCAL_ZONE_NAME} missing): give --depart-after"))
    minutes = -(-(now.hour * 3600 + now.minute * 60 + now.second) // 300) * 5  # 23:58 → 24:00, still today
    text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    err_console.print(f"note: no --depart-after given: departing after {text} (now, {LOCAL_ZONE_NAME})",
                      markup=False, highlight=False)
    return text


def _request(net, from_op, to_op, via, depart_after, arrive_before, window, consist, priority,
             alternatives, allowance_percent, passenger_tolerance_min, cancel_passenger, accept_delay_min):
    from railcap.services.paths import build_request

    return build_request(net, from_op=from_op, to_op=to_op, via=via, depart_after=depart_after,
                         arrive_before=arrive_before, window=window, consist=consist, priority=priority,
                         alternatives=alternatives, allowance_percent=allowance_percent,
                         passenger_tolerance_min=passenger_tolerance_min, cancel_passenger=cancel_passenger,
                         accept_delay_min=accept_delay_min)


# the options every planning command shares
FROM = typer.Option(..., "--from", help="Origin: id, code or name.")
TO = typer.Option(..., "--to", help="Destination: id, code or name (a border point for a handover).")
VIA = typer.Option([], "--via", help="Call at OP, standing at least MIN minutes: OP[:MIN] (repeatable).")
DEPART = typer.Option(None, "--depart-after", help="Earliest departure: HH:MM on the reference day or ISO "
                      "date-time. Default: now in Europe/Amsterdam, rounded up to 5 minutes (said on stderr).")
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
def plan(from_op: str = FROM, to_op: str = TO, via: list[str] = VIA, depart_after: str | None = DEPART,
         arrive_before: str | None = ARRIVE, window: list[str] = WINDOW, consist: str = CONSIST,
         priority: str = PRIORITY, alternatives: int = ALTS, allowance_percent: float = ALLOW,
         passenger_tolerance: float = TOL, cancel_passenger: bool = CANCEL, accept_delay: float = ACCEPT,
         db: str | None = typer.Option(None, "--db", help=DB_HELP),
         diagram: Path | None = typer.Option(None, "--diagram", help="Write a space–time diagram of the best "
                                             "path among the day's trains: .html or .png."),
         as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Find the best free path (and alternatives) on the day as it will be (reference day plus the store's
    allocations and the trains they moved); stores nothing, creates no database."""
    from railcap.pathing.report import plan_to_dict
    from railcap.viz.plan import render
    from railcap.services import paths

    if diagram is not None:
        check_output_path(diagram, "diagram", force=True)
    day = paths.reference_day()
    depart_after = _departure(depart_after)
    req = _request(day.net, from_op, to_op, via, depart_after, arrive_before, window, consist, priority,
                   alternatives, allowance_percent, passenger_tolerance, cancel_passenger, accept_delay)
    source: str | None = _db(db)
    if "://" not in source and not Path(source).exists():  # plan reads allocations, never creates a database
        if db is not None:
            err_console.print(f"note: no database '{source}' (nothing created): planned on the reference day "
                              f"without allocations", markup=False, highlight=False)
        source = None
    note = paths.departure_note(depart_after, req)
    with status("planning…", as_json):
        result = paths.plan(req, source, day)
    if as_json:
        print_json(_noted(plan_to_dict(result, day.net), note))
    else:
        _print_note(note)
        render(result, day.net, console)
    if not result.found:
        raise typer.Exit(1)
    if diagram is not None:
        _draw(day.net, result, diagram)


def _noted(doc: dict, note: str | None) -> dict:
    return doc if note is None else {**doc, "departure_note": note}


def _print_note(note: str | None) -> None:
    if note is not None:
        err_console.print(f"note: {note}", markup=False, highlight=False)


def _draw(net, result, out: Path) -> None:
    """The best path highlighted among the day's trains (and those of the days either side, as the search
    met them), on its own route, ±30 min around it."""
    from railcap.model.timetable import Timetable
    from railcap.services import embedded
    from railcap.services.diagram import with_neighbours
    from railcap.pathing import clock
    from railcap.viz.diagram import space_time_diagram

    path, req = result.paths[0], result.request
    moved = {h.train_id for h in result.hindrance}
    tt = with_neighbours(embedded.timetable())
    run = path.to_run(req.priority.value, req.consist.id)
    shown = Timetable(tuple(r for r in tt.runs if r.id not in moved) + (run,))
    a, b = max(0.0, path.departure_s - 1800), path.arrival_s + 1800
    window = f"{clock(a)[:5]}-{clock(b)[:5]}"
    ops = list(path.route.ops)
    space_time_diagram(net, shown, ops[0], ops[-1], window, via=ops[1:-1], occupations=path.occupations(),
                       highlight=[run.id], out=out)
    console.print(f"wrote {plain(out)} (the moved civil trains are left out of the drawing)", highlight=False)


@app.command()
@user_errors
def allocate(from_op: str = FROM, to_op: str = TO, via: list[str] = VIA, depart_after: str | None = DEPART,
             arrive_before: str | None = ARRIVE, window: list[str] = WINDOW, consist: str = CONSIST,
             priority: str = PRIORITY, allowance_percent: float = ALLOW, passenger_tolerance: float = TOL,
             cancel_passenger: bool = CANCEL, accept_delay: float = ACCEPT,
             propose: bool = typer.Option(False, "--propose", help="Store as proposed instead of confirmed."),
             db: str | None = typer.Option(None, "--db", help=DB_HELP),
             as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Plan and store the best path: planned against a snapshot, written in one short checked transaction
    (planned again when another allocation got there first); it holds its blocks for every later request."""
    from railcap.pathing.report import plan_to_dict
    from railcap.viz.plan import render
    from railcap.services import paths

    day = paths.reference_day()
    depart_after = _departure(depart_after)
    req = _request(day.net, from_op, to_op, via, depart_after, arrive_before, window, consist, priority,
                   1, allowance_percent, passenger_tolerance, cancel_passenger, accept_delay)
    state = "proposed" if propose else "confirmed"
    note = paths.departure_note(depart_after, req)
    with status("planning and allocating…", as_json):
        done = paths.allocate(req, _db(db), state, day, on_write=_audited_allocation(state, day.net))
    if as_json:
        print_json(_noted({"allocation_id": done.allocation_id, "train_id": done.train_id, "status": state,
                           "attempts": done.attempts, **plan_to_dict(done.result, day.net)}, note))
        return
    _print_note(note)
    render(done.result, day.net, console)
    console.print(Text.assemble(("allocation " + str(done.allocation_id), "bold green"),
                                f" stored as {state} ({done.train_id}) in {_db(db)}"))


def _audited_allocation(state: str, net):
    """The ``on_write`` that writes an allocation's audit rows as the operating-system user (as the web API
    does for its signed-in user: ``store.audit.record_allocation``)."""
    from railcap.pathing.report import plan_to_dict
    from railcap.store import audit  # the store is loaded by now (see paths._store)

    actor = audit.command_line_actor()

    def on_write(conn, allocation_id: int, result) -> None:
        audit.record_allocation(conn, actor, "allocate", allocation_id, state, plan_to_dict(result, net),
                                result.hindrance, result.request.priority.value == "military")
    return on_write


def _audited_status(allocation_id: int, status: str):
    """The ``on_write`` that writes a confirmation's or cancellation's audit rows (``store.audit.record_status``)."""
    from railcap.store import audit  # the store is loaded by now (see paths._store)

    actor = audit.command_line_actor()
    return lambda conn, _id, old_status: audit.record_status(conn, actor, allocation_id, old_status, status)


LIST_CONSIST_MIN_WIDTH = 100  # terminal columns


@app.command("list")
@user_errors
def list_(status: str | None = typer.Option(None, "--status", help="proposed | confirmed | cancelled | used "
                                            "(a reserve path a military path took)"),
          db: str | None = typer.Option(None, "--db", help=DB_HELP),
          as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The allocations in the database: current status and times, and what moved them (reads only)."""
    from railcap.model.clock import clock
    from railcap.services import paths

    rows = paths.list_allocations(_db(db), status)
    if as_json:
        print_json(rows)
        return
    days = {r["service_date"] or "reference day" for r in rows}
    one_day = days.pop() if len(days) == 1 else None  # then said once, in the title
    columns = ["id", "train", "status", *([] if one_day else ["day"]), "departs", "arrives"]
    narrow = console.width < LIST_CONSIST_MIN_WIDTH  # then the consist gives way (path show gives it)
    folding = ["route", *([] if narrow else ["consist"]), *(["note"] if any(r["note"] for r in rows) else [])]
    # ids, statuses, days and times never break; the route, consist and note wrap where they must
    t = compact_table(f"allocations in {plain(_db(db))}" + (f", {one_day}" if one_day else ""),
                      caption="consists: railcap path show ID, or a wider terminal" if narrow else None)
    for col in columns:
        t.add_column(col, no_wrap=True, justify="right" if col == "id" else "left")
    for col in folding:
        t.add_column(col, overflow="fold", ratio=1)
    for r in rows:
        state = f"used by {r['used_by']}" if r["status"] == "used" else r["status"]
        cells = {"id": str(r["id"]), "train": plain(r["train_id"]), "status": state,
                 "day": r["service_date"] or "reference", "departs": clock(r["departure_s"]),
                 "arrives": clock(r["arrival_s"]), "route": plain(f"{r['origin']} → {r['destination']}"),
                 "consist": plain(r["consist"]), "note": plain(r["note"])}
        t.add_row(*(cells[c] for c in columns + folding))
    console.print(t)


@app.command()
@user_errors
def show(allocation_id: int = typer.Argument(..., help="Allocation id (see `railcap path list`)."),
         db: str | None = typer.Option(None, "--db", help=DB_HELP),
         as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """One allocation's record: status, times, what moved it, and its history."""
    from railcap.model.clock import clock
    from railcap.services import paths

    rec = paths.get_allocation(_db(db), allocation_id)
    if as_json:
        print_json(rec)
        return
    console.print(f"allocation {rec['id']} ({plain(rec['train_id'])}, {rec['priority']}): {rec['status']}, "
                  f"{plain(rec['origin'])} → {plain(rec['destination'])}, {plain(rec['consist'])}, "
                  f"{rec['service_date'] or 'reference day'}, departs {clock(rec['departure_s'])}, "
                  f"arrives {clock(rec['arrival_s'])}")
    if rec["note"]:
        console.print(f"  {plain(rec['note'])}")
    t = compact_table("history")
    for col in ("action", "departs", "arrives", "by allocation"):
        t.add_column(col, no_wrap=True)
    t.add_column("rule", overflow="fold", ratio=1)
    t.add_column("current", no_wrap=True)
    for h in rec["history"]:
        t.add_row(h["action"], "–" if h["departure_s"] is None else clock(h["departure_s"]),
                  "–" if h["arrival_s"] is None else clock(h["arrival_s"]), str(h["changed_by"] or ""),
                  plain(h["rule"]), "yes" if h["current"] else "")
    console.print(t)


@app.command()
@user_errors
def cancel(allocation_id: int = typer.Argument(..., help="Allocation id (see `railcap path list`)."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP),
           as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Cancel an allocation: its blocks are free again for later requests, and the civil trains it moved get
    their old times back where nothing allocated since stands in the way (the answer names what does)."""
    from railcap.model.clock import clock
    from railcap.services import paths

    given = paths.set_status(_db(db), allocation_id, "cancelled", _audited_status(allocation_id, "cancelled"))
    if as_json:
        print_json({"allocation_id": allocation_id, "status": "cancelled",
                    "moved_trains": [g.to_dict() | {"departure": None if g.departure_s is None else
                                                    clock(g.departure_s), "arrival": None if g.arrival_s is None
                                                    else clock(g.arrival_s)} for g in given]})
        return
    console.print(f"allocation {allocation_id} cancelled")
    if not given:
        return
    held, stay = any(g.allocation_id for g in given), any(not g.restored for g in given)
    t = Table(title=f"the trains allocation {allocation_id} had moved")
    for col in ("train", "class", *(["allocation"] if held else []), "now", "departs", "arrives",
                *(["why not back"] if stay else [])):
        t.add_column(col, overflow="fold")
    for g in given:
        t.add_row(plain(g.train_id), g.train_class, *([str(g.allocation_id or "")] if held else []),
                  "back at its old times" if g.restored else "stays moved",
                  "–" if g.departure_s is None else clock(g.departure_s),
                  "–" if g.arrival_s is None else clock(g.arrival_s), *([plain(g.reason)] if stay else []))
    console.print(t)
    back = sum(g.restored for g in given)
    console.print(f"{back} of {len(given)} moved train(s) back at their old times", highlight=False)


@app.command()
@user_errors
def confirm(allocation_id: int = typer.Argument(..., help="Allocation id of a proposed path."),
            db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Confirm a proposed allocation."""
    _set_status(allocation_id, "confirmed", db)


def _set_status(allocation_id: int, status: str, db: str | None) -> None:
    from railcap.services import paths

    paths.set_status(_db(db), allocation_id, status, _audited_status(allocation_id, status))
    console.print(f"allocation {allocation_id} {status}")
