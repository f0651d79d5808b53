"""Issue 15: sources the text does not name (unnamed_source, source_kind), legal references the
article states in its own voice (no quote, no citer), and quotes split around their
attribution linked into one citable quote (continues, continues_id): the schema's checks, the
build, append, the pages, the facet, the saved queries and the draft."""
import html
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import urllib.parse
from pathlib import Path

import pytest
import sqlite_utils

import build_db
from article_facts.extract import draft
from article_facts.extract.model import Attribution

from test_append import content

ROOT = Path(__file__).parent.parent
SLUG = "housing-rules-passed"
ARTICLE = textwrap.dedent("""\
    The city council passed the housing rules on Tuesday.
    Section 12 of the Housing Act requires landlords to register every rental.
    "It is early," said Mayor Ana Núñez, "but the numbers are good."
    "The rules break Article 5 of the Tenancy Law," a senior administration official said.
    Analysts said the vote was close.
    """)
FACTS = textwrap.dedent("""\
    article:
      headline: The city council passed the housing rules on Tuesday.
      headline_source: article
      language: en
    people:
      - id: ana-nunez
        name: Ana Núñez
        names: [Ana Núñez]
    quotes:
      - id: q1
        speaker: ana-nunez
        kind: direct
        verb: said
        attribution: explicit
        text: It is early
      - id: q2
        speaker: ana-nunez
        kind: direct
        verb: said
        attribution: explicit
        text: but the numbers are good.
        continues: q1
      - id: q3
        unnamed_source: a senior administration official
        kind: direct
        verb: said
        attribution: explicit
        text: The rules break Article 5 of the Tenancy Law
      - id: r1
        unnamed_source: Analysts
        kind: indirect
        verb: said
        attribution: explicit
        text: the vote was close
    events:
      - id: e1
        title: The council passes the housing rules
        evidence: The city council passed the housing rules on Tuesday
    legal_references:
      - id: l1
        instrument: Housing Act
        provision: Section 12
        kind: law
        evidence: Section 12 of the Housing Act
      - id: l2
        instrument: Tenancy Law
        provision: Article 5
        kind: law
        evidence: Article 5 of the Tenancy Law
        quote: q3
    """)
WHOLE = "It is early … but the numbers are good."
OFFICIAL = "a senior administration official"


def q(key):
    return f"{SLUG}-{key}"


def write(seeds, facts=FACTS, article=ARTICLE, slug=SLUG):
    folder = seeds / slug
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(article, encoding="utf-8")
    (folder / "facts.yml").write_text(facts, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sources_seeds(tmp_path_factory, seeds_dir):
    seeds = tmp_path_factory.mktemp("sources") / "seeds"
    shutil.copytree(seeds_dir, seeds)
    write(seeds)
    return seeds


@pytest.fixture(scope="module")
def sources_db(sources_seeds):
    db_path = sources_seeds.parent / "facts.db"
    build_db.build(sources_seeds, db_path)
    return db_path


@pytest.fixture
def sources_ds(sources_db, serve_db):
    return serve_db(sources_db)


# --- the build ---------------------------------------------------------------------------------


def test_the_build_stores_sources_links_and_stated_references(sources_db):
    db = sqlite_utils.Database(sources_db)
    quotes = {row["id"]: row for row in db["quotes"].rows_where("article_id = ?", [SLUG])}
    assert {(key, r["source_kind"], r["speaker_id"], r["unnamed_source"], r["continues_id"])
            for key, r in quotes.items()} == {
        (q("q1"), "person", "ana-nunez", None, None),
        (q("q2"), "person", "ana-nunez", None, q("q1")),
        (q("q3"), "unnamed", None, OFFICIAL, None),
        (q("r1"), "unnamed", None, "Analysts", None),
    }
    body = db["articles"].get(SLUG)["body"]
    assert all(body[r["start"]:r["end"]] == r["text"] for r in quotes.values())  # each part its own offsets
    refs = {r["id"]: r for r in db["legal_references"].rows_where("article_id = ?", [SLUG])}
    assert [(r["quote_id"], r["cited_by_id"], r["cited_by_organization_id"]) for r in refs.values()] == [
        (None, None, None), (q("q3"), None, None)]
    assert db["events"].get(q("e1"))["quote_id"] is None
    # every quote of the seed article says it is a person's
    assert db.execute("select source_kind, count(*) from quotes where article_id != ? group by 1", [SLUG]).fetchall() == [
        ("person", 21)]
    assert "continues_id" in {fk.column for fk in db["quotes"].foreign_keys}


def test_append_of_the_article_gives_what_a_full_build_gives(sources_seeds, sources_db, tmp_path):
    without = tmp_path / "seeds"
    shutil.copytree(sources_seeds, without)
    shutil.rmtree(without / SLUG)
    incremental = tmp_path / "facts.db"
    build_db.build(without, incremental)
    result = subprocess.run([sys.executable, "build_db.py", "append", str(sources_seeds / SLUG), "--db", str(incremental)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before, after = content(sources_db), content(incremental)
    assert before.keys() == after.keys()
    for name in before:
        assert before[name] == after[name], name


# --- bad input: one line naming the file, entry and field; the database untouched ---------------

BAD = {
    "unnamed source not in the paragraph": (
        [("unnamed_source: Analysts", "unnamed_source: Economists")],
        "quotes[3] (r1): field 'unnamed_source': 'Economists' does not occur in the quote's paragraph"),
    "unnamed source empty": (
        [("unnamed_source: Analysts", "unnamed_source: ''")],
        "quotes[3] (r1): field 'unnamed_source' must not be empty"),
    "a speaker and an unnamed source": (
        [("unnamed_source: Analysts", "unnamed_source: Analysts\n    speaker: ana-nunez")],
        "quotes[3] (r1): give exactly one of 'speaker', 'speaker_organization' and 'unnamed_source'"),
    "continues an unknown quote": (
        [("continues: q1", "continues: q9")],
        "quotes[1] (q2): field 'continues' names unknown quotes id 'q9'"),
    "continues itself": (
        [("continues: q1", "continues: q2")],
        "quotes[1] (q2): field 'continues' names the quote itself"),
    "continues another speaker's quote": (
        [("text: The rules break Article 5 of the Tenancy Law", "text: The rules break Article 5 of the Tenancy Law\n    continues: q2")],
        "quotes[2] (q3): field 'continues': quote 'q2' has speaker 'ana-nunez', not unnamed_source "
        f"'{OFFICIAL}' (both parts of a quote have the same source)"),
    "continues a later quote": (
        [("    continues: q1\n", ""), ("text: It is early\n", "text: It is early\n    continues: q2\n")],
        "quotes[0] (q1): field 'continues': quote 'q2' does not come before this one"),
    "continues a quote two paragraphs up": (
        [("unnamed_source: Analysts", "speaker: ana-nunez\n    continues: q2")],
        "quotes[3] (r1): field 'continues': quote 'q2' is not in this paragraph or the one before"),
    "a quote continued twice": (
        [("unnamed_source: Analysts", "speaker: ana-nunez\n    continues: q1")],
        "quotes[3] (r1): field 'continues': quote 'q1' is already continued by 'q2'"),
    "a legal reference with a quote but no citer": (
        [(f"unnamed_source: {OFFICIAL}", "speaker: ana-nunez")],
        "legal_references[1] (l2): field 'quote' names 'q3', by 'ana-nunez', but no citer is given (add cited_by: ana-nunez)"),
    "a citer with no quote": (
        [("evidence: Section 12 of the Housing Act", "evidence: Section 12 of the Housing Act\n    cited_by: ana-nunez")],
        "legal_references[0] (l1): field 'cited_by' needs the 'quote' it is cited in (a reference the article states itself has neither)"),
    "a citer for an unnamed source's quote": (
        [("    quote: q3\n", "    quote: q3\n    cited_by: ana-nunez\n")],
        "legal_references[1] (l2): field 'cited_by' is 'ana-nunez' but quote 'q3' is by an unnamed source "
        f"('{OFFICIAL}'): give no citer"),
    "a stated reference inside a quote": (
        [("    quote: q3\n", "")],
        "legal_references[1] (l2): field 'evidence' lies in quote 'q3': give 'quote: q3' and its speaker as the "
        "citer (a reference with no quote is one the article states itself)"),
    "two citers": (
        [("    quote: q3\n", "    quote: q3\n    cited_by: ana-nunez\n    cited_by_organization: ana-nunez\n")],
        "legal_references[1] (l2): give at most one of 'cited_by' and 'cited_by_organization'"),
}


@pytest.fixture(scope="module")
def good_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("good")
    write(folder / "seeds")
    build_db.build(folder / "seeds", folder / "facts.db")
    return folder / "facts.db"


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_sources_fail_with_one_line_and_keep_the_database(case, tmp_path, good_db):
    edits, message = BAD[case]
    facts = FACTS
    for old, new in edits:
        assert facts.count(old) == 1, old
        facts = facts.replace(old, new)
    folder = write(tmp_path / "seeds", facts)
    db = tmp_path / "facts.db"
    shutil.copy(good_db, db)
    before = db.read_bytes()
    result = subprocess.run([sys.executable, "build_db.py", "--seeds", str(tmp_path / "seeds"), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Error: {folder}/facts.yml: {message}"]
    assert db.read_bytes() == before


# --- the pages ---------------------------------------------------------------------------------


async def test_an_unnamed_sources_quote_page_shows_its_description(sources_ds):
    data = (await sources_ds.client.get(f"/quotes/{q('q3')}.json")).json()
    assert data["source_kind"] == "unnamed" and data["unnamed_source"] == OFFICIAL
    assert data["speaker"] == {"id": None, "type": "unnamed", "name": OFFICIAL, "role": None, "roles": [], "url": None}
    assert data["citation"].startswith("A senior administration official (unnamed source), said: “The rules break")
    assert data["legal_references"][0]["instrument"] == "Tenancy Law"
    page = html.unescape((await sources_ds.client.get(f"/quotes/{q('q3')}")).text)
    assert f'Direct quote by <span class="unnamed-source">{OFFICIAL}</span>' in page
    assert '<span class="badge badge-unnamed">unnamed source</span>' in page
    assert "/speakers/None" not in page and 'href="None"' not in page


@pytest.mark.parametrize("part", ["q1", "q2"])
async def test_either_part_of_a_split_quote_shows_and_cites_it_whole(sources_ds, part):
    data = (await sources_ds.client.get(f"/quotes/{q(part)}.json")).json()
    assert data["whole_text"] == WHOLE
    assert [(p["id"], p["this"]) for p in data["parts"]] == [(q("q1"), part == "q1"), (q("q2"), part == "q2")]
    assert data["continues_id"] == (q("q1") if part == "q2" else None)
    assert f"said: “{WHOLE}” In “The city council" in data["citation"]
    page = html.unescape((await sources_ds.client.get(f"/quotes/{q(part)}")).text)
    assert f"“{WHOLE}”</blockquote>" in page
    assert f"<strong>part {1 if part == 'q1' else 2} (this page)</strong>" in page
    # both parts are marked in the paragraph, each by its own offsets
    assert page.count('<mark class="quote-highlight">') == 2
    assert '<mark class="quote-highlight">It is early</mark>' in page


async def test_a_whole_quote_is_its_own_text(sources_ds):
    data = (await sources_ds.client.get(f"/quotes/{q('r1')}.json")).json()
    assert (data["whole_text"], data["parts"]) == ("the vote was close", [])


async def test_the_article_view_shows_unnamed_sources_and_stated_references(sources_ds):
    data = (await sources_ds.client.get(f"/articles/{SLUG}.json")).json()
    refs = [(r["instrument"], r["source_kind"], r["cited_by_label"], r["quote_id"]) for r in data["legal_references"]]
    assert refs == [("Housing Act", "article", "stated by the article", None),
                    ("Tenancy Law", "unnamed", OFFICIAL, q("q3"))]
    assert {x["id"]: x["speaker_name"] for x in data["quotes"]}[q("r1")] == "Analysts"
    page = html.unescape((await sources_ds.client.get(f"/articles/{SLUG}")).text)
    assert '<span class="stated-by-article">stated by the article</span>' in page
    assert f'title="{OFFICIAL} (unnamed source), said (direct quote)"' in page
    assert "/speakers/None" not in page


async def test_the_speaker_page_is_unaffected(sources_ds):
    data = (await sources_ds.client.get("/speakers/ana-nunez.json")).json()
    assert [x["id"] for x in data["quotes"]] == [q("q1"), q("q2")]
    assert data["legal_reference_count"] == 0 and data["legal_references"] == []


async def test_source_kind_is_a_default_facet_and_a_filter(sources_ds):
    data = (await sources_ds.client.get(f"/facts/quotes.json?article_id={SLUG}")).json()
    facet = data["facet_results"]["source_kind"]
    assert {r["value"]: r["count"] for r in facet["results"]} == {"person": 2, "unnamed": 2}
    unnamed = (await sources_ds.client.get("/facts/quotes.json?source_kind=unnamed&_shape=array")).json()
    assert sorted(r["id"] for r in unnamed) == [q("q3"), q("r1")]
    page = (await sources_ds.client.get("/facts/quotes")).text
    assert "source_kind" in page


async def rows(ds, name, **params):
    response = await ds.client.get(f"/facts/{name}.json?{urllib.parse.urlencode({**params, '_shape': 'array'})}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_saved_queries_show_unnamed_sources_and_stated_references(sources_ds):
    legal = [r for r in await rows(sources_ds, "legal_basis") if r["article_id"] == SLUG]
    assert [(r["instrument"], r["cited_by"], r["source_kind"], r["statement"]) for r in legal] == [
        ("Housing Act", "stated by the article", "article", None),
        ("Tenancy Law", OFFICIAL, "unnamed", "The rules break Article 5 of the Tenancy Law"),
    ]
    search = await rows(sources_ds, "search", q="vote close")
    assert [(r["quote_id"], r["speaker"], r["source_kind"]) for r in search if r["type"] == "quote"] == [
        (q("r1"), "Analysts", "unnamed")]
    everyone = [r for r in await rows(sources_ds, "quotes_by_speaker") if r["article_id"] == SLUG]
    assert {r["quote_id"]: (r["speaker"], r["source_kind"]) for r in everyone}[q("q3")] == (OFFICIAL, "unnamed")
    context = await rows(sources_ds, "quote_context", id=q("r1"))
    assert {(r["speaker"], r["source_kind"]) for r in context} == {("Analysts", "unnamed")}
    per_speaker = await rows(sources_ds, "quotes_per_speaker")
    assert {"speaker": "Analysts", "speaker_id": None, "speaker_organization_id": None, "kind": "indirect",
            "quotes": 1} in per_speaker
    timeline = [r for r in await rows(sources_ds, "timeline") if r["article_id"] == SLUG]
    assert [r["according_to"] for r in timeline] == ["the article"]


async def test_continues_id_links_to_the_quote_page(sources_ds):
    page = (await sources_ds.client.get(f"/facts/quotes/{q('q2')}")).text
    assert f'<a class="quote-link" href="/quotes/{q("q1")}">' in page


# --- the draft, from Attribution objects ---------------------------------------------------------


def span_of(words, occurrence=1):
    start = -1
    for _ in range(occurrence):
        start = ARTICLE.index(words, start + 1)
    return start, start + len(words)


def attributions(continues_speaker="Ana Núñez", official=OFFICIAL):
    q1, q2 = span_of("It is early"), span_of("but the numbers are good.")
    q3, r1 = span_of("The rules break Article 5 of the Tenancy Law"), span_of("the vote was close")
    said = ARTICLE.index("said")
    return [
        Attribution("direct", *q1, speaker_name="Ana Núñez", speaker_type="person", speaker_forms=["Ana Núñez"],
                    verb="said", verb_start=said, explicit=True),
        Attribution("direct", *q2, speaker_name=continues_speaker, speaker_type="person",
                    speaker_forms=[continues_speaker], verb="said", verb_start=said, explicit=True, continues=q1[0]),
        Attribution("direct", *q3, speaker_name=official, speaker_type="unnamed", verb="said",
                    verb_start=ARTICLE.index("said", q3[1]), explicit=True),
        Attribution("indirect", *r1, speaker_name="Analysts", speaker_type="unnamed", verb="said",
                    verb_start=ARTICLE.index("said", r1[0] - 6), explicit=True),
    ]


@pytest.fixture
def empty_seeds(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    return seeds


def test_the_draft_writes_unnamed_sources_links_and_stated_references(empty_seeds, tmp_path):
    result = draft.draft_text(ARTICLE, SLUG, empty_seeds, attributions=attributions())
    quotes = {entry["id"]: entry for entry in result.facts["quotes"]}
    assert quotes["q1"]["speaker"] == quotes["q2"]["speaker"] and "continues" not in quotes["q1"]
    assert quotes["q2"]["continues"] == "q1"
    assert (quotes["q3"]["unnamed_source"], quotes["q3"].get("speaker")) == (OFFICIAL, None)
    assert quotes["r1"]["unnamed_source"] == "Analysts"
    refs = [(r["instrument"], r.get("quote"), r.get("cited_by"), r.get("cited_by_organization"))
            for r in result.facts["legal_references"]]
    assert refs == [("Tenancy Law", "q3", None, None), ("Housing Act", None, None, None)]
    stated = result.facts["legal_references"][1]
    assert stated["evidence"] == "Section 12 of the Housing Act" and "stated by the article" in stated["review_note"]
    assert result.header == []  # nothing left out: the build took it unedited
    write(empty_seeds, result.yaml)
    build_db.build(empty_seeds, tmp_path / "facts.db")
    conn = sqlite3.connect(tmp_path / "facts.db")
    assert conn.execute("select continues_id from quotes where id = ?", [q("q2")]).fetchone() == (q("q1"),)
    assert conn.execute("select source_kind, count(*) from quotes group by 1 order by 1").fetchall() == [
        ("person", 2), ("unnamed", 2)]


def test_the_draft_links_no_parts_of_different_sources(empty_seeds):
    found = attributions()
    found[0].speaker_name, found[0].speaker_type, found[0].speaker_forms = "Mayor", "unnamed", []
    result = draft.draft_text(ARTICLE, SLUG, empty_seeds, attributions=found)
    quotes = {entry["id"]: entry for entry in result.facts["quotes"]}
    assert (quotes["q1"]["unnamed_source"], quotes["q2"]["speaker"]) == ("Mayor", "ana-nunez")
    assert "continues" not in quotes["q2"]
    assert "quote q2 not linked to the part it continues: that part has another source" in result.header


def test_the_draft_leaves_out_an_unnamed_source_not_in_its_paragraph(empty_seeds):
    result = draft.draft_text(ARTICLE, SLUG, empty_seeds, attributions=attributions(official="a spokesperson"))
    assert "q3" not in {entry["id"] for entry in result.facts["quotes"]} or all(
        entry.get("unnamed_source") != "a spokesperson" for entry in result.facts["quotes"])
    assert any("no named speaker" in note for note in result.header)
    # its legal reference is in a quote, so it is not drafted as stated by the article either
    assert [r["instrument"] for r in result.facts["legal_references"]] == ["Housing Act"]


async def test_an_unnamed_sources_description_is_escaped(tmp_path, serve_db):
    article = 'A <b>test</b> article.\n"It is <fine>," said an <i>official</i> & co.\n'
    facts = textwrap.dedent("""\
        article:
          headline: A test article
          headline_source: editorial
          language: en
        people: []
        quotes:
          - id: q1
            unnamed_source: an <i>official</i> & co
            kind: direct
            verb: said
            attribution: explicit
            text: It is <fine>
        """)
    write(tmp_path / "seeds", facts, article, slug="escaped")
    build_db.build(tmp_path / "seeds", tmp_path / "facts.db")
    served = serve_db(tmp_path / "facts.db")
    for path in ("/quotes/escaped-q1", "/articles/escaped", "/facts/quotes_by_speaker", "/facts/quotes"):
        page = (await served.client.get(path)).text
        assert "<i>official</i>" not in page and "&lt;i&gt;official&lt;/i&gt;" in page, path
