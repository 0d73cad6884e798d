"""The deployment planner: loading-site limits, handover windows, all-or-nothing storage, bad orders."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter

import pytest
import yaml
from typer.testing import CliRunner

from railcap.cli import app
from railcap.data.embedded import load_network
from railcap.model.clock import DAY_S
from railcap.occupancy import find_conflicts
from railcap.movements.deploy import conflicts_of
from railcap.services.movements import allocate_whole, plan_file, plan_to_dict

TODAY = "2026-12-01"
ORDER = {"unit": "43 Mechanised Brigade",
         "trains": [{"consist": "military-heavy", "count": 20}, {"consist": "military-ammunition", "count": 10}],
         "loading_sites": ["steenwijk", "t-harde"], "earliest_day": "2026-12-07", "earliest_time": "06:00",
         "days": 3, "to": "zevenaar-grens", "priority": "military"}


def write(tmp_path, doc, name="order.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if name.endswith(".yaml") else json.dumps(doc))
    return path


def allocations(db) -> int:
    with sqlite3.connect(db) as c:
        try:
            return c.execute("select count(*) from allocations").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


@pytest.fixture(scope="module")
def thirty(tmp_path_factory):
    """30 trains from two loading sites over three days, planned and allocated once."""
    tmp = tmp_path_factory.mktemp("movement")
    db = tmp / "m.sqlite"
    plan, ids = allocate_whole(write(tmp, ORDER), str(db), dt.date.fromisoformat(TODAY))
    return plan, ids, db


def test_thirty_trains_from_two_sites_in_three_days_are_planned_and_stored(thirty):
    plan, ids, db = thirty
    assert len(plan.planned) == 30 and not plan.unplanned
    assert len(ids) == 30 == allocations(db)
    doc = plan_to_dict(plan)
    assert doc["closure"][-1]["cumulative"] == 30
    assert len(doc["civil_hindrance"]) == 3


def test_the_loading_sites_keep_their_limits_and_hours(thirty):
    plan, _, _ = thirty
    sites = plan.deployment.sites
    per_day = Counter((p.site, p.day) for p in plan.planned)
    for (site, _day), n in per_day.items():
        assert n <= sites[site].trains_per_day
    for p in plan.planned:
        ls = sites[p.site]
        assert ls.opens_s + ls.load_time_s <= p.ready_s <= ls.closes_s
        assert p.path.departure_s >= p.ready_s - 1e-6
        assert p.day > 0 or p.ready_s >= 6 * 3600 + ls.load_time_s
    by_turn = Counter((p.site, p.day, p.ready_s) for p in plan.planned)
    assert all(n <= sites[s].tracks for (s, _, _), n in by_turn.items())  # one train per track per turn


def test_every_day_as_it_will_be_is_free_of_conflicts(thirty):
    plan, _, _ = thirty
    assert len(plan.days_checked) == 3
    assert conflicts_of(plan) == []
    ours = {p.train_id for p in plan.planned}
    for table in plan.days_checked:  # the detector sees the movement's trains, adjacent tracks included
        rows = [r for t, r in zip(table.train_id.tolist(), table.resource_id.tolist()) if t in ours]
        assert rows
        assert all(c.train_a not in ours and c.train_b not in ours for c in find_conflicts(table))


def test_the_neighbours_windows_are_met_one_train_each(tmp_path):
    order = dict(ORDER, trains=[{"consist": "military-heavy", "count": 3}], loading_sites=["t-harde"], days=1,
                 handover_windows=[{"day": "2026-12-07", "from": "26:30", "to": "27:15"},
                                   {"day": "2026-12-07", "from": "27:00", "to": "27:45"},
                                   {"day": "2026-12-07", "from": "27:30", "to": "28:30"}])
    plan = plan_file(write(tmp_path, order), dt.date.fromisoformat(TODAY))
    assert len(plan.planned) == 3
    windows = list(plan.deployment.windows[0])
    for p in plan.planned:
        hit = [w for w in windows if w[0] - 1e-6 <= p.path.arrival_s <= w[1] + 1e-6]
        assert hit
        windows.remove(hit[0])


def test_a_movement_with_a_train_that_cannot_go_is_not_stored_at_all(tmp_path):
    order = dict(ORDER, trains=[{"consist": "military-heavy", "count": 2}], loading_sites=["t-harde"], days=1,
                 handover_windows=[{"day": "2026-12-07", "from": "26:30", "to": "28:00"},
                                   {"day": "2026-12-07", "from": "10:00", "to": "10:05"}])
    db = tmp_path / "m.sqlite"
    result = CliRunner().invoke(app, ["movement", "allocate", str(write(tmp_path, order)), "--db", str(db),
                                      "--today", TODAY])
    assert result.exit_code == 2, result.output
    assert "43MB-02" in result.output or "43MB-01" in result.output
    assert allocations(db) == 0


@pytest.mark.parametrize("change, field", [
    ({"loading_sites": ["nowhere-town"]}, "loading_sites[0]"),
    ({"loading_sites": ["Kijfhoek"]}, "loading_sites[0]"),
    ({"trains": [{"consist": "tank-express", "count": 2}]}, "trains[0].consist"),
    ({"trains": [{"consist": "military-heavy", "count": 0}]}, "trains[0].count"),
    ({"earliest_day": "2026-11-01"}, "earliest_day"),
    ({"handover_windows": [{"day": "2026-12-07", "from": "03:00", "to": "04:00"}]}, "handover_windows[0]"),
    ({"trains": [{"consist": "military-heavy", "count": 60}]}, "trains"),
    ({"to": "utrecht-centraal"}, "to"),
    ({"colour": "green"}, "colour"),
])
def test_a_bad_order_names_the_field_exits_2_and_writes_nothing(tmp_path, change, field):
    db = tmp_path / "m.sqlite"
    path = write(tmp_path, {**ORDER, **change}, "order.json")
    result = CliRunner().invoke(app, ["movement", "allocate", str(path), "--db", str(db), "--today", TODAY,
                                      "--json"])
    assert result.exit_code == 2, result.output
    errors = json.loads(result.output)["error"]
    assert any(e["field"] == field for e in errors), errors
    assert not db.exists() or allocations(db) == 0


def test_a_malformed_file_is_one_clear_line(tmp_path):
    path = tmp_path / "order.yaml"
    path.write_text("unit: [unclosed\ntrains: {")
    result = CliRunner().invoke(app, ["movement", "plan", str(path), "--today", TODAY])
    assert result.exit_code == 2
    assert "order.yaml" in result.output and "YAML" in result.output and "Traceback" not in result.output


def test_the_sites_list_names_capacity_and_source():
    result = CliRunner().invoke(app, ["movement", "sites", "--json"])
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert {"t-harde", "steenwijk", "eindhoven-acht"} <= set(rows)
    assert all(r["source"] and r["trains_per_day"] > 0 for r in rows.values())
    net = load_network()
    assert all(net.ops[i].military_loading for i in rows)
    assert DAY_S == 86_400.0
