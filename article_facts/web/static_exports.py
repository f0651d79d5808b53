"""Whole-table exports served from the files the build wrote (article_facts/exports.py).

Answered here, from the file, with Content-Length and an ETag (the file's SHA-256), for an
anonymous GET or HEAD (no Cookie, no Authorization) of a table in a built database's
exports, when the query string holds each parameter at most once and nothing else:

- /<db>/<table>.csv?_stream=on: every row, as Datasette's streamed export, formula cells
  neutralised; with `_labels=on` (on, true, 1) the labelled file; `_size` (max or a page size
  Datasette accepts) changes nothing; `_dl` makes it a download; `_header=off` starts the
  body after the header line. This is the URL of the table page's "Export CSV" form with
  "stream all rows" ticked: /facts/quotes.csv?_labels=on&_stream=on&_size=max.
- /<db>/<table>.json?_shape=array&_nl=on&_stream=on: every row as newline-delimited JSON
  (Datasette's `_nl=on` gives one page; `_stream=on` asks for all of them), values exact.

Everything else (filters, _sort, _next, _search, _col, _raw, _trace, views, canned queries,
other tables, a request carrying a cookie) goes to Datasette. So does any request while the
exports do not belong to the database being served: the export folder is named by the SHA-256
of the database it was made from, and it is served only when that is the served file's hash
(Datasette's own for an immutable database with an inspect file; otherwise computed here once
per version of the file, checked by its size, inode and modification time), and each file
only while its size is the manifest's. Datasette also answers when its settings would refuse
the export (allow_csv_stream off, a max_csv_mb the file is over, CORS on) or the table is not
visible to anonymous readers. Responses served here carry `x-facts-export: static`.
"""
import asyncio
from pathlib import Path
from urllib.parse import parse_qsl

from article_facts.csv_safe import RAW_PARAMETER
from article_facts.exports import database_sha256, read_manifest
from article_facts.live import file_version, identity

MARKER = (b"x-facts-export", b"static")
CHUNK_BYTES = 1024 * 1024
TRUE, FALSE = {"on", "true", "1"}, {"off", "false", "0"}


def stream_on(args):
    return bool(args.get("_stream"))


def size_ok(value, max_returned_rows):
    """A _size Datasette accepts for a streamed export (absent, max, or 1..max_returned_rows)."""
    if value is None or value == "max":
        return True
    return value.isdigit() and 0 < int(value) <= max_returned_rows


def choose_file(kind, args, max_returned_rows):
    """(manifest key, header off) for a request's query arguments, or None for Datasette."""
    if RAW_PARAMETER in args or not stream_on(args) or not size_ok(args.get("_size"), max_returned_rows):
        return None
    if kind == "csv":
        if not set(args) <= {"_stream", "_size", "_labels", "_dl", "_header"}:
            return None
        labels = args.get("_labels", "off").lower()
        if labels not in TRUE | FALSE:
            return None
        return ("labels_csv" if labels in TRUE else "csv"), args.get("_header") == "off"
    if set(args) <= {"_stream", "_size", "_shape", "_nl"} and args.get("_shape") == "array" and args.get("_nl"):
        return "ndjson", False
    return None


def query_args(query_string):
    """The query string as a dict, or None when a parameter repeats."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    args = dict(pairs)
    return args if len(args) == len(pairs) else None


def response_headers(table, kind, entry, header_off, download):
    size = entry["bytes"] - (entry["header_bytes"] if header_off else 0)
    if kind == "ndjson":
        content_type = b"text/plain; charset=utf-8"
    else:
        content_type = b"text/csv; charset=utf-8" if download else b"text/plain; charset=utf-8"
    etag = f'"{entry["sha256"][:32]}{"-h" if header_off else ""}"'
    headers = [(b"content-type", content_type), (b"content-length", str(size).encode()),
               (b"etag", etag.encode()), MARKER]
    if download:
        headers.append((b"content-disposition", f'attachment; filename="{table}.csv"'.encode()))
    return headers


class DatabaseExports:
    """The manifest of one served database's exports, while it matches the file served."""

    def __init__(self, db):
        self.db = db
        self.lock = asyncio.Lock()
        self.version = None  # (inode, size, mtime) the manifest below was read for
        self.manifest = None

    async def current(self):
        path = Path(self.db.path)
        reads, found = file_version(self.db), identity(path)  # the file read (live publishing), the path's
        if found is None:
            return None
        version = (reads, found)
        if version == self.version:
            return self.manifest
        async with self.lock:
            if version != self.version:
                known = getattr(self.db, "hash", None)  # immutable: Datasette's own hash
                db_hash = known or await asyncio.to_thread(database_sha256, path)
                manifest = await asyncio.to_thread(read_manifest, path, db_hash)
                if known is None and (identity(path) != found or reads and reads[:2] != found[:2]):
                    return None  # the path holds another file than this Database reads: not its exports
                self.manifest, self.version = manifest, version
        return self.manifest


class StaticExports:
    """URL -> (database exports, table, kind) for every served database with exports."""

    def __init__(self, datasette):
        self.datasette = datasette
        self.exports = {}

    def for_database(self, db):
        """This Database's exports (live publishing swaps in a new Database for a new file)."""
        if db.name not in self.exports or self.exports[db.name].db is not db:
            self.exports[db.name] = DatabaseExports(db)
        return self.exports[db.name]

    async def match(self, scope):
        """(file path, headers) to answer with, or None for Datasette."""
        ds = self.datasette
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").partition("?")[0] if raw_path else scope["path"]
        kind = "csv" if path.endswith(".csv") else "json" if path.endswith(".json") else None
        if kind is None or any(k.lower() in (b"cookie", b"authorization") for k, _ in scope.get("headers", [])):
            return None
        args = query_args(scope.get("query_string") or b"")
        if args is None:
            return None
        choice = choose_file(kind, args, ds.setting("max_returned_rows"))
        if choice is None or not ds.setting("allow_csv_stream") or getattr(ds, "cors", False):
            return None
        key, header_off = choice
        for db in list(ds.databases.values()):
            if db.is_memory or not db.path:
                continue
            prefix = ds.urls.database(db.name) + "/"
            if not path.startswith(prefix):
                continue
            table = path[len(prefix):].rsplit(".", 1)[0]
            if path != ds.urls.table(db.name, table, format=kind):
                continue
            manifest = await self.for_database(db).current()
            entry = manifest and (manifest["tables"].get(table) or {}).get(key)
            if not entry:
                return None
            file_path = Path(manifest["folder"]) / entry["file"]
            try:
                if file_path.stat().st_size != entry["bytes"]:
                    return None
            except OSError:
                return None
            cap = ds.setting("max_csv_mb") if kind == "csv" else 0
            if cap and entry["bytes"] > cap * 1024 * 1024:
                return None
            visible, _ = await ds.check_visibility(None, permissions=[
                ("view-table", (db.name, table)), ("view-database", db.name), "view-instance"])
            if not visible:
                return None
            headers = response_headers(table, key, entry, header_off, "_dl" in args and bool(args["_dl"]))
            return file_path, (entry["header_bytes"] if header_off else 0), headers
        return None


def open_at(file_path, offset):
    """The file opened at offset, or None when it has gone (a rebuild removed it)."""
    try:
        handle = open(file_path, "rb")
    except OSError:
        return None
    handle.seek(offset)
    return handle


async def send_file(handle, headers, head, send):
    """The file's bytes from where handle stands, in chunks read in a worker thread."""
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if head:
        handle.close()
        return await send({"type": "http.response.body", "body": b""})
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        handle.close()
    await send({"type": "http.response.body", "body": b""})


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    exports = StaticExports(datasette)

    def wrap(app):
        async def static_exports(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                found = await exports.match(scope)
                if found is not None:
                    file_path, offset, headers = found
                    handle = await asyncio.to_thread(open_at, file_path, offset)
                    if handle is not None:  # opened: it stays readable if a rebuild removes it
                        return await send_file(handle, headers, scope["method"] == "HEAD", send)
            return await app(scope, receive, send)

        return static_exports

    return wrap
