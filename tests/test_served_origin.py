"""Links, citations and og:url name the origin actually served: a real `datasette serve` on a
free port (not 8001) puts that port in them, and with FACTS_PUBLIC_ORIGIN set they use it.
`build_db.py add` prints the article's address on PORT or FACTS_PUBLIC_ORIGIN likewise."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, SLUG, free_port, run_add

QUOTE = f"/quotes/{SLUG}-q1"


def serve(db_path, port, env, log_path):
    """`datasette serve` as `make serve` runs it, on this port, with this environment."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(ROOT / "metadata.yml"),
         "--plugins-dir", str(ROOT / "plugins"), "--template-dir", str(ROOT / "templates"),
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, log_path.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail(f"datasette did not answer:\n{log_path.read_text()}")


def get(url, host=None):
    request = urllib.request.Request(url, headers={"host": host} if host else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


def og_url(page):
    return re.search(r'<meta property="og:url" content="([^"]*)">', page).group(1)


@pytest.fixture(params=["dev", "configured"])
def served(request, db_path, tmp_path):
    """(base URL to fetch from, the origin its pages must name)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FACTS_PUBLIC_ORIGIN"}
    origin = f"http://127.0.0.1:{port}"
    if request.param == "configured":
        origin = env["FACTS_PUBLIC_ORIGIN"] = "https://facts.example.org"
    proc = serve(db_path, port, env, tmp_path / "serve.log")
    try:
        yield f"http://127.0.0.1:{port}", origin
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pages_name_the_origin_they_are_served_on(served):
    base, origin = served
    assert ":8001" not in base
    quote = json.loads(get(base + QUOTE + ".json"))
    assert quote["urls"]["canonical"] == origin + QUOTE
    assert f", {origin}{QUOTE}. Accessed " in quote["citation"]
    page = get(base + QUOTE)
    assert og_url(page) == origin + QUOTE
    assert f'<link rel="canonical" href="{origin}{QUOTE}">' in page
    for path in (f"/articles/{SLUG}", "/articles", "/speakers/roberto-velasco-alvarez"):
        assert og_url(get(base + path)) == origin + path, path
    assert "8001" not in page.replace(QUOTE, "")
    table = json.loads(get(base + "/facts/quotes.json?_size=1"))
    assert table["next_url"].startswith(origin + "/facts/quotes.json")


def test_a_foreign_host_gets_the_served_port_never_its_own(served):
    """Without a configured origin, a Host that is not loopback is replaced by 127.0.0.1 on the
    port the server listens on (not a fixed 8001, not the sender's host)."""
    base, origin = served
    page = get(base + QUOTE, host="evil.example")
    assert "evil.example" not in page
    assert og_url(page) == origin + QUOTE


@pytest.mark.parametrize("env, origin", [({"PORT": "8123"}, "http://127.0.0.1:8123"),
                                         ({"PORT": "8123", "FACTS_PUBLIC_ORIGIN": "https://facts.example.org/"},
                                          "https://facts.example.org")])
def test_add_prints_the_address_on_the_served_origin(seeds, env, origin, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    article = ROOT / "tests" / "extraction" / sorted(p.name for p in (ROOT / "tests" / "extraction").glob("*.txt"))[0]
    result = run_add(seeds, article, "--slug", "printed-origin")
    assert result.returncode == 0, result.stderr
    assert f"{origin}/articles/printed-origin" in result.stdout
