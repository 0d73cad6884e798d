"""The route finder's own Dijkstra answers exactly as networkx's on the embedded Dutch network.

networkx is the reference here only: the finder does not import it, so that a
cold command does not pay its import; equal costs must break the same way, or
a path found today would change.
"""

import networkx as nx
import pytest

from railcap.data.embedded import load_network
from railcap.data.rolling_stock import load_catalogue
from railcap.model.admission import exceptional_network
from railcap.pathing.routes import running_cost
from railcap.physics.route import RouteFinder


def _networkx_paths(net, cost, source):
    g = nx.Graph()
    g.add_nodes_from(net.ops)
    for s in sorted(net.sections.values(), key=lambda s: s.id):
        w = cost(s)
        if w is None:
            continue
        old = g.get_edge_data(s.from_op, s.to_op)
        if old is None or w < old["w"]:
            g.add_edge(s.from_op, s.to_op, w=w, section=s)
    return nx.single_source_dijkstra_path(g, source, weight="w")


@pytest.mark.parametrize("consist_id", ["intermodal-650", "military-heavy", "icng-8"])
def test_same_paths_as_networkx(consist_id):
    net, consist = load_network(), load_catalogue().consist(consist_id)
    if consist.out_of_gauge:
        net = exceptional_network(net, consist.oog_class)
    costs = [running_cost(consist), lambda s: s.length_m, lambda s: round(s.length_m, -3)]  # the last: many ties
    sources = sorted(net.ops)[::15]
    for cost in costs:
        finder = RouteFinder(net, cost)
        for a in sources:
            want = _networkx_paths(net, cost, a)
            got = {b: finder.ops(a, b) for b in net.ops}
            assert {b: p for b, p in got.items() if p is not None} == want, (consist_id, a)


def test_a_search_stopped_at_its_target_gives_the_same_path():
    """The finder settles points only until the target is settled: a new finder per question (the search stopped
    early each time) answers as one asked for every point in turn (the search resumed) and as networkx."""
    net, consist = load_network(), load_catalogue().consist("intermodal-650")
    cost = running_cost(consist)
    for a in sorted(net.ops)[::97]:
        want = _networkx_paths(net, cost, a)
        for b in sorted(net.ops, reverse=True)[::41]:
            assert RouteFinder(net, cost).ops(a, b) == want.get(b), (a, b)
