"""Live publishing (issue 17, section 4): an `append` under a running server is served within
5 seconds without a restart, every response from exactly one version of the database, and the
old file is let go.

Real servers on free loopback ports (`python -m article_facts.serve` with 2 workers, and
`datasette serve .` in a configuration directory, as `make serve-prod` and `make serve` run
them), real builds and appends, clients reading all the while. Each response is classified
against what the old and the new database hold (counted with SQL from the files themselves):
a response that matches neither is a mixed one.
"""
import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from datasette.app import Datasette

import build_db
from article_facts import live
from conftest import ROOT, SEEDS, SLUG, free_port, start_server, stop_server

LIVE_SECONDS = 5          # the promise: the new version is served within this
READERS = 4               # client threads
SERVER_START_SECONDS = 30


@pytest.fixture(scope="module")
def new_article(tmp_path_factory):
    """One synthetic article (bench/synth.py: paragraphs, quotes of every kind, people) to add."""
    out = tmp_path_factory.mktemp("synth") / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "1", "--out", str(out),
                    "--seed", "17"], check=True, capture_output=True)
    return next(p for p in out.iterdir() if p.is_dir())


def built_site(folder):
    """A copy of the seeds built into folder/facts.db (with its exports and inspect file)."""
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    db = folder / "facts.db"
    build_db.build(seeds, db)
    return db


def expected(db):
    """What a response may show of this database: per URL kind, the one right answer."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        quotes = conn.execute("select count(*) from quotes").fetchone()[0]
        articles = sorted(r[0] for r in conn.execute("select id from articles"))
        return {
            "quotes": (quotes,
                       sorted(r[0] for r in conn.execute("select id from quotes")),
                       dict(conn.execute("select article_id, count(*) from quotes group by article_id")),
                       dict(conn.execute("select kind, count(*) from quotes group by kind"))),
            "articles": (len(articles), articles),
            "tables": {"articles": len(articles), "quotes": quotes,
                       "people": conn.execute("select count(*) from people").fetchone()[0]},
        }
    finally:
        conn.close()


def urls(new_id):
    return {
        "quotes": "/facts/quotes.json?_size=max",
        "articles": "/facts/articles.json?_size=max",
        "tables": "/facts.json",
        "article_page": f"/articles/{new_id}.json",
        "article_list": "/facts/articles",
        "quote_page": f"/quotes/{SLUG}-q1",
    }


def signature(kind, status, body, new_id):
    """The response's content reduced to what expected() gives, or to 'old'/'new' for the
    pages whose content shows the version directly; None for a page that is the same in both."""
    if kind == "article_page":
        return {404: "old", 200: "new"}.get(status, ("status", status))
    if status != 200:
        return ("status", status)
    if kind == "article_list":
        return "new" if f"/articles/{new_id}" in body.decode() else "old"
    if kind == "quote_page":
        return None
    data = json.loads(body)
    if kind == "tables":
        counts = {t["name"]: t["count"] for t in data["tables"]}
        return {name: counts[name] for name in ("articles", "quotes", "people")}
    ids = sorted(row[data["columns"].index("id")] for row in data["rows"])
    if kind == "articles":
        return (data["filtered_table_rows_count"], ids)
    facets = {name: {r["value"]: r["count"] for r in data["facet_results"][name]["results"]}
              for name in ("article_id", "kind")}
    return (data["filtered_table_rows_count"], ids, facets["article_id"], facets["kind"])


class Readers:
    """Client threads reading every URL in turn, each response kept with its start time."""

    def __init__(self, base, paths):
        self.base, self.paths = base, paths
        self.responses = []  # (started, kind, status, etag, body)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(READERS)]

    def read(self, offset):
        kinds = list(self.paths)
        i = offset
        while not self.stop.is_set():
            kind = kinds[i % len(kinds)]
            i += 1
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + self.paths[kind], timeout=30) as response:
                    status, headers, body = response.status, response.headers, response.read()
            except urllib.error.HTTPError as e:
                status, headers, body = e.code, e.headers, e.read()
            self.responses.append((started, kind, status, headers.get("etag"), body))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def server_processes(pid):
    """The server and its worker processes (uvicorn's children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").iterdir():
            with open(task / "children") as handle:
                todo += [int(p) for p in handle.read().split()]
    return found


def deleted_databases(pid):
    """Open descriptors of the server's processes on a deleted database file."""
    found = []
    for process in server_processes(pid):
        for fd in Path(f"/proc/{process}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if re.search(r"\.db(-journal)? \(deleted\)$", target) or ".facts.db." in target:
                found.append((process, target))
    return found


def append_while_reading(base, db, new_article, before_seconds=1.0):
    """Read, append new_article to db, read on until LIVE_SECONDS after the append plus one:
    (old expectations, new expectations, the moment the append finished, responses)."""
    old = expected(db)
    with Readers(base, urls(new_article.name)) as readers:
        time.sleep(before_seconds)
        build_db.append(new_article, db)
        appended = time.monotonic()
        new = expected(db)
        time.sleep(LIVE_SECONDS + 1)
    return old, new, appended, readers.responses


def matches(kind, found, version):
    """found is what version holds. A mutable database's page counts each table within a time
    limit (Datasette's table_counts): a count it gave up on (None) says nothing either way."""
    if kind == "tables":
        return all(count is None or count == version[kind][name] for name, count in found.items())
    return found == version[kind]


def versions_of(responses, old, new, new_id):
    """Each response's version ('old' or 'new'); fails on a response matching neither."""
    versions, mixed = [], []
    for started, kind, status, etag, body in responses:
        found = signature(kind, status, body, new_id)
        if found is None or found in ("old", "new"):
            version = found
        else:
            fits = [name for name, version in (("old", old), ("new", new)) if matches(kind, found, version)]
            if not fits:
                mixed.append((kind, status, found))
            version = fits[0] if len(fits) == 1 else None  # both: nothing to tell them apart
        versions.append(version)
    assert mixed == [], f"{len(mixed)} responses of neither version, first: {mixed[0]}"
    return versions


def check_live(responses, versions, appended):
    """Both versions seen; none served old LIVE_SECONDS after the append finished."""
    assert "old" in versions and "new" in versions
    late_old = [started - appended for (started, *_), version in zip(responses, versions)
                if version == "old" and started > appended + LIVE_SECONDS]
    assert late_old == [], f"old version still served {max(late_old):.1f}s after the append"


def test_serve_prod_with_two_workers_serves_an_append_whole_and_within_seconds(tmp_path, new_article):
    db = built_site(tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc, log = start_server([sys.executable, "-m", "article_facts.serve", "--db", str(db), "--inspect-file",
                       str(db.with_name("facts.inspect.json")), "--host", "127.0.0.1", "--port", str(port),
                       "--workers", "2"], tmp_path / "serve.log", f"{base}/-/versions.json", seconds=SERVER_START_SECONDS)
    try:
        old, new, appended, responses = append_while_reading(base, db, new_article)
        versions = versions_of(responses, old, new, new_article.name)
        check_live(responses, versions, appended)
        # the ETag names the version: one ETag a version for each URL, never one for both
        tags = {}
        for (_, kind, status, etag, _), version in zip(responses, versions):
            if status == 200:
                assert etag, kind
                tags.setdefault((kind, etag), set()).add(version)
        assert all(len(seen - {None}) <= 1 for seen in tags.values()), tags
        per_kind = {}
        for kind, etag in tags:
            per_kind.setdefault(kind, set()).add(etag)
        assert all(len(etags) == 2 for kind, etags in per_kind.items() if kind != "article_page"), per_kind
        assert (tmp_path / "serve.log").read_text().count("Traceback") == 0
        assert deleted_databases(proc.pid) == []
        print(f"\nserve-prod, 2 workers: {len(responses)} responses, {versions.count('old')} old, "
              f"{versions.count('new')} new, none mixed; first new "
              f"{min(r[0] for r, v in zip(responses, versions) if v == 'new') - appended:+.2f}s, last old "
              f"{max(r[0] for r, v in zip(responses, versions) if v == 'old') - appended:+.2f}s after the append")
    finally:
        stop_server(proc, log)


def test_datasette_serve_configuration_directory_serves_an_append_without_restart(tmp_path, new_article):
    """`make serve`: `datasette serve .` in a folder holding metadata.yml, settings.json,
    plugins/, templates/ and facts.db (a mutable database)."""
    site = tmp_path / "site"
    site.mkdir()
    for name in ("metadata.yml", "settings.json", "plugins", "templates"):
        (site / name).symlink_to(ROOT / name)
    db = built_site(site)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc, log = start_server([str(Path(sys.executable).parent / "datasette"), "serve", ".", "--host", "127.0.0.1",
                       "--port", str(port)], tmp_path / "serve.log", f"{base}/-/versions.json",
                             seconds=SERVER_START_SECONDS, cwd=site)
    try:
        old, new, appended, responses = append_while_reading(base, db, new_article)
        versions = versions_of(responses, old, new, new_article.name)
        check_live(responses, versions, appended)
        assert deleted_databases(proc.pid) == []
        print(f"\ndatasette serve .: {len(responses)} responses, {versions.count('old')} old, "
              f"{versions.count('new')} new, none mixed")
    finally:
        stop_server(proc, log)


async def test_serve_latest_swaps_at_once_and_the_etag_follows(tmp_path, new_article, metadata):
    """What the review server calls after a save: the very next response is the new version,
    with a new ETag and the new inspect counts; False when nothing changed."""
    db = built_site(tmp_path)
    from article_facts import serve
    ds = serve.make_datasette(db, db.with_name("facts.inspect.json"))
    first = await ds.client.get("/facts.json")
    assert {t["name"]: t["count"] for t in first.json()["tables"]}["articles"] == 1
    assert await live.serve_latest(ds) is False
    build_db.append(new_article, db)
    assert await live.serve_latest(ds) is True
    after = await ds.client.get("/facts.json")
    assert {t["name"]: t["count"] for t in after.json()["tables"]}["articles"] == 2
    assert after.headers["etag"] != first.headers["etag"]
    assert (await ds.client.get(f"/articles/{new_article.name}")).status_code == 200
    assert (await ds.client.get("/-/databases.json")).json()[0]["hash"] == \
        json.loads(db.with_name("facts.inspect.json").read_text())["facts"]["hash"]


async def test_a_request_that_outlives_the_drain_is_superseded_not_mixed(tmp_path, new_article, metadata):
    """A request still running DRAIN_SECONDS after a swap began does not hold the swap back,
    and its response, which would be made partly from the new version, is a 503 to retry.
    (The SQL runs until its time limit, 4 s longer than the drain: the append happens in it.)"""
    db = built_site(tmp_path)
    ds = Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                   template_dir=str(ROOT / "templates"),
                   settings={"sql_time_limit_ms": int((live.DRAIN_SECONDS + 4) * 1000)})
    assert (await ds.client.get("/facts.json")).status_code == 200
    slow_sql = ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) "
                "select count(*) from c")
    slow = asyncio.ensure_future(ds.client.get("/facts.json", params={"sql": slow_sql}))
    state = live.live_for(ds)
    while not state.tickets:
        await asyncio.sleep(0.01)
    build_db.append(new_article, db)
    assert await live.serve_latest(ds) is True
    assert not slow.done()  # the swap did not wait for it
    response = await slow
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert (await ds.client.get(f"/articles/{new_article.name}")).status_code == 200


async def test_serve_latest_inside_a_request_swaps_without_waiting_for_itself(tmp_path, new_article, metadata):
    """The review server calls serve_latest in the request that saved: that request is not
    drained (it would wait for itself and be superseded: a 503), and the rest of it reads the
    new version. The route here stands in for the review plugin's, inside the real gate."""
    from article_facts.web import live_gate
    from conftest import asgi_send
    db = built_site(tmp_path)
    ds = Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                   template_dir=str(ROOT / "templates"))
    assert (await ds.client.get("/facts.json")).status_code == 200

    async def save_and_publish(scope, receive, send):
        build_db.append(new_article, db)
        swapped = await live.serve_latest(ds)
        count = (await ds.get_database("facts").execute("select count(*) from articles")).single_value()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": json.dumps([swapped, count]).encode()})

    app = live_gate.wrapper(ds)(save_and_publish)
    scope = {"type": "http", "method": "GET", "path": "/save", "raw_path": b"/save", "query_string": b"",
             "headers": []}
    status, _, body = await asgi_send(app, scope)
    assert status == 200, body
    assert json.loads(body) == [True, 2]
    assert (await ds.client.get(f"/articles/{new_article.name}")).status_code == 200
