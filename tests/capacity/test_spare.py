"""Spare paths by repeated insertion, on the sample corridor and on the reference day."""

from __future__ import annotations

import math

import numpy as np
import pytest

from railcap.capacity import Corridor, hour_bands, spare_paths
from railcap.capacity.spare import corridor_route
from railcap.data.rolling_stock import load_catalogue
from railcap.model.errors import ValidationError
from railcap.model.samples import corridor
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.pathing.segments import SegmentCache
from railcap.physics.running_time import Allowance

CATALOGUE = load_catalogue()
P_TO_J = Corridor("p-j", "Port to junction", ("p", "y", "j"), source="test")
EMPTY = OccupationTable.of([])


def headway_of(consist_id: str) -> float:
    """Minimum headway of two identical non-stop trains: the longest blocking time of any block."""
    net = corridor()
    consist = CATALOGUE.consist(consist_id)
    route = corridor_route(net, P_TO_J, consist)
    cache = SegmentCache(consist, Allowance())
    _, st, en = cache.occupations(cache.get(tuple(route.legs)), 0)
    return float(np.max(en - st))


def test_on_an_empty_line_the_count_is_the_hour_over_the_headway():
    consist = CATALOGUE.consist("intermodal-650")
    r = spare_paths(corridor(), EMPTY, P_TO_J, consist, hour_bands(0, 7200))
    h = headway_of("intermodal-650")
    # departures at 0, h, 2h, ... (the second band goes on where the first stopped)
    assert r.per_band()[0] == math.ceil(3600 / h)
    assert sum(r.per_band()) == math.ceil(7200 / h)
    assert [p.departure_s for p in r.paths[:3]] == pytest.approx([0, h, 2 * h], abs=1e-3)
    assert r.total == len(r.paths) == sum(r.per_band())
    assert all(p.waiting_s == pytest.approx(0, abs=1e-3) for p in r.paths)  # nothing in the way
    # the inserted paths are conflict-free among themselves (independent detector)
    assert find_conflicts(r.occupations) == []
    assert len(r.runs) == r.total and r.runs[0].origin == "p" and r.runs[0].destination == "j"


def test_a_busy_line_leaves_fewer_paths_and_every_path_fits_around_the_traffic():
    net = corridor()
    consist = CATALOGUE.consist("intermodal-650")
    free = spare_paths(net, EMPTY, P_TO_J, consist, hour_bands(0, 3600))
    # the traffic: the first spare run's blocking times, repeated every 10 minutes
    one = free.occupations[free.occupations.train_id == "spare-1"]
    busy = OccupationTable.concat([OccupationTable.from_columns([f"t{k}"] * len(one), one.resource_id,
                                                                one.start_s + 600 * k + 300, one.end_s + 600 * k + 300)
                                   for k in range(-1, 7)])
    r = spare_paths(net, busy, P_TO_J, consist, hour_bands(0, 3600))
    assert 0 < r.total < free.total
    assert find_conflicts(OccupationTable.concat([busy, r.occupations])) == []


def test_bands_are_counted_by_departure_and_a_cap_is_reported():
    consist = CATALOGUE.consist("intermodal-650")
    r = spare_paths(corridor(), EMPTY, P_TO_J, consist, hour_bands(0, 7200), max_per_band=3)
    assert r.per_band() == [3, 3] and r.capped == (0, 1)
    for p in r.paths:
        band = r.bands[p.band]
        assert band.start_s <= p.departure_s < band.end_s


def test_a_consist_that_may_not_run_the_corridor_is_named_with_the_reason():
    to_border = Corridor("p-x", "Port to border", ("p", "y", "j", "x"), source="test")
    with pytest.raises(ValidationError, match="740 m long"):
        spare_paths(corridor(), EMPTY, to_border, CATALOGUE.consist("intermodal-740"), hour_bands(0, 3600))


def test_an_unknown_waypoint_names_the_corridor_and_the_field():
    bad = Corridor("bad", "Bad", ("p", "nowhere"), source="test")
    with pytest.raises(ValidationError, match=r"corridor 'bad'.*waypoints\[1\]"):
        spare_paths(corridor(), EMPTY, bad, CATALOGUE.consist("intermodal-650"))


def test_hour_bands_check_their_input():
    assert [b.label for b in hour_bands(0, 5400)] == ["00:00-01:00", "01:00-01:30"]
    with pytest.raises(ValidationError, match="band_hours"):
        hour_bands(0, 3600, 0)
