"""The same wording across articles: statements whose normalised words are near-identical
(the same quote reported by several outlets, trimmed or with a word changed) are linked into
groups, at build time (link_all) and when one article is appended (link_article).

How, and why it stays cheap:
- A statement's key is its normalised words (check.words: case, accents aside, punctuation and
  curly marks do not count). Statements with the same key are one "text"; most repeats of a
  quote are exact, so a quote that thousands of articles share is one text.
- Each text gets BANDS blocking keys (MinHash over its words, ROWS hashes a band: LSH), stored
  in an indexed hidden table. Two texts are compared only when they share a band; RapidFuzz
  (fuzz.ratio on the normalised words) confirms a link at SIMILARITY or more. The relation is
  symmetric and depends on the two texts only, so appending an article finds exactly the links
  a full build finds (tests/test_variants.py compares the tables).
- Groups are the connected texts; a group is published only when its statements span two or
  more articles. Its id is the smallest key hash of its texts (hex), so it does not depend on
  the order articles were added in.
- Appending reads only the new statements' bands and the groups they touch (by index), never
  the whole archive. A group that only grows is updated in place; one is rewritten whole (its
  size) only when it is new, when groups merge, or when its reference wording changes.
- The build holds the distinct wordings and the buckets in memory, not every statement.
  Synthetic archives (bench/synth.py fills templates, so thousands of articles share near-
  identical words) make a few huge groups and buckets: the worst case for the comparisons.
"""
import hashlib
import struct
from functools import lru_cache
from collections import Counter, defaultdict

from rapidfuzz import fuzz, process

from .check.words import FUNCTION_WORDS, normalised
from .database import insert_rows

MIN_WORDS = 6        # "No comment." and "Yes, he said." never form groups
SIMILARITY = 0.80    # fuzz.ratio / 100 on the normalised words (bench/variant_thresholds.py)
BANDS, ROWS = 8, 3   # LSH: P(compared) = 1 - (1 - J^ROWS)^BANDS for word-set Jaccard J
_WORD_HASHES = struct.Struct(f"<{BANDS * ROWS}I")  # one 32-bit hash a MinHash function, from one digest

HIDDEN_SCHEMA = """
create table if not exists quote_variant_texts (hash integer primary key, component integer not null,
    words text not null);
create table if not exists quote_variant_bands (band integer not null, hash integer not null,
    primary key (band, hash)) without rowid;
create table if not exists quote_variant_statements (quote_id text primary key, hash integer not null) without rowid;
"""
# after the rows (the build inserts in key order, then indexes: several times faster)
HIDDEN_INDEXES = """
create index if not exists idx_quote_variant_texts_component on quote_variant_texts(component);
create index if not exists idx_quote_variant_statements_hash on quote_variant_statements(hash);
"""
HIDDEN_TABLES = ("quote_variant_texts", "quote_variant_bands", "quote_variant_statements")


def _hash64(text):
    """A signed 64-bit hash, the same in every process (SQLite integers are signed)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


@lru_cache(maxsize=1 << 16)  # the same words repeat across articles
def key_of(text):
    """The normalised words of a statement joined by spaces, or None when it is too short to
    group (fewer than MIN_WORDS words)."""
    words = normalised(text)
    return " ".join(words) if len(words) >= MIN_WORDS else None


def text_hash(key):
    return _hash64(key)


def group_name(component):
    """The public id of a group: its smallest text hash, as 16 hex digits."""
    return f"{component & 0xFFFFFFFFFFFFFFFF:016x}"


# Words too common to tell statements apart: left out of the blocking keys only (they still
# count in the similarity), so buckets stay small. /check's function words (English, Spanish:
# check.words), then more: English, Spanish, French, Portuguese. The extra words stay ours: in
# /check's FTS5 queries they would change what is searched ("who" and "did" would leave the
# AND); and the blocking keys are stored (quote_variant_bands), so a change to this list needs
# a full build, or appends would disagree with the build.
STOPWORDS = FUNCTION_WORDS | frozenset("""
these those do does did who
o para sus
le les des du et est une il elle ils nous vous pas ne qui dans sur au aux son
os um uma e da dos das em com não
""".split())


@lru_cache(maxsize=1 << 16)
def _word_hashes(word):
    return _WORD_HASHES.unpack(hashlib.shake_128(word.encode("utf-8")).digest(_WORD_HASHES.size))


def bands(key):
    """The LSH band keys of a text: MinHash over its distinct words (stopwords aside, unless
    that leaves none), ROWS values a band."""
    words = set(key.split())
    values = [_word_hashes(w) for w in (words - STOPWORDS or words)]
    mins = [min(column) for column in zip(*values)]
    return [_hash64(f"{i}:" + ":".join(map(str, mins[i * ROWS:(i + 1) * ROWS]))) for i in range(BANDS)]


def similarity(a, b):
    """0-1: how alike two normalised wordings are (RapidFuzz's normalised Indel similarity)."""
    return round(fuzz.ratio(a, b) / 100, 3)


def links(key, candidates):
    """Whether key is similar enough to any of the candidate keys to link: linking is
    transitive (groups are connected texts), so one match in a component is enough, and the
    search stops at it."""
    return next(process.extract_iter(key, candidates, scorer=fuzz.ratio, score_cutoff=SIMILARITY * 100), None) is not None


def speaker_key(row):
    """Who a statement is attributed to, for agreement: a person's or organization's id; None
    for an unnamed source (descriptions differ between outlets and say nothing either way)."""
    return row["speaker_id"] or row["speaker_organization_id"]


# --- one group, from its members: the same function for build and append ------------------

def group_rows(component, keys, statements):
    """(group row, variant rows) for a component, or None when its statements are all in one
    article. keys: hash -> normalised key of its texts; statements: dicts with id, article_id,
    text, speaker_id, speaker_organization_id and hash."""
    if len({s["article_id"] for s in statements}) < 2:
        return None
    group_id = group_name(component)
    speakers = Counter(speaker_key(s) for s in statements if speaker_key(s))
    main = min(speakers, key=lambda k: (-speakers[k], k)) if speakers else None
    first = min(statements, key=lambda s: s["id"])
    anchor = keys[component]  # the reference wording: the one the group is named after
    group = {"id": group_id, "quote_id": first["id"], "text": first["text"], "statements": len(statements),
             "articles": len({s["article_id"] for s in statements}), "speakers": len(speakers),
             "disagrees": int(len(speakers) > 1), "speaker": main}
    similar = {h: similarity(k, anchor) for h, k in keys.items()}
    rows = [{"id": s["id"], "group_id": group_id, "article_id": s["article_id"],
             "speaker": speaker_key(s), "similarity": similar[s["hash"]],
             "speaker_agrees": None if speaker_key(s) is None else int(speaker_key(s) == main)}
            for s in sorted(statements, key=lambda s: s["id"])]
    return group, rows


class Components:
    """Union-find over text hashes; a component's name is its smallest hash."""

    def __init__(self):
        self.parent = {}

    def find(self, h):
        self.parent.setdefault(h, h)
        root = h
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[h] != root:
            self.parent[h], h = root, self.parent[h]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


STATEMENT_COLUMNS = "q.id, q.article_id, q.text, q.speaker_id, q.speaker_organization_id"


def _insert(conn, group_and_rows):
    group, rows = group_and_rows
    insert_rows(conn, "quote_variant_groups", [group])
    insert_rows(conn, "quote_variant_members", rows)


def connect(keys):
    """(Components, [(band, hash)]) of texts (hash -> normalised key): two texts are joined
    when they share a band and link (the relation is symmetric, so the components do not
    depend on the order). The build's whole archive, or what is left of one component when
    an article's texts are taken out (article_facts/remove_article.py)."""
    components, buckets = Components(), defaultdict(dict)
    band_rows = []
    for h in sorted(keys):
        mine = bands(keys[h])
        joined = set()
        for band in mine:
            for root, members in buckets[band].items():  # a bucket's texts, by component
                root = components.find(root)
                if root not in joined and links(keys[h], members):
                    joined.add(root)
        for root in joined:
            components.union(h, root)
        root = components.find(h)
        for band in mine:
            buckets[band].setdefault(root, []).append(keys[h])
            band_rows.append((band, h))
    return components, band_rows


def link_all(conn):
    """Every statement of a freshly loaded archive: the hidden statement, wording and band
    tables, then the published groups. Memory holds the distinct wordings and the blocking
    buckets, never every statement: statements stream to their table, and groups are written
    one component at a time from a query ordered by component. Returns the number of groups."""
    conn.executescript(HIDDEN_SCHEMA)
    keys = {}

    def statements():
        for quote_id, text in conn.execute("select id, text from quotes"):
            key = key_of(text)
            if key is not None:
                h = text_hash(key)
                keys[h] = key
                yield quote_id, h
    conn.executemany("insert into quote_variant_statements values (?, ?)",
                     sorted(statements()))  # (id, hash) pairs: small, and key order inserts fast
    components, band_rows = connect(keys)
    conn.executemany("insert into quote_variant_texts values (?, ?, ?)",
                     ((h, components.find(h), keys[h]) for h in sorted(keys)))
    band_rows.sort()
    conn.executemany("insert into quote_variant_bands values (?, ?)", band_rows)
    band_rows = None
    for statement in HIDDEN_INDEXES.split(";"):
        if statement.strip():
            conn.execute(statement)
    members = defaultdict(list)
    for h in keys:
        members[components.find(h)].append(h)
    # a lone wording makes a group only when its statements are in two articles (one pass)
    repeated = {h for h, in conn.execute(
        "select s.hash from quote_variant_statements s join quotes q on q.id = s.quote_id "
        "group by s.hash having count(distinct q.article_id) > 1")}
    groups = 0
    for component in sorted(c for c, hashes in members.items() if len(hashes) > 1 or c in repeated):
        groups += recompute(conn, component)
    return groups


def link_article(conn, article_id):
    """Link one appended article's statements: each new wording's candidates come from its
    bands (an index read), RapidFuzz confirms them, the components they join are merged. A
    group that only grows is updated in place (counts, its most frequent speaker, the new rows:
    index reads, whatever its size); a group is rewritten whole only when it is new, when
    groups merge, or when its reference wording changes. The result equals link_all's."""
    cursor = conn.execute(f"select {STATEMENT_COLUMNS} from quotes q where q.article_id = ? order by q.id", [article_id])
    names = [c[0] for c in cursor.description]
    new_statements, new_texts = [], {}
    for row in cursor:
        s = dict(zip(names, row))
        key = key_of(s["text"])
        if key is None:
            continue
        s["hash"] = text_hash(key)
        s["words"] = key
        new_statements.append(s)
        conn.execute("insert into quote_variant_statements values (?, ?)", [s["id"], s["hash"]])
        if not conn.execute("select 1 from quote_variant_texts where hash = ?", [s["hash"]]).fetchone():
            new_texts[s["hash"]] = key
    rewrite = {}  # component -> the older components whose groups it replaces
    for h in sorted(new_texts):
        mine = bands(new_texts[h])
        by_component = defaultdict(list)
        for component, words in conn.execute(
                "select t.component, t.words from quote_variant_texts t where t.hash in (select hash from "
                f"quote_variant_bands where band in ({', '.join('?' * len(mine))}))", mine):
            by_component[component].append(words)
        joined = {component for component, words in by_component.items() if links(new_texts[h], words)}
        component = min(joined | {h})
        if joined - {component}:
            conn.execute(f"update quote_variant_texts set component = ? where component in "
                         f"({', '.join('?' * len(joined))})", [component, *joined])
        conn.execute("insert into quote_variant_texts values (?, ?, ?)", [h, component, new_texts[h]])
        conn.executemany("insert into quote_variant_bands values (?, ?)", [(band, h) for band in mine])
        if component == h or len(joined) > 1:  # a merge, or a new reference wording
            older = set(joined)
            for other in list(rewrite):
                if other in joined:
                    older |= rewrite.pop(other)
            rewrite[component] = rewrite.get(component, set()) | older
    grown = defaultdict(list)
    for s in new_statements:
        component = conn.execute("select component from quote_variant_texts where hash = ?", [s["hash"]]).fetchone()[0]
        if component in rewrite or not conn.execute("select 1 from quote_variant_groups where id = ?",
                                                    [group_name(component)]).fetchone():
            rewrite.setdefault(component, set())
        else:
            grown[component].append(s)
    for component, older in sorted(rewrite.items()):
        recompute(conn, component, older)
    for component, statements in sorted(grown.items()):
        grow(conn, component, statements)


def grow(conn, component, statements):
    """Add one appended article's statements to a published group whose reference wording
    stays: new rows, counts, and the most frequent speaker (only the new statements' speakers
    can overtake it; rows flip only when it changes)."""
    group_id = group_name(component)
    group = dict(zip(("quote_id", "text", "statements", "articles", "speakers", "speaker"), conn.execute(
        "select quote_id, text, statements, articles, speakers, speaker from quote_variant_groups where id = ?",
        [group_id]).fetchone()))
    anchor = conn.execute("select words from quote_variant_texts where hash = ?", [component]).fetchone()[0]
    arriving = {speaker_key(s) for s in statements} - {None}
    new_speakers = {k for k in arriving if not conn.execute(
        "select 1 from quote_variant_members where group_id = ? and speaker = ? limit 1", [group_id, k]).fetchone()}
    insert_rows(conn, "quote_variant_members", [
        {"id": s["id"], "group_id": group_id, "article_id": s["article_id"], "speaker": speaker_key(s),
         "similarity": similarity(s["words"], anchor), "speaker_agrees": None} for s in statements])

    def count(key):
        return conn.execute("select count(*) from quote_variant_members where group_id = ? and speaker = ?",
                            [group_id, key]).fetchone()[0]
    candidates = {k: count(k) for k in arriving | ({group["speaker"]} - {None})}
    main = min(candidates, key=lambda k: (-candidates[k], k)) if candidates else None
    if main != group["speaker"]:
        conn.execute("update quote_variant_members set speaker_agrees = (speaker = ?) where group_id = ? and speaker in (?, ?)",
                     [main, group_id, main, group["speaker"]])
    conn.executemany("update quote_variant_members set speaker_agrees = (speaker = ?) where id = ? and speaker is not null",
                     [(main, s["id"]) for s in statements])
    first = min(statements, key=lambda s: s["id"])
    if first["id"] < group["quote_id"]:
        group.update(quote_id=first["id"], text=first["text"])
    speakers = group["speakers"] + len(new_speakers)
    conn.execute("update quote_variant_groups set quote_id = ?, text = ?, statements = ?, articles = ?, speakers = ?, "
                 "disagrees = ?, speaker = ? where id = ?",
                 [group["quote_id"], group["text"], group["statements"] + len(statements), group["articles"] + 1,
                  speakers, int(speakers > 1), main, group_id])


def recompute(conn, component, older=()):
    """Rewrite the published group of one component from its texts and statements, replacing
    the groups of the older components merged into it. True when the component makes a group."""
    for other in {component, *older}:
        conn.execute("delete from quote_variant_members where group_id = ?", [group_name(other)])
        conn.execute("delete from quote_variant_groups where id = ?", [group_name(other)])
    keys = dict(conn.execute("select hash, words from quote_variant_texts where component = ?", [component]))
    cursor = conn.execute(
        f"select {STATEMENT_COLUMNS}, s.hash from quote_variant_texts t "
        "join quote_variant_statements s on s.hash = t.hash join quotes q on q.id = s.quote_id "
        "where t.component = ?", [component])
    names = [c[0] for c in cursor.description]
    result = group_rows(component, keys, [dict(zip(names, row)) for row in cursor])
    if result:
        _insert(conn, result)
    return bool(result)
