"""Shared fixtures: a real facts.db built by build_db.py, a real Datasette serving it, and for
the browser tests a real `datasette serve` and Debian's Chromium driven by Playwright."""
import re
from contextlib import contextmanager
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette
from playwright.sync_api import expect, sync_playwright

import build_db

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
SLUG = "peru-severs-relations-chavez-asylum"


# Tables and saved queries that hold rows only when articles share words (the variant groups):
# the seeds are one article, so they are empty there; tests/test_variants.py checks them on an
# archive that has groups.
EMPTY_ON_SEEDS = {"quote_variant_groups", "quote_variant_members", "quote_variants"}


@pytest.fixture(scope="session")
def seeds_dir():
    return SEEDS


@pytest.fixture
def seeds(tmp_path, seeds_dir):
    """A copy of the seeds to add to or break, in the test's own folder."""
    copy = tmp_path / "seeds"
    shutil.copytree(seeds_dir, copy)
    return copy


def run_add(seeds, article, *options):
    """`build_db.py add` as a user runs it, in a new process: the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "build_db", "add", str(article), "--seeds", str(seeds), *options],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="session")
def slug():
    return SLUG


@pytest.fixture(scope="session")
def write_article():
    """A function that writes one article folder, seeds/<slug>/article.txt and facts.yml, and
    returns it: tests add their own articles to a copy of the seeds with it."""
    def write(seeds, slug, text, facts):
        folder = Path(seeds) / slug
        folder.mkdir(parents=True)
        (folder / "article.txt").write_text(text, encoding="utf-8")
        (folder / "facts.yml").write_text(facts, encoding="utf-8")
        return folder
    return write


def article_section(headline, **given):
    """The `article:` section of a hand-written facts.yml (a headline of our own, in English)
    with each given field that is not None, as YAML lines."""
    lines = ["article:", f'  headline: "{headline}"', "  headline_source: editorial", "  language: en"]
    lines += [f'  {name}: "{value}"' for name, value in given.items() if value is not None]
    return lines


@pytest.fixture(scope="session")
def build_with_articles(tmp_path_factory, seeds_dir, write_article):
    """A function that builds the project's seeds plus the given articles ({slug: (text,
    facts)}) in a folder of its own, and returns the database's path."""
    def build(articles, name="articles"):
        folder = tmp_path_factory.mktemp(name)
        seeds = folder / "seeds"
        shutil.copytree(seeds_dir, seeds)
        for slug, (text, facts) in articles.items():
            write_article(seeds, slug, text, facts)
        path = folder / "facts.db"
        build_db.build(seeds, path)
        return path
    return build


DRAFTED = "politics-stadium-vote"  # the review tests' machine draft, from tests/extraction


@pytest.fixture(scope="session")
def drafted_template(tmp_path_factory, seeds_dir):
    """A folder holding seeds/ (the seeds plus tests/extraction's DRAFTED article, drafted by
    `build_db.py add`) and their facts.db, made once: tests that review or change it copy it."""
    folder = tmp_path_factory.mktemp("review-archive")
    seeds = folder / "seeds"
    shutil.copytree(seeds_dir, seeds)
    result = run_add(seeds, ROOT / "tests" / "extraction" / f"{DRAFTED}.txt")
    assert result.returncode == 0, result.stderr
    build_db.build(seeds, folder / "facts.db")
    return folder


@pytest.fixture(scope="session")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "facts.db"
    build_db.build(SEEDS, path)
    return path


@pytest.fixture(scope="session")
def body():
    return (SEEDS / SLUG / "article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def metadata():
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture
def serve_db(metadata):
    """A function: our Datasette (metadata, plugins, templates) on another built database."""
    def serve(path):
        return Datasette(
            [str(path)],
            metadata=metadata,
            plugins_dir=str(ROOT / "plugins"),
            template_dir=str(ROOT / "templates"),
        )
    return serve


@pytest.fixture
def ds(db_path, serve_db):
    return serve_db(db_path)


# --- the browser tests (test_browser.py, test_browser_csp.py) ---

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


async def asgi_send(app, scope):
    """One request straight into an ASGI app, no client in between (raw Host headers, raw
    paths): (status, headers, body bytes)."""
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], start["headers"], body


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(argv, log_path, ready_url, name="server", seconds=SERVER_START_SECONDS, cwd=ROOT):
    """Start a server process (argv, in cwd, output to log_path) and wait
    until ready_url answers 200: (process, log). Fails the test, with the log, when the
    process exits first or does not answer in time."""
    log = open(log_path, "w")
    proc = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"{name} exited with {proc.returncode}:\n{Path(log_path).read_text()}")
        try:
            with urllib.request.urlopen(ready_url, timeout=1) as response:
                if response.status == 200:
                    return proc, log
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(proc, log)
            pytest.fail(f"{name} did not answer within {seconds}s:\n{Path(log_path).read_text()}")
        time.sleep(0.1)


def stop_server(proc, log):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@contextmanager
def running_server(argv, log_path, ready_url, name="server"):
    """start_server() for the block, stopped after it: yields the process."""
    proc, log = start_server(argv, log_path, ready_url, name)
    try:
        yield proc
    finally:
        stop_server(proc, log)


@pytest.fixture(scope="module")
def server(db_path, tmp_path_factory):
    """A real Datasette on a free port, serving facts.db the way `make serve` does."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--metadata", str(ROOT / "metadata.yml"),
        "--plugins-dir", str(ROOT / "plugins"),
        "--template-dir", str(ROOT / "templates"),
        "--host", "127.0.0.1", "--port", str(port),
    ]
    with running_server(argv, tmp_path_factory.mktemp("datasette") / "serve.log", f"{base}/-/versions.json", "datasette"):
        yield base


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

    def coloured_pixels(self, selector, minimum):
        """How many clearly coloured pixels the canvas has painted, once more than minimum."""
        found = self.page.wait_for_function(COLOURED_PIXELS_JS, arg=[selector, minimum], timeout=TIMEOUT_MS)
        return found.json_value()

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
