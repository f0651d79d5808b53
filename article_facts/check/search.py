"""Candidates for /check from SQLite FTS5, bounded however large the archive: the pasted
words become quoted FTS5 strings (never FTS syntax), each word's document count is read up to
a cap, and the rarest words pick at most CANDIDATES statements by bm25, in two stages (see
first_expression and second_expression). Split quotes come back whole (every part, first to
last), with what a result shows about each."""
import json

from rapidfuzz import fuzz, process

from .words import FUNCTION_WORDS, PART_JOINER, search_terms

# How many statements bm25 hands to RapidFuzz (POOL) and RapidFuzz to the word diff and the
# verdict (CANDIDATES); how many distinct words are looked up; the document count past which
# a word is "common" (its count is not read further: the cost stays bounded).
POOL = 300
CANDIDATES = 60
MAX_TERMS = 24
COMMON = 2000
# In the first stage bm25 ranks at most SCAN matching statements (the first in rowid order):
# a few common words can match a large share of a large archive, and ranking them all would
# cost seconds. The first stage's AND matches only statements with every pasted word, so a
# cut there drops only ones as good; the second stage ranks all its matches.
SCAN = 2000
# The rarest OR_TERMS words, ORed (first stage, beside the AND of every word).
OR_TERMS = 5


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


def rare_terms(terms, counts):
    """The words found in fewer than COMMON statements, rarest first (at most OR_TERMS)."""
    ranked = sorted(zip(terms, counts), key=lambda pair: pair[1])
    return [term for term, n in ranked if 0 < n < COMMON][:OR_TERMS]


def searched(terms, counts, enough):
    """The words an FTS5 query asks for: those in the archive, without function words when
    at least `enough` others remain (four for the AND, six for the halves). Function words
    (words.FUNCTION_WORDS) are in most statements, so an AND with them selects almost nothing
    more while FTS5 reads their long lists of rows, and bm25 counts each of them over the whole
    index; they still count in the comparison."""
    found = [term for term, n in zip(terms, counts) if n > 0]
    telling = [term for term in found if term not in FUNCTION_WORDS]
    return telling if len(telling) >= enough else found


def all_of(terms):
    return "(" + " AND ".join(fts_string(term) for term in terms) + ")"


def first_expressions(terms, counts):
    """Statements with every pasted word (exact, trimmed, with an ellipsis or brackets, a word
    dropped: SCAN of them are as good as any), then statements with a rare word; each its own
    query, so the many matches of one do not crowd out the other's. A word not in the archive
    at all is left out of the AND (a changed word nobody used), and so are function words."""
    found = searched(terms, counts, 4)
    rare = rare_terms(terms, counts)
    return [all_of(found)] * bool(found) + [" OR ".join(fts_string(term) for term in rare)] * bool(rare)


def second_expression(terms, counts):
    """For words changed or added (in the pasted words, not in the archived statement, so the
    first AND misses it): statements with every word of either half of the pasted words; bm25
    ranks first those with most of the other half. None for fewer than four words."""
    found = searched(terms, counts, 6)
    if len(found) < 4:
        return None
    return " OR ".join(all_of(found[i::2]) for i in range(2))


# CROSS JOIN keeps FTS5 first: SQLite would otherwise scan every article for a language.
CANDIDATES_SQL = """
select q.id, q.text from (
  select f.rowid, f.rank from quotes_fts f cross join quotes q on q.rowid = f.rowid
  cross join articles a on a.id = q.article_id
  where f.quotes_fts match :match and (:lang = '' or a.language = :lang) limit :scan
) m cross join quotes q on q.rowid = m.rowid
order by m.rank limit :limit
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
  q.reported_by_basis, coalesce(q.speaker_id, q.speaker_organization_id) as speaker_key,
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


def whole_quotes(rows):
    """Rows of WHOLE_QUOTES_SQL -> one dict a quote (its first part's fields), with
    `text` the parts joined by PART_JOINER, `parts` their ids and `review` draft if any part is."""
    quotes = {}
    for row in rows:
        row = dict(row)
        quote = quotes.get(row["root"])
        if quote is None:
            quotes[row["root"]] = dict(row, parts=[row["id"]])
            continue
        quote["text"] += PART_JOINER + row["text"]
        quote["parts"].append(row["id"])
        if row["review"] == "draft":
            quote["review"] = "draft"
    return list(quotes.values())


async def term_counts(db, terms):
    """Each word's document count, up to COMMON, in one statement."""
    if not terms:
        return []
    counted = await db.execute(counts_sql(len(terms)), {f"t{i}": fts_string(t) for i, t in enumerate(terms)})
    return [n for _, n in sorted(tuple(row) for row in counted.rows)]


def likeness(pasted, archived, **kwargs):
    """0-100: how much of the pasted words an archived statement holds. A statement longer
    than the pasted words may hold them anywhere (partial_ratio: a trimmed quote scores as high
    as a whole one); a shorter one is compared whole (ratio), or any short statement the paste
    contains would score 100."""
    if len(archived) >= len(pasted):
        return fuzz.partial_ratio(pasted, archived)
    return fuzz.ratio(pasted, archived)


def closest(pasted, rows, n=CANDIDATES):
    """The ids of the n rows (id, text) whose words are most like the pasted words (likeness,
    on the search words): bm25 prefers short statements, which crowds near-duplicates ahead of
    the source when a word was changed."""
    query = " ".join(search_terms(pasted))
    texts = {row_id: " ".join(search_terms(text)) for row_id, text in rows}
    best = process.extract(query, texts, scorer=likeness, limit=n)
    return [row_id for _, _, row_id in best]


async def fetch(db, pasted, matches, lang="", seen=(), scan=SCAN):
    """The whole quotes of the CANDIDATES statements closest to the pasted words among the
    POOL best by bm25 for each FTS5 expression in matches, without those whose ids are in
    seen. scan: how many matching statements bm25 ranks (None: all of them)."""
    rows = {}
    for match in matches:
        found = await db.execute(CANDIDATES_SQL, {"match": match, "lang": lang, "scan": scan or -1, "limit": POOL})
        rows.update((row[0], row[1]) for row in found.rows if row[0] not in seen)
    if not rows:
        return []
    ids = closest(pasted, rows.items())
    found = await db.execute(WHOLE_QUOTES_SQL, {"ids": json.dumps(ids)})
    return whole_quotes(found.rows)
