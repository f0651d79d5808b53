"""A synthetic archive of 200 articles (bench/synth.py), built by build_db and served with the
production configuration (article_facts/serve.py), checked for what must hold at any size:
complete CSV exports, working next pages, right totals, complete speaker pages. Speed is
measured by `make bench`, never here. Checks marked xfail(strict=True) describe behaviour
issue 7 asks for that main does not have yet: they fail the suite once it lands, so the mark
must then be removed."""
import csv
import io
import re
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

import build_db
from article_facts import serve

ROOT = Path(__file__).parent.parent
ARTICLES = 200
PAGE = 100  # Datasette's default_page_size


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """(facts.db, its inspect file) for 200 synthetic articles."""
    folder = tmp_path_factory.mktemp("scale")
    seeds = folder / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", str(ARTICLES),
                    "--out", str(seeds), "--seed", "7"], check=True, capture_output=True)
    db = folder / "facts.db"
    build_db.build(seeds, db)
    inspect_file = folder / "facts.inspect.json"
    subprocess.run([str(Path(sys.executable).parent / "datasette"), "inspect", str(db),
                    "--inspect-file", str(inspect_file)], check=True)
    return db, inspect_file


@pytest.fixture(scope="module")
def sql(archive):
    conn = sqlite3.connect(f"file:{archive[0]}?immutable=1", uri=True)
    yield lambda query, params=(): conn.execute(query, params).fetchall()
    conn.close()


@pytest.fixture
def ds(archive):
    return serve.make_datasette(*archive)


@pytest.fixture(scope="module")
def busiest(sql):
    (speaker_id, count), = sql("select speaker_id, count(*) from quotes group by 1 order by 2 desc, 1 limit 1")
    return speaker_id, count


def test_synth_is_deterministic_and_seeded(tmp_path):
    def run(out, seed):
        subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "15", "--out", str(out),
                        "--seed", str(seed)], check=True, capture_output=True)
        return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    first, again, other = run(tmp_path / "a", 3), run(tmp_path / "b", 3), run(tmp_path / "c", 4)
    assert len(first) == 30 and first == again
    assert first != other


def test_archive_has_every_kind_of_fact(sql, busiest):
    kinds = dict(sql("select kind, count(*) from quotes group by kind"))
    assert set(kinds) == {"direct", "indirect", "partial"}
    per_article = [n for (n,) in sql("select count(*) from quotes group by article_id")]
    assert len(per_article) == ARTICLES and min(per_article) >= 8 and max(per_article) <= 12
    paragraphs = [n for (n,) in sql("select paragraph_count from articles")]
    assert min(paragraphs) >= 10 and max(paragraphs) <= 14
    for table in ("roles", "events", "legal_references", "editorial_notes", "mentions", "organizations"):
        assert sql(f"select count(*) from {table}")[0][0] > 0, table
    assert sql("select count(*) from quotes where reported_by_id is not null")[0][0] > 0
    assert busiest[1] > PAGE  # the skew: one speaker has more quotes than a page holds


async def test_quotes_csv_export_has_every_row(ds, sql):
    response = await ds.client.get("/facts/quotes.csv?_stream=on&_size=max")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(row["id"] for row in rows) == sorted(i for (i,) in sql("select id from quotes"))


async def test_quotes_table_total_and_pages_cover_every_quote_once(ds, sql):
    (total,), = sql("select count(*) from quotes")
    first = (await ds.client.get("/facts/quotes.json")).json()
    assert first["filtered_table_rows_count"] == total
    assert not first.get("facets_timed_out")
    seen, data, pages = [], first, 0
    while True:
        ids = [row["id"] if isinstance(row, dict) else row[first["columns"].index("id")] for row in data["rows"]]
        assert len(ids) <= PAGE
        seen += ids
        pages += 1
        if not data.get("next"):
            break
        data = (await ds.client.get("/facts/quotes.json?" + urllib.parse.urlencode({"_next": data["next"]}))).json()
    assert pages == -(-total // PAGE)
    assert sorted(seen) == sorted(i for (i,) in sql("select id from quotes"))
    order = {i: start for i, start in sql("select id, start from quotes")}
    starts = [order[i] for i in seen]
    assert starts == sorted(starts)  # the table's sort (start) holds across pages


async def test_quotes_table_next_link_in_html_leads_to_the_next_rows(ds):
    page = await ds.client.get("/facts/quotes")
    assert page.status_code == 200
    assert "facets timed out" not in page.text
    links = re.findall(r'href="([^"]*_next=[^"]*)"', page.text)
    assert links
    url = links[0].replace("&amp;", "&")
    second = await ds.client.get(urllib.parse.urlsplit(url)._replace(scheme="", netloc="").geturl())
    assert second.status_code == 200
    first_ids = set(re.findall(r'href="/quotes/([a-z0-9-]+)"', page.text))
    second_ids = set(re.findall(r'href="/quotes/([a-z0-9-]+)"', second.text))
    assert second_ids and not (first_ids & second_ids)


async def test_busiest_speaker_page_states_their_totals(ds, sql, busiest):
    speaker_id, count = busiest
    response = await ds.client.get(f"/speakers/{speaker_id}.json")
    assert response.status_code == 200
    data = response.json()
    assert data["counts"]["total"] == count
    for kind, n in sql("select kind, count(*) from quotes where speaker_id = ? group by kind", [speaker_id]):
        assert data["counts"][kind] == n
    theirs = {i for (i,) in sql("select id from quotes where speaker_id = ?", [speaker_id])}
    assert data["quotes"] and {q["id"] for q in data["quotes"]} <= theirs
    html = (await ds.client.get(f"/speakers/{speaker_id}")).text
    assert f"({count})" in html or f"{count:,}" in html


@pytest.mark.xfail(strict=True, reason=(
    "issue 7: the speaker page is paged or bounded (main lists every quote). Expected: at most "
    f"{PAGE} quotes on the page, the true total still stated, and a link to the next quotes"))
async def test_busiest_speaker_page_is_paged(ds, sql, busiest):
    speaker_id, count = busiest
    data = (await ds.client.get(f"/speakers/{speaker_id}.json")).json()
    assert data["counts"]["total"] == count
    assert 0 < len(data["quotes"]) <= PAGE
    html = (await ds.client.get(f"/speakers/{speaker_id}")).text
    shown = set(re.findall(r'href="/quotes/([a-z0-9-]+)"', html))
    nexts = [link.replace("&amp;", "&") for link in re.findall(rf'href="(/speakers/{speaker_id}\?[^"]+)"', html)]
    assert nexts, "a link to the speaker's next quotes"
    more = (await ds.client.get(nexts[0])).text
    assert set(re.findall(r'href="/quotes/([a-z0-9-]+)"', more)) - shown


async def test_article_view_lists_all_its_quotes(ds, sql):
    (article_id,), = sql("select id from articles order by id limit 1 offset 100")
    response = await ds.client.get(f"/articles/{article_id}")
    assert response.status_code == 200
    for (quote_id,) in sql("select id from quotes where article_id = ?", [article_id]):
        assert f'id="{quote_id}"' in response.text


async def test_quote_view_and_row_page(ds, sql):
    (quote_id, text), = sql("select id, text from quotes order by id limit 1 offset 500")
    ours = await ds.client.get(f"/quotes/{quote_id}.json")
    assert ours.status_code == 200 and ours.json()["text"] == text
    assert (await ds.client.get(f"/facts/quotes/{quote_id}")).status_code == 200


async def test_chart_views_add_up_to_their_tables(ds, sql):
    for view, table in (("quotes_per_speaker", "quotes"), ("quotes_per_verb", "quotes"), ("mentions_per_entity", "mentions")):
        (total,), = sql(f"select count(*) from {table}")
        data = (await ds.client.get(f"/facts/{view}.json?_shape=array&_size=max")).json()
        column = "quotes" if table == "quotes" else "mentions"
        assert sum(row[column] for row in data) == total, view


async def test_saved_queries_answer_with_the_right_rows(ds, sql, busiest):
    speaker_id, count = busiest
    (name,), = sql("select name from people where id = ?", [speaker_id])
    surname = name.split()[-1]
    data = (await ds.client.get("/facts/quotes_by_speaker.json?" + urllib.parse.urlencode({"speaker": surname}))).json()
    assert not data["truncated"]
    assert {row[data["columns"].index("speaker_id")] for row in data["rows"]} == {speaker_id}
    assert len(data["rows"]) == count
    search = (await ds.client.get("/facts/search.json?" + urllib.parse.urlencode({"q": surname}))).json()
    assert search["rows"] and all("\x02" in row[search["columns"].index("snippet")] for row in search["rows"])
    (country,), = sql("select name from countries order by id limit 1")
    mentioning = await ds.client.get("/facts/statements_mentioning.json?" + urllib.parse.urlencode({"entity": country}))
    assert mentioning.status_code == 200
    for query in ("legal_basis", "timeline", "speakers", "quote_context"):
        response = await ds.client.get(f"/facts/{query}.json")
        assert response.status_code == 200 and response.json()["rows"], query


async def test_cut_results_say_so(ds, sql):
    """Every quote (empty speaker) is more than max_returned_rows: the page must not look complete."""
    (total,), = sql("select count(*) from quotes")
    assert total > serve.SETTINGS["max_returned_rows"]
    data = (await ds.client.get("/facts/quotes_by_speaker.json?speaker=")).json()
    assert data["truncated"]
    html = (await ds.client.get("/facts/quotes_by_speaker?speaker=")).text
    assert "more than" in html


@pytest.mark.xfail(strict=True, reason=(
    "issue 7: a result cut short offers a way to page on (main says \"more than 1,000 rows\" and "
    "stops). Expected: a link from the saved query's page to the rows after the first page"))
async def test_cut_results_link_to_the_rest(ds, sql):
    html = (await ds.client.get("/facts/search?q=")).text
    first = set(re.findall(r'href="/quotes/([a-z0-9-]+)"', html))
    assert len(first) > PAGE  # the first page links its quotes
    links = {link.replace("&amp;", "&") for link in re.findall(r'href="(/facts/search\?[^"]+)"', html)}
    found_more = False
    for link in links:
        more = (await ds.client.get(link)).text
        if set(re.findall(r'href="/quotes/([a-z0-9-]+)"', more)) - first:
            found_more = True
    assert found_more
