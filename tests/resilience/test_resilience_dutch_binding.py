"""Capacity and demand on the Dutch data (embedded network and reference weekday; no /work/shared).

What the issue asks, as the model answers it today (figures in docs/resilience.md):

* doubling the freight demand raises the trains lost when Emmerich is closed;
* removing the passenger trains changes how a named long closure is rerouted (the seven-week
  Betuweroute closure fills Moordrecht–Gouda only with the passenger trains there);
* the Dutch lines' own capacity decides a case: with the freight doubled, the Dordrecht
  junction sabotage loses trains with the reference day's passenger trains and none without.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from railcap.resilience.reports import CaseReport
from railcap.resilience.scenarios import scenarios_from_dict
from railcap.services.resilience import model


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
    busy, empty = worst("betuweroute-closed-7-weeks"), worst("betuweroute-closed-7-weeks", passenger="none")
    assert any(f.section.startswith("moordrecht") for f in busy.full)
    assert not any(f.section.startswith("moordrecht") for f in empty.full)
    assert abs(busy.extra_train_km_per_day - empty.extra_train_km_per_day) > 50


def test_dutch_capacity_decides_a_case_with_the_freight_doubled():
    busy = worst("junction-sabotage-dordrecht", factor=2.0)
    empty = worst("junction-sabotage-dordrecht", passenger="none", factor=2.0)
    assert busy.unmet_trains_per_day > empty.unmet_trains_per_day + 3
    assert any(not f.section.endswith("(abroad)") for f in busy.full)
