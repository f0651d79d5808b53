"""Fast streamed CSV of a whole table, byte for byte what Datasette's own export gives.

Datasette 0.65 streams /facts/<table>.csv?_stream=on by re-running the table's query for every
page of 100 rows (keyset pagination); where the sort column has no index, every page scans and
sorts the whole table again. This ASGI wrapper answers the requests it can answer exactly from
one read-only cursor, in a worker thread, in chunks: a plain table of the facts database whose
query string holds only _stream (non-empty), _size, _labels and _dl. Anything else (filters,
_sort, _next, _search, _facet, _col, _trace, unknown parameters, views, FTS tables, canned
queries) goes to Datasette unchanged. Its responses carry `x-facts-csv: fast`. (`_header=off`
never reaches it: article_facts/web/csv_errors.py asks for the header and removes it, around either path.)

Errors: a truncated or failed export never looks complete, whichever path serves it. At the
max_csv_mb cap the rows up to the limit go out as Datasette writes them, then its message "CSV
contains more than N bytes"; any other error mid-stream writes its message the way Datasette
does. Either way the body is then never ended: the exception aborts the connection, so an HTTP
client sees a failed transfer (curl: exit 18), as article_facts/web/csv_errors.py makes Datasette's own
path do.

Order: this wrapper is tryfirst, so it is the innermost one, right around Datasette: every
other wrapper (public_origin's Host, csv_errors, request_limits, read_only, bad_requests, and
response_headers' cache policy outermost) treats its responses exactly as Datasette's.
"""
import asyncio
import csv
import functools
import re
import sys
import urllib.parse

from datasette.plugins import pm
from datasette.utils import (
    add_cors_headers,
    await_me_maybe,
    escape_sqlite,
    path_from_row_pks,
    resolve_routes,
    sqlite3,
    tilde_decode,
    value_as_boolean,
)
from datasette.utils.asgi import Request
from datasette.views.table import TableView

from ..contract import DATABASE_NAME as DB
ALLOWED_ARGS = {"_stream", "_size", "_labels", "_dl"}
FAST_HEADER = (b"x-facts-csv", b"fast")
BATCH_ROWS = 1000  # rows per worker-thread fetch and per chunk sent


class CsvSizeCapExceeded(Exception):
    """Raised after the cap message: the export is cut off, so the server aborts the body."""


# ---------------------------------------------------------------- pure functions


def csv_args(query_string):
    """The query string as a dict when it holds only the parameters the fast path reproduces,
    each once, with streaming on (Datasette streams for any non-empty _stream); else None."""
    pairs = urllib.parse.parse_qsl(query_string, keep_blank_values=True)
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys) or not set(keys) <= ALLOWED_ARGS:
        return None
    args = dict(pairs)
    return args if args.get("_stream") else None


def page_size_for(size_arg, metadata_size, default_page_size, max_returned_rows):
    """Datasette's page size for the export (it fixes where its pages split), or None where
    Datasette would refuse or return a single page (size 0, too large, not a number)."""
    page_size = size_arg or metadata_size
    if page_size:
        if page_size == "max":
            page_size = max_returned_rows
        try:
            page_size = int(page_size)
        except ValueError:
            return None
    else:
        page_size = default_page_size
    if not 0 < page_size <= max_returned_rows:
        return None
    return page_size


def labels_on(value):
    """_labels as Datasette reads it for CSV: unknown values mean off."""
    try:
        return value_as_boolean(value or "")
    except ValueError:
        return False


def column_affinity(declared_type):
    """SQLite's affinity rules, enough to tell INTEGER and TEXT from the rest."""
    declared = (declared_type or "").upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    return "OTHER"


def order_sql(sort, sort_desc, pk_sql):
    """(first page ORDER BY, later pages ORDER BY) as Datasette writes them: its first page
    sorts by the sort column alone, the pages after it by the sort column then the keys."""
    if sort:
        return escape_sqlite(sort), f"{escape_sqlite(sort)}, {pk_sql}"
    if sort_desc:
        return f"{escape_sqlite(sort_desc)} desc", f"{escape_sqlite(sort_desc)} desc, {pk_sql}"
    return pk_sql, pk_sql


def csv_headings(columns, expanded):
    """Datasette's CSV header: each labelled foreign key column followed by <column>_label."""
    headings = []
    for column in columns:
        headings.append(column)
        if column in expanded:
            headings.append(f"{column}_label")
    return headings


def response_headers(table_route, dl, cors, personalized):
    """The headers Datasette's router sends with its streamed CSV, plus FAST_HEADER."""
    headers = {}
    if cors:
        add_cors_headers(headers)
    if dl:
        headers["content-disposition"] = f'attachment; filename="{table_route}.csv"'
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    headers["content-type"] = "text/csv; charset=utf-8" if dl else "text/plain; charset=utf-8"
    encoded = [(k.encode("utf-8"), v.encode("utf-8")) for k, v in headers.items()]
    if personalized:
        encoded = [(k, v) for k, v in encoded if k.lower() != b"cache-control"]
        encoded.append((b"cache-control", b"private, no-store"))
    encoded.append((b"vary", b"Cookie, Authorization"))
    encoded.append(FAST_HEADER)
    return encoded


class Parts(list):
    """A csv.writer target: one string per row, so the max_csv_mb count is per row."""

    write = list.append


NEEDS_QUOTES = re.compile('[,"\r\n]').search  # csv.writer's QUOTE_MINIMAL characters


def csv_field_texts(values):
    """One column of a batch as csv.writer writes its fields (QUOTE_MINIMAL, doubled quotes,
    NULL as empty), or None when it holds a blob (csv_lines then converts the row)."""
    kinds = set(map(type, values))
    if bytes in kinds:
        return None
    if kinds == {str}:
        texts = values
    elif kinds == {int}:
        return list(map(str, values))  # digits and a sign: never quoted
    else:
        texts = ["" if value is None else value if type(value) is str else str(value)
                 for value in values]
    joined = "".join(texts)
    if '"' in joined or "," in joined or "\n" in joined or "\r" in joined:
        texts = ['"' + text.replace('"', '""') + '"' if NEEDS_QUOTES(text) else text
                 for text in texts]
    return texts


def table_lines(rows):
    """csv.writer's lines for rows of plain values, one string per row, built a column at a
    time (about twice as fast as csv.writer, which works a cell at a time); None when a cell is
    a blob."""
    columns = []
    for values in zip(*rows):
        texts = csv_field_texts(values)
        if texts is None:
            return None
        columns.append(texts)
    if not columns:
        return Parts()
    if len(columns) == 1:  # csv.writer quotes a row that is one empty field
        return Parts((text or '""') + "\r\n" for text in columns[0])
    columns[-1] = [text + "\r\n" for text in columns[-1]]
    return Parts(map(",".join, zip(*columns)))


def csv_lines(rows, plan, labels, blob_url):
    """CSV text of rows, one string per row, converted as Datasette's as_csv converts them:
    a labelled key as (value, label), other key cells as (value, ""), NULL as empty, a blob as
    its .blob URL (named, as Datasette names it, by the heading at the cell's position)."""
    expanded = plan["expanded"]
    headings = plan["headings"]
    if not expanded:
        lines = table_lines(rows)  # the common case
        if lines is not None:
            return lines
    parts = Parts()
    writer = csv.writer(parts)
    for row in rows:
        labelled = {}  # cells Datasette turns into {"value": ..., "label": ...}
        for index, lookup in expanded.items():
            value = row[index]
            if value is None:
                continue
            if lookup is None:  # the other table has no label column: the value labels itself
                labelled[index] = str(value)
            elif value in labels[index]:
                labelled[index] = labels[index][value]
        cells = row
        if any(isinstance(cell, bytes) and i not in labelled for i, cell in enumerate(row)):
            cells = [blob_url(row, headings[i]) if isinstance(cell, bytes) and i not in labelled
                     else cell for i, cell in enumerate(row)]
        if not expanded:
            writer.writerow(cells)
            continue
        out = []
        for i, cell in enumerate(cells):
            if i not in expanded:
                out.append(cell)
            elif i in labelled:
                out.extend((row[i], labelled[i]))
            elif cell is None:
                out.extend(("", ""))
            else:
                out.extend((cell, ""))
        writer.writerow(out)
    return parts


# ---------------------------------------------------------------- reading the database


def connect(db, datasette):
    """A new read-only connection like Datasette's own (mode=ro or immutable=1, its
    prepare_connection plugins), so no Datasette thread's connection is held. Text is decoded
    by str itself, not by Datasette's per-cell Python function (a third of the export's time):
    the same strings for valid UTF-8, and Export falls back to Datasette's function at the
    first cell that is not."""
    qs = "?mode=ro" + ("&nolock=1" if datasette.nolock else "") if db.is_mutable else "?immutable=1"
    conn = sqlite3.connect(f"file:{db.path}{qs}", uri=True, check_same_thread=False)
    datasette._prepare_connection(conn, db.name)
    conn.row_factory = None  # plain tuples: the CSV needs positions only
    conn.text_factory = str
    return conn


def replacing_text(value):
    """Datasette's text_factory: invalid UTF-8 becomes U+FFFD."""
    return str(value, "utf-8", "replace")


def undecodable(error):
    """The error sqlite3 raises for text that is not UTF-8 when text_factory is str."""
    return isinstance(error, sqlite3.OperationalError) and "Could not decode to UTF-8" in str(error)


def fetch_labels(conn, fk, values):
    """{value: label} for one foreign key column, with Datasette's expand_foreign_keys query
    (IN over the distinct values) and its Python-equality lookup."""
    values = list(set(values))
    if not values:
        return {}
    sql = "select {oc}, {lc} from {ot} where {oc} in ({ph})".format(
        oc=escape_sqlite(fk["other_column"]), lc=escape_sqlite(fk["label_column"]),
        ot=escape_sqlite(fk["other_table"]), ph=", ".join(["?"] * len(values)))
    return {key: label for key, label in conn.execute(sql, values)}


class Export:
    """One table's rows in Datasette's streamed order, read in a worker thread."""

    def __init__(self, plan, conn, blob_url):
        self.plan, self.conn, self.blob_url = plan, conn, blob_url
        self.pending = None  # rows of the first page still to send
        self.cursor = None
        self.skip_to = None  # key of the first page's last row: the later pages start after it
        self.last_key = None  # key of the last row given in the later pages' order

    def start(self):
        """Datasette's first page: its exact query, so ties in the sort column come out in the
        same order; the rest follows from one cursor over the later pages' ordering."""
        self.conn.execute("begin")  # one snapshot for the first page and the rest
        self.decoded(self.read_first_page)

    def decoded(self, read, read_again=None):
        """read(); after text that is not UTF-8, the connection decodes as Datasette does from
        then on (rows already read are valid UTF-8, so the same) and read_again(), or read(),
        runs. Other errors, or the same one again, are raised."""
        try:
            return read()
        except sqlite3.OperationalError as error:
            if not undecodable(error) or self.conn.text_factory is replacing_text:
                raise
            self.conn.text_factory = replacing_text
        return (read_again or read)()

    def read_first_page(self):
        plan = self.plan
        if plan["first_sql"] is None:
            self.cursor = self.conn.execute(plan["rest_sql"])
            return
        rows = self.conn.execute(plan["first_sql"]).fetchall()
        size = plan["page_size"]
        self.pending = rows[:size]
        if len(rows) > size:
            self.skip_to = self.last_key = self.key(rows[size - 1])
            self.cursor = self.conn.execute(plan["rest_sql"])

    def key(self, row):
        return tuple(row[i] for i in self.plan["key_indexes"])

    def next_rows(self):
        if self.pending:
            rows, self.pending = self.pending[:BATCH_ROWS], self.pending[BATCH_ROWS:]
            return rows
        if self.cursor is None:
            return []
        rows = self.decoded(self.read_on, self.read_on_again)
        if rows:
            self.last_key = self.key(rows[-1])
        else:
            self.cursor = None
        return rows

    def read_on(self):
        if self.skip_to is not None:
            for row in self.cursor:
                if self.key(row) == self.skip_to:
                    break
            self.skip_to = None
        return self.cursor.fetchmany(BATCH_ROWS)

    def read_on_again(self):
        """read_on() after a failed batch (which is lost): the query again, in the same
        snapshot, from the last row given."""
        self.cursor = self.conn.execute(self.plan["rest_sql"])
        self.skip_to = self.last_key
        return self.read_on()

    def next_chunk(self):
        """The next batch as CSV lines ([] at the end); runs in a worker thread."""
        rows = self.next_rows()
        if not rows:
            return []
        labels = {}
        for index, fk in self.plan["expanded"].items():
            if fk:
                values = [row[index] for row in rows]
                labels[index] = self.decoded(functools.partial(fetch_labels, self.conn, fk, values))
        return csv_lines(rows, self.plan, labels, self.blob_url)


# ---------------------------------------------------------------- planning a request


async def resolve_actor(datasette, request, scope):
    """The actor exactly as Datasette's router finds it (permissions depend on it)."""
    default_actor = scope.get("actor") or None
    actor = None
    for actor in pm.hook.actor_from_request(datasette=datasette, request=request):
        actor = await await_me_maybe(actor)
        if actor:
            break
    return actor or default_actor


async def plan_export(datasette, scope, receive, routes):
    """Everything the export needs, or None to leave the request to Datasette."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    raw_path = scope.get("raw_path")
    try:
        path = (raw_path.decode("ascii") if raw_path else scope["path"]).partition("?")[0]
    except UnicodeDecodeError:
        return None
    base_url = datasette.setting("base_url")
    if base_url != "/" and path.startswith(base_url):
        path = "/" + path[len(base_url):]
    if not path.endswith(".csv"):
        return None
    args = csv_args((scope.get("query_string") or b"").decode("latin-1"))
    if args is None or not datasette.setting("allow_csv_stream"):
        return None
    match, view = resolve_routes(routes, path)
    if match is None or getattr(view, "view_class", None) is not TableView:
        return None
    url_vars = match.groupdict()
    if url_vars.get("format") != "csv":
        return None
    try:
        db = datasette.get_database(route=tilde_decode(url_vars["database"]))
    except KeyError:
        return None
    if db.name != DB or db.is_memory or db.memory_name or not db.path:
        return None
    table = tilde_decode(url_vars["table"])
    request = Request(scope, receive)
    if "ds_messages" in request.cookies:
        return None  # Datasette would try to set a messages cookie on the stream
    actor = await resolve_actor(datasette, request, scope)
    if await datasette.get_canned_query(db.name, table, actor):
        return None
    visible, _ = await datasette.check_visibility(
        actor,
        permissions=[("view-table", (db.name, table)), ("view-database", db.name), "view-instance"],
    )
    if not visible:
        return None
    kinds = dict((await db.execute(
        "select name, sql from sqlite_master where type = 'table'")).rows)
    if table not in kinds or (kinds[table] or "").lstrip().upper().startswith("CREATE VIRTUAL"):
        return None
    if table in await db.hidden_table_names():
        return None

    pks = await db.primary_keys(table)
    columns = await db.table_columns(table)
    details = {c.name: c for c in await db.table_column_details(table)}
    use_rowid = not pks
    table_metadata = datasette.table_metadata(db.name, table)
    page_size = page_size_for(args.get("_size"), table_metadata.get("size"),
                              datasette.page_size, datasette.max_returned_rows)
    if page_size is None:
        return None
    sort, sort_desc = table_metadata.get("sort"), table_metadata.get("sort_desc")
    if sort and sort_desc:
        return None
    sortable = set(table_metadata["sortable_columns"] if "sortable_columns" in table_metadata
                   else columns)
    if use_rowid:
        sortable.add("rowid")
    if (sort or sort_desc) and (sort or sort_desc) not in sortable:
        return None
    # The later pages continue from the first page's last row by comparing its key and sort
    # values as text; that round trip is exact for TEXT and INTEGER columns of non-NULL keys
    # (not for text that is not UTF-8, or a REAL inf in an INTEGER column: there Datasette's
    # own pages repeat or drop rows, and the fast path, which does not page, gives each once).
    for name in ([] if use_rowid else pks) + [c for c in (sort, sort_desc) if c and c != "rowid"]:
        column = details.get(name)
        if column is None or column_affinity(column.type) == "OTHER":
            return None
        rowid_alias = pks == [name] and column.type.upper() == "INTEGER"
        if name in pks and not (column.notnull or rowid_alias):
            return None
    if (sort or sort_desc) and (sort or sort_desc) not in columns:
        return None

    select_columns = ", ".join(escape_sqlite(c) for c in columns)
    if use_rowid:
        select_columns = f"rowid, {select_columns}"
        pk_sql, result_columns, key_names = "rowid", ["rowid"] + columns, ["rowid"]
    else:
        pk_sql = ", ".join(escape_sqlite(pk) for pk in pks)
        result_columns, key_names = columns, pks
    first_order, rest_order = order_sql(sort, sort_desc, pk_sql)
    from_sql = f"select {select_columns} from {escape_sqlite(table)} "
    plan = {
        "db": db,
        "page_size": page_size,
        "first_sql": None if first_order == rest_order
        else f"{from_sql}order by {first_order} limit {page_size + 1}",
        "rest_sql": f"{from_sql}order by {rest_order}",
        "key_indexes": [result_columns.index(k) for k in key_names],
        "columns": result_columns,
        "pks": pks,
        "use_rowid": use_rowid,
        "expanded": {},
    }
    expanded_names = []
    if labels_on(args.get("_labels")):
        table_names = set(kinds)
        for fk in await db.foreign_keys_for_table(table):
            column = fk["column"]
            if column not in result_columns:
                continue
            expanded_names.append(column)
            index = result_columns.index(column)
            if index in plan["expanded"]:
                continue  # Datasette labels a column from its first foreign key
            label_column = await db.label_column_for_table(fk["other_table"])
            if label_column:
                if fk["other_table"] not in table_names or not fk["other_column"]:
                    return None
                other_columns = await db.table_columns(fk["other_table"])
                if fk["other_column"] not in other_columns or label_column not in other_columns:
                    return None
                plan["expanded"][index] = dict(fk, label_column=label_column)
            else:
                plan["expanded"][index] = None
    plan["headings"] = csv_headings(result_columns, set(expanded_names))
    personalized = (actor is not None or "cookie" in request.headers
                    or "authorization" in request.headers)
    plan["headers"] = response_headers(url_vars["table"], bool(args.get("_dl")),
                                       datasette.cors, personalized)
    plan["request"] = request
    plan["database_route"] = url_vars["database"]
    plan["table"] = table
    plan["head"] = scope["method"] == "HEAD"
    return plan


def blob_url_maker(datasette, plan):
    """Datasette's URL for a blob cell of a table row (its .blob row endpoint)."""
    columns, pks, use_rowid = plan["columns"], plan["pks"], plan["use_rowid"]

    def blob_url(row, column):
        named = dict(zip(columns, row))
        return datasette.absolute_url(plan["request"], datasette.urls.row_blob(
            plan["database_route"], plan["table"],
            path_from_row_pks(named, pks, use_rowid), column))

    return blob_url


# ---------------------------------------------------------------- sending


async def watch_disconnect(receive, state):
    """Stop reading the table once the client has gone."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            state["gone"] = True
            return


async def send_export(datasette, plan, app, scope, receive, send):
    """Stream the CSV; if even the first page cannot be read, Datasette answers instead."""
    export = None
    if not plan["head"]:
        conn = connect(plan["db"], datasette)
        export = Export(plan, conn, blob_url_maker(datasette, plan))
        try:
            await asyncio.to_thread(export.start)
        except Exception:
            conn.close()
            return await app(scope, receive, send)
    await send({"type": "http.response.start", "status": 200, "headers": plan["headers"]})
    if export is None:
        await send({"type": "http.response.body", "body": b""})
        return
    limit = datasette.setting("max_csv_mb") * 1024 * 1024
    written = 0
    state = {"gone": False}
    watcher = asyncio.create_task(watch_disconnect(receive, state))
    lines = Parts()
    csv.writer(lines).writerow(plan["headings"])
    try:
        while lines and not state["gone"]:
            text, over = lines, False
            size = sum(map(len, lines)) if limit else 0
            if not limit or written + size <= limit:
                written += size
            else:  # this batch crosses the cap
                text = []  # Datasette's LimitedWriter counts characters, row by row
                for line in lines:
                    written += len(line)
                    if written > limit:
                        over = True
                        break
                    text.append(line)
            if text:
                await send({"type": "http.response.body", "body": "".join(text).encode("utf-8"),
                            "more_body": True})
            if over:  # Datasette's message, as its own chunk as Datasette sends it, then abort
                message = f"CSV contains more than {limit} bytes"
                await send({"type": "http.response.body", "body": message.encode("utf-8"),
                            "more_body": True})
                raise CsvSizeCapExceeded(message)
            lines = await asyncio.to_thread(export.next_chunk)
    except CsvSizeCapExceeded:
        raise
    except Exception as error:
        # Like Datasette: log it and write the message; then abort, never a clean end.
        sys.stderr.write(f"Caught this error: {error}\n")
        sys.stderr.flush()
        await send({"type": "http.response.body", "body": str(error).encode("utf-8"),
                    "more_body": True})
        raise
    finally:
        watcher.cancel()
        export.conn.close()
    await send({"type": "http.response.body", "body": b""})


# ---------------------------------------------------------------- hook

def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    def wrap(app):
        routes = []

        async def fast_csv(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path", "").endswith(".csv"):
                if not routes:
                    routes.extend(datasette._routes())
                plan = await plan_export(datasette, scope, receive, routes)
                if plan is not None:
                    return await send_export(datasette, plan, app, scope, receive, send)
            return await app(scope, receive, send)

        return fast_csv

    return wrap
