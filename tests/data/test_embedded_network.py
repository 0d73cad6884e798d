"""The Dutch network shipped in the package, through the CLI as a user would use it."""

from __future__ import annotations

import json
import time

import networkx as nx
import pytest
from typer.testing import CliRunner

from tests.helpers import SHARED
from railcap.cli import app
from railcap.data.embedded import embedded_path, load_network

SEVEN = {"zevenaar-grens": "Emmerich", "oldenzaal-grens": "Bad Bentheim", "venlo-grens": "Kaldenkirchen",
         "roosendaal-grens": "Essen (B)", "nieuweschans-grens": "Weener", "eijsden-grens": "Visé",
         "haanrade-grens": "Herzogenrath"}
runner = CliRunner()


def test_info_json_has_points_and_the_seven_crossings():
    r = runner.invoke(app, ["network", "info", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["operational_points"] >= 250
    borders = {b["id"]: b for b in d["border_crossings"]}
    for point, neighbour in SEVEN.items():
        assert borders[point]["neighbour_station"] == neighbour
        assert borders[point]["sections"], point
    assert abs(d["track_km"] - 7215) / 7215 < 0.01
    assert set(d["line_track_km_by_electrification"]) == {"1.5kV_DC", "25kV_AC", "none"}


@pytest.mark.parametrize("query,expected", [("Kijfhoek", "kijfhoek"), ("Zevenaar", "zevenaar"),
                                            ("zevenaar-grens", "zevenaar-grens"), ("Zevenaar Grens", "zevenaar-grens")])
def test_show_works_for_named_points(query, expected):
    r = runner.invoke(app, ["network", "show", query, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["id"] == expected and d["sections"]


def test_emmerich_border_is_on_the_betuweroute_power_system():
    net = load_network()
    secs = net.sections_at("zevenaar-grens")
    assert {s.other_end("zevenaar-grens") for s in secs} == {"zevenaar", "emmerich"}
    assert all(s.electrification.value == "25kV_AC" for s in secs)
    assert net.find_op("Venlo Grens").neighbour_station == "Kaldenkirchen"
    assert all(s.max_train_length_m == 650 for s in net.sections_at("venlo-grens"))


def test_show_unknown_point_is_a_clear_error():
    r = runner.invoke(app, ["network", "show", "Atlantis"])
    assert r.exit_code == 2 and "no operational point called 'Atlantis'" in r.output


def test_main_network_is_connected_and_ports_reach_borders():
    net = load_network()
    g = net.graph()
    parts = sorted(nx.connected_components(g), key=len, reverse=True)
    assert len(parts[0]) >= 0.95 * len(net.ops)
    for part in parts[1:]:
        # outside the main part: lone areas that keep their registry tracks, or a network
        # that reaches the main one only through a neighbour country (Zeeuws-Vlaanderen via Gent)
        lone = len(part) == 1 and net.ops[next(iter(part))].tracks
        abroad = any(net.ops[o].kind.value in ("foreign", "border") for o in part)
        assert lone or abroad, sorted(part)
    for port in ("rotterdam-maasvlakte", "kijfhoek", "vlissingen-sloehaven"):
        for border in SEVEN:
            assert nx.has_path(g, port, border), (port, border)


def test_geojson_export(tmp_path):
    out = tmp_path / "nl.geojson"
    r = runner.invoke(app, ["network", "export", "--geojson", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    kinds = {f["properties"]["feature"] for f in doc["features"]}
    assert kinds == {"section", "operational_point"}
    line = next(f for f in doc["features"] if f["geometry"]["type"] == "LineString")
    lon, lat = line["geometry"]["coordinates"][0]
    assert 3.3 < lon < 7.3 and 50.7 < lat < 53.6  # WGS84 in the Netherlands


def test_embedded_file_is_compact():
    assert embedded_path().stat().st_size < 3_000_000


@pytest.mark.fullscale
@pytest.mark.skipif(not (SHARED / "prorail-infra-2021").exists(), reason="../shared is not present")
def test_full_registry_rebuild_is_byte_identical_and_fast(tmp_path):
    from railcap.data.prorail.build import build_network
    from railcap.data.native import write_network

    t0 = time.perf_counter()
    net, notes = build_network(SHARED / "prorail-infra-2021", SHARED / "nl-timetable-2026" / "stations-2023-09.csv")
    seconds = time.perf_counter() - t0
    print(f"\nfull registry import and derivation: {seconds:.1f} s")
    assert seconds < 60
    write_network(net, tmp_path / "n.json.gz")
    assert (tmp_path / "n.json.gz").read_bytes() == embedded_path().read_bytes()
    assert abs(net.track_length_m / 1000 - 7215) / 7215 < 0.01
    main_note = next(n for n in notes if "main connected part" in n)
    kept, total = (int(x) for x in main_note.split(" branches")[0].split(" of "))
    assert kept / total >= 0.98
