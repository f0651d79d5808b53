"""The home page says how much of the archive a person has checked, from the database: one
row the build and `append` write (review_counts, summed from the per-article counts
articles.entry_count and checked_count), so the front page's claim is never more than the data
supports and costs one lookup however large the archive."""
from datasette import hookimpl

from article_facts.contract import DATABASE_NAME as DB

REVIEW_STATUS_SQL = "select articles, entries, checked, articles_with_drafts from review_counts"


async def review_status(datasette):
    """{articles, entries, checked, drafts, articles_with_drafts}, or None without facts.db."""
    if DB not in datasette.databases:
        return None
    row = dict((await datasette.get_database(DB).execute(REVIEW_STATUS_SQL)).first())
    row["drafts"] = row["entries"] - row["checked"]
    return row


@hookimpl
def extra_template_vars(view_name, datasette):
    if view_name != "index":
        return {}

    async def status():
        return {"review_status": await review_status(datasette)}
    return status
