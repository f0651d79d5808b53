"""A CSV export that failed must not look like an empty result.

Datasette 0.65 answers a failed query's .csv (`/facts/search.csv?q=%00`) with 200 and an
empty body, and an export that fails after some rows (time limit, result limit) with the
error text appended as if it were a last row. Every successful query has at least one column,
so its CSV always starts with a header line; an empty header line means the query failed.

So for every .csv request the header is always asked for (and removed again when the client
said `_header=off`): an empty first line becomes a 400 carrying Datasette's error message (read
from the same URL as .json), and a stream whose last chunk is not a complete line (Datasette's
error text) is cut off without its end: the client sees an incomplete transfer, not data.
"""
import json
from urllib.parse import parse_qsl, urlencode



class CsvExportFailed(Exception):
    """Raised after the response has started: the server closes the connection mid-body."""


def is_csv_export(scope):
    path = scope.get("path", "")
    args = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    return scope["type"] == "http" and path.endswith(".csv") and not args.get("_trace")


def with_header(query_string):
    """(query string asking for the header, whether the client had turned it off)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    header_off = any(k == "_header" and v == "off" for k, v in pairs)
    kept = [(k, v) for k, v in pairs if k != "_header"]
    return urlencode(kept).encode("latin-1"), header_off


def error_from_json(body):
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("error") if isinstance(data, dict) else None


async def json_error(app, scope):
    """Datasette's error message for the same request as .json."""
    path = scope["path"][: -len(".csv")] + ".json"
    json_scope = dict(scope, path=path, raw_path=path.encode("latin-1"))
    chunks = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def capture(message):
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(json_scope, receive, capture)
    return error_from_json(b"".join(chunks))


def checked_csv(app):
    async def wrapped(scope, receive, send):
        if not is_csv_export(scope):
            return await app(scope, receive, send)
        query_string, header_off = with_header(scope.get("query_string", b""))
        inner_scope = dict(scope, query_string=query_string)
        state = {"start": None, "first_line": True, "held": None, "failed": False, "rows": 0,
                 "passthrough": False}

        async def forward(message):
            if state.get("aborted"):
                return
            if state["passthrough"]:
                return await send(message)
            if message["type"] == "http.response.start":
                state["start"] = message
                if message["status"] != 200:  # an error page already says what went wrong
                    state["passthrough"] = True
                    await send(message)
                return
            body = message.get("body", b"")
            more = message.get("more_body", False)
            if state["first_line"] and scope["method"] == "HEAD" and not body and not more:
                # A HEAD answered without a body (article_facts/web/fast_csv.py) has no line to check.
                await send(state.pop("start"))
                return await send(message)
            if state["first_line"] and (body or not more):
                state["first_line"] = False
                if body.strip() == b"":
                    state["failed"] = True
                    return
                if header_off:
                    body = body.split(b"\n", 1)[1] if b"\n" in body else b""
                await send(state.pop("start"))
            elif state["failed"]:
                return
            # Hold the last non-empty chunk back: at the end, Datasette's error text is a
            # chunk that is not a whole line.
            if body and state["held"] is not None:
                await send({"type": "http.response.body", "body": state["held"], "more_body": True})
                state["rows"] += 1
                state["held"] = None
            if body:
                state["held"] = body
            if more:
                return
            last = state["held"] or b""
            if last and not last.endswith(b"\n"):
                state["aborted"] = (
                    f"CSV export of {scope['path']} failed after {state['rows']} lines: "
                    f"{last.decode('utf-8', 'replace')[:200]}"
                )
                return
            await send({"type": "http.response.body", "body": last, "more_body": False})

        await app(inner_scope, receive, forward)
        if state.get("aborted"):  # raised out here, past Datasette, so the server drops the connection
            raise CsvExportFailed(state["aborted"])
        if state["failed"]:
            message = await json_error(app, inner_scope) or "the query failed"
            text = f"400 Bad Request: the query behind this CSV export failed: {message}\n"
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": text.encode("utf-8")})

    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    return checked_csv
