"""Hand-made networks whose answers can be worked out on paper.

Capacity is made easy to compute: no fixed times, full utilisation, one
operating hour per "day", so a single-track section of ``L`` metres at ``v`` km/h
carries exactly ``3600 / (L / v)`` trains per day in both directions together.
"""

from __future__ import annotations

from railcap.model.infrastructure import Electrification, LoadingGauge, Network, OpKind
from railcap.model.samples import op, straight_section
from railcap.occupancy.blocking import BlockingParameters
from railcap.resilience.capacity import CapacityParams
from railcap.resilience.demand import Demand, demand_from_dict

PLAIN = CapacityParams(BlockingParameters(route_setting_s=0.0, sighting_s=0.0, release_s=0.0), utilisation=1.0,
                       hours_per_day=1.0)

FREIGHT = {"length_m": 500, "max_speed_kmh": 100, "axle_load_t": 20, "loading_gauge": "G1",
           "traction": ["1.5kV_DC", "none"], "unmet_penalty_km": 1000, "source": "test"}
TANKS = {"length_m": 500, "max_speed_kmh": 100, "axle_load_t": 22.5, "loading_gauge": "GC",
         "traction": ["1.5kV_DC"], "military": True, "out_of_gauge": True, "unmet_penalty_km": 5000,
         "source": "test"}


def demand(net: Network, flows: list[dict], military: list[dict] = ()) -> Demand:
    return demand_from_dict({"train_types": {"freight": FREIGHT, "tanks": TANKS},
                             "flows": flows, "military": list(military)}, net, "test demand")


def bridge() -> Network:
    """a --10 km-- b --5 km (the bridge)-- c ; double track everywhere, plenty of capacity."""
    ops = [op("a", OpKind.PORT), op("b", OpKind.JUNCTION), op("c", OpKind.BORDER)]
    secs = [straight_section("a-b", "a", "b", 10_000, 100),
            straight_section("b-c", "b", "c", 5_000, 100)]
    return Network.of(ops, secs)


def parallel() -> Network:
    """a --20 km main, double track-- b, and a --18 km-- m --18 km-- b single track at 36 km/h.

    The single-track detour runs at 10 m/s: 1,800 s per section, so it carries
    3600 / 1800 = 2 trains per "day" (one PLAIN hour) in both directions together.
    """
    ops = [op("a", OpKind.PORT), op("m", OpKind.STATION), op("b", OpKind.BORDER)]
    secs = [straight_section("main", "a", "b", 20_000, 100),
            straight_section("a-m", "a", "m", 18_000, 36, tracks=1),
            straight_section("m-b", "m", "b", 18_000, 36, tracks=1)]
    return Network.of(ops, secs)


def gauge_fork() -> Network:
    """Loading site l -- j, then j -- x direct (GC gauge) or j -- k -- x (G1 only); x is the border."""
    ops = [op("l", OpKind.LOADING_SITE), op("j", OpKind.JUNCTION), op("k", OpKind.STATION),
           op("x", OpKind.BORDER)]
    secs = [straight_section("l-j", "l", "j", 10_000, 100),
            straight_section("j-x", "j", "x", 30_000, 100),
            straight_section("j-k", "j", "k", 20_000, 100, loading_gauge=LoadingGauge.G1),
            straight_section("k-x", "k", "x", 20_000, 100, loading_gauge=LoadingGauge.G1,
                             electrification=Electrification.DC_1500)]
    return Network.of(ops, secs)


def two_crossings() -> Network:
    """Port a; crossing x1 (10 km, double track) and crossing x2 over m (2 × 18 km single track at 36 km/h).

    Both crossings lead into the same country. The detour to x2 takes 3600 / 1800 = 2 trains per
    PLAIN "day", both directions together; a third crossing y (5 km) leads into another country.
    """
    ops = [op("a", OpKind.PORT), op("m", OpKind.STATION), op("x1", OpKind.BORDER), op("x2", OpKind.BORDER),
           op("y", OpKind.BORDER)]
    secs = [straight_section("a-x1", "a", "x1", 10_000, 100),
            straight_section("a-m", "a", "m", 18_000, 36, tracks=1),
            straight_section("m-x2", "m", "x2", 18_000, 36, tracks=1),
            straight_section("a-y", "a", "y", 5_000, 100)]
    return Network.of(ops, secs)


def crossing_demand(net: Network, flows: list[dict], extra_km: list[dict] = ()) -> Demand:
    return demand_from_dict({"train_types": {"freight": FREIGHT, "tanks": TANKS}, "flows": flows,
                             "border_crossings": {"countries": {"DE": ["x1", "x2"], "BE": ["y"]},
                                                  "extra_km": list(extra_km), "source": "test"}},
                            net, "test demand")
