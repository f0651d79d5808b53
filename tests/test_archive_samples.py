"""A growing archive: the seed plus three sample articles (tests/archive_samples/, written for
these tests), each added with `build_db.py add`, its facts.yml drafted by the extractor and not
edited, built and served by real Datasette."""
import csv
import io
import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner
from datasette.app import Datasette

import build_db

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "tests" / "archive_samples"
# The order a desk would add them: the second and third reuse people the earlier ones made.
ADDED = ["mexico-peru-consular-talks", "lima-embassy-safe-passage", "constitutional-court-asylum-ruling"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory, seeds_dir):
    """The seeds folder after three `add` commands, and the database built from it."""
    root = tmp_path_factory.mktemp("archive")
    seeds = root / "seeds"
    shutil.copytree(seeds_dir, seeds)
    runner = CliRunner()
    for name in ADDED:
        result = runner.invoke(build_db.cli, ["add", str(SAMPLES / f"{name}.txt"), "--seeds", str(seeds)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(build_db.cli, ["--seeds", str(seeds), "--db", str(root / "facts.db")])
    assert result.exit_code == 0, result.output
    return seeds, root / "facts.db"


@pytest.fixture(scope="module")
def db(archive):
    return sqlite_utils.Database(archive[1])


@pytest.fixture
def ads(archive, metadata):
    return Datasette([str(archive[1])], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"))


def articles_of(db, column, value):
    return {r["article_id"] for r in db.query(f"select distinct article_id from quotes where {column} = :v", {"v": value})}


def test_the_drafts_were_not_edited(archive):
    seeds, _ = archive
    for name in ADDED:
        assert (seeds / name / "article.txt").read_bytes() == (SAMPLES / f"{name}.txt").read_bytes()
        text = (seeds / name / "facts.yml").read_text(encoding="utf-8")
        assert text.startswith("# MACHINE DRAFT")
        facts = yaml.safe_load(text)
        entries = [facts["article"]] + [e for value in facts.values() if isinstance(value, list)
                                        for e in value if isinstance(e, dict)]
        assert {e["review"] for e in entries} == {"draft"}


def test_people_are_merged_across_articles(db, slug):
    people = {r["id"]: r for r in db.query("select id, name from people")}
    assert people["ana-lucia-ortega"]["name"] == "Ana Lucía Ortega"
    assert articles_of(db, "speaker_id", "ana-lucia-ortega") == {"mexico-peru-consular-talks", "lima-embassy-safe-passage"}
    assert articles_of(db, "speaker_id", "julio-ramirez-paredes") == {"lima-embassy-safe-passage", "constitutional-court-asylum-ruling"}
    assert articles_of(db, "speaker_id", "claudia-sheinbaum") == {slug, "mexico-peru-consular-talks"}
    assert not [k for k in people if k.startswith(("ana-lucia-ortega-", "julio-ramirez-paredes-", "claudia-sheinbaum-"))]
    assert articles_of(db, "speaker_organization_id", "constitutional-court-of-peru") == {"constitutional-court-asylum-ruling"}


def test_seed_rows_and_ids_are_unchanged(db, db_path, slug):
    """Adding articles changes no id, text, offset or speaker of the seed's rows."""
    seed_db = sqlite_utils.Database(db_path)
    for table, columns in {
        "quotes": "id, speaker_id, kind, verb, text, start, [end], review",
        "roles": "id, person_id, title, organization_id, start",
        "events": "id, date, quote_id, start",
        "legal_references": "id, instrument, cited_by_id, quote_id, start",
        "mentions": "id, entity_id, start",
    }.items():
        sql = f"select {columns} from {table} where article_id = :a order by id"
        assert list(db.query(sql, {"a": slug})) == list(seed_db.query(sql, {"a": slug})), table
    for table in ("people", "organizations", "countries"):
        seed_rows = {r["id"]: r["name"] for r in seed_db.query(f"select id, name from {table}")}
        rows = {r["id"]: r["name"] for r in db.query(f"select id, name from {table}")}
        assert seed_rows.items() <= rows.items(), table
    assert {r["review"] for r in db.query("select review from quotes where article_id = :a", {"a": slug})} == {"checked"}


async def test_speaker_page_spans_articles(ads, slug):
    page = (await ads.client.get("/speakers/claudia-sheinbaum")).text
    assert f'href="/quotes/{slug}-q1"' in page
    assert 'href="/quotes/mexico-peru-consular-talks-q1"' in page
    assert "Our consulates serve thousands of families" in page
    data = (await ads.client.get("/speakers/ana-lucia-ortega.json")).json()
    assert {q["article_id"] for q in data["quotes"]} == {"mexico-peru-consular-talks", "lima-embassy-safe-passage"}
    court = await ads.client.get("/speakers/constitutional-court-of-peru")
    assert court.status_code == 200 and "The challenge does not meet the requirements" in court.text


SPANNING = {
    "search": {"q": "asylum"},
    "quotes_by_speaker": {"speaker": "Ortega"},
    "statements_mentioning": {"entity": "Peru"},
    "legal_basis": {},
    "timeline": {},
    "speakers": {},
}


@pytest.mark.parametrize("name", sorted(SPANNING))
async def test_saved_query_spans_articles(ads, db, slug, name):
    params = "&".join(f"{k}={v}" for k, v in SPANNING[name].items())
    response = await ads.client.get(f"/facts/{name}.json?_shape=array&{params}")
    assert response.status_code == 200, response.text
    rows = response.json()
    if name == "speakers":
        ids = {r["speaker_id"] or r["speaker_organization_id"] for r in rows}
        assert {"claudia-sheinbaum", "ana-lucia-ortega", "julio-ramirez-paredes", "roberto-velasco-alvarez"} <= ids
        sheinbaum = next(r for r in rows if r["speaker_id"] == "claudia-sheinbaum")
        by_article = dict(db.execute("select article_id, count(*) from quotes where speaker_id = "
                                     "'claudia-sheinbaum' group by article_id").fetchall())
        assert set(by_article) == {slug, "mexico-peru-consular-talks"}
        assert sheinbaum["total"] == sum(by_article.values())
    else:
        assert len({r["article_id"] for r in rows}) >= 2, rows


def test_every_saved_query_is_covered(metadata):
    queries = set(metadata["databases"]["facts"]["queries"])
    # quote_variants: groups span articles by definition (tests/test_variants.py)
    assert queries == set(SPANNING) | {"quote_context", "quote_variants"}


async def test_quote_context_of_a_drafted_quote(ads, db):
    key = db.execute("select id from quotes where article_id = 'lima-embassy-safe-passage' "
                     "and text like 'Article 5 of the Caracas Convention%'").fetchone()[0]
    rows = (await ads.client.get(f"/facts/quote_context.json?_shape=array&id={key}")).json()
    assert [r["place"] for r in rows] == ["before", "quote", "after"]
    assert rows[1]["quote"].startswith("Article 5 of the Caracas Convention")


async def test_draft_flag_is_a_facet_a_column_and_on_the_pages(ads, db, slug):
    drafted = db.execute("select count(*) from quotes where article_id != ?", [slug]).fetchone()[0]
    checked = db.execute("select count(*) from quotes where article_id = ?", [slug]).fetchone()[0]
    facet = (await ads.client.get("/facts/quotes.json?_facet=review")).json()
    counts = {r["value"]: r["count"] for r in facet["facet_results"]["review"]["results"]}
    assert counts == {"draft": drafted, "checked": checked}
    rows = (await ads.client.get("/facts/quotes.json?_shape=array&review=draft&_size=max")).json()
    assert len(rows) == drafted and {r["article_id"] for r in rows} == set(ADDED)
    text = (await ads.client.get("/facts/quotes.csv?_labels=on&_size=max")).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert {r["review"] for r in table} == {"draft", "checked"}
    label = "machine draft, not yet reviewed"
    assert label in (await ads.client.get("/quotes/mexico-peru-consular-talks-q1")).text
    assert label not in (await ads.client.get(f"/quotes/{slug}-q1")).text
    assert label in (await ads.client.get("/articles/constitutional-court-asylum-ruling")).text
    assert label not in (await ads.client.get(f"/articles/{slug}")).text
    assert label in (await ads.client.get("/speakers/ana-lucia-ortega")).text
