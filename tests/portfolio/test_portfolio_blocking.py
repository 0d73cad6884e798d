"""Measures that change blocks, signalling or speed: the reference day's blocking times are recomputed on
the edited network, so the UIC 406 consumption and the spare military paths move as stated (the embedded
Dutch network and reference weekday, shipped with railcap)."""

import numpy as np
import pytest

from railcap.data.reference import load_reference_timetable
from railcap.data.rolling_stock import load_catalogue
from railcap.model.measures import Funding, Measure, SectionEdit
from railcap.model.timetable import Timetable
from railcap.occupancy.runs import timetable_occupations
from railcap.resilience.demand import route_sections
from railcap.services import capacity as cap
from railcap.services.portfolio import BETUWEROUTE, edited_day, load_setup, spare_military_paths, uic406_change


@pytest.fixture(scope="module")
def setup():
    return load_setup("nl")


def _rows(table, ids):
    t = table[np.isin(table.train_id, ids)]
    order = np.lexsort((t.start_s, t.resource_id.astype(str), t.train_id.astype(str)))
    return t.resource_id[order].tolist(), t.start_s[order], t.end_s[order]


def test_recomputing_on_the_unedited_network_gives_the_shipped_day(setup):
    day = edited_day(setup, [setup.catalogue.measures["etcs-havenspoorlijn"]])
    ids = list(day.recomputed)
    assert len(ids) > 50
    runs = tuple(r for r in load_reference_timetable().runs if r.id in set(ids))
    again = timetable_occupations(Timetable(runs), setup.network, load_catalogue())
    shipped = _rows(cap.day_occupations(), ids)
    mine = _rows(again, ids)
    assert shipped[0] == mine[0]
    np.testing.assert_array_equal(shipped[1], mine[1])
    np.testing.assert_array_equal(shipped[2], mine[2])


def test_etcs_short_blocks_lower_the_uic406_consumption_on_the_havenspoorlijn(setup):
    m = setup.catalogue.measures["etcs-havenspoorlijn"]
    day = edited_day(setup, [m])
    rows = [r for r in uic406_change(setup, day) if r["peak_rate_pct_before"] is not None]
    assert rows and all(r["change"].startswith("etcs-havenspoorlijn: etcs_block_m") for r in rows)
    busiest = rows[0]
    assert busiest["peak_rate_pct_after"] < busiest["peak_rate_pct_before"]
    assert all(r["peak_rate_pct_after"] <= r["peak_rate_pct_before"] for r in rows)
    # other trains keep their blocking times exactly
    untouched = cap.day_occupations()
    kept = ~np.isin(untouched.train_id, list(day.recomputed))
    others = day.table[~np.isin(day.table.train_id, list(day.recomputed))]
    assert len(others) == int(kept.sum())
    np.testing.assert_array_equal(others.start_s, untouched[kept].start_s)


def test_a_faster_betuweroute_fits_more_military_paths_and_is_counted(setup):
    fast = Measure("betuweroute-140", "Betuweroute 140 km/h", 2, Funding.COSTED, 1.0,
                   edits=(SectionEdit(tuple(route_sections(setup.network, BETUWEROUTE)), "speed_kmh", 140.0),))
    base = spare_military_paths(setup, [], routes=["betuweroute"])
    after = spare_military_paths(setup, [fast], routes=["betuweroute"])
    assert "blocking_times" not in base and after["blocking_times"]["recomputed_trains"] > 0
    assert after["per_route"]["betuweroute"] > base["per_route"]["betuweroute"]
    assert any(r["peak_rate_pct_after"] < r["peak_rate_pct_before"] for r in after["uic406"]
               if r["peak_rate_pct_before"] is not None)
