"""The order of the ASGI wrappers around Datasette, stated once.

Outermost first. A request passes down this list to Datasette, a response back up it:
- response_headers: security and cache headers, ETags and 304s, decided from the final
  response whichever wrapper produced it;
- public_origin: the public Host and scheme replace the request's before anything builds a URL;
- read_only: GET and HEAD only (405 otherwise);
- request_limits: slots for reader-written SQL, a cap on one-piece responses;
- bad_requests: parameters Datasette would fail on answered with a 400;
- csv_errors: a failed CSV export never looks complete;
- fast_csv: whole-table CSV exports answered without Datasette (innermost: it answers as
  Datasette would, so every wrapper above treats both paths alike).
"""
from article_facts.web import (
    bad_requests,
    csv_errors,
    fast_csv,
    public_origin,
    read_only,
    request_limits,
    response_headers,
)

OUTERMOST_FIRST = [response_headers, public_origin, read_only, request_limits, bad_requests,
                   csv_errors, fast_csv]


def wrapper(datasette):
    """Datasette's app -> the app wrapped in OUTERMOST_FIRST's order."""
    wraps = [module.wrapper(datasette) for module in OUTERMOST_FIRST]

    def wrap(app):
        for module_wrap in reversed(wraps):
            app = module_wrap(app)
        return app

    return wrap
