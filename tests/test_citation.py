"""One citation for a quote wherever a reader finds it: a /check result cites the quote in the
very words of its quote page (article_facts/citation.py): the speaker's role in the article,
the whole words of a split quote, the flags, the outlet, the link and the access date."""
import html
import re
from urllib.parse import urlencode

import pytest

from conftest import article_section

SLUG = "harbor-rates-vote"
SEED = "peru-severs-relations-chavez-asylum"
ARTICLE = """Harbor City — The port board voted on the new rates on Friday.
"The tide has turned," said Port Director Lena Ortiz, "and the cranes are busy again."
The Harbor Port Authority (HPA) said the new rates "will not cost a single job this year."
After the vote a senior dock official said the vote had split the board down the middle.
"""
FACTS = "\n".join(article_section("Port board votes on new harbor rates", outlet="Harbor Times",
                                  dateline="Harbor City", published="2026-03-06")) + """
organizations:
  - id: harbor-port-authority
    name: Harbor Port Authority
    acronym: HPA
people:
  - id: lena-ortiz
    name: Lena Ortiz
roles:
  - person: lena-ortiz
    title: Port Director
    organization: harbor-port-authority
    basis: inferred
    basis_note: The text does not say whose director she is.
    evidence: Port Director Lena Ortiz
quotes:
  - id: q1
    speaker: lena-ortiz
    kind: direct
    verb: said
    attribution: explicit
    text: The tide has turned
  - id: q2
    speaker: lena-ortiz
    kind: direct
    verb: said
    attribution: explicit
    text: and the cranes are busy again.
    continues: q1
    review: draft
  - id: q3
    speaker_organization: harbor-port-authority
    kind: partial
    verb: said
    attribution: explicit
    text: will not cost a single job this year.
  - id: r1
    unnamed_source: a senior dock official
    kind: indirect
    verb: said
    attribution: explicit
    text: the vote had split the board down the middle
"""
WHOLE = "The tide has turned … and the cranes are busy again."


@pytest.fixture(scope="module")
def citation_db(build_with_articles):
    return build_with_articles({SLUG: (ARTICLE, FACTS)}, "citation")


@pytest.fixture
def ds(citation_db, serve_db):
    return serve_db(citation_db)


async def top_match(ds, pasted):
    return (await ds.client.get("/check.json?" + urlencode({"q": pasted}))).json()["matches"][0]


async def page_citation(ds, quote_id):
    return (await ds.client.get(f"/quotes/{quote_id}.json")).json()["citation"]


@pytest.mark.parametrize("pasted,quote_id", [
    ("The tide has turned, and the cranes are busy again.", f"{SLUG}-q1"),  # split, its 2nd part a draft
    ("will not cost a single job this year", f"{SLUG}-q3"),  # an organization, with its acronym
    ("the vote had split the board down the middle", f"{SLUG}-r1"),  # an unnamed source's reported statement
    ("she had been a victim of violations of procedural rights and political persecution",
     f"{SEED}-r8"),  # reported by someone, inferred
    ("Mexico did not declare the Peruvian ambassador persona non grata in 2022", f"{SEED}-q6"),  # a role
])
async def test_check_cites_a_quote_as_its_quote_page_does(ds, pasted, quote_id):
    found = await top_match(ds, pasted)
    assert found["quote_id"] == quote_id
    assert found["citation"] == await page_citation(ds, quote_id)


async def test_the_citation_gives_the_role_the_whole_words_and_the_outlet(ds):
    citation = await page_citation(ds, f"{SLUG}-q1")
    assert citation.startswith(
        "Lena Ortiz (described in the article as Port Director, Harbor Port Authority (HPA) (organization "
        f"inferred)), said: “{WHOLE}” Machine draft, not yet reviewed. "  # the draft part is in the words cited
        "In “Port board votes on new harbor rates” (editorial headline), Harbor Times, Harbor City, 2026-03-06. "
        f"article-facts {SLUG}-q1, http://localhost/quotes/{SLUG}-q1. Accessed "), citation
    assert (await top_match(ds, WHOLE))["citation"] == citation
    # an article with no outlet: no empty place for it
    seed = await page_citation(ds, f"{SEED}-q6")
    assert "(editorial headline), Mexico City, Mexico, publication date not given. article-facts" in seed


async def test_the_check_page_shows_the_same_citation(ds):
    pasted = "will not cost a single job this year"
    page = (await ds.client.get("/check?" + urlencode({"q": pasted}))).text
    shown = re.search(r'<textarea class="citation"[^>]*>([^<]*)</textarea>', page).group(1)
    citation = await page_citation(ds, f"{SLUG}-q3")
    assert html.unescape(shown) == citation
    assert citation.startswith("Harbor Port Authority (described in the article as HPA), said: "
                               "[partial quote, not verbatim] will not cost a single job this year. In ")
