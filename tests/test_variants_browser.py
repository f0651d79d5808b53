"""The quote page's "also reported in" block in Chromium, on a desktop and at 390 px: shown,
the diff marked in colour, and nothing wider than the screen (long words wrap)."""
import pytest

from test_page_widths import MEASURE_JS
from test_variants import ARTICLES

WIDTHS = {1280: 900, 390: 844}


@pytest.fixture(scope="module")
def db_path(build_with_articles):
    """The conftest server fixture serves this database: the seeds plus articles sharing words."""
    return build_with_articles(ARTICLES, "variants-browser")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_variants_block_on_desktop_and_phone(browser, server, width):
    context = browser.new_context(base_url=server, viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    try:
        response = page.goto("/quotes/outlet-a-port-q1", wait_until="load")
        assert response.status == 200
        heading = page.locator("#variants")
        assert heading.is_visible() and heading.inner_text() == "Also reported in 2 other articles"
        items = page.locator("ul.variants > li")
        assert items.count() == 2
        assert "different speaker" in items.nth(0).inner_text()
        for selector in ("ul.variants del", "ul.variants ins"):
            colour = page.locator(selector).first.evaluate("el => getComputedStyle(el).backgroundColor")
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), selector
        scroll_width, viewport, widest = page.evaluate(MEASURE_JS)
        assert scroll_width <= viewport, widest
        page.screenshot(path=f"tests/screenshots/variants-{width}.png", full_page=True)
    finally:
        context.close()
