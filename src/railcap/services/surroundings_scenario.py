"""What a named resilience scenario does to the surroundings: its rerouted freight as noise and
dangerous goods on the reference day.

The scenario is answered by the one resilience model every face uses
(:func:`railcap.services.resilience.model`: the neighbours' lines and the diversion rules included);
its change of freight trains per section becomes traffic of the reference day's mix.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.timetable import TrainClass
from railcap.resilience.scenarios import scenarios_from_dict
from railcap.services import resilience
from railcap.services.surroundings import (DEFAULT_THRESHOLD_DB, Surroundings, SurroundingsReport, _dg_with_runs,
                                           _report, load)
from railcap.surroundings import dangerous_goods as dg
from railcap.surroundings import noise
from railcap.surroundings.noise import Passage, Period


def scenario_names() -> list[str]:
    """The named Dutch resilience scenarios, sorted."""
    return sorted(resilience.scenario_names())


def scenario_change(name: str, threshold_db: float = DEFAULT_THRESHOLD_DB,
                    ceilings_dba: Mapping[str, float] | None = None) -> SurroundingsReport:
    """The noise and dangerous-goods change of a named resilience scenario at its worst point.

    The resilience engine reroutes the freight demand under capacity; its change of freight
    trains per day per section (both directions) becomes traffic on the reference day:
    a section that gains trains gets that many trains of the mix that ran over the failed
    elements on the reference day (their consists, periods and dangerous goods, averaged);
    a section that loses trains loses that share of its own reference-day freight, and a
    failed section loses all of it. Speeds of the added trains: line speed capped by the train.
    """
    s = load()
    model, scen_doc = resilience.model("nl")
    known = scenarios_from_dict(scen_doc or {"scenarios": []}, model.network, list(model.demand.train_types),
                                "scenarios.json")
    if name not in known:
        raise ValidationError(Problem("scenario", "name", f"no scenario called '{name}'; known: {sorted(known)}"))
    sc = known[name]
    q_worst = min(q for _, q in sc.recovery)
    failure, changes = sc.at_service(q_worst)
    variant = model.with_demand_changes(changes)
    before = _section_trains(model.problem.macro, model.base.arc_flow)
    after = _section_trains(variant.problem.macro, variant.engine.solve(failure).arc_flow)
    delta = {sid: after.get(sid, 0.0) - before.get(sid, 0.0) for sid in set(before) | set(after)}
    failed_sections = set(failure.sections)
    if failure.ops:
        failed_sections |= {x.id for x in s.network.sections.values() if x.from_op in failure.ops or x.to_op in failure.ops}
    passages, dgs, notes = _scenario_traffic(s, delta, failed_sections, failure.ops | failure.terminal_ops)
    notes.insert(0, f"scenario '{name}' at its worst (service {q_worst:.0%}): {sc.description}")
    return _report(s, f"scenario {name}", passages, dgs, threshold_db, ceilings_dba, notes)


def _section_trains(macro: Any, arc_flow: np.ndarray) -> dict[str, float]:
    flow = macro.section_flow(arc_flow).sum(axis=1)
    return {sid: float(f) for sid, f in zip(macro.section_ids, flow)}


def _scenario_traffic(s: Surroundings, delta: Mapping[str, float], failed_sections: set[str], failed_ops: set[str]
                      ) -> tuple[list[Passage], list[dg.DgPassage], list[str]]:
    freight = [r for r in s.runs if r.train_class == TrainClass.FREIGHT]
    affected = [r for r in freight if any(leg.section_id in failed_sections for leg in r.legs)
                or r.origin in failed_ops or r.destination in failed_ops]
    basis = affected or freight
    # the diverted mix: per (consist, period) and per RID class, as shares of one train
    mix: dict[tuple[str, Period], float] = {}
    for r in basis:
        mid = ((r.departure_s + r.arrival_s) / 2.0) % noise.DAY_S
        key = (r.consist, noise.period_of_hour(mid / 3600.0, s.periods, f"train '{r.id}'"))
        mix[key] = mix.get(key, 0.0) + 1.0 / len(basis)
    dg_mix: dict[str, float] = {}
    for r in basis:
        c = s.classes.get(r.id)
        if c:
            dg_mix[c] = dg_mix.get(c, 0.0) + 1.0 / len(basis)
    ref_freight: dict[str, float] = {}
    freight_ids = {r.id for r in freight}
    for p in s.base_passages:
        if p.run_id in freight_ids:
            ref_freight[p.section_id] = ref_freight.get(p.section_id, 0.0) + p.trains
    keep = {}
    for sid in failed_sections:
        keep[sid] = 0.0
    for sid, d in delta.items():
        if sid in failed_sections or d >= -1e-9:
            continue
        have = ref_freight.get(sid, 0.0)
        keep[sid] = max(0.0, 1.0 + d / have) if have > 0 else 1.0
    passages = [p if p.run_id not in freight_ids or keep.get(p.section_id, 1.0) == 1.0
                else Passage(p.section_id, p.consist, p.period, p.speed_kmh, p.trains * keep[p.section_id], p.run_id)
                for p in s.base_passages]
    passages = [p for p in passages if p.trains > 0]
    dgs = [dg.DgPassage(p.section_id, p.rid_class, p.trains * (keep.get(p.section_id, 1.0) if r in freight_ids else 1.0))
           for p, r in _dg_with_runs(s)]
    dgs = [p for p in dgs if p.trains > 0]
    added = 0.0
    for sid, d in sorted(delta.items()):
        if d <= 1e-9 or sid in failed_sections:
            continue
        sec = s.network.sections[sid]
        added += d * sec.length_m / 1000.0
        for (consist, period), w in mix.items():
            v = min(3.6 * sec.max_speed_ms, s.max_speed_kmh.get(consist, math.inf))
            passages.append(Passage(sid, consist, period, v, d * w, "scenario"))
        dgs += [dg.DgPassage(sid, c, d * w) for c, w in dg_mix.items()]
    notes = [f"diverted mix: {len(basis)} reference-day freight trains over the failed elements "
             f"({', '.join(f'RID {c}: {w:.0%}' for c, w in sorted(dg_mix.items())) or 'no dangerous goods'} "
             f"of them carry dangerous goods)",
             f"{added:.0f} extra freight train-km per day placed on {sum(1 for d in delta.values() if d > 1e-9)} "
             f"sections; {len([k for k, v in keep.items() if v < 1.0])} sections lose freight"]
    return passages, dgs, notes
