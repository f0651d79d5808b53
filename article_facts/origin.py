"""The site's public origin, shared by the plugins that build absolute URLs (canonical links,
og:url, citations, JSON): from configuration (metadata.yml `plugins: article-facts:
public_origin`, i.e. {"$env": "FACTS_PUBLIC_ORIGIN"}) when it is set; otherwise the origin the
request was actually served on. That is never an attacker's Host header: the public_origin
wrapper (article_facts/web/public_origin.py) has already replaced any Host that is not a
loopback one by `served_origin` (127.0.0.1 and the port this server listens on), so a cache in
front can never store a page whose links point at a host an attacker chose, and a
development server on any PORT links to itself."""
import os

DEFAULT_PORT = 8001  # `make serve`'s PORT and the Dockerfile's, when nothing says otherwise
DEFAULT_PUBLIC_ORIGIN = f"http://127.0.0.1:{DEFAULT_PORT}"


def configured_origin(datasette):
    """The origin set in metadata.yml (or its $env variable), or None."""
    return (datasette.plugin_config("article-facts") or {}).get("public_origin") or None


def served_origin(scope):
    """http://127.0.0.1:<port> for the port in the ASGI scope's `server` (the socket this
    server listens on); the default origin when the server does not say."""
    server = scope.get("server") or ()
    port = server[1] if len(server) > 1 and isinstance(server[1], int) else None
    if not port:
        return DEFAULT_PUBLIC_ORIGIN
    return "http://127.0.0.1" if port == 80 else f"http://127.0.0.1:{port}"


def request_origin(datasette, request):
    """The origin of this request's pages: the configured one, else the scheme and Host the
    request arrived with (after the public_origin wrapper: loopback as sent, or served_origin)."""
    configured = configured_origin(datasette)
    if configured:
        return configured.strip().rstrip("/")
    return f"{request.scheme}://{request.host}"


def public_url(datasette, path, request):
    """Absolute URL of `path` (already base_url-prefixed) on the origin this page is served on."""
    return request_origin(datasette, request) + path


def command_line_origin(environ=os.environ):
    """For commands that print a link to the site (build_db.py add): FACTS_PUBLIC_ORIGIN, else
    the local server on PORT (`make` passes its PORT), else the default."""
    configured = (environ.get("FACTS_PUBLIC_ORIGIN") or "").strip().rstrip("/")
    if configured:
        return configured
    port = (environ.get("PORT") or "").strip()
    return f"http://127.0.0.1:{port}" if port.isdigit() else DEFAULT_PUBLIC_ORIGIN
