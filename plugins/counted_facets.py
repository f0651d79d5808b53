"""The `counted` facet type (metadata.yml: `facets: [{counted: speaker_id}]`): a column's values
and their counts, like Datasette's column facet, without counting a million rows on every page.

- No filter: the counts come from the hidden table facet_counts, counted at build time
  (article_facts/facet_counts.py), on every page of the table.
- Filters that are plain `column=value` (or `column__exact=value`) on the table's columns:
  counted live from those filters alone, within the facet time limit, then kept in memory
  (the database is read-only while served). A later page (`?_next=`) shows the same counts as
  the first, since its cursor is not one of these filters.
- Any other filter (`_search=`, `column__gt=`, `_where=`, ...): the first page counts the rows
  Datasette's own query for it selects (the facet's sql and params, the documented way); a
  later page shows no facet counts, since that query would count only the rows after its
  cursor. Its first page has them.

A facet with no values is left out (no empty block). Values picked on any page link to the
first page of their filter. Built on the documented Facet base class and internals only.
"""
import asyncio
import os
import urllib.parse
from collections import OrderedDict

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet

from article_facts.facet_counts import KEEP, TABLE, counted_columns
from article_facts.live import file_version

MAX_KEPT = 2000  # facet lists kept per process, least recently used dropped first
MAX_KEPT_ROWS = 101  # a filter's longer lists (?_facet_size=max) are not kept: memory stays small
KEPT = OrderedDict()  # (database identity, table, column, filter, limit) -> (rows, truncated)

# Query-string arguments that do not change which rows a table page selects.
ROW_NEUTRAL = {
    "_next", "_size", "_sort", "_sort_desc", "_labels", "_nolabels", "_shape", "_json",
    "_json_infinity", "_nl", "_col", "_nocol", "_facet", "_facet_size", "_nocount", "_nofacet",
    "_nosuggest", "_trace", "_stream", "_dl", "_ttl", "_timelimit", "_header", "_context",
}


def quoted(name):
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def query_pairs(request):
    return urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)


def row_neutral(key):
    return key in ROW_NEUTRAL or (key.startswith("_facet_") and "__" not in key)


def row_filters(pairs, columns):
    """((column, value), ...) for a page whose filters are all `column=value` on the given
    columns, sorted; None if any argument may select rows some other way."""
    filters = []
    for key, value in pairs:
        if row_neutral(key):
            continue
        column = key[:-len("__exact")] if key.endswith("__exact") else key
        if column in columns and (not key.startswith("_") or key.endswith("__exact")):
            filters.append((column, value))
        else:
            return None
    return tuple(sorted(filters))


def with_query(path, pairs):
    query = urllib.parse.urlencode(pairs)
    return path + ("?" + query if query else "")


def identity(db):
    """What tells this database file from one swapped in under the same name (an append or
    a rebuild renames a new file over it): the file this Database object reads, as live
    publishing recorded it (the path may hold the next version already while requests still
    read this one), else its path's inode, size and modification time. None (nothing kept)
    for an in-memory database."""
    if not db.path or db.is_memory:
        return None
    version = file_version(db)
    if version is not None:  # every served database from its first request on: no stat
        return (db.path, version)
    try:
        stat = os.stat(db.path)
    except OSError:
        return None
    return (db.path, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def remembered(key):
    if key in KEPT:
        KEPT.move_to_end(key)
        return KEPT[key]
    return None


def remember(key, found, any_size=False):
    """Keep found under key (a whole table's counts at any size, a filter's if short)."""
    if key[0] is not None and (any_size or len(found[0]) <= MAX_KEPT_ROWS):
        KEPT[key] = found
        while len(KEPT) > MAX_KEPT:
            KEPT.popitem(last=False)
    return found


class CountedFacet(Facet):
    """Facets declared `counted` in the table's metadata, counted as the module says."""

    type = "counted"

    async def suggest(self):
        return []  # counted facets are declared in metadata.yml; Datasette's suggests the rest

    async def facet_results(self):
        columns = counted_columns(self.metadata) if self.table else []
        if not columns:
            return [], []
        db = self.ds.get_database(self.database)
        pairs = query_pairs(self.request)
        asks = any(not row_neutral(key) for key, _ in pairs)
        filters = row_filters(pairs, set(await db.table_columns(self.table)) if asks else set())
        if filters is None and self.request.args.get("_next"):
            return [], []  # a later page of a filter we do not count ourselves
        limit = self.get_facet_size() + 1
        found = await asyncio.gather(*(self.counts(db, column, filters, limit) for column in columns))
        results, timed_out = [], []
        for column, counted in zip(columns, found):
            if counted is None:
                timed_out.append(column)
            elif counted[0]:  # a facet with no values shows no block
                results.append(self.facet(column, *counted, pairs))
        return results, timed_out

    async def counts(self, db, column, filters, limit):
        """(((value, label, count), ...), truncated) for a column; None if it timed out."""
        if filters == ():
            whole = await self.whole_table(db, column)
            if whole and (len(whole) < KEEP or limit <= KEEP):
                return whole[:limit - 1], len(whole) >= limit
        if filters is None:  # Datasette's own query for this (first) page
            params = self.params.items() if isinstance(self.params, dict) else enumerate(self.params)
            key = (identity(db), self.table, column, ("sql", self.sql, tuple(sorted(params))), limit)
        else:
            key = (identity(db), self.table, column, filters, limit)
        found = remembered(key)
        if found is None:
            try:
                rows = await self.counted(db, column, filters, limit)
            except QueryInterrupted:
                return None
            found = remember(key, (await self.labelled(db, column, rows[:limit - 1]), len(rows) >= limit))
        return found

    async def whole_table(self, db, column):
        """The build's counts of a column over the whole table (facet_counts), labelled, kept
        once per database: empty where it has none (an older database, a column not counted)."""
        key = (identity(db), self.table, column, "whole table")
        found = remembered(key)
        if found is None:
            rows = []
            if await db.table_exists(TABLE):
                rows = (await db.execute(
                    f"select value, count from [{TABLE}] where table_name = :table and column_name = :column "
                    "order by rank", {"table": self.table, "column": column})).rows
            found = remember(key, await self.labelled(db, column, rows), any_size=True)
        return found

    async def counted(self, db, column, filters, limit):
        """A column's counts over the filtered rows, counted now, most rows first."""
        if filters is None:
            source, params, conditions = f"({self.sql})", self.params, []
        else:
            source = quoted(self.table)
            params = {f"f{i}": value for i, (_, value) in enumerate(filters)}
            conditions = [f"{quoted(name)} = :f{i}" for i, (name, _) in enumerate(filters)]
        conditions.append(f"{quoted(column)} is not null")
        sql = (f"select {quoted(column)} as value, count(*) as count from {source} "
               f"where {' and '.join(conditions)} group by {quoted(column)} "
               f"order by count desc, value limit {limit}")
        results = await db.execute(sql, params, custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        return [tuple(row) for row in results.rows]

    async def labelled(self, db, column, rows):
        """((value, label, count), ...): a foreign key's label is the other table's label
        column (people's name for speaker_id), any other value is its own label."""
        values = [row[0] for row in rows]
        fk = next((fk for fk in await db.foreign_keys_for_table(self.table) if fk["column"] == column), None)
        label_column = fk and values and await db.label_column_for_table(fk["other_table"])
        labels = {}
        if label_column:
            marks = ", ".join(f":v{i}" for i in range(len(values)))
            try:
                results = await db.execute(
                    f"select {quoted(fk['other_column'])}, {quoted(label_column)} from {quoted(fk['other_table'])} "
                    f"where {quoted(fk['other_column'])} in ({marks})", {f"v{i}": v for i, v in enumerate(values)})
                labels = dict(tuple(row) for row in results.rows)
            except QueryInterrupted:
                pass
        return tuple((value, labels.get(value, value), count) for value, count in rows)

    def facet(self, column, rows, truncated, pairs):
        """One facet as Datasette's facet results list it; each value toggles its filter and
        leads to the first page (no `_next`)."""
        kept = [(k, v) for k, v in pairs if k != "_next"]
        page = self.ds.urls.path(self.request.path)
        absolute = self.ds.absolute_url(self.request, page)
        values = []
        for value, label, count in rows:
            selected = (column, str(value)) in kept
            query = ([pair for pair in kept if pair != (column, str(value))] if selected
                     else kept + [(column, value)])
            values.append({"value": value, "label": label, "count": count, "selected": selected,
                           "toggle_url": with_query(absolute, query)})
        return {"name": column, "type": self.type, "hideable": False, "toggle_url": with_query(page, kept),
                "results": values, "truncated": truncated}


@hookimpl
def register_facet_classes():
    return [CountedFacet]
