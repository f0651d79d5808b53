"""The site's own stylesheet and script, served at /assets/{name} and linked from every page.

They live in templates/assets/ so that the ETag of every page (which fingerprints templates/)
changes with them. Datasette's pages get the stylesheet through the documented
extra_css_urls hook; the citation script only from the quote page and /check.
"""
from pathlib import Path

from datasette import hookimpl
from datasette import NotFound, Response

ASSETS = Path(__file__).parent.parent / "templates" / "assets"
CONTENT_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
STYLESHEET = "site.css"
# Scripts linked from some templates only: {template: asset}.
SCRIPTS = {"quote.html": "citation.js", "check.html": "citation.js", "review-article.html": "review.js"}


def asset(name):
    """(bytes, content type) of a file in templates/assets/, or None: only the names listed
    there, never a path."""
    path = ASSETS / name
    if "/" in name or path.suffix not in CONTENT_TYPES or not path.is_file():
        return None
    return path.read_bytes(), CONTENT_TYPES[path.suffix]


async def serve_asset(request):
    found = asset(request.url_vars["name"])
    if found is None:
        raise NotFound("No such asset")
    body, content_type = found
    return Response(body, content_type=content_type)


@hookimpl
def register_routes():
    return [(r"^/assets/(?P<name>[a-z][a-z0-9-]*\.(css|js))$", serve_asset)]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/assets/{STYLESHEET}")]


@hookimpl
def extra_js_urls(template, datasette):
    if template in SCRIPTS:
        return [{"url": datasette.urls.path(f"/assets/{SCRIPTS[template]}"), "module": False}]
    return []
