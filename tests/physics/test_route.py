"""Routes: legs, directions, route coordinates, shortest routes."""

import numpy as np
import pytest

from railcap.model.errors import NotFoundError, ValidationError
from railcap.model.samples import corridor, straight_section
from railcap.physics.route import NoRouteError, Route, RouteLeg, shortest_route

from .conftest import line_network


def test_shortest_route_runs_legs_in_the_right_direction():
    r = shortest_route(corridor(), "x", "p")
    assert r.ops == ("x", "j", "y", "p")
    assert [leg.reverse for leg in r.legs] == [True, True, True]
    assert r.length_m == 60_000
    assert list(r.op_positions_m) == [0, 10_000, 40_000, 60_000]


def test_vias_and_lookup_by_name():
    r = shortest_route(corridor(), "P", "T", vias=["J"])
    assert r.ops == ("p", "y", "j", "t")


def test_block_boundaries_in_route_coordinates():
    r = shortest_route(corridor(), "x", "j")
    b = r.block_boundaries_m
    assert b[0] == 0 and b[-1] == 10_000 and np.all(np.diff(b) > 0)
    s = corridor().sections["j-x"]
    assert len(b) == len(s.block_boundaries_m)


def test_picks_the_shorter_of_two_paths():
    net = line_network(straight_section("a-b", "a", "b", 10_000),
                       straight_section("b-c", "b", "c", 10_000),
                       straight_section("a-c", "a", "c", 25_000))
    assert shortest_route(net, "a", "c").ops == ("a", "b", "c")
    assert shortest_route(net, "a", "c", vias=["c"]).length_m == 20_000


def test_unreachable_and_unknown():
    net = line_network(straight_section("a-b", "a", "b", 1000), straight_section("c-d", "c", "d", 1000))
    with pytest.raises(NoRouteError) as e:
        shortest_route(net, "a", "d")
    assert "no connection from a to d" in str(e.value)
    with pytest.raises(NotFoundError):
        shortest_route(net, "a", "zz")
    with pytest.raises(NoRouteError, match="same point"):
        shortest_route(net, "a", "a")


def test_legs_must_connect():
    c = corridor()
    with pytest.raises(ValidationError, match="starts at"):
        Route((RouteLeg(c.sections["p-y"]), RouteLeg(c.sections["j-x"])))
    with pytest.raises(ValidationError):
        Route(())
