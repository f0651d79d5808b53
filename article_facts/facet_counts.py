"""Facet counts over whole tables, counted when the database is built.

The table pages show `counted` facets (metadata.yml, e.g. `facets: [{counted: speaker_id}]`):
counting a column over a million quotes takes a few hundred milliseconds, six facets a page, so
the unfiltered tables' counts are counted here once, into the hidden table facet_counts, and
plugins/counted_facets.py reads them. The database is read-only while served, and a build or
an append recomputes them with the other counts (database.count_tables).
"""
from pathlib import Path

import yaml

from .errors import BuildError

TABLE = "facet_counts"
METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"
# Values kept per column, most frequent first: Datasette shows at most max_returned_rows
# (1,000) values of a facet, and one more tells it the list goes on.
KEEP = 1001


def counted_columns(table_metadata):
    """The columns of a table's `counted` facets, in metadata.yml's order."""
    return [facet["counted"] for facet in (table_metadata or {}).get("facets") or []
            if isinstance(facet, dict) and isinstance(facet.get("counted"), str)]


def declared(metadata):
    """{table: [column, ...]} for every counted facet the metadata declares."""
    found = {}
    for database in (metadata.get("databases") or {}).values():
        for table, table_metadata in ((database or {}).get("tables") or {}).items():
            columns = counted_columns(table_metadata)
            if columns:
                found[table] = columns
    return found


def write(db, metadata_path=METADATA):
    """(Re)create facet_counts in db (a sqlite_utils Database): for each counted facet, its
    values with their counts over the whole table, ranked as Datasette lists a facet (most
    rows first, then by value), at most KEEP a column."""
    metadata = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8"))
    db.execute(f"drop table if exists [{TABLE}]")
    db.execute(f"""create table [{TABLE}] (
        table_name text not null, column_name text not null, rank integer not null,
        value, count integer not null, primary key (table_name, column_name, rank)) without rowid""")
    for table, columns in declared(metadata).items():
        for column in columns:
            if column not in db[table].columns_dict:
                raise BuildError("unknown_column", f"{column} is not a column of {table}", file=Path(metadata_path).name,
                                 section=f"tables.{table}.facets", field=column)
            db.execute(
                f"insert into [{TABLE}] select ?, ?, row_number() over (order by count(*) desc, [{column}]), "
                f"[{column}], count(*) from [{table}] where [{column}] is not null group by [{column}] "
                f"order by count(*) desc, [{column}] limit {KEEP}", [table, column])
