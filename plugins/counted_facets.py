"""Facet counts that are computed once, not on every page view.

Counting a column over a million quotes takes a few hundred milliseconds, and the quotes table
shows six facets: Datasette 0.65 would recount them on every page (and on every page of a CSV
export) and time out on a busy server. The database is read-only while served, so the counts
for a given table, filter and column never change: this facet type (`counted` in
metadata.yml) works exactly like Datasette's column facet but keeps each count it makes, and
counts the unfiltered tables' facets when the server starts. Filtered pages are counted the
first time they are asked for, within the facet time limit, then kept (at most MAX_KEPT).

A table's later pages (`?_next=`) show the same counts as its first: Datasette 0.65 would count
only the rows after the page's keyset cursor, live on every page (two seconds at a million
quotes, and numbers that shrink as a reader pages on), so the cursor is taken out of the
counting query first.
"""
import asyncio
import re
import urllib.parse
import weakref
from collections import OrderedDict

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import compound_keys_after_sql, escape_sqlite

MAX_KEPT = 2000  # counts kept per database
MAX_KEPT_ROWS = 101  # values in one kept count (the default 30 shown, and more)
_kept = weakref.WeakKeyDictionary()  # Database -> OrderedDict((sql, params) -> Results)
_warming = set()  # the start-up counting tasks, kept so they are not garbage-collected


def remembered(db, key):
    kept = _kept.setdefault(db, OrderedDict())
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    return None


def remember(db, key, results):
    kept = _kept.setdefault(db, OrderedDict())
    kept[key] = results
    while len(kept) > MAX_KEPT:
        kept.popitem(last=False)
    return results


def cursor_clauses(pks, start, sort=None, sort_desc=None):
    """The WHERE clauses Datasette 0.65's table view (views/table.py) may add for a `_next`
    cursor whose parameters start at :p{start}, in every form it writes them."""
    after = f"rowid > :p{start}" if not pks else compound_keys_after_sql(pks, start)
    value = start + max(1, len(pks))  # the sort value's parameter comes after the keys'
    if sort:
        column = escape_sqlite(sort)
        return [f"({column} is not null or ({column} is null and {after}))",
                f"({column} > :p{value} or ({column} = :p{value} and {after}))"]
    if sort_desc:
        column = escape_sqlite(sort_desc)
        return [f"({column} is null and {after})",
                f"({column} < :p{value} or {column} is null or ({column} = :p{value} and {after}))"]
    return [after]


def without_cursor(sql, params, pks, sort=None, sort_desc=None):
    """(sql, params) of a table page's facet query with its `_next` cursor taken out: the last
    WHERE clause, if it is one of cursor_clauses(). Anything else comes back unchanged."""
    numbers = sorted(int(name[1:]) for name in params if re.fullmatch(r"p\d+", name))
    for start in numbers:
        for clause in cursor_clauses(pks, start, sort, sort_desc):
            for joined, keep in ((f" and {clause} ", " "), (f"where {clause} ", "")):
                if sql.endswith(joined):
                    used = set(re.findall(r":(p\d+)\b", clause))
                    return sql[:-len(joined)] + keep, {k: v for k, v in params.items() if k not in used}
    return sql, params


def without_next(url):
    """A URL without its `_next` cursor."""
    parts = urllib.parse.urlsplit(url)
    if "_next=" not in parts.query:
        return url
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "_next"]
    return parts._replace(query=urllib.parse.urlencode(query)).geturl()


class CountedColumnFacet(ColumnFacet):
    """ColumnFacet whose counting query runs once per table, filter and column, on a database
    served immutable (a mutable one may change under it)."""

    type = "counted"

    async def facet_results(self):
        datasette = self.ds

        async def execute(database, sql, params=None, **kwargs):
            db = datasette.get_database(database)
            if db.is_mutable:
                return await datasette.execute(database, sql, params, **kwargs)
            key = (sql, tuple(sorted((params or {}).items())))
            found = remembered(db, key)
            if found is None:
                found = await datasette.execute(database, sql, params, **kwargs)
                if len(found.rows) <= MAX_KEPT_ROWS:  # not ?_facet_size=max: memory stays small
                    remember(db, key, found)
            return found

        sql, params = self.sql, self.params
        if self.table and self.request.args.get("_next") and isinstance(params, dict):
            self.sql, self.params = without_cursor(sql, params, *await self.sort_keys())
        self.ds = Counting(datasette, execute)
        try:
            results, timed_out = await super().facet_results()
        finally:
            self.ds, self.sql, self.params = datasette, sql, params
        for facet in results:  # a value picked on a later page lists its rows from the first
            facet["toggle_url"] = without_next(facet["toggle_url"])
            for row in facet.get("results", []):
                row["toggle_url"] = without_next(row["toggle_url"])
        return results, timed_out

    async def sort_keys(self):
        """(primary keys, sort column, descending sort column) of this page, as the table
        view chose them: from the URL, else the table's metadata."""
        pks = await self.ds.get_database(self.database).primary_keys(self.table)
        args, table = self.request.args, self.ds.table_metadata(self.database, self.table)
        if args.get("_sort") or args.get("_sort_desc"):
            return pks, args.get("_sort"), args.get("_sort_desc")
        return pks, table.get("sort"), table.get("sort_desc")


class Counting:
    """The Datasette object as the facet sees it, with `execute` remembering its answers;
    everything else is Datasette's own."""

    def __init__(self, datasette, execute):
        self._datasette = datasette
        self.execute = execute

    def __getattr__(self, name):
        return getattr(self._datasette, name)


@hookimpl
def register_facet_classes():
    return [CountedColumnFacet]


@hookimpl
def startup(datasette):
    """On a production server (plugin config `warm: true`, set by article_facts/serve.py),
    count each table's facets in the background as soon as it starts, by asking for the table
    page itself (the same queries a visitor's request makes), so the first visitor does not
    wait for them."""
    if not (datasette.plugin_config("counted-facets") or {}).get("warm"):
        return
    tables = [
        f"/{database}/{table}.json?_size=0"
        for database, meta in (datasette.metadata().get("databases") or {}).items()
        if database in datasette.databases and not datasette.databases[database].is_mutable
        for table, table_meta in (meta.get("tables") or {}).items()
        if any(isinstance(f, dict) and "counted" in f for f in table_meta.get("facets") or [])
    ]

    async def warm():
        for path in tables:
            try:
                await datasette.client.get(path)
            except Exception as e:  # a table that fails here is counted on its first visit
                print(f"counted_facets: could not count {path} at startup: {e!r}")

    if tables:
        _warming.add(asyncio.get_running_loop().create_task(warm()))
