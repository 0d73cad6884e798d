"""``railcap resilience …``: critical elements, scenarios, Monte-Carlo sweeps and the importance map."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from railcap.cli._common import console, err_console, plain, print_json, user_errors
from railcap.viz.tables import compact_table

if TYPE_CHECKING:  # the engine (HiGHS, scipy) loads only when a resilience command runs
    from railcap.resilience.analysis import ResilienceModel
    from railcap.resilience.reports import CaseReport, ScenarioReport

app = typer.Typer(no_args_is_help=True, help="Resilience: critical elements (N-1), scenarios, Monte Carlo, map.")

NetworkOpt = typer.Option("nl", "--network", help="'nl' (embedded Dutch network) or 'sample' (small demo)")
DemandOpt = typer.Option(None, "--demand", help="demand JSON file instead of the embedded one")
PassengerOpt = typer.Option("auto", "--passenger",
                            help="passenger load capacity is shared with: 'timetable' (the reference weekday: "
                                 "freight paths by insertion between its passenger trains, hour by hour), 'demand' "
                                 "(the demand file's flat trains/hour), 'none' (no passenger trains: what the "
                                 "lines offer freight alone) or 'auto' (timetable for the Dutch network, else demand)")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True)


DayOpt = typer.Option(0.0, "--day", min=0.0, help="day since the closure began: what operators can divert that day "
                                                  "(route knowledge, locomotives; diversion_rules.json)")
LimitsOpt = typer.Option(True, "--limits/--no-limits",
                         help="apply what operators can run on a diversion (the Dutch diversion rules)")


def _model(network: str, demand: Optional[Path], passenger: str = "auto", limits: bool = True,
           day: float = 0.0, freight_factor: float = 1.0) -> tuple[ResilienceModel, dict | None]:
    from railcap.services.resilience import model

    return model(network, demand, passenger, limits, day, freight_factor)


@app.command()
@user_errors
def rank(top: int = typer.Option(20, "--top", min=1, help="show the N most important elements"),
         ops: bool = typer.Option(False, "--ops/--no-ops", help="also take every operational point out"),
         as_json: bool = typer.Option(False, "--json", help="machine output"),
         network: str = NetworkOpt, demand: Optional[Path] = DemandOpt, passenger: str = PassengerOpt,
         day: float = DayOpt, limits: bool = LimitsOpt) -> None:
    """Full N-1 with capacity-constrained rerouting: every link (a chain of sections with no branch) out on its
    own, ranked by importance (train-km a day per train of demand; a lost train at its type's penalty)."""
    t0 = time.perf_counter()
    model, _ = _model(network, demand, passenger, limits, day)
    n = model.n1_cases(ops)
    with _progress() as bar:
        task = bar.add_task("N-1 with rerouting", total=n)
        reports = model.rank(sections=True, ops=ops, progress=lambda k: bar.advance(task, k))
    secs = time.perf_counter() - t0
    skipped = sum(r.equals_base for r in reports)
    mil = model.military()
    if as_json:
        print_json({"network": model.network.meta.get("name", network), "seconds": round(secs, 3),
                    "cases": len(reports), "solved": len(reports) - skipped, "equal_to_base": skipped,
                    "base": {"trains_per_day": model.problem.total_demand,
                             "unmet_trains_per_day": model.base.unmet_trains_per_day,
                             "train_km_per_day": model.base.train_km_per_day},
                    "military": [m.__dict__ for m in mil],
                    "ranking": [r.to_dict() for r in reports]})
        return
    shown = f"; the {top} most important shown" if top < len(reports) else ""
    table = compact_table(f"N-1 importance ({len(reports)} cases, {len(reports) - skipped} solved, "
                          f"{skipped} carry no freight and equal the base; {secs:.1f} s{shown})")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("element", ratio=2, overflow="fold")
    for col in ("km/train", "unmet/day", "Δ train-km/day"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("military stopped", ratio=1, overflow="fold")
    for i, c in enumerate(reports[:top], 1):
        table.add_row(str(i), c.label, f"{c.importance_km_per_train:.1f}", f"{c.unmet_trains_per_day:.1f}",
                      f"{c.extra_train_km_per_day:+.0f}", ", ".join(c.military_stopped) or "–")
    console.print(table)
    reasons = Table.grid(padding=(0, 1))  # a hanging indent: each reason wraps under itself
    reasons.add_column(justify="right", no_wrap=True)
    reasons.add_column(ratio=1)
    for i, c in enumerate(reports[:top], 1):
        reasons.add_row(f"{i}.", plain(c.reason))
    console.print("[bold]what is lost, where it goes[/]")
    console.print(reasons, highlight=False)
    console.print(f"base: {model.problem.total_demand:.1f} trains/day, "
                  f"{model.base.unmet_trains_per_day:.1f} not served, {model.base.train_km_per_day:.0f} train-km/day")
    routes = compact_table("military movements: compatible routes in the base case")
    routes.add_column("movement", no_wrap=True)
    routes.add_column("from → to", ratio=1, overflow="fold")
    for col in ("section-disjoint", "point-disjoint"):
        routes.add_column(col, justify="right", no_wrap=True)
    for m in mil:
        routes.add_row(m.movement, f"{m.origin} → {m.destination}", str(m.edge_disjoint_routes),
                       str(m.node_disjoint_routes) + ("" if m.reachable else " [red](none)[/]"))
    console.print(routes)


def _pick_scenarios(model: ResilienceModel, name_or_file: str, scen_doc: dict | None) -> list:
    from railcap.resilience.scenarios import scenarios_from_dict
    from railcap.services.resilience import load_scenarios

    types = list(model.demand.train_types)
    path = Path(name_or_file)
    if path.suffix == ".json" or path.exists():
        return list(load_scenarios(path, model.network, types).values())
    known = scenarios_from_dict(scen_doc or {}, model.network, types, "scenarios.json")
    return [known[name_or_file]]


def _print_scenario(rep: ScenarioReport) -> None:
    w = rep.worst
    console.print(f"[bold]{plain(rep.name)}[/]: {plain(rep.description)}")
    console.print(f"  fails: {plain(w.label)}; duration {rep.duration_days:g} days")
    console.print(f"  at worst: {w.unmet_trains_per_day:.1f} trains/day not run, {w.extra_train_km_per_day:+.0f} "
                  f"train-km/day, importance {w.importance_km_per_train:.1f} km/train")
    console.print(f"  {plain(w.reason)}")
    table = Table(title="recovery")
    for col in ("day", "Q (capacity back)", "unmet trains/day", "extra cost km/day"):
        table.add_column(col, justify="right")
    for p in rep.curve.points:
        table.add_row(f"{p.day:g}", f"{p.service:.2f}", f"{p.unmet_trains_per_day:.1f}", f"{p.extra_cost_km_per_day:.0f}")
    console.print(table)
    console.print(f"  lost service ∫(1−Q)dt = {rep.lost_service_days:.1f} days of capacity, "
                  f"{rep.lost_traffic_days:.1f} days of the affected traffic (with the diversion ramp); "
                  f"resilience loss {rep.resilience_loss_train_days:.1f} train-days "
                  f"(simple: {rep.loss_simple_train_days:.1f})")
    for f in w.full[:5]:
        hours = f"{len(f.hours_with_paths)} hours with paths" if f.hours_with_paths else "no hour with a path"
        console.print(f"  capacity ran out: {f.section} {f.direction}: {f.load_trains_per_day:.1f}/"
                      f"{f.capacity_trains_per_day:.1f} trains/day ({hours})")
    if len(w.diversions) > 5:
        console.print(f"  diversions: the 5 largest of {len(w.diversions)} (all of them with --json)")
    for d in w.diversions[:5]:
        console.print(f"  diversion {d.section} {d.direction}: +{d.extra_trains_per_day:.1f} → "
                      f"{d.load_trains_per_day:.1f}/{d.capacity_trains_per_day:.1f} trains/day ({d.utilisation:.0%})")
    for m in rep.military_redundancy:
        console.print(f"  military {m.movement}: " + (f"{m.edge_disjoint_routes} compatible route(s) left"
                                                      if m.reachable else "[red]no compatible route[/]"))


def _scenario_help() -> str:
    """The named scenarios of the embedded Dutch file, for ``scenario --help``."""
    from railcap.services.resilience import scenario_names

    try:
        names = scenario_names()
    except (OSError, ValueError):
        return "a scenario name from the scenario file, or a scenario FILE"
    return "a scenario FILE, or one of the named Dutch scenarios: " + ", ".join(names)


@app.command()
@user_errors
def scenario(name: str = typer.Argument(..., help=_scenario_help()),
             as_json: bool = typer.Option(False, "--json", help="machine output"),
             network: str = NetworkOpt, demand: Optional[Path] = DemandOpt, passenger: str = PassengerOpt,
             limits: bool = LimitsOpt,
             freight_factor: float = typer.Option(1.0, "--freight-factor", min=0.0,
                                                  help="scale every civil freight flow (e.g. 2 = doubled demand)")) -> None:
    """Run a named scenario (or every scenario in a file): worst case, recovery curve, resilience loss."""
    from railcap.services.resilience import check_scenario_name

    check_scenario_name(network, name)
    model, scen_doc = _model(network, demand, passenger, limits, freight_factor=freight_factor)
    reports = [model.scenario(s) for s in _pick_scenarios(model, name, scen_doc)]
    if as_json:
        print_json([r.to_dict() for r in reports])
        return
    for r in reports:
        _print_scenario(r)


@app.command()
@user_errors
def sweep(samples: int = typer.Option(..., "--samples", min=1, help="number of random samples"),
          failures: int = typer.Option(..., "--failures", min=1, help="elements out together in each sample"),
          seed: int = typer.Option(0, "--seed", help="seed; the same seed gives the same results anywhere"),
          scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                  help="address of a Dask scheduler; default a local cluster"),
          serial: bool = typer.Option(False, "--serial", help="run in this process, without Dask"),
          as_json: bool = typer.Option(False, "--json", help="machine output"),
          network: str = NetworkOpt, demand: Optional[Path] = DemandOpt, passenger: str = PassengerOpt) -> None:
    """Monte-Carlo sweep over random multiple failures, on Dask (local cluster by default) or serially."""
    from railcap.resilience.montecarlo import ModelSpec, sweep as run_sweep

    model, _ = _model(network, demand, passenger)
    spec = ModelSpec.of(model.network, model.demand, model.params)
    where = None if serial else (scheduler or "local")
    with _progress() as bar:
        task = bar.add_task(f"Monte Carlo ({'serial' if where is None else 'dask ' + where})", total=samples)
        rep = run_sweep(spec, samples, failures, seed, where, progress=lambda k: bar.advance(task, k))
    if as_json:
        print_json(rep.to_dict())
        return
    s = rep.summary()
    console.print(f"{s['samples']} samples × {failures} failures, seed {seed}, {s['scheduler']}: "
                  f"{s['seconds']} s ({s['samples_per_second']} samples/s)")
    console.print(f"unmet trains/day: {s['unmet_trains_per_day']}; samples with unmet demand: "
                  f"{s['share_with_unmet']:.0%}; military stopped in {s['share_military_stopped']:.0%}")
    table = Table(title="elements that hurt most when among the failed")
    for col in ("element", "mean unmet trains/day", "times drawn"):
        table.add_column(col)
    for e in s["most_harmful_elements"]:
        table.add_row(e["element"], f"{e['mean_unmet_trains_per_day']:.1f}", str(e["times_drawn"]))
    console.print(table)


@app.command("map")
@user_errors
def map_(output: Path = typer.Option(..., "-o", "--output", help="the HTML file to write"),
         network: str = NetworkOpt, demand: Optional[Path] = DemandOpt, passenger: str = PassengerOpt) -> None:
    """Write a self-contained HTML map of the network coloured by N-1 importance."""
    from railcap.resilience.mapview import importance_map_html

    model, _ = _model(network, demand, passenger)
    with _progress() as bar:
        task = bar.add_task("N-1 with rerouting", total=model.n1_cases())
        reports = model.rank(progress=lambda k: bar.advance(task, k))
    title = f"railcap resilience: {model.network.meta.get('name', network)}"
    output.write_text(importance_map_html(model.network, reports, title), encoding="utf-8")
    console.print(f"wrote {plain(output)} ({output.stat().st_size / 1024:.0f} kB)")

