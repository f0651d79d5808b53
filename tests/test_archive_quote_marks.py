"""Two apostrophes as quotation marks (''...''), as news archives in plain text write them: the
extractor finds the quotes, the build accepts them as direct quotes, and `add` drafts them."""
import shutil

import sqlite_utils

import build_db
from article_facts.extract import draft, extract_attributions

TEXT = (
    "Wages pick up in the fall\n"
    "Hourly pay rose 0.4 percent in October, the labor department said.\n"
    "''We may finally be seeing wages pick up, and if it lasts, that is a big story,'' the "
    "economist Mara Lindqvist wrote on her blog.\n"
    "''It is early,'' Lindqvist said, ''but the numbers are good.''\n"
)


def direct(text):
    return [(text[a.start:a.end], a.speaker_name) for a in extract_attributions(text)
            if a.kind == "direct"]


def test_double_apostrophes_are_quotation_marks():
    assert direct(TEXT) == [
        ("We may finally be seeing wages pick up, and if it lasts, that is a big story",
         "Mara Lindqvist"),
        ("It is early", "Mara Lindqvist"),
        ("but the numbers are good.", "Mara Lindqvist"),
    ]


def test_an_apostrophe_alone_is_no_mark():
    text = "The workers' union met.\n“We will strike,” said Ada Berg, the union's chair.\n"
    assert direct(text) == [("We will strike", "Ada Berg")]


def test_the_build_accepts_the_draft_of_an_archive_text(tmp_path, seeds_dir):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    result = draft.draft_text(TEXT, "wages-pick-up", seeds)
    quotes = [q for q in result.facts["quotes"] if q["kind"] == "direct"]
    assert [q["text"] for q in quotes][:1] == [
        "We may finally be seeing wages pick up, and if it lasts, that is a big story"]
    folder = seeds / "wages-pick-up"
    folder.mkdir()
    (folder / "article.txt").write_text(TEXT, encoding="utf-8")
    (folder / "facts.yml").write_text(result.yaml, encoding="utf-8")
    build_db.build(seeds, tmp_path / "facts.db")
    rows = sqlite_utils.Database(tmp_path / "facts.db").execute(
        "select text, start, \"end\" from quotes where article_id = 'wages-pick-up' and kind = 'direct' "
        "order by start").fetchall()
    assert len(rows) == 3
    for text, start, end in rows:
        assert TEXT[start - 2:start] == "''" and TEXT[start:end] == text
