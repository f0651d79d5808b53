"""Whether this Datasette is the local review server (`make review`).

Declared once so that the review plugin (its routes), the public pages (a review link on the
Articles page) and the tests agree. The review server adds this key to the metadata's
`plugins:` block; `make serve` and `make serve-prod` never do, so their pages carry no review
link and their Datasette has no review route (the plugin registers none without it).
"""

PLUGIN = "article-facts-review"
PREFIX = "/-/review"


def in_review_mode(datasette):
    """True only on the review server: its metadata carries `plugins: {PLUGIN: {enabled: true}}`."""
    config = datasette.plugin_config(PLUGIN) or {}
    return config.get("enabled") is True


def review_path(article_id=None):
    """/-/review (the list) or /-/review/<article id> (one article's review page)."""
    return PREFIX if article_id is None else f"{PREFIX}/{article_id}"
