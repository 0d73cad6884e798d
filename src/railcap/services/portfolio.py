"""Portfolio use cases: evaluate a set of measures, choose the best set for a budget (listing the
catalogue is :mod:`railcap.services.measures`, which loads none of the evaluation model).

Loads the network, the freight demand (with the reference weekday's passenger load),
the named scenarios and the measures catalogue, builds the evaluation context and
hands it to the engine in :mod:`railcap.portfolio`. Every face calls these functions.

``network="sample"`` runs on the small made-up network of
:mod:`railcap.portfolio.samples` (no data files), for tests and demonstrations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from railcap.capacity import consumption_report, hour_bands, spare_paths
from railcap.data.measures import budget_problems
from railcap.data.reference import load_reference_timetable
from railcap.data.rolling_stock import load_catalogue as load_rolling_stock
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.measures import Catalogue, Measure, SectionEdit, TracksAdded
from railcap.model.timetable import Timetable
from railcap.occupancy import OccupationTable
from railcap.occupancy.runs import timetable_occupations
from railcap.portfolio.edits import apply_network, growth
from railcap.portfolio.evaluate import DIRECTION, INDICATORS, Context, Indicators, build_context, evaluate_many
from railcap.portfolio.plan import Appraisal, appraise, parse_weights
from railcap.services import capacity as cap
from railcap.services.measures import BETUWEROUTE, NATO_CROSSINGS, measure_dict  # noqa: F401 (re-exported)
from railcap.services.measures import Base
from railcap.services.measures import base as measures_base

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Setup(Base):
    """What the portfolio commands work on: the measures' base with the passenger load in the demand (on
    nl) and the scenario document read into scenarios."""

    scenarios: tuple = ()


def load_setup(network: str = "nl", catalogue: str | Path | None = None) -> Setup:
    """Network, demand (with the reference weekday's passenger load on nl), scenarios and the checked
    catalogue (routes resolved into sections)."""
    from railcap.resilience.scenarios import scenarios_from_dict

    b = measures_base(network, catalogue)
    demand = b.demand
    if network == "nl":
        from railcap.services.resilience import reference_passenger_load

        demand = demand.with_passenger(reference_passenger_load(b.network))
    scenarios = tuple(scenarios_from_dict(b.scenarios_doc, b.network, list(demand.train_types)).values())
    return Setup(**{**vars(b), "demand": demand}, scenarios=scenarios)


def context(setup: Setup, scenario: str = "base") -> Context:
    """The evaluation context under a demand scenario (its own base: critical sections, bottlenecks)."""
    demand = setup.demand
    if scenario != "base":
        sc = setup.catalogue.demand_scenarios.get(scenario)
        if sc is None:
            known = ", ".join(["base", *setup.catalogue.demand_scenarios])
            raise ValidationError(Problem("--scenario", scenario, f"unknown demand scenario (known: {known})"))
        demand = growth(demand, sc.factor, sc.source)
    return build_context(setup.network, demand, setup.scenarios, setup.betuweroute, setup.crossings)


def pick_measures(catalogue: Catalogue, ids: Sequence[str]) -> list[Measure]:
    """The measures named (all modelled ones when none is named); unknown ids are one clear error."""
    if not ids:
        return [m for m in catalogue.measures.values() if m.modelled]
    unknown = [i for i in ids if i not in catalogue.measures]
    if unknown:
        raise ValidationError([Problem("measure", i, "not in the catalogue (see `railcap portfolio list`)")
                               for i in unknown])
    return [catalogue.measures[i] for i in ids]


@dataclass(frozen=True)
class Evaluation:
    """The base, each measure on its own, and (with more than one) the set together."""

    base: Indicators
    singles: dict[str, Indicators]
    together: Indicators | None
    scenario: str


def evaluate_measures(setup: Setup, ids: Sequence[str], scenario: str = "base", scheduler: str | None = None,
                      progress: Progress | None = None, on_total: Progress | None = None) -> Evaluation:
    """Evaluate each named measure on its own and, when several are named, all of them together."""
    measures = pick_measures(setup.catalogue, ids)
    ctx = context(setup, scenario)
    modelled = [m for m in measures if m.modelled]
    sets = [[]] + [[m] for m in modelled] + ([modelled] if len(ids) > 1 and len(modelled) > 1 else [])
    if on_total:
        on_total(len(sets))
    res = evaluate_many(ctx, sets, scheduler, progress)
    singles = {m.id: r for m, r in zip(modelled, res[1:1 + len(modelled)])}
    together = res[-1] if len(sets) > 1 + len(modelled) else None
    return Evaluation(res[0], singles, together, scenario)


def optimise(setup: Setup, budget_eur: float | None = None, weights: str | None = None, scenario: str = "base",
             policy: str | None = "gestage-ontwikkeling", cash_limit_eur: float | None = None,
             reserve_eur: float | None = None, scheduler: str | None = None, progress: Progress | None = None,
             on_total: Progress | None = None) -> Appraisal:
    """The best set for the budget (default: the catalogue's programme budget) under the policy direction."""
    budget = setup.catalogue.programme.budget_eur if budget_eur is None else budget_eur
    reserve = reserve_eur if reserve_eur is not None else setup.catalogue.programme.reserve_eur
    problems = budget_problems(budget, reserve, "--budget")
    if cash_limit_eur is not None and cash_limit_eur <= 0:
        problems.append(Problem("--cash-per-year", "value", f"must be > 0, got {cash_limit_eur}"))
    if problems:
        raise ValidationError(problems)
    w = parse_weights(weights)
    cat = setup.catalogue
    if reserve is not None:  # a fixed reserve kept apart: measures then cost their investment only
        cat = replace(cat, measures={k: replace(m, reserve_eur=0.0) for k, m in cat.measures.items()})
        budget -= reserve
    return appraise(context(setup, scenario), cat, budget, w, policy, cash_limit_eur, scheduler, progress, on_total)


# ------------------------------------------------------------------ plain data for --json and the summary


def indicators_table(base: Indicators, rows: dict[str, Indicators]) -> list[dict]:
    """Per indicator: unit, direction, base value and each row's change."""
    out = []
    for k in INDICATORS:
        d, unit, what = DIRECTION[k]
        out.append({"indicator": k, "what": what, "unit": unit,
                    "better": {1: "higher", -1: "lower", 0: "reported"}[d], "base": getattr(base, k),
                    "change": {r: round(getattr(v, k) - getattr(base, k), 6) for r, v in rows.items()}})
    return out


def evaluation_dict(ev: Evaluation, setup: Setup) -> dict:
    rows = dict(ev.singles)
    if ev.together is not None:
        rows["together"] = ev.together
    return {"network": setup.network_name, "scenario": ev.scenario, "base": ev.base.to_dict(),
            "measures": {k: v.to_dict() for k, v in ev.singles.items()},
            "together": ev.together.to_dict() if ev.together else None,
            "changes": indicators_table(ev.base, rows)}


def appraisal_dict(a: Appraisal, setup: Setup, scenario: str, seconds: float | None = None) -> dict:
    by_id = setup.catalogue.measures
    return {
        "network": setup.network_name, "scenario": scenario, "policy": a.policy,
        "budget_eur": a.budget_eur, "cash_limit_eur": a.cash_limit_eur,
        "chosen": [{"id": i, "name": by_id[i].name, "total_eur": by_id[i].total_eur,
                    "investment_eur": by_id[i].investment_eur, "reserve_eur": by_id[i].reserve_eur,
                    "years": list(by_id[i].years)} for i in a.choice.chosen],
        "cost_eur": a.choice.cost, "predicted_score": round(a.choice.benefit, 6),
        "evaluated_score": round(a.evaluated_score, 6),
        "base": a.base.to_dict(), "chosen_indicators": a.chosen_indicators.to_dict() if a.chosen_indicators else None,
        "weights": a.scorer.weights, "scale": a.scorer.scale,
        "interactions": [{"pair": list(k), "score": v} for k, v in sorted(a.interactions.items())],
        "pareto": [{"cost_eur": p.cost, "score": round(p.benefit, 6), "chosen": list(p.chosen)} for p in a.front],
        "verdicts": [{"id": v.id, "name": v.name, "chosen": v.chosen, "total_eur": v.cost_eur, "score": v.score,
                      "reason": v.reason, "adds": v.adds} for v in a.verdicts],
        "evaluations": a.evaluations, "seconds": None if seconds is None else round(seconds, 2),
        "method": ("each modelled candidate evaluated on its own; pairs whose edits share a point evaluated "
                   "jointly (interaction = joint score - both singles); other pairs taken as additive; the "
                   "chosen set evaluated jointly (evaluated_score) to show what the pairwise model misses"),
    }


# ------------------------------------------------------------------ spare military paths (capacity engine)

#: the consist the spare military paths are counted for (rolling-stock catalogue)
SPARE_CONSIST = "military-heavy"


#: section attributes whose change moves the blocking times of the trains that run there
BLOCKING_ATTRIBUTES = ("etcs_block_m", "speed_kmh")


def blocking_sections(measures: Sequence[Measure]) -> dict[str, str]:
    """The sections whose blocks, signalling, speed or tracks the measures change: section id -> what
    changes there (the first measure that changes it)."""
    out: dict[str, str] = {}
    for m in measures:
        for e in m.edits:
            if isinstance(e, SectionEdit) and e.attribute in BLOCKING_ATTRIBUTES:
                what = f"{m.id}: {e.attribute} {e.value}"
            elif isinstance(e, TracksAdded):
                what = f"{m.id}: {e.tracks} more tracks"
            else:
                continue
            for sid in e.sections:
                out.setdefault(sid, what)
    return out


@dataclass(frozen=True)
class EditedDay:
    """The reference weekday's blocking times on a network the measures edited."""

    network: Network
    table: OccupationTable
    sections: dict[str, str]  # see blocking_sections
    recomputed: tuple[str, ...]  # the trains whose blocking times were recomputed


def edited_day(setup: Setup, measures: Sequence[Measure]) -> EditedDay:
    """The day on the edited network: every train that runs over a section whose blocks, signalling,
    speed or tracks a measure changes gets its running and blocking times recomputed there
    (``occupancy.runs.timetable_occupations``, the physics and block layout of the edited sections);
    the other trains keep the shipped day's (recomputing them on the unedited network gives the
    same blocking times to the last bit, tested). Trains keep their track (lane): added tracks are
    free capacity, used by new paths."""
    net = apply_network(setup.network, measures)
    day = cap.day_occupations()
    sections = blocking_sections(measures)
    if not sections:
        return EditedDay(net, day, {}, ())
    runs = tuple(r for r in load_reference_timetable().runs if any(g.section_id in sections for g in r.legs))
    ids = tuple(r.id for r in runs)
    again = timetable_occupations(Timetable(runs), net, load_rolling_stock())
    return EditedDay(net, OccupationTable.concat([day[~np.isin(day.train_id, ids)], again]), sections, ids)


def uic406_change(setup: Setup, day: EditedDay) -> list[dict]:
    """UIC 406 consumption (peak hour of the operating day) of the line sections on the edited sections,
    before and after: busiest first."""
    ids = sorted(day.sections)
    before = {x.line_section: x for x in consumption_report(setup.network, cap.day_occupations(), sections=ids).loads}
    after = {x.line_section: x for x in consumption_report(day.network, day.table, sections=ids).loads}
    rows = []
    for ls in sorted(set(before) | set(after), key=lambda k: -(before[k].peak.rate if k in before else 0.0)):
        b, a = before.get(ls), after.get(ls)
        x = a or b
        rows.append({"line_section": ls, "section": x.section_id, "change": day.sections[x.section_id],
                     "peak_trains": (b or a).peak.trains,
                     "peak_rate_pct_before": None if b is None else round(b.peak.rate * 100, 1),
                     "peak_rate_pct_after": None if a is None else round(a.peak.rate * 100, 1)})
    return rows


def spare_military_paths(setup: Setup, measures: Sequence[Measure], consist: str = SPARE_CONSIST,
                         routes: Sequence[str] | None = None, window: str | None = None) -> dict:
    """Extra paths of a military consist that still fit per NATO route on the reference day, with the
    measures applied (the capacity engine's repeated insertion with the path search, one-hour bands of
    ``window``, default the whole day). Where a measure changes blocks, signalling, speed or tracks the
    day's trains there are recomputed on the edited network first (:func:`edited_day`), and the UIC 406
    consumption of those line sections is given before and after."""
    if setup.network_name != "nl":
        raise ValidationError(Problem("--spare-paths", "network", "needs the reference day: only --network nl"))
    c = cap.consist(consist)
    corridors = cap.nato_routes() if routes is None else {r: cap.nato_route(r) for r in routes}
    a, b = cap.parse_window(window) if window else (0.0, 86_400.0)
    bands = hour_bands(a, b)
    day = edited_day(setup, measures)
    doc: dict = {"computed": True, "consist": consist, "window": f"{cap.clock(a)}-{cap.clock(b)}",
                 "per_route": {name: spare_paths(day.network, day.table, corridor, c, bands).total
                               for name, corridor in corridors.items()}}
    if day.sections:
        doc["blocking_times"] = {
            "recomputed_trains": len(day.recomputed), "sections": day.sections,
            "method": "the trains over the edited sections: running and blocking times recomputed on the edited "
                      "network (physics, block layout); the others as shipped; trains keep their track"}
        doc["uic406"] = uic406_change(setup, day)
    return doc
