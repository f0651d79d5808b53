"""Candidates for /check from SQLite FTS5, bounded however large the archive: the pasted
words become quoted FTS5 strings (never FTS syntax), each word's document count is read up to
a cap, and the rarest words pick at most CANDIDATES statements by bm25. Split quotes come back
whole (every part, first to last), with what a result shows about each."""
import json

from .words import search_terms

# How many statements are scored; how many distinct words are looked up; the document count
# past which a word is "common" (its count is not read further: the cost stays bounded).
CANDIDATES = 60
MAX_TERMS = 24
COMMON = 2000
# The rarest words searched with OR; when fewer than two words are rare, statements with all of
# the rarest AND_TERMS common words too.
OR_TERMS = 5
AND_TERMS = 3


def fts_string(term):
    """A word as an FTS5 string: quoted, so it is never read as an operator or a column."""
    return '"' + term.replace('"', '""') + '"'


def query_terms(text):
    """Distinct search words of text, at most MAX_TERMS, longest first (longer words are
    more often rare, and a long paste keeps its telling words)."""
    distinct = list(dict.fromkeys(search_terms(text)))
    return sorted(distinct, key=lambda term: (-len(term), distinct.index(term)))[:MAX_TERMS]


def counts_sql(n):
    """One statement: the capped document count of each of n words (:t0 ... :t{n-1})."""
    return " union all ".join(
        f"select {i} as i, (select count(*) from (select 1 from quotes_fts where quotes_fts match :t{i} "
        f"limit {COMMON})) as n" for i in range(n))


def match_expression(terms, counts):
    """The FTS5 query for the candidates: the rarest OR_TERMS words ORed; when fewer than two
    words are rare, also the rarest AND_TERMS common words ANDed (a quote of common words,
    "It is early"); None when no word is in the archive."""
    ranked = sorted(zip(terms, counts), key=lambda pair: pair[1])
    rare = [term for term, n in ranked if 0 < n < COMMON][:OR_TERMS]
    common = [term for term, n in ranked if n >= COMMON][:AND_TERMS]
    parts = [fts_string(term) for term in rare]
    if len(rare) < 2 and common:
        parts.append("(" + " AND ".join(fts_string(term) for term in common) + ")")
    return " OR ".join(parts) or None


# CROSS JOIN keeps FTS5 first: SQLite would otherwise scan every article for a language.
CANDIDATES_SQL = """
select q.id from quotes_fts f cross join quotes q on q.rowid = f.rowid
cross join articles a on a.id = q.article_id
where f.quotes_fts match :match and (:lang = '' or a.language = :lang)
order by f.rank limit :limit
"""
# Each candidate's whole quote: up the continues_id links to its first part, then down to its
# last (as the quote page does, plugins/fact_pages.py QUOTE_PARTS_SQL), every part's words and
# review, and what a result shows about the first part (its speaker, article and outlet).
WHOLE_QUOTES_SQL = """
with recursive
cand(id) as (select value from json_each(:ids)),
up(id, continues_id, depth) as (
  select q.id, q.continues_id, 0 from quotes q join cand on q.id = cand.id
  union all
  select q.id, q.continues_id, up.depth + 1 from quotes q join up on q.id = up.continues_id where up.depth < 100
),
roots(id) as (select distinct id from up where continues_id is null),
down(root, id, depth) as (
  select id, id, 0 from roots
  union all
  select down.root, q.id, down.depth + 1 from quotes q indexed by idx_quotes_continues_id
  join down on q.continues_id = down.id where down.depth < 100
)
select down.root, down.depth, q.id, q.text, q.review, q.kind, q.verb, q.attribution, q.source_kind,
  coalesce(q.speaker_id, q.speaker_organization_id) as speaker_key,
  coalesce(p.name, o.name, q.unnamed_source) as speaker_name,
  coalesce(p.names, o.names) as speaker_names, o.acronym as speaker_acronym,
  rp.name as reported_by_name,
  q.article_id, a.headline, a.headline_source, a.outlet, a.published, a.language, a.dateline
from down join quotes q on q.id = down.id
left join people p on p.id = q.speaker_id
left join organizations o on o.id = q.speaker_organization_id
left join people rp on rp.id = q.reported_by_id
join articles a on a.id = q.article_id
order by down.root, down.depth
"""


def whole_quotes(rows, joiner):
    """Rows of WHOLE_QUOTES_SQL -> one dict a quote (its first part's fields), with
    `text` the parts joined by joiner, `parts` their ids and `review` draft if any part is."""
    quotes = {}
    for row in rows:
        row = dict(row)
        quote = quotes.get(row["root"])
        if quote is None:
            quotes[row["root"]] = dict(row, parts=[row["id"]])
            continue
        quote["text"] += joiner + row["text"]
        quote["parts"].append(row["id"])
        if row["review"] == "draft":
            quote["review"] = "draft"
    return list(quotes.values())


async def candidates(db, text, lang="", joiner=" … "):
    """The whole quotes most like text (at most CANDIDATES), from db (a Datasette Database)."""
    terms = query_terms(text)
    if not terms:
        return []
    counted = await db.execute(counts_sql(len(terms)), {f"t{i}": fts_string(t) for i, t in enumerate(terms)})
    counts = [n for _, n in sorted(tuple(row) for row in counted.rows)]
    match = match_expression(terms, counts)
    if match is None:
        return []
    found = await db.execute(CANDIDATES_SQL, {"match": match, "lang": lang, "limit": CANDIDATES})
    ids = [row[0] for row in found.rows]
    if not ids:
        return []
    rows = await db.execute(WHOLE_QUOTES_SQL, {"ids": json.dumps(ids)})
    return whole_quotes(rows.rows, joiner)
