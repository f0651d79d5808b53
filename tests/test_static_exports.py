"""Whole-table exports: written beside the database by the build (article_facts/exports.py),
served as files (article_facts/web/static_exports.py), never when they are not the served
database's, and holding what Datasette's own export of the same URL holds.

Datasette's own answer for the same URL comes from a Datasette serving a copy of the database
with no exports beside it.
"""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml
from datasette.app import Datasette

import build_db
from article_facts import exports, live
from article_facts.database import TABLES
from conftest import ROOT

MARKER = "x-facts-export"
CLICK = "_labels=on&_stream=on&_size=max"  # the table page's export form, "stream all rows" ticked
CSV_VARIANTS = ["_stream=on", CLICK, "_stream=on&_size=max", "_stream=1&_labels=true&_dl=1",
                "_dl=on&_stream=on"]
NDJSON = "_shape=array&_nl=on&_stream=on"


def datasette(path, metadata=None, immutable=False, **settings):
    if metadata is None:
        metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    return Datasette(metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"), settings=settings or None, **files)


@pytest.fixture(scope="module")
def plain(db_path, tmp_path_factory):
    """Datasette on a copy of the seed database with no exports: its own CSV for any URL."""
    copy = tmp_path_factory.mktemp("plain") / "facts.db"
    shutil.copyfile(db_path, copy)
    return datasette(copy)


def records(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def sql(path, query, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("query", CSV_VARIANTS)
async def test_every_table_holds_what_datasettes_export_holds(ds, plain, query):
    for table in TABLES:
        url = f"/facts/{table}.csv?{query}"
        ours, theirs = await ds.client.get(url), await plain.client.get(url)
        assert ours.status_code == theirs.status_code == 200, url
        assert ours.headers[MARKER] == "static" and MARKER not in theirs.headers, url
        assert int(ours.headers["content-length"]) == len(ours.content), url
        ours_rows, theirs_rows = records(ours.text), records(theirs.text)
        assert ours_rows[0] == theirs_rows[0], url  # the same columns, labels included
        assert sorted(ours_rows[1:]) == sorted(theirs_rows[1:]), url
        for name in ("content-type", "content-disposition"):
            assert ours.headers.get(name) == theirs.headers.get(name), (url, name)


async def test_rows_come_in_the_table_pages_order(ds, db_path, metadata):
    for table in TABLES:
        sort = metadata["databases"]["facts"]["tables"][table].get("sort", "id")
        expected = [r[0] for r in sql(db_path, f"select id from [{table}] order by [{sort}], id")]
        body = (await ds.client.get(f"/facts/{table}.csv?_stream=on")).text
        assert [row[0] for row in records(body)[1:]] == expected, table


async def test_newline_delimited_json_is_every_row_exact(ds, db_path):
    for table in TABLES:
        response = await ds.client.get(f"/facts/{table}.json?{NDJSON}")
        assert response.status_code == 200 and response.headers[MARKER] == "static"
        assert int(response.headers["content-length"]) == len(response.content)
        rows = [json.loads(line) for line in response.text.splitlines()]
        conn = sqlite3.connect(db_path)
        conn.row_factory = sqlite3.Row
        expected = {r["id"]: dict(r) for r in conn.execute(f"select * from [{table}]")}
        conn.close()
        assert len(rows) == len(expected) and {r["id"]: r for r in rows} == expected, table


async def test_a_page_size_changes_nothing(ds):
    """Datasette pages a streamed export by _size (and with a small one repeats rows where the
    sort column has NULLs); the file is every row once, whatever the page size."""
    whole = await ds.client.get("/facts/events.csv?_stream=on&_labels=on&_size=max")
    paged = await ds.client.get("/facts/events.csv?_stream=on&_labels=on&_size=7")
    assert paged.headers[MARKER] == "static" and paged.content == whole.content


async def test_header_off_head_and_download(ds):
    url = "/facts/quotes.csv?_stream=on&_labels=on"
    full = await ds.client.get(url)
    headless = await ds.client.get(url + "&_header=off")
    assert headless.headers[MARKER] == "static"
    assert headless.content == full.content.split(b"\r\n", 1)[1]
    assert int(headless.headers["content-length"]) == len(headless.content)
    head = await ds.client.head(url + "&_dl=1")
    assert head.status_code == 200 and head.content == b"" and head.headers[MARKER] == "static"
    assert head.headers["content-length"] == full.headers["content-length"]
    assert head.headers["content-disposition"] == 'attachment; filename="quotes.csv"'
    assert head.headers["content-type"] == "text/csv; charset=utf-8"


async def test_etag_on_the_production_shape(db_path):
    """Immutable, as serve-prod runs it: the download is cacheable and has an ETag."""
    ids = datasette(db_path, immutable=True)
    response = await ids.client.get(f"/facts/quotes.csv?{CLICK}")
    assert response.headers[MARKER] == "static" and response.headers.get("etag")
    again = await ids.client.get(f"/facts/quotes.csv?{CLICK}", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("query", [
    "_stream=on&kind=direct", "_stream=on&_sort=id", "_stream=on&_sort_desc=start",
    "_stream=on&_search=Chavez", "_stream=on&_facet=kind", "_stream=on&_where=start>100",
    "_stream=on&_col=text", "_stream=on&_next=a", "_size=max&_labels=on", "_stream=on&_stream=on",
    "_stream=on&_size=0", "_stream=on&_size=5000", "_stream=&_size=max", "_stream=on&_trace=1",
    "_stream=on&_labels=maybe", "_stream=on&_raw=on", "_stream=on&_unknown=1",
])
async def test_other_requests_go_to_datasette(ds, query):
    response = await ds.client.get(f"/facts/quotes.csv?{query}")
    assert MARKER not in response.headers


@pytest.mark.parametrize("path", [
    "/facts/quotes_per_speaker.csv?_stream=on", "/facts/quotes_fts.csv?_stream=on",
    "/facts/speaker_counts.csv?_stream=on", "/facts/search.csv?_stream=on&q=Chavez",
    "/facts/quotes.json?_stream=on", "/facts/quotes.json?_shape=array&_nl=on",
    "/facts/quotes.json?_shape=array&_stream=on", "/facts/nosuch.csv?_stream=on",
    "/facts/quotes.csv/x?_stream=on", "/facts.csv?_stream=on",
])
async def test_views_queries_and_other_formats_go_to_datasette(ds, path):
    assert MARKER not in (await ds.client.get(path)).headers


async def test_a_cookie_goes_to_datasette(ds):
    response = await ds.client.get("/facts/people.csv?_stream=on", cookies={"unrelated": "1"})
    assert response.status_code == 200 and MARKER not in response.headers
    assert response.headers["cache-control"] == "private, no-store"


# ---------------------------------------------------------------- never stale, never partial


@pytest.fixture
def built(tmp_path, seeds_dir):
    path = tmp_path / "facts.db"
    build_db.build(seeds_dir, path)
    return path


def export_folders(db_path):
    return sorted(p.name for p in exports.exports_root(db_path).iterdir())


def test_the_build_writes_one_folder_named_by_the_databases_hash(built, seeds_dir):
    assert export_folders(built) == [exports.database_sha256(built)]
    manifest = exports.read_manifest(built, exports.database_sha256(built))
    assert set(manifest["tables"]) == set(TABLES)
    build_db.build(seeds_dir, built)  # the same seeds: the same database, the same folder
    assert export_folders(built) == [exports.database_sha256(built)]


async def test_a_changed_database_is_never_served_its_old_exports(built):
    ds = datasette(built)
    url = "/facts/people.csv?_stream=on"
    assert (await ds.client.get(url)).headers[MARKER] == "static"
    with sqlite3.connect(built) as conn:  # changed by hand, after the build
        conn.execute("update people set name = 'Changed By Hand' where id = 'claudia-sheinbaum'")
    conn.close()
    response = await ds.client.get(url)
    assert MARKER not in response.headers and "Changed By Hand" in response.text


async def test_a_missing_or_cut_file_is_never_served(built):
    ds = datasette(built)
    folder = exports.exports_root(built) / exports.database_sha256(built)
    (folder / "people.csv").unlink()
    with open(folder / "quotes.csv", "r+b") as handle:
        handle.truncate(100)
    for table in ("people", "quotes"):
        response = await ds.client.get(f"/facts/{table}.csv?_stream=on")
        assert response.status_code == 200 and MARKER not in response.headers
        assert len(records(response.text)) == 1 + sql(built, f"select count(*) from [{table}]")[0][0]
    assert (await ds.client.get("/facts/people.csv?_stream=on&_labels=on")).headers[MARKER] == "static"


async def test_a_rebuild_while_serving_switches_to_the_new_exports(built, seeds_dir, tmp_path, write_article):
    ds = datasette(built)
    before = await ds.client.get("/facts/articles.csv?_stream=on")
    seeds = tmp_path / "more"
    shutil.copytree(seeds_dir, seeds)
    write_article(seeds, "zz-extra", "Ana Ortega spoke.\n",
                  "article: {headline: Extra, headline_source: editorial, language: en}\n"
                  "people: []\nquotes: []\n")
    build_db.build(seeds, built)
    assert export_folders(built) == [exports.database_sha256(built)]  # the old folder is gone
    await live.serve_latest(ds)  # the new version served (the server swaps it in within seconds)
    after = await ds.client.get("/facts/articles.csv?_stream=on")
    assert after.headers[MARKER] == "static" and "zz-extra" in after.text and "zz-extra" not in before.text


def test_append_writes_the_new_databases_exports(built, tmp_path, write_article):
    folder = write_article(tmp_path / "new", "zz-appended", "Ana Ortega spoke.\n",
                           "article: {headline: Appended, headline_source: editorial, language: en}\n"
                           "people: []\nquotes: []\n")
    result = subprocess.run([sys.executable, "build_db.py", "append", str(folder), "--db", str(built)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    db_hash = exports.database_sha256(built)
    assert export_folders(built) == [db_hash]
    manifest = exports.read_manifest(built, db_hash)
    text = (exports.exports_root(built) / db_hash / manifest["tables"]["articles"]["csv"]["file"]).read_text()
    assert "zz-appended" in text


def test_a_build_that_cannot_write_its_exports_leaves_the_database(built, seeds_dir, tmp_path, write_article):
    """The exports are written before the database is replaced: when they cannot be (here a
    file stands where their folder goes), the previous database stays as it was."""
    seeds = tmp_path / "more"
    shutil.copytree(seeds_dir, seeds)
    write_article(seeds, "zz-extra", "Ana Ortega spoke.\n",
                  "article: {headline: Extra, headline_source: editorial, language: en}\n"
                  "people: []\nquotes: []\n")
    before = built.read_bytes()
    root = exports.exports_root(built)
    shutil.rmtree(root)
    root.write_text("not a folder")
    result = subprocess.run([sys.executable, "build_db.py", "--seeds", str(seeds), "--db", str(built)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "cannot write" in result.stderr
    assert built.read_bytes() == before
    assert sorted(p.name for p in built.parent.iterdir()) == ["facts.db", "facts.exports", "facts.inspect.json", "more"]


async def test_serve_prod_serves_the_exports(built):
    """The production shape: immutable, its hash from the inspect file."""
    from article_facts import serve
    inspect_file = built.with_name("facts.inspect.json")
    subprocess.run([str(os.path.join(os.path.dirname(sys.executable), "datasette")), "inspect", str(built),
                    "--inspect-file", str(inspect_file)], check=True)
    ds = serve.make_datasette(built, inspect_file)
    response = await ds.client.get(f"/facts/quotes.csv?{CLICK}")
    assert response.status_code == 200 and response.headers[MARKER] == "static"
