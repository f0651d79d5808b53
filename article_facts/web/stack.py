"""The order of the ASGI wrappers around Datasette, stated once.

Outermost first. A request passes down this list to Datasette, a response back up it:
- live_gate: admits the request to one version of the database (live publishing swaps a new
  facts.db in between requests, never during one), so all inside see that version;
- response_headers: security and cache headers, ETags and 304s, decided from the final
  response whichever wrapper produced it;
- public_origin: the public Host and scheme replace the request's before anything builds a URL;
- read_only: GET and HEAD only (405 otherwise);
- request_limits: slots for reader-written SQL, a cap on one-piece responses;
- bad_requests: parameters Datasette would fail on answered with a 400;
- static_exports: whole-table CSV and JSON exports answered from the files the build wrote
  (safe and complete already, so they skip csv_guard);
- csv_guard: Datasette's own CSV answers, formula cells neutralised, and a failed export never
  looks complete (innermost: it reads exactly what Datasette wrote).
"""
from article_facts.web import (
    bad_requests,
    csv_guard,
    live_gate,
    public_origin,
    read_only,
    request_limits,
    response_headers,
    static_exports,
)

OUTERMOST_FIRST = [live_gate, response_headers, public_origin, read_only, request_limits, bad_requests,
                   static_exports, csv_guard]


def wrapper(datasette):
    """Datasette's app -> the app wrapped in OUTERMOST_FIRST's order."""
    wraps = [module.wrapper(datasette) for module in OUTERMOST_FIRST]

    def wrap(app):
        for module_wrap in reversed(wraps):
            app = module_wrap(app)
        return app

    return wrap
