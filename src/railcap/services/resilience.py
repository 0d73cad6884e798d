"""The resilience use case every face shares: load the network, demand, neighbours' lines, diversion
rules and passenger load, and build the :class:`~railcap.resilience.analysis.ResilienceModel`.

The CLI (``railcap resilience …``) and the web pages call :func:`model`; the engine never reads files.

>>> m, scenarios = model("sample")
>>> round(m.problem.total_demand, 1), sorted(s["name"] for s in scenarios["scenarios"])[:2]
(36.0, ['junction-b-sabotaged', 'main-line-cut'])
"""

from __future__ import annotations

from pathlib import Path

from railcap.model.errors import Problem, RailcapError
from railcap.resilience.analysis import ResilienceModel

PASSENGER = ("auto", "timetable", "demand", "none")


def model(network: str = "nl", demand: Path | None = None, passenger: str = "auto", limits: bool = True,
          day: float = 0.0, freight_factor: float = 1.0) -> tuple[ResilienceModel, dict | None]:
    """(model, scenario document or None) for ``--network nl|sample``.

    ``passenger``: capacity is shared with the reference weekday's passenger trains by insertion
    (``timetable``; ``auto`` on nl), the demand file's flat load (``demand``; ``auto`` elsewhere) or
    nothing (``none``). ``limits``: apply the Dutch diversion rules (route knowledge, locomotives) as on
    ``day``. ``freight_factor`` scales every civil freight flow. On nl the neighbours' lines beyond the
    crossings are always in.
    """
    from railcap.resilience.demand import DemandChange, demand_from_dict, load_demand
    from railcap.resilience.embedded import (diversion_rules, foreign_network, network_and_files,
                                             reference_passenger_load)

    if passenger not in PASSENGER:
        raise RailcapError(Problem("--passenger", "value",
                                   f"use 'timetable', 'demand', 'none' or 'auto', got {passenger!r}"))
    if passenger == "timetable" and network != "nl":
        raise RailcapError(Problem("--passenger", "timetable", "the reference weekday runs on the Dutch network "
                                   "only; use --passenger demand"))
    net, demand_doc, scen_doc = network_and_files(network)
    d = load_demand(demand, net) if demand else demand_from_dict(demand_doc, net, "freight_demand.json")
    if network == "nl" and d.crossings is not None:
        d = d.with_foreign(foreign_network(net.ops))
    if freight_factor != 1.0:
        d = d.scaled([DemandChange(None, None, None, freight_factor, source="--freight-factor")])
    if passenger == "timetable" or (passenger == "auto" and network == "nl"):
        d = d.with_passenger(reference_passenger_load(net))
    elif passenger == "none":
        from railcap.model.timetable import Timetable
        from railcap.resilience.passenger import timetable_load

        d = d.with_passenger(timetable_load(Timetable(()), net, source="no passenger trains"))
    rules = diversion_rules() if limits and network == "nl" else None
    return ResilienceModel(net, d, rules=rules, day=day), scen_doc
