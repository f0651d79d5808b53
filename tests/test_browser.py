"""A reader's journey through the site in a real browser (Debian's Chromium via Playwright).

A real `datasette serve` subprocess serves a freshly built facts.db with our metadata, plugins
and templates; every test opens a new page, clicks where a reader would click, fails on any
console error, page error or failed request, and saves full-page screenshots under
tests/screenshots/ (git-ignored).
"""
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
SERVER_START_SECONDS = 20

expect.set_options(timeout=TIMEOUT_MS)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(db_path, tmp_path_factory):
    """A real Datasette on a free port, serving facts.db the way `make serve` does."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("datasette") / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "datasette", "serve", str(db_path),
            "--metadata", str(ROOT / "metadata.yml"),
            "--plugins-dir", str(ROOT / "plugins"),
            "--template-dir", str(ROOT / "templates"),
            "--host", "127.0.0.1", "--port", str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"datasette exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            log.close()
            pytest.fail(f"datasette did not answer within {SERVER_START_SECONDS}s:\n{log_path.read_text()}")
        time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    # Not a skip: `make test` installs Debian's chromium, so a missing one is a broken setup.
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """A fresh page that records every console error, page error and failed request."""

    def __init__(self, page, name):
        self.page = page
        self.name = name
        self.problems = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.problems.append(
                f"requestfailed: {request.method} {request.url} ({request.failure})"
            ),
        )

    def _console(self, message):
        if message.type == "error":
            location = message.location or {}
            self.problems.append(f"console error: {message.text} ({location.get('url', '')})")

    def goto(self, path):
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def shot(self, step):
        path = SCREENSHOTS / f"{self.name}--{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_problems(self):
        assert self.problems == [], "\n".join(self.problems)


@pytest.fixture
def tab(browser, server, request):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    try:
        yield Tab(context.new_page(), name)
    finally:
        context.close()


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


COLOURED_PIXELS_JS = """
([selector, minimum]) => {
  const canvas = document.querySelector(selector);
  if (!canvas || !canvas.width || !canvas.height) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let coloured = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return coloured > minimum ? coloured : false;
}
"""


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
    coloured = page.wait_for_function(COLOURED_PIXELS_JS, arg=[canvas, 1000], timeout=TIMEOUT_MS)
    assert coloured.json_value() > 1000
    tab.shot("1-chart")
    tab.assert_no_problems()
