"""Small networks and demand for the resilience engine: docs, the CLI's ``--network sample``, benchmarks.

``demo_network()`` is a made-up miniature of a port-hinterland network (no real
data): a port and yard, a freight main line and a mixed parallel route to an
eastern border, a southern border with a 650 m length limit, a non-electrified
branch to an inland terminal and a military loading site.

``grid_network()`` is a synthetic network of a chosen size for benchmarks.
"""

from __future__ import annotations

import numpy as np

from railcap.model.infrastructure import Electrification, LoadingGauge, Network, OpKind
from railcap.model.samples import op, straight_section
from railcap.resilience.demand import Demand, demand_from_dict

AC, DC, NONE = Electrification.AC_25000, Electrification.DC_1500, Electrification.NONE


def demo_network() -> Network:
    """The miniature described in the module docstring (8 points, 8 sections)."""
    ops = [
        op("haven", OpKind.PORT, 51.95, 4.05), op("yard", OpKind.YARD, 51.83, 4.60),
        op("a", OpKind.JUNCTION, 51.90, 5.80, ()), op("b", OpKind.JUNCTION, 51.60, 5.20, ()),
        op("grens-oost", OpKind.BORDER, 51.90, 6.14, ()), op("grens-zuid", OpKind.BORDER, 51.35, 6.19, ()),
        op("terminal", OpKind.TERMINAL, 51.57, 5.05), op("kazerne", OpKind.LOADING_SITE, 51.47, 5.42),
    ]
    secs = [
        straight_section("haven-yard", "haven", "yard", 40_000, 100, electrification=AC, freight_only=True),
        straight_section("yard-a", "yard", "a", 100_000, 120, electrification=AC, freight_only=True),
        straight_section("a-grens-oost", "a", "grens-oost", 25_000, 120, electrification=AC),
        straight_section("yard-b", "yard", "b", 60_000, 140),
        straight_section("b-a", "b", "a", 75_000, 140),
        straight_section("b-grens-zuid", "b", "grens-zuid", 70_000, 140, max_train_length_m=650.0),
        straight_section("b-terminal", "b", "terminal", 15_000, 60, tracks=1, electrification=NONE,
                         loading_gauge=LoadingGauge.G1),
        straight_section("kazerne-b", "kazerne", "b", 20_000, 80, tracks=1),
    ]
    return Network.of(ops, secs, {"name": "resilience demo (made up)"})


def _types() -> dict:
    return {
        "intermodal": {"length_m": 740, "max_speed_kmh": 100, "axle_load_t": 20, "loading_gauge": "GB",
                       "traction": ["25kV_AC", "1.5kV_DC"], "source": "made up"},
        "intermodal_650": {"length_m": 650, "max_speed_kmh": 100, "axle_load_t": 20, "loading_gauge": "GB",
                           "traction": ["25kV_AC", "1.5kV_DC"], "source": "made up"},
        "bulk": {"length_m": 500, "max_speed_kmh": 80, "axle_load_t": 22.5, "loading_gauge": "G1",
                 "traction": ["none", "25kV_AC", "1.5kV_DC"], "source": "made up"},
        "military_heavy": {"length_m": 600, "max_speed_kmh": 90, "axle_load_t": 22.5, "loading_gauge": "GC",
                           "traction": ["25kV_AC", "1.5kV_DC"], "military": True, "out_of_gauge": True,
                           "unmet_penalty_km": 5000, "source": "made up"},
    }


def demo_demand_dict() -> dict:
    """Demand on :func:`demo_network` as the JSON-shaped dict a user would write."""
    return {
        "train_types": _types(),
        "flows": [
            {"origin": "haven", "destination": "grens-oost", "train_type": "intermodal",
             "trains_per_day": 12, "both_ways": True, "source": "made up"},
            {"origin": "haven", "destination": "grens-zuid", "train_type": "intermodal_650",
             "trains_per_day": 4, "both_ways": True, "source": "made up"},
            {"origin": "yard", "destination": "terminal", "train_type": "bulk", "trains_per_day": 1,
             "both_ways": True, "source": "made up"},
        ],
        "military": [
            {"id": "kazerne-oost", "origin": "kazerne", "destination": "grens-oost",
             "train_type": "military_heavy", "trains_per_day": 2, "route": "demo", "source": "made up"},
        ],
        "passenger_load": [
            {"route": ["yard", "b", "a"], "trains_per_hour_per_direction": 6, "source": "made up"},
        ],
    }


def demo_demand() -> Demand:
    return demand_from_dict(demo_demand_dict(), demo_network(), "demo demand")


def grid_network(rows: int = 8, cols: int = 9, seed: int = 1, max_stations: int = 4) -> Network:
    """A synthetic rail network: junctions on a ``rows × cols`` grid joined by lines with stations.

    Each line (a grid edge, some left out at random) is split by 1..``max_stations``
    intermediate stations into sections sharing the line's tracks, power and gauge.
    The left column holds ports, the right column borders. With the defaults: about
    350 points and 400 sections, near the size of the Dutch network. Deterministic per seed.

    >>> n = grid_network(4, 5, seed=3)
    >>> len(n.sections) > 20 and all(o in n.ops for s in n.sections.values() for o in (s.from_op, s.to_op))
    True
    """
    rng = np.random.default_rng(seed)
    ops, secs = [], []
    for r in range(rows):
        for c in range(cols):
            kind = OpKind.PORT if c == 0 else OpKind.BORDER if c == cols - 1 else OpKind.JUNCTION
            ops.append(op(f"n{r}-{c}", kind, 51.0 + 0.15 * r, 4.0 + 0.2 * c))
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0)):
                r2, c2 = r + dr, c + dc
                if r2 >= rows or c2 >= cols or rng.random() < 0.12:
                    continue
                line = f"n{r}-{c}_n{r2}-{c2}"
                attrs = dict(tracks=1 if rng.random() < 0.25 else 2,
                             electrification=NONE if rng.random() < 0.1 else (AC if rng.random() < 0.2 else DC),
                             loading_gauge=LoadingGauge.G1 if rng.random() < 0.1 else LoadingGauge.GC)
                n_mid = int(rng.integers(1, max_stations + 1))
                names = [f"n{r}-{c}"] + [f"{line}-s{k}" for k in range(1, n_mid + 1)] + [f"n{r2}-{c2}"]
                for k in range(1, n_mid + 1):
                    t = k / (n_mid + 1)
                    ops.append(op(names[k], OpKind.STATION, 51.0 + 0.15 * (r + dr * t), 4.0 + 0.2 * (c + dc * t)))
                for a, b in zip(names[:-1], names[1:]):
                    secs.append(straight_section(f"{a}_{b}", a, b, float(rng.uniform(4_000, 12_000)),
                                                 float(rng.choice([80, 100, 140])), **attrs))
    return Network.of(ops, secs, {"name": f"synthetic grid {rows}x{cols} seed {seed}"})


def grid_demand_dict(network: Network, n_origins: int = 10, n_destinations: int = 10,
                     seed: int = 1) -> dict:
    """Random flows from ports to borders on a :func:`grid_network`, three train types, two military moves."""
    rng = np.random.default_rng(seed)
    ports = sorted(o for o, p in network.ops.items() if p.kind == OpKind.PORT)
    borders = sorted(o for o, p in network.ops.items() if p.kind == OpKind.BORDER)
    origins = list(rng.choice(ports, size=min(n_origins, len(ports)), replace=False))
    flows = []
    for o in origins:
        for d in rng.choice(borders, size=min(n_destinations, len(borders)), replace=False):
            t = str(rng.choice(["intermodal", "bulk", "intermodal_650"]))
            flows.append({"origin": str(o), "destination": str(d), "train_type": t,
                          "trains_per_day": float(rng.integers(1, 8)), "both_ways": True, "source": "synthetic"})
    military = [{"id": f"mil-{i}", "origin": str(ports[i]), "destination": str(borders[-1 - i]),
                 "train_type": "military_heavy", "trains_per_day": 1.0, "source": "synthetic"}
                for i in range(2)]
    return {"train_types": _types(), "flows": flows, "military": military}


def grid_demand(network: Network, seed: int = 1) -> Demand:
    return demand_from_dict(grid_demand_dict(network, seed=seed), network, "synthetic demand")


def demo_scenarios_dict() -> dict:
    """Named scenarios on :func:`demo_network`, in the scenario file's shape."""
    return {"scenarios": [
        {"name": "yard-closed", "description": "the yard closed to starting and ending trains",
         "elements": [{"op": "yard", "mode": "terminal"}], "duration_days": 10,
         "recovery": [[0, 0.0], [5, 0.5], [10, 1.0]], "source": "made up"},
        {"name": "main-line-cut", "description": "the freight main line yard-a cut; traffic takes the mixed route",
         "elements": [{"section": "yard-a"}], "duration_days": 14,
         "recovery": [[0, 0.0], [7, 0.0], [14, 1.0]], "source": "made up"},
        {"name": "junction-b-sabotaged", "description": "junction b out",
         "elements": [{"op": "b"}], "duration_days": 3, "recovery": [[0, 0.0], [2, 0.0], [3, 1.0]],
         "source": "made up"},
        {"name": "port-surge", "description": "50 % more port traffic to the east for a month",
         "elements": [], "demand_change": [{"origin": "haven", "destination": "grens-oost", "factor": 1.5}],
         "duration_days": 30, "recovery": [[0, 0.0], [30, 1.0]], "source": "made up"},
    ]}
