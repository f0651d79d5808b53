"""A bad parameter is the client's fault: answer 400 with what was wrong, before Datasette runs.

Datasette 0.65 lets some parameters reach int(), json.loads() or SQLite unchecked and answers
500 (`_timelimit=abc`, `_through=notjson`, `start__in=[1`, `_next=abc` or a 25-digit `_next` on
a view, `_facet=%00`, `_sort` on an unsortable column, `/facts.csv?sql=`). Instead of
classifying the exceptions afterwards, each request's query string is checked here against
what its page accepts, using the documented URL shapes (/db, /db/table, /db/table/pk, each
with an optional .format), the documented parameters, and the public introspection of the
Database objects (table and view names, columns, primary keys) and metadata
(`sortable_columns`, saved queries). A request that passes goes to Datasette untouched.

What stays with Datasette: SQL the reader wrote (`sql=`, `_where=`) fails with SQLite's own
message as a 400 there, and so does a filter on a column that does not exist.
"""
import json
import math
import re
import sqlite3
from urllib.parse import parse_qs

from datasette.utils import tilde_decode
from datasette import Response

DATABASE_PAGE = re.compile(r"^/(?P<database>[^/.]+)(\.(?P<format>\w+))?$")
TABLE_PAGE = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/.]+)(\.(?P<format>\w+))?$")
ROW_PAGE = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/]+?)/(?P<pks>[^/]+?)(\.(?P<format>\w+))?$")

SQLITE_MAX_INT = 2**63 - 1
# Filters whose value Datasette turns into an integer when it is made of digits.
NUMERIC_LOOKUPS = {"gt", "gte", "lt", "lte"}
LIST_LOOKUPS = {"in", "notin"}
BOOLEAN_WORDS = ("on", "off", "true", "false", "1", "0")
FACET_SIZE = re.compile(r"max|[0-9]{1,19}")
THROUGH_SHAPE = '_through needs {"table": "...", "column": "...", "value": ...}'


class BadRequest(Exception):
    """The one-line reason a request cannot be answered."""


def query_args(query_string):
    """The query string as Datasette reads it (Request.args): latin-1 bytes, UTF-8 escapes."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    return parse_qs(text, keep_blank_values=True)


def first(args, key):
    values = args.get(key)
    return values[0] if values else None


def sqlite_int(text):
    """The integer SQLite can hold that `text` (ASCII digits, optional minus) spells, or None."""
    if not re.fullmatch(r"-?[0-9]{1,19}", text or ""):  # longer never fits (nor int() past 4,300)
        return None
    value = int(text)
    return value if -SQLITE_MAX_INT - 1 <= value <= SQLITE_MAX_INT else None


def bindable(value):
    """A JSON value SQLite can take as a parameter."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return -SQLITE_MAX_INT - 1 <= value <= SQLITE_MAX_INT
    if isinstance(value, float):
        return math.isfinite(value)
    return False


# --- checks every page shares ---------------------------------------------------------------

def check_nul(args):
    """A NUL cannot be part of SQL text, and Datasette puts parameter names (filter columns) and
    its own `_` parameters' values (columns, tables, SQL) into SQL text."""
    for key, values in args.items():
        if "\x00" in key:
            raise BadRequest(f"the parameter name {key!r} contains a NUL character (%00)")
        if key.startswith("_") or key == "sql":
            if any("\x00" in value for value in values):
                raise BadRequest(f"the parameter {key!r} contains a NUL character (%00)")


def check_timelimit(args):
    value = first(args, "_timelimit")
    if value and (sqlite_int(value) is None or int(value) < 0):
        raise BadRequest(f"invalid value in parameter '_timelimit' ({value!r}): a whole number of milliseconds")


def check_booleans(args):
    value = first(args, "_json_infinity")
    if value is not None and value.lower() not in BOOLEAN_WORDS:
        raise BadRequest(f"invalid value in parameter '_json_infinity' ({value[:40]!r}): on or off")


def check_ttl(args):
    value = first(args, "_ttl")
    if value is not None and value.isdigit() and sqlite_int(value) is None:
        raise BadRequest(f"invalid value in parameter '_ttl' ({value!r}): a whole number of seconds")


# --- table and view pages ------------------------------------------------------------------

class Table:
    """What a table or view page accepts, from the public introspection of its Database."""

    def __init__(self, columns, pks, is_view, sortable):
        self.columns = set(columns)
        self.pks = list(pks)
        self.is_view = is_view
        self.use_rowid = not pks and not is_view
        self.selectable = self.columns | ({"rowid"} if self.use_rowid else set())
        self.sortable = set(sortable) if sortable is not None else set(self.columns)
        if self.use_rowid:
            self.sortable.add("rowid")


def check_sort(args, table):
    if "_sort_by_desc" in args:
        return  # Datasette redirects to a _sort_desc URL first; that one is checked
    sort, sort_desc = first(args, "_sort"), first(args, "_sort_desc")
    if sort and sort_desc:
        raise BadRequest("Cannot use _sort and _sort_desc at the same time")
    for column in (sort, sort_desc):
        if column and column not in table.sortable:
            raise BadRequest(f"Cannot sort table by {column}")


def check_next(args, table):
    """On a view `_next` is a row offset; on a table it is a keyset cursor whose values are
    bound as SQL parameters, which any text can be."""
    value = first(args, "_next")
    if not value or not table.is_view:
        return
    offset = sqlite_int(value)
    if offset is None or offset < 0 or offset > SQLITE_MAX_INT // 2:
        raise BadRequest(
            f"invalid value in parameter '_next' ({value[:40]!r}): on a view it is the number of "
            f"rows to skip, a whole number from 0 to {SQLITE_MAX_INT // 2}"
        )


def facet_columns(key, value):
    """The columns a `_facet...` parameter names: its value, or the JSON object's "simple"
    (and "column") keys."""
    if not value.startswith("{"):
        return [value]
    try:
        config = json.loads(value)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"invalid JSON in parameter {key!r} ({error})")
    if not isinstance(config, dict) or not isinstance(config.get("simple"), str) or not isinstance(
            config.get("column", ""), str):
        raise BadRequest(f'a facet given as JSON needs {{"simple": "column name"}} (parameter {key!r})')
    return [config["simple"]] + ([config["column"]] if config.get("column") else [])


def check_facets(args, table):
    for key, values in args.items():
        if not key.startswith("_facet"):
            continue
        if key == "_facet_size":
            if values and not FACET_SIZE.fullmatch(values[0]):
                raise BadRequest(f"invalid value in parameter '_facet_size' ({values[0]!r}): a whole number or max")
            continue
        if key != "_facet" and not key.startswith("_facet_"):
            raise BadRequest(f"unknown parameter {key!r}: facets are _facet=column or _facet_TYPE=column")
        for value in values:
            for column in facet_columns(key, value):
                if column not in table.selectable:
                    raise BadRequest(f"parameter {key!r}: no column {column!r} to facet by")


def check_through(args):
    for value in args.get("_through", []):
        try:
            data = json.loads(value)
        except (ValueError, RecursionError) as error:
            raise BadRequest(f"invalid JSON in parameter '_through' ({error})")
        if not (isinstance(data, dict) and all(isinstance(data.get(k), str) for k in ("table", "column"))
                and isinstance(data.get("value"), (str, int, float)) and bindable(data.get("value"))):
            raise BadRequest(THROUGH_SHAPE)


def check_filters(args):
    """Filters are `column__lookup=value` (and `column=value`): the value is bound as an SQL
    parameter, once Datasette has turned digits into an integer (gt, gte, lt, lte) or split a
    list (in, notin)."""
    for key, values in args.items():
        if key.startswith("_") and "__" not in key:
            continue
        lookup = key.rsplit("__", 1)[1] if "__" in key else "exact"
        for value in values:
            if lookup in NUMERIC_LOOKUPS and value.isdigit() and sqlite_int(value) is None:
                raise BadRequest(f"invalid value in parameter {key!r} ({value[:40]!r}): a number SQLite can hold")
            if lookup in LIST_LOOKUPS and value.startswith("["):
                try:
                    items = json.loads(value)
                except (ValueError, RecursionError) as error:
                    raise BadRequest(f"invalid JSON in parameter {key!r} ({error})")
                if not isinstance(items, list) or not all(bindable(item) for item in items):
                    raise BadRequest(f"parameter {key!r}: a JSON list of strings and numbers")


def check_table_page(args, table):
    check_sort(args, table)
    check_next(args, table)
    check_facets(args, table)
    check_through(args)
    check_filters(args)


def check_row_page(pks_text, table):
    """A row URL names every primary key column (or the rowid), comma-separated."""
    given = len(pks_text.split(","))
    wanted = len(table.pks) or 1
    if given != wanted:
        raise BadRequest(f"this row URL needs {wanted} comma-separated primary key value(s), not {given}")


# --- what each page is ---------------------------------------------------------------------

class Schema:
    """Tables, views and saved queries of the served databases, read through the public API.
    Immutable databases are read once; a mutable one (development) on every request."""

    def __init__(self, datasette):
        self.datasette = datasette
        self.kept = {}

    def database(self, route):
        return self.datasette.databases.get(tilde_decode(route))

    def saved_queries(self, database):
        return (self.datasette.metadata("queries", database=database) or {})

    async def table(self, db, name):
        key = (db.name, name)
        if key in self.kept:
            return self.kept[key]
        table = None
        if name in await db.table_names() or name in await db.view_names():
            is_view = name in await db.view_names()
            sortable = self.datasette.metadata("sortable_columns", database=db.name, table=name)
            table = Table(await db.table_columns(name), [] if is_view else await db.primary_keys(name),
                          is_view, sortable)
        if not db.is_mutable:
            self.kept[key] = table
        return table


async def check_request(schema, path, args):
    """Raise BadRequest if the page at `path` cannot take these arguments."""
    check_nul(args)
    check_ttl(args)
    check_booleans(args)
    if path == "/" or path.startswith("/-/"):
        return
    match = TABLE_PAGE.match(path) or ROW_PAGE.match(path) or DATABASE_PAGE.match(path)
    if not match:
        return
    db = schema.database(match["database"])
    if db is None:
        return  # Datasette's 404
    parts = match.groupdict()
    if "table" not in parts:  # the database page, with or without ?sql=
        check_timelimit(args)
        if parts.get("format") == "csv" and not first(args, "sql"):
            raise BadRequest("a CSV export needs a table, a saved query or ?sql= with a query")
        return
    name = tilde_decode(parts["table"])
    if "pks" not in parts and not args:
        return  # a table, view or saved query page as it is: nothing to check
    if "pks" not in parts and name in schema.saved_queries(db.name):
        check_timelimit(args)
        return
    table = await schema.table(db, name)
    if table is None:
        return  # Datasette's 404
    if "pks" in parts:
        check_row_page(parts["pks"], table)
        return
    check_timelimit(args)
    check_table_page(args, table)


# --- the wrapper ---------------------------------------------------------------------------

def path_is_ascii(scope):
    """HTTP paths are ASCII (anything else is percent-encoded); Datasette decodes raw_path as
    ASCII and raises on anything else, which some servers pass through."""
    raw = scope.get("raw_path")
    return raw is None or raw.isascii()


def route_path(scope):
    """The path as Datasette routes it: raw_path, so `%2F` inside a name stays inside it."""
    raw = scope.get("raw_path")
    return raw.decode("ascii").partition("?")[0] if raw else scope.get("path", "")


async def send_400(datasette, scope, send, message):
    """Datasette's shapes: JSON for a .json URL, its error page for HTML, plain text otherwise."""
    path = scope.get("path", "")
    text = f"Bad request: {message}"
    if path.endswith(".json"):
        content_type = b"application/json; charset=utf-8"
        body = json.dumps({"ok": False, "error": text, "status": 400, "title": None})
    elif re.search(r"\.\w+$", path.rsplit("/", 1)[-1]):
        content_type, body = b"text/plain; charset=utf-8", f"400 {text}\n"
    else:
        content_type = b"text/html; charset=utf-8"
        await datasette.invoke_startup()  # a no-op once the server has started
        body = await datasette.render_template(
            "error.html", {"ok": False, "error": text, "status": 400, "title": "Bad request"})
    await send({"type": "http.response.start", "status": 400, "headers": [(b"content-type", content_type)]})
    await send({"type": "http.response.body", "body": body.encode("utf-8")})


def static_403_as_404(send):
    """Datasette's static files answer 403 'Directory listing is not allowed' for a path
    that names a folder: to a visitor that is simply not a file here."""
    async def wrapped(message):
        if message["type"] == "http.response.start" and message["status"] == 403:
            message = dict(message, status=404)
        elif message["type"] == "http.response.body" and message.get("body", b"").startswith(b"403: Directory"):
            message = dict(message, body=b"404: Not found")
        await send(message)
    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    schema = Schema(datasette)

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if not path_is_ascii(scope):
                return await send_400(datasette, scope, send, "the path has raw non-ASCII bytes; percent-encode them")
            try:
                await check_request(schema, route_path(scope), query_args(scope.get("query_string", b"")))
            except BadRequest as problem:
                return await send_400(datasette, scope, send, str(problem))
            if scope.get("path", "").startswith("/-/static"):
                send = static_403_as_404(send)
            return await app(scope, receive, send)
        return wrapped
    return wrap


# --- the one error known only once SQL runs ------------------------------------------------

def too_big_message(exception):
    """The 400 message for SQLite's "string or blob too big" (sqlite3.DataError): a value over
    the per-value limit plugins/query_limits.py sets. Only SQL the reader wrote (`_where=` on a
    table page: Datasette reports a failed `sql=` itself) can build one, since every stored value
    is under it; None for any other exception, which stays a 500 so a real bug is seen."""
    if isinstance(exception, sqlite3.DataError):
        return f"Bad request: {exception} (a value in this query is larger than this server allows)"
    return None


async def error_response(datasette, request, message):
    """Datasette's shapes for an error: JSON for a .json URL, its error page otherwise."""
    data = {"ok": False, "error": message, "status": 400, "title": None}
    if request.path.endswith(".json"):
        return Response.json(data, status=400)
    return Response.html(await datasette.render_template("error.html", data, request=request), status=400)
