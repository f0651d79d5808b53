"""The home page says how much of the archive a person has checked, from the database: the
sums of the per-article counts the build writes (articles.entry_count, checked_count), read
from their index alone, so the claim on the front page is never more than the data supports."""
from datasette import hookimpl

from article_facts.contract import DATABASE_NAME as DB

REVIEW_STATUS_SQL = """
select count(*) as articles, coalesce(sum(entry_count), 0) as entries,
  coalesce(sum(checked_count), 0) as checked,
  coalesce(sum(checked_count < entry_count), 0) as articles_with_drafts
from articles indexed by idx_articles_checked_count_entry_count
"""


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
