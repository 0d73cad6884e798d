"""The GeoJSON export read back as a GIS tool would: a graph from the file alone.

Nodes are the Point features (matched to line ends by coordinates, with shapely), edges the
LineStrings; the connected components and the bridges must be the model's.
"""

import json

import networkx as nx
from shapely.geometry import Point, shape
from typer.testing import CliRunner

from railcap.cli import app
from railcap.data.geojson import network_geojson, shared_coordinates
from railcap.data.embedded import load_network


def graph_from_file(doc: dict) -> nx.MultiGraph:
    """Points by coordinate; every line joins the points at its two ends (within 1 m)."""
    pts = {}
    for f in doc["features"]:
        if f["properties"]["feature"] == "operational_point":
            pts[tuple(round(c, 7) for c in f["geometry"]["coordinates"])] = f["properties"]["id"]
    g = nx.MultiGraph()
    g.add_nodes_from(pts.values())
    for f in doc["features"]:
        if f["properties"]["feature"] != "section":
            continue
        line = shape(f["geometry"])
        ends = []
        for c in (line.coords[0], line.coords[-1]):
            key = tuple(round(v, 7) for v in c)
            assert key in pts, f"{f['id']}: line end {c} is at no point"
            assert Point(c).distance(Point(key)) < 1e-5
            ends.append(pts[key])
        g.add_edge(*ends, key=f["id"])
    return g


def model_graph(net) -> nx.MultiGraph:
    g = nx.MultiGraph()
    g.add_nodes_from(net.ops)
    for s in net.sections.values():
        g.add_edge(s.from_op, s.to_op, key=s.id)
    return g


def bridges(g: nx.MultiGraph) -> set[frozenset]:
    """Bridges of a multigraph: a doubled edge is never one."""
    simple = nx.Graph(g)
    return {frozenset(e) for e in nx.bridges(simple) if g.number_of_edges(*e) == 1}


def test_ids_are_stable_and_parallel_sections_told_apart():
    net = load_network()
    a, b = network_geojson(net), network_geojson(net)
    ids = [f["id"] for f in a["features"]]
    assert ids == [f["id"] for f in b["features"]] and len(set(ids)) == len(ids)
    par = [f for f in a["features"] if f["properties"].get("parallel_count", 1) > 1]
    by_pair = {}
    for f in par:
        p = f["properties"]
        by_pair.setdefault(frozenset((p["from_op"], p["to_op"])), set()).add(p["parallel_index"])
    assert all(idx == set(range(len(idx))) for idx in by_pair.values())


def test_every_line_starts_and_ends_at_its_points():
    net = load_network()
    for f in network_geojson(net)["features"]:
        p = f["properties"]
        if p["feature"] == "section":
            a, b = net.ops[p["from_op"]], net.ops[p["to_op"]]
            assert f["geometry"]["coordinates"][0] == [a.lon, a.lat]
            assert f["geometry"]["coordinates"][-1] == [b.lon, b.lat]


def test_graph_from_the_sample_file_has_the_models_components_and_bridges(tmp_path):
    from railcap.model.samples import corridor

    net = corridor()
    g, m = graph_from_file(json.loads(json.dumps(network_geojson(net)))), model_graph(net)
    assert sorted(map(sorted, nx.connected_components(g))) == sorted(map(sorted, nx.connected_components(m)))
    assert bridges(g) == bridges(m)


def test_graph_from_the_dutch_file_has_the_models_components_and_bridges(tmp_path):
    out = tmp_path / "nl.geojson"
    r = CliRunner().invoke(app, ["network", "export", "--geojson", str(out)])
    assert r.exit_code == 0, r.output
    net = load_network()
    assert not shared_coordinates(net)
    assert "barendrecht-vork" not in net.ops  # was a siding at the Maasvlakte end, named after the far end
    doc = json.loads(out.read_text())
    moved = {f["properties"]["id"]: f["properties"]["notes"] for f in doc["features"]
             if f["properties"]["feature"] == "operational_point" and "GIS tools" in f["properties"]["notes"]}
    assert {"botlektunnel", "aansl-breda-lage-zwaluwe-2"} <= set(moved)  # each moved point says why
    g, m = graph_from_file(json.loads(out.read_text())), model_graph(net)
    assert sorted(map(sorted, nx.connected_components(g))) == sorted(map(sorted, nx.connected_components(m)))
    assert bridges(g) == bridges(m)
