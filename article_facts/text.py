"""Locating facts in the article text: paragraphs, verbatim spans, mentions of names, and the
checks that tie a quote, role or piece of evidence to the words around it."""
import bisect
import functools
import re

from .errors import BuildError, entry_label


def split_paragraphs(article_id, body):
    """Non-empty lines are paragraphs; offsets are Python string indices into body."""
    rows, offset = [], 0
    for line in body.split("\n"):
        if line.strip():
            position = len(rows) + 1
            rows.append({
                "id": f"{article_id}-p{position}", "article_id": article_id,
                "position": position, "text": line, "start": offset, "end": offset + len(line),
            })
        offset += len(line) + 1
    return rows


def at_field(at):
    """How a message names where words were looked for: "field 'text'", "name 'Peru'"."""
    if at.get("field"):
        return f"field '{at['field']}'"
    return f"name '{at['name']}'" if at.get("name") else None


def span_error(code, text, at):
    """A BuildError about located words; at: the error attributes (file, section, entry,
    key, and the field or the name whose words they are)."""
    named = at_field(at)
    return BuildError(code, f"{named}: {text}" if named else text, **at)


def locate(body, needle, at, occurrence=None):
    """The (start, end) of the one verbatim occurrence of needle, or of its occurrence-th
    occurrence (1-based) when the entry says which; else a BuildError (at: see span_error)."""
    count = body.count(needle)
    if count == 0:
        raise span_error("not_found", f"not found verbatim in article.txt: {needle[:60]!r}", at)
    if occurrence is None and count > 1:
        raise span_error(
            "ambiguous", f"ambiguous, appears {count} times in article.txt (add occurrence: N): {needle[:60]!r}", at)
    if occurrence is not None and occurrence > count:
        raise span_error(
            "no_such_occurrence", f"occurrence {occurrence} asked for, but it appears {count} times: {needle[:60]!r}", at)
    start = -1
    for _ in range(occurrence or 1):
        start = body.index(needle, start + 1)
    return start, start + len(needle)


def paragraph_at(paragraphs, start, end, at):
    for paragraph in paragraphs:
        if paragraph["start"] <= start and end <= paragraph["end"]:
            return paragraph["id"]
    raise span_error("spans_paragraphs", "text spans more than one paragraph", at)


def span(body, paragraphs, needle, at, occurrence=None):
    start, end = locate(body, needle, at, occurrence)
    return {"paragraph_id": paragraph_at(paragraphs, start, end, at), "start": start, "end": end}


def find_mentions(article_id, body, paragraphs, names, not_mentions):
    """Every whole-word occurrence of each entity's names, longest name first, no overlaps.

    names: (phrase, entity_type, entity_id) triples. Phrases in not_mentions claim their
    span first and are dropped, so "Mexico City" is not a mention of Mexico. Claimed
    characters are marked in a bytearray, so the work is linear in the matches (a text with
    a million occurrences of a name takes seconds, not hours).
    """
    phrases = [(p, None, None) for p in not_mentions] + list(names)
    phrases.sort(key=lambda item: (-len(item[0]), item[0]))
    claimed, rows = bytearray(len(body)), []
    paragraph_of = paragraph_finder(paragraphs)
    occurrences = whole_word_occurrences(body, [phrase for phrase, _, _ in phrases])
    for phrase, entity_type, entity_id in phrases:
        for start in non_overlapping(occurrences[phrase], len(phrase)):
            end = start + len(phrase)
            if claimed.find(1, start, end) != -1:
                continue
            claimed[start:end] = b"\x01" * (end - start)
            if entity_type is None:
                continue
            rows.append({
                "id": f"{article_id}-m{start}", "article_id": article_id,
                "paragraph_id": paragraph_of(start, end, {"name": phrase}),
                "entity_type": entity_type, "entity_id": entity_id,
                "person_id": entity_id if entity_type == "person" else None,
                "organization_id": entity_id if entity_type == "organization" else None,
                "country_id": entity_id if entity_type == "country" else None,
                "text": phrase, "start": start, "end": end,
            })
    return sorted(rows, key=lambda row: row["start"])


def paragraph_finder(paragraphs):
    """paragraph_at by binary search (paragraphs are in text order and never overlap)."""
    starts = [p["start"] for p in paragraphs]

    def paragraph_of(start, end, at):
        index = bisect.bisect_right(starts, start) - 1
        if index >= 0 and end <= paragraphs[index]["end"]:
            return paragraphs[index]["id"]
        raise span_error("spans_paragraphs", "text spans more than one paragraph", at)
    return paragraph_of


WORD = re.compile(r"\w+")


def whole_word_occurrences(body, phrases):
    """phrase -> sorted start of every whole-word occurrence in body (overlapping ones too),
    as whole_word(phrase) defines it, in one pass over the words of body: a phrase that
    starts with a word character can only start where a word of body starts, and that word
    is the phrase's first word. Linear in the text, however many phrases (a regex per
    phrase over a 2 MB text takes 0.1 s each)."""
    found = {phrase: [] for phrase in phrases}
    by_first_word = {}  # first word -> length -> phrases
    for phrase in found:
        first = WORD.match(phrase)
        if first is None:  # starts with punctuation or a space: rare, one regex each
            found[phrase] = [m.start() for m in whole_word_overlapping(phrase).finditer(body)]
        else:
            by_first_word.setdefault(first.group(), {}).setdefault(len(phrase), set()).add(phrase)
    if by_first_word:
        for word in WORD.finditer(body):
            lengths = by_first_word.get(word.group())
            if not lengths:
                continue
            start = word.start()
            for length, candidates in lengths.items():
                end = start + length
                text = body[start:end]
                if text in candidates and not WORD.match(body, end):
                    found[text].append(start)
    for starts in found.values():
        starts.sort()
    return found


def non_overlapping(starts, length):
    """The matches re.finditer would give: left to right, each after the previous one."""
    last_end = 0
    for start in starts:
        if start >= last_end:
            yield start
            last_end = start + length


def whole_word_overlapping(phrase):
    return re.compile(r"(?<!\w)(?=" + re.escape(phrase) + r"(?!\w))")


@functools.lru_cache(maxsize=256)
def contains_whole_word(text, phrase):
    """whole_word(phrase).search(text) by str.find, which skips ahead in C: the regex's
    look-behind makes it try every position (0.1 s per quote on a 2 MB paragraph). Cached,
    as many quotes share a verb and a paragraph (the text's hash is kept by the string)."""
    start = text.find(phrase)
    while start != -1:
        if not (start and WORD.match(text, start - 1)) and not WORD.match(text, start + len(phrase)):
            return True
        start = text.find(phrase, start + 1)
    return False


def whole_word(phrase):
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


SPACE = re.compile(r"\s*")
OPENING_MARKS = ("“", '"')
CLOSING_MARKS = ("”", '"')


def quote_marks(body, start, end, paragraph_end):
    """Whether the words body[start:end] are just inside an opening and a closing quotation
    mark, curly or straight (or two apostrophes, as news archives write them). A comma before the closing mark stays outside the words; a quote
    that runs on into the next paragraph (English style) has no closing mark at the end of its
    paragraph, and the next paragraph opens with a mark instead."""
    opens = (body[start - 1:start] in OPENING_MARKS or body[max(start - 2, 0):start] == "''") if start else False
    after = body[end:end + 3]
    closes = (after[:1] in CLOSING_MARKS or after.startswith("''")
              or (after[:1] == "," and (after[1:2] in CLOSING_MARKS or after[1:3] == "''")))
    if not closes and end == paragraph_end:
        next_start = SPACE.match(body, end).end()
        closes = (body[next_start:next_start + 1] in OPENING_MARKS
                  or body.startswith("''", next_start))
    return opens, closes


def check_quote(at, entry, body, where, paragraphs):
    """The verb and an unnamed source's description must be in the quote's paragraph; a direct
    quote is exactly the words inside quotation marks (see quote_marks), and reported speech is
    not. at: the error attributes naming the quote (file, section, entry, key)."""
    paragraph = next(p for p in paragraphs if p["id"] == where["paragraph_id"])
    if entry.get("verb") and not contains_whole_word(paragraph["text"], entry["verb"]):
        raise BuildError("not_in_paragraph", f"field 'verb': '{entry['verb']}' does not occur in the quote's paragraph",
                         field="verb", **at)
    source = entry.get("unnamed_source")
    if source and not contains_whole_word(paragraph["text"], source):
        raise BuildError("not_in_paragraph",
                         f"field 'unnamed_source': '{source}' does not occur in the quote's paragraph",
                         field="unnamed_source", **at)
    opens, closes = quote_marks(body, where["start"], where["end"], paragraph["end"])
    if entry["kind"] == "direct" and not (opens and closes):
        raise BuildError("direct_not_quoted",
                         "field 'text': a direct quote must be the words just inside “ and ” (or straight quotes)",
                         field="text", **at)
    if entry["kind"] == "indirect" and opens and closes:
        raise BuildError("indirect_quoted", "field 'kind': the text is in quotation marks, so it is not indirect",
                         field="kind", **at)


def check_inside_quote(at, where, quote_key, quote_spans):
    """Evidence tied to a statement lies inside that statement's words."""
    quote, quote_where, _ = quote_spans[quote_key]
    if not (quote_where["start"] <= where["start"] and where["end"] <= quote_where["end"]):
        raise BuildError("outside_quote", f"field 'evidence' lies outside quote '{quote_key}'", field="evidence", **at)
    return quote


def check_role(at, entry, person):
    """A role's title is in the article's words, next to the person's name."""
    if entry["title"] not in entry["evidence"]:
        raise BuildError("not_in_evidence", "field 'title' is not in its evidence", field="title", **at)
    if not any(name in entry["evidence"] for name in person.get("names") or [person["name"]]):
        raise BuildError("not_in_evidence", f"field 'evidence' does not name {person['name']}", field="evidence", **at)


def describe(at):
    """How the overlap message names a span: an entry ("quotes[0] (q1)") or a mention ("name 'Peru' at 12")."""
    if at.get("section"):
        return entry_label(at["section"], at.get("entry"), at.get("key"))
    return f"name '{at['name']}' at {at['offset']}"


def check_nesting(spans):
    """Quotes and editorial notes may nest but not cross: a crossing would hide one of them
    on the article page. spans: (start, end, at) triples, at naming an entry (file, section,
    entry, key, field) or a mention (file, name, offset). The error names the first entry and
    the name involved."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    open_spans = []
    for start, end, at in ordered:
        open_spans = [o for o in open_spans if o[1] > start]
        for _, other_end, other in open_spans:
            if end > other_end:
                entry = at if at.get("section") else other
                raise BuildError(
                    "overlap", f"{describe(at)} overlaps {other['file']}: {describe(other)} without lying inside it",
                    file=at["file"], label=False, name=at.get("name") or other.get("name"),
                    **{part: entry.get(part) for part in ("section", "entry", "key", "field")})
        open_spans.append((start, end, at))
