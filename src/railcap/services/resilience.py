"""The resilience use case every face shares: load the network, demand, neighbours' lines, diversion
rules and passenger load, and build the :class:`~railcap.resilience.analysis.ResilienceModel`.

The CLI (``railcap resilience …``), the web pages and the surroundings' scenarios call :func:`model`;
the engine never reads files: every embedded file is read here and handed to it.

>>> m, scenarios = model("sample")
>>> round(m.problem.total_demand, 1), sorted(s["name"] for s in scenarios["scenarios"])[:2]
(36.0, ['junction-b-sabotaged', 'main-line-cut'])
>>> demand_file().name, "emmerich-closed" in scenario_names()
('freight_demand.json', True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from railcap.data.embedded import embedded_path, load_network
from railcap.data.reference import load_reference_timetable
from railcap.model.errors import InputFileError, Problem, RailcapError
from railcap.model.infrastructure import Network
from railcap.model.occupation import OccupationTable
from railcap.model.timetable import Timetable, TrainClass
from railcap.occupancy import FreeIntervalIndex
from railcap.resilience.demand import Demand, DemandChange, demand_from_dict
from railcap.resilience.foreign import ForeignNetwork, foreign_from_dict
from railcap.resilience.operations import DiversionRules, rules_from_dict
from railcap.resilience.passenger import PassengerLoad, timetable_load
from railcap.resilience.samples import demo_demand_dict, demo_network, demo_scenarios_dict
from railcap.services.day_cache import day_blocking

if TYPE_CHECKING:
    from railcap.resilience.analysis import ResilienceModel
    from railcap.resilience.scenarios import Scenario

PASSENGER = ("auto", "timetable", "demand", "none")


def demand_file() -> Path:
    """The embedded Dutch freight demand (train types, flows, military, crossings)."""
    return embedded_path("freight_demand.json")


def scenarios_file() -> Path:
    """The embedded named Dutch scenarios."""
    return embedded_path("scenarios.json")


def foreign_file() -> Path:
    """The embedded neighbours' lines beyond the Dutch crossings."""
    return embedded_path("foreign_network.json")


def _read(path: Path) -> Any:
    """A JSON file; one that cannot be read or parsed is an InputFileError naming it."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputFileError(Problem(str(path), "-", f"cannot read as JSON: {exc}")) from None


def load_demand(path: str | Path, network: Network) -> Demand:
    """Read and validate a demand JSON file (see the embedded Dutch file for the format)."""
    return demand_from_dict(_read(Path(path)), network, label=Path(path).name)


def load_scenarios(path: str | Path, network: Network, train_types: Iterable[str] | None = None) -> dict[str, Scenario]:
    """Read and validate a scenario JSON file."""
    # imported here, not at the top: the scenarios import the flow engine (scipy, HiGHS), which the
    # file helpers above (the measures catalogue's `portfolio list`) do not need (start-up time)
    from railcap.resilience.scenarios import scenarios_from_dict

    return scenarios_from_dict(_read(Path(path)), network, train_types, label=Path(path).name)


def foreign_network(dutch_ops: Iterable[str]) -> ForeignNetwork:
    """The embedded neighbours' networks beyond the Dutch crossings (validated against the Dutch op ids)."""
    return foreign_from_dict(_read(foreign_file()), set(dutch_ops), "foreign_network.json")


def diversion_rules() -> DiversionRules:
    """The embedded rules on what operators can run on a diversion (route knowledge, locomotives)."""
    return rules_from_dict(_read(embedded_path("diversion_rules.json")), "diversion_rules.json")


def scenario_names() -> list[str]:
    """The names of the embedded Dutch scenarios, in file order."""
    doc = _read(scenarios_file())
    return [s["name"] for s in doc.get("scenarios", []) if isinstance(s, dict) and "name" in s]


def reference_passenger_load(network: Network, params=None) -> PassengerLoad:
    """The passenger load of the shipped reference weekday, per section, operating hour, direction and lane,
    with the freight paths left between its trains by insertion."""
    table, classes = day_blocking()
    passenger = np.array([classes.get(t) == TrainClass.PASSENGER.value for t in table.train_id], dtype=bool)
    blocking = FreeIntervalIndex(OccupationTable(table.train_id[passenger], table.resource_id[passenger],
                                                 table.start_s[passenger], table.end_s[passenger]))
    return timetable_load(load_reference_timetable(), network, params, blocking=blocking,
                          source="reference weekday (railcap.data.reference), passenger runs; "
                                 "freight paths between their block-level blocking times")


def dutch_network() -> Network:
    """The embedded Dutch network."""
    return load_network()


def network_and_files(name: str) -> tuple[Network, dict, dict | None]:
    """(network, demand document, scenarios document or None) for ``--network nl|sample``."""
    if name == "sample":
        return demo_network(), demo_demand_dict(), demo_scenarios_dict()
    if name == "nl":
        return dutch_network(), _read(demand_file()), _read(scenarios_file())
    raise RailcapError(Problem("--network", "name", f"unknown network {name!r}; use 'nl' or 'sample'"))


def scenario_names(network: str = "nl") -> list[str] | None:
    """The names in the network's scenario file (None when it has none), read without building a model."""
    _, _, scen_doc = network_and_files(network)
    if scen_doc is None:
        return None
    return [str(rec["name"]) for rec in scen_doc.get("scenarios", []) if isinstance(rec, dict) and "name" in rec]


def check_scenario_name(network: str, name_or_file: str) -> None:
    """Refuse an unknown scenario name before the model is built (which takes seconds on nl);
    a file (``.json`` or an existing path) is checked when it is read."""
    path = Path(name_or_file)
    if path.suffix == ".json" or path.exists():
        return
    known = scenario_names(network)
    if known is None:
        raise RailcapError(Problem("scenario", "name", "no scenario file for this network; give a FILE"))
    if name_or_file not in known:
        raise RailcapError(Problem("scenario", "name",
                                   f"no scenario called '{name_or_file}'; known: {sorted(known)}"))


def model(network: str = "nl", demand: Path | None = None, passenger: str = "auto", limits: bool = True,
          day: float = 0.0, freight_factor: float = 1.0) -> tuple[ResilienceModel, dict | None]:
    """(model, scenario document or None) for ``--network nl|sample``.

    ``passenger``: capacity is shared with the reference weekday's passenger trains by insertion
    (``timetable``; ``auto`` on nl), the demand file's flat load (``demand``; ``auto`` elsewhere) or
    nothing (``none``). ``limits``: apply the Dutch diversion rules (route knowledge, locomotives) as on
    ``day``. ``freight_factor`` scales every civil freight flow. On nl the neighbours' lines beyond the
    crossings are always in.
    """
    from railcap.resilience.analysis import ResilienceModel  # the flow engine: loaded here (start-up time)

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
        d = d.with_passenger(timetable_load(Timetable(()), net, source="no passenger trains"))
    rules = diversion_rules() if limits and network == "nl" else None
    return ResilienceModel(net, d, rules=rules, day=day), scen_doc
