"""A value over this site's SQLite limits is the query's fault: 400, not 500
(article_facts/web/bad_requests.py checks everything else before Datasette runs)."""
from datasette import hookimpl

from article_facts.web.bad_requests import error_response, too_big_message


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    message = too_big_message(exception)
    if message is None:
        return None
    return error_response(datasette, request, message)
