"""The site is a read-only publication: every path answers GET and HEAD only.

Datasette 0.65 answers unknown methods (TRACE, FOO) and a POST to a table with a 500, and our
own routes answer every method with the page. Refusing other methods before Datasette sees the
request gives one clear 405 everywhere, with the Allow header HTTP asks for.

The one exception: the local review server (`make review`, review_mode) lets a POST through
to its own review pages, where the review plugin saves a reviewer's action. A public server is
never in review mode, so it has no exception.
"""
from article_facts.review_mode import PREFIX, in_review_mode

ALLOWED_METHODS = ("GET", "HEAD")
ALLOW_HEADER = ", ".join(ALLOWED_METHODS)


def method_allowed(method):
    """Only reading methods: nothing on this site changes state."""
    return method.upper() in ALLOWED_METHODS


def not_allowed_response(method):
    """The 405 as (status, headers, body): plain text saying what to use instead."""
    body = f"405 Method Not Allowed: {method} is not accepted; this site is read-only, use {ALLOW_HEADER}.\n"
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"allow", ALLOW_HEADER.encode()),
    ]
    return 405, headers, body.encode("utf-8")


def review_post(scope, review_mode):
    """A POST to a review page (/-/review/<article id>) on the review server."""
    return review_mode and scope["method"].upper() == "POST" and scope["path"].startswith(PREFIX + "/")


def read_only(app, review_mode=False):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or method_allowed(scope["method"]) or review_post(scope, review_mode):
            return await app(scope, receive, send)
        status, headers, body = not_allowed_response(scope["method"])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    return lambda app: read_only(app, in_review_mode(datasette))
