"""Give our own pages (quotes, articles, speakers, /about) what Datasette's footer needs.

Datasette's views pass `metadata` and `datasette_version` to their templates; pages rendered
by plugins and templates/pages/ do not, so the footer would lose the licence, source and
About links.
"""
from datasette import hookimpl
from datasette import __version__


@hookimpl
def extra_template_vars(view_name, datasette):
    if view_name != "page":
        return {}
    return {"metadata": datasette.metadata(), "datasette_version": __version__}
