"""Security and cache headers on every response, and 304s for caches that revalidate.

Security: a Content-Security-Policy that allows only this site's own script files plus, by
SHA-256 hash, the inline scripts of this very page that Datasette's and our templates contain
(article_facts/web/inline_scripts.py says how they are trusted, so an injected script never
runs), X-Content-Type-Options nosniff, frame-ancestors 'none' with
X-Frame-Options DENY, and Referrer-Policy no-referrer (shared query URLs stay private).

Caching: when every served database is immutable, a 200 carries an ETag made of the site
version (each database's content hash, our plugins, templates and package (with production's
settings), metadata and the Datasette and plugin versions) and the URL, with `Cache-Control: public, max-age=N,
must-revalidate` (N from plugins.article-facts.cache_max_age, default 0): a CDN keeps the page
and revalidates, a matching If-None-Match gets a 304 without touching the database, and a
rebuilt database changes every ETag, so nothing stale is served. Mutable databases (`make
serve` during development) get `no-cache` and no ETag; errors get `no-store`.

A response that may depend on who asked is never cached publicly: when the request carries a
Cookie or Authorization header (static_exports.py then leaves the request to Datasette), the
response sets a cookie, or Datasette already marked it `private`, it gets Datasette's own
`private, no-store`, no ETag, and no 304. The policy is decided here, from the request and
the response, so a URL gets the same cache headers whichever path serves it.
"""
import asyncio
import hashlib
import json
from collections import OrderedDict
from importlib import metadata as distributions
from pathlib import Path

from datasette import __version__ as datasette_version

from article_facts.web.inline_scripts import trusted_scripts

PACKAGE = Path(__file__).resolve().parent.parent  # article_facts/

# datasette-vega (vega 4) compiles chart expressions with Function(), and its bundle, loaded on
# every page, calls Function() when it loads: 'unsafe-eval' is the one concession to it.
# Style attributes carry per-page values (database colours, the SQL box height), so styles
# need 'unsafe-inline'; scripts never do.
HTML_CSP = (
    "default-src 'none'; script-src 'self' {hashes} 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
MAX_SERVED_TAGS = 50_000  # about 5 MB of ETags a process remembers
REPLACED = {b"content-security-policy", b"cache-control", b"etag", b"vary", b"referrer-policy",
            b"x-content-type-options", b"x-frame-options"}


def html_csp(hashes):
    return HTML_CSP.format(hashes=" ".join(hashes))


def files_fingerprint(*folders):
    digest = hashlib.sha256()
    for folder in folders:
        if not folder:
            continue
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def site_version(database_hashes, code_fingerprint):
    """16 hex digits naming exactly what is served; None if a database can change under us."""
    if not database_hashes or any(h is None for h in database_hashes.values()):
        return None
    payload = json.dumps([sorted(database_hashes.items()), code_fingerprint])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def etag_for(version, method, raw_path, query_string):
    url = raw_path + b"?" + query_string
    return '"{}-{}"'.format(version, hashlib.sha256(url).hexdigest()[:16])


def if_none_match_hits(header_value, etag):
    if not header_value:
        return False
    tags = [t.strip() for t in header_value.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def personalized_request(headers):
    """True when the request carries what can identify the reader (Datasette's rule)."""
    return any(k.lower() in (b"cookie", b"authorization") for k, _ in headers)


def personalized_response(headers):
    """True when the response sets a cookie or is already marked private."""
    for key, value in headers:
        if key.lower() == b"set-cookie":
            return True
        if key.lower() == b"cache-control" and b"private" in value.lower():
            return True
    return False


def cache_control(status, version, max_age, personalized=False):
    if personalized:
        return "private, no-store"
    if status >= 400:
        return "no-store"
    if version is None or status not in (200, 304):
        return "no-cache"
    return f"public, max-age={max_age}, must-revalidate"


def response_headers(headers, status, content_type, csp, version, etag, max_age,
                     personalized=False):
    """The final header list: Datasette's, minus those we own, plus ours."""
    personalized = personalized or personalized_response(headers)
    kept = [(k, v) for k, v in headers if k.lower() not in REPLACED]
    ours = dict(SECURITY_HEADERS)
    ours["content-security-policy"] = csp if content_type.startswith("text/html") else OTHER_CSP
    ours["cache-control"] = cache_control(status, version, max_age, personalized)
    if etag and status in (200, 304) and not personalized:
        ours["etag"] = etag
    return kept + [(k.encode(), v.encode()) for k, v in ours.items()]


class SiteState:
    """What every response needs: computed once per server, except the site version, computed
    again (in a thread: hashing a database without an inspect file reads it whole) whenever
    the served Database objects change, as live publishing swaps in a new version. The live
    gate (outermost) admits a request to one version, so its ETag names the data it got."""

    def __init__(self, datasette):
        self.datasette = datasette
        self.lock = asyncio.Lock()
        self.ready = False

    async def load(self, app):
        async with self.lock:
            if not self.ready:
                ds = self.datasette
                self.scripts = await trusted_scripts(app, ds)
                config = ds.plugin_config("article-facts") or {}
                self.max_age = int(config.get("cache_max_age", 0))
                self.code = await asyncio.to_thread(self.code_fingerprint)
                self.served = ServedTags()
                self.databases, self.version = None, None
                self.ready = True
            served = list(self.datasette.databases.items())  # the objects: an id can be reused
            if self.databases is None or len(served) != len(self.databases) or any(
                    a[0] != b[0] or a[1] is not b[1] for a, b in zip(served, self.databases)):
                # a new version was swapped in (article_facts/live.py)
                self.version = await asyncio.to_thread(self.compute_version)
                self.databases = served
            return self

    def compute_version(self):
        hashes = {name: db.hash for name, db in self.datasette.databases.items() if not db.is_memory}
        return site_version(hashes, self.code)

    def code_fingerprint(self):
        ds = self.datasette
        plugin_versions = []
        for name in ("datasette-vega",):
            try:
                plugin_versions.append((name, distributions.version(name)))
            except distributions.PackageNotFoundError:
                pass
        return [
            datasette_version, plugin_versions,
            # our code: the plugins and templates served, and this package, whose serve.py
            # holds production's settings (a mutable `make serve` has no ETags at all)
            files_fingerprint(ds.plugins_dir, ds.template_dir, PACKAGE),
            json.dumps(ds.metadata(), sort_keys=True, default=str),
            json.dumps(ds.plugin_config("article-facts"), sort_keys=True, default=str),
        ]


class ServedTags:
    """The ETags this process has answered with a 200: only for those is a 304 sent before the
    app runs. Any other conditional request runs the app, and gets a 304 only if the response
    is a 200 carrying the very ETag asked for (`*`: any). Bounded: the oldest are forgotten."""

    def __init__(self, limit=MAX_SERVED_TAGS):
        self.limit = limit
        self.tags = OrderedDict()

    def __contains__(self, etag):
        if etag in self.tags:
            self.tags.move_to_end(etag)
            return True
        return False

    def add(self, etag):
        self.tags[etag] = None
        self.tags.move_to_end(etag)
        while len(self.tags) > self.limit:
            self.tags.popitem(last=False)


def not_modified(headers):
    headers = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"transfer-encoding")]
    return {"type": "http.response.start", "status": 304, "headers": headers}, {
        "type": "http.response.body", "body": b""}


def add_headers(app, state):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        site = await state.load(app)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        raw_path = raw_path.split(b"?", 1)[0]
        csp = html_csp([])  # a 304 has no page: it allows no inline script
        etag = None
        personalized = personalized_request(scope.get("headers", []))
        asked = ""
        if site.version and scope["method"] in ("GET", "HEAD") and not personalized:
            etag = etag_for(site.version, scope["method"], raw_path, scope.get("query_string", b""))
            request_headers = {k.lower(): v for k, v in scope.get("headers", [])}
            asked = request_headers.get(b"if-none-match", b"").decode("latin-1")
            if etag in site.served and if_none_match_hits(asked, etag):
                for message in not_modified(response_headers([], 304, "", csp, site.version, etag, site.max_age)):
                    await send(message)
                return
        answered, page = {"304": False}, {}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                content_type = next(
                    (v.decode("latin-1") for k, v in headers if k.lower() == b"content-type"), ""
                )
                headers = response_headers(
                    headers, message["status"], content_type, csp, site.version, etag, site.max_age,
                    personalized,
                )
                if message["status"] == 200 and etag and (b"etag", etag.encode()) in headers:
                    site.served.add(etag)
                    if if_none_match_hits(asked, etag):
                        answered["304"] = True
                        start, _ = not_modified(headers)
                        return await send(start)
                message = dict(message, headers=headers)
                if content_type.startswith("text/html"):
                    page["start"], page["body"] = message, []  # its policy needs the whole page
                    return
            elif answered["304"]:  # the body is not sent; the empty one ends the response
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            elif "start" in page:
                page["body"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(page["body"])
                policy = html_csp(site.scripts.hashes_for(body.decode("utf-8", "replace")))
                start = page.pop("start")
                headers = [(k, v) for k, v in start["headers"] if k != b"content-security-policy"]
                await send(dict(start, headers=headers + [(b"content-security-policy", policy.encode())]))
                message = {"type": "http.response.body", "body": body}
            await send(message)

        return await app(scope, receive, send_with_headers)

    return wrapped


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    state = SiteState(datasette)
    return lambda app: add_headers(app, state)
