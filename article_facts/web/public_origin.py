"""The public origin is configuration, never the request's Host header.

Our pages take their canonical URL, og:url, JSON and citation from
article_facts.origin.public_url. Datasette builds absolute URLs from the Host header too (the Link
header, `next_url` in table JSON, blob links in CSV), so a cache in front could store a page
pointing at a host an attacker chose. With an origin configured, every request's Host and
scheme are replaced by it before Datasette sees them. With none (development: `make serve`,
tests on a free port), a loopback Host (127.0.0.1, localhost or [::1], with an optional port of
digits, and nothing else: no userinfo, no second colon, no trailing dot) is kept so links work on
whatever port is used, and any other Host is replaced by 127.0.0.1 and the port this server
listens on (article_facts.origin.served_origin). The origin
is checked once at startup, so a malformed one stops the server instead of leaking into pages.
"""
import re
from urllib.parse import urlsplit

from article_facts.origin import DEFAULT_PUBLIC_ORIGIN, configured_origin, served_origin


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


# The whole header must be the host and an optional port: `127.0.0.1:1@evil.example` is a
# URL's userinfo and host to whoever builds a link from it.
LOOPBACK_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?", re.ASCII | re.IGNORECASE)


def is_loopback(host_header):
    return LOOPBACK_HOST.fullmatch(host_header) is not None


def request_hosts(scope):
    return [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"]


def with_public_host(scope, scheme, host):
    """The ASGI scope with the Host header and scheme of the public origin."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"host", b"x-forwarded-host")]
    headers.append((b"host", host.encode("ascii")))
    return dict(scope, headers=headers, scheme=scheme)


def public_scope(scope, origin):
    """The scope Datasette should see: the configured origin's host, a loopback host as
    sent (when it is the only Host header: Datasette reads the last one), or else 127.0.0.1
    on the port this server listens on."""
    hosts = request_hosts(scope)
    if origin is None and len(hosts) == 1 and is_loopback(hosts[0]):
        return with_public_host(scope, scope.get("scheme", "http"), hosts[0])
    scheme, host = parse_origin(origin or served_origin(scope))
    return with_public_host(scope, scheme, host)


def check_origin(datasette):
    """At startup: a malformed configured origin stops the server."""
    parse_origin(configured_origin(datasette) or DEFAULT_PUBLIC_ORIGIN)


def wrapper(datasette):
    """app -> app; article_facts/web/stack.py puts it in its place among the others."""
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] == "http":
                scope = public_scope(scope, configured_origin(datasette))
            return await app(scope, receive, send)
        return wrapped
    return wrap
