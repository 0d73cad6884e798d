"""Capacity and demand on the Dutch data (embedded network and reference weekday; no /work/shared).

What the issue asks, as the model answers it today (figures in docs/resilience.md):

* doubling the freight demand raises the trains lost when Emmerich is closed;
* removing the passenger trains changes how a named long closure is rerouted (with the freight doubled
  the seven-week Betuweroute closure fills hour bands of Tiel–Kesteren and Moordrecht–Gouda only with
  the passenger trains there);
* the long closures lose the same trains with and without the passenger trains (what binds in the
  Dutch hour bands only lengthens routes);
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


def test_the_long_closures_lose_the_same_trains_with_or_without_passenger_trains():
    # what binds in the Dutch hour bands only lengthens routes; the trains lost have no admissible line
    # (740 m, rules) or find the neighbours' lines full (docs/resilience.md, "Why the passenger trains ...")
    for name in ("betuweroute-closed-7-weeks", "emmerich-closed"):
        busy, empty = worst(name, factor=2.0), worst(name, passenger="none", factor=2.0)
        assert busy.unmet_trains_per_day == pytest.approx(empty.unmet_trains_per_day)
    assert worst("betuweroute-closed-7-weeks").unmet_trains_per_day == pytest.approx(46.0)


def test_block_level_blocking_times_leave_freight_paths_where_the_reference_day_runs_freight():
    # F-kijfhoek-eijsden-grens/002 runs Maastricht-Eijsden at 08:31 on the reference day
    free = reference_passenger_load(dutch_network()).free_paths["eijsden--eijsden-grens"]
    assert free[3].min() > 0  # 08:00-09:00, both directions
