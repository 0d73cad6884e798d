"""A small made-up network, demand and catalogue for the portfolio's tests, docs and ``--network sample``.

The resilience engine's demo miniature (port, yard, a freight main line and a mixed
route to an eastern border, a southern border with a 650 m limit, a diesel branch to a
terminal, a loading site), changed so that every kind of edit has something to do:
the loading site's branch kazerne–b has the tightest profile, G1, so the out-of-gauge
train (class 3, main battle tanks) may not leave the loading site until the gauge measure
clears kazerne–b–a (``model.admission``: class 3 is not permitted on G1, permitted with
conditions on GB and GC); the mixed route b–a and the yard–b line are cleared only to GB
(which admits the tanks with conditions); the loading site's track holds 450 m; and a flow
to the terminal needs power and gauge the branch does not have.

>>> ctx = demo_context()
>>> len(demo_catalogue_dict()["measures"]), ctx.network.sections["kazerne-b"].loading_gauge.value
(10, 'G1')
"""

from __future__ import annotations

from dataclasses import replace

from railcap.model.infrastructure import LoadingGauge, Network, StationTrack
from railcap.resilience.demand import Demand, demand_from_dict
from railcap.resilience.samples import demo_demand_dict, demo_network, demo_scenarios_dict
from railcap.resilience.scenarios import scenarios_from_dict


def demo_portfolio_network() -> Network:
    net = demo_network()
    secs = dict(net.sections)
    for sid in ("b-a", "yard-b"):
        secs[sid] = replace(secs[sid], loading_gauge=LoadingGauge.GB)
    secs["kazerne-b"] = replace(secs["kazerne-b"], loading_gauge=LoadingGauge.G1)
    ops = dict(net.ops)
    ops["kazerne"] = replace(ops["kazerne"], military_loading=True, tracks=(StationTrack("kazerne-1", 450.0),))
    return Network(ops, secs, {"name": "portfolio demo (made up)"})


def demo_portfolio_demand_dict() -> dict:
    d = demo_demand_dict()
    d["flows"] = d["flows"] + [{"origin": "haven", "destination": "terminal", "train_type": "intermodal_650",
                                "trains_per_day": 2, "source": "made up"}]
    return d


def demo_portfolio_demand(network: Network | None = None) -> Demand:
    return demand_from_dict(demo_portfolio_demand_dict(), network or demo_portfolio_network(), "demo demand")


def demo_catalogue_dict() -> dict:
    """Ten measures, one per kind of edit (and an unmodelled study), in the YAML file's shape."""
    m = [
        {"id": "zuid-740", "name": "740 m to the southern border", "priority": 2, "funding": "costed",
         "investment_eur": 20e6, "years": [2026, 2027],
         "effects": [{"section": {"sections": ["b-grens-zuid"], "set": {"max_train_length_m": 740}}},
                     {"longer_trains": {"train_type": "intermodal_650", "length_m": 740}}]},
        {"id": "gauge-b-a", "name": "Out-of-gauge cleared kazerne-b-a", "priority": 2, "funding": "costed",
         "investment_eur": 30e6, "years": [2026, 2028],
         "effects": [{"section": {"route": ["kazerne", "b", "a"], "set": {"loading_gauge": "GC"}}}]},
        {"id": "laadspoor", "name": "740 m loading track at the kazerne", "priority": 2, "funding": "costed",
         "investment_eur": 10e6, "years": [2026, 2026],
         "effects": [{"station_tracks": {"op": "kazerne", "count": 1, "usable_length_m": 750, "loading_site": True}}]},
        {"id": "etcs-b", "name": "ETCS with short blocks yard-b-a", "priority": 2, "funding": "costed",
         "investment_eur": 40e6, "years": [2027, 2030],
         "effects": [{"section": {"route": ["yard", "b", "a"], "set": {"protection": "ETCS_L2", "etcs_block_m": 500}}}]},
        {"id": "viersporig", "name": "Four tracks yard-b", "priority": 2, "funding": "costed",
         "investment_eur": 80e6, "years": [2027, 2030],
         "effects": [{"tracks": {"sections": ["yard-b"], "add": 2}}]},
        {"id": "snelheid", "name": "160 km/h b-a", "priority": 2, "funding": "costed", "investment_eur": 25e6,
         "effects": [{"section": {"sections": ["b-a"], "set": {"speed_kmh": 160}}}]},
        {"id": "terminal-ontsluiting", "name": "Branch to the terminal electrified and cleared to GB",
         "priority": 3, "funding": "costed", "investment_eur": 15e6,
         "effects": [{"section": {"sections": ["b-terminal"], "set": {"electrification": "1.5kV_DC",
                                                                        "loading_gauge": "GB"}}}]},
        {"id": "tweede-havenlijn", "name": "Second port line haven-b", "priority": 1, "funding": "costed",
         "investment_eur": 90e6, "tags": ["new_line"],
         "effects": [{"new_section": {"id": "haven-b", "from": "haven", "to": "b", "length_m": 70000,
                                      "like": "yard-b", "speed_kmh": 100, "tracks": 2}}]},
        {"id": "prikkel", "name": "10 % cheaper port trains to the east", "priority": 4, "funding": "costed",
         "investment_eur": 5e6,
         "effects": [{"demand": {"origin": "haven", "destination": "grens-oost", "train_type": "intermodal",
                                 "price_change": -0.10, "elasticity": -0.6, "source": "made up"}}]},
        {"id": "studie", "name": "A study", "priority": 5, "funding": "research_budget",
         "not_modelled": "a study"},
    ]
    return {"programme": {"budget_eur": 150e6, "reserve_share": 0.2, "source": "made up"},
            "demand_scenarios": {"high": {"factor": 1.5, "source": "made up"}},
            "policies": {"gestage-ontwikkeling": {"description": "no new lines", "exclude_tags": ["new_line"]},
                         "maximale-ontwikkeling": {"description": "new lines allowed"}},
            "measures": m}


def demo_context(demand: Demand | None = None):
    """The evaluation context of the sample: scenarios, critical sections, the 'Betuweroute' yard-a."""
    from railcap.portfolio.evaluate import build_context

    net = demo_portfolio_network()
    d = demand or demo_portfolio_demand(net)
    sc = scenarios_from_dict(demo_scenarios_dict(), net, list(d.train_types))
    return build_context(net, d, sc.values(), ["haven-yard", "yard-a", "a-grens-oost"], ["grens-oost"],
                         critical_top=3, bottleneck_top=3)
