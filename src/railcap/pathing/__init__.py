"""Short-notice path search, military priority and path allocation.

>>> from railcap.pathing import Planner, make_request, parse_time
"""

from railcap.pathing.explain import Explanation
from railcap.pathing.planner import Hindrance, Planner, PlanResult
from railcap.pathing.request import PathRequest, Via, Window, clock, make_request, parse_time
from railcap.pathing.search import RouteSearch, TimedPath, may_stand_at

__all__ = ["Explanation", "Hindrance", "PathRequest", "PlanResult", "Planner", "RouteSearch",
           "TimedPath", "Via", "Window", "clock", "make_request", "may_stand_at", "parse_time"]
