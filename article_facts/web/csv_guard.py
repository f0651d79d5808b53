"""Datasette's own CSV answers, checked and made safe record by record on their way out.

Every .csv answer that Datasette streams (filtered tables, _sort, _next, views, canned
queries, /facts.csv?sql=...; the whole-table files of article_facts/web/static_exports.py are
safe and complete already) is read as CSV, one complete record at a time (csv.writer's
records end with CRLF outside double quotes), and

- each cell a spreadsheet would run as a formula is neutralised (article_facts/csv_safe.py);
  `_raw=on` leaves the cells as Datasette wrote them (the parameter is removed before Datasette
  sees the request);
- a failed export never looks like data. A query always has at least one column, so a
  successful CSV starts with a header record holding at least one field: a body whose first
  record is empty, or that ends before any record is complete, is answered with a 400 saying
  the query failed and where to see its error (the same URL without .csv). A body that stops
  inside a record (whatever Datasette appended after its last row) is cut off after the last
  complete record, and the response is never ended: the server aborts the transfer, so a
  client sees a failed download (curl: exit 18), not a shorter file. The header is always
  asked for, and removed again for `_header=off`.

Answers that are not a 200 CSV (error pages, `_trace` HTML) pass unchanged.
"""
from urllib.parse import parse_qsl, urlencode

from article_facts.csv_safe import RAW_PARAMETER, complete_length, safe_csv

CSV_TYPES = (b"text/csv", b"text/plain")


class CsvExportFailed(Exception):
    """Raised after the response has started: the server closes the connection mid-body."""


def guarded_query(query_string):
    """(query string for Datasette, header off, raw): `_header` and `_raw` removed."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    header_off = any(k == "_header" and v == "off" for k, v in pairs)
    raw = any(k == RAW_PARAMETER and v.lower() in ("on", "true", "1") for k, v in pairs)
    kept = [(k, v) for k, v in pairs if k not in ("_header", RAW_PARAMETER)]
    return urlencode(kept).encode("latin-1"), header_off, raw


def is_csv_request(scope):
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return not any(k == "_trace" for k, _ in args)


def failed_response(path):
    page = path[: -len(".csv")]
    text = (f"400 Bad Request: the query behind this CSV export failed, so there is no CSV to "
            f"send; {page} (the same address without .csv) shows the error\n")
    return ({"type": "http.response.start", "status": 400,
             "headers": [(b"content-type", b"text/plain; charset=utf-8")]},
            {"type": "http.response.body", "body": text.encode("utf-8")})


class Guard:
    """One CSV response: holds bytes until they make whole records, sends them made safe."""

    def __init__(self, send, header_off, raw):
        self.send, self.header_off, self.raw = send, header_off, raw
        self.start = None
        self.started = False
        self.passthrough = False
        self.pending = b""
        self.failed = None  # "empty" (nothing sent yet) or "cut" (mid-body)

    async def __call__(self, message):
        if self.passthrough:
            return await self.send(message)
        if self.failed:
            return
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            if message["status"] != 200 or not content_type.lower().startswith(CSV_TYPES):
                self.passthrough = True
                return await self.send(message)
            self.start = dict(message, headers=[(k, v) for k, v in headers if k.lower() != b"content-length"])
            return
        self.pending += message.get("body", b"")
        more = message.get("more_body", False)
        end = complete_length(self.pending)
        complete, self.pending = self.pending[:end], self.pending[end:]
        if not self.started:
            if not complete:
                if not more:
                    self.failed = "empty"
                return
            header_end = complete_length_of_first(complete)
            if header_end == 2:  # an empty header record: the query had no columns
                self.failed = "empty"
                return
            await self.send(self.start)
            self.started = True
            if self.header_off:
                complete = complete[header_end:]
        if complete:
            text = complete.decode("utf-8", "surrogateescape")
            if not self.raw:
                text = safe_csv(text)
            await self.send({"type": "http.response.body",
                             "body": text.encode("utf-8", "surrogateescape"), "more_body": True})
        if more:
            return
        if self.pending:
            self.failed = "cut"
            return
        await self.send({"type": "http.response.body", "body": b""})


def complete_length_of_first(data):
    """Bytes of data's first record (data holds whole records)."""
    quotes = 0
    start = 0
    while True:
        index = data.find(b"\r\n", start)
        quotes += data.count(b'"', start, index)
        if quotes % 2 == 0:
            return index + 2
        start = index + 2


def checked_csv(app):
    async def wrapped(scope, receive, send):
        if not is_csv_request(scope):
            return await app(scope, receive, send)
        query_string, header_off, raw = guarded_query(scope.get("query_string", b""))
        guard = Guard(send, header_off, raw)
        await app(dict(scope, query_string=query_string), receive, guard)
        if guard.failed == "empty":
            for message in failed_response(scope["path"]):
                await send(message)
        elif guard.failed == "cut":  # raised out here, past Datasette: the server drops the connection
            raise CsvExportFailed(f"CSV export of {scope['path']} failed: it stopped inside a "
                                  "record; the complete records were sent, the transfer is aborted")

    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    return checked_csv
