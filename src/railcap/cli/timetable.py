"""``railcap timetable …``: the reference weekday, its conflicts and its blocking times."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from railcap.cli import gtfs as _gtfs
from railcap.cli._common import check_output_path, console, plain, print_json, user_errors
from railcap.viz.tables import compact_table

app = typer.Typer(no_args_is_help=True, help="The reference weekday timetable: summary, conflicts, blocking times.")
app.registered_commands += _gtfs.app.registered_commands  # import-gtfs

TimetableOption = typer.Option(None, "--timetable", help="A railcap timetable file instead of the reference weekday.")
DEFAULT_PATTERNS = Path("../shared/reference/nl-timetable-2026")


def _load(path: Optional[Path]):
    from railcap.services import embedded

    return embedded.timetable(path)


def timetable_summary(runs, meta: dict, net) -> dict[str, Any]:
    """Trains and train-km by class, and trains by product (``runs``: ``services.embedded.timetable_outlines``)."""
    km: Counter = Counter()
    for r in runs:
        km[r.train_class.value] += sum(net.sections[s].length_m for s in r.section_ids) / 1000.0
    return {"trains": len(runs),
            "trains_by_class": dict(sorted(Counter(r.train_class.value for r in runs).items())),
            "train_km_by_class": {k: round(v) for k, v in sorted(km.items())},
            "trains_by_product": dict(Counter(r.product for r in runs).most_common()),
            "meta": meta}


@app.command()
@user_errors
def info(as_json: bool = typer.Option(False, "--json"), timetable: Optional[Path] = TimetableOption) -> None:
    """Trains by class and product, train-km."""
    from railcap.services.embedded import network as load_network, timetable_outlines

    s = timetable_summary(*timetable_outlines(timetable), load_network())
    if as_json:
        print_json(s)
        return
    t = Table("class", "trains", "train-km", title=f"{s['trains']} trains")
    for k, n in s["trains_by_class"].items():
        t.add_row(k, f"{n:,}", f"{s['train_km_by_class'].get(k, 0):,}")
    p = Table("product", "trains", title="By product")
    for k, n in s["trains_by_product"].items():
        p.add_row(k, f"{n:,}")
    console.print(t, p)


def blocking_table(tt, net):
    """Every run's blocking times, from its movement recomputed by the physics engine."""
    from railcap.services.embedded import occupations

    return occupations(tt, net)


@app.command()
@user_errors
def conflicts(as_json: bool = typer.Option(False, "--json"), timetable: Optional[Path] = TimetableOption,
              tolerance_s: float = typer.Option(0.0, help="Overlaps up to this many seconds are ignored.")) -> None:
    """Check the whole timetable with the independent conflict detector."""
    from railcap.services.embedded import network as load_network
    from railcap.occupancy import find_conflicts

    net = load_network()
    with console.status("computing blocking times…"):
        table = blocking_table(_load(timetable), net)
        found = find_conflicts(table, tolerance_s)
    rows = [{"resource_id": c.resource_id, "train_a": c.train_a, "train_b": c.train_b,
             "start_s": c.overlap_start_s, "end_s": c.overlap_end_s} for c in found]
    if as_json:
        print_json({"occupations": len(table), "conflicts": len(rows), "items": rows})
        return
    console.print(f"{len(table):,} occupations checked: [bold]{len(rows)} conflicts[/]")
    t = Table("resource", "train a", "train b", "from s", "to s")
    for r in rows[:50]:
        t.add_row(r["resource_id"], r["train_a"], r["train_b"], f"{r['start_s']:.0f}", f"{r['end_s']:.0f}")
    if rows:
        console.print(t)


@app.command()
@user_errors
def export(blocking: Path = typer.Option(..., "--blocking", help="CSV, or Parquet by the .parquet extension."),
           timetable: Optional[Path] = TimetableOption,
           db: Optional[str] = typer.Option(None, "--db", help="Export the day as it will be: the reference day "
                                            "with this store's allocations and the trains they moved."),
           service_date: Optional[str] = typer.Option(None, "--date", help="Service date (YYYY-MM-DD) of the "
                                                      "allocations; default the reference weekday."),
           force: bool = typer.Option(False, "--force", help="Replace an existing file (never a database).")) -> None:
    """One row per occupation: train_id, resource_id, start_s, end_s."""
    import datetime as dt

    from railcap.model.errors import Problem, ValidationError
    from railcap.services.timetables import write_blocking_times
    from railcap.services.embedded import network as load_network
    from railcap.services.paths import day_as_it_will_be

    check_output_path(blocking, "blocking", force=force)
    day = None
    if service_date is not None:
        try:
            day = dt.date.fromisoformat(service_date)
        except ValueError:
            raise ValidationError(Problem("export", "date", f"{service_date!r} is not a date (YYYY-MM-DD)")) from None
    if db is not None and timetable is not None:
        raise ValidationError(Problem("export", "db", "the day as it will be is the reference day's; "
                                                      "--db and --timetable do not go together"))
    table = (day_as_it_will_be(db, day) if db is not None
             else blocking_table(_load(timetable), load_network()))
    write_blocking_times(blocking, table)
    console.print(f"wrote {len(table):,} occupations to {blocking}", markup=False, highlight=False)


def _corridor_rich_table(rows, title: str) -> Table:
    """Facts against placed trains per corridor; the figures never break (the unit tells the class:
    passenger trains per hour and direction, freight trains per day)."""
    planned = any("planned" in r for r in rows)
    t = compact_table(title)
    t.add_column("corridor", ratio=1, min_width=16, overflow="fold")
    for col in ("facts", "unit", *(["planned"] if planned else []), "placed", "ok with ±", "ok bare"):
        t.add_column(col, no_wrap=True, justify="right" if col in ("facts", "planned", "placed") else "left")
    for r in rows:
        fact = f"{r['low']:g}" if r["low"] == r["high"] else f"{r['low']:g}–{r['high']:g}"
        fact += f" ±{r['uncertainty']:g}" if r.get("uncertainty") else ""
        t.add_row(r["corridor"], fact, r["unit"], *([f"{r['planned']:g}"] if planned else []), f"{r['placed']:g}",
                  "[green]yes[/]" if r["ok"] else "[red]no[/]",
                  "[green]yes[/]" if r["ok_bare_figure"] else "[yellow]no[/]")
    ok = sum(r["ok"] for r in rows)
    bare = sum(r["ok_bare_figure"] for r in rows)
    t.caption = (f"{ok} of {len(rows)} within 10 % of the facts taken with the margin they state (±); "
                 f"{bare} of the bare figures")
    return t


@app.command()
@user_errors
def corridors(as_json: bool = typer.Option(False, "--json"), timetable: Optional[Path] = TimetableOption) -> None:
    """Trains per corridor against the facts file's volumes (passenger per hour and direction, freight per day)."""
    from railcap.services.timetables import corridors as load_corridors
    from railcap.timetable.corridors import corridor_table

    found, source = load_corridors()
    rows = corridor_table(found, _load(timetable))
    if as_json:
        print_json({"source": source, "corridors": rows})
        return
    console.print(_corridor_rich_table(rows, f"Volumes per corridor (facts: {source})"))


@app.command()
@user_errors
def rebuild(patterns: Path = typer.Option(DEFAULT_PATTERNS, help="Folder with the 2026 service patterns."),
            out: Optional[Path] = typer.Option(None, help="Where to write (default: the embedded file)."),
            report_file: Optional[Path] = typer.Option(None, "--report",
                                                       help="Also write the build report (JSON): volumes per "
                                                            "corridor planned vs placed, why trips were left out."),
            blocking_cache: bool = typer.Option(False, "--blocking-cache",
                                                help="Only (re)write the day's blocking-time cache from the "
                                                     "shipped timetable (no patterns needed)."),
            check: bool = typer.Option(False, "--check", help="With --blocking-cache: only compare the shipped "
                                                              "cache byte for byte; exit 1 if different.")
            ) -> None:
    """Build the reference weekday from the service patterns and freight flows, then its blocking-time cache."""
    import json

    from railcap.services.day_cache import cache_is_current, rebuild_cache

    if blocking_cache:
        if check:
            same = cache_is_current()
            console.print("blocking-time cache identical to a fresh computation" if same else
                          "[red]blocking-time cache differs from a fresh computation[/]")
            raise typer.Exit(0 if same else 1)
        console.print(f"wrote {plain(rebuild_cache())}")
        return

    from rich.progress import Progress

    from railcap.model.timetable import Timetable
    from railcap.services.reference_day import rebuild as do_rebuild
    from railcap.timetable.corridors import corridor_table
    from railcap.timetable.reference import dropped_by_template

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("inserting trains", total=None)
        path, report = do_rebuild(patterns, out, lambda key: bar.update(task, advance=1, description=key))
    console.print(f"wrote {plain(path)}: placed {report.placed}, wanted {report.wanted}, "
                  f"left out {len(report.dropped)}, shifted {report.shifted}, waited longer at stops {report.waited}")
    for p in report.problems[:20]:
        console.print(f"[dim]{plain(p)}[/]")
    for name, pat in report.patterns.items():
        console.print(f"hourly pattern ({plain(name)}): {pat['held']} of {pat['trains']} periodic trains held, "
                      f"{pat['on_other_lane']} on their other lane, {pat['waiting']} waiting longer at a stop, "
                      f"{pat['in_parts']} run in two parts, {pat['shortened']} shortened "
                      f"(worth {pat['worth']:,}: greedy start {pat['greedy_start']:,}, improved by CP-SAT "
                      f"on neighbourhoods; {pat['pairs']} pairs can clash)")
        if "runs_day_times" in pat:
            console.print(f"  {pat['runs_day_times']} evening templates run their day twin's times; "
                          f"{pat['day_minutes_fixed']} keep the day's minutes past the hour, "
                          f"{pat['day_minutes_preferred']} prefer them")
    from railcap.services import timetables

    if out is None:  # the embedded day changed: its blocking times too
        console.print(f"wrote {plain(rebuild_cache())}")
    placed = timetables.read(path)
    rows = corridor_table(timetables.corridors()[0], placed, Timetable(tuple(report.planned)))
    console.print(_corridor_rich_table(rows, "Volumes per corridor: planned vs placed"))
    blocked = report.blocked_by.most_common(15)
    t = Table("section", "dropped trips blocked there", title="Where left-out trips found the line busy "
              "(at their planned time)")
    for sec, n in blocked:
        t.add_row(sec, str(n))
    console.print(t)
    if report_file:
        report_file.write_text(json.dumps({
            "placed": report.placed, "wanted": report.wanted, "dropped": len(report.dropped),
            "shifted": int(report.shifted), "waited": report.waited, "patterns": report.patterns,
            "corridors": rows,
            "blocked_by_section": dict(report.blocked_by.most_common()),
            "dropped_by_series": dropped_by_template(report.dropped),
            "problems": [str(p) for p in report.problems]}, indent=1, ensure_ascii=False), "utf-8")
