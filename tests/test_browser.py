"""A reader's journey through the site in a real browser (Debian's Chromium via Playwright).

A real `datasette serve` subprocess serves a freshly built facts.db with our metadata, plugins
and templates; every test opens a new page, clicks where a reader would click, fails on any
console error, page error or failed request, and saves full-page screenshots under
tests/screenshots/ (git-ignored). The server, browser and tab fixtures are in conftest.py.
"""
import re

import pytest
from playwright.sync_api import expect


def test_speaker_facet_then_quote_page(tab, slug):
    page = tab.page
    tab.goto("/facts/quotes")
    tab.shot("1-quotes-table")

    facet = page.locator('.facet-info[data-column="speaker_id"]')
    facet.get_by_role("link", name="Pablo Monroy Conesa", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]speaker_id=pablo-monroy-conesa(&|$)"))
    page.wait_for_load_state("load")
    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("table.rows-and-columns tbody a.speaker-link")).to_have_text(
        ["Pablo Monroy Conesa"] * 5
    )
    tab.shot("2-filtered-by-speaker")

    first = page.locator("table.rows-and-columns tbody a.quote-link").first
    href = first.get_attribute("href")
    assert href and href.startswith(f"/quotes/{slug}-"), href
    first.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state("load")

    expect(page.locator("h1")).to_contain_text("Pablo Monroy Conesa")
    highlight = page.locator("p.paragraph mark.quote-highlight")
    expect(highlight).to_have_count(1)
    expect(highlight).to_be_visible()
    blockquote = page.locator("blockquote.quote-text")
    words = blockquote.text_content()
    if "quote-direct" in (blockquote.get_attribute("class") or ""):
        assert words.startswith("“") and words.endswith("”"), words
        words = words[1:-1]
    assert words and highlight.text_content() == words
    expect(page.locator("textarea.citation")).to_contain_text("Pablo Monroy Conesa")
    tab.shot("3-quote-page")
    tab.assert_no_problems()


def test_quote_page_links_to_its_place_in_the_article(tab, slug):
    page = tab.page
    quote_id = f"{slug}-q2"
    tab.goto(f"/quotes/{quote_id}")
    expect(page.locator("a[rel=next]")).to_have_count(1)
    tab.shot("1-quote-page")

    page.get_by_role("link", name="Read it in the article", exact=True).click()
    page.wait_for_url(f"**/articles/{slug}#{quote_id}")
    page.wait_for_load_state("load")

    target = page.locator(f'[id="{quote_id}"]')
    expect(target).to_have_count(1)
    assert target.evaluate("el => el.tagName") == "MARK"
    expect(target).to_have_class(re.compile(r"(^|\s)quote(\s|$)"))
    expect(target).to_be_visible()
    # The outline must come from :target, not from :hover where the click left the mouse.
    page.mouse.move(1, 1)
    assert target.evaluate("el => el.matches(':target') && !el.matches(':hover')")
    outline = target.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", outline

    paragraphs = page.locator("p.article-paragraph")
    expect(paragraphs).to_have_count(14)
    assert paragraphs.evaluate_all("els => els.map(el => el.id)") == [f"p{i}" for i in range(1, 15)]
    # Every quote of the article is marked, and named people inside quotes are still links.
    quotes = page.request.get(f"/facts/quotes.json?_shape=array&_size=max&article_id={slug}").json()
    marked = page.locator("p.article-paragraph mark.quote").evaluate_all("els => els.map(el => el.id)")
    assert sorted(marked) == sorted(q["id"] for q in quotes)
    inner = target.locator("a.mention-person")
    expect(inner.first).to_have_attribute("href", "/speakers/betssy-chavez-chino")
    # the numbered link after the quote opens its page
    ref = page.locator(f'[id="{quote_id}"] + sup a.quote-ref')
    expect(ref).to_have_attribute("href", f"/quotes/{quote_id}")
    tab.shot("2-article-at-quote")
    tab.assert_no_problems()


def test_search_without_accent_highlights_accented_match(tab):
    page = tab.page
    tab.goto("/facts/search")
    form = page.locator("form.sql")
    form.locator('input[name="q"]').fill("Chavez")
    form.locator('input[type="submit"], button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/facts/search\?(.*&)?q=Chavez(&|$)"))
    page.wait_for_load_state("load")

    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 0
    marks = page.locator("table.rows-and-columns td.col-snippet mark")
    expect(marks.first).to_be_visible()
    texts = marks.all_text_contents()
    assert "Chávez" in texts, texts
    # The markers are turned into <mark>, never shown as text.
    expect(page.locator("table.rows-and-columns")).not_to_contain_text("\x02")
    tab.shot("1-search-results")
    tab.assert_no_problems()




@pytest.mark.parametrize(
    "view, x_column, y_column, color_column",
    [
        ("quotes_per_speaker", "speaker", "quotes", "kind"),
        ("mentions_per_entity", "name", "mentions", "entity_type"),
    ],
    ids=["quotes_per_speaker", "mentions_per_entity"],
)
def test_chart_is_drawn(tab, view, x_column, y_column, color_column):
    page = tab.page
    tab.goto(
        f"/facts/{view}#g.mark=bar&g.x_column={x_column}&g.x_type=ordinal"
        f"&g.y_column={y_column}&g.y_type=quantitative&g.color_column={color_column}"
    )
    canvas = ".vega-embed canvas.marks"
    expect(page.locator(canvas)).to_be_visible()
    expect(page.locator("#graphForm select[name=x_column]")).to_have_value(x_column)
    expect(page.locator("#graphForm select[name=y_column]")).to_have_value(y_column)
    expect(page.locator("#graphForm select[name=color_column]")).to_have_value(color_column)
    assert tab.coloured_pixels(canvas, 1000) > 1000
    tab.shot("1-chart")
    tab.assert_no_problems()


def test_column_menu_works_on_our_table_markup(tab):
    """Datasette's table.js column menu on templates/_facts_table.html's header: the icon
    opens the menu, which sorts, facets and describes the column, and finds the column's cells
    (it offers 'Show not-blank rows' only when a cell of it is blank)."""
    page = tab.page
    tab.goto("/facts/quotes")
    page.locator('th[data-column="kind"] svg.dropdown-menu-icon').click()
    menu = page.locator("div.dropdown-menu").last
    expect(menu).to_be_visible()
    expect(menu.locator("a.dropdown-sort-asc")).to_have_attribute("href", re.compile(r"_sort=kind"))
    expect(menu.locator("a.dropdown-facet")).to_be_hidden()  # kind is a facet already
    expect(menu.locator(".dropdown-column-type")).to_have_text(re.compile(r"^Type: TEXT"))
    expect(menu.locator(".dropdown-column-description")).to_contain_text("direct (in quotation marks)")
    expect(menu.locator("a.dropdown-not-blank")).to_be_hidden()
    page.mouse.click(5, 5)
    page.locator('th[data-column="verb"] svg.dropdown-menu-icon').click()  # 4 quotes have no verb
    expect(menu.locator("a.dropdown-not-blank")).to_be_visible()
    menu.locator("a.dropdown-sort-asc").click()
    page.wait_for_url(re.compile(r"_sort=verb"))
    tab.shot("1-sorted-from-the-column-menu")
    tab.assert_no_problems()


def test_copy_button_copies_the_citation_with_todays_date(tab, server, slug):
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    tab.goto(f"/quotes/{slug}-q1")
    button = page.get_by_role("button", name="Copy citation")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    citation = page.locator("textarea.citation").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == citation
    today = page.evaluate("""() => { const d = new Date();
      return `${d.getDate()} ${d.toLocaleString('en-GB', {month: 'long'})} ${d.getFullYear()}`; }""")
    assert citation.endswith(f"/quotes/{slug}-q1. Accessed {today}."), citation
    tab.shot("1-citation-copied")
    tab.assert_no_problems()


def test_citation_without_javascript_is_readonly_text_to_copy(browser, server, slug):
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"/quotes/{slug}-q1")
        box = page.locator("textarea.citation")
        expect(box).to_be_visible()
        expect(box).to_have_attribute("readonly", "")
        assert re.search(r"Accessed \d{1,2} [A-Z][a-z]+ \d{4}\.$", box.input_value())
        expect(page.locator("button.copy-citation")).to_be_hidden()  # a button that could do nothing
    finally:
        context.close()
