"""The rows of our table pages (templates/_facts_table.html), written in Python.

Datasette renders templates in Jinja's async mode, where every `{{ }}` of every cell costs
tens of microseconds: the quotes table's 100 rows × 19 columns took about half of its page time
that way. `{{ display_rows|table_rows }}` writes the <tr>/<td> rows in one pass, escaping each
value as Jinja's autoescape would (a value a plugin or Datasette made Markup is kept as it is).
Each <td> has the class col-{column} of its <th> (Datasette's table.js finds a column's cells
by it) and type-{value type}.
"""
from functools import lru_cache
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import to_css_class
from markupsafe import Markup, escape


@lru_cache(maxsize=4096)
def cell_class(column, value_type):
    return escape(f"col-{to_css_class(column)} type-{value_type}")


def table_rows(display_rows, own_page_prefix=None, own_page_title="", own_page_text=""):
    """<tr> rows of <td> cells for Datasette's display_rows. With own_page_prefix, the primary
    key cell also links to own_page_prefix + its key: our own page for the row."""
    out = []
    link_start = link_end = None
    if own_page_prefix is not None:
        link_start = f' <a class="own-page-link" href="{escape(own_page_prefix)}'
        link_end = f'" title="{escape(own_page_title)}">{escape(own_page_text)}</a>'
    for row in display_rows:
        out.append("<tr>")
        for cell in row:
            extra = ""
            if link_start and cell["value_type"] == "pk":
                extra = f'{link_start}{escape(quote(str(cell["raw"]), safe=""))}{link_end}'
            out.append(f'<td class="{cell_class(cell["column"], cell["value_type"])}">{escape(cell["value"])}{extra}</td>')
        out.append("</tr>\n")
    return Markup("".join(out))


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["table_rows"] = table_rows
