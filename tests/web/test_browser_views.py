"""Journeys in Debian's chromium for capacity, the portfolio and movements: read the capacity table, evaluate
measures as a job, plan a military movement as a defence planner, allocate it whole as a capacity planner,
and find the movement form closed to an analyst, who sees the trains as reserved paths. RAILCAP_SCREENSHOTS=DIR saves a screenshot of each page there (docs/screenshots)."""

from __future__ import annotations

import datetime as dt
import json

from tests.web.conftest import shot, sign_in


def test_read_the_capacity_report_and_pick_another_window(page):
    sign_in(page, "vw")
    page.goto("/capacity")
    page.wait_for_selector("#capacity tbody tr")
    assert page.locator("#capacity tbody tr").count() == 40
    assert "UIC 406" in page.text_content("#norm")
    page.fill("#window", "16:00-18:00")
    page.fill("#top", "10")
    page.click("#show-capacity")
    page.wait_for_selector("#norm:has-text('16:00-18:00')")
    assert page.locator("#capacity tbody tr").count() == 10
    shot(page, "capacity")


def test_evaluate_two_measures_as_a_background_job(page):
    sign_in(page, "an")
    page.goto("/portfolio")
    page.wait_for_selector("#measures input.pick")
    boxes = page.locator("#measures input.pick")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#evaluate")
    page.wait_for_selector("#changes tbody tr", timeout=240_000)
    assert "Evaluated (base)" in page.text_content("#portfolio-result")
    assert "done" in page.text_content("#progress")
    shot(page, "portfolio")


def test_plan_a_movement_as_a_defence_planner_allocate_it_as_a_capacity_planner_and_an_analyst_may_not(page):
    sign_in(page, "dp")
    page.goto("/movement")
    page.wait_for_selector("#sites tbody tr")
    example = json.loads(page.input_value("#order"))
    assert example["earliest_day"] > dt.date.today().isoformat()  # the example order may be run any day
    page.click("#plan-movement")
    page.wait_for_selector("#movement tbody tr", timeout=240_000)
    assert page.locator("#movement tbody tr").count() == 2
    assert "2 of 2 trains planned" in page.text_content("#summary")
    shot(page, "movement")

    assert page.is_disabled("#allocate-movement")  # a defence planner plans; capacity planners allocate

    sign_in(page, "cp")
    page.goto("/movement")
    page.wait_for_selector("#sites tbody tr")
    page.click("#allocate-movement")
    page.wait_for_selector("#summary:has-text('stored as confirmed allocations')", timeout=240_000)
    ids = page.text_content("#summary").rsplit("allocations ", 1)[1].split(", ")
    page.goto("/allocations")
    for i in ids:
        assert "43 Mechanised Brigade" in page.wait_for_selector(f"tr[data-id='{i}']").text_content()

    sign_in(page, "an")
    page.goto("/movement")
    page.wait_for_selector("#sites tbody tr")
    assert page.is_disabled("#plan-movement")
    assert "may not plan military movements" in page.text_content("#message")
    page.goto("/studies")
    page.wait_for_selector("#jobs tbody tr")
    jobs = page.text_content("#jobs")
    assert "reserved" in jobs and "43 Mechanised" not in page.content() and "steenwijk" not in page.content()
    page.goto("/allocations")
    page.wait_for_selector(f"tr[data-id='{ids[0]}']:has-text('reserved path')")
    assert "43 Mechanised" not in page.content()
