"""The review server in process (article_facts/review_server.py + article_facts/review/): real
Datasettes on real archives (the seeds plus a machine draft made by `build_db.py add`).

- a save is checked, written (one line for an accept) and published: the public pages of the
  same server show it;
- an edit the build refuses is refused with its one-line error in the page, nothing written;
- POST only, Datasette's CSRF token and cookie required, GET never changes anything;
- `make serve` and serve-prod Datasettes in this same process (where the review plugin is
  registered) have no review route and no write route at all.
"""
import asyncio
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from article_facts import serve
from article_facts.review_server import make_datasette
from conftest import DRAFTED, SLUG

ARTICLE_PAGE = f"/-/review/{DRAFTED}"


@pytest.fixture
def archive(drafted_template, tmp_path):
    """(seeds folder, facts.db) of this test's own copy."""
    shutil.copytree(drafted_template, tmp_path / "archive")
    return tmp_path / "archive" / "seeds", tmp_path / "archive" / "facts.db"


@pytest.fixture
def review(archive):
    return make_datasette(archive[1], archive[0])


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(archive):
    """Every seeds file and the database, by content."""
    seeds, db = archive
    return {str(p.relative_to(seeds.parent)): digest(p) for p in sorted([*seeds.rglob("*"), db]) if p.is_file()}


def facts(archive):
    return yaml.safe_load((archive[0] / DRAFTED / "facts.yml").read_text(encoding="utf-8"))


async def session(ds, path=ARTICLE_PAGE):
    """(CSRF token from the page's forms, the cookies a browser would hold)."""
    page = await ds.client.get(path)
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)[1]
    return token, {"ds_csrftoken": page.cookies["ds_csrftoken"]}


async def post(ds, form, path=ARTICLE_PAGE):
    token, cookies = await session(ds, path)
    return await ds.client.post(path, data={"csrftoken": token, **form}, cookies=cookies)


def quote_form(archive, key, action, **more):
    quotes = facts(archive)["quotes"]
    index = next(i for i, q in enumerate(quotes) if q["id"] == key)
    return {"action": action, "section": "quotes", "index": str(index), "ident": key, **more}


async def published(ds, quote_id):
    response = await ds.client.get(f"/facts/quotes/{quote_id}.json?_shape=objects")
    if response.status_code == 404:
        return None
    rows = response.json()["rows"]
    return rows[0] if rows else None


def drafted_entries(archive):
    """The drafted article's drafts, counted from its facts.yml by hand: the article itself,
    its people, organizations and countries, and its facts."""
    drafted = facts(archive)
    return (drafted["article"].get("review") == "draft") + sum(
        1 for section in drafted.values() if isinstance(section, list)
        for e in section if isinstance(e, dict) and e.get("review") == "draft")


async def test_the_list_counts_each_articles_drafts(review, archive):
    response = await review.client.get("/-/review")
    assert response.status_code == 200
    items = re.findall(r'<li[^>]*><a href="(/-/review/[^"]+)">.*?<span class="review-count">(.*?)</span>\s*<span',
                       response.text, re.S)
    assert [href for href, _ in items] == [ARTICLE_PAGE, f"/-/review/{SLUG}"]  # drafts first
    drafts = drafted_entries(archive)
    assert drafts > len(facts(archive)["quotes"]) + 1  # people and organizations are drafts too
    assert f">{drafts} of {drafts} entries drafted<" in items[0][1]  # nothing of the draft is checked yet
    assert "all" in items[1][1] and "checked" in items[1][1]
    assert f"<p class=\"lede\">{drafts} drafted entries still to review" in response.text


async def review_counts(ds):
    """The drafted article's drafts as /articles.json, the review list and its review page say."""
    listed = (await ds.client.get("/articles.json")).json()["articles"]
    progress = next(a["progress"] for a in listed if a["id"] == DRAFTED)
    review_list = (await ds.client.get("/-/review")).text
    item = review_list[review_list.index(f'href="{ARTICLE_PAGE}"'):]
    in_list = re.search(r'<span class="review-count">.*?(\d+) of (\d+) entries drafted', item, re.S)
    page = (await ds.client.get(ARTICLE_PAGE)).text
    on_page = re.search(r'<span class="review-drafts">(\d+) of (\d+) entries</span>', page)
    return {"articles": (progress["entries"] - progress["checked"], progress["entries"]),
            "list": tuple(map(int, in_list.groups())), "page": tuple(map(int, on_page.groups()))}


async def test_the_review_pages_count_the_drafts_the_articles_page_counts(review, archive):
    """One definition of an entry (article_facts/review_entries.py): the review list's and the
    review page's draft counts are /articles' entry_count - checked_count, before and after a
    reviewer accepts a drafted person (an entry shared across articles, once left out of the
    list's count)."""
    drafts = drafted_entries(archive)
    before = await review_counts(review)
    assert before["articles"] == before["list"] == before["page"] == (drafts, drafts)
    person = facts(archive)["people"][0]
    form = {"action": "accept", "section": "people", "index": "0", "ident": person["id"]}
    assert (await post(review, form)).status_code == 302
    after = await review_counts(review)
    assert after["articles"] == after["list"] == after["page"] == (drafts - 1, drafts)


async def test_the_article_page_shows_each_draft_beside_its_paragraph(review, archive):
    response = await review.client.get(ARTICLE_PAGE)
    assert response.status_code == 200
    text = response.text
    assert '<mark class="review-words">Tonight Halverston decided it is done thinking small.</mark>' in text
    assert "pronoun &#39;He&#39; resolved to Desmond Achterberg, the last named man" in text
    assert text.count('<section class="review-entry"') == drafted_entries(archive)
    assert '<script src="/assets/review.js"></script>' in text
    assert (await review.client.get("/assets/review.js")).status_code == 200
    # the article's own entry: its headline can be written (the draft's note asks for one)
    article_entry = text[text.index('id="article-article"'):text.index('<section class="review-entry"', text.index('id="article-article"'))]
    assert 'name="section" value="article"' in article_entry and "Save headline" in article_entry


async def test_accept_writes_one_line_and_publishes(review, archive):
    path = archive[0] / DRAFTED / "facts.yml"
    before = path.read_text(encoding="utf-8")
    assert (await published(review, f"{DRAFTED}-q2"))["review"] == "draft"
    response = await post(review, quote_form(archive, "q2", "accept"))
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith(ARTICLE_PAGE)
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("  review: draft", "  review: checked")]
    assert len(before.splitlines()) == len(after.splitlines())
    assert (await published(review, f"{DRAFTED}-q2"))["review"] == "checked"
    quote_page = await review.client.get(f"/quotes/{DRAFTED}-q2")
    assert quote_page.status_code == 200 and "not yet reviewed" not in quote_page.text


async def test_reject_and_change_speaker_are_published(review, archive):
    assert (await post(review, quote_form(archive, "q15", "reject"))).status_code == 302
    assert await published(review, f"{DRAFTED}-q15") is None
    assert "q15" not in [q["id"] for q in facts(archive)["quotes"]]
    response = await post(review, quote_form(archive, "q2", "speaker", speaker="person:teodor-vasic"))
    assert response.status_code == 302, response.text
    assert (await published(review, f"{DRAFTED}-q2"))["speaker_id"] == "teodor-vasic"
    assert (await review.client.get(f"/quotes/{DRAFTED}-q2")).text.count("Teodor Vasić") >= 1


async def test_an_invalid_edit_is_refused_and_nothing_is_written(review, archive):
    before = snapshot(archive)
    response = await post(review, quote_form(archive, "q1", "words", words="Words that are not in the article"))
    assert response.status_code == 400
    error = re.search(r'<p class="review-error" role="alert">Not saved: (.*?)</p>', response.text)[1]
    assert "\n" not in error
    assert f"seeds/{DRAFTED}/facts.yml: quotes[0] (q1): field &#39;text&#39;: not found verbatim" in error
    assert snapshot(archive) == before
    assert (await published(review, f"{DRAFTED}-q1"))["text"] == "Tonight Halverston decided it is done thinking small."


async def test_a_post_without_the_csrf_cookie_or_token_changes_nothing(review, archive):
    before = snapshot(archive)
    form = quote_form(archive, "q2", "accept")
    token, cookies = await session(review)
    no_cookie = await review.client.post(ARTICLE_PAGE, data={"csrftoken": token, **form})
    assert no_cookie.status_code == 403  # how a form on another site arrives (SameSite cookies)
    no_token = await review.client.post(ARTICLE_PAGE, data=form, cookies=cookies)
    assert no_token.status_code == 403
    cross_site = await review.client.post(ARTICLE_PAGE, data={"csrftoken": token, **form}, cookies=cookies,
                                          headers={"sec-fetch-site": "cross-site"})
    assert cross_site.status_code == 403
    # another port of 127.0.0.1 is the same site, and shares the cookie: not this origin
    for headers in ({"sec-fetch-site": "same-site"}, {"origin": "http://127.0.0.1:9"}):
        other_port = await review.client.post(ARTICLE_PAGE, data={"csrftoken": token, **form}, cookies=cookies,
                                              headers=headers)
        assert other_port.status_code == 403, headers
    assert snapshot(archive) == before
    same_origin = await review.client.post(ARTICLE_PAGE, data={"csrftoken": token, **form}, cookies=cookies,
                                           headers={"sec-fetch-site": "same-origin", "origin": "http://localhost"})
    assert same_origin.status_code == 302, same_origin.text


async def test_a_save_that_cannot_be_published_is_not_saved(review, archive):
    """Another build or append writing to the database's folder (a `make add`, say): the save
    is refused with the build's one-line reason, and facts.yml is left as it was."""
    before = snapshot(archive)
    folder = os.open(archive[1].parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        response = await post(review, quote_form(archive, "q2", "accept"))
    finally:
        os.close(folder)
    assert response.status_code == 400
    assert "another build or append is writing to" in response.text
    assert snapshot(archive) == before


async def test_two_saves_at_once_both_publish(review, archive):
    """A second click while a save runs queues behind it; neither is cut off by the other's
    swap of the database (each answers its redirect, and both changes are published)."""
    first, second = quote_form(archive, "q2", "accept"), quote_form(archive, "q3", "accept")
    responses = await asyncio.gather(post(review, first), post(review, second))
    assert [r.status_code for r in responses] == [302, 302], [r.text[:200] for r in responses]
    assert [(await published(review, f"{DRAFTED}-{key}"))["review"] for key in ("q2", "q3")] == ["checked"] * 2


async def test_get_never_changes_anything(review, archive):
    before = snapshot(archive)
    query = "&".join(f"{k}={v}" for k, v in quote_form(archive, "q2", "accept").items())
    assert (await review.client.get(f"{ARTICLE_PAGE}?{query}")).status_code == 200
    assert (await review.client.get(f"/-/review?{query}")).status_code == 200
    assert snapshot(archive) == before


# --- the public servers: no review route, no write route ---

PUBLIC_PATHS = ["/", "/facts", "/facts/quotes", "/facts/articles", f"/facts/quotes/{DRAFTED}-q1",
                f"/quotes/{DRAFTED}-q1", f"/articles/{DRAFTED}", "/speakers/desmond-achterberg",
                "/assets/site.css", "/assets/review.js", "/-/metadata", "/facts/search",
                "/facts/quotes/-/insert", "/facts/-/create", f"/facts/quotes/{DRAFTED}-q1/-/update",
                f"/facts/quotes/{DRAFTED}-q1/-/delete", "/facts/quotes/-/drop", "/-/permissions"]
REVIEW_PATHS = ["/-/review", ARTICLE_PAGE, f"/-/review/{SLUG}", "/-/review/no-such-article"]


@pytest.fixture
def public_servers(archive, serve_db):
    """`make serve`'s Datasette and serve-prod's, on the drafted archive."""
    seeds, db = archive
    inspect_file = db.with_suffix(".inspect.json")
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(inspect_file)],
                   check=True)
    return {"serve": serve_db(db), "serve-prod": serve.make_datasette(db, inspect_file)}


async def test_serve_and_serve_prod_have_no_review_or_write_route(review, archive, public_servers):
    """The review plugin is registered in this process (the review fixture made it): still,
    a public Datasette answers 404 on every review path, and every POST is refused."""
    before = snapshot(archive)
    token, cookies = await session(review)
    for name, ds in public_servers.items():
        for path in REVIEW_PATHS:
            assert (await ds.client.get(path)).status_code == 404, (name, path)
        for path in PUBLIC_PATHS + REVIEW_PATHS:
            form = {"csrftoken": token, **quote_form(archive, "q2", "accept")}
            for kwargs in ({}, {"data": form, "cookies": cookies}):
                response = await ds.client.post(path, **kwargs)
                assert response.status_code in (403, 404, 405), (name, path, response.status_code)
    assert snapshot(archive) == before


async def test_the_review_server_takes_post_on_review_pages_only(review, archive):
    before = snapshot(archive)
    token, cookies = await session(review)
    for path in ("/facts/quotes", f"/quotes/{DRAFTED}-q1", "/facts/-/query", "/-/messages"):
        response = await review.client.post(path, data={"csrftoken": token}, cookies=cookies)
        assert response.status_code == 405, (path, response.status_code)
    for method in ("PUT", "DELETE", "PATCH"):
        response = await review.client.request(method, ARTICLE_PAGE, cookies=cookies)
        assert response.status_code == 405, method
    assert (await review.client.post("/-/review", data={"csrftoken": token}, cookies=cookies)).status_code == 405
    assert snapshot(archive) == before
