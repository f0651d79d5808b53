"""The Articles page, /articles (and /articles.json): the desk's list of every article, newest
first, with its outlet, byline, date, quote count and review progress (checked of all entries),
linking to the article view, and on the review server (`make review`) to its review page.

Fast at any size: a page of ARTICLES_PER_PAGE rowids is read from the (published, id) index
alone, and the counts are columns the build wrote once per article (articles.quote_count,
entry_count, checked_count: article_facts/article.py, what an entry is in review_entries.py),
so no page counts quotes; the review server's list reads the same columns.
"""
from datasette import hookimpl
from datasette import NotFound, Response

from article_facts.contract import DATABASE_NAME as DB
from article_facts.origin import public_url
from article_facts.paging import page_count, page_number, pager
from article_facts.review_mode import in_review_mode, review_path

ARTICLES_PER_PAGE = 50
# Newest first; articles with no publication date last (NULLs sort last in descending order),
# ties by id. The rowids of one page come from the index alone; only those rows are read.
ARTICLES_SQL = """
with shown as (
  select rowid from articles indexed by idx_articles_published_id
  order by published desc, id desc limit :limit offset :offset
)
select a.id, a.headline, a.headline_source, a.outlet, a.author, a.url, a.published, a.review,
  a.quote_count, a.entry_count, a.checked_count
from shown join articles a on a.rowid = shown.rowid
order by a.published desc, a.id desc
"""
ARTICLE_TOTAL_SQL = "select articles from review_counts"  # counted by the build and append


def progress(article):
    """'12 of 40 checked' and its share in whole percent (0 when an article has no entries)."""
    total, checked = article["entry_count"] or 0, article["checked_count"] or 0
    return {"checked": checked, "entries": total, "drafts": total - checked,
            "percent": round(100 * checked / total) if total else 100}


def listed(datasette, article, review):
    """One row of the list, with its links (the review page only on the review server)."""
    return dict(
        article, progress=progress(article),
        urls={
            "article": datasette.urls.path(f"/articles/{article['id']}"),
            "json": datasette.urls.path(f"/articles/{article['id']}.json"),
            "review": datasette.urls.path(review_path(article["id"])) if review else None,
        },
    )


async def articles_view(datasette, request):
    if DB not in datasette.databases:
        raise NotFound(f"This page reads the database named {DB!r} (serve facts.db)")
    db = datasette.get_database(DB)
    total = (await db.execute(ARTICLE_TOTAL_SQL)).first()[0]
    pages = page_count(total, ARTICLES_PER_PAGE)
    number = min(page_number(request), pages)
    found = await db.execute(ARTICLES_SQL, {"limit": ARTICLES_PER_PAGE, "offset": (number - 1) * ARTICLES_PER_PAGE})
    review = in_review_mode(datasette)
    path = datasette.urls.path("/articles")
    query = f"?page={number}" if number > 1 else ""
    data = {
        "articles": [listed(datasette, dict(row), review) for row in found.rows],
        "total": total,
        "review_mode": review,
        "page": pager(path, number, pages, ARTICLES_PER_PAGE, bare_first=True),
        "urls": {
            "canonical": public_url(datasette, path + query, request),
            "json": f"{path}.json{query}",
            "table": datasette.urls.table(DB, "articles"),
            "review": datasette.urls.path(review_path()) if review else None,
        },
    }
    if request.url_vars.get("format") == "json":
        return Response.json(data)
    return Response.html(
        await datasette.render_template("articles.html", {"data": data}, request=request, view_name="page"))


@hookimpl
def register_routes():
    return [(r"^/articles(\.(?P<format>json))?$", articles_view)]
