"""CSV formula injection: a cell starting with =, +, -, @, tab or CR is neutralised as OWASP
recommends (a single quote in front, double quotes around) in every CSV the site serves: the
build's whole-table files and Datasette's own answers. JSON stays exact, and `_raw=on` gives
the cells as stored. (article_facts/csv_safe.py, article_facts/web/csv_guard.py)
"""
import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article_facts import csv_safe

SLUG = "zz-formulas"
ARTICLE = ("Ana Ortega said =1+1 at noon.\nShe said -30 degrees was cold.\nShe said @x twice.\n"
           "She said +1 vote more.\nShe said \tx then.\n")
FACTS = """\
article: {headline: '=HYPERLINK("http://evil.example")', headline_source: editorial, language: en}
people:
  - {id: ana-ortega, name: "-Ana Ortega"}
quotes:
  - {id: q1, speaker: ana-ortega, kind: indirect, verb: said, attribution: explicit, text: "=1+1"}
  - {id: q2, speaker: ana-ortega, kind: indirect, verb: said, attribution: explicit, text: "-30 degrees"}
  - {id: q3, speaker: ana-ortega, kind: indirect, verb: said, attribution: explicit, text: "@x"}
  - {id: q4, speaker: ana-ortega, kind: indirect, verb: said, attribution: explicit, text: "+1 vote"}
  - {id: q5, speaker: ana-ortega, kind: indirect, verb: said, attribution: explicit, text: "\\tx"}
"""
TEXTS = {"q1": "=1+1", "q2": "-30 degrees", "q3": "@x", "q4": "+1 vote", "q5": "\tx"}
QUOTED_FIELDS = ['"\'=1+1"', '"\'-30 degrees"', '"\'@x"', '"\'+1 vote"', '"\'\tx"']


@pytest.fixture(scope="module")
def formulas_db(build_with_articles):
    return build_with_articles({SLUG: (ARTICLE, FACTS)}, "formulas")


@pytest.fixture
def fds(formulas_db, serve_db):
    return serve_db(formulas_db)


def our_rows(text):
    """{quote key: row} of the test article's quotes in a CSV."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return {row["id"].rsplit("-", 1)[1]: row for row in rows if row["id"].startswith(SLUG)}


def assert_neutralised(response):
    assert response.status_code == 200
    rows = our_rows(response.text)
    assert {key: rows[key]["text"] for key in TEXTS} == {k: "'" + v for k, v in TEXTS.items()}
    for field in QUOTED_FIELDS:  # quoted as well as prefixed
        assert field in response.text
    if "speaker_id_label" in rows["q1"]:
        assert rows["q1"]["speaker_id_label"] == "'-Ana Ortega"
        assert rows["q1"]["article_id_label"] == "'=HYPERLINK(\"http://evil.example\")"


async def test_the_static_export_is_neutralised(fds):
    for query in ("_stream=on", "_labels=on&_stream=on&_size=max"):
        response = await fds.client.get(f"/facts/quotes.csv?{query}")
        assert response.headers["x-facts-export"] == "static"
        assert_neutralised(response)
    articles = await fds.client.get("/facts/articles.csv?_stream=on")
    assert '"\'=HYPERLINK(""http://evil.example"")"' in articles.text


@pytest.mark.parametrize("query", [f"article_id={SLUG}&_labels=on", f"article_id={SLUG}&_stream=on",
                                   f"article_id={SLUG}&_header=off&_dl=1"])
async def test_datasettes_own_csv_is_neutralised(fds, query):
    response = await fds.client.get(f"/facts/quotes.csv?{query}")
    assert "x-facts-export" not in response.headers
    if "_header=off" in query:
        assert not response.text.startswith("id,")
        assert "\"'=1+1\"" in response.text and "\"'\tx\"" in response.text
    else:
        assert_neutralised(response)


async def test_saved_queries_and_sql_are_neutralised_cr_included(fds):
    sql = "select '=1+1' as a, '-2' as b, char(13) || 'x' as c, 'plain, text' as d, '@' as e"
    response = await fds.client.get("/facts.csv", params={"sql": sql})
    assert response.text == "a,b,c,d,e\r\n\"'=1+1\",\"'-2\",\"'\rx\",\"plain, text\",\"'@\"\r\n"
    found = await fds.client.get("/facts/quotes_by_speaker.csv", params={"speaker": "Ana Ortega"})
    assert "\"'=1+1\"" in found.text and "\n=1+1" not in found.text and ",=1+1" not in found.text


async def test_json_stays_exact(fds):
    array = (await fds.client.get(f"/facts/quotes.json?_shape=array&article_id={SLUG}")).json()
    assert {row["id"].rsplit("-", 1)[1]: row["text"] for row in array} == TEXTS
    lines = (await fds.client.get("/facts/quotes.json?_shape=array&_nl=on&_stream=on")).text.splitlines()
    rows = {row["id"].rsplit("-", 1)[1]: row["text"] for row in map(json.loads, lines) if row["id"].startswith(SLUG)}
    assert rows == TEXTS


async def test_raw_gives_the_cells_as_stored(fds):
    for url in ("/facts/quotes.csv?_stream=on&_raw=on", f"/facts/quotes.csv?article_id={SLUG}&_raw=on"):
        response = await fds.client.get(url)
        assert "x-facts-export" not in response.headers
        assert {k: r["text"] for k, r in our_rows(response.text).items()} == TEXTS
        assert "\r\n" + SLUG + "-q1,ana-ortega,indirect,said,=1+1," in response.text
    sql = await fds.client.get("/facts.csv", params={"sql": "select '=1+1' as a", "_raw": "on"})
    assert sql.text == "a\r\n=1+1\r\n"


# ---------------------------------------------------------------- the functions themselves

CELL = st.text(alphabet=st.sampled_from(list(',"\r\n \t\x00a=+-@\u00e9\'')), max_size=5)


def csv_text(rows):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


@given(st.lists(st.lists(CELL, max_size=4), max_size=6))
def test_safe_csv_neutralises_formulas_and_keeps_everything_else(rows):
    text = csv_text(rows)
    out = csv_safe.safe_csv(text)
    parsed = list(csv.reader(io.StringIO(out, newline="")))
    assert parsed == [["'" + f if f[:1] in ("=", "+", "-", "@", "\t", "\r") else f for f in row] for row in rows]
    if not any(csv_safe.is_formula(f) for row in rows for f in row):
        assert out == text  # byte for byte


@given(st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=6), st.data())
def test_complete_length_is_the_last_record_end(rows, data):
    ends, total = [0], 0
    for row in rows:
        total += len(csv_text([row]).encode("utf-8"))
        ends.append(total)
    body = csv_text(rows).encode("utf-8")
    cut = data.draw(st.integers(min_value=0, max_value=len(body)))
    assert csv_safe.complete_length(body[:cut]) == max(end for end in ends if end <= cut)
