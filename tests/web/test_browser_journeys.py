"""The main journeys in Debian's chromium (Playwright): sign in, plan a military path with a border window,
see it on the diagram with the displaced trains, allocate it, see only a reserved path as a viewer, open the
map. RAILCAP_SCREENSHOTS=DIR saves a screenshot of each page there (docs/screenshots)."""

from __future__ import annotations

from tests.web.conftest import MILITARY, shot, sign_in


def test_sign_in_refuses_a_wrong_password(page):
    page.goto("/signin")
    page.fill("#name", "cp")
    page.fill("#password", "not the password")
    page.click("#signin")
    page.wait_for_selector("#message:has-text('wrong name or password')")
    shot(page, "signin")


def test_plan_a_military_path_see_it_allocate_it_then_a_viewer_sees_it_reserved(page):
    sign_in(page, "cp")
    page.goto("/plan")
    page.wait_for_selector("#consist option[value='military-heavy']", state="attached")
    page.select_option("#priority", "military")
    page.fill("#origin", "Maasvlakte")
    page.fill("#destination", "zevenaar-grens")
    page.fill("#depart_after", "14:00")
    page.select_option("#consist", "military-heavy")
    page.click("#add-window")
    page.fill("#windows .row input[name=op]", "zevenaar-grens")
    page.fill("#windows .row input[name=opens]", "15:30")
    page.fill("#windows .row input[name=closes]", "17:00")
    page.fill("#unit", MILITARY["unit"])
    page.fill("#load", MILITARY["load"])
    page.fill("#movement", MILITARY["movement"])
    page.click("#plan")
    page.wait_for_selector("#paths td")
    page.wait_for_selector("#diagram .main-svg")
    assert "displaced" in page.text_content("#stage")
    assert page.locator("#hindrance-table tr").count() > 1  # the displaced freight trains and their new times
    legend = page.text_content("#diagram .legend")
    assert "request" in legend and "displaced trains" in legend
    shot(page, "plan-military")

    page.click("#allocate")
    page.wait_for_selector("#allocated")
    text = page.text_content("#allocated")
    assert "stored as confirmed" in text
    aid = int(text.split()[1])
    page.goto(f"/diagram?allocation={aid}")
    page.wait_for_selector("#diagram .main-svg")
    assert MILITARY["unit"] not in page.content()  # details are in the list, not the diagram
    shot(page, "diagram-allocation")
    page.goto("/allocations")
    page.wait_for_selector(f"tr[data-id='{aid}']")
    assert MILITARY["unit"] in page.text_content(f"tr[data-id='{aid}']")  # cp allocated it: sees it
    shot(page, "allocations-capacity-planner")

    sign_in(page, "vw")
    page.goto("/allocations")
    row = page.wait_for_selector(f"tr[data-id='{aid}']")
    assert "reserved path" in row.text_content()
    html = page.content()
    for secret in (MILITARY["unit"], MILITARY["load"], MILITARY["movement"], "military-heavy", "maasvlakte"):
        assert secret not in html.lower() and secret not in html
    shot(page, "allocations-viewer")
    page.click(f"tr[data-id='{aid}'] a")
    page.wait_for_selector("#message:has-text('reserved path')")
    page.fill("#c-from", "maasvlakte-2")
    page.fill("#c-to", "zevenaar-grens")
    page.fill("#c-window", "13:30-17:30")
    page.click("#corridor-form button")
    page.wait_for_selector("#diagram .legend:has-text('reserved')")
    assert MILITARY["unit"] not in page.content() and f"A{aid}-military" not in page.content()
    shot(page, "corridor-viewer")


def test_open_the_map_and_colour_it(page):
    sign_in(page, "an")
    page.goto("/map")
    page.wait_for_selector("#network-svg polyline.section")
    assert page.locator("#network-svg polyline.section").count() > 500
    page.select_option("#colour-by", "electrification")
    page.wait_for_selector("#legend:has-text('25kV AC')")
    page.select_option("#colour-by", "use")
    page.wait_for_selector("#legend:has-text('trains/day')")
    shot(page, "map")
