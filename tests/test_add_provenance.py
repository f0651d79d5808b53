"""`build_db.py add` with the article's provenance: --headline, --published, --url, --outlet and
--author go into the draft's article section and the database; a bad date or URL is a one-line
error naming the option, with nothing written; a dateline's date sets `published` unless one is
given."""
import sqlite3

import pytest
import yaml

import build_db
from conftest import run_add
from article_facts.extract import draft

STORY = """City council approves new budget
SPRINGFIELD, March 3, 2024 — The city council approved the budget on Monday.
“We are ready to build,” said Mayor Ana Ruiz.
"""


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "council-budget.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def article_of(seeds, slug="council-budget"):
    return yaml.safe_load((seeds / slug / "facts.yml").read_text(encoding="utf-8"))["article"]


def test_the_options_go_into_the_draft_and_the_database(seeds, story, tmp_path):
    done = run_add(seeds, story, "--url", "https://ledger.example/budget", "--outlet", "City Ledger",
               "--author", "Jo Park", "--published", "2024-03-04", "--headline", "Council passes the budget")
    assert done.returncode == 0, done.stderr
    article = article_of(seeds)
    assert {k: article.get(k) for k in ("url", "outlet", "author", "published", "headline", "headline_source")} == {
        "url": "https://ledger.example/budget", "outlet": "City Ledger", "author": "Jo Park",
        "published": "2024-03-04", "headline": "Council passes the budget", "headline_source": "editorial"}
    assert article["published_note"] == "Publication date given to build_db.py add."
    build_db.build(seeds, tmp_path / "facts.db")
    row = sqlite3.connect(tmp_path / "facts.db").execute(
        "select url, outlet, author, published, published_year from articles where id = 'council-budget'").fetchone()
    assert row == ("https://ledger.example/budget", "City Ledger", "Jo Park", "2024-03-04", "2024")


def test_a_headline_given_that_the_text_has_is_the_articles_own(seeds, story):
    done = run_add(seeds, story, "--headline", "City council approves new budget")
    assert done.returncode == 0, done.stderr
    assert article_of(seeds)["headline_source"] == "article"


def test_a_dateline_with_a_date_sets_published(seeds, story):
    done = run_add(seeds, story)
    assert done.returncode == 0, done.stderr
    article = article_of(seeds)
    assert (article["dateline"], article["published"]) == ("SPRINGFIELD, March 3, 2024", "2024-03-03")
    assert article["published_note"] == "From the dateline."
    assert "no publication date recorded" not in article["review_note"]


@pytest.mark.parametrize("dateline, date", [
    ("SPRINGFIELD, March 3, 2024", "2024-03-03"), ("Lima, 12 de marzo de 2024", "2024-03-12"),
    ("LONDON, 3 Sept. 2023", "2023-09-03"), ("Paris, 2022-11-30", "2022-11-30"),
    ("SPRINGFIELD, March 3", None), ("Mexico City, Mexico", None), ("Rome, February 30, 2024", None), (None, None),
])
def test_dateline_dates(dateline, date):
    assert draft.dateline_date(dateline) == date


@pytest.mark.parametrize("options, message", [
    (["--published", "2024-02-30"], "--published '2024-02-30': must be a real date as YYYY-MM-DD"),
    (["--published", "March 3"], "--published 'March 3': must be a real date as YYYY-MM-DD"),
    (["--url", "javascript:alert(1)"], "--url 'javascript:alert(1)': must be an http or https address"),
    (["--url", "ledger.example/budget"], "--url 'ledger.example/budget': must be an http or https address"),
    (["--author", "Jo\nPark"], "--author: must be one line of text, not empty"),
    (["--outlet", " "], "--outlet: must be one line of text, not empty"),
])
def test_a_bad_option_is_a_one_line_error_and_nothing_is_written(seeds, story, options, message):
    before = sorted(p.name for p in seeds.iterdir())
    done = run_add(seeds, story, *options)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Error: {message}" + (" (or YYYY-MM, YYYY)" if "date" in message else "")]
    assert sorted(p.name for p in seeds.iterdir()) == before


def run_extract(*argv):
    import subprocess
    import sys
    from conftest import ROOT
    return subprocess.run([sys.executable, "-m", "build_db", "extract", *map(str, argv)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_extract_takes_the_same_options_as_add(story, seeds):
    done = run_extract(story, "--seeds", seeds, "--url", "https://ledger.example/budget", "--outlet", "City Ledger",
                       "--author", "Jo Park", "--published", "2024-03-04", "--headline", "Council passes the budget")
    assert done.returncode == 0, done.stderr
    article = yaml.safe_load(done.stdout)["article"]
    assert {k: article.get(k) for k in ("url", "outlet", "author", "published", "headline", "headline_source")} == {
        "url": "https://ledger.example/budget", "outlet": "City Ledger", "author": "Jo Park",
        "published": "2024-03-04", "headline": "Council passes the budget", "headline_source": "editorial"}
    refused = run_extract(story, "--seeds", seeds, "--published", "2024-02-30")
    assert refused.returncode == 1 and refused.stderr.strip().splitlines() == [
        "Error: --published '2024-02-30': must be a real date as YYYY-MM-DD (or YYYY-MM, YYYY)"]
    from article_facts.extract.commands import add_command, extract_command
    options = {"--headline", "--published", "--url", "--outlet", "--author"}
    for command in (add_command, extract_command):
        assert options <= {name for param in command.params for name in param.opts}, command.name


def test_extract_reads_a_saved_page_with_the_options_over_it(seeds):
    from conftest import ROOT
    page = ROOT / "tests" / "web_pages" / "harbor-times-ferry-fares.html"
    done = run_extract(page, "--seeds", seeds, "--outlet", "The Harbor Times")
    assert done.returncode == 0, done.stderr
    article = yaml.safe_load(done.stdout)["article"]
    assert (article["outlet"], article["author"], article["published"]) == ("The Harbor Times", "Maria Lindqvist",
                                                                               "2024-05-14")
