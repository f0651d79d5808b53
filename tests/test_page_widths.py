"""Every page of ours and of Datasette's fits the screen, at 390 px (a phone) and at 1,280 px
(a laptop): nothing makes the page scroll sideways; a wide table scrolls inside its own box.

A real `datasette serve` of a freshly built facts.db (conftest.py's server and browser
fixtures) and Debian's Chromium visit the home page, the database page, every table (hidden
ones too) and view, a row page of each table we publish, every saved query with and without
its parameters, Datasette's /-/ pages, our quote, article, Articles and speaker pages, the pages of
templates/pages/ and two 404 pages. A page is too wide when document.documentElement's
scrollWidth exceeds the viewport; the failure names the element reaching furthest right.
A screenshot of every page's first screen goes to tests/screenshots/widths-{width}-*.png.
"""
import json
import re
import urllib.parse
import urllib.request

import pytest

from conftest import EMPTY_ON_SEEDS, ROOT, SCREENSHOTS, SLUG

WIDTHS = {390: 844, 1280: 900}
# Every saved query with parameters worth showing; a new saved query must be added here.
QUERY_PARAMETERS = {
    "search": {"q": "Chavez asylum"},
    "quotes_by_speaker": {"speaker": "sheinbaum"},
    "statements_mentioning": {"entity": "Peru"},
    "legal_basis": {"page": "1"},
    "timeline": {"page": "1"},
    "speakers": {"page": "1"},
    "quote_context": {"id": f"{SLUG}-q3"},
    "quote_variants": {"page": "1"},
}
DATASETTE_PAGES = ["/-/metadata", "/-/versions", "/-/plugins", "/-/settings", "/-/threads",
                   "/-/databases", "/-/actor", "/-/messages", "/-/allow-debug", "/-/patterns"]
FTS_SHADOW = re.compile(r"_fts_(config|data|docsize|idx)$")
NOT_FOUND = ["/facts/no_such_table", "/quotes/no-such-quote"]

# [scrollWidth, viewport width, the elements reaching furthest past the viewport (their box or
# their content, for text that overflows its box), outside any box that scrolls or clips them]
MEASURE_JS = """() => {
  const viewport = document.documentElement.clientWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= viewport) return [scrollWidth, viewport, []];
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const right = Math.max(box.right, box.left + el.scrollWidth);
    if (box.width && right > viewport + 0.5 && !clipped(el)) {
      wide.push([Math.round(right), name(el), (el.textContent || '').trim().slice(0, 60)]);
    }
  }
  // the innermost offenders tell what to fix: drop an element whose child reaches as far
  const inner = wide.filter(([right, n], i) => !wide.some(([r2], j) => j > i && r2 >= right));
  inner.sort((a, b) => b[0] - a[0]);
  return [scrollWidth, viewport, inner.slice(0, 3)];
}"""


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def every_page(server, metadata):
    database = get_json(server, "/facts.json")
    queries = metadata["databases"]["facts"]["queries"]
    assert sorted(queries) == sorted(QUERY_PARAMETERS), "add the new saved query to QUERY_PARAMETERS"
    pages = ["/", "/facts"]
    # every table, hidden ones too, but one page for each full-text index, not its shadow tables
    pages += [f"/facts/{t['name']}" for t in database["tables"] if not FTS_SHADOW.search(t["name"])]
    pages += [f"/facts/{v['name']}" for v in database["views"]]
    for table in (t for t in database["tables"] if not t["hidden"] and t["name"] not in EMPTY_ON_SEEDS):
        data = get_json(server, f"/facts/{table['name']}.json?_size=1")
        key = data["primary_keys"][0] if data["primary_keys"] else "rowid"
        row = dict(zip(data["columns"], data["rows"][0]))
        pages.append(f"/facts/{table['name']}/{urllib.parse.quote(str(row[key]), safe='')}")
    for name, parameters in QUERY_PARAMETERS.items():
        pages += [f"/facts/{name}", f"/facts/{name}?{urllib.parse.urlencode(parameters)}",
                  f"/facts/{name}?{urllib.parse.urlencode(parameters)}&_show_sql=1"]
    pages.append("/facts?" + urllib.parse.urlencode({"sql": "select * from quotes order by id limit 20"}))
    pages += DATASETTE_PAGES
    organization = get_json(server, "/facts/organizations.json?_shape=array&_size=1")[0]["id"]
    pages += [f"/quotes/{SLUG}-q1", f"/quotes/{SLUG}-r8", f"/articles/{SLUG}", "/articles",
              "/speakers/claudia-sheinbaum", f"/speakers/{organization}"]
    pages += ["/" + p.relative_to(ROOT / "templates" / "pages").with_suffix("").as_posix()
              for p in sorted((ROOT / "templates" / "pages").rglob("*.html"))]
    return pages + NOT_FOUND


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_page_is_wider_than_the_screen(browser, server, every_page, width):
    context = browser.new_context(base_url=server, viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    too_wide, broken = [], []
    try:
        for path in every_page:
            response = page.goto(path, wait_until="load")
            expected = 404 if path in NOT_FOUND else 200
            if response is None or response.status != expected:
                broken.append(f"{path}: {response and response.status}")
                continue
            scroll_width, viewport, widest = page.evaluate(MEASURE_JS)
            name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
            page.screenshot(path=str(SCREENSHOTS / f"widths-{width}-{name}.png"))
            if scroll_width > viewport:
                too_wide.append(f"{path}: {scroll_width} px wide, widest: {widest}")
    finally:
        context.close()
    assert not broken, "\n".join(broken)
    assert not too_wide, f"wider than {width} px:\n" + "\n".join(too_wide)
