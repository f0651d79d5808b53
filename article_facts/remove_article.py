"""Take one article's own rows out of a built database (build.replace: a review save publishes
its article without a full build): every per-article table, their full-text rows, and its
statements' place in the same-wording groups (article_facts/variants.py), so that appending the
article's new rows gives what a full build gives. People, organizations and countries are not
touched: replace is used only when the article's part of them is unchanged."""
from collections import defaultdict

from .contract import SHARED
from .database import FTS_TABLES, TABLES
from .variants import bands, connect, group_name, key_of, recompute, speaker_key

VARIANT_TABLES = ("quote_variant_groups", "quote_variant_members")  # derived: unlinked, then relinked
PER_ARTICLE = tuple(name for name, (columns, _) in TABLES.items() if "article_id" in columns and name not in VARIANT_TABLES)


def statements(quotes):
    """What the same-wording groups read of an article's quotes (variants.group_rows): those
    long enough to group, with their words as written and their speaker."""
    return sorted((q["id"], q["text"], speaker_key(q)) for q in quotes if key_of(q["text"]) is not None)


def stored_quotes(conn, article_id):
    cursor = conn.execute("select id, text, speaker_id, speaker_organization_id from quotes where article_id = ?",
                          [article_id])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def remove_article(conn, article_id, quotes):
    """Delete the article's rows. quotes: the quote rows that will replace them. Returns whether
    its statements were unlinked from the groups (then variants.link_article must link the new
    ones); when the grouped statements are the same (an accept, a headline), the groups stay."""
    old = stored_quotes(conn, article_id)
    relink = statements(old) != statements(quotes)
    for name, columns in FTS_TABLES.items():
        if name not in SHARED:  # external-content full-text rows go by their old values
            listed = ", ".join(f"[{c}]" for c in columns)
            conn.execute(f"insert into [{name}_fts]([{name}_fts], rowid, {listed}) "
                         f"select 'delete', rowid, {listed} from [{name}] where article_id = ?", [article_id])
    for name in PER_ARTICLE:
        conn.execute(f"delete from [{name}] where article_id = ?", [article_id])
    conn.execute("delete from articles where id = ?", [article_id])
    if relink:
        unlink_statements(conn, [q["id"] for q in old])
    return relink


def unlink_statements(conn, quote_ids):
    """Take statements (their quote rows already deleted) out of the groups, leaving what
    variants.link_all makes of the archive without them: a wording no other statement has goes
    with its bands, a component that loses one is connected again from what is left of it
    (it can only split), and every group they touched is written again from its members."""
    hashes = set()
    for quote_id in quote_ids:
        row = conn.execute("select hash from quote_variant_statements where quote_id = ?", [quote_id]).fetchone()
        if row:
            hashes.add(row[0])
            conn.execute("delete from quote_variant_statements where quote_id = ?", [quote_id])
    touched, split = set(), set()
    for h in sorted(hashes):
        component, words = conn.execute("select component, words from quote_variant_texts where hash = ?", [h]).fetchone()
        touched.add(component)
        if not conn.execute("select 1 from quote_variant_statements where hash = ? limit 1", [h]).fetchone():
            conn.execute("delete from quote_variant_texts where hash = ?", [h])
            conn.executemany("delete from quote_variant_bands where band = ? and hash = ?",
                             [(band, h) for band in bands(words)])
            split.add(component)
    for component in sorted(touched):
        conn.execute("delete from quote_variant_members where group_id = ?", [group_name(component)])
        conn.execute("delete from quote_variant_groups where id = ?", [group_name(component)])
        for part in (parts(conn, component) if component in split else [component]):
            recompute(conn, part)


def parts(conn, component):
    """The components what is left of one splits into, each named by its smallest hash as the
    build names them (the texts' component column is updated)."""
    keys = dict(conn.execute("select hash, words from quote_variant_texts where component = ?", [component]))
    components, _ = connect(keys)
    found = defaultdict(list)
    for h in keys:
        found[components.find(h)].append(h)
    for root, hashes in found.items():
        conn.executemany("update quote_variant_texts set component = ? where hash = ?", [(root, h) for h in hashes])
    return sorted(found)
