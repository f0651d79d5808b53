"""A bad parameter is the client's fault: 400, not 500 (article_facts/web/bad_requests.py)."""
from datasette import hookimpl

from article_facts.web.bad_requests import client_error_response


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    return client_error_response(datasette, request, exception)
