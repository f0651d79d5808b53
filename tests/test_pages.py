"""Our own pages (/quotes, /articles, /speakers) and the links from Datasette's pages to them."""
import html
import re

import pytest
from datasette.app import Datasette


def quote_url(slug, key, suffix=""):
    return f"/quotes/{slug}-{key}{suffix}"


async def test_quote_page(ds, slug):
    response = await ds.client.get(quote_url(slug, "q4"))
    assert response.status_code == 200
    page = response.text
    assert "Raquel Serur Smeke" in page
    assert "Undersecretary for Latin America and the Caribbean" in page
    assert "Laws must be interpreted and applied" in page
    assert '<span class="badge badge-inferred">inferred</span>' in page
    # the paragraph with the quote highlighted, and nothing else highlighted
    marked = re.findall(r'<mark class="quote-highlight">(.*?)</mark>', page, re.S)
    assert [html.unescape(m) for m in marked] == [
        "Laws must be interpreted and applied in a way that gives the broadest protection to the "
        "individual, and the right to the presumption of innocence. Every person is innocent until "
        "proven guilty by a court of law."
    ]
    assert f'href="/articles/{slug}#{slug}-q4"' in page
    assert f'href="/facts/quotes/{slug}-q4"' in page
    assert 'href="/speakers/raquel-serur-smeke"' in page
    assert f'rel="prev" href="/quotes/{slug}-r11"' in page
    assert f'rel="next" href="/quotes/{slug}-r12"' in page
    # extends Datasette's base.html: its header and its footer, with licence and source
    assert "<nav>" in page
    footer = page.split('<footer class="ft">')[1]
    assert "Data license" in footer and "Data source" in footer and 'href="/about"' in footer


async def test_quote_page_open_graph_tags(ds, slug):
    page = (await ds.client.get(quote_url(slug, "q1"))).text
    head = page.split("</head>")[0]

    def meta(attr, name):
        found = re.search(rf'<meta {attr}="{name}" content="([^"]*)">', head)
        assert found, name
        return html.unescape(found.group(1))

    assert meta("property", "og:title") == "Claudia Sheinbaum, President, Government of Mexico (organization inferred)"
    assert meta("property", "og:description").startswith("“From our perspective it’s completely out of proportion")
    # the origin the page was served on (Datasette's test client asks for http://localhost)
    assert meta("property", "og:url") == f"http://localhost/quotes/{slug}-q1"
    assert meta("name", "twitter:card") == "summary"
    assert f'<link rel="canonical" href="http://localhost/quotes/{slug}-q1">' in head


async def test_quote_json_matches_the_page(ds, slug, body):
    data = (await ds.client.get(quote_url(slug, "q6", ".json"))).json()
    assert data["speaker"]["name"] == "Pablo Monroy Conesa"
    assert data["kind"] == "direct" and data["verb"] == "said" and data["attribution"] == "explicit"
    assert body[data["start"]:data["end"]] == data["text"]
    assert data["previous"]["id"] == f"{slug}-r15" and data["next"] is None
    assert data["citation"].startswith(
        "Pablo Monroy Conesa (described in the article as Director General for South America, "
        "Ministry of Foreign Affairs (SRE) (organization inferred)), said: “Mexico did not declare"
    )
    assert "people.”. " not in data["citation"] and "people”. In “" in data["citation"]
    assert data["urls"]["canonical"].endswith(f"/quotes/{slug}-q6")


async def test_citation_marks_reported_statements_as_not_verbatim(ds, slug):
    data = (await ds.client.get(quote_url(slug, "r6", ".json"))).json()
    assert "recalled: [reported statement, not verbatim] Article 4 of the Caracas Convention" in data["citation"]
    assert [r["instrument"] for r in data["legal_references"]] == ["Caracas Convention", "Constitution of Mexico"]


async def test_article_page(ds, slug):
    response = await ds.client.get(f"/articles/{slug}")
    assert response.status_code == 200
    page = response.text
    quote_marks = re.findall(rf'<mark class="quote quote-(\w+)" id="({slug}-\w+)"', page)
    assert len(quote_marks) == 21
    assert sum(kind == "direct" for kind, _ in quote_marks) == 6
    # each quote is followed by a numbered link to its own page
    refs = re.findall(r'<sup class="ref"><a class="quote-ref" href="/quotes/([\w-]+)" title="[^"]*">(\d+)</a></sup>', page)
    assert [quote_id for quote_id, _ in refs] == [quote_id for _, quote_id in quote_marks]
    assert [int(n) for _, n in refs] == list(range(1, 22))
    for position in range(1, 15):
        assert f'id="p{position}"' in page
    assert 'href="/speakers/roberto-velasco-alvarez"' in page
    assert 'href="/facts/organizations/sre"' in page
    # every entity named in the article links to its record, inside quotes too
    mentions = (await ds.client.get(f"/facts/mentions.json?_shape=array&_size=max&article_id={slug}")).json()
    targets = {"person": "/speakers/{}", "organization": "/facts/organizations/{}", "country": "/facts/countries/{}"}
    for mention in mentions:
        href = targets[mention["entity_type"]].format(mention["entity_id"])
        assert f'<a class="mention mention-{mention["entity_type"]}" href="{href}">{html.escape(mention["text"], False)}</a>' in page
    assert page.count('class="mention ') == len(mentions) == 45
    assert "Editorial notes" in page and "resolution 1967" in page
    assert "editorial headline" in page


async def test_article_page_keeps_every_word_of_the_article(ds, slug, body):
    page = (await ds.client.get(f"/articles/{slug}")).text
    paragraphs = re.findall(r'<p class="article-paragraph" id="p\d+">(.*?)<a class="pilcrow"', page, re.S)
    text = [html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<sup class="ref">.*?</sup>', "", p))) for p in paragraphs]
    assert text == [line for line in body.split("\n") if line.strip()]


async def test_speaker_page(ds, slug):
    response = await ds.client.get("/speakers/roberto-velasco-alvarez")
    assert response.status_code == 200
    data = (await ds.client.get("/speakers/roberto-velasco-alvarez.json")).json()
    assert data["counts"] == {"direct": 1, "indirect": 4, "partial": 0, "total": 5}
    assert [(r["instrument"], r["provision"]) for r in data["legal_references"]] == [
        ("Caracas Convention", "Article 4"),
        ("Constitution of Mexico", "Article 11"),
        ("United Nations General Assembly resolution", "resolution 1967 (as written)"),
    ]
    assert [r["speaker_id"] for r in data["reported"]] == ["betssy-chavez-chino"]
    page = response.text
    assert "Undersecretary for North America" in page
    assert page.count('href="/quotes/') >= 5 + 3


@pytest.mark.parametrize("path", [
    "/quotes/no-such-quote", "/quotes/no-such-quote.json", "/articles/no-such-article",
    "/speakers/no-such-person", "/speakers/no-such-person.json", "/quotes/UPPER-CASE",
])
async def test_unknown_ids_are_404_pages(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/quotes/no-such-quote", "/facts/no-such-table", "/no-such-database"])
async def test_an_error_page_links_home(ds, path):
    """Datasette's error page has an empty header: ours (templates/error.html) links home."""
    response = await ds.client.get(path)
    assert response.status_code == 404
    assert re.search(r'<header><nav>\s*<p class="crumbs"><a href="/">home</a></p>', response.text)


@pytest.mark.parametrize("table,column,css_class,target", [
    ("quotes", "text", "quote-link", "/quotes/"),
    ("quotes", "speaker_id", "speaker-link", "/speakers/"),
    ("people", "name", "speaker-link", "/speakers/"),
    ("legal_references", "quote_id", "quote-link", "/quotes/"),
    ("legal_references", "cited_by_id", "speaker-link", "/speakers/"),
    ("roles", "person_id", "speaker-link", "/speakers/"),
    ("quotes", "article_id", "article-link", "/articles/"),
])
async def test_table_cells_link_to_our_pages(ds, table, column, css_class, target):
    page = (await ds.client.get(f"/facts/{table}")).text
    cells = re.findall(rf'<td class="col-{column} type-\w+"><a class="{css_class}" href="({target}[^"]+)">', page)
    assert cells, f"no {css_class} links in {table}.{column}"
    for href in set(cells):
        assert (await ds.client.get(href.split("#")[0])).status_code == 200


async def test_speaker_cells_show_names_in_saved_queries(ds):
    page = (await ds.client.get("/facts/speakers")).text
    assert '<a class="speaker-link" href="/speakers/claudia-sheinbaum">Claudia Sheinbaum</a>' in page


@pytest.mark.parametrize("path", ["/about", "/articles/peru-severs-relations-chavez-asylum", "/speakers/pablo-monroy-conesa"])
async def test_our_pages_keep_datasettes_footer(ds, path):
    footer = (await ds.client.get(path)).text.split('<footer class="ft">')[1]
    assert "Data license" in footer and 'title="Datasette v0.65' in footer


async def test_about_page(ds):
    response = await ds.client.get("/about")
    assert response.status_code == 200
    assert "CC BY 4.0" in response.text and "article text" in response.text.lower()


async def test_quote_ids_in_the_quotes_table_link_to_quote_pages(ds, slug):
    page = (await ds.client.get("/facts/quotes")).text
    links = re.findall(r'<td class="col-id type-pk"><a href="/facts/quotes/([\w-]+)">\1</a> <a class="own-page-link" href="/quotes/\1"', page)
    assert len(links) == 21 and f"{slug}-q1" in links


@pytest.mark.parametrize("key,fragments,absent", [
    ("q2", ["Attribution inferred."], ["As reported by"]),
    ("r8", ["As reported by Roberto Velasco Álvarez (inferred).", "[reported statement, not verbatim]"], ["Attribution inferred."]),
    ("r14", ["As reported by Pablo Monroy Conesa."], ["(inferred)."]),
    ("q1", ["described in the article as President, Government of Mexico (organization inferred)", "decision they make”."], ["Attribution inferred."]),
])
async def test_citation_states_how_sure_each_part_is(ds, slug, key, fragments, absent):
    citation = (await ds.client.get(quote_url(slug, key, ".json"))).json()["citation"]
    for fragment in fragments:
        assert fragment in citation
    for fragment in absent:
        assert fragment not in citation


async def test_quote_page_shows_reporter_and_attribution_note(ds, slug):
    page = html.unescape((await ds.client.get(quote_url(slug, "r8"))).text)
    assert re.search(r"<dt>Reported by</dt><dd><a [^>]+>Roberto Velasco Álvarez</a> <span class=\"badge badge-inferred\">inferred</span>", page)
    assert "who reports her statement is inferred, as for r7" in page


async def test_speaker_page_marks_what_is_inferred(ds):
    page = html.unescape((await ds.client.get("/speakers/raquel-serur-smeke")).text)
    assert 'title="The text does not name her ministry' in page and ">organization inferred<" in page
    assert page.count(">attribution inferred<") >= 2 + 2  # two statements, two legal references


async def test_article_page_lists_every_editorial_note(ds, slug):
    page = (await ds.client.get(f"/articles/{slug}")).text
    notes_section = page.split('<section class="notes">')[1]
    notes = (await ds.client.get(f"/facts/editorial_notes.json?_shape=array&article_id={slug}")).json()
    assert len(notes) == 7
    for note in notes:
        assert note["note"] in html.unescape(notes_section)
        assert f'id="note-{note["id"]}"' in notes_section
        # the words in the text carry a link to their note
        assert f'<a class="note-link" href="#note-{note["id"]}"' in page.split('<section class="notes">')[0]


async def test_pages_without_the_facts_database_are_404_not_500(db_path, tmp_path, ds):
    other = tmp_path / "other.db"
    other.write_bytes(db_path.read_bytes())
    elsewhere = Datasette([str(other)], plugins_dir=ds.plugins_dir, template_dir=ds.template_dir)
    response = await elsewhere.client.get("/quotes/peru-severs-relations-chavez-asylum-q1")
    assert response.status_code == 404 and "the database named &#39;facts&#39;" in response.text


# --- the pages of issue 16: no empty headings, no repeated headline, citation date, titles ---

NEW_SLUG = "council-meets-on-monday"
NEW_ARTICLE = "Council meets on Monday\nThe city council met on Monday. Jo Rivera read the minutes.\n"
NEW_FACTS = """\
article:
  headline: Council meets on Monday
  headline_source: article
  language: en
  review: draft
people:
  - id: jo-rivera
    name: Jo Rivera
    names: [Jo Rivera]
quotes: []
"""


@pytest.fixture(scope="module")
def new_article_db(tmp_path_factory, seeds_dir, write_article):
    """The seeds plus an article as `add` drafts it: its first line is its headline, and it has
    no quotes and no editorial notes; it names a person who says nothing."""
    import shutil

    import build_db

    tmp = tmp_path_factory.mktemp("new-article")
    shutil.copytree(seeds_dir, tmp / "seeds")
    write_article(tmp / "seeds", NEW_SLUG, NEW_ARTICLE, NEW_FACTS)
    build_db.build(tmp / "seeds", tmp / "facts.db")
    return tmp / "facts.db"


async def test_new_article_has_no_empty_heading_and_no_repeated_headline(new_article_db, serve_db):
    ds = serve_db(new_article_db)
    page = (await ds.client.get(f"/articles/{NEW_SLUG}")).text
    body = page.split("<body", 1)[1]
    assert body.count("Council meets on Monday") == 1  # the heading only, which is paragraph 1
    assert '<h1 class="article-paragraph" id="p1">Council meets on Monday</h1>' in body
    assert 'id="p2">The city council met on Monday.' in page.replace('<a class="mention mention-person" href="/speakers/jo-rivera">', "") and 'id="p1">Council' not in page.split("</h1>")[1]
    assert "Editorial notes" not in page
    assert "0 of 0" not in page and "all 0 quotes" not in page
    assert "drafted this article's facts" in page
    # the data keep the stored paragraphs and say which one is the headline
    data = (await ds.client.get(f"/articles/{NEW_SLUG}.json")).json()
    assert [p["position"] for p in data["paragraphs"]] == [1, 2] and data["headline_paragraph"] == 1


async def test_article_with_a_headline_of_its_own_keeps_paragraph_1(ds, slug):
    data = (await ds.client.get(f"/articles/{slug}.json")).json()
    assert data["headline_paragraph"] is None  # an editorial headline is not in the text
    page = (await ds.client.get(f"/articles/{slug}")).text
    assert '<p class="article-paragraph" id="p1">' in page and "Editorial notes" in page


async def test_speaker_without_quotes_or_roles_has_no_empty_heading(new_article_db, serve_db):
    ds = serve_db(new_article_db)
    page = (await ds.client.get("/speakers/jo-rivera")).text
    assert "<h2>Roles</h2>" not in page
    assert '<ol class="speaker-quotes"' not in page and "quoted in none" in page


def accessed_dates():
    """'Accessed 6 December 2026' for today (UTC), and tomorrow in case a test runs over midnight."""
    from datetime import datetime, timedelta, timezone

    today = datetime.now(timezone.utc).date()
    return [f"Accessed {d.day} {d:%B} {d.year}." for d in (today, today + timedelta(days=1))]


async def test_citation_carries_the_access_date(ds, slug):
    data = (await ds.client.get(quote_url(slug, "q1", ".json"))).json()
    assert any(data["citation"].endswith(f"q1. {date}") for date in accessed_dates()), data["citation"]
    page = html.unescape((await ds.client.get(quote_url(slug, "q1"))).text)
    citation = re.search(r'<textarea class="citation"[^>]*readonly[^>]*>([^<]*)</textarea>', page).group(1)
    assert citation == data["citation"]
    assert any(citation.endswith(date) for date in accessed_dates())
    # the Copy button is hidden until its script shows it; the script is the site's own file
    assert '<button type="button" class="copy-citation" hidden>Copy citation</button>' in page
    assert '<script src="/assets/citation.js"></script>' in page
    assert "onclick" not in page


async def test_saved_queries_have_titles_not_sql_and_fold_their_sql(ds, metadata):
    for name, query in metadata["databases"]["facts"]["queries"].items():
        page = (await ds.client.get(f"/facts/{name}")).text
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert html.unescape(title) == f"{query['title']} – facts", name
        assert 'id="sql-query"' not in page and "_show_sql=1" in page, name
        shown = (await ds.client.get(f"/facts/{name}?_show_sql=1")).text
        assert 'id="sql-query"' in shown, name


def test_no_template_is_a_copy_of_datasettes(tmp_path):
    """A template named like one of Datasette's must extend it ({% extends "default:..." %})
    and override blocks; none may replace it with a copy."""
    from pathlib import Path

    import datasette

    ours = Path(__file__).parent.parent / "templates"
    theirs = {p.relative_to(Path(datasette.__file__).parent / "templates").as_posix()
              for p in (Path(datasette.__file__).parent / "templates").rglob("*.html")}
    for path in ours.rglob("*.html"):
        name = path.relative_to(ours).as_posix()
        if name in theirs:
            assert path.read_text().lstrip().startswith(f'{{% extends "default:{name}" %}}'), name
        for their_name in theirs:
            their_text = (Path(datasette.__file__).parent / "templates" / their_name).read_text()
            lines = [line.strip() for line in their_text.splitlines() if len(line.strip()) > 60]
            copied = [line for line in lines if line in path.read_text()]
            assert len(copied) < 3, f"{name} repeats {their_name}: {copied[:3]}"


@pytest.mark.parametrize("path", ["/", "/facts", "/facts/quotes", "/facts/search", "/quotes/peru-severs-relations-chavez-asylum-q1", "/about", "/-/versions"])
async def test_every_page_links_the_site_stylesheet(ds, path):
    page = (await ds.client.get(path)).text
    assert '<link rel="stylesheet" href="/assets/site.css">' in page


async def test_assets_are_served_and_nothing_else(ds):
    css = await ds.client.get("/assets/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "overflow-wrap" in css.text
    script = await ds.client.get("/assets/citation.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    for path in ["/assets/missing.css", "/assets/..%2Fquote.html", "/assets/site.html", "/assets/%2E%2E/%2E%2E/metadata.yml"]:
        assert (await ds.client.get(path)).status_code in (302, 404), path  # 302: Datasette's own redirect of %2F


def test_a_quotes_parts_are_found_by_index_even_when_no_quote_continues_another(ds, db_path):
    """The quote page's whole-quote query must look continuations up by index: with no
    quote continuing another, ANALYZE rates that index useless and SQLite scanned all quotes
    (160 ms a quote page at 1M quotes, bench/results.md). A plan, not a timing."""
    import sqlite3

    from datasette.plugins import pm

    fact_pages = next(p for p in pm.get_plugins() if getattr(p, "__file__", "").endswith("fact_pages.py"))
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    # the seed continues no quote, and the build ran ANALYZE: the case that scanned
    assert conn.execute("select count(continues_id) from quotes").fetchone()[0] == 0
    assert conn.execute("select stat from sqlite_stat1 where idx = 'idx_quotes_continues_id'").fetchone()
    plan = [row[3] for row in conn.execute("explain query plan " + fact_pages.QUOTE_PARTS_SQL, {"id": "x"})]
    assert not any(step.startswith("SCAN q") for step in plan), plan
