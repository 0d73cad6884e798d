"""No path because of trains, on the embedded reference day: the answer names the trains in the way.

An ammunition train from Steenwijk to Oldenzaal in the afternoon peak must
arrive within two minutes of its running time, so it can wait nowhere. Every
train the answer names really holds a block the run needs at that time, and
with those trains gone the same request is met: they are the reason, not a
guess.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.model.clock import clock, parse_time
from railcap.data.rolling_stock import load_catalogue
from railcap.pathing import Planner
from railcap.physics.running_time import Stop, run_time
from railcap.services import paths
from railcap.store.state import State

FROM, TO, CONSIST, DEPART = "steenwijk", "oldenzaal-grens", "military-ammunition", "16:30"


@pytest.fixture(scope="module")
def day():
    return paths.reference_day()  # the network and the day's blocking times from the shipped cache


@pytest.fixture(scope="module")
def asked(day):
    """The request's options, latest arrival = departure + running time without waiting + 2 min."""
    req = paths.build_request(day.net, from_op=FROM, to_op=TO, depart_after=DEPART, consist=CONSIST,
                              priority="military")
    route = paths.planner_for(day, State.empty()).routes(req)[0]
    journey = run_time(route, req.consist, [Stop(route.origin), Stop(route.destination)]).journey_time_s
    latest = clock(parse_time(DEPART, "t")[0] + journey + 120.0)
    return ["--from", FROM, "--to", TO, "--consist", CONSIST, "--priority", "military",
            "--depart-after", DEPART, "--arrive-before", latest]


def test_the_answer_names_the_trains_that_hold_the_blocks(day, asked, tmp_path):
    r = CliRunner().invoke(app, ["path", "plan", *asked, "--json", "--db", str(tmp_path / "none.sqlite")])
    assert r.exit_code == 1, r.output  # answered: no path
    doc = json.loads(r.stdout)
    assert not doc["found"]
    ex = doc["explanation"]
    named = sorted({b["train_id"] for b in ex["blocking_trains"]})
    assert named, ex["summary"]
    assert f"meets {len(named)} train(s): {', '.join(named[:6])}" in ex["summary"]
    assert "passenger trains are in the way" in ex["summary"]  # military priority may not move them
    table = day.base
    for b in ex["blocking_trains"]:  # each one really holds that block, at the time given
        rows = (table.train_id == b["train_id"]) & (table.resource_id == b["resource_id"])
        assert rows.any(), b
        start, end = parse_time(b["start"], "start")[0], parse_time(b["end"], "end")[0]
        assert np.any((table.start_s[rows] >= start) & (table.end_s[rows] <= end)), b
        assert b["class"] == day.classes[b["train_id"]]


def test_without_the_named_trains_the_same_request_is_met(day, asked, tmp_path):
    r = CliRunner().invoke(app, ["path", "plan", *asked, "--json", "--db", str(tmp_path / "none.sqlite")])
    named = frozenset(b["train_id"] for b in json.loads(r.stdout)["explanation"]["blocking_trains"])
    opts = dict(zip(asked[::2], asked[1::2]))
    req = paths.build_request(day.net, from_op=FROM, to_op=TO, depart_after=DEPART, consist=CONSIST,
                              priority="military", arrive_before=opts["--arrive-before"])
    without = Planner(day.net, day.timetable, catalogue=load_catalogue(), base=day.base, classes=day.classes, removed=named)
    assert without.plan(req).found
