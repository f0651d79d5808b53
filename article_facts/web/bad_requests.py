"""A bad parameter is the client's fault: answer 400 with what was wrong, not 500.

Datasette 0.65 lets some parameters reach int(), json.loads() or SQLite unchecked
(`_timelimit=abc`, `_through=notjson`, `start__in=[1`, `_next=abc` on a view, `_facet=%00`,
`_sort` on an unsortable column, `/facts.csv?sql=`) and answers 500. Each exception is
classified by its type and by where it was raised: only those raised inside Datasette's own
request handling from a value the client sent become 400. Anything raised in our plugins, or of
any other kind, stays a 500 so a genuine bug is still seen (the fuzz test fails on any 500).
"""
import ast
import json
import re
import sqlite3
import traceback
from pathlib import Path
from urllib.parse import parse_qsl

import datasette
from datasette.handle_exception import handle_exception as default_handle_exception
from datasette.utils.asgi import BadRequest
from datasette.views.base import DatasetteError

DATASETTE_DIR = str(Path(datasette.__file__).parent)

# Datasette's own messages for a bad parameter that it raises with the default status 500.
CLIENT_DATASETTE_ERRORS = (
    "Cannot sort table by ",
    "Cannot use _sort and _sort_desc at the same time",
    "Invalid _through",
)
# Messages SQLite's Python binding gives for a value it cannot take (a NUL inside a facet or
# column name that Datasette puts into SQL, a number too big for SQLite).
CLIENT_SQLITE_ERRORS = ("the query contains a null character", "Python int too large",
                        # a row URL with fewer values than the table's primary key has columns
                        "You did not supply a value for binding parameter")
# (exception type, Datasette file, function) that only a bad request can reach, and what to say.
CLIENT_FAULT_SITES = [
    # a .csv of a database page with no query has no columns to write
    (KeyError, "views/base.py", "as_csv", "a CSV export needs a table, a saved query or ?sql= with a query"),
    # _through={"table": ...} without "column" or "value", or not an object
    (KeyError, "filters.py", None, '_through needs {"table": ..., "column": ..., "value": ...}'),
    (TypeError, "filters.py", None, '_through needs {"table": ..., "column": ..., "value": ...}'),
    # _facet_array={} and the like: a facet given as a JSON object without its column
    (KeyError, "facets.py", None, 'a facet given as JSON needs {"simple": "column name"}'),
    (TypeError, "facets.py", None, 'a facet given as JSON needs {"simple": "column name"}'),
]
INT_LITERAL = re.compile(r"^invalid literal for int\(\) with base 10: (?P<value>'.*')$", re.S)


def innermost_site(exception):
    """(file, function) of the innermost frame in Datasette or in our code; stdlib frames
    (json's decoder) are skipped, since it is who called them that matters."""
    site = None
    for frame in traceback.extract_tb(exception.__traceback__):
        if "/json/" in frame.filename or "/sqlite3/" in frame.filename:
            continue
        site = (frame.filename, frame.name)
    return site


def raised_in_datasette(exception):
    site = innermost_site(exception)
    return site is not None and site[0].startswith(DATASETTE_DIR)


def bad_value(exception):
    """The value the client sent that could not be parsed, when the error says which."""
    if isinstance(exception, json.JSONDecodeError):
        return exception.doc
    match = INT_LITERAL.match(str(exception))
    if match:
        try:
            return ast.literal_eval(match["value"])  # int() quotes the value as a str repr
        except (SyntaxError, ValueError):
            return None
    return None


def guilty_parameter(args, value):
    """Name of the query-string parameter that carried `value` (or that ends with it, as
    `start__in=[1` does for a JSON list), if any."""
    if value is None:
        return None
    for key, given in args:
        if given == value or (value and given.endswith(value)):
            return key
    return None


def client_error_message(exception, args=()):
    """The 400 message if `exception` was caused by the request, None if it is a bug.

    `args` are the request's (key, value) pairs, used to name the bad parameter."""
    if isinstance(exception, DatasetteError):
        if exception.status == 500 and str(exception.message).startswith(CLIENT_DATASETTE_ERRORS):
            return str(exception.message)
        return None
    if not raised_in_datasette(exception):
        return None
    if isinstance(exception, (ValueError, OverflowError)) and not isinstance(exception, UnicodeError):
        name = guilty_parameter(args, bad_value(exception))
        where = f"parameter {name!r}" if name else "a parameter"
        kind = "invalid JSON" if isinstance(exception, json.JSONDecodeError) else "invalid value"
        return f"Bad request: {kind} in {where} ({exception})"
    if isinstance(exception, (sqlite3.ProgrammingError, sqlite3.InterfaceError)) and any(
        text in str(exception) for text in CLIENT_SQLITE_ERRORS
    ):
        return f"Bad request: a parameter holds a value SQLite cannot take ({exception})"
    if isinstance(exception, sqlite3.DataError) and innermost_site(exception)[0].endswith("database.py"):
        # "string or blob too big": a value past the SQLite limits of plugins/query_limits.py
        return f"Bad request: {exception} (a value in this query is larger than this server allows)"
    if isinstance(exception, MemoryError) and innermost_site(exception)[0].endswith("database.py"):
        return "Bad request: the query needs more memory than this server allows; select less"
    filename, function = innermost_site(exception)
    for kind, file_suffix, name, message in CLIENT_FAULT_SITES:
        if isinstance(exception, kind) and filename.endswith(file_suffix) and name in (None, function):
            return f"Bad request: {message}"
    return None


def path_is_ascii(scope):
    """HTTP paths are ASCII (anything else is percent-encoded); Datasette decodes raw_path as
    ASCII and raises on anything else, which some servers pass through."""
    raw = scope.get("raw_path")
    return raw is None or raw.isascii()


def through_problem(query_string):
    """Why a `_through` parameter is unusable, or None. Datasette hands its table name to the
    permission checks before looking at it, so a non-text table must be refused up front."""
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if key != "_through":
            continue
        try:
            data = json.loads(value)
        except ValueError:
            return None  # the JSON error is classified where Datasette raises it
        if not (isinstance(data, dict) and all(isinstance(data.get(k), str) for k in ("table", "column"))
                and isinstance(data.get("value"), (str, int, float))):
            return '_through needs {"table": "...", "column": "...", "value": ...}'
    return None


async def send_400(scope, send, message):
    """JSON for a .json URL (the shape of Datasette's errors), plain text otherwise."""
    if scope.get("path", "").endswith(".json"):
        content_type = b"application/json; charset=utf-8"
        body = json.dumps({"ok": False, "error": f"Bad request: {message}", "status": 400, "title": None})
    else:
        content_type, body = b"text/plain; charset=utf-8", f"400 Bad Request: {message}\n"
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


def reject_bad_requests(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if not path_is_ascii(scope):
            return await send_400(scope, send, "the path has raw non-ASCII bytes; percent-encode them")
        problem = through_problem(scope.get("query_string", b"").decode("latin-1"))
        if problem:
            return await send_400(scope, send, problem)
        if scope.get("path", "").startswith("/-/static"):
            send = static_403_as_404(send)
        return await app(scope, receive, send)
    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    return reject_bad_requests


def client_error_response(datasette, request, exception):
    """article_facts/web/bad_requests.py's handle_exception: a 400 for the client's own mistakes."""
    args = parse_qsl(request.query_string, keep_blank_values=True)
    message = client_error_message(exception, args)
    if message is None:
        return None
    return default_handle_exception(datasette, request, BadRequest(message))
