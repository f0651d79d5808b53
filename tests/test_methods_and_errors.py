"""Bad requests are the client's fault (4xx with a clear message, never 500), the site is
read-only (GET and HEAD only), SQL is bounded, and a failed CSV export never looks like data.

All through real Datasette in-process, serving a facts.db built by build_db.
"""
import asyncio
import html
import json
import sqlite3
import time
from urllib.parse import urlencode

import httpx
import pytest
from datasette.app import Datasette

from article_facts.web import bad_requests, request_limits
from conftest import ROOT, SLUG

QUOTE = f"/quotes/{SLUG}-q1"

BAD_PARAMETERS = [
    ("/facts/quotes?_sort=text", "Cannot sort table by text"),
    ("/facts/quotes?_sort_desc=nope", "Cannot sort table by nope"),
    ("/facts/quotes?_sort=start&_sort_desc=start", "Cannot use _sort and _sort_desc"),
    ("/facts/quotes?_timelimit=abc", "'_timelimit'"),
    ("/facts/quotes?_through=notjson", "'_through'"),
    ('/facts/quotes?_through={"table":"people"}', "_through"),
    ("/facts/quotes?_through=1.5", "_through needs"),
    ('/facts/quotes?_through={"table":1,"column":2,"value":3}', "_through needs"),
    ("/facts/quotes?_facet=%00", "NUL character"),
    ("/facts/paragraphs_fts_idx?_facet_array=%7B%7D", "a facet given as JSON needs"),  # fuzz seed 8
    ("/facts/quotes?_facet=%7B%7D", "a facet given as JSON needs"),
    ("/facts/quotes_per_speaker?_next=abc", "'_next'"),
    ("/facts/quotes?start__in=[1", "'start__in'"),
    ("/facts.csv?sql=", "CSV export needs"),
    ("/facts/search.csv?q=%00", "the query behind this CSV export failed"),
    ("/facts/search?q=%00", "unterminated string"),  # the pager's count fails too: no 500
    ("/facts/paragraphs?_where=length(randomblob(100000000))>0", "string or blob too big"),
    ("/facts?sql=select+zeroblob(50000000)", "string or blob too big"),
]


def make_ds(db_path, metadata, **kwargs):
    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        template_dir=str(ROOT / "templates"),
        **kwargs,
    )


def plugin(ds, filename):
    """Our plugin module as Datasette loaded it from plugins/ (they are not importable)."""
    from datasette.plugins import pm

    return next(p for p in pm.get_plugins() if getattr(p, "__file__", "").endswith(filename))


@pytest.mark.parametrize("path,message", BAD_PARAMETERS)
async def test_bad_parameter_is_400_with_a_clear_message(ds, path, message):
    response = await ds.client.get(path)
    assert response.status_code == 400, (path, response.status_code, response.text[:300])
    assert message in html.unescape(response.text)


@pytest.mark.parametrize("path,message", [p for p in BAD_PARAMETERS if ".csv" not in p[0]])
async def test_bad_parameter_as_json_is_400_with_the_message(ds, path, message):
    base, _, query = path.partition("?")
    response = await ds.client.get(f"{base}.json?{query}")
    assert response.status_code == 400
    assert message in response.json()["error"]


async def test_our_own_500_is_fixed_numbers_in_a_paragraph_id_column(ds):
    for sql in ("select 1 as paragraph_id", "select 1.5 as paragraph_id", "select x'00' as paragraph_id",
                "select 'no-dash' as paragraph_id", f"select '{SLUG}-p3' as paragraph_id"):
        response = await ds.client.get("/facts", params={"sql": sql})
        assert response.status_code == 200, sql
    assert f'href="/articles/{SLUG}#p3"' in response.text


def test_only_a_value_over_the_sqlite_limits_is_turned_into_a_400():
    """The one exception mapped after the fact is SQLite's "string or blob too big" (a value
    over plugins/query_limits.py's cap); anything else raised while a page runs stays a 500, so
    a genuine bug is still seen."""
    assert "too big" in bad_requests.too_big_message(sqlite3.DataError("string or blob too big"))
    for error in (ValueError("invalid literal for int() with base 10: 'abc'"), KeyError("columns"),
                  TypeError("x"), sqlite3.ProgrammingError("the query contains a null character"),
                  sqlite3.IntegrityError("datatype mismatch"), MemoryError()):
        assert bad_requests.too_big_message(error) is None


# --- _next: no value gives a 500, on any table or view, in any format -----------------------

HOSTILE_NEXT = ["999999999999999999999999", "9223372036854775808", "-1", "-99999999999999999999", "1.5",
                "1e3", "abc", "", ",", "1,2,3", "$null,1", "%00", "\x00", "\u0663", "\u00b2", "x" * 5000]


def tables_and_views(db_path):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select name, type from sqlite_master where type in ('table', 'view') order by name").fetchall()


async def test_no_next_value_gives_a_500_on_any_table_or_view(ds, db_path):
    """Every table and view, with hostile `_next` values (a view's offset once went to SQLite as
    a 25-digit number: 500 "datatype mismatch"); views also as .csv and HTML, and sorted."""
    failures = []
    for name, kind in tables_and_views(db_path):
        formats = ["", ".json", ".csv"] if kind == "view" else [".json"]
        for fmt in formats:
            for value in HOSTILE_NEXT:
                for extra in ({}, {"_sort_desc": "quotes"} if kind == "view" else {"_sort": "rowid"}):
                    response = await ds.client.get(f"/facts/{name}{fmt}", params={"_next": value, **extra})
                    if response.status_code not in (200, 400):
                        failures.append((name, fmt, value[:30], extra, response.status_code))
    assert not failures, failures[:20]


@pytest.mark.parametrize("view", ["quotes_per_verb", "mentions_per_entity", "quotes_per_speaker"])
async def test_a_huge_next_on_a_chart_view_is_a_400_that_says_why(ds, view):
    for fmt in ("", ".json", ".csv"):
        response = await ds.client.get(f"/facts/{view}{fmt}?_next=999999999999999999999999")
        assert response.status_code == 400, (view, fmt)
        assert "_next" in response.text and "number of rows to skip" in response.text
    assert (await ds.client.get(f"/facts/{view}.json?_next=1")).status_code == 200


METHODS = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "CONNECT"]
PATHS = ["/", "/facts", "/facts/quotes", "/facts/search", f"/facts/quotes/{SLUG}-q1", QUOTE,
         QUOTE + ".json", f"/articles/{SLUG}", "/speakers/claudia-sheinbaum", "/about",
         "/-/static/app.css", "/nope", "/facts.csv?sql=select+1"]


@pytest.mark.parametrize("method", METHODS)
async def test_only_get_and_head_everywhere(ds, method):
    for path in PATHS:
        response = await ds.client.request(method, path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response.headers["allow"] == "GET, HEAD"
        assert "read-only" in response.text


@pytest.mark.parametrize("path", PATHS[:-2])
async def test_get_and_head_still_work(ds, path):
    assert (await ds.client.get(path)).status_code == 200
    assert (await ds.client.head(path)).status_code == 200


# --- SQL bounds ---------------------------------------------------------------------------

async def test_value_size_is_capped_and_fails_fast(ds):
    start = time.perf_counter()
    for path in ("/facts/paragraphs.json?_where=length(randomblob(100000000))>0",
                 "/facts.json?sql=select+zeroblob(50000000)",
                 "/facts.json?sql=select+length(randomblob(100000000))"):
        response = await ds.client.get(path)
        assert response.status_code == 400, path
        assert "too big" in response.json()["error"]
    assert time.perf_counter() - start < 10  # a guard against a hang, not a speed claim


async def test_string_doubling_cte_stops_at_the_value_cap(ds):
    sql = "with recursive r(s) as (select 'xx' union all select s || s from r) select length(s) from r"
    response = await ds.client.get("/facts.json", params={"sql": sql})
    assert response.status_code == 400
    assert "too big" in response.json()["error"]


async def test_the_largest_article_the_build_accepts_still_reads(ds):
    """Values up to the build's 2 MiB article cap pass the SQLite value limit."""
    sql = "select length(printf('%.*c', 2 * 1024 * 1024, 'x')) as n"
    response = await ds.client.get("/facts.json", params={"sql": sql, "_shape": "array"})
    assert response.status_code == 200 and response.json() == [{"n": 2 * 1024 * 1024}]


async def test_result_budget_refuses_many_big_rows(ds):
    sql = "select zeroblob(4000000) from paragraphs"  # 14 x 4 MB > the 16 MiB budget
    response = await ds.client.get("/facts.json", params={"sql": sql})
    assert response.status_code == 400
    assert "result too large" in response.json()["error"]


async def test_every_connection_counts_result_bytes(ds):
    """The result budget lives in the row factory plugins/query_limits.py sets; the startup
    check reads it back from every database, so a Datasette that replaced it would not start."""
    await ds.invoke_startup()
    limits = plugin(ds, "query_limits.py")
    for db in ds.databases.values():
        factory = await db.execute_fn(lambda conn: conn.row_factory)
        assert limits.counts_results(factory, limits.DEFAULT_LIMITS), db.name


async def test_sql_length_expression_depth_and_column_limits(ds):
    long_sql = "select 1" + " " * 60_000
    deep = "select " + "(" * 150 + "1" + ")" * 150
    wide = "select " + ", ".join(f"{i} as c{i}" for i in range(150))
    for sql in (long_sql, deep, wide):
        response = await ds.client.get("/facts.json", params={"sql": sql})
        assert response.status_code == 400, sql[:40]


async def test_response_size_bound(db_path, metadata):
    """A one-piece response over the bound becomes a 400 saying to add a LIMIT; the streamed
    CSV of a whole table passes."""
    metadata = dict(metadata, plugins={"article-facts": {"max_response_bytes": 3_000}})
    ds = make_ds(db_path, metadata)
    assert len((await ds.client.get("/facts/paragraphs.json?_size=1")).content) < 3_000
    response = await ds.client.get("/facts/paragraphs.json")
    assert response.status_code == 400
    assert "add a LIMIT" in response.text
    streamed = await ds.client.get("/facts/paragraphs.csv?_stream=on")
    assert streamed.status_code == 200 and len(streamed.content) > 3_000
    assert streamed.text.count("\n") >= 15


async def test_time_limit_applies(db_path, metadata):
    ds = make_ds(db_path, metadata, settings={"sql_time_limit_ms": 200})
    sql = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
    start = time.perf_counter()
    response = await ds.client.get("/facts.json", params={"sql": sql})
    assert response.status_code == 400
    assert time.perf_counter() - start < 10  # a guard against a hang, not a speed claim


async def test_arbitrary_sql_waits_for_its_slot_and_cheap_pages_do_not(db_path, metadata):
    """With one slot, a second ?sql= request waits while the first runs; a cheap page does
    not wait. Checked by order of completion, not by timing thresholds."""
    ds = make_ds(db_path, metadata, settings={"sql_time_limit_ms": 1500, "num_sql_threads": 3})
    heavy_sql = ("with recursive r(i) as (select 1 union all select i + 1 from r where i < 3000000) "
                 "select count(*) from r")
    finished = []

    async def get(name, path, params=None):
        response = await ds.client.get(path, params=params)
        finished.append((name, response.status_code))

    await ds.client.get("/facts/quotes")  # warm up: connections and the site version
    await asyncio.gather(
        get("heavy1", "/facts.json", {"sql": heavy_sql}),
        get("heavy2", "/facts.json", {"sql": heavy_sql + " -- 2"}),
        get("cheap", QUOTE + ".json"),
    )
    names = [name for name, _ in finished]
    assert names.index("cheap") < names.index("heavy2"), finished
    assert all(status in (200, 400) for _, status in finished), finished


async def test_queue_full_is_429():
    gate = request_limits.SlotGate(slots=1, max_waiting=0)
    assert await gate.acquire()
    assert not await gate.acquire()  # the queue is full: refused at once


# --- CSV exports that fail ---------------------------------------------------------------

async def test_failed_csv_is_400_not_an_empty_200(ds):
    """Datasette answers a failed query's CSV with 200 and no columns; a query always has one,
    so that is a failure: a 400 pointing to the page that shows the error."""
    for path in ("/facts/search.csv?q=%00", "/facts/search.csv?q=%00&_header=off&_dl=1"):
        response = await ds.client.get(path)
        assert response.status_code == 400
        assert "the query behind this CSV export failed" in response.text
        assert "/facts/search (the same address without .csv) shows the error" in response.text
        page = await ds.client.get("/facts/search?q=%00")
        assert "unterminated string" in page.text


async def test_csv_header_off_still_works(ds):
    with_header = (await ds.client.get("/facts/search.csv?q=Chavez")).text
    without = await ds.client.get("/facts/search.csv?q=Chavez&_header=off")
    assert without.status_code == 200
    assert without.text == with_header.split("\r\n", 1)[1]
    empty = await ds.client.get("/facts.csv?sql=select+1+where+0&_header=off")
    assert empty.status_code == 200 and empty.text == ""
    no_rows = await ds.client.get("/facts.csv?sql=select+1+as+a+where+0")
    assert no_rows.status_code == 200 and no_rows.text == "a\r\n"  # an empty result is not a failure


async def raw_get(app, url):
    """GET through the whole ASGI app as a server runs it: (status, the body bytes sent,
    whether the body was ended, the exception that aborted it or None)."""
    path, _, query = url.partition("?")
    scope = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": [(b"host", b"localhost")], "root_path": "",
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8001)}
    sent, requested = [], []

    async def receive():
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        sent.append(message)

    error = None
    try:
        await app(scope, receive, send)
    except Exception as exception:  # a server aborts the connection here
        error = exception
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    ended = any(not m.get("more_body", False) for m in bodies)
    return status, b"".join(m.get("body", b"") for m in bodies), ended, error


async def test_csv_failing_mid_stream_is_cut_off_not_finished(db_path, metadata):
    """Datasette stops a CSV over max_csv_mb after some rows and writes its error text after
    them, as if it were a last row; the complete rows go out, the transfer is aborted, and
    the error text never reaches the client as data."""
    ds = make_ds(db_path, metadata, settings={"max_csv_mb": 1})
    big = "select id, printf('%.*c', 300000, 'x') as a from paragraphs"  # 14 x 300 kB > 1 MiB
    small = await ds.client.get("/facts.csv", params={"sql": "select id from paragraphs"})
    assert small.status_code == 200 and small.text.count("\r\n") == 15  # header and 14 rows
    status, body, ended, error = await raw_get(ds.app(), "/facts.csv?" + urlencode({"sql": big}))
    assert status == 200 and not ended and isinstance(error, Exception)
    assert "CSV export of /facts.csv failed" in str(error)
    assert body.startswith(b"id,a\r\n") and body.endswith(b"\r\n") and b"CSV contains" not in body
    assert 1 <= body.count(b"\r\n") - 1 < 14  # some rows, each whole, not all of them
    transport = httpx.ASGITransport(app=ds.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        with pytest.raises(Exception, match="CSV export of /facts.csv failed"):
            await client.get("/facts.csv", params={"sql": big})


async def test_bad_request_json_says_what_was_wrong(ds):
    response = await ds.client.get("/facts/quotes.json?_timelimit=abc")
    data = json.loads(response.text)
    assert data["status"] == 400 and "_timelimit" in data["error"]


async def test_snippet_markers_cannot_be_data(ds):
    """Matches are found from U+0002 and U+0003; brackets in the text stay text, every <mark>
    is closed, the markup in the data is escaped, and no marker reaches JSON."""
    snippets = plugin(ds, "search_snippets.py")
    marked = "a ⟦b⟧ \x02Chávez\x03 <i>"
    assert snippets.snippet_matches(marked) == "[[6, 12]]"
    assert str(snippets.snippet_html("a ⟦b⟧ Chávez <i>", "[[6, 12]]")) == "a ⟦b⟧ <mark>Chávez</mark> &lt;i&gt;"
    assert snippets.snippet_matches("\x02open") == "[[0, 4]]"
    assert snippets.snippet_matches("stray\x03 end") == "[]"
    assert str(snippets.snippet_html("<b>", "[[0, 9], [2, 1], [0, 1], [0, 2]]")) == "<mark>&lt;</mark>b&gt;"
    found = (await ds.client.get("/facts/search.json?q=Chavez&_shape=array")).json()
    assert found and all("⟦" not in row["snippet"] and "\x02" not in row["snippet"] for row in found)



async def test_a_number_thousands_of_digits_long_is_a_400(ds):
    """Python's int() refuses strings over 4,300 digits: the check must not raise it itself
    (fuzz seed 13 found `basis__gte=999...` with 5,451 digits)."""
    for path in ("/facts/role_counts.json?basis__gte=" + "9" * 5451, "/facts/quotes_per_verb?_next=" + "9" * 5000,
                 "/facts/quotes.json?_timelimit=" + "9" * 5000, "/facts/quotes.json?_ttl=" + "9" * 5000,
                 "/facts/quotes.json?_facet=kind&_facet_size=" + "9" * 5000, "/facts/quotes.json?_ttl=%C2%B2"):
        assert (await ds.client.get(path)).status_code == 400, path[:40]
    # a saved query's page number of 5,000 digits is its last page, not a 500 (plugins/query_paging.py)
    assert (await ds.client.get("/facts/legal_basis?page=" + "9" * 5000)).status_code == 200


@pytest.mark.parametrize("parameter", ["_through", "start__in", "_facet"])
async def test_json_nested_past_the_recursion_limit_is_a_400(ds, parameter):
    """json.loads raises RecursionError, not ValueError, for 5,000 nested brackets."""
    value = ('{"simple":' if parameter == "_facet" else "") + "[" * 5_000
    response = await ds.client.get("/facts/quotes.json", params={parameter: value})
    assert response.status_code == 400 and parameter in response.json()["error"]
