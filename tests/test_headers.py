"""Security and cache headers on every kind of page, 304s, no file path, and the public origin
from configuration rather than the Host header. Real Datasette in-process over a built facts.db."""
import pytest
from datasette.app import Datasette

from conftest import ROOT, SLUG

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


async def test_without_configuration_a_loopback_host_is_kept_for_datasette_links(ids):
    """Development servers on any loopback port keep working facet links; our canonical URLs
    still use the fixed default, never the Host header."""
    response = await ids.client.get("/facts/quotes.json?_size=1", headers={"host": "127.0.0.1:9999"})
    assert response.json()["next_url"].startswith("http://127.0.0.1:9999/")
    quote = (await ids.client.get(PAGES["quote json"], headers={"host": "localhost:9999"})).json()
    assert quote["urls"]["canonical"] == f"http://127.0.0.1:8001/quotes/{SLUG}-q1"


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
    """article_facts/web/fast_csv.py and Datasette's own export get one cache policy for a URL."""
    url = "/facts/people.csv?_stream=on"
    for headers in ({}, {"cookie": "unrelated=1"}):
        fast = await ids.client.get(url, headers=headers)
        slow = await ids.client.get(url + "&_fast=off", headers=headers)
        assert fast.headers["x-facts-csv"] == "fast" and "x-facts-csv" not in slow.headers
        expected = "private, no-store" if headers else "public, max-age=0, must-revalidate"
        assert fast.headers["cache-control"] == slow.headers["cache-control"] == expected
        assert ("etag" in fast.headers) == ("etag" in slow.headers) == (not headers)
