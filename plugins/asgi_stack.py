"""Every ASGI wrapper, in the one order article_facts/web/stack.py declares."""
from datasette import hookimpl

from article_facts.web import stack


@hookimpl
def asgi_wrapper(datasette):
    return stack.wrapper(datasette)
