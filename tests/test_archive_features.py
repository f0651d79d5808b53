"""What a growing archive needs from the seeds format: straight quotation marks, quotes split
around their attribution and run over paragraphs, organizations that speak, repeated words
told apart by `occurrence`, and the review flag of machine drafts, all the way to the pages."""
import html
import re
import shutil
import textwrap

import pytest
import sqlite_utils

import build_db

SLUG = "council-votes-on-water-plan"
ARTICLE = textwrap.dedent("""\
    The city council approved the water plan on Monday after a long debate.
    "It is early," said Mayor Ana Núñez, "but the numbers are good."
    "We will publish every figure.
    "Nobody should have to guess what the water costs," she added.
    The Water Board said in a statement that the plan "will not raise rates this year."
    Núñez said the plan was fair. Critics said the plan was rushed.
    Claudia Sheinbaum of Mexico was not there.
    """)
FACTS = textwrap.dedent("""\
    article:
      headline: The city council approved the water plan on Monday after a long debate.
      headline_source: article
      language: en
      review: draft
    organizations:
      - id: water-board
        name: Water Board
        names: [Water Board]
        review: draft
    people:
      - id: ana-nunez
        name: Ana Núñez
        names: [Ana Núñez, Núñez]
      - id: claudia-sheinbaum
        name: Claudia Sheinbaum
        country: MX
        names: [Claudia Sheinbaum]
    countries:
      - id: MX
        name: Mexico
        names: [Mexico]
    quotes:
      - id: q1
        speaker: ana-nunez
        kind: direct
        verb: said
        attribution: explicit
        text: It is early
        review: draft
      - id: q2
        speaker: ana-nunez
        kind: direct
        verb: said
        attribution: explicit
        text: but the numbers are good.
        review: draft
        review_note: "second half of a quote split around 'said Mayor Ana Núñez'"
      - id: q3
        speaker: ana-nunez
        kind: direct
        attribution: inferred
        attribution_note: The quote runs on into the next paragraph, where she "added".
        text: We will publish every figure.
      - id: q4
        speaker: ana-nunez
        kind: direct
        verb: added
        attribution: explicit
        text: Nobody should have to guess what the water costs
      - id: q5
        speaker_organization: water-board
        kind: partial
        verb: said
        attribution: explicit
        text: will not raise rates this year.
        review: draft
      - id: r1
        speaker: ana-nunez
        kind: indirect
        verb: said
        attribution: explicit
        text: the plan was fair
      - id: r2
        speaker: ana-nunez
        kind: indirect
        verb: said
        attribution: inferred
        attribution_note: '"Critics" are not named; kept here only to test occurrence.'
        text: the plan was
        occurrence: 2
    """)


def seeds_with_article(tmp_path, seeds_dir, write_article, article=ARTICLE, facts=FACTS):
    """The project's seeds plus the test article, in a temporary seeds folder."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    write_article(seeds, SLUG, article, facts)
    return seeds


@pytest.fixture(scope="module")
def archive_db(build_with_articles):
    return build_with_articles({SLUG: (ARTICLE, FACTS)}, "archive")


@pytest.fixture
def archive_ds(archive_db, serve_db):
    return serve_db(archive_db)


def quote_rows(db_path):
    db = sqlite_utils.Database(db_path)
    return {row["id"].removeprefix(SLUG + "-"): row for row in db["quotes"].rows_where("article_id = ?", [SLUG])}


def test_straight_split_multi_paragraph_and_partial_quotes_are_located(archive_db):
    db = sqlite_utils.Database(archive_db)
    body = db["articles"].get(SLUG)["body"]
    quotes = quote_rows(archive_db)
    for row in quotes.values():
        assert body[row["start"]:row["end"]] == row["text"]
    assert body[quotes["q1"]["end"]:quotes["q1"]["end"] + 2] == ',"'  # comma outside the words
    assert body[quotes["q3"]["end"]] == "\n"  # runs on: no closing mark at the paragraph's end
    assert quotes["r2"]["start"] == body.index("the plan was", body.index("Critics"))


def test_review_flag_and_organization_speaker_are_columns(archive_db):
    quotes = quote_rows(archive_db)
    assert {key: row["review"] for key, row in quotes.items()} == {
        "q1": "draft", "q2": "draft", "q3": "checked", "q4": "checked", "q5": "draft",
        "r1": "checked", "r2": "checked",
    }
    assert quotes["q2"]["review_note"].startswith("second half")
    assert (quotes["q5"]["speaker_id"], quotes["q5"]["speaker_organization_id"]) == (None, "water-board")
    db = sqlite_utils.Database(archive_db)
    assert db["articles"].get(SLUG)["review"] == "draft"
    assert db["articles"].get("peru-severs-relations-chavez-asylum")["review"] == "checked"
    # a person checked in one article stays checked when another article drafts them
    assert db["people"].get("claudia-sheinbaum")["review"] == "checked"
    assert db["organizations"].get("water-board")["review"] == "draft"


async def test_review_is_a_facet_and_in_the_exports(archive_ds):
    data = (await archive_ds.client.get("/facts/quotes.json?_facet=review&_size=0")).json()
    counts = {f["value"]: f["count"] for f in data["facet_results"]["review"]["results"]}
    assert counts == {"checked": 21 + 4, "draft": 3}
    csv = (await archive_ds.client.get(f"/facts/quotes.csv?article_id={SLUG}&_size=max")).text
    header = csv.splitlines()[0].split(",")
    assert "review" in header and "speaker_organization_id" in header
    assert csv.count(",draft,") == 3


async def test_quote_page_says_machine_draft(archive_ds):
    page = html.unescape((await archive_ds.client.get(f"/quotes/{SLUG}-q2")).text)
    assert "machine draft, not yet reviewed" in page
    assert "second half of a quote split" in page
    checked = (await archive_ds.client.get(f"/quotes/{SLUG}-q4")).text
    assert "machine draft, not yet reviewed" not in checked and "checked by a person" in checked
    data = (await archive_ds.client.get(f"/quotes/{SLUG}-q2.json")).json()
    assert data["review"] == "draft"
    assert "Machine draft, not yet reviewed. In “The city council" in data["citation"]  # no dateline
    assert "None" not in page


async def test_article_view_marks_drafted_quotes(archive_ds):
    page = html.unescape((await archive_ds.client.get(f"/articles/{SLUG}")).text)
    assert "machine draft, not yet reviewed" in page and "3 of 7 quotes and statements" in page
    assert len(re.findall(r'<mark class="quote quote-\w+ quote-draft" id="', page)) == 3
    assert '<span class="quote-draft">machine draft, not yet reviewed</span>' in page  # legend


async def test_an_organization_speaks_on_its_speaker_page(archive_ds):
    page = html.unescape((await archive_ds.client.get(f"/quotes/{SLUG}-q5")).text)
    assert '<a href="/speakers/water-board">Water Board</a>' in page and "(an organization speaking)" in page
    speaker = (await archive_ds.client.get("/speakers/water-board.json")).json()
    assert speaker["speaker_type"] == "organization"
    assert [q["id"] for q in speaker["quotes"]] == [f"{SLUG}-q5"]
    assert speaker["counts"] == {"direct": 0, "indirect": 0, "partial": 1, "total": 1}
    assert speaker["urls"]["row"] == "/facts/organizations/water-board"
    rows = (await archive_ds.client.get("/facts/speakers.json?_shape=array")).json()
    board = next(r for r in rows if r["speaker"] == "Water Board")
    assert (board["speaker_type"], board["speaker_organization_id"], board["partial"], board["total"]) == (
        "organization", "water-board", 1, 1)
    by_speaker = (await archive_ds.client.get("/facts/quotes_by_speaker.json?_shape=array&speaker=water")).json()
    assert [r["quote_id"] for r in by_speaker] == [f"{SLUG}-q5"]


@pytest.mark.parametrize("change, message", [
    ("    speaker: ana-nunez\n    kind: direct\n    verb: said\n", "give exactly one of 'speaker', 'speaker_organization' and 'unnamed_source'"),
    ("    occurrence: 2\n", "occurrence 3 asked for, but it appears 2 times"),
    ("    review: draft\n", "field 'review' is 'maybe', expected one of checked, draft"),
    ("  - id: water-board\n", "id 'ana-nunez' is both a person and an organization"),
])
def test_bad_new_fields_fail_with_one_line(tmp_path, seeds_dir, write_article, change, message):
    replacements = {
        "    speaker: ana-nunez\n    kind: direct\n    verb: said\n":
            "    speaker: ana-nunez\n    speaker_organization: water-board\n    kind: direct\n    verb: said\n",
        "    occurrence: 2\n": "    occurrence: 3\n",
        "    review: draft\n": "    review: maybe\n",
        "  - id: water-board\n": "  - id: ana-nunez\n",
    }
    facts = FACTS.replace(change, replacements[change], 1)
    if change == "  - id: water-board\n":
        facts = facts.replace("speaker_organization: water-board", "speaker_organization: ana-nunez")
    seeds = seeds_with_article(tmp_path, seeds_dir, write_article, facts=facts)
    with pytest.raises(build_db.BuildError, match=message.replace("(", r"\(")):
        build_db.build(seeds, tmp_path / "facts.db")
