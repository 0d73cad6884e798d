"""Rerouting under capacity on networks small enough to solve on paper."""

import pytest

from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.routes import disjoint_routes
from railcap.resilience.flow import Failure

from railcap.resilience.demand import demand_from_dict

from .nets import PLAIN, TANKS, bridge, demand, gauge_fork, parallel


def test_bridge_loss_disconnects_the_demand():
    net = bridge()
    m = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "c", "train_type": "freight",
                                            "trains_per_day": 10}]), PLAIN)
    assert m.base.cost == pytest.approx(10 * 15)  # 10 trains × 15 km
    c = m.case(Failure.of(sections=["b-c"]))
    assert c.unmet_trains_per_day == pytest.approx(10)
    assert c.extra_cost_km_per_day == pytest.approx(10 * 1000 - 150)
    assert c.importance_km_per_train == pytest.approx(985.0)
    assert [(f.origin, f.destination, f.trains_per_day) for f in c.lost] == [("a", "c", 10)]
    assert c.affected_trains_per_day == pytest.approx(10)
    assert "loses 10.0 trains/day" in c.reason


def test_parallel_route_absorbs_up_to_its_capacity():
    net = parallel()
    m = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "b", "train_type": "freight",
                                            "trains_per_day": 5}]), PLAIN)
    assert m.base.cost == pytest.approx(5 * 20)
    c = m.case(Failure.of(sections=["main"]))
    # the single-track detour carries 2 trains a "day" (36 km each), 3 cannot run
    assert c.unmet_trains_per_day == pytest.approx(3)
    assert c.extra_cost_km_per_day == pytest.approx(2 * 36 + 3 * 1000 - 100)
    assert c.extra_train_km_per_day == pytest.approx(2 * 36 - 100)
    loads = {d.section: (d.load_trains_per_day, d.capacity_trains_per_day) for d in c.diversions}
    assert loads["a-m"] == pytest.approx((2.0, 2.0)) and loads["m-b"] == pytest.approx((2.0, 2.0))


def test_single_track_detour_is_shared_by_both_directions():
    net = parallel()
    m = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "b", "train_type": "freight",
                                            "trains_per_day": 1, "both_ways": True}]), PLAIN)
    c = m.case(Failure.of(sections=["main"]))
    assert c.unmet_trains_per_day == pytest.approx(0)  # 1 + 1 = 2 fits exactly
    m3 = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "b", "train_type": "freight",
                                             "trains_per_day": 3, "both_ways": True}]), PLAIN)
    assert m3.case(Failure.of(sections=["main"])).unmet_trains_per_day == pytest.approx(4)


def test_military_movement_loses_its_only_gauge_compatible_route():
    net = gauge_fork()
    d = demand(net, [{"origin": "l", "destination": "x", "train_type": "freight", "trains_per_day": 3}],
               [{"id": "tanks-east", "origin": "l", "destination": "x", "train_type": "tanks",
                 "trains_per_day": 2}])
    m = ResilienceModel(net, d, PLAIN)
    (before,) = m.military()
    assert before.reachable and before.edge_disjoint_routes == 1 and before.node_disjoint_routes == 1
    failure = Failure.of(sections=["j-x"])
    (after,) = m.military(failure)
    assert not after.reachable and after.edge_disjoint_routes == 0
    c = m.case(failure)
    assert c.unmet_trains_per_day == pytest.approx(2)  # the tanks; the freight goes round via k
    assert c.extra_train_km_per_day == pytest.approx(3 * (50 - 40) - 2 * 40)
    (mil,) = c.military
    assert mil.served_trains_per_day == 0 and not mil.reachable
    assert "military stopped: tanks-east" in c.reason


@pytest.mark.parametrize("oog_class, other_direction", [(3, 4.0), (1, 0.0)])
def test_a_wide_load_takes_the_adjacent_track_where_the_passage_rule_says_so(oog_class, other_direction):
    # model.admission.passage on a GC double track: class 3 keeps the adjacent track free, class 1 does not
    net = parallel()
    d = demand_from_dict({"train_types": {"tanks": dict(TANKS, out_of_gauge_class=oog_class)}, "flows": [],
                          "military": [{"id": "t", "origin": "a", "destination": "b", "train_type": "tanks",
                                        "trains_per_day": 4}]}, net, "test demand")
    m = ResilienceModel(net, d, PLAIN)
    forward, backward = m.problem.macro.section_resources[m.problem.macro.section_index()["main"]]
    assert m.base.unmet_trains_per_day == 0
    assert (m.base.resource_load[forward], m.base.resource_load[backward]) == pytest.approx((4.0, other_direction))


def test_section_without_base_flow_is_skipped_and_equals_base():
    net = gauge_fork()
    m = ResilienceModel(net, demand(net, [{"origin": "l", "destination": "x", "train_type": "freight",
                                            "trains_per_day": 3}]), PLAIN)
    c = m.case(Failure.of(sections=["j-k"]))
    assert c.equals_base and c.importance_km_per_train == 0 and "equals the base" in c.reason
    assert m.case(Failure.of(sections=["j-x"]), detail=False).extra_train_km_per_day == pytest.approx(30)


def test_rank_orders_by_importance_and_closes_points_too():
    net = parallel()
    m = ResilienceModel(net, demand(net, [{"origin": "a", "destination": "b", "train_type": "freight",
                                            "trains_per_day": 5}]), PLAIN)
    ranked = m.rank(ops=True)
    assert ranked[0].importance_km_per_train >= ranked[-1].importance_km_per_train
    assert {r.label for r in ranked[:2]} == {"op a", "op b"}  # the ends: nothing can run
    assert ranked[0].unmet_trains_per_day == pytest.approx(5)


def test_terminal_closure_keeps_through_traffic():
    net = bridge()
    d = demand(net, [{"origin": "a", "destination": "c", "train_type": "freight", "trains_per_day": 4},
                     {"origin": "b", "destination": "c", "train_type": "freight", "trains_per_day": 1}])
    m = ResilienceModel(net, d, PLAIN)
    c = m.case(Failure.of(terminal_ops=["b"]))
    assert c.unmet_trains_per_day == pytest.approx(1)
    assert [(f.origin, f.destination) for f in c.lost] == [("b", "c")]


def test_disjoint_routes_counts_edges_and_nodes_separately():
    import networkx as nx
    # two routes a-m-c and a-m-c' ... meeting at m: 2 edge-disjoint halves but 1 node-disjoint
    g = nx.MultiGraph([("a", "m"), ("a", "m"), ("m", "c"), ("m", "c")])
    assert disjoint_routes(g, "a", "c") == (2, 1)
    assert disjoint_routes(g, "a", "zz") == (0, 0)


def test_unknown_operational_point_in_demand_is_reported_once_with_its_uses():
    from railcap.model.errors import ValidationError
    net = bridge()
    with pytest.raises(ValidationError) as e:
        demand(net, [{"origin": "a", "destination": "nowhere", "train_type": "freight", "trains_per_day": 1},
                     {"origin": "nowhere", "destination": "c", "train_type": "freight", "trains_per_day": 1},
                     {"origin": "a", "destination": "c", "train_type": "steam", "trains_per_day": -1}])
    text = str(e.value)
    assert text.count("no operational point called 'nowhere'") == 1
    assert "flows[0].destination" in text and "flows[1].origin" in text
    assert "unknown train type 'steam'" in text and "must be ≥ 0" in text


@pytest.mark.parametrize("rec, bad", [(dict(TANKS, out_of_gauge_class=4), "4"),
                                      (dict(TANKS, out_of_gauge=False, out_of_gauge_class=2), "2")])
def test_an_out_of_gauge_class_must_be_1_2_or_3_on_an_out_of_gauge_type(rec, bad):
    from railcap.model.errors import ValidationError
    with pytest.raises(ValidationError) as e:
        demand_from_dict({"train_types": {"tanks": rec}, "flows": []}, bridge(), "test demand")
    (p,) = e.value.problems
    assert (p.element, p.field) == ("test demand train type 'tanks'", "out_of_gauge_class")
    assert p.reason.startswith(f"{bad}: give 1, 2 or 3")


def test_corridors_and_pruning_do_not_change_the_answer():
    from railcap.resilience.flow import RerouteEngine, build_problem
    from railcap.resilience.samples import grid_demand, grid_network
    net = grid_network(4, 5, seed=2, max_stations=2)
    d = grid_demand(net, seed=2)
    small, full = (RerouteEngine(build_problem(net, d, contract=c)) for c in (True, False))
    assert small.problem.n_cols < full.problem.n_cols
    assert small.base.cost == pytest.approx(full.base.cost, rel=1e-9)
    for sid in sorted(net.sections)[::3]:
        f = Failure.of(sections=[sid])
        assert small.solve(f).cost == pytest.approx(full.solve(f).cost, rel=1e-9), sid
    for oid in sorted(net.ops)[::4]:
        f = Failure.of(ops=[oid])
        assert small.solve(f).cost == pytest.approx(full.solve(f).cost, rel=1e-9), oid
