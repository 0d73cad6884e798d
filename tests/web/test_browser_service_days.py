"""A plan past 24:00 in Debian's chromium (Playwright): the page says the departure was moved to the next
service day, and its diagram draws the day before's trains still running after midnight, named so; the
allocation list shows a reserve path a military path used as used, by that allocation."""

from __future__ import annotations

from tests.web.conftest import shot, sign_in


def test_a_plan_at_24h05_shows_the_departure_note_and_the_day_befores_trains(page):
    sign_in(page, "cp")
    page.goto("/plan")
    page.wait_for_selector("#consist option[value='intermodal-740']", state="attached")
    page.fill("#origin", "kijfhoek")
    page.fill("#destination", "oldenzaal-grens")
    page.fill("#depart_after", "24:05")
    page.select_option("#consist", "intermodal-740")
    page.click("#plan")
    page.wait_for_selector("#paths td")
    note = page.text_content("#departure-note")
    assert "next service day" in note and "00:05" in note
    page.wait_for_selector("#diagram .main-svg")
    assert "day before, after 24:00" in page.text_content("#diagram .legend")
    drawn = page.evaluate("""() => document.getElementById('diagram').data
        .filter(t => (t.text || '').includes('@day-1')).length""")
    assert drawn >= 10  # one trace per stretch of each of the day before's trains on the corridor
    shot(page, "plan-after-midnight")

    page.fill("#depart_after", "09:10")
    page.click("#plan")
    page.wait_for_function("() => !document.getElementById('departure-note')")  # no note before 24:00


def test_the_allocations_page_shows_a_used_reserve_path_with_the_allocation_that_used_it(page, live):
    from tests.web.test_used_reserve import _reserve_then_military

    mil = _reserve_then_military(live.db)
    sign_in(page, "vw")
    page.goto("/allocations")
    row = page.wait_for_selector("tr[data-id='1']")
    assert row.query_selector("td.status").text_content() == f"used by allocation {mil}"
    assert row.query_selector("button.cancel") is None  # nothing left to cancel: it holds no blocks
    shot(page, "allocations-used-reserve")
