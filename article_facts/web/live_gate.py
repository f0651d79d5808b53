"""The gate of live publishing (article_facts/live.py): every HTTP request is admitted by the
server's Live, counted while it reads the database, and released when it ends.

Outermost in article_facts/web/stack.py, so that everything inside (the ETag of
response_headers included) sees one version for the whole request. A static export
(static_exports.py) reads a file it opened: released as soon as its response starts. A
request that a swap superseded (it outlived live.DRAIN_SECONDS) never delivers a response made
of two versions: it becomes a 503 asking to retry if it had not started, and its connection is
cut if it had.
"""
from article_facts.live import Superseded, current_ticket, live_for
from article_facts.web.static_exports import MARKER

RETRY_HEADERS = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"retry-after", b"1"),
]
RETRY_BODY = b"The site was updated while this page was being made: please load it again.\n"


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    live = live_for(datasette)

    def wrap(app):
        async def gate(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            ticket = await live.admit()
            token = current_ticket.set(ticket)
            state = {"started": False, "replaced": False}

            async def send_one_version(message):
                if state["replaced"]:
                    return
                if message["type"] == "http.response.start":
                    if ticket.expired:
                        state["replaced"] = True
                        await send({"type": "http.response.start", "status": 503, "headers": RETRY_HEADERS})
                        return await send({"type": "http.response.body", "body": RETRY_BODY})
                    state["started"] = True
                    if MARKER in message.get("headers", []):
                        live.release(ticket)
                elif ticket.expired and ticket in live.tickets:
                    raise Superseded("a new version of the database was swapped in during this response")
                await send(message)

            try:
                await app(scope, receive, send_one_version)
            finally:
                live.release(ticket)
                current_ticket.reset(token)

        return gate

    return wrap
