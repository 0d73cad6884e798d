"""From each military loading site to each NATO crossing, on the reference weekday.

A military heavy train (out of gauge, class 3) and an ammunition train (RID
class 1), each at a morning, an afternoon and a night hour. Every path found
passes the independent conflict detector together with the day as it will be
(moved trains at their new times) and with the adjacent tracks held; where none
is found, the answer names the rule or the trains in the way.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.pathing.checks import assert_valid
from railcap.data.rolling_stock import load_catalogue
from railcap.model.admission import ADJACENT_FREE, passage
from railcap.pathing import Planner, make_request

CAT = load_catalogue()
CROSSINGS = ("zevenaar-grens", "venlo-grens", "oldenzaal-grens")  # Emmerich, Venlo, Oldenzaal
HOURS = (7, 14, 22)


@pytest.fixture(scope="module")
def planner(day):
    net, tt, occ = day
    return Planner(net, tt, catalogue=CAT, base=occ)


def loading_sites(net) -> list[str]:
    return sorted(o.id for o in net.ops.values() if o.military_loading and o.kind.value == "loading_site")


def test_the_sites_in_the_data_include_t_harde_and_steenwijk(planner):
    assert {"t-harde", "steenwijk"} <= set(loading_sites(planner.net))


@pytest.mark.parametrize("consist", ["military-heavy", "military-ammunition"])
def test_each_loading_site_to_each_crossing_at_three_hours(planner, consist):
    net = planner.net
    found = 0
    for site in loading_sites(net):
        for crossing in CROSSINGS:
            for hour in HOURS:
                req = make_request(net, origin=site, destination=crossing, consist=CAT.consist(consist),
                                   earliest_departure_s=hour * 3600, priority="military")
                result = planner.plan(req)
                where = f"{consist} {site} → {crossing} at {hour}:00"
                if not result.found:
                    _names_the_reason(result.explanation, where)
                    continue
                found += 1
                assert_valid(planner, result)
                if consist == "military-heavy":
                    _adjacent_tracks_held(result.paths[0], req.consist)
    assert found > 0


def _adjacent_tracks_held(path, consist) -> None:
    """Every section whose conditions keep the adjacent track free has it in the path's occupations,
    held for the whole passage."""
    occ = path.occupations()
    rids = occ.resource_id.tolist()
    for leg in path.route.legs:
        if ADJACENT_FREE not in passage(leg.section, consist.oog_class).conditions:
            continue
        own = "-" if leg.reverse else "+"
        other = "+" if leg.reverse else "-"
        mine = [i for i, r in enumerate(rids) if r.startswith(f"{leg.section.id}/{own}")]
        held = [i for i, r in enumerate(rids) if r.startswith(f"{leg.section.id}/{other}")]
        assert held, leg.section.id
        assert np.all(occ.start_s[held] <= occ.start_s[mine].min() + 1e-6)
        assert np.all(occ.end_s[held] >= occ.end_s[mine].max() - 1e-6)


def _names_the_reason(ex, where: str) -> None:
    """The answer without a path names the rule (an excluded section), the trains in the way or the
    window that cannot be met, in its summary."""
    assert ex is not None, where
    if ex.blocking_trains:
        assert sorted({b["train_id"] for b in ex.blocking_trains})[0] in ex.summary, (where, ex.summary)
    elif ex.excluded:
        assert ex.excluded[0]["section"] in ex.summary and ex.excluded[0]["reason"] in ex.summary, where
    else:
        assert ex.windows and ex.windows[0] in ex.summary, (where, ex.summary)
