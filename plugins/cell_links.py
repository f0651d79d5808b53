"""Link Datasette's own table, row and query pages to our quote, speaker and article pages.

The quotes table's pk is drawn as the row link without calling render_cell, so the quote
text (and quote_id elsewhere) carries the link to /quotes/{id}; the id cell itself gets a
"quote page" link from templates/_table-facts-quotes.html.
"""
import weakref

from datasette import hookimpl
from markupsafe import Markup, escape

# SPEAKER_COLUMNS: columns naming a speaker, a person or an organization, both served at /speakers/{id}.
from article_facts.contract import DATABASE_NAME as DB, SPEAKER_COLUMNS
SPEAKER_NAMES_SQL = "select id, name from people union all select id, name from organizations"
_speaker_names = weakref.WeakKeyDictionary()  # Database -> {id: name}


async def speaker_names(datasette):
    """Every speaker's name, read once per served database: it is read-only while served, and
    a page of 1,000 query results would otherwise run 1,000 lookups."""
    db = datasette.get_database(DB)
    if db not in _speaker_names:
        _speaker_names[db] = dict((await db.execute(SPEAKER_NAMES_SQL)).rows)
    return _speaker_names[db]


def link(href, text, css_class):
    """<a class="css_class" href="href">text</a>, each part escaped (as Markup.format would,
    a few times faster: a table page draws hundreds of these)."""
    return Markup(f'<a class="{escape(css_class)}" href="{escape(href)}">{escape(text)}</a>')


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DB or value in (None, ""):
        return None
    keys = row.keys()

    label = None
    if isinstance(value, dict):  # a foreign key Datasette has already labelled
        value, label = value["value"], value["label"]

    async def speaker_link():
        name = label or (await speaker_names(datasette)).get(value, value)
        return link(datasette.urls.path(f"/speakers/{value}"), name, "speaker-link")

    if column == "text" and table == "quotes" and "id" in keys:
        return link(datasette.urls.path(f"/quotes/{row['id']}"), value, "quote-link")
    if column in ("quote_id", "continues_id"):
        return link(datasette.urls.path(f"/quotes/{value}"), label or value, "quote-link")
    if column in SPEAKER_COLUMNS and isinstance(value, str):
        return speaker_link()
    if column == "name" and table == "people" and "id" in keys:
        return link(datasette.urls.path(f"/speakers/{row['id']}"), value, "speaker-link")
    if column == "article_id":
        return link(datasette.urls.path(f"/articles/{value}"), label or value, "article-link")
    if column == "paragraph_id" and isinstance(value, str) and "-p" in value:
        # paragraph ids are "{article slug}-p{position}": link to that paragraph's anchor
        article_id, position = value.rsplit("-p", 1)
        return link(datasette.urls.path(f"/articles/{article_id}#p{position}"), value, "paragraph-link")
    return None
