"""An article's provenance (url, outlet, author) and its facets: the new `articles` columns are
stored as facts.yml gives them, a URL a page could not safely link to is refused, and the
articles table has counted facets on outlet and on published_year."""
import json
import sqlite3

import pytest

import build_db
from article_facts.errors import BuildError
from conftest import article_section


def facts(slug_words, published=None, outlet=None, author=None, url=None):
    lines = article_section(slug_words, published=published, outlet=outlet, author=author, url=url)
    return "\n".join(lines) + """
people:
  - id: ana-ruiz
    name: Ana Ruiz
quotes:
  - id: q1
    speaker: ana-ruiz
    kind: direct
    verb: said
    text: "We are ready"
    attribution: explicit
"""


TEXT = "“We are ready,” said Ana Ruiz.\n"
ARTICLES = {
    "council-one": dict(published="2024-03-01", outlet="City Ledger", author="Jo Park",
                        url="https://ledger.example/council-one"),
    "council-two": dict(published="2024-05", outlet="City Ledger"),
    "council-three": dict(published="2023-11-20", outlet="Harbor Times", author="Sam Lee",
                          url="http://harbor.example/a?id=3"),
}


@pytest.fixture(scope="module")
def provenance_db(build_with_articles):
    return build_with_articles({slug: (TEXT, facts(slug, **given)) for slug, given in ARTICLES.items()}, "provenance")


def test_url_outlet_and_author_are_stored_with_the_year(provenance_db):
    conn = sqlite3.connect(provenance_db)
    rows = {row[0]: row[1:] for row in conn.execute(
        "select id, url, outlet, author, published_year from articles")}
    assert rows["council-one"] == ("https://ledger.example/council-one", "City Ledger", "Jo Park", "2024")
    assert rows["council-two"] == (None, "City Ledger", None, "2024")
    assert rows["council-three"] == ("http://harbor.example/a?id=3", "Harbor Times", "Sam Lee", "2023")
    assert rows["peru-severs-relations-chavez-asylum"] == (None, None, None, None)  # no date, no year


async def test_the_articles_table_has_facets_on_outlet_and_published_year(provenance_db, serve_db):
    ds = serve_db(provenance_db)
    response = await ds.client.get("/facts/articles.json?_extra=facet_results")
    assert response.status_code == 200
    results = response.json()["facet_results"]
    shown = {column: [(r["value"], r["count"]) for r in results[column]["results"]]
             for column in ("outlet", "published_year")}
    assert shown == {"outlet": [("City Ledger", 2), ("Harbor Times", 1)],
                     "published_year": [("2024", 2), ("2023", 1)]}
    filtered = await ds.client.get("/facts/articles.json?outlet=City+Ledger&_extra=facet_results")
    years = filtered.json()["facet_results"]["published_year"]["results"]
    assert [(r["value"], r["count"]) for r in years] == [("2024", 2)]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "ftp://ledger.example/x", "https://", "ledger.example/x", "https://a b.example/",
    "data:text/html,<b>x</b>", "https://ledger.example/\n",
])
def test_a_url_a_page_could_not_safely_link_to_is_refused(tmp_path, write_article, url):
    seeds = tmp_path / "seeds"
    given = facts("council-bad").replace("  language: en\n", f"  language: en\n  url: {json.dumps(url)}\n")
    write_article(seeds, "council-bad", TEXT, given)
    with pytest.raises(BuildError) as refused:
        build_db.build(seeds, tmp_path / "facts.db")
    assert refused.value.code == "bad_url"
    assert str(refused.value).endswith("article: field 'url' must be an http or https address")
    assert not (tmp_path / "facts.db").exists()


async def test_the_article_page_shows_outlet_author_and_a_link_to_the_original(provenance_db, serve_db):
    ds = serve_db(provenance_db)
    page = (await ds.client.get("/articles/council-one")).text
    assert "City Ledger · by Jo Park" in page
    assert '<a href="https://ledger.example/council-one" rel="nofollow noopener">the original</a>' in page
    bare = (await ds.client.get("/articles/peru-severs-relations-chavez-asylum")).text
    assert "provenance" not in bare  # nothing given: no empty line
