"""Capacity and demand on the Dutch data (embedded network and reference weekday; no /work/shared).

What the issue asks, as the model answers it today (figures in docs/resilience.md):

* doubling the freight demand raises the trains lost when Emmerich is closed;
* removing the passenger trains changes how a named long closure is rerouted (with the freight doubled
  the seven-week Betuweroute closure fills hour bands of Tiel–Kesteren and Moordrecht–Gouda only with
  the passenger trains there);
* the Betuweroute closure loses the same trains with and without the passenger trains (what binds in
  the Dutch hour bands only lengthens routes); with Emmerich closed and the freight doubled the passenger
  trains do cost civil trains, since the military trains (served first) detour over the same lines;
* block-level blocking times leave freight paths where the reference day runs its freight.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from railcap.resilience.reports import CaseReport
from railcap.resilience.scenarios import scenarios_from_dict
from railcap.services.resilience import dutch_network, model, reference_passenger_load


@lru_cache(maxsize=None)
def worst(name: str, passenger: str = "timetable", factor: float = 1.0, limits: bool = False) -> CaseReport:
    m, doc = model("nl", passenger=passenger, limits=limits, freight_factor=factor)
    sc = scenarios_from_dict(doc, m.network, list(m.demand.train_types))[name]
    return m.scenario(sc).worst


@pytest.mark.parametrize("limits", [False, True])
def test_doubling_freight_raises_the_trains_lost_when_emmerich_is_closed(limits):
    once, twice = worst("emmerich-closed", limits=limits), worst("emmerich-closed", factor=2.0, limits=limits)
    assert twice.unmet_trains_per_day > once.unmet_trains_per_day + 50
    assert any("(abroad)" in f.section for f in twice.full)  # the other crossings' foreign lines run full


def test_passenger_trains_change_how_the_betuweroute_closure_is_rerouted():
    # with the freight doubled the detours fill hour bands of Dutch lines the passenger trains share
    busy = worst("betuweroute-closed-7-weeks", factor=2.0)
    empty = worst("betuweroute-closed-7-weeks", passenger="none", factor=2.0)
    assert {"tiel--kesteren", "moordrecht-aansl--gouda"} <= {f.section for f in busy.full}
    assert not any(not f.section.endswith("(abroad)") for f in empty.full)
    assert abs(busy.extra_train_km_per_day - empty.extra_train_km_per_day) > 1000


def test_the_betuweroute_closure_loses_the_same_trains_with_or_without_passenger_trains():
    # what binds in the Dutch hour bands only lengthens routes; the trains lost are the 740 m ones, which
    # no other Dutch line admits (docs/resilience.md, "When the passenger trains change the trains lost")
    busy, empty = worst("betuweroute-closed-7-weeks", factor=2.0), worst("betuweroute-closed-7-weeks",
                                                                        passenger="none", factor=2.0)
    assert busy.unmet_trains_per_day == pytest.approx(empty.unmet_trains_per_day)
    assert worst("betuweroute-closed-7-weeks").unmet_trains_per_day == pytest.approx(46.0)


def _lost(case: CaseReport) -> dict[tuple[str, str, str], float]:
    return {(f.origin, f.destination, f.train_type): f.trains_per_day for f in case.lost}


def test_with_emmerich_closed_and_the_freight_doubled_the_passenger_trains_cost_civil_trains():
    # every military train still runs (it goes first); switched to other crossings the military detours
    # share the Dutch lines with the civil ones, and with the passenger trains there fewer paths are left
    busy, empty = worst("emmerich-closed", factor=2.0), worst("emmerich-closed", passenger="none", factor=2.0)
    for case in (busy, empty):
        assert case.military and all(m.served_trains_per_day == pytest.approx(m.demand_trains_per_day)
                                     for m in case.military)
    assert busy.unmet_trains_per_day > empty.unmet_trains_per_day + 3
    more = {k: n - _lost(empty).get(k, 0.0) for k, n in _lost(busy).items() if n > _lost(empty).get(k, 0.0) + 1e-6}
    assert more and all(t not in ("intermodal_740",) and not t.startswith("military") for _, _, t in more)


def test_block_level_blocking_times_leave_freight_paths_where_the_reference_day_runs_freight():
    # F-kijfhoek-eijsden-grens/002 runs Maastricht-Eijsden at 08:31 on the reference day
    free = reference_passenger_load(dutch_network()).free_paths["eijsden--eijsden-grens"]
    assert free[3].min() > 0  # 08:00-09:00, both directions
