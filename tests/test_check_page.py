"""/check, /check.json and /check.csv as a reader and an attacker use them: the JSON shape the
README documents, the page (form, verdict, speaker warning first, diff marks, links), the CSV
(formula cells neutralised), and hostile input (empty, 10,000 words, FTS5 syntax, control
characters, HTML): a clear 400 or an answer, never a 500, everything escaped."""
import csv
import html
import io
from urllib.parse import urlencode

import pytest

from article_facts.check.export import csv_body, diff_text
from test_check_cases import check_db  # noqa: F401 (the archive with near-duplicates)

MATCH_KEYS = {"quote_id", "speaker", "speaker_kind", "article_id", "published", "review", "similarity", "verdict",
              "reason", "diff"}
QUOTE = "We will not go back to work until every contract is signed"


@pytest.fixture
def ds(check_db, serve_db):  # noqa: F811
    return serve_db(check_db)


async def get(ds, path, **params):
    return await ds.client.get(path + ("?" + urlencode(params) if params else ""))


async def test_json_shape(ds):
    data = (await get(ds, "/check.json", q=QUOTE.replace("until", "till"))).json()
    assert data["query"] == QUOTE.replace("until", "till")
    assert 1 <= len(data["matches"]) <= 10
    top = data["matches"][0]
    assert MATCH_KEYS <= set(top)
    assert top["quote_id"] == "port-strike-talks-q1" and top["verdict"] == "altered"
    assert top["speaker"] == "Marta Ruiz" and top["speaker_kind"] == "person"
    assert top["article_id"] == "port-strike-talks" and top["published"] == "2026-04-08"
    assert top["review"] == "checked" and 0 < top["similarity"] < 1
    assert top["diff"] == [["equal", "We will not go back to work", "We will not go back to work"],
                           ["replace", "until", "till"], ["equal", "every contract is signed", "every contract is signed"]]
    assert "“until” changed to “till”" in top["reason"]
    assert [m["similarity"] for m in data["matches"]] == sorted((m["similarity"] for m in data["matches"]), reverse=True)


async def test_kinds_labelled_and_unnamed_source(ds):
    data = (await get(ds, "/check.json", q="the strike was costing the port millions of dollars a day")).json()
    top = data["matches"][0]
    assert (top["verdict"], top["kind"], top["kind_label"]) == ("exact", "indirect", "reported statement")
    assert (top["speaker"], top["speaker_kind"]) == ("A senior official at the port authority", "unnamed source")
    organization = (await get(ds, "/check.json", q="will not raise rates this year")).json()["matches"][0]
    assert (organization["speaker"], organization["speaker_kind"], organization["kind"]) == (
        "Water Board", "organization", "partial")


async def test_split_quote_is_one_result_with_every_part(ds):
    data = (await get(ds, "/check.json", q="It is early, but the numbers are good.")).json()
    top = data["matches"][0]
    assert top["quote_id"] == "council-water-plan-q1" and top["parts"] == ["council-water-plan-q1", "council-water-plan-q2"]
    assert top["text"] == "It is early … but the numbers are good."
    assert [m["quote_id"] for m in data["matches"]].count("council-water-plan-q1") == 1
    assert "council-water-plan-q2" not in [m["quote_id"] for m in data["matches"]]


async def test_fragment_shows_before_and_after(ds):
    q = "waited three years for a raise, and they"
    top = (await get(ds, "/check.json", q=q)).json()["matches"][0]
    assert top["verdict"] == "fragment"
    assert (top["before"], top["after"]) == ("Our members have", "are tired of promises")
    page = (await get(ds, "/check", q=q)).text
    assert '<span class="diff-context">Our members have</span>' in page


async def test_draft_review_state(ds):
    top = (await get(ds, "/check.json", q="We will not cut a single class to pay for this")).json()["matches"][0]
    assert (top["quote_id"], top["review"]) == ("school-budget-vote-q1", "draft")
    page = (await get(ds, "/check", q="We will not cut a single class to pay for this")).text
    assert "machine draft, not yet reviewed" in page


async def test_lang_filters_by_the_article_language(ds):
    spanish = "No volveremos al trabajo hasta que se firmen todos los contratos"
    assert (await get(ds, "/check.json", q=spanish, lang="en")).json()["matches"] == []
    assert (await get(ds, "/check.json", q=spanish, lang="ES")).json()["matches"][0]["language"] == "es"


async def test_page_says_first_who_the_archive_attributes_the_words_to(ds):
    response = await get(ds, "/check", q=QUOTE, speaker="Ibarra")
    assert response.status_code == 200
    page = response.text
    warning = "The archive attributes these words to Marta Ruiz, not Ibarra."
    assert warning in page
    assert page.index(warning) < page.index('class="check-results"')
    assert '<a href="/quotes/port-strike-talks-q1">port-strike-talks-q1</a>' in page
    assert '<a href="/speakers/marta-ruiz">Marta Ruiz</a>' in page
    assert '<a href="/articles/port-strike-talks">Port strike enters third day as talks stall</a>, Coast Daily, 2026-04-08' in page
    assert "article-facts port-strike-talks-q1, http://127.0.0.1:8001/quotes/port-strike-talks-q1." in page
    assert 'href="/check.json?q=' in page and 'href="/check.csv?q=' in page
    agrees = (await get(ds, "/check.json", q=QUOTE, speaker="marta r")).json()["attribution"]
    assert agrees["agrees"] is True


async def test_diff_marks_on_the_page(ds):
    page = (await get(ds, "/check", q="We will not cut a single teacher to pay for this")).text
    assert "<del>class</del> <ins>teacher</ins>" in page
    assert 'class="verdict verdict-altered"' in page


async def test_not_found_is_an_answer(ds):
    response = await get(ds, "/check.json", q="The weather in Lima will be sunny all week")
    assert response.status_code == 200
    data = response.json()
    assert data["verdict"] == "not found" and data["reason"].startswith("Nothing in the archive is close enough")
    assert all(m["verdict"] == "not found" for m in data["matches"])
    page = await get(ds, "/check", q="The weather in Lima will be sunny all week")
    assert page.status_code == 200 and "verdict-not-found" in page.text


async def test_empty_form_is_a_page(ds):
    response = await get(ds, "/check")
    assert response.status_code == 200
    assert '<form class="check-form"' in response.text and 'name="q"' in response.text


async def test_csv(ds):
    response = await get(ds, "/check.csv", q=QUOTE)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["quote_id"] == "port-strike-talks-q1" and rows[0]["verdict"] == "exact"
    assert rows[0]["diff"] == f"[equal] {QUOTE}"


def test_csv_neutralises_formula_cells():
    match = {"quote_id": "x-q1", "verdict": "altered", "similarity": 0.5, "speaker": "=HYPERLINK(\"http://x\")",
             "speaker_kind": "person", "article_id": "x", "outlet": "+1", "published": None, "review": "checked",
             "kind": "direct", "text": "-30 degrees", "reason": "@once", "url": "/quotes/x-q1",
             "diff": [["equal", "-30", "-30"], ["insert", "", "=1+1"]]}
    rows = list(csv.reader(io.StringIO(csv_body({"matches": [match]}))))
    assert rows[1][4] == "'=HYPERLINK(\"http://x\")" and rows[1][7] == "'+1"
    assert rows[1][11] == "'-30 degrees" and rows[1][12] == "'@once"
    assert diff_text(match["diff"]) == "[equal] -30 | [insert] =1+1"


@pytest.mark.parametrize("params, message", [
    ({"q": ""}, "q is empty"),
    ({"q": "   \n "}, "q is empty"),
    ({"q": "word " * 10_000}, "at most 5,000 are checked"),
    ({"q": "word " * 400}, "q has 400 words; at most 300"),
    ({"q": "* ( ) ^ : - +"}, "no words to check"),
    ({"q": "It is\x07 early"}, "control character (U+0007) at character 6"),
    ({"q": "It is early", "lang": "english"}, "is not a language code"),
    ({"q": "It is early", "speaker": "x" * 300}, "speaker is 300 characters long"),
])
async def test_bad_input_is_a_clear_400(ds, params, message):
    for path in ("/check", "/check.json", "/check.csv"):
        response = await get(ds, path, **params)
        assert response.status_code == 400, (path, response.status_code)
        assert message in (response.json()["error"] if path.endswith(".json") else html.unescape(response.text))


async def test_repeated_and_missing_q(ds):
    response = await ds.client.get("/check.json?q=a+b&q=c+d")
    assert response.status_code == 400 and "q is given 2 times" in response.json()["error"]
    response = await ds.client.get("/check.json")
    assert response.status_code == 400 and "q is missing" in response.json()["error"]


@pytest.mark.parametrize("q", ['NEAR(work contract) AND "signed', "work* OR -contract", "text:work ^signed {a b}",
                               'contract" OR "1"="1', "'; drop table quotes; --"])
async def test_fts_syntax_is_only_words(ds, q):
    response = await get(ds, "/check.json", q=q)
    assert response.status_code == 200
    assert response.json()["query"] == q


async def test_html_is_escaped(ds):
    q = '<script>alert(1)</script> We will not go back "><img src=x onerror=alert(2)>'
    page = (await get(ds, "/check", q=q, speaker="<b>Ibarra</b>")).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>Ibarra</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    bad = (await get(ds, "/check", q="<i>x</i>\x01")).text
    assert "<i>x</i>" not in bad


async def test_get_only(ds):
    for method in ("post", "put", "delete"):
        response = await getattr(ds.client, method)("/check?q=It+is+early")
        assert response.status_code == 405
