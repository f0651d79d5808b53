"""The public origin is checked once at startup (article_facts/web/public_origin.py)."""
from datasette import hookimpl

from article_facts.web.public_origin import check_origin


@hookimpl
def startup(datasette):
    check_origin(datasette)
