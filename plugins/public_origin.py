"""The public origin is configuration, never the request's Host header.

Our pages take their canonical URL, og:url, JSON and citation from `public_url` in
plugins/fact_pages.py. Datasette builds absolute URLs from the Host header too (the Link
header, `next_url` in table JSON, blob links in CSV), so a cache in front could store a page
pointing at a host an attacker chose. Every request's Host and scheme are replaced by the
configured origin before Datasette sees them; the origin is checked once at startup, so a
malformed one stops the server instead of leaking into pages.
"""
from urllib.parse import urlsplit

from datasette import hookimpl

DEFAULT_PUBLIC_ORIGIN = "http://127.0.0.1:8001"  # the same default as plugins/fact_pages.py


def parse_origin(value):
    """(scheme, host[:port]) of an origin such as https://facts.example.org; ValueError if it
    has a path, query, credentials or an unknown scheme."""
    if not isinstance(value, str):
        raise ValueError(f"public_origin must be a string like https://facts.example.org, not {value!r}")
    parts = urlsplit(value.strip().rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"public_origin {value!r}: needs http:// or https:// and a host name")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"public_origin {value!r}: only scheme, host and port, no path or query")
    return parts.scheme, parts.netloc.lower()


def configured_origin(datasette):
    return (datasette.plugin_config("article-facts") or {}).get("public_origin") or DEFAULT_PUBLIC_ORIGIN


def with_public_host(scope, scheme, host):
    """The ASGI scope with the Host header and scheme of the public origin."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"host", b"x-forwarded-host")]
    headers.append((b"host", host.encode("ascii")))
    return dict(scope, headers=headers, scheme=scheme)


@hookimpl
def startup(datasette):
    parse_origin(configured_origin(datasette))


@hookimpl(tryfirst=True)
def asgi_wrapper(datasette):
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] == "http":
                scheme, host = parse_origin(configured_origin(datasette))
                scope = with_public_host(scope, scheme, host)
            return await app(scope, receive, send)
        return wrapped
    return wrap
