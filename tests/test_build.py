"""The facts database built from the seed article: contents, offsets, search, determinism."""
import shutil

import pytest
import sqlite_utils

import build_db

DIRECT_QUOTES = [
    ("claudia-sheinbaum", "said", "explicit", "From our perspective it’s completely out of proportion"),
    ("claudia-sheinbaum", None, "inferred", "We always stated it, we gave asylum to her family here"),
    ("roberto-velasco-alvarez", None, "inferred", "That is why we reject the decision made by the Peruvian government"),
    ("raquel-serur-smeke", "indicated", "inferred", "Laws must be interpreted and applied"),
    ("pablo-monroy-conesa", None, "inferred", "Mexico found that there are sufficient elements"),
    ("pablo-monroy-conesa", "said", "explicit", "Mexico did not declare the Peruvian ambassador persona non grata"),
]

REPORTED = [
    ("claudia-sheinbaum", "adding", "Mexico is waiting to receive official notification"),
    ("claudia-sheinbaum", "clarified", "That severing was determined by the government of the Republic of Peru"),
    ("claudia-sheinbaum", "noting", "trade relations between the two countries continue"),
    ("claudia-sheinbaum", "reaffirmed", "her support for Pedro Castillo"),
    ("roberto-velasco-alvarez", "reported", "the agency informed the Peruvian government"),
    ("roberto-velasco-alvarez", "recalled", "Article 4 of the Caracas Convention"),
    ("roberto-velasco-alvarez", "emphasized", "United Nations General Assembly resolution 1967"),
    ("raquel-serur-smeke", "reaffirmed", "Mexico has the right to grant political asylum or refuge"),
    ("raquel-serur-smeke", "indicated", "both asylum and refuge are human rights"),
    ("pablo-monroy-conesa", "recalled", "Betssy Chávez was the highest-ranking public servant"),
    ("pablo-monroy-conesa", "explained", "Betssy Chávez’s case is also characterized"),
    ("pablo-monroy-conesa", "pointed out", "Mexico does not interfere in Peru’s internal affairs"),
    ("betssy-chavez-chino", "stated", "she had been a victim of violations of procedural rights"),
    ("betssy-chavez-chino", "stated", "during the time she was in prison, she suffered repeated abuses"),
]


@pytest.fixture(scope="module")
def db(db_path):
    return sqlite_utils.Database(db_path)


def test_six_direct_quotes_with_speakers(db):
    rows = list(db.query(
        "select speaker_id, verb, attribution, text from quotes where kind = 'direct' order by start"
    ))
    assert [(r["speaker_id"], r["verb"], r["attribution"]) for r in rows] == [q[:3] for q in DIRECT_QUOTES]
    for row, expected in zip(rows, DIRECT_QUOTES):
        assert row["text"].startswith(expected[3])


def test_direct_quotes_exclude_the_quotation_marks(db):
    for row in db.query("select text from quotes where kind = 'direct'"):
        assert not row["text"].startswith("“") and not row["text"].endswith("”")


@pytest.mark.parametrize("speaker,verb,start_of_text", REPORTED)
def test_reported_statement(db, speaker, verb, start_of_text):
    rows = list(db.query(
        "select kind from quotes where speaker_id = :speaker and verb = :verb and text like :prefix",
        {"speaker": speaker, "verb": verb, "prefix": start_of_text + "%"},
    ))
    assert [r["kind"] for r in rows] == ["indirect"]


def test_nested_statements_record_who_reported_them(db):
    rows = list(db.query(
        "select reported_by_id from quotes where speaker_id = 'betssy-chavez-chino' order by start"
    ))
    assert [r["reported_by_id"] for r in rows] == ["roberto-velasco-alvarez", "pablo-monroy-conesa"]


def test_inferred_attributions_say_why(db):
    rows = list(db.query("select id, attribution_note from quotes where attribution = 'inferred'"))
    assert len(rows) >= 4
    assert all(r["attribution_note"] for r in rows)


def test_every_offset_slices_back_to_the_exact_text(db, body):
    checked = 0
    for table, column in [
        ("quotes", "text"), ("roles", "evidence"), ("events", "evidence"),
        ("legal_references", "evidence"), ("editorial_notes", "as_written"),
        ("mentions", "text"), ("paragraphs", "text"),
    ]:
        for row in db.query(f"select {column} as value, start, [end] from {table}"):
            assert body[row["start"]:row["end"]] == row["value"], (table, row)
            checked += 1
    assert checked > 100


def test_spans_lie_inside_their_paragraph(db):
    rows = list(db.query(
        "select q.id from quotes q join paragraphs p on p.id = q.paragraph_id "
        "where q.start < p.start or q.[end] > p.[end]"
    ))
    assert rows == []
    assert db["paragraphs"].count == 14


def test_article_body_is_byte_identical_to_the_seed(db, seeds_dir, slug):
    article = db["articles"].get(slug)
    assert article["body"].encode("utf-8") == (seeds_dir / slug / "article.txt").read_bytes()
    assert article["headline_source"] == "editorial"
    assert article["published"] is None and article["published_as_written"] == "Tuesday"


def test_legal_references(db):
    rows = {
        (r["instrument"], r["provision"], r["kind"], r["cited_by_id"])
        for r in db.query("select * from legal_references")
    }
    assert rows == {
        ("Caracas Convention", "Article 4", "treaty", "roberto-velasco-alvarez"),
        ("Constitution of Mexico", "Article 11", "constitution", "roberto-velasco-alvarez"),
        ("United Nations General Assembly resolution", "resolution 1967 (as written)", "resolution", "roberto-velasco-alvarez"),
        ("pro persona principle", None, "principle", "raquel-serur-smeke"),
        ("presumption of innocence", None, "principle", "raquel-serur-smeke"),
    }
    # each reference points at the statement it was cited in, and lies inside it
    for row in db.query(
        "select l.id from legal_references l join quotes q on q.id = l.quote_id "
        "where l.start < q.start or l.[end] > q.[end]"
    ):
        pytest.fail(f"{row['id']} lies outside its quote")


def test_people_roles_and_organizations(db):
    roles = {(r["person_id"], r["title"], r["organization_id"]) for r in db.query("select * from roles")}
    assert ("roberto-velasco-alvarez", "Undersecretary for North America", "sre") in roles
    assert ("pablo-monroy-conesa", "Director General for South America", "sre") in roles
    assert {r["person_id"] for r in db.query("select person_id from roles")} == set(
        r["id"] for r in db.query("select id from people")
    )
    acronyms = {r["acronym"]: r["country_id"] for r in db.query("select acronym, country_id from organizations where acronym is not null")}
    assert acronyms == {"SRE": "MX", "Segob": "MX"}
    assert {r["id"]: r["name"] for r in db.query("select * from countries")} == {"MX": "Mexico", "PE": "Peru"}


def test_events_keep_the_date_as_written(db, slug):
    dated = {r["date"]: r["date_as_written"] for r in db.query("select * from events where date is not null")}
    assert dated == {"2021": "in 2021", "2022": "in 2022"}
    severing = db["events"].get(f"{slug}-peru-severs-diplomatic-relations")
    assert "but not consular relations" in severing["evidence"]


def test_editorial_notes_are_kept_apart(db):
    notes = {r["as_written"] for r in db.query("select as_written from editorial_notes")}
    assert {"He indicated", "we gave asylum to her family here", "resolution 1967"} <= notes


def test_mentions(db):
    def count(entity_id):
        return db.execute("select count(*) from mentions where entity_id = ?", [entity_id]).fetchone()[0]

    assert count("betssy-chavez-chino") == 5
    assert count("segob") == 2
    # "Mexico City" in the dateline is a city, not a mention of the country
    first = next(db.query("select text, start from mentions order by start limit 1"))
    assert (first["text"], first["start"]) == ("Mexico", 13)


@pytest.mark.parametrize("table,query,expected", [
    ("quotes", "Chavez", "betssy-chavez-chino"),
    ("paragraphs", "Alvarez", "Roberto Velasco Álvarez"),
    ("paragraphs", "chavez chino", "Betssy Chávez Chino"),
])
def test_search_ignores_accents(db, table, query, expected):
    rows = list(db.query(
        f"select {table}.* from {table} join {table}_fts on {table}_fts.rowid = {table}.rowid "
        f"where {table}_fts match :q",
        {"q": query},
    ))
    assert rows
    if table == "quotes":
        assert any(r["speaker_id"] == expected or "Chávez" in r["text"] for r in rows)
    else:
        assert any(expected in r["text"] for r in rows)


def test_rebuild_is_byte_identical(db_path, seeds_dir, tmp_path):
    again = tmp_path / "again.db"
    build_db.build(seeds_dir, again)
    assert again.read_bytes() == db_path.read_bytes()


def test_ids_do_not_change_when_another_article_is_added(db, seeds_dir, tmp_path, write_article):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    # a second article whose slug sorts first
    write_article(
        seeds, "aaa-second-article", "Claudia Sheinbaum said “Hello.”",
        "article: {headline: Hello, headline_source: editorial, dateline: Nowhere, language: en}\n"
        "people: [{id: claudia-sheinbaum, name: Claudia Sheinbaum, country: MX}]\n"
        "countries: [{id: MX, name: Mexico}]\n"
        "quotes: [{id: q1, speaker: claudia-sheinbaum, kind: direct, verb: said, attribution: explicit, text: Hello.}]\n")
    tables = build_db.build(seeds, tmp_path / "two.db")
    two = sqlite_utils.Database(tmp_path / "two.db")
    before = {r["id"]: (r["text"], r["start"]) for r in db.query("select id, text, start from quotes")}
    after = {r["id"]: (r["text"], r["start"]) for r in two.query("select id, text, start from quotes")}
    assert len(after) == len(before) + 1
    assert {k: after[k] for k in before} == before
    assert tables["articles"] == 2
    # shared people keep every form of their name from every article
    assert two["people"].get("claudia-sheinbaum")["names"] == '["Claudia Sheinbaum", "Sheinbaum"]'
