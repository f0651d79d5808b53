"""The site's public origin, shared by the plugins that build absolute URLs: it comes from
configuration (metadata.yml `plugins: article-facts: public_origin`, e.g. {"$env":
"FACTS_PUBLIC_ORIGIN"}), never from the request's Host header, so a cache in front can never
store a page whose links point at a host an attacker chose."""

DEFAULT_PUBLIC_ORIGIN = "http://127.0.0.1:8001"


def configured_origin(datasette):
    """The origin set in metadata.yml (or its $env variable), or None."""
    return (datasette.plugin_config("article-facts") or {}).get("public_origin") or None


def public_url(datasette, path):
    """Absolute URL of `path` (already base_url-prefixed) on the public origin."""
    return (configured_origin(datasette) or DEFAULT_PUBLIC_ORIGIN).rstrip("/") + path
