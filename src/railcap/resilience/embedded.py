"""Where the resilience engine finds its data: the embedded Dutch files, or the demo network.

>>> demand_file().name, scenarios_file().name
('freight_demand.json', 'scenarios.json')
"""

from __future__ import annotations

from pathlib import Path

import railcap.data
from railcap.model.errors import Problem, RailcapError
from railcap.model.infrastructure import Network

EMBEDDED = Path(railcap.data.__file__).parent / "embedded"


def demand_file() -> Path:
    return EMBEDDED / "freight_demand.json"


def scenarios_file() -> Path:
    return EMBEDDED / "scenarios.json"


def foreign_file() -> Path:
    return EMBEDDED / "foreign_network.json"


def foreign_network(dutch_ops) -> "ForeignNetwork":  # noqa: F821 - the type is imported when needed
    """The embedded neighbours' networks beyond the Dutch crossings (validated against the Dutch op ids)."""
    import json

    from railcap.resilience.foreign import foreign_from_dict

    doc = json.loads(foreign_file().read_text(encoding="utf-8"))
    return foreign_from_dict(doc, set(dutch_ops), "foreign_network.json")


def diversion_rules():
    """The embedded rules on what operators can run on a diversion (route knowledge, locomotives)."""
    import json

    from railcap.resilience.operations import rules_from_dict

    doc = json.loads((EMBEDDED / "diversion_rules.json").read_text(encoding="utf-8"))
    return rules_from_dict(doc, "diversion_rules.json")


def scenario_names() -> list[str]:
    """The names of the embedded Dutch scenarios, in file order.

    >>> "emmerich-closed" in scenario_names()
    True
    """
    import json

    doc = json.loads(scenarios_file().read_text(encoding="utf-8"))
    return [s["name"] for s in doc.get("scenarios", []) if isinstance(s, dict) and "name" in s]


class NetworkUnavailable(RailcapError):
    """The embedded Dutch network is not in this installation."""


def dutch_network() -> Network:
    """The embedded Dutch network (``railcap.data.embedded.load_network``), or a clear error."""
    try:
        from railcap.data.embedded import load_network  # type: ignore[import-not-found]
    except ImportError as exc:
        raise NetworkUnavailable(Problem("network 'nl'", "-", f"the embedded Dutch network is not available "
                                         f"({exc}); use --network sample")) from None
    return load_network()


def reference_passenger_load(network: Network, params=None):
    """The passenger load of the shipped reference weekday, per section, operating hour, direction and lane,
    with the freight paths left between its trains by insertion."""
    from railcap.data.reference import load_reference_timetable
    from railcap.resilience.passenger import timetable_load

    return timetable_load(load_reference_timetable(), network, params,
                          source="reference weekday (railcap.data.reference), passenger runs")


def network_and_files(name: str) -> tuple[Network, dict, dict | None]:
    """(network, demand document, scenarios document or None) for ``--network nl|sample``."""
    import json

    if name == "sample":
        from railcap.resilience.samples import demo_demand_dict, demo_network, demo_scenarios_dict
        return demo_network(), demo_demand_dict(), demo_scenarios_dict()
    if name == "nl":
        return (dutch_network(), json.loads(demand_file().read_text(encoding="utf-8")),
                json.loads(scenarios_file().read_text(encoding="utf-8")))
    raise RailcapError(Problem("--network", "name", f"unknown network {name!r}; use 'nl' or 'sample'"))
