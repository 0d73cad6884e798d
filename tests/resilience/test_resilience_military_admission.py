"""One admission rule for both engines: where a military train may run on the embedded Dutch network.

The path engine routes a consist of the rolling-stock catalogue (an out-of-gauge consist by the
passage rule of ``model.admission`` for its class); the resilience engine routes a train type of the
demand file. The bug this guards against: the resilience train types were checked by gauge rank
instead of by the passage rule, so Steenwijk, 't Harde and Eemshaven had "no compatible route" for the
tanks while ``railcap path plan`` found one. No /work/shared needed.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from railcap.data.rolling_stock import load_catalogue
from railcap.model.admission import exceptional_network, section_problems
from railcap.pathing.routes import route_through, running_cost
from railcap.resilience.routes import military_redundancy
from railcap.services.resilience import demand_file, dutch_network, load_demand, model

#: the catalogue's consists each military train type of the demand file stands for (its ``source`` says so)
CONSISTS = {"military_heavy": ("military-heavy", "military-heavy-diesel"),
            "military_ammo": ("military-ammunition",)}


@lru_cache(maxsize=None)
def _data():
    net = dutch_network()
    return net, load_demand(demand_file(), net), load_catalogue()


def _movements():
    return [mv.id for mv in _data()[1].military]


def test_every_military_train_type_is_paired_with_its_consists():
    _, demand, cat = _data()
    types = {t for t, tt in demand.train_types.items() if tt.military}
    assert types == set(CONSISTS)
    for t, ids in CONSISTS.items():
        tt = demand.train_types[t]
        for c in (cat.consist(i) for i in ids):
            assert (c.out_of_gauge, c.oog_class if c.out_of_gauge else None) == (
                tt.out_of_gauge, tt.out_of_gauge_class if tt.out_of_gauge else None), c.id
            assert c.id in tt.source, f"{t}'s source names the consist it follows"


@pytest.mark.parametrize("t", sorted(CONSISTS))
def test_a_train_type_may_use_exactly_the_sections_one_of_its_consists_may_use(t):
    net, demand, cat = _data()
    tt, consists = demand.train_types[t], [cat.consist(i) for i in CONSISTS[t]]
    differ = [s.id for s in net.sections.values()
              if tt.may_use(s) != any(not c.problems_on(s) for c in consists)]
    assert differ == []
    if tt.out_of_gauge:  # the passage rule decides, not the gauge rank: GB sections are open to the tanks
        assert any(tt.may_use(s) and s.loading_gauge.value == "GB" for s in net.sections.values())


@pytest.mark.parametrize("movement", _movements())
def test_the_resilience_engine_reaches_a_movement_exactly_when_the_path_engine_routes_it(movement):
    net, demand, cat = _data()
    mv = next(m for m in demand.military if m.id == movement)
    tt = demand.train_types[mv.train_type]
    routed = []
    for c in (cat.consist(i) for i in CONSISTS[mv.train_type]):
        view = exceptional_network(net, c.oog_class) if c.out_of_gauge else net
        route = route_through(view, [mv.origin, mv.destination], running_cost(c))
        if route is not None:
            assert all(not section_problems(c.needs, net.sections[leg.section.id]) for leg in route.legs)
            routed.append(c.id)
    reachable = military_redundancy(net, mv, tt.may_use).reachable
    assert reachable == bool(routed)
    assert reachable, f"{movement}: the catalogue's consists run from {mv.origin} to {mv.destination}"


def test_the_rerouting_lp_serves_every_military_train_in_the_base_case():
    m, _ = model("nl", passenger="none", limits=False)
    served = {s.movement: (s.served_trains_per_day, s.demand_trains_per_day)
              for s in m.compare(m.base, m.problem).military}
    assert served and all(s == pytest.approx(d) for s, d in served.values()), served
