"""Search results' snippets: plain text in JSON and CSV, the matched words marked in HTML.

The `search` saved query (metadata.yml) asks FTS5's snippet() to put U+0002 before and U+0003
after each matched word (control characters the build refuses in articles, so a marker is
never a character of the data), then hands out the snippet without them and, beside it,
`matches`: where each matched word is in that plain snippet, as computed by the SQL function
snippet_matches() registered here. HTML pages mark those words with <mark>; JSON and CSV
carry no control characters.
"""
import json

from datasette import hookimpl
from markupsafe import Markup, escape

MATCH_START, MATCH_END = "\x02", "\x03"


def snippet_matches(marked):
    """'a \\x02Chávez\\x03 b' -> '[[2,8]]': [start, end] of each marked run, in characters
    (code points) of the snippet with its markers removed. A run left open ends with the
    snippet; a stray end marker is dropped."""
    if marked is None:
        return None
    matches, plain, start = [], 0, None
    for char in str(marked):
        if char == MATCH_START:
            if start is None:
                start = plain
        elif char == MATCH_END:
            if start is not None:
                if plain > start:
                    matches.append([start, plain])
                start = None
        else:
            plain += 1
    if start is not None and plain > start:
        matches.append([start, plain])
    return json.dumps(matches)


def snippet_html(snippet, matches):
    """The plain snippet escaped, with <mark> around each [start, end] of matches (JSON text,
    as snippet_matches writes it). Runs out of order, overlapping or out of range are
    skipped, so every <mark> opened is closed."""
    text = str(snippet)
    try:
        runs = json.loads(matches) if matches else []
    except ValueError:
        runs = []
    out, cursor = [], 0
    for run in runs:
        if not (isinstance(run, list) and len(run) == 2 and all(isinstance(i, int) for i in run)):
            continue
        start, end = run
        if start < cursor or end <= start or end > len(text):
            continue
        out.append(escape(text[cursor:start]))
        out.append(Markup("<mark>{}</mark>").format(text[start:end]))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


@hookimpl
def prepare_connection(conn):
    conn.create_function("snippet_matches", 1, snippet_matches, deterministic=True)


def matched_words(snippet, matches):
    """The matched words themselves, for the HTML page's `matches` cell: 'asylum, Chávez'."""
    try:
        runs = json.loads(matches) if matches else []
        return ", ".join(str(snippet)[start:end] for start, end in runs)
    except (ValueError, TypeError):
        return None


@hookimpl
def render_cell(row, value, column, table, database):
    if table is not None or value is None or not {"snippet", "matches"} <= set(row.keys()):
        return None
    if column == "snippet":
        return snippet_html(value, row["matches"])
    if column == "matches":
        return matched_words(row["snippet"], value)
    return None
