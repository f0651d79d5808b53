"""The Articles page (/articles, plugins/article_list.py) and the home page's review counts
(plugins/home_review_status.py): newest first, each article's outlet, byline, date, quote
count and review progress from counts the build wrote (articles.quote_count, entry_count,
checked_count), kept right by `append`; a review link only on the review server."""
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from datasette.app import Datasette

import build_db
from article_facts.review_mode import PLUGIN as REVIEW_PLUGIN
from conftest import article_section
from plugins.article_list import ARTICLES_PER_PAGE

ROOT = Path(__file__).parent.parent
SLUG = "peru-severs-relations-chavez-asylum"
TEXT = "“We are ready,” said Ana Ruiz.\nThe council voted later, said Ben Ortiz.\n"


def facts(headline, published=None, outlet=None, author=None, draft=False):
    """An article with two people, two statements and a role; with draft=True the extractor's
    review states: the article, one person and one quote are drafts."""
    review = "\n    review: draft" if draft else ""
    lines = article_section(headline, published=published, outlet=outlet, author=author)
    if draft:
        lines.append("  review: draft")
    return "\n".join(lines) + f"""
people:
  - id: ana-ruiz
    name: Ana Ruiz{review}
  - id: ben-ortiz
    name: Ben Ortiz
quotes:
  - id: q1
    speaker: ana-ruiz
    kind: direct
    verb: said
    text: "We are ready"
    attribution: explicit{review}
  - id: q2
    speaker: ben-ortiz
    kind: indirect
    verb: said
    text: "The council voted later"
    attribution: explicit
"""


ARTICLES = {
    "council-old": facts("Council opens budget talks", "2023-11-20", "Harbor Times", "Sam Lee"),
    "council-new": facts("Council passes the budget", "2024-05-02", "City Ledger", "Jo Park", draft=True),
    "council-mid": facts("Council delays the vote", "2024-01", "City Ledger"),
}


@pytest.fixture(scope="module")
def listed_db(build_with_articles):
    return build_with_articles({slug: (TEXT, text) for slug, text in ARTICLES.items()}, "listed")


def review_server(path, metadata):
    """Our Datasette as `make review` runs it: the review mode's key in the metadata."""
    plugins = dict(metadata.get("plugins") or {}, **{REVIEW_PLUGIN: {"enabled": True}})
    return Datasette([str(path)], metadata=dict(metadata, plugins=plugins), plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"))


def test_the_build_counts_quotes_and_checked_entries_per_article(listed_db):
    rows = {row[0]: row[1:] for row in sqlite3.connect(listed_db).execute(
        "select id, quote_count, entry_count, checked_count from articles")}
    # article + 2 people + 2 quotes = 5 entries; the drafted one has 3 of them as drafts
    assert rows["council-old"] == (2, 5, 5)
    assert rows["council-new"] == (2, 5, 2)
    assert rows[SLUG][0] == 21 and rows[SLUG][1] == rows[SLUG][2]  # the seed is checked


async def test_articles_newest_first_with_byline_counts_and_progress(listed_db, serve_db):
    ds = serve_db(listed_db)
    data = (await ds.client.get("/articles.json")).json()
    assert [a["id"] for a in data["articles"]] == ["council-new", "council-mid", "council-old", SLUG]  # undated last
    new = data["articles"][0]
    assert (new["headline"], new["outlet"], new["author"], new["published"], new["quote_count"]) == (
        "Council passes the budget", "City Ledger", "Jo Park", "2024-05-02", 2)
    assert new["progress"] == {"checked": 2, "entries": 5, "drafts": 3, "percent": 40}
    assert new["urls"] == {"article": "/articles/council-new", "json": "/articles/council-new.json", "review": None}
    assert data["total"] == 4 and data["review_mode"] is False
    page = (await ds.client.get("/articles")).text
    item = page.split('id="council-new"')[1].split("</li>")[0]
    for shown in ("Council passes the budget", "City Ledger", "by Jo Park", "2024-05-02", "2 quotes",
                  "2 / 5 entries checked", "3 drafts", 'href="/articles/council-new"'):
        assert shown in item, shown
    assert 'class="review-link"' not in page and "/-/review" not in page


async def test_the_review_link_only_on_the_review_server(listed_db, metadata):
    ds = review_server(listed_db, metadata)
    data = (await ds.client.get("/articles.json")).json()
    assert data["review_mode"] is True
    assert data["articles"][0]["urls"]["review"] == "/-/review/council-new"
    page = (await ds.client.get("/articles")).text
    assert '<a class="review-link" href="/-/review/council-new">review</a>' in page


async def test_the_articles_page_escapes_what_the_facts_say(build_with_articles, serve_db):
    path = build_with_articles({"council-x": (TEXT, facts("<script>alert(1)</script>", "2024-01-01",
                                                          "<b>Ledger</b>", "O'Hara & <i>Co</i>"))}, "escaped")
    page = (await serve_db(path).client.get("/articles")).text
    assert "<script>alert(1)" not in page and "<b>Ledger" not in page and "<i>Co" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "O&#39;Hara &amp; &lt;i&gt;Co&lt;/i&gt;" in page


@pytest.fixture(scope="module")
def many_db(tmp_path_factory):
    """The seed and 60 synthetic articles (bench/synth.py): more than one page."""
    seeds = tmp_path_factory.mktemp("many") / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "60", "--out", str(seeds),
                    "--seed", "5"], check=True, capture_output=True)
    shutil.copytree(ROOT / "seeds" / SLUG, seeds / SLUG)
    path = seeds.parent / "facts.db"
    build_db.build(seeds, path)
    return path


async def test_pages_of_articles_cover_each_once_in_order(many_db, serve_db):
    ds = serve_db(many_db)
    first = (await ds.client.get("/articles.json")).json()
    assert first["total"] == 61 and first["page"]["pages"] == 2 and len(first["articles"]) == ARTICLES_PER_PAGE
    assert first["page"]["next"] == "/articles?page=2" and first["page"]["previous"] is None
    second = (await ds.client.get("/articles.json?page=2")).json()
    assert second["page"]["previous"] == "/articles" and second["page"]["next"] is None
    ids = [a["id"] for a in first["articles"] + second["articles"]]
    expected = [row[0] for row in sqlite3.connect(many_db).execute(
        "select id from articles order by published is null, published desc, id desc")]
    assert ids == expected
    # a page past the end shows the last; a bad number the first
    assert (await ds.client.get("/articles.json?page=99")).json()["page"]["number"] == 2
    assert (await ds.client.get("/articles.json?page=x")).json()["page"]["number"] == 1
    page = (await ds.client.get("/articles?page=2")).text
    assert 'rel="prev" href="/articles"' in page and "51–61 of 61" in page


def test_the_list_reads_a_page_from_the_index(many_db):
    """The page's rowids come from the (published, id) index, never a sort of every article."""
    from plugins.article_list import ARTICLES_SQL
    plan = " ".join(row[3] for row in sqlite3.connect(many_db).execute(
        "explain query plan " + ARTICLES_SQL, {"limit": 50, "offset": 0}))
    assert "idx_articles_published_id" in plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan.split("SCAN shown")[0], plan


def test_append_keeps_the_counts_a_full_build_writes(build_with_articles, tmp_path, write_article):
    full = build_with_articles({slug: (TEXT, text) for slug, text in ARTICLES.items()}, "full")
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    write_article(seeds, "council-old", TEXT, ARTICLES["council-old"])
    write_article(seeds, "council-mid", TEXT, ARTICLES["council-mid"])
    db = tmp_path / "facts.db"
    build_db.build(seeds, db)
    added = write_article(tmp_path / "incoming", "council-new", TEXT, ARTICLES["council-new"])
    result = subprocess.run([sys.executable, "build_db.py", "append", str(added), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for sql in ("select id, quote_count, entry_count, checked_count from articles order by id",
                "select * from review_counts"):
        assert sqlite3.connect(db).execute(sql).fetchall() == sqlite3.connect(full).execute(sql).fetchall()


async def test_the_home_page_says_how_many_entries_are_drafts(listed_db, serve_db, metadata):
    ds = serve_db(listed_db)
    page = (await ds.client.get("/")).text
    assert "checked by hand" not in page
    entries, checked = sqlite3.connect(listed_db).execute(
        "select sum(entry_count), sum(checked_count) from articles").fetchone()
    assert entries - checked == 3
    assert (f"of {entries} entries in 4 articles, <strong>{checked} checked</strong> by a person and "
            "<strong>3 machine drafts, not yet reviewed</strong> (in 1 article)") in page
    assert '<a href="/articles">' in page
    assert "checked by hand" not in metadata["description_html"]
