"""Running-time calculation (train dynamics): route, formulary, speed profile.

>>> from railcap.physics import shortest_route, run_time, Stop, Allowance
"""

from railcap.physics.formulary import balancing_speed_ms, braking_distance_m, characteristic
from railcap.physics.route import NoRouteError, Route, RouteLeg, shortest_route
from railcap.physics.running_time import Allowance, OpTime, RunProfile, Stop, run_time

__all__ = [
    "Allowance", "NoRouteError", "OpTime", "Route", "RouteLeg", "RunProfile", "Stop",
    "balancing_speed_ms", "braking_distance_m", "characteristic", "run_time", "shortest_route",
]
