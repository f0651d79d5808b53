"""The Content-Security-Policy does not break a page: Datasette's table page, the SQL editor,
a saved query, our quote, article and speaker pages, an error page and a datasette-vega
chart, in headless Chromium against a real `datasette serve`, with no console error and no
`securitypolicyviolation` event (the browser fires one for every blocked script, style,
eval or frame). Uses the server, browser and tab fixtures of conftest.py.
"""
import pytest
from playwright.sync_api import expect


RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
CHART = ("/facts/quotes_per_speaker#g.mark=bar&g.x_column=speaker&g.x_type=ordinal"
         "&g.y_column=quotes&g.y_type=quantitative&g.color_column=kind")


def open_checked(tab, path, ok=True):
    tab.page.add_init_script(RECORD_VIOLATIONS)
    response = tab.page.goto(path, wait_until="load")
    assert response is not None and response.ok == ok, f"{path}: {response and response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    return response


def assert_clean(tab):
    tab.page.wait_for_timeout(300)  # let late scripts (vega, CodeMirror) run
    violations = tab.page.evaluate("window.__cspViolations")
    assert violations == [], "\n".join(violations)
    tab.assert_no_problems()


@pytest.mark.parametrize("path", [
    "/facts/quotes",
    "/facts/quotes?_facet=kind&_sort_desc=start",
    "/facts/search?q=Chavez",
    "/facts?sql=select+id%2C+text+from+quotes+limit+3",
    "/quotes/peru-severs-relations-chavez-asylum-q1",
    "/articles/peru-severs-relations-chavez-asylum",
    "/speakers/roberto-velasco-alvarez",
    "/about",
    "/-/databases",
])
def test_page_runs_under_the_csp(tab, path):
    open_checked(tab, path)
    assert_clean(tab)


def test_sql_editor_works_under_the_csp(tab):
    """CodeMirror is started by Datasette's inline script: it only runs if its hash is allowed."""
    open_checked(tab, "/facts?sql=select+1")
    expect(tab.page.locator(".CodeMirror")).to_be_visible()
    assert_clean(tab)


def test_error_page_runs_under_the_csp(tab):
    open_checked(tab, "/facts/quotes?_sort=text", ok=False)
    expect(tab.page.locator("body")).to_contain_text("Cannot sort table by text")
    # the page's own 400 status is reported as a failed load: expected here, nothing else is
    tab.problems = [p for p in tab.problems if "status of 400" not in p or "_sort=text" not in p]
    assert_clean(tab)


def test_vega_chart_draws_under_the_csp(tab):
    open_checked(tab, CHART)
    canvas = ".vega-embed canvas.marks"
    expect(tab.page.locator(canvas)).to_be_visible()
    tab.coloured_pixels(canvas, 1000)
    assert_clean(tab)


def test_an_injected_inline_script_is_blocked(tab):
    """The policy is not decorative: a script whose hash is not listed does not run, and the
    browser reports the violation."""
    open_checked(tab, "/about")
    tab.page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.appendChild(s);
    }""")
    tab.page.wait_for_timeout(200)
    assert tab.page.evaluate("window.__injected === undefined")
    assert tab.page.evaluate("window.__cspViolations.length") >= 1
