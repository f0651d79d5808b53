"""Which inline scripts a page may run: Datasette's and ours as the templates write them, no other.

The Content-Security-Policy (article_facts/web/response_headers.py) lists, for each HTML
response as it goes out, the SHA-256 hashes of the inline scripts (and inline event handlers)
that this page contains AND that we trust. Hashing every script found in the body would also
hash an injected one, so trust comes from elsewhere:

- the template files Datasette renders: its default templates (the `default:` templates of its
  documented template loading, read as files of the installed package) and our templates
  folder. A script body with no Jinja in it is trusted exactly as written. A body with `{{ }}`
  expressions (Datasette's `DATASETTE_ALLOW_FACET = {{ datasette_allow_facet }};`) is trusted
  when each expression is filled by a JSON literal only (true, false, null, a number): nothing
  that can call a function. A body that is all expression (base.html's plugin body scripts) is
  so never trusted, nor is anything with `{% %}`: no plugin here adds one;
- the one inline script Datasette writes outside a template, on its "SQL query took too long"
  page: the page is asked for once (a query that always runs out of time, through the app's
  own stack) and its script learnt from what Datasette sends.

Each page's policy lists only the trusted scripts it contains, so a script that the data or a
template bug injects is never hashed, and the browser refuses to run it. Event handlers need
CSP's 'unsafe-hashes', which still allows only the listed handler texts.
"""
import hashlib
import html
import json
import re
from base64 import b64encode
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode

# Written as the templates write them (lower case): what these do not find is not hashed, so
# the browser blocks it; case-sensitive patterns scan a 700 KiB page in about a millisecond.
SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S)
HANDLER = re.compile(r"""[ \t\n]on[a-z]+=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
STATEMENT = re.compile(r"{%|{#")
EXPRESSION = re.compile(r"{{.*?}}", re.S)
JSON_LITERAL = r"(?:true|false|null|-?[0-9]+(?:\.[0-9]+)?)"
# Counts for ever: Datasette interrupts it at the 1 ms `_timelimit` this probe asks for.
ENDLESS_SQL = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"


def script_hash(text):
    return "'sha256-{}'".format(b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode())


def inline_parts(text):
    """(inline script bodies, event handler texts) of an HTML page or a template; a script
    with a src attribute is not inline."""
    scripts = [m["body"] for m in SCRIPT.finditer(text) if "src=" not in m["attrs"].lower()]
    handlers = [html.unescape(m["dq"] if m["dq"] is not None else m["sq"]) for m in HANDLER.finditer(text)]
    return scripts, handlers


def filled_pattern(body):
    """A template script with `{{ }}` expressions as a regex: each expression a JSON literal."""
    pieces = EXPRESSION.split(body)
    return re.compile(JSON_LITERAL.join(re.escape(piece) for piece in pieces))


def template_folders(template_dir):
    """Our templates folder (first, as Datasette searches it) and Datasette's default templates."""
    folders = [Path(template_dir)] if template_dir else []
    folders.append(Path(str(resources.files("datasette").joinpath("templates"))))
    return [folder for folder in folders if folder.is_dir()]


def template_texts(folders):
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            yield path.read_text(encoding="utf-8")


class TrustedScripts:
    """The inline scripts and handlers the templates (and Datasette's interrupted-query page)
    contain; `hashes_for(page)` gives the CSP sources of the trusted ones a page holds."""

    def __init__(self, texts, extra_scripts=()):
        self.scripts, self.patterns, self.handlers = set(extra_scripts), [], set()
        for text in texts:
            scripts, handlers = inline_parts(text)
            for body in scripts:
                if not JINJA.search(body):
                    self.scripts.add(body)
                elif not STATEMENT.search(body) and EXPRESSION.sub("", body).strip():
                    self.patterns.append(filled_pattern(body))
            self.handlers.update(h for h in handlers if not JINJA.search(h))

    def trusts(self, body):
        return body in self.scripts or any(pattern.fullmatch(body) for pattern in self.patterns)

    def hashes_for(self, page):
        scripts, handlers = inline_parts(page)
        hashes = sorted({script_hash(body) for body in scripts if self.trusts(body)})
        allowed = sorted({script_hash(text) for text in handlers if text in self.handlers})
        if allowed:
            hashes += ["'unsafe-hashes'"] + allowed
        return hashes


async def interrupted_query_scripts(app, datasette):
    """The inline scripts of Datasette's "SQL query took too long" page, from the page itself:
    the JSON form of a query that runs out of time carries the page's HTML as its error."""
    name = next((name for name in datasette.databases if name != "_internal"), None)
    if name is None:
        return []
    path = datasette.urls.database(name, format="json")
    query = urlencode({"sql": ENDLESS_SQL, "_timelimit": "1"}).encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    chunks = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    try:
        error = json.loads(b"".join(chunks)).get("error") or ""
    except (ValueError, AttributeError):
        return []
    return inline_parts(error)[0] if isinstance(error, str) else []


async def trusted_scripts(app, datasette):
    """At the first request: the templates' scripts and the interrupted-query page's."""
    texts = list(template_texts(template_folders(datasette.template_dir)))
    return TrustedScripts(texts, await interrupted_query_scripts(app, datasette))
