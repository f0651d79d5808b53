"""Paging for the saved queries that show 100 rows at a time (their SQL takes `page`).

A page of results never looks like the whole answer: the query page says which rows these
are, how many there are in all where counting is cheap ("more than 1,000" where it is not),
and links to the previous and next page (templates/query-facts.html draws it).
"""
import re
import sqlite3
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted

from article_facts.contract import DATABASE_NAME as DB
PAGE_SIZE = 100
COUNT_CAP = 1000
# Each paged query's total, counted at most to COUNT_CAP + 1 rows where it could be large.
FTS_TERMS = """'"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(
  trim(:q), '"', ''), char(9), ' '), char(10), ' '), char(11), ' '), char(12), ' '),
  char(13), ' '), char(160), ' '), char(8239), ' '), ' ', '" "') || '"'"""
COUNT_SQL = {
    "search": f"""
        select case when trim(:q) = '' then (select count(*) from (select 1 from quotes limit 1001))
        else (select count(*) from (select 1 from quotes_fts where quotes_fts match {FTS_TERMS} limit 1001))
          + (select count(*) from (select 1 from paragraphs_fts where paragraphs_fts match {FTS_TERMS} limit 1001))
        end""",
    "quotes_by_speaker": """
        select case when trim(:speaker) = '' then (select count(*) from quotes)
        else (select coalesce(sum(total), 0) from speaker_counts where speaker_key in (
          select people.id from people join people_fts on people_fts.rowid = people.rowid
          where people_fts match '"' || replace(:speaker, '"', '""') || '"*'
          union all
          select organizations.id from organizations
          join organizations_fts on organizations_fts.rowid = organizations.rowid
          where organizations_fts match '"' || replace(:speaker, '"', '""') || '"*'))
        end""",
    "legal_basis": "select count(*) from legal_references",
    "timeline": "select count(*) from events",
    "speakers": "select count(*) from speaker_counts",
}
# search counts its matches only up to COUNT_CAP + 1 (a common word has hundreds of thousands);
# statements_mentioning has no cheap total: its pager says "and more" while pages are full.
CAPPED = {"search"}
PAGED_WITHOUT_COUNT = {"statements_mentioning"}


PAGE_RE = re.compile(r"[1-9][0-9]*")
MAX_PAGE = 10000


def page_number(value):
    """The page the query's SQL shows for this `page` value: digits 1-9 then 0-9 only (as its
    `glob` test), at most MAX_PAGE; anything else is page 1."""
    value = str(value)
    if not PAGE_RE.fullmatch(value):
        return 1
    return MAX_PAGE if len(value) > len(str(MAX_PAGE)) else min(int(value), MAX_PAGE)  # int() refuses 4,300+ digits


def paging(number, shown, total, capped, path_for_page):
    """What the pager says: rows first-last, the total (or "more than COUNT_CAP" when the
    count stopped there), and links to the pages around."""
    first = (number - 1) * PAGE_SIZE + 1
    over = capped and total is not None and total > COUNT_CAP
    more = number < MAX_PAGE and shown == PAGE_SIZE and (total is None or over or total > number * PAGE_SIZE)
    return {
        "first": first if shown else 0,
        "last": first + shown - 1,
        "total": None if over else total,
        "total_text": None if total is None else (f"more than {COUNT_CAP:,}" if over else f"{total:,}"),
        "previous": path_for_page(number - 1) if number > 1 else None,
        "next": path_for_page(number + 1) if more else None,
    }


@hookimpl
def extra_template_vars(template, database, request, datasette):
    """`pager(shown)` for templates/query-facts.html, on the paged saved queries only."""
    name = request.url_vars.get("table") if request else None
    if database != DB or not template.startswith("query") or (
            name not in COUNT_SQL and name not in PAGED_WITHOUT_COUNT):
        return {}

    async def inner():
        total = None
        if name in COUNT_SQL:
            params = {key: request.args.get(key, "") for key in ("q", "speaker")}
            try:
                total = (await datasette.get_database(DB).execute(COUNT_SQL[name], params)).first()[0]
            except (sqlite3.Error, QueryInterrupted):
                # Input the query itself rejects (a NUL in q): Datasette's error page says so;
                # a count that fails must not turn it into a 500.
                total = None
        number = page_number(request.args.get("page", ""))
        others = [(k, v) for k in request.args for v in request.args.getlist(k) if k != "page"]

        def path_for_page(n):
            return datasette.urls.path(f"/{DB}/{name}") + "?" + urlencode(others + [("page", n)])

        return {"pager": lambda shown: paging(number, shown, total, name in CAPPED, path_for_page)}

    return inner
