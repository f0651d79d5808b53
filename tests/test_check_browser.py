"""/check in Chromium at 1,280 px and 390 px: a reader types words into the form, submits it
(GET: the address is the check), and sees the speaker warning first, the verdicts and the
marked diff; nothing scrolls sideways and the page raises no console or CSP error.
Screenshots: tests/screenshots/check-{width}-*.png."""
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from conftest import SCREENSHOTS
from test_check_cases import check_db  # noqa: F401 (the archive with near-duplicates)
from test_page_widths import MEASURE_JS

WIDTHS = {1280: 900, 390: 844}


@pytest.fixture(scope="module")
def db_path(check_db):  # noqa: F811 (conftest's server fixture serves this archive)
    return check_db


@pytest.mark.parametrize("width", WIDTHS)
def test_check_page_in_the_browser(browser, server, width):
    context = browser.new_context(base_url=server, viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto("/check")
        page.fill("textarea[name=q]", "We would not go back to work until every single contract was signed")
        page.fill("input[name=speaker]", "Ibarra")
        page.click("input[type=submit]")
        page.wait_for_load_state("load")
        query = parse_qs(urlparse(page.url).query)
        assert query["q"] == ["We would not go back to work until every single contract was signed"]
        assert query["speaker"] == ["Ibarra"]
        warning = page.locator(".check-attribution.disagrees")
        expect(warning).to_have_text("The archive attributes these words to Marta Ruiz, not Ibarra.")
        first = page.locator(".check-result").first
        expect(first.locator(".verdict")).to_have_text("altered")
        expect(first.locator("del").first).to_have_text("will")
        expect(first.locator("ins").first).to_have_text("would")
        expect(first.locator("a[href='/quotes/port-strike-talks-q1']")).to_be_visible()
        assert warning.bounding_box()["y"] < first.bounding_box()["y"]
        scroll_width, viewport, wide = page.evaluate(MEASURE_JS)
        assert scroll_width <= viewport, f"/check is {scroll_width} px wide at {viewport} px: {wide}"
        page.screenshot(path=str(SCREENSHOTS / f"check-{width}-altered.png"), full_page=True)

        page.goto("/check?q=" + "It is early, but the numbers are good.")
        expect(page.locator(".check-summary .verdict")).to_have_text("exact")
        expect(page.locator(".check-result").first.locator(".badge", has_text="split around its attribution")).to_be_visible()
        page.locator(".check-result").first.locator("summary").click()
        expect(page.locator(".check-result").first.locator("textarea.citation")).to_be_visible()
        scroll_width, viewport, wide = page.evaluate(MEASURE_JS)
        assert scroll_width <= viewport, f"/check is {scroll_width} px wide at {viewport} px: {wide}"
        page.screenshot(path=str(SCREENSHOTS / f"check-{width}-split.png"), full_page=True)
        assert problems == []

        response = page.goto("/check?q=" + "x" * 80 + "&lang=english")
        assert response.status == 400
        expect(page.locator(".check-error")).to_contain_text("is not a language code")
        scroll_width, viewport, wide = page.evaluate(MEASURE_JS)
        assert scroll_width <= viewport, f"/check (400) is {scroll_width} px wide at {viewport} px: {wide}"
        page.screenshot(path=str(SCREENSHOTS / f"check-{width}-error.png"), full_page=True)
        # the 400 of the page itself is the only error Chromium reports
        assert [p for p in problems if "400 (Bad Request)" not in p] == []
    finally:
        context.close()


def test_every_citation_on_check_carries_the_readers_date(browser, server):
    """As on the quote page, the script dates each result's citation the day the reader reads it,
    not the day a cache kept the page from (a fixed clock in the browser tells the two apart)."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2030-01-15T12:00:00")
        page.goto("/check?q=" + "We will not go back to work until every contract is signed")
        boxes = page.locator("textarea.citation")
        assert boxes.count() > 1
        for i in range(boxes.count()):
            assert boxes.nth(i).input_value().endswith(". Accessed 15 January 2030."), boxes.nth(i).input_value()
    finally:
        context.close()
