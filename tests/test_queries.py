"""Saved queries, views and exports: each opens without parameters, shares as a URL, and
exports JSON and CSV with accents and curly quotes intact."""
import csv
import io
import json
import re
import urllib.parse

import pytest

import build_db
from conftest import EMPTY_ON_SEEDS

QUERIES = ["search", "quotes_by_speaker", "statements_mentioning", "legal_basis", "timeline", "speakers", "quote_context",
           "quote_variants"]


async def rows(ds, name, **params):
    query = urllib.parse.urlencode({**params, "_shape": "array"})
    response = await ds.client.get(f"/facts/{name}.json?{query}")
    assert response.status_code == 200, response.text
    return response.json()


def test_every_saved_query_has_title_and_description(metadata):
    queries = metadata["databases"]["facts"]["queries"]
    assert sorted(queries) == sorted(QUERIES)
    for name, query in queries.items():
        assert query["title"] and query["description"], name


@pytest.mark.parametrize("name", QUERIES)
async def test_saved_query_opens_without_parameters(ds, name):
    response = await ds.client.get(f"/facts/{name}")
    assert response.status_code == 200
    assert (await rows(ds, name)) or name in EMPTY_ON_SEEDS, f"{name} shows nothing without parameters"


@pytest.mark.parametrize("name", QUERIES)
async def test_saved_query_page_states_licence_source_and_about(ds, metadata, name):
    """A saved query's page shows its own metadata only: it must carry the site's licence,
    source and About link like every other page (metadata.yml repeats them by alias)."""
    html = (await ds.client.get(f"/facts/{name}")).text
    for key in ("license", "source"):
        assert metadata[key].replace("'", "&#39;") in html, (name, key)
    assert f'href="{metadata["license_url"]}"' in html and f'href="{metadata["about_url"]}"' in html


@pytest.mark.parametrize("q,expected", [("Chavez", ["Chávez"]), ("alvarez", ["Álvarez"]), ("caracas convention", ["Caracas", "Convention"])])
async def test_search_is_accent_insensitive_and_marks_matches(ds, q, expected):
    found = await rows(ds, "search", q=q)
    assert found
    for row in found:
        matched = [row["snippet"][start:end] for start, end in json.loads(row["matches"])]
        assert all(word in matched for word in expected), (row["snippet"], matched)
    assert {row["type"] for row in found} <= {"quote", "paragraph"}


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.mark.parametrize("q", ["Chavez", "caracas convention", ""])
async def test_search_json_and_csv_carry_no_control_characters(ds, q):
    """The snippet's match markers (U+0002, U+0003) stay inside the query: JSON and CSV get
    plain text, and HTML still marks the matched words."""
    query = urllib.parse.urlencode({"q": q})
    for export in (f"search.json?{query}", f"search.json?_shape=array&{query}", f"search.csv?{query}"):
        text = (await ds.client.get(f"/facts/{export}")).text
        assert text and not CONTROL.search(text), export
    page = (await ds.client.get(f"/facts/search?{query}")).text
    assert not CONTROL.search(page)
    if q:
        assert "<mark>" in page.split("<tbody>")[1]


async def test_search_marks_render_as_html(ds):
    page = (await ds.client.get("/facts/search?q=Chavez")).text
    assert "<mark>Chávez</mark>" in page and "\x02" not in page.split("<tbody>")[1]


@pytest.mark.parametrize("q,count", [("Chavez asylum", 7), ("Chavez\tasylum", 7), ("  Chavez   asylum ", 7), ("asylum Chavez", 7),
                                     ("Chavez\u00a0asylum", 7), ("Chavez\r\nasylum", 7), ("Chavez\u202fasylum", 7)])
async def test_search_matches_every_word_in_any_order(ds, q, count):
    found = await rows(ds, "search", q=q)
    assert len(found) == count
    for row in found:
        table, key = ("quotes", row["quote_id"]) if row["type"] == "quote" else ("paragraphs", row["paragraph_id"])
        [record] = await rows(ds, table, id=key)
        assert "Chávez" in record["text"] and "asylum" in record["text"]


@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(", "a*b-c", "'; drop table quotes; --"])
async def test_search_never_errors_on_odd_input(ds, q):
    response = await ds.client.get("/facts/search.json?" + urllib.parse.urlencode({"q": q}))
    assert response.status_code == 200


@pytest.mark.parametrize("speaker,expected", [
    ("alvarez", {"roberto-velasco-alvarez"}),
    ("Velasco", {"roberto-velasco-alvarez"}),
    ("serur", {"raquel-serur-smeke"}),
    ("chavez", {"betssy-chavez-chino"}),
    ("Sheinb", {"claudia-sheinbaum"}),
    ("nobody at all", set()),
])
async def test_quotes_by_speaker(ds, speaker, expected):
    found = await rows(ds, "quotes_by_speaker", speaker=speaker)
    assert {row["speaker_id"] for row in found} == expected


async def test_quotes_by_speaker_counts(ds):
    found = await rows(ds, "quotes_by_speaker", speaker="Monroy")
    assert len(found) == 5 and sum(r["kind"] == "direct" for r in found) == 2


@pytest.mark.parametrize("entity,expected,minimum", [
    ("Peruvian", {"PE", "government-of-peru"}, 3),  # the adjective, and "Peruvian government"
    ("PE", {"PE"}, 3),
    ("SRE", {"sre"}, 1),
    ("Segob", {"segob"}, 1),
    ("chavez", {"betssy-chavez-chino"}, 3),
    ("Castillo", {"pedro-castillo"}, 2),
    ("Velasco Alvarez", set(), 0),  # named only outside any statement
])
async def test_statements_mentioning(ds, entity, expected, minimum):
    found = await rows(ds, "statements_mentioning", entity=entity)
    assert {r["entity_id"] for r in found} == expected
    assert len(found) >= minimum
    for row in found:
        assert row["named_as"] in row["text"]


async def test_legal_basis(ds):
    found = await rows(ds, "legal_basis")
    assert [(r["instrument"], r["cited_by_id"], r["verb"]) for r in found] == [
        ("Caracas Convention", "roberto-velasco-alvarez", "recalled"),
        ("Constitution of Mexico", "roberto-velasco-alvarez", "recalled"),
        ("United Nations General Assembly resolution", "roberto-velasco-alvarez", "emphasized"),
        ("pro persona principle", "raquel-serur-smeke", "indicated"),
        ("presumption of innocence", "raquel-serur-smeke", "indicated"),
    ]
    assert all(r["words"] in r["statement"] for r in found)


async def test_timeline_is_in_date_order_with_undated_last(ds):
    found = await rows(ds, "timeline")
    dates = [r["date"] for r in found]
    assert dates[:2] == ["2021", "2022"] and all(d is None for d in dates[2:])
    assert len(found) == 10
    according_to = {r["event_id"].split("asylum-", 1)[1]: r["according_to"] for r in found}
    assert according_to["castillo-elected"] == "Claudia Sheinbaum"
    assert according_to["peru-declares-mexican-ambassador-persona-non-grata"] == "Pablo Monroy Conesa"
    assert according_to["sheinbaum-comments"] == "the article"


async def test_speakers(ds):
    found = {r["speaker_id"]: r for r in await rows(ds, "speakers")}
    assert (found["claudia-sheinbaum"]["direct"], found["claudia-sheinbaum"]["indirect"]) == (2, 4)
    assert found["roberto-velasco-alvarez"]["roles"] == "Undersecretary for North America"
    assert found["roberto-velasco-alvarez"]["organizations"] == "Ministry of Foreign Affairs"
    assert found["claudia-sheinbaum"]["speaker"] == "Claudia Sheinbaum"
    assert sum(r["direct"] for r in found.values()) == 6


async def test_quote_context(ds, slug):
    found = await rows(ds, "quote_context", id=f"{slug}-q4")
    assert [(r["position"], r["place"]) for r in found] == [(9, "before"), (10, "quote"), (11, "after")]
    assert found[1]["quote"] in found[1]["paragraph"]
    assert await rows(ds, "quote_context", id="no-such-quote") == []


async def test_views_hold_the_chart_aggregates(ds):
    per_speaker = await rows(ds, "quotes_per_speaker")
    assert sum(r["quotes"] for r in per_speaker) == 21
    assert {"speaker": "Claudia Sheinbaum", "speaker_id": "claudia-sheinbaum", "speaker_organization_id": None,
            "kind": "direct", "quotes": 2} in per_speaker
    mentions = {r["entity_id"]: r["mentions"] for r in await rows(ds, "mentions_per_entity")}
    assert mentions["betssy-chavez-chino"] == 5


# --- exports: every table, view and saved query -----------------------------------------

SOURCES = sorted(build_db.TABLES) + sorted(build_db.VIEWS) + QUERIES


@pytest.mark.parametrize("name", SOURCES)
async def test_json_export(ds, name):
    response = await ds.client.get(f"/facts/{name}.json?_shape=array&_labels=on")
    assert response.status_code == 200
    data = response.json()
    assert isinstance(data, list) and (data or name in EMPTY_ON_SEEDS)


@pytest.mark.parametrize("name", SOURCES)
async def test_csv_export(ds, name):
    response = await ds.client.get(f"/facts/{name}.csv?_labels=on&_stream=on&_dl=1")
    assert response.status_code == 200
    assert "attachment" in response.headers.get("content-disposition", "")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert table or name in EMPTY_ON_SEEDS


async def test_exports_keep_accents_and_curly_quotes(ds, slug):
    as_json = (await ds.client.get(f"/facts/quotes.json?_shape=array&_labels=on&id={slug}-q1")).json()
    as_csv = list(csv.DictReader(io.StringIO(
        (await ds.client.get(f"/facts/quotes.csv?_labels=on&_stream=on&_dl=1&id={slug}-q1")).text
    )))
    text = "From our perspective it’s completely out of proportion, but it’s a decision they make"
    assert as_json[0]["text"] == text and as_csv[0]["text"] == text
    assert as_json[0]["speaker_id"]["label"] == "Claudia Sheinbaum"
    people = list(csv.DictReader(io.StringIO(
        (await ds.client.get("/facts/people.csv?_labels=on&_stream=on&_dl=1")).text
    )))
    assert "Roberto Velasco Álvarez" in {row["name"] for row in people}
    body = (await ds.client.get(f"/facts/articles.json?_shape=array&id={slug}")).json()[0]["body"]
    assert "“" in body and "’" in body and "Chávez" in body


async def test_saved_query_share_link_carries_its_parameters(ds):
    found = list(csv.DictReader(io.StringIO(
        (await ds.client.get("/facts/quotes_by_speaker.csv?speaker=Monroy&_dl=1")).text
    )))
    assert len(found) == 5 and {r["speaker_id"] for r in found} == {"pablo-monroy-conesa"}
