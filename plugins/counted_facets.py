"""Facet counts that are computed once, not on every page view.

Counting a column over a million quotes takes a few hundred milliseconds, and the quotes table
shows six facets: Datasette 0.65 would recount them on every page (and on every page of a CSV
export) and time out on a busy server. The database is read-only while served, so the counts
for a given table, filter and column never change: this facet type (`counted` in
metadata.yml) works exactly like Datasette's column facet but keeps each count it makes, and
counts the unfiltered tables' facets when the server starts. Filtered pages are counted the
first time they are asked for, within the facet time limit, then kept (at most MAX_KEPT).
"""
import asyncio
import weakref
from collections import OrderedDict

from datasette import hookimpl
from datasette.facets import ColumnFacet

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

        self.ds = Counting(datasette, execute)
        try:
            return await super().facet_results()
        finally:
            self.ds = datasette


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
