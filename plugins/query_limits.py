"""Bound what one SQL statement can cost, on every connection Datasette opens.

Arbitrary SQL stays (shared `?sql=` links are how readers share queries), so SQLite's own
limits do the bounding: no value over MAX_VALUE_BYTES (`randomblob(100000000)` and
`zeroblob(50000000)` fail at once instead of running for a minute or returning 300 MB; a
string-doubling CTE stops at the cap instead of growing the server by GBs), short SQL, few
columns, shallow expressions, and a process-wide heap limit for SQLite's own memory. The rows
one statement hands to Python are counted too (MAX_RESULT_BYTES): a result bigger than that
is refused with an error that names the limit: a row factory on the connection the public
prepare_connection hook hands us counts them (nothing else sees each row before Python holds
the whole page, which a response-size cap cannot bound). Datasette sets its own sqlite3.Row
factory before calling the hook; should a later Datasette set it after, the budget would be
gone, so the startup hook reads the factory back through the public db.execute_fn and stops
the server if it is not ours. Limits may be lowered in metadata.yml
(`plugins: article-facts: limits:`), never raised past these defaults' purpose: the largest
article the build accepts (2 MiB) must still be readable.
"""
import sqlite3

from datasette import hookimpl

MiB = 1024 * 1024
DEFAULT_LIMITS = {
    "max_value_bytes": 8 * MiB,  # 4x the 2 MiB article cap of the build
    "max_result_bytes": 16 * MiB,  # text and blobs in the rows of one statement
    "max_sql_bytes": 50_000,  # longer than any URL uvicorn accepts (its request line limit)
    "max_columns": 100,
    "max_expression_depth": 100,
    "max_compound_select": 50,
    "max_like_pattern": 1000,
    "max_vdbe_ops": 250_000,
    # SQLite's heap across every connection of the process, Datasette's in-memory _internal
    # database included: 256 MiB failed a test process that holds many Datasettes at once
    "soft_heap_bytes": 256 * MiB,
    "hard_heap_bytes": 1024 * MiB,
}
SETLIMITS = {
    "max_value_bytes": sqlite3.SQLITE_LIMIT_LENGTH,
    "max_sql_bytes": sqlite3.SQLITE_LIMIT_SQL_LENGTH,
    "max_columns": sqlite3.SQLITE_LIMIT_COLUMN,
    "max_expression_depth": sqlite3.SQLITE_LIMIT_EXPR_DEPTH,
    "max_compound_select": sqlite3.SQLITE_LIMIT_COMPOUND_SELECT,
    "max_like_pattern": sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH,
    "max_vdbe_ops": sqlite3.SQLITE_LIMIT_VDBE_OP,
}


class ResultTooLarge(sqlite3.OperationalError):
    """An OperationalError, so Datasette reports it the way it reports any SQL error: 400."""


def limits_from_config(config):
    """Defaults, overridden by positive integers from the plugin config's `limits`."""
    limits = dict(DEFAULT_LIMITS)
    for key, value in ((config or {}).get("limits") or {}).items():
        if key not in DEFAULT_LIMITS:
            raise ValueError(f"metadata.yml plugins.article-facts.limits: unknown limit {key!r}")
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"metadata.yml plugins.article-facts.limits.{key}: must be a positive integer")
        limits[key] = value
    return limits


def value_bytes(value):
    if isinstance(value, (str, bytes)):
        return len(value)
    return 8


def counting_row_factory(max_bytes):
    """A row factory giving sqlite3.Row, counting the text and blob bytes each statement
    (cursor) returns, and refusing the row that takes a result past max_bytes."""
    state = {"cursor": None, "bytes": 0}

    def factory(cursor, row):
        if state["cursor"] is not cursor:
            state["cursor"], state["bytes"] = cursor, 0
        state["bytes"] += sum(map(value_bytes, row))
        if state["bytes"] > max_bytes:
            state["cursor"] = None
            raise ResultTooLarge(
                f"result too large: the rows of this query hold more than {max_bytes // MiB} MiB "
                "of text; add a LIMIT or select fewer or shorter columns"
            )
        return sqlite3.Row(cursor, row)

    factory.max_result_bytes = max_bytes
    return factory


def counts_results(row_factory, limits):
    """True if row_factory is the counting factory with this budget."""
    return getattr(row_factory, "max_result_bytes", None) == limits["max_result_bytes"]


def bound_connection(conn, limits):
    """Apply every limit to one connection (the heap limits are process-wide in SQLite)."""
    for key, limit in SETLIMITS.items():
        conn.setlimit(limit, limits[key])
    conn.execute(f"pragma soft_heap_limit = {int(limits['soft_heap_bytes'])}")
    conn.execute(f"pragma hard_heap_limit = {int(limits['hard_heap_bytes'])}")
    conn.row_factory = counting_row_factory(limits["max_result_bytes"])


@hookimpl
def prepare_connection(conn, database, datasette):
    bound_connection(conn, limits_from_config(datasette.plugin_config("article-facts")))


@hookimpl
def startup(datasette):
    """Every served database's connections count result bytes, or the server does not start."""
    limits = limits_from_config(datasette.plugin_config("article-facts"))

    async def check():
        for name, db in datasette.databases.items():
            factory = await db.execute_fn(lambda conn: conn.row_factory)
            if not counts_results(factory, limits):
                raise RuntimeError(
                    f"plugins/query_limits.py: the connections of database {name!r} do not count "
                    "result bytes (Datasette set its row factory after prepare_connection)"
                )

    return check
