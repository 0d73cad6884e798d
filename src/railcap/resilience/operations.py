"""What operators can actually run on a diversion: stated rules with a time ramp.

Track capacity is not the only limit on rerouting. A train that would be rerouted also
needs a driver who knows the alternative route, a locomotive for the alternative's power
supply and one for its train protection. Each rule gives the share of rerouted trains
that can run, by day since the closure began (a ramp: few on day 1, more after a week,
all after a month), and says when it applies:

* ``every``: every rerouted train (route knowledge);
* ``power``: the failed lines and the lines the trains are rerouted over have different
  power supplies (25 kV AC ↔ 1.5 kV DC);
* ``protection``: they have different train protection (ETCS only ↔ ATB).

The divertible share is the product of the shares of the rules that apply; the rest of
the rerouted trains are lost. (Train length on the alternative is no rule here: a train
longer than a section allows may not use it at all, in the rerouting LP as everywhere.)

>>> rules = rules_from_dict({"rules": [{"id": "rk", "applies": "every", "ramp": [[0, 0.5], [10, 1.0]]}]})
>>> rules.rules[0].share(0), rules.rules[0].share(5), rules.rules[0].share(40)
(0.5, 0.75, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Electrification, Section, TrainProtection

APPLIES = ("every", "power", "protection")


@dataclass(frozen=True)
class DiversionRule:
    id: str
    applies: str  # "every" | "power" | "protection"
    ramp: tuple[tuple[float, float], ...]  # (day, share that can be diverted)
    text: str = ""
    source: str = ""

    def share(self, day: float) -> float:
        """The share of rerouted trains this rule lets run on ``day`` (linear between points)."""
        t = [p[0] for p in self.ramp]
        q = [p[1] for p in self.ramp]
        return float(np.interp(day, t, q))


def _supplies(secs: Iterable[Section]) -> set[Electrification]:
    return {s.electrification for s in secs if s.electrification != Electrification.NONE}


def _etcs_only(s: Section) -> bool:
    return s.protection in (TrainProtection.ETCS_L1, TrainProtection.ETCS_L2)


@dataclass(frozen=True)
class DiversionRules:
    rules: tuple[DiversionRule, ...] = ()

    @property
    def days(self) -> tuple[float, ...]:
        """Every day a rule's share changes slope (where a scenario is evaluated in addition to its recovery points)."""
        return tuple(sorted({p[0] for r in self.rules for p in r.ramp}))

    def applicable(self, failed: Iterable[Section], rerouted_over: Iterable[Section]) -> tuple[DiversionRule, ...]:
        """The rules that apply to trains taken off ``failed`` sections and run over ``rerouted_over``."""
        failed, over = list(failed), list(rerouted_over)
        out = []
        for r in self.rules:
            if r.applies == "every":
                out.append(r)
            elif r.applies == "power" and _supplies(over) - _supplies(failed) and _supplies(failed):
                out.append(r)
            elif r.applies == "protection" and ({_etcs_only(s) for s in over} - {_etcs_only(s) for s in failed}):
                out.append(r)
        return tuple(out)

    @staticmethod
    def divertible(rules: Iterable[DiversionRule], day: float) -> float:
        """The share of rerouted trains that can run on ``day`` under all the given rules."""
        share = 1.0
        for r in rules:
            share *= r.share(day)
        return share


def rules_from_dict(data: dict[str, Any], label: str = "diversion rules") -> DiversionRules:
    """Validate a diversion-rules document (see ``diversion_rules.json``)."""
    problems: list[Problem] = []
    rules = []
    for i, rec in enumerate(data.get("rules") or []):
        el = f"{label} rules[{i}]" + (f" '{rec.get('id')}'" if isinstance(rec, dict) and rec.get("id") else "")
        if not isinstance(rec, dict) or not rec.get("id"):
            problems.append(Problem(el, "id", "each rule needs an id"))
            continue
        if rec.get("applies") not in APPLIES:
            problems.append(Problem(el, "applies", f"use one of {list(APPLIES)}, got {rec.get('applies')!r}"))
        ramp = rec.get("ramp")
        ok = isinstance(ramp, list) and len(ramp) >= 1 and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                                 for v in p) for p in ramp)
        if not ok:
            problems.append(Problem(el, "ramp", "give [day, share] points"))
            continue
        if any(b[0] < a[0] for a, b in zip(ramp[:-1], ramp[1:])) or any(not 0 <= p[1] <= 1 for p in ramp) \
                or ramp[0][0] != 0:
            problems.append(Problem(el, "ramp", "days start at 0 and do not decrease; shares lie between 0 and 1"))
            continue
        rules.append(DiversionRule(str(rec["id"]), str(rec.get("applies")), tuple((float(a), float(b)) for a, b in ramp),
                                   str(rec.get("text", "")), str(rec.get("source", ""))))
    if problems:
        raise ValidationError(problems)
    return DiversionRules(tuple(rules))
