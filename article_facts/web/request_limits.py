"""Keep one heavy request from starving the rest, and bound what one response may hold.

Datasette runs SQL on a few threads; three `?sql=` queries at their time limit once made a
cheap page wait 9.4 s. Requests that run SQL the reader wrote (`sql=` on a database,
`_where=` on a table) take a slot first: at most ARBITRARY_SQL_SLOTS run at once, so the other
threads always serve cheap pages. A request that cannot get a slot within SLOT_WAIT_SECONDS,
or finds the queue full, is told to retry (429, Retry-After).

A response sent in one piece (HTML, JSON) over MAX_RESPONSE_BYTES is replaced by a 400 that
says to add a LIMIT; streamed responses (CSV with _stream=on) pass, their pages bounded by the
per-statement limits of plugins/query_limits.py.
"""
import asyncio
from urllib.parse import parse_qsl


ARBITRARY_SQL_SLOTS = 1
MAX_WAITING = 64
SLOT_WAIT_SECONDS = 20
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
ARBITRARY_SQL_PARAMETERS = {"sql", "_where"}


def runs_arbitrary_sql(query_string):
    """True for a request carrying SQL the reader wrote."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    return any(key in ARBITRARY_SQL_PARAMETERS for key, _ in parse_qsl(text, keep_blank_values=True))


def plain_response(status, message, extra_headers=()):
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *extra_headers]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": (message + "\n").encode("utf-8")},
    )


def too_large_message(size, limit):
    return (
        f"400 Bad Request: the response would be {size / 2**20:.0f} MiB, over this server's "
        f"{limit // 2**20} MiB limit; add a LIMIT to the query, select fewer columns, or export "
        "it as streamed CSV (.csv?_stream=on)"
    )


class SlotGate:
    """A bounded queue in front of the arbitrary-SQL requests."""

    def __init__(self, slots=ARBITRARY_SQL_SLOTS, max_waiting=MAX_WAITING, wait=SLOT_WAIT_SECONDS):
        self.semaphore = asyncio.Semaphore(slots)
        self.max_waiting = max_waiting
        self.wait = wait
        self.waiting = 0

    async def acquire(self):
        """True once a slot is held; False if the queue is full or the wait too long."""
        if self.semaphore.locked() and self.waiting >= self.max_waiting:
            return False
        self.waiting += 1
        try:
            await asyncio.wait_for(self.semaphore.acquire(), self.wait)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            self.waiting -= 1

    def release(self):
        self.semaphore.release()


def bounded_send(send, limit):
    """A send that holds back the response start until the first body message, and replaces a
    one-piece body over `limit` bytes with the 400."""
    pending = {}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            pending["start"] = message
            return
        if "start" in pending:
            start = pending.pop("start")
            body = message.get("body", b"")
            if not message.get("more_body") and len(body) > limit:
                start, message = plain_response(400, too_large_message(len(body), limit))
            await send(start)
        await send(message)

    return wrapped


def limit_requests(app, gate, limit=MAX_RESPONSE_BYTES):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        send = bounded_send(send, limit)
        if not runs_arbitrary_sql(scope.get("query_string", b"")):
            return await app(scope, receive, send)
        if not await gate.acquire():
            start, body = plain_response(
                429, "429 Too Many Requests: too many custom SQL queries are running; retry shortly",
                [(b"retry-after", b"5")],
            )
            await send(start)
            return await send(body)
        try:
            return await app(scope, receive, send)
        finally:
            gate.release()

    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    config = datasette.plugin_config("article-facts") or {}
    slots = int(config.get("arbitrary_sql_slots", ARBITRARY_SQL_SLOTS))
    limit = int(config.get("max_response_bytes", MAX_RESPONSE_BYTES))

    def wrap(app):
        gate = None

        async def wrapped(scope, receive, send):
            nonlocal gate
            if gate is None:  # the semaphore belongs to the event loop serving requests
                gate = SlotGate(slots)
            return await limit_requests(app, gate, limit)(scope, receive, send)

        return wrapped

    return wrap
