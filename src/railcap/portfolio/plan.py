"""From a catalogue to a choice: evaluate, score, find interactions, optimise, check, explain.

1. Every modelled candidate is evaluated on its own against the base (one Dask task each).
2. **Interactions.** Two measures can only change each other's effect where their edits
   meet: their *footprints* (the points their edits touch: section ends, points given
   tracks, the ends of the flows a demand edit changes) share a point, or one requires
   the other. Of those pairs, the ones where at least one measure moves an indicator on
   its own are evaluated jointly and the difference from the sum enters the MILP; pairs
   with disjoint footprints, and pairs of two measures that each move nothing, are
   taken as additive (a route cleared in two halves by two measures would be missed:
   the catalogue's route measures each clear a whole route). The chosen set is then
   evaluated jointly and the report gives predicted and evaluated score side by side, so
   what the pairwise model misses (three-way effects, effects through the flow far away)
   is measured, not assumed.
3. **Score.** The change of each indicator against the base, in the direction that is
   better, divided by the largest change any evaluated set gives for that indicator
   (the best single or pair counts 1), times the user's weight, summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable, Sequence

from railcap.model.errors import Problem, ValidationError
from railcap.model.measures import (Catalogue, DemandShift, LongerTrains, Measure, Policy, SectionAdded,
                                    SectionEdit, StationTracksAdded, TracksAdded)
from railcap.portfolio.edits import ENDS_ABROAD
from railcap.portfolio.evaluate import DIRECTION, INDICATORS, Context, Evaluator, Indicators
from railcap.portfolio.optimise import Candidate, Choice, ParetoPoint, pareto_front, predicted_benefit, solve

#: groups of indicators a user may weigh at once
GROUPS: dict[str, tuple[str, ...]] = {
    "freight": ("unmet_trains_per_day", "betuweroute_share"),
    "capacity": ("bottleneck_use",),
    "resilience": ("scenario_loss_share", "critical_importance_km_per_train"),
    "military": ("military_served_trains_per_day", "military_disjoint_routes", "loading_sites_ready"),
}
DEFAULT_WEIGHTS = {k: 1.0 for k, (d, _, _) in DIRECTION.items() if d != 0}


def parse_weights(text: str | None) -> dict[str, float]:
    """``"military=2,resilience=1.5,bottleneck_use=0"`` -> weight per indicator (the rest keep 1).

    >>> parse_weights("military=2")["loading_sites_ready"], parse_weights(None)["bottleneck_use"]
    (2.0, 1.0)
    """
    weights = dict(DEFAULT_WEIGHTS)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        try:
            w = float(value)
        except ValueError:
            w = -1.0
        if not sep or w < 0:
            raise ValidationError(Problem("--weights", name or part, f"give NAME=WEIGHT with a weight ≥ 0, got {part!r}"))
        targets = GROUPS.get(name, (name,) if name in DEFAULT_WEIGHTS else ())
        if not targets:
            known = ", ".join([*GROUPS, *DEFAULT_WEIGHTS])
            raise ValidationError(Problem("--weights", name, f"unknown indicator or group (known: {known})"))
        for t in targets:
            weights[t] = w
    return weights


def delta(a: Indicators, base: Indicators) -> dict[str, float]:
    """Change of every scored indicator, signed so that positive is better."""
    return {k: DIRECTION[k][0] * (getattr(a, k) - getattr(base, k)) for k in INDICATORS if DIRECTION[k][0]}


@dataclass(frozen=True)
class Scorer:
    """Weights and the scale of each indicator (the largest change among the evaluated sets)."""

    weights: dict[str, float]
    scale: dict[str, float]

    @classmethod
    def of(cls, weights: dict[str, float], deltas: Sequence[dict[str, float]]) -> "Scorer":
        scale = {k: max([abs(d[k]) for d in deltas] + [0.0]) for k in weights}
        return cls(weights, scale)

    def parts(self, d: dict[str, float]) -> dict[str, float]:
        return {k: self.weights[k] * d[k] / self.scale[k] for k in self.weights if self.scale.get(k, 0.0) > 1e-12}

    def score(self, d: dict[str, float]) -> float:
        """Weighted, scaled sum, rounded to 0.001 (smaller differences are the LP's noise, not an effect)."""
        return round(sum(self.parts(d).values()), 3)


def footprint(m: Measure, flows_ends: dict[str | None, set[str]], sections_ends: dict[str, tuple[str, str]],
              short_ends: dict[str, set[str]]) -> set[str]:
    """The points a measure's edits touch (see the module docstring).

    Longer trains touch the ends of their flows that cannot hold the longer train yet
    (``short_ends``): tracks added there change which flows convert; their routes'
    length limits are other measures' section edits, met through those sections' ends.
    """
    out: set[str] = set()
    for e in m.edits:
        if isinstance(e, (SectionEdit, TracksAdded)):
            for sid in e.sections:
                out |= set(sections_ends[sid])
        elif isinstance(e, SectionAdded):
            out |= {e.from_op, e.to_op}
        elif isinstance(e, StationTracksAdded):
            out.add(e.op)
        elif isinstance(e, DemandShift):
            ends = {x for x in (e.origin, e.destination) if x}
            out |= ends or flows_ends.get(e.train_type, set())
        elif isinstance(e, LongerTrains):
            out |= short_ends.get(e.train_type, set())
    return out


def interacting_pairs(measures: Sequence[Measure], ctx: Context) -> list[tuple[str, str]]:
    """Pairs of modelled measures whose footprints meet (border points, where every flow ends, do not
    count), that lengthen the same train type, or one of which requires the other."""
    flows_ends: dict[str | None, set[str]] = {None: set()}
    for f in ctx.demand.flows:
        flows_ends.setdefault(f.train_type, set()).update((f.origin, f.destination))
        flows_ends[None].update((f.origin, f.destination))
    ends = {s.id: (s.from_op, s.to_op) for s in ctx.network.sections.values()}
    short: dict[str, set[str]] = {}
    for m in measures:
        for e in m.edits:
            if isinstance(e, LongerTrains):
                short.setdefault(e.train_type, set()).update(
                    o for o in flows_ends.get(e.train_type, set())
                    if ctx.network.ops[o].kind not in ENDS_ABROAD and not ctx.network.ops[o].can_hold(e.length_m))
    abroad = {o for o, p in ctx.network.ops.items() if p.kind in ENDS_ABROAD}
    fp = {m.id: footprint(m, flows_ends, ends, short) - abroad for m in measures}
    lengthens = {m.id: {e.train_type for e in m.edits if isinstance(e, LongerTrains)} for m in measures}
    out = []
    for a, b in combinations(measures, 2):
        if (fp[a.id] & fp[b.id] or lengthens[a.id] & lengthens[b.id] or a.id in b.requires
                or b.id in a.requires):
            out.append(tuple(sorted((a.id, b.id))))
    return sorted(out)


@dataclass(frozen=True)
class Verdict:
    """What happened to one measure, in words."""

    id: str
    name: str
    chosen: bool
    cost_eur: float
    score: float  # on its own
    reason: str
    adds: dict[str, float] = field(default_factory=dict)  # indicator changes on its own (raw units, signed as is)


@dataclass(frozen=True)
class Appraisal:
    """The whole answer: base, evaluations, the choice, its check, the front, the verdicts."""

    base: Indicators
    singles: dict[str, Indicators]
    pairs: dict[tuple[str, str], Indicators]
    scorer: Scorer
    candidates: tuple[Candidate, ...]
    interactions: dict[tuple[str, str], float]
    choice: Choice
    chosen_indicators: Indicators | None
    evaluated_score: float
    front: tuple[ParetoPoint, ...]
    verdicts: tuple[Verdict, ...]
    budget_eur: float
    cash_limit_eur: float | None
    policy: str
    evaluations: int  # measure sets evaluated (a set asked for twice is evaluated once)


def _reason_left_out(m: Measure, cand: dict[str, Candidate], choice: Choice, policy: Policy | None,
                     budget: float, scored: dict[str, float], interactions: dict[tuple[str, str], float]) -> str:
    """Why a measure is not in the chosen set, in one line."""
    if not m.candidate:
        return {"already_funded": "already funded: not paid from this budget",
                "research_budget": "paid from the research budget",
                "to_be_decided": "amount to be decided: cannot be weighed yet",
                "not_applicable": "no budget needed (N.v.t.)"}.get(m.funding.value, m.funding.value)
    if policy is not None and set(m.tags) & set(policy.exclude_tags):
        return f"not allowed under '{policy.name}' ({policy.description.split(':')[0]})"
    if not m.modelled:
        return f"scores nothing: not modelled ({m.not_modelled})"
    if m.id not in cand:
        return "not on offer"
    own = scored.get(m.id, 0.0)
    partners = {(b if a == m.id else a): d for (a, b), d in interactions.items() if m.id in (a, b)}
    with_chosen = own + sum(d for p, d in partners.items() if p in choice.chosen)
    if own < -1e-9 and with_chosen <= 1e-9:
        return f"worse on balance (score {own:.2f}): it loses on some indicators more than it gains on others"
    if with_chosen <= 1e-9 and own > 1e-9:
        overlap = ", ".join(p for p, d in partners.items() if p in choice.chosen and d < 0)
        return f"adds nothing next to the chosen {overlap} (their effects overlap)"
    if with_chosen <= 1e-9:
        return "no indicator moves, on its own or with a partner measure"
    left = budget - choice.cost
    if m.total_eur > left + 1e-6:
        return (f"does not fit: needs EUR {m.total_eur / 1e6:.0f} M, EUR {left / 1e6:.0f} M left; the chosen "
                f"measures give more per euro")
    return "kept out by a dependency, an exclusion or the yearly cash limit"


def appraise(ctx: Context, catalogue: Catalogue, budget_eur: float, weights: dict[str, float],
             policy: str | None = None, cash_limit_eur: float | None = None, scheduler: str | None = None,
             progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
             pareto: bool = True) -> Appraisal:
    """Evaluate, score, optimise and check; see the module docstring."""
    pol = catalogue.policies.get(policy) if policy else None
    if policy and pol is None:
        raise ValidationError(Problem("--policy", policy, f"unknown policy (known: {', '.join(catalogue.policies)})"))
    allowed = [m for m in catalogue.measures.values()
               if m.candidate and not (pol and set(m.tags) & set(pol.exclude_tags))]
    modelled = [m for m in allowed if m.modelled]
    by_id = catalogue.measures
    if on_total:
        on_total(1 + len(modelled) + len(interacting_pairs(modelled, ctx)) + 1)
    with Evaluator(ctx, scheduler) as ev:
        results = ev.run([[]] + [[m] for m in modelled], progress)
        base = results[0]
        singles = {m.id: r for m, r in zip(modelled, results[1:])}
        moved = {k for k, r in singles.items() if r != base}
        pairs = [p for p in interacting_pairs(modelled, ctx) if p[0] in moved or p[1] in moved]
        joint = dict(zip(pairs, ev.run([[by_id[a], by_id[b]] for a, b in pairs], progress)))
        scorer = Scorer.of(weights, [delta(r, base) for r in [*singles.values(), *joint.values()]])
        single_score = {k: scorer.score(delta(r, base)) for k, r in singles.items()}
        interactions = {}
        for (a, b), r in joint.items():
            d = scorer.score(delta(r, base)) - single_score[a] - single_score[b]
            if abs(d) >= 1e-3:
                interactions[(a, b)] = round(d, 3)
        candidates = tuple(Candidate(m.id, m.total_eur, single_score.get(m.id, 0.0), m.cash_per_year_eur(),
                                     m.requires, m.excludes) for m in allowed)
        choice = solve(candidates, budget_eur, interactions, cash_limit_eur)
        chosen_ind = ev.run([[by_id[i] for i in choice.chosen]])[0] if choice.chosen else base
    if progress:
        progress(1)
    evaluated = scorer.score(delta(chosen_ind, base))
    front = tuple(pareto_front(candidates, interactions, cash_limit_eur)) if pareto else ()
    cand = {c.id: c for c in candidates}
    verdicts = []
    for m in catalogue.measures.values():
        own = singles.get(m.id)
        adds = {k: round(getattr(own, k) - getattr(base, k), 6) for k in INDICATORS
                if own is not None and abs(getattr(own, k) - getattr(base, k)) > 1e-9}
        if m.id in choice.chosen:
            partners = [b if a == m.id else a for (a, b) in interactions if m.id in (a, b)
                        and (b if a == m.id else a) in choice.chosen]
            reason = f"score {single_score.get(m.id, 0.0):.2f} on its own" + (
                f"; works together with {', '.join(partners)}" if partners else "")
        else:
            reason = _reason_left_out(m, cand, choice, pol, budget_eur, single_score, interactions)
        verdicts.append(Verdict(m.id, m.name, m.id in choice.chosen, m.total_eur, single_score.get(m.id, 0.0),
                                reason, adds))
    return Appraisal(base, singles, joint, scorer, candidates, interactions, choice, chosen_ind, evaluated,
                     front, tuple(verdicts), budget_eur, cash_limit_eur, policy or "", len(ev.done))


def predicted(appraisal: Appraisal) -> float:
    return predicted_benefit(appraisal.choice.chosen, appraisal.candidates, appraisal.interactions)
