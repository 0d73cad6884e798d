"""The measures catalogue as ``railcap portfolio list`` shows it: the network, the freight demand's
train types and the checked catalogue, nothing more.

Listing the catalogue needs the network (measures name its points and sections) and the train
types of the freight demand (measures name those too), not the evaluation model: no passenger
load of the reference weekday (≈3 s of insertion), no scenarios, no flow solver, no capacity
engine. :func:`railcap.services.portfolio.load_setup` builds on :func:`base` for the rest.

>>> first = catalogue_dict(catalogue("sample"))["measures"][0]
>>> first["id"], first["funding"], first["effects"]
('zuid-740', 'costed', ['SectionEdit', 'LongerTrains'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from railcap.data.measures import catalogue_from_dict, load_catalogue
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.measures import Catalogue, Measure
from railcap.portfolio.edits import resolve
from railcap.resilience.demand import Demand, demand_from_dict, route_sections

#: the Betuweroute as railcap's network draws it: the Havenspoorlijn from the Maasvlakte to Kijfhoek and
#: the A15 line Kijfhoek - Meteren - Valburg - Zevenaar - border (ProRail, Betuweroute; facts file "F Lines")
BETUWEROUTE = ["rotterdam-maasvlakte", "rotterdam-barendrecht", "kijfhoek", "meteren-aansl", "ressen-bemmel",
               "zevenaar", "zevenaar-grens"]
#: the border points of the three NATO rail transit routes (Kamerbrief Weerbaarheid en militaire mobiliteit;
#: facts file "F Military mobility"): Emmerich (Betuweroute), Bad Bentheim, Venlo
NATO_CROSSINGS = ["zevenaar-grens", "oldenzaal-grens", "venlo-grens"]


@dataclass(frozen=True)
class Base:
    """The network, the freight demand (without the passenger load), the scenario document and the
    checked catalogue with its routes resolved into sections."""

    network: Network
    demand: Demand
    scenarios_doc: dict
    catalogue: Catalogue
    betuweroute: tuple[str, ...]
    crossings: tuple[str, ...]
    network_name: str


def base(network: str = "nl", catalogue: str | Path | None = None) -> Base:
    """Network, freight demand, scenario document and the checked catalogue (routes resolved into sections)."""
    if network == "sample":
        from railcap.portfolio import samples
        from railcap.resilience.samples import demo_scenarios_dict

        net = samples.demo_portfolio_network()
        demand = samples.demo_portfolio_demand(net)
        scen_doc = demo_scenarios_dict()
        cat = (load_catalogue(catalogue, net, demand.train_types) if catalogue
               else catalogue_from_dict(samples.demo_catalogue_dict(), net, demand.train_types, "sample catalogue"))
        betuwe, crossings = ("haven-yard", "yard-a", "a-grens-oost"), ("grens-oost",)
    elif network == "nl":
        from railcap.services.resilience import network_and_files

        net, demand_doc, scen_doc = network_and_files("nl")
        demand = demand_from_dict(demand_doc, net, "freight_demand.json")
        cat = load_catalogue(catalogue, net, demand.train_types)
        betuwe, crossings = tuple(route_sections(net, BETUWEROUTE)), tuple(NATO_CROSSINGS)
    else:
        raise ValidationError(Problem("--network", "name", f"unknown network {network!r}; use 'nl' or 'sample'"))
    return Base(net, demand, scen_doc, resolve(cat, net), betuwe, crossings, network)


def catalogue(network: str = "nl", path: str | Path | None = None) -> Catalogue:
    """The checked measures catalogue (``path``, else the embedded one) on ``network``."""
    return base(network, path).catalogue


def measure_dict(m: Measure) -> dict:
    """One measure as plain data (``--json``, the HTTP API)."""
    return {"id": m.id, "name": m.name, "priority": m.priority, "funding": m.funding.value,
            "investment_eur": m.investment_eur, "reserve_eur": m.reserve_eur, "total_eur": m.total_eur,
            "years": list(m.years), "modelled": m.modelled, "effects": [type(e).__name__ for e in m.edits],
            "not_modelled": m.not_modelled, "requires": list(m.requires), "excludes": list(m.excludes),
            "tags": list(m.tags), "agenda_row": m.agenda_row, "source": m.source}


def catalogue_dict(cat: Catalogue) -> dict:
    """The whole catalogue as plain data: programme, sources, demand scenarios, policies, measures."""
    return {"programme": cat.programme.__dict__, "sources": cat.sources,
            "demand_scenarios": {k: v.__dict__ for k, v in cat.demand_scenarios.items()},
            "policies": {k: v.__dict__ for k, v in cat.policies.items()},
            "measures": [measure_dict(m) for m in cat.measures.values()]}
