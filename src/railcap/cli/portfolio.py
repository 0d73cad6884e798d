"""``railcap portfolio …``: the measures catalogue, evaluating measures, choosing the best set for a budget."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from railcap.cli._common import console, err_console, plain, print_json, user_errors

app = typer.Typer(no_args_is_help=True, help="Measures: the catalogue, their evaluation, the best set for a budget.")

NetworkOpt = typer.Option("nl", "--network", help="'nl' (embedded Dutch network) or 'sample' (small demo)")
CatalogueOpt = typer.Option(None, "--catalogue", help="measures YAML instead of the embedded one")
ScenarioOpt = typer.Option("base", "--scenario", help="demand scenario: base, low or high (growth)")
SpareOpt = typer.Option(False, "--spare-paths", help="also count spare military paths per NATO route on the "
                        "reference day, before and after (capacity engine; ≈20 s each)")
SchedulerOpt = typer.Option("local", "--scheduler",
                            help="'local' (Dask, two worker processes), 'serial', or a Dask scheduler ADDRESS")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True)


def _scheduler(value: str) -> str | None:
    return None if value == "serial" else value


def _eur(x: float) -> str:
    return f"€{x / 1e6:,.1f} M" if x else "—"


@app.command("list")
@user_errors
def list_(as_json: bool = typer.Option(False, "--json", help="machine output"),
          network: str = NetworkOpt, catalogue: Optional[Path] = CatalogueOpt) -> None:
    """Every measure by priority: cost (investment + 20 % reserve, VAT incl.), years, modelled effect."""
    # services.measures, not services.portfolio: listing needs no evaluation model (start-up time)
    from railcap.services.measures import catalogue as load_measures, catalogue_dict

    cat = load_measures(network, catalogue)
    if as_json:
        print_json(catalogue_dict(cat))
        return
    names = {0: "starter package only", 1: "1 reliable network", 2: "2 smooth corridors", 3: "3 first/last mile",
             4: "4 Betuweroute", 5: "5 safe, healthy surroundings"}
    for prio, ms in sorted(cat.by_priority().items()):
        table = Table(title=f"Priority {names.get(prio, prio)}", title_justify="left")
        for col in ("id", "measure", "funding", "total (incl. reserve)", "years", "effect"):
            table.add_column(col, overflow="fold")
        for m in ms:
            effect = ", ".join(type(e).__name__ for e in m.edits) if m.modelled else f"[dim]{m.not_modelled}[/]"
            table.add_row(m.id, m.name, m.funding.value, _eur(m.total_eur), f"{m.years[0]}–{m.years[1]}", effect)
        console.print(table)
    p = cat.programme
    console.print(f"budget {_eur(p.budget_eur)} incl. VAT; reserve {p.reserve_share:.0%} of the investment "
                  f"({p.source})")


@app.command()
@user_errors
def evaluate(measures: List[str] = typer.Argument(None, help="measure ids (none: every modelled measure)"),
             as_json: bool = typer.Option(False, "--json", help="machine output"),
             scenario: str = ScenarioOpt, scheduler: str = SchedulerOpt, spare: bool = SpareOpt,
             network: str = NetworkOpt, catalogue: Optional[Path] = CatalogueOpt) -> None:
    """Each measure on its own (and, with several, all together) on an edited copy of the model."""
    from railcap.services.portfolio import (evaluate_measures, evaluation_dict, load_setup, pick_measures,
                                            spare_military_paths)

    t0 = time.perf_counter()
    setup = load_setup(network, catalogue)
    with _progress() as bar:
        task = bar.add_task("evaluating", total=None)
        ev = evaluate_measures(setup, measures or [], scenario, _scheduler(scheduler),
                               progress=lambda k: bar.advance(task, k),
                               on_total=lambda n: bar.update(task, total=n))
    data = evaluation_dict(ev, setup)
    if spare:
        with _progress() as bar:
            bar.add_task("spare military paths (base, measures together)", total=None)
            data["spare_military_paths"] = {"base": spare_military_paths(setup, []),
                                            "measures": spare_military_paths(setup, pick_measures(setup.catalogue,
                                                                                                   measures or []))}
    data["seconds"] = round(time.perf_counter() - t0, 2)
    if as_json:
        print_json(data)
        return
    _print_spare(data.get("spare_military_paths"), "measures")
    table = Table(title=f"Indicators (demand {plain(scenario)}; {data['seconds']:.1f} s)")
    table.add_column("indicator")
    table.add_column("better")
    table.add_column("base", justify="right")
    cols = list(ev.singles) + (["together"] if ev.together else [])
    for c in cols:
        table.add_column(c, justify="right", overflow="fold")
    for row in data["changes"]:
        table.add_row(row["what"], row["better"], f"{row['base']:,.3f}",
                      *[f"{row['change'][c]:+,.3f}" if row["change"][c] else "·" for c in cols])
    console.print(table)
    skipped = [m for m in (measures or []) if m not in ev.singles]
    for m in skipped:
        console.print(f"[dim]{plain(m)}: not modelled ({plain(setup.catalogue.measures[m].not_modelled)}): scores nothing[/]")


@app.command()
@user_errors
def optimise(budget: Optional[float] = typer.Option(None, "--budget", help="EUR incl. VAT and reserve (default: "
                                                    "the catalogue's programme, 600e6)"),
             weights: Optional[str] = typer.Option(None, "--weights",
                                                   help="e.g. 'military=2,resilience=1,bottleneck_use=0.5'"),
             scenario: str = ScenarioOpt,
             policy: str = typer.Option("gestage-ontwikkeling", "--policy",
                                        help="gestage-ontwikkeling (no new lines) or maximale-ontwikkeling"),
             cash_per_year: Optional[float] = typer.Option(None, "--cash-per-year", help="yearly cash limit, EUR"),
             reserve: Optional[float] = typer.Option(None, "--reserve",
                                                     help="a fixed reserve kept from the budget, EUR (instead "
                                                          "of 20 % per measure)"),
             out: Optional[Path] = typer.Option(None, "-o", "--out",
                                                help="file stem for STEM-pareto.png, STEM-summary.html/.png"),
             as_json: bool = typer.Option(False, "--json", help="machine output"),
             scheduler: str = SchedulerOpt, spare: bool = SpareOpt, network: str = NetworkOpt,
             catalogue: Optional[Path] = CatalogueOpt) -> None:
    """The best set of measures for the budget (MILP on HiGHS), the Pareto front and a one-page summary."""
    from railcap.services.portfolio import appraisal_dict, load_setup, optimise as run, spare_military_paths

    t0 = time.perf_counter()
    setup = load_setup(network, catalogue)
    with _progress() as bar:
        task = bar.add_task("evaluating measures and pairs", total=None)
        a = run(setup, budget, weights, scenario, policy, cash_per_year, reserve, _scheduler(scheduler),
                progress=lambda k: bar.advance(task, k), on_total=lambda n: bar.update(task, total=n))
    data = appraisal_dict(a, setup, scenario)
    if spare:
        with _progress() as bar:
            bar.add_task("spare military paths (base, chosen set)", total=None)
            chosen = [setup.catalogue.measures[i] for i in a.choice.chosen]
            data["spare_military_paths"] = {"base": spare_military_paths(setup, []),
                                            "chosen": spare_military_paths(setup, chosen)}
    data["seconds"] = round(time.perf_counter() - t0, 2)
    data["files"] = [str(p) for p in _write_reports(data, out)] if out else []
    if as_json:
        print_json(data)
        return
    _print_choice(data)


def _write_reports(data: dict, out: Path) -> list[Path]:
    """The Pareto chart (PNG) and the one-page summary (HTML and PNG) under the file stem ``out``."""
    from railcap.viz.portfolio import pareto_png, summary_html, summary_png

    out.parent.mkdir(parents=True, exist_ok=True)
    paths = [out.with_name(out.name + s) for s in ("-pareto.png", "-summary.html", "-summary.png")]
    pareto_png(data, paths[0])
    summary_html(data, paths[1], paths[0].name)
    summary_png(data, paths[2])
    return paths


def _print_spare(spare: dict | None, key: str) -> None:
    if not spare:
        return
    base, new = spare["base"], spare[key]
    for route, n in base["per_route"].items():
        console.print(f"spare {base['consist']} paths on NATO route {route}: {n} → {new['per_route'][route]} per day")
    recomputed = new.get("blocking_times")
    if not recomputed:
        return
    console.print(f"blocking times recomputed on the edited network for {recomputed['recomputed_trains']} trains of "
                  f"the reference day ({len(recomputed['sections'])} sections)", highlight=False)
    table = Table(title="UIC 406 consumption, peak hour, on the edited sections")
    for col in ("line section", "change", "before", "after"):
        table.add_column(col, overflow="fold")
    for row in new["uic406"][:12]:
        pct = lambda v: "—" if v is None else f"{v:.1f} %"  # noqa: E731
        table.add_row(row["line_section"], row["change"], pct(row["peak_rate_pct_before"]),
                      pct(row["peak_rate_pct_after"]))
    console.print(table)


def _print_choice(data: dict) -> None:
    from railcap.viz.portfolio import adds_text

    verdict = {v["id"]: v for v in data["verdicts"]}
    table = Table(title=f"Chosen for {_eur(data['budget_eur'])} ({data['policy']}, demand {data['scenario']}): "
                        f"{_eur(data['cost_eur'])}, score {data['predicted_score']:.2f} predicted / "
                        f"{data['evaluated_score']:.2f} evaluated together")
    for col in ("measure", "cost", "score alone", "what it adds on its own"):
        table.add_column(col, overflow="fold")
    for c in data["chosen"]:
        v = verdict[c["id"]]
        table.add_row(c["name"], _eur(c["total_eur"]), f"{v['score']:.2f}", adds_text(v["adds"]) + f"\n[dim]{v['reason']}[/]")
    console.print(table)
    left = Table(title="Left out (with a cost)")
    for col in ("measure", "cost", "why"):
        left.add_column(col, overflow="fold")
    for v in sorted((v for v in data["verdicts"] if not v["chosen"] and v["total_eur"] > 0), key=lambda v: -v["score"]):
        left.add_row(v["name"], _eur(v["total_eur"]), v["reason"])
    console.print(left)
    _print_spare(data.get("spare_military_paths"), "chosen")
    console.print(f"{data['evaluations']} evaluations, {data['seconds']:.1f} s; Pareto front: {len(data['pareto'])} points")
    for f in data["files"]:
        console.print(f"wrote {plain(f)}")
