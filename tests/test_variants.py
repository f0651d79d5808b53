"""The same wording across articles (article_facts/variants.py): statements whose words are
near-identical in different articles are linked into groups at build and append time, the
quote page lists the other wordings with a word diff and whether the speaker agrees, and the
saved query quote_variants lists the groups with disagreements about the speaker first."""
import html
import shutil
import sqlite3
import textwrap

import pytest

import build_db
from article_facts import variants

PORT = "The new port will bring twelve thousand jobs to the region within five years"
CHANGED = "The new port will bring twelve thousand jobs to this region within five years"
TRIMMED = "will bring twelve thousand jobs to the region within five years"
ROADS = "We will finish the coastal road before the rains come back in April"
UNRELATED = "The harbour authority has not yet published the environmental study of the project"


def article(slug, quotes):
    """An article of one paragraph per quote, and its facts.yml: quotes are (key, speaker id,
    words); the speakers are Elena Rojas and Marco Díaz."""
    names = {"elena-rojas": "Elena Rojas", "marco-diaz": "Marco Díaz"}
    lines = [f"Port news from {slug}."]
    entries = []
    for key, speaker, words in quotes:
        lines.append(f'"{words}," said {names[speaker]}.')
        entries.append(textwrap.indent(textwrap.dedent(f"""\
            - id: {key}
              speaker: {speaker}
              kind: direct
              verb: said
              attribution: explicit
              text: "{words}"
            """), "  "))
    used = sorted({speaker for _, speaker, _ in quotes})
    people = "".join(f"  - id: {key}\n    name: {names[key]}\n    names: [{names[key]}]\n" for key in used)
    facts = (f"article:\n  headline: Port news from {slug}.\n  headline_source: article\n  language: en\n"
             f"people:\n{people}quotes:\n" + "".join(entries))
    return "\n".join(lines) + "\n", facts


ARTICLES = {
    # the port quote: Rojas's in a and b (a word changed), trimmed and given to Díaz in c
    "outlet-a-port": article("outlet-a-port", [("q1", "elena-rojas", PORT), ("q2", "elena-rojas", ROADS),
                                               ("q3", "elena-rojas", "No comment.")]),
    "outlet-b-port": article("outlet-b-port", [("q1", "elena-rojas", CHANGED), ("q2", "elena-rojas", ROADS),
                                               ("q3", "elena-rojas", "No comment.")]),
    "outlet-c-port": article("outlet-c-port", [("q1", "marco-diaz", TRIMMED), ("q2", "elena-rojas", ROADS)]),
    # the road quote in a fourth article: the agreeing group has more articles than the other
    "outlet-d-port": article("outlet-d-port", [("q1", "elena-rojas", ROADS), ("q2", "elena-rojas", UNRELATED)]),
}
VARIANT_TABLES = ["quote_variant_groups", "quote_variant_members", *variants.HIDDEN_TABLES]


@pytest.fixture(scope="module")
def variants_db(build_with_articles):
    return build_with_articles(ARTICLES, "variants")


@pytest.fixture
def variants_ds(variants_db, serve_db):
    return serve_db(variants_db)


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_near_identical_statements_in_different_articles_are_one_group(variants_db):
    groups = {g["quote_id"]: g for g in rows(variants_db, "select * from quote_variant_groups")}
    assert set(groups) == {"outlet-a-port-q1", "outlet-a-port-q2"}
    port, roads = groups["outlet-a-port-q1"], groups["outlet-a-port-q2"]
    assert (port["statements"], port["articles"], port["speakers"], port["disagrees"]) == (3, 3, 2, 1)
    assert (roads["statements"], roads["articles"], roads["speakers"], roads["disagrees"]) == (4, 4, 1, 0)
    assert port["text"] == PORT
    members = {m["id"]: m for m in rows(variants_db, "select * from quote_variant_members")}
    assert {k for k, m in members.items() if m["group_id"] == port["id"]} == {
        "outlet-a-port-q1", "outlet-b-port-q1", "outlet-c-port-q1"}
    # Rojas is the port quote's most frequent speaker: Díaz's copy is the disagreement
    assert members["outlet-c-port-q1"]["speaker"] == "marco-diaz"
    assert members["outlet-c-port-q1"]["speaker_agrees"] == 0
    assert members["outlet-b-port-q1"]["speaker_agrees"] == 1
    assert port["speaker"] == "elena-rojas" and roads["speaker"] == "elena-rojas"
    # three wordings: the group's reference one scores 1, the others less but at least the threshold
    scores = sorted(members[k]["similarity"] for k in ("outlet-a-port-q1", "outlet-b-port-q1", "outlet-c-port-q1"))
    assert scores[-1] == 1.0 and variants.SIMILARITY <= scores[0] and scores[1] < 1.0
    assert all(m["similarity"] == 1.0 for m in members.values() if m["group_id"] == roads["id"])


def test_short_and_unrelated_statements_form_no_group(variants_db):
    linked = {m["id"] for m in rows(variants_db, "select id from quote_variant_members")}
    assert not {"outlet-a-port-q3", "outlet-b-port-q3"} & linked  # "No comment." in two articles
    assert "outlet-d-port-q2" not in linked
    assert not any(key.startswith("peru-") for key in linked)
    assert variants.key_of("No comment.") is None


def test_one_article_alone_makes_no_group(build_with_articles):
    """The same words twice in one article are not "reported by several outlets"."""
    text, facts = article("solo-port", [("q1", "elena-rojas", PORT), ("q2", "elena-rojas", CHANGED)])
    db = build_with_articles({"solo-port": (text, facts)}, "solo")
    assert rows(db, "select * from quote_variant_groups") == []


def table_contents(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return {name: sorted(conn.execute(f"select * from [{name}]").fetchall(), key=repr) for name in VARIANT_TABLES}
    finally:
        conn.close()


@pytest.mark.parametrize("added", sorted(ARTICLES))
def test_append_links_a_new_article_exactly_as_a_full_build(variants_db, tmp_path, seeds_dir, write_article, added):
    """Appending any one of the articles (the first by id too: the group's first statement
    changes; c: the disagreement and the trimmed words arrive) gives the full build's rows."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    for slug, (text, facts) in ARTICLES.items():
        if slug != added:
            write_article(seeds, slug, text, facts)
    db = tmp_path / "facts.db"
    build_db.build(seeds, db)
    before = table_contents(db)
    folder = write_article(seeds, added, *ARTICLES[added])
    build_db.append(folder, db)
    after = table_contents(db)
    assert after == table_contents(variants_db)
    assert after != before


def test_append_merges_two_groups_that_a_new_wording_bridges(tmp_path, seeds_dir, write_article):
    """Two wordings too different to link each other, each in two articles, and a new article
    whose words are close to both: one group, as a full build makes it."""
    left = "The council will close the old market hall on Monday for urgent repairs to the roof"
    right = "The council will shut the old fish market on Friday for quick repairs to the roof and walls"
    middle = "The council will close the old fish market on Friday for quick repairs to the roof"
    assert variants.similarity(variants.key_of(left), variants.key_of(right)) < variants.SIMILARITY
    assert variants.similarity(variants.key_of(middle), variants.key_of(left)) >= variants.SIMILARITY
    assert variants.similarity(variants.key_of(middle), variants.key_of(right)) >= variants.SIMILARITY
    assert all(set(variants.bands(variants.key_of(middle))) & set(variants.bands(variants.key_of(other)))
               for other in (left, right))  # compared at all: they share a blocking band
    texts = {"m1": [("q1", "elena-rojas", left)], "m2": [("q1", "elena-rojas", left)],
             "m3": [("q1", "marco-diaz", right)], "m4": [("q1", "marco-diaz", right)],
             "m5": [("q1", "elena-rojas", middle)]}
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    for slug in ("m1", "m2", "m3", "m4"):
        write_article(seeds, slug, *article(slug, texts[slug]))
    db = tmp_path / "facts.db"
    build_db.build(seeds, db)
    assert len(rows(db, "select * from quote_variant_groups")) == 2
    build_db.append(write_article(seeds, "m5", *article("m5", texts["m5"])), db)
    full = tmp_path / "full.db"
    build_db.build(seeds, full)
    assert table_contents(db) == table_contents(full)
    [group] = rows(full, "select * from quote_variant_groups")
    assert (group["statements"], group["articles"], group["disagrees"]) == (5, 5, 1)


async def test_quote_page_shows_the_other_articles_with_diff_and_agreement(variants_ds):
    data = (await variants_ds.client.get("/quotes/outlet-a-port-q1.json")).json()
    found = data["variants"]
    assert (found["articles"], found["statements"], found["disagrees"], found["other_speakers"]) == (2, 2, True, 1)
    shown = {v["id"]: v for v in found["shown"]}
    assert list(shown)[0] == "outlet-c-port-q1"  # another speaker is listed first
    changed, trimmed = shown["outlet-b-port-q1"], shown["outlet-c-port-q1"]
    assert changed["speaker_agrees"] is True and trimmed["speaker_agrees"] is False
    assert trimmed["speaker"]["name"] == "Marco Díaz"
    assert ["replace", "the", "this"] in changed["diff"]
    assert trimmed["diff"][0] == ["delete", "The new port", ""]
    assert "".join(block[2] for block in changed["diff"] if block[0] != "delete").replace(" ", "") == \
        CHANGED.replace(" ", "")
    page = (await variants_ds.client.get("/quotes/outlet-a-port-q1")).text
    assert "Also reported in 2 other articles" in page
    assert "<del>the</del> <ins>this</ins>" in page and "<del>The new port</del>" in page
    assert "different speaker" in html.unescape(page) and "Marco Díaz" in html.unescape(page)
    assert 'href="/quotes/outlet-c-port-q1"' in page


async def test_quote_page_without_variants_says_nothing(variants_ds):
    data = (await variants_ds.client.get("/quotes/outlet-d-port-q2.json")).json()
    assert data["variants"] is None
    page = (await variants_ds.client.get("/quotes/outlet-d-port-q2")).text
    assert "Also reported in" not in page


async def test_saved_query_lists_disagreements_first(variants_ds):
    response = await variants_ds.client.get("/facts/quote_variants.json?_shape=array")
    assert response.status_code == 200, response.text
    found = response.json()
    assert [(r["disagrees"], r["articles"]) for r in found] == [(1, 3), (0, 4)]
    assert found[0]["speaker_names"] == "Elena Rojas; Marco Díaz" and found[0]["text"] == PORT
    for page in ("2", "x", "-1", "'"):  # guarded like the other saved queries' page
        response = await variants_ds.client.get(f"/facts/quote_variants.json?_shape=array&page={page}")
        assert response.status_code == 200
    assert (await variants_ds.client.get("/facts/quote_variants.json?_shape=array&page=2")).json() == []


@pytest.mark.parametrize("table", ["quote_variant_groups", "quote_variant_members"])
async def test_tables_are_served_with_their_contract_columns_and_exports(variants_ds, table):
    data = (await variants_ds.client.get(f"/facts/{table}.json?_shape=objects")).json()
    assert data["columns"] == list(build_db.TABLES[table][0]) and data["rows"]
    csv = await variants_ds.client.get(f"/facts/{table}.csv?_labels=on&_stream=on&_dl=1")
    assert csv.status_code == 200 and len(csv.text.splitlines()) > 2


def test_append_that_changes_the_most_frequent_speaker_flips_agreement(tmp_path, seeds_dir, write_article):
    """A group whose new statements make another speaker the most frequent one: the older rows'
    speaker_agrees flip, in place (the group only grows), as a full build makes them."""
    words = "The fishing quotas will be cut by a third for every fleet in the bay"
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    write_article(seeds, "f1", *article("f1", [("q1", "elena-rojas", words)]))
    write_article(seeds, "f2", *article("f2", [("q1", "marco-diaz", words)]))
    db = tmp_path / "facts.db"
    build_db.build(seeds, db)
    assert rows(db, "select id, speaker_agrees from quote_variant_members order by id") == [
        {"id": "f1-q1", "speaker_agrees": 1}, {"id": "f2-q1", "speaker_agrees": 0}]  # a tie: the first id
    build_db.append(write_article(seeds, "f3", *article("f3", [("q1", "marco-diaz", words)])), db)
    full = tmp_path / "full.db"
    build_db.build(seeds, full)
    assert table_contents(db) == table_contents(full)
    assert rows(db, "select id, speaker_agrees from quote_variant_members order by id") == [
        {"id": "f1-q1", "speaker_agrees": 0}, {"id": "f2-q1", "speaker_agrees": 1}, {"id": "f3-q1", "speaker_agrees": 1}]
    [group] = rows(db, "select * from quote_variant_groups")
    assert (group["speaker"], group["statements"], group["articles"], group["speakers"]) == ("marco-diaz", 3, 3, 2)
