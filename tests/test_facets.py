"""The tables' `counted` facets (plugins/counted_facets.py) and their build-time counts
(article_facts/facet_counts.py): the counts are true on every page, the unfiltered ones come
from the database, a swapped database never shows another's counts, a facet with no values
shows no block, and each facet is suggested once."""
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import sqlite_utils

import build_db
from article_facts import facet_counts
from article_facts.errors import BuildError

from test_sources import write as write_sources_article

ROOT = Path(__file__).parent.parent


def declared(metadata):
    return facet_counts.declared(metadata)


def true_counts(db_path, table, column, where="", params=(), limit=None):
    """[(value, count)] as a facet lists them: most rows first, then by value."""
    conn = sqlite3.connect(db_path)
    condition = " and ".join(filter(None, [where, f"[{column}] is not null"]))
    rows = conn.execute(f"select [{column}], count(*) from [{table}] where {condition} group by 1 "
                        f"order by 2 desc, 1 {f'limit {limit}' if limit else ''}", params).fetchall()
    conn.close()
    return rows


def shown(data, column):
    return [(row["value"], row["count"]) for row in data["facet_results"][column]["results"]]


def link(url):
    """A URL with its query arguments as a dict (their order aside)."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True)


def blocks(html_text):
    """The facet blocks of a table page, by column, with the number each header states."""
    return dict(re.findall(r'data-column="(\w+)">\s*<p class="facet-info-name">\s*<strong>[^<]*'
                           r'<span class="facet-info-total">&?g?t?;?(\d+)</span>', html_text))


def test_the_build_counts_every_counted_facet_over_its_whole_table(db_path, metadata):
    conn = sqlite3.connect(db_path)
    stored = {}
    for table, column, value, count in conn.execute(
            "select table_name, column_name, value, count from facet_counts order by table_name, column_name, rank"):
        stored.setdefault((table, column), []).append((value, count))
    conn.close()
    expected = {(table, column): true_counts(db_path, table, column, limit=facet_counts.KEEP)
                for table, columns in declared(metadata).items() for column in columns}
    assert stored == {key: rows for key, rows in expected.items() if rows}
    assert len(stored) >= 20


async def test_unfiltered_pages_read_the_builds_counts_and_filtered_pages_count(db_path, serve_db, tmp_path):
    """A copy of the database whose facet_counts says 999 for one value: the unfiltered table
    page, and its later pages, show 999 (they read the table, they do not count); a filtered
    page counts its rows."""
    copy = tmp_path / "facts.db"
    shutil.copyfile(db_path, copy)
    conn = sqlite3.connect(copy)
    (value, count), = conn.execute("select value, count from facet_counts where table_name = 'quotes' "
                                   "and column_name = 'kind' and rank = 1").fetchall()
    with conn:
        conn.execute("update facet_counts set count = 999 where table_name = 'quotes' and column_name = 'kind' and rank = 1")
    conn.close()
    ds = serve_db(copy)
    first = (await ds.client.get("/facts/quotes.json?_size=5")).json()
    assert shown(first, "kind")[0] == (value, 999)
    later = (await ds.client.get("/facts/quotes.json?_size=5&" + urllib.parse.urlencode({"_next": first["next"]}))).json()
    assert shown(later, "kind")[0] == (value, 999)
    filtered = (await ds.client.get(f"/facts/quotes.json?kind={value}")).json()
    assert shown(filtered, "kind") == [(value, count)]


@pytest.mark.parametrize("filters", ["", "kind=indirect", "kind=indirect&attribution=explicit", "kind__exact=direct"])
async def test_counted_facets_list_what_datasettes_column_facet_lists(ds, filters):
    """Values, labels, counts, links and the selected mark, as Datasette's own column facet
    (asked for with _facet=) gives them for the same page."""
    data = (await ds.client.get(f"/facts/quotes.json?{filters}&_facet=speaker_id&_facet=kind&_facet=verb")).json()
    for column in ("speaker_id", "kind", "verb"):
        ours, theirs = data["facet_results"][column], data["facet_results"][f"{column}_2"]
        assert ours["type"] == "counted" and theirs["type"] == "column"
        assert ours["results"], column
        assert ours["truncated"] == theirs["truncated"]
        for mine, datasettes in zip(ours["results"], theirs["results"], strict=True):
            assert {k: mine[k] for k in ("value", "label", "count", "selected")} == {
                k: datasettes[k] for k in ("value", "label", "count", "selected")}
            assert link(mine["toggle_url"]) == link(datasettes["toggle_url"])
    labels = {r["value"]: r["label"] for r in data["facet_results"]["speaker_id"]["results"]}
    assert any(label != value for value, label in labels.items())  # people's names, not ids


@pytest.mark.parametrize("args", ["", "kind=indirect", "_sort_desc=start", "_sort=verb", "kind=indirect&_sort_desc=verb"])
async def test_later_pages_show_the_first_pages_counts(ds, args):
    url = f"/facts/quotes.json?_size=4&{args}"
    pages = [(await ds.client.get(url)).json()]
    while pages[-1].get("next") and len(pages) < 4:
        pages.append((await ds.client.get(url + "&" + urllib.parse.urlencode({"_next": pages[-1]["next"]}))).json())
    assert len(pages) == 4
    for later in pages[1:]:
        assert later["facet_results"] == pages[0]["facet_results"]
        assert not later.get("facets_timed_out")
    assert all("_next" not in row["toggle_url"]
               for facet in pages[-1]["facet_results"].values() for row in facet["results"])


@pytest.mark.parametrize("args,where,params", [
    ("start__gt=2000", "start > ?", [2000]),
    ("_search=Chavez", "rowid in (select rowid from quotes_fts where quotes_fts match ?)", ["Chavez"]),
    ("_where=position%20%3E%203", "position > 3", []),
])
async def test_other_filters_are_counted_on_their_first_page_only(ds, db_path, args, where, params):
    """A filter that is not column=value: its first page counts the rows Datasette selects;
    its later pages show no counts (they would count only the rows after the cursor), never
    a time-out or an empty block."""
    first = (await ds.client.get(f"/facts/quotes.json?_size=2&{args}")).json()
    assert shown(first, "kind") == true_counts(db_path, "quotes", "kind", where, params)
    assert first["next"]
    later = await ds.client.get(f"/facts/quotes?_size=2&{args}&" + urllib.parse.urlencode({"_next": first["next"]}))
    assert later.status_code == 200
    assert blocks(later.text) == {} and "timed out" not in later.text
    data = (await ds.client.get(f"/facts/quotes.json?_size=2&{args}&" + urllib.parse.urlencode({"_next": first["next"]}))).json()
    assert data["facet_results"] == {} and not data.get("facets_timed_out")


@pytest.fixture(scope="module")
def unnamed_db(tmp_path_factory, seeds_dir):
    """The seeds and an article with quotes from unnamed sources (tests/test_sources.py)."""
    seeds = tmp_path_factory.mktemp("unnamed") / "seeds"
    shutil.copytree(seeds_dir, seeds)
    write_sources_article(seeds)
    build_db.build(seeds, seeds.parent / "facts.db")
    return seeds.parent / "facts.db"


@pytest.mark.parametrize("path,columns", [
    ("/facts/quotes?source_kind=unnamed", {"source_kind", "kind", "verb", "article_id", "attribution", "review"}),
    ("/facts/mentions?entity_type=country", {"entity_type", "country_id"}),
])
async def test_a_facet_with_no_values_shows_no_block(unnamed_db, serve_db, path, columns):
    """Unnamed sources have no speaker_id and country mentions no person_id: no empty
    "speaker_id (counted) 0" block."""
    ds = serve_db(unnamed_db)
    page = await ds.client.get(path)
    assert page.status_code == 200
    found = blocks(page.text)
    assert set(found) == columns
    assert "0" not in found.values()
    data = (await ds.client.get(path.replace("?", ".json?"))).json()
    assert set(data["facet_results"]) == columns


@pytest.mark.parametrize("view", sorted(build_db.VIEWS))
async def test_chart_views_list_each_suggested_facet_once(ds, view):
    page = (await ds.client.get(f"/facts/{view}")).text
    suggested = re.findall(r'<a href="[^"]*#facet-[\w-]+">([^<]+)</a>',
                           re.search(r'<p class="suggested-facets">(.*?)</p>', page, re.S).group(1))
    assert suggested and len(suggested) == len(set(suggested)), suggested


async def test_a_database_swapped_in_shows_its_own_counts(tmp_path, serve_db, seeds_dir):
    """The counts a server keeps are keyed by the database file (path, inode, size, time): a
    rebuild or an append that renames a new file over it, then served again, never shows the
    old file's counts."""
    path = tmp_path / "facts.db"
    build_db.build(seeds_dir, path)
    url = "/facts/quotes.json?kind=indirect"
    before = (await serve_db(path).client.get(url)).json()
    assert shown(before, "speaker_id") == true_counts(path, "quotes", "speaker_id", "kind = 'indirect'")
    other = tmp_path / "other"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "3", "--out", str(other),
                    "--seed", "5"], check=True, capture_output=True)
    build_db.build(other, path)
    after = (await serve_db(path).client.get(url)).json()
    assert shown(after, "speaker_id") == true_counts(path, "quotes", "speaker_id", "kind = 'indirect'")[:30]
    assert shown(after, "speaker_id") != shown(before, "speaker_id")


def test_a_counted_facet_on_a_column_that_does_not_exist_is_one_line(db_path, tmp_path, metadata):
    bad = tmp_path / "metadata.yml"
    text = (ROOT / "metadata.yml").read_text(encoding="utf-8")
    bad.write_text(text.replace("facets: [{counted: country_id}]", "facets: [{counted: contry_id}]", 1), encoding="utf-8")
    copy = tmp_path / "facts.db"
    shutil.copyfile(db_path, copy)
    with pytest.raises(BuildError) as error:
        facet_counts.write(sqlite_utils.Database(copy), metadata_path=bad)
    assert str(error.value) == "metadata.yml: tables.people.facets: contry_id is not a column of people"
