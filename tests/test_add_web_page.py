"""`build_db.py add page.html`: the main text and metadata through real trafilatura; site
furniture stays out of article.txt; the page is kept as source.html; options override the page;
a page with no text, a page not in its declared charset and an oversized file are refused."""
import sqlite3
from pathlib import Path

import pytest
import yaml

import build_db
from conftest import run_add
from article_facts.safe_files import MAX_FILE_BYTES

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Council passes budget | City Ledger</title>
<link rel="canonical" href="https://ledger.example/2024/budget">
<meta property="og:site_name" content="City Ledger"><meta name="author" content="Jo Park">
<meta property="article:published_time" content="2024-03-04T10:00:00Z"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/city">City news</a></li></ul></nav>
<article><h1>Council passes budget</h1><p class="byline">By Jo Park</p>
<p>The city council approved the budget on Monday after a long debate about road repairs and the new library.</p>
<div id="ad-banner" class="ad-container"><p>Subscribe now for one dollar a week</p></div>
<figure><img src="x.jpg" alt=""><figcaption>The council chamber on Monday evening.</figcaption></figure>
<p>“We are ready to build,” said Mayor Ana Ruiz, who had argued for the plan since January.</p>
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Bridge closes for repairs</a></li></ul></aside>
<footer><p>Copyright City Ledger</p></footer></body></html>"""


def page(tmp_path, content, name="council-budget.html"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_a_saved_page_gives_the_body_and_the_metadata(seeds, tmp_path):
    source = page(tmp_path, PAGE)
    done = run_add(seeds, source)
    assert done.returncode == 0, done.stderr
    folder = seeds / "council-budget"
    text = (folder / "article.txt").read_text(encoding="utf-8")
    assert "approved the budget on Monday" in text and "“We are ready to build,” said Mayor Ana Ruiz" in text
    for furniture in ("Home", "City news", "chamber on Monday evening", "Related stories", "Bridge closes",
                      "Copyright", "By Jo Park", "Subscribe now"):
        assert furniture not in text
    assert (folder / "source.html").read_bytes() == source.read_bytes()
    article = yaml.safe_load((folder / "facts.yml").read_text(encoding="utf-8"))["article"]
    assert {k: article.get(k) for k in ("headline", "headline_source", "author", "published", "outlet", "url")} == {
        "headline": "Council passes budget", "headline_source": "article", "author": "Jo Park",
        "published": "2024-03-04", "outlet": "City Ledger", "url": "https://ledger.example/2024/budget"}
    build_db.build(seeds, tmp_path / "facts.db")  # source.html beside it: the build accepts the folder
    body, = sqlite3.connect(tmp_path / "facts.db").execute(
        "select body from articles where id = 'council-budget'").fetchone()
    assert body == text


WEB_PAGES = Path(__file__).parent / "web_pages"
# Three differently built news sites, each page saved whole with its furniture: the exact body
# `add` must keep (no nav, breadcrumbs, byline, captions, share tools, related or most-read
# lists, ads, promos, newsletter boxes, footers) and the metadata it must find.
SITES = {
    # the inline PAGE: meta author, article:published_time, og:site_name, <link rel=canonical>,
    # a byline paragraph, an ad block and a caption inside <article>, a related aside
    "city-ledger": (None, (
        "Council passes budget\n"  # its <h1> is inside <article>: the text's first line
        "The city council approved the budget on Monday after a long debate about road repairs and the new library.\n"
        "“We are ready to build,” said Mayor Ana Ruiz, who had argued for the plan since January.\n"),
        {"headline": "Council passes budget", "headline_source": "article", "author": "Jo Park",
         "published": "2024-03-04", "outlet": "City Ledger", "url": "https://ledger.example/2024/budget"}),
    # JSON-LD NewsArticle (publisher, no date), author only in <a rel="author">, the date only in
    # <time datetime>, breadcrumbs, share tools, a "More from News" list
    "harbor-times-ferry-fares": ("harbor-times-ferry-fares.html", (
        "Ferry fares between the harbor and the three outer islands will rise by nine percent from June, the port "
        "authority announced on Tuesday.\n"
        "“We have held prices for four years while fuel costs doubled,” said Henrik Dahl, the authority's director "
        "of operations. “We cannot carry that any longer.”\n"
        "Island councillors called the increase a blow to families who commute to the mainland for work and school.\n"
        "Councillor Ingrid Holm said the authority had not consulted the islands before deciding and asked for a "
        "season ticket for residents.\n"
        "The authority said it would review the fares again in the autumn once the new vessel enters service.\n"),
        {"headline": "Ferry fares to rise in June, port authority says", "headline_source": "editorial",
         "author": "Maria Lindqvist",
         "published": "2024-05-14", "outlet": "Harbor Times",
         "url": "https://www.harbortimes.example/news/2024/05/14/ferry-fares-rise-june"}),
    # a WordPress-style page: og: meta only, the byline in <span class="byline">, a figure
    # caption, an ad and a promo *inside* <article>'s content, a newsletter box, related links
    # and most-read in a sidebar
    "valley-courier-school-roof": ("valley-courier-school-roof.html", (
        "Repairs to the leaking roof at Northfield Primary School will not start until the autumn half-term, the "
        "county education office confirmed this week.\n"
        "The contractor chosen in January withdrew after its price rose by a third, and the work has to be offered "
        "for tender again.\n"
        "“Children are learning with buckets on the floor,” said Priya Nair, who chairs the school's parents' "
        "association. “Another six months is not acceptable.”\n"
        "Head teacher David Moss said two classrooms had been closed and lessons moved to the hall when it rains.\n"
        "The education office said temporary covers would be fitted before the end of March.\n"),
        {"headline": "School roof repairs delayed until autumn", "headline_source": "editorial", "author": "Tom Okafor", "published": "2024-02-27",
         "outlet": "The Valley Courier",
         "url": "https://valleycourier.example/local/school-roof-repairs-delayed-4471"}),
}


@pytest.mark.parametrize("site", SITES)
def test_three_differently_built_sites_give_the_exact_body_and_metadata(seeds, tmp_path, site):
    name, body, expected = SITES[site]
    source = page(tmp_path, PAGE, f"{site}.html") if name is None else WEB_PAGES / name
    done = run_add(seeds, source)
    assert done.returncode == 0, done.stderr
    folder = seeds / site
    assert (folder / "article.txt").read_text(encoding="utf-8") == body
    assert (folder / "source.html").read_bytes() == source.read_bytes()
    article = yaml.safe_load((folder / "facts.yml").read_text(encoding="utf-8"))["article"]
    # headline_source: 'article' where the headline is a line of the text, else the page's title
    assert {k: article.get(k) for k in expected} == expected


def test_ads_promos_and_newsletters_inside_the_article_are_dropped():
    """trafilatura keeps a promo block inside <article> as text; it is dropped before, with its
    neighbours' text intact, and a class that only contains "ad" (header, download) is kept."""
    from lxml import html as lxml_html
    from article_facts.extract.web_page import without_furniture
    tree = lxml_html.fromstring(
        '<div><article><p>One.</p><div class="promo"><p>Read more</p></div>tail stays'
        '<aside class="ad-inline">Sale</aside><p class="header download">Two.</p>'
        '<div id="newsletter-signup">Sign up</div><span class="sponsored">Paid</span></article></div>')
    assert without_furniture(tree).text_content() == "One.tail staysTwo."


def test_options_override_the_page(seeds, tmp_path):
    done = run_add(seeds, page(tmp_path, PAGE), "--outlet", "The Ledger", "--published", "2024-03-05")
    assert done.returncode == 0, done.stderr
    article = yaml.safe_load((seeds / "council-budget" / "facts.yml").read_text(encoding="utf-8"))["article"]
    assert (article["outlet"], article["published"], article["author"]) == ("The Ledger", "2024-03-05", "Jo Park")


@pytest.mark.parametrize("content, message", [
    ("<html><head><title>Empty</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
     "the page has no article text"),
    (PAGE.replace("We are", "We\u00e9 are").encode("latin-1", "replace"), "is not valid utf-8"),
    (PAGE.replace('charset="utf-8"', 'charset="shift_jis"').replace("Monday", "\u00e9").encode("utf-8"),
     "is not valid shift_jis"),
    (PAGE + " " * MAX_FILE_BYTES, "larger than 2 MB"),
])
def test_a_page_that_cannot_be_added_is_a_one_line_refusal(seeds, tmp_path, content, message):
    before = sorted(p.name for p in seeds.iterdir())
    done = run_add(seeds, page(tmp_path, content))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert sorted(p.name for p in seeds.iterdir()) == before
