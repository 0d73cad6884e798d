"""A network with broken rules gets one readable problem per rule, and exit code 2 from the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.data.native import network_from_dict, network_to_dict, read_network, write_network
from railcap.model.errors import ValidationError
from railcap.model.samples import corridor


def doc():
    return network_to_dict(corridor())


def test_round_trip_is_lossless(tmp_path):
    net = corridor()
    write_network(net, tmp_path / "n.json.gz")
    back = read_network(tmp_path / "n.json.gz")
    assert network_to_dict(back) == network_to_dict(net)


def test_round_trip_keeps_passenger_only_lines_and_tracks_beside_the_line(tmp_path):
    from dataclasses import replace

    from railcap.model.infrastructure import Network

    net = corridor()
    ops = [replace(o, tracks_beside_line=True) if o.id == "y" else o for o in net.ops.values()]
    secs = [replace(s, passenger_only=True) if s.id == "y-j" else s for s in net.sections.values()]
    write_network(Network.of(ops, secs, net.meta), tmp_path / "n.json.gz")
    back = read_network(tmp_path / "n.json.gz")
    assert back.sections["y-j"].passenger_only and not back.sections["j-x"].passenger_only
    assert back.ops["y"].tracks_beside_line and not back.ops["p"].tracks_beside_line


@pytest.mark.parametrize("break_it,element,field,reason", [
    (lambda d: d["sections"][0].update(to_op="nowhere"), "section 'j-t'", "to_op", "unknown operational point 'nowhere'"),
    (lambda d: d["sections"][0].update(length_m=-5), "section 'j-t'", "length_m", "must be positive"),
    (lambda d: d["sections"][0].update(length_m=0), "section 'j-t'", "length_m", "must be positive"),
    (lambda d: d["sections"][0].pop("from_op"), "section 'j-t'", "from_op", "required attribute missing"),
    (lambda d: d["sections"][0]["speed_bands"][0].update(speed_kmh=400), "section 'j-t'", "speed_kmh", "outside 5–300"),
    (lambda d: d["sections"][0]["speed_bands"][0].update(speed_kmh=2), "section 'j-t'", "speed_kmh", "outside 5–300"),
    (lambda d: d["operational_points"].append(dict(d["operational_points"][0])), "operational point 'j'", "id", "used 2 times"),
    (lambda d: d["sections"][0].pop("electrification"), "section 'j-t'", "electrification", "required attribute missing"),
])
def test_each_broken_rule_is_named(break_it, element, field, reason):
    d = doc()
    break_it(d)
    with pytest.raises(ValidationError) as exc:
        network_from_dict(d)
    assert any(p.element == element and p.field == field and reason in p.reason for p in exc.value.problems), \
        exc.value.problems


def test_all_problems_are_reported_at_once():
    d = doc()
    d["sections"][0]["length_m"] = -1
    d["sections"][1]["to_op"] = "ghost"
    with pytest.raises(ValidationError) as exc:
        network_from_dict(d)
    fields = {(p.element, p.field) for p in exc.value.problems}
    assert {("section 'j-t'", "length_m"), ("section 'j-x'", "to_op")} <= fields


def test_unknown_enum_value_is_named():
    d = doc()
    d["sections"][0]["electrification"] = "3kV_DC"
    with pytest.raises(ValidationError, match="electrification.*'3kV_DC' is not one of"):
        network_from_dict(d)


def test_cli_exit_code_2_and_no_traceback(tmp_path):
    d = doc()
    d["sections"][0]["to_op"] = "nowhere"
    d["sections"][1]["length_m"] = -3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d))
    result = CliRunner().invoke(app, ["network", "info", "--network", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "unknown operational point 'nowhere'" in result.output
    assert "must be positive" in result.output


def test_cli_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    result = CliRunner().invoke(app, ["network", "info", "--network", str(path)])
    assert result.exit_code == 2 and "not a railcap network file" in result.output
