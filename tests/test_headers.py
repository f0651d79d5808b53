"""Security and cache headers on every kind of page, 304s, no file path, and the public origin
from configuration rather than the Host header. Real Datasette in-process over a built facts.db."""
import json
import re

import pytest
from datasette.app import Datasette

from article_facts.web import inline_scripts, response_headers
from conftest import ROOT, SLUG, asgi_send

PAGES = {
    "index": "/",
    "database": "/facts",
    "table": "/facts/quotes",
    "table json": "/facts/quotes.json",
    "row": f"/facts/quotes/{SLUG}-q1",
    "saved query": "/facts/search?q=Chavez",
    "saved query csv": "/facts/search.csv?q=Chavez",
    "arbitrary sql": "/facts?sql=select+1",
    "quote": f"/quotes/{SLUG}-q1",
    "quote json": f"/quotes/{SLUG}-q1.json",
    "article": f"/articles/{SLUG}",
    "article json": f"/articles/{SLUG}.json",
    "speaker": "/speakers/claudia-sheinbaum",
    "speaker json": "/speakers/claudia-sheinbaum.json",
    "about": "/about",
    "static": "/-/static/app.css",
    "databases": "/-/databases.json",
}
ERRORS = {"404": "/quotes/nope", "404 json": "/quotes/nope.json", "400": "/facts/quotes?_sort=text",
          "405": "/facts/quotes"}


def make_ds(db_path, metadata, mutable=False):
    kwargs = {"files": [str(db_path)]} if mutable else {"immutables": [str(db_path)]}
    return Datasette(metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"), **kwargs)


@pytest.fixture
def ids(db_path, metadata):  # noqa: D401
    """The production shape: the database immutable."""
    return make_ds(db_path, metadata)


def check_security_headers(response, html):
    h = response.headers
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer"
    csp = h["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    if html:
        assert "script-src 'self' 'sha256-" in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]


@pytest.mark.parametrize("name", PAGES)
async def test_every_page_has_security_and_cache_headers(ids, name):
    response = await ids.client.get(PAGES[name])
    assert response.status_code == 200, name
    check_security_headers(response, response.headers["content-type"].startswith("text/html"))
    assert response.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert response.headers["etag"].startswith('"') and "vary" not in response.headers


@pytest.mark.parametrize("name", ERRORS)
async def test_error_pages_have_security_headers_and_are_not_stored(ids, name):
    method = "DELETE" if name == "405" else "GET"
    response = await ids.client.request(method, ERRORS[name])
    assert response.status_code == int(name.split()[0])
    check_security_headers(response, response.headers["content-type"].startswith("text/html"))
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_if_none_match_gives_304_and_a_new_database_a_new_etag(ids, db_path, metadata, tmp_path):
    first = await ids.client.get(PAGES["quote"])
    etag = first.headers["etag"]
    again = await ids.client.get(PAGES["quote"], headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = await ids.client.get(PAGES["article"], headers={"if-none-match": etag})
    assert other.status_code == 200  # the ETag names the URL too
    # A rebuilt database (any byte different) changes every ETag: nothing stale is revalidated.
    rebuilt = tmp_path / "facts.db"
    rebuilt.write_bytes(db_path.read_bytes())
    import sqlite3
    with sqlite3.connect(rebuilt) as conn:
        conn.execute("update quotes set verb = verb || '' where rowid = 1")
        conn.execute("pragma user_version = 7")
    ds2 = make_ds(rebuilt, metadata)
    fresh = await ds2.client.get(PAGES["quote"], headers={"if-none-match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag


async def test_mutable_database_is_not_cached(db_path, metadata):
    ds = make_ds(db_path, metadata, mutable=True)
    response = await ds.client.get(PAGES["quote"])
    assert response.headers["cache-control"] == "no-cache" and "etag" not in response.headers


async def test_databases_list_shows_no_file_path(ids, db_path):
    for path in ("/-/databases.json", "/-/databases"):
        text = (await ids.client.get(path)).text
        assert str(db_path.parent) not in text and "facts.db" in text


async def test_host_header_never_reaches_pages(ids):
    evil = {"host": "evil.example"}
    for path in (PAGES["quote"], PAGES["quote json"], PAGES["table json"] + "?_size=1", PAGES["table"]):
        response = await ids.client.get(path, headers=evil)
        assert "evil.example" not in response.text and "evil.example" not in str(response.headers)
    # replaced by 127.0.0.1 on the port the server listens on; the test client's scope names
    # no server, so the default port (a real server's: tests/test_served_origin.py)
    quote = (await ids.client.get(PAGES["quote json"], headers=evil)).json()
    assert quote["urls"]["canonical"] == f"http://127.0.0.1:8001/quotes/{SLUG}-q1"


async def test_public_origin_from_configuration(db_path, metadata, monkeypatch):
    monkeypatch.setenv("FACTS_PUBLIC_ORIGIN", "https://facts.example.org")
    ds = make_ds(db_path, metadata)
    await ds.invoke_startup()
    quote = (await ds.client.get(PAGES["quote json"], headers={"host": "evil.example"})).json()
    assert quote["urls"]["canonical"] == f"https://facts.example.org/quotes/{SLUG}-q1"
    assert f"https://facts.example.org/quotes/{SLUG}-q1. Accessed " in quote["citation"]
    page = (await ds.client.get(PAGES["quote"])).text
    assert f'content="https://facts.example.org/quotes/{SLUG}-q1"' in page
    table = (await ds.client.get("/facts/quotes.json?_size=1")).json()
    assert table["next_url"].startswith("https://facts.example.org/facts/quotes.json")


@pytest.mark.parametrize("origin", ["facts.example.org", "https://facts.example.org/path", "ftp://x", "https://"])
async def test_malformed_public_origin_stops_the_server(db_path, metadata, monkeypatch, origin):
    monkeypatch.setenv("FACTS_PUBLIC_ORIGIN", origin)
    with pytest.raises(ValueError, match="public_origin"):
        await make_ds(db_path, metadata).invoke_startup()


async def test_without_configuration_a_loopback_host_is_kept_for_every_link(ids):
    """Development servers on any loopback port keep working links: Datasette's facet links
    and our canonical URLs and citations name the origin the page was served on."""
    response = await ids.client.get("/facts/quotes.json?_size=1", headers={"host": "127.0.0.1:9999"})
    assert response.json()["next_url"].startswith("http://127.0.0.1:9999/")
    quote = (await ids.client.get(PAGES["quote json"], headers={"host": "localhost:9999"})).json()
    assert quote["urls"]["canonical"] == f"http://localhost:9999/quotes/{SLUG}-q1"
    assert f"http://localhost:9999/quotes/{SLUG}-q1. Accessed " in quote["citation"]


@pytest.mark.parametrize("credentials", [{"cookie": "unrelated=1"}, {"authorization": "Bearer x"}])
@pytest.mark.parametrize("name", ["quote", "table json", "saved query csv", "databases"])
async def test_a_request_with_credentials_is_never_cached_publicly(ids, name, credentials):
    """Datasette treats a request with a cookie or credentials as possibly reader-specific, so
    its response is `private, no-store` with no ETag, and a held ETag gets no 304 for it."""
    etag = (await ids.client.get(PAGES[name])).headers["etag"]
    response = await ids.client.get(PAGES[name], headers=dict(credentials, **{"if-none-match": etag}))
    assert response.status_code == 200 and response.content
    assert response.headers["cache-control"] == "private, no-store"
    assert "etag" not in response.headers
    check_security_headers(response, response.headers["content-type"].startswith("text/html"))


async def test_csv_cache_headers_are_the_same_on_both_paths(ids):
    """A static export (article_facts/web/static_exports.py) and Datasette's own export get one
    cache policy; a request with a cookie is Datasette's, and private."""
    url = "/facts/people.csv?_stream=on"
    static = await ids.client.get(url)
    own = await ids.client.get(url + "&id__notblank=1")
    assert static.headers["x-facts-export"] == "static" and "x-facts-export" not in own.headers
    for response in (static, own):
        assert response.headers["cache-control"] == "public, max-age=0, must-revalidate"
        assert "etag" in response.headers
    private = await ids.client.get(url, headers={"cookie": "unrelated=1"})
    assert "x-facts-export" not in private.headers and "etag" not in private.headers
    assert private.headers["cache-control"] == "private, no-store"


# --- If-None-Match: only for a resource that exists, only with the ETag it would carry ------

@pytest.mark.parametrize("path", ["/quotes/nope", "/facts/nope", "/facts/quotes?_sort=text",
                                  "/facts/quotes_per_verb?_next=abc"])
async def test_if_none_match_star_on_a_missing_or_bad_url_is_not_a_304(ids, path):
    response = await ids.client.get(path, headers={"if-none-match": "*"})
    assert response.status_code in (400, 404), (path, response.status_code)
    assert response.content and "etag" not in response.headers


async def test_a_forged_etag_gets_no_304(ids):
    """An ETag is the site version and a hash of the URL, both public: one made for a URL that
    does not exist, or a bad request, gets its 404 or 400, not a 304."""
    etag = (await ids.client.get(PAGES["quote"])).headers["etag"]
    version = etag.strip('"').split("-")[0]
    for path, status in (("/quotes/nope", 404), ("/facts/quotes?_sort=text", 400)):
        raw_path, _, query = path.partition("?")
        forged = response_headers.etag_for(version, "GET", raw_path.encode(), query.encode())
        response = await ids.client.get(path, headers={"if-none-match": forged})
        assert response.status_code == status and response.content, path
    other = await ids.client.get(PAGES["quote"], headers={"if-none-match": etag[:-2] + 'x"'})
    assert other.status_code == 200 and other.content


async def test_a_real_etag_still_gets_304_before_and_after_it_was_served(db_path, metadata):
    """The first conditional request runs the page and answers 304 from its response; later
    ones are answered before the app runs. `*` matches an existing page."""
    first_ds = make_ds(db_path, metadata)
    etag = (await first_ds.client.get(PAGES["article"])).headers["etag"]
    fresh = make_ds(db_path, metadata)  # has served nothing yet
    for _ in range(2):
        response = await fresh.client.get(PAGES["article"], headers={"if-none-match": etag})
        assert response.status_code == 304 and response.content == b"" and response.headers["etag"] == etag
    star = await fresh.client.get(PAGES["quote"], headers={"if-none-match": "*"})
    assert star.status_code == 304 and star.headers["etag"].startswith('"')


# --- the Host header: only host[:digits] on loopback is kept ----------------------------------

HOSTILE_HOSTS = [
    b"127.0.0.1:1@evil.example", b"localhost:80@evil.example", b"[::1]:1@evil.example",
    b"127.0.0.1:80:evil.example", b"localhost::8001", b"127.0.0.1 evil.example", b"localhost ",
    b"localhost.", b"127.0.0.1.:8001", b"127.0.0.1:", b"localhost:8o01", b"localhost:80a",
    "l\u043ecalhost".encode("utf-8"), "\uff4cocalhost".encode("utf-8"), b"localhost\t",
    b"evil.example", b"127.0.0.1.evil.example", b"localhost/evil.example", b"localhost#@evil.example",
]


async def asgi_get(app, path, host_headers):
    """One GET straight into the ASGI app with these raw Host header values: (status, headers, body)."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", h) for h in host_headers],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8001),
    }
    status, headers, body = await asgi_send(app, scope)
    return status, headers, body.decode("utf-8")


@pytest.mark.parametrize("host", HOSTILE_HOSTS, ids=lambda h: h.decode("utf-8", "replace"))
async def test_a_hostile_host_never_reaches_links(ids, host):
    app = ids.app()
    for path in ("/facts/quotes.json?_size=1", "/facts/quotes?_size=1&_facet=kind", "/facts/quotes.json?_size=1&_facet=kind"):
        status, headers, body = await asgi_get(app, path, [host])
        assert status == 200, (path, status)
        link = " ".join(v.decode("latin-1") for k, v in headers if k.lower() == b"link")
        assert "evil" not in body and "evil" not in link, path
        hosts_linked = set(re.findall(r"https?://([^/\"'<>\s]+)/facts", body + " " + link))
        assert hosts_linked <= {"127.0.0.1:8001"}, (path, hosts_linked)
        if path.endswith("json?_size=1"):
            assert json.loads(body)["next_url"].startswith("http://127.0.0.1:8001/facts/quotes.json")
            assert link.startswith("<http://127.0.0.1:8001/facts/quotes.json")


async def test_a_second_host_header_does_not_ride_on_a_loopback_one(ids):
    """Datasette reads the last Host header: a loopback first one must not let it through."""
    status, headers, body = await asgi_get(ids.app(), "/facts/quotes.json?_size=1",
                                           [b"127.0.0.1:9999", b"evil.example"])
    assert status == 200 and "evil" not in body
    assert json.loads(body)["next_url"].startswith("http://127.0.0.1:8001/")


@pytest.mark.parametrize("host", [b"127.0.0.1", b"127.0.0.1:9999", b"localhost:1", b"LOCALHOST:65535", b"[::1]:8001"])
async def test_a_loopback_host_with_a_port_of_digits_is_kept(ids, host):
    status, headers, body = await asgi_get(ids.app(), "/facts/quotes.json?_size=1", [host])
    assert json.loads(body)["next_url"].startswith(f"http://{host.decode()}/")


# --- the Content-Security-Policy lists each page's own trusted inline scripts ---------------

INTERRUPTED = ("/facts?sql=with+recursive+r(i)+as+(select+1+union+all+select+i%2B1+from+r)"
               "+select+count(*)+from+r&_timelimit=1")


@pytest.mark.parametrize("path", ["/", "/facts", "/facts?sql=select+1", "/facts/quotes", "/facts/quotes_per_verb",
                                  "/facts/quotes?_sort=text", PAGES["quote"], PAGES["article"], "/about",
                                  "/facts/nope", INTERRUPTED])
async def test_every_inline_script_datasette_and_we_write_is_hashed(ids, path):
    """Datasette's own inline scripts (CodeMirror's, the menus', the facet flag filled in, the
    interrupted query page's) and our event handlers are allowed, each by its hash."""
    response = await ids.client.get(path)
    csp = response.headers["content-security-policy"]
    scripts, handlers = inline_scripts.inline_parts(response.text)
    assert scripts, path  # every HTML page has at least the menus' script
    for text in scripts + handlers:
        assert inline_scripts.script_hash(text) in csp, (path, text[:60])
    if handlers:
        assert "'unsafe-hashes'" in csp


async def test_an_injected_script_is_never_hashed(ids):
    """Trust comes from the templates, not from the page: a script the page holds that no
    template writes, or a template's `{{ }}` filled with anything but a JSON literal, gets no
    hash, while the same page's own scripts still do."""
    await ids.client.get("/")  # the first request learns the trusted scripts
    trusted = inline_scripts.TrustedScripts(
        inline_scripts.template_texts(inline_scripts.template_folders(ids.template_dir)))
    page = (await ids.client.get("/facts/quotes")).text
    own = inline_scripts.inline_parts(page)[0]
    injected = ["alert(1)", "DATASETTE_ALLOW_FACET = alert(1);", "DATASETTE_ALLOW_FACET = true;alert(1);"]
    hashes = trusted.hashes_for(page + "".join(f"<script>{s}</script>" for s in injected)
                                + '<p onclick="alert(1)">')
    assert {inline_scripts.script_hash(s) for s in own} <= set(hashes)
    assert inline_scripts.script_hash("DATASETTE_ALLOW_FACET = true;") in hashes
    for text in injected:
        assert inline_scripts.script_hash(text) not in hashes
    assert "'unsafe-hashes'" not in hashes
