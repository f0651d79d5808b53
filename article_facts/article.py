"""One seeds/<slug>/ folder to rows for every table: each entry's fields become the columns
contract.py declares for them (fields_row); the columns the build computes (ids, spans,
positions) are added here."""
import bisect
import collections
import json
from pathlib import Path

from .contract import SECTIONS, SHARED
from .database import TABLES
from .errors import BuildError
from .reading import load_facts, read_article
from .review_entries import review_counts
from .schema import SLUG_RE, place, slug_problem, validate_facts
from .text import (check_inside_quote, check_nesting, check_quote, check_role, find_mentions,
                   locate, span, split_paragraphs, whole_word_occurrences)


def fields_row(section, entry, article_id):
    """The columns an entry's fields become: as written, except that an id or a reference to
    an entry of this article gets the article's slug in front ("q1" -> "{slug}-q1"), names is
    a JSON list (the name alone when none is given) and a field not given has its default."""
    plan = COLUMN_PLANS[section]
    get = entry.get
    row = {column: get(name) for name, column in plan.columns}  # the build's hot path: one comprehension
    for name, column in plan.prefixed:
        if row[column]:
            row[column] = f"{article_id}-{row[column]}"
    for name, column in plan.names:
        row[column] = json.dumps(row[column] or [entry["name"]], ensure_ascii=False)
    for column, default in plan.defaults:
        if not row[column]:
            row[column] = default
    return row


class ColumnPlan:
    """How a section's fields become its columns, worked out once from its declaration: every
    (field, column), then the ids and references within the article (prefixed with its slug),
    the names lists and the defaults."""

    def __init__(self, declared):
        fields = [field for field in declared.fields.values() if field.column is not None]
        self.columns = [(field.name, field.column) for field in fields]
        self.prefixed = [(field.name, field.column) for field in fields if field.kind != "names" and (
            (field.name == "id" and not declared.shared)
            or (field.references and not SECTIONS[field.references].shared))]
        self.names = [(field.name, field.column) for field in fields if field.kind == "names"]
        self.defaults = [(field.column, field.default) for field in fields if field.default is not None]


COLUMN_PLANS = {name: ColumnPlan(declared) for name, declared in SECTIONS.items()}


def parse_article(folder):
    """Rows for every table from one seeds/<slug>/ folder."""
    folder = Path(folder)
    article_id = folder.name
    if not SLUG_RE.match(article_id):
        raise BuildError("bad_slug", "folder name must be a slug (lower-case words joined by hyphens)", file=folder)
    if slug_problem(article_id):
        raise BuildError("bad_slug", f"folder name {slug_problem(article_id)}", file=folder)
    facts_path = folder / "facts.yml"
    if not facts_path.is_symlink() and not facts_path.exists():
        raise BuildError("missing_file", "missing (every article needs its facts)", file=facts_path)
    body = read_article(folder / "article.txt")
    facts = load_facts(facts_path)
    validate_facts(facts_path, facts)
    paragraphs = split_paragraphs(article_id, body)

    def spans(section):
        """(error attributes, entry, span of its located field) for each entry of a section."""
        field = SECTIONS[section].located
        for index, entry in enumerate(facts.get(section) or []):
            at = {"file": facts_path, **place(section, index, entry)}
            where = span(body, paragraphs, entry[field], {**at, "field": field}, entry.get("occurrence"))
            yield at, entry, where

    def rows(section, entry, **computed):
        return {**fields_row(section, entry, article_id), "article_id": article_id, **computed}

    meta = facts["article"]
    tables = {name: [] for name in TABLES}
    tables["articles"].append({
        "id": article_id, **fields_row("article", meta, article_id), "body": body, "paragraph_count": len(paragraphs),
        "published_year": (meta.get("published") or "")[:4] or None,
    })
    if meta.get("published_as_written"):
        locate(body, meta["published_as_written"], {"file": facts_path, "section": "article",
                                                    "field": "published_as_written"})
    if meta["headline_source"] == "article" and meta["headline"] not in body:
        raise BuildError("headline_not_in_text", "headline_source is 'article' but the headline is not in the text",
                         file=facts_path, section="article", field="headline")
    tables["paragraphs"] = paragraphs

    names = []
    entity_types = {"countries": "country", "organizations": "organization", "people": "person"}
    forms = [name for section in SHARED for entry in facts.get(section) or [] for name in entry.get("names") or []]
    occurring = {name for name, starts in whole_word_occurrences(body, forms).items() if starts}
    for section in SHARED:
        for index, entry in enumerate(facts.get(section) or []):
            for name in entry.get("names") or []:
                if name not in occurring:
                    raise BuildError("name_not_in_text", f"name '{name}' does not occur in article.txt",
                                     file=facts_path, field="names", name=name, **place(section, index, entry))
            entity_names = entry.get("names") or [entry["name"]]
            names += [(name, entity_types[section], entry["id"]) for name in entity_names]
            tables[section].append(fields_row(section, entry, article_id))
    phrases = [name for name, _, _ in names]
    for phrase in sorted(p for p, n in collections.Counter(phrases).items() if n > 1):
        raise BuildError("name_shared", f"name '{phrase}' is given to more than one entity", file=facts_path,
                         field="names", name=phrase)
    tables["mentions"] = find_mentions(article_id, body, paragraphs, names, facts.get("not_mentions") or [])

    people = {entry["id"]: entry for entry in facts["people"]}
    counts = {}
    for at, entry, where in spans("roles"):
        check_role(at, entry, people[entry["person"]])
        counts[entry["person"]] = counts.get(entry["person"], 0) + 1
        tables["roles"].append(rows("roles", entry, id=f"{article_id}-{entry['person']}-{counts[entry['person']]}",
                                    **where))
    quotes, quote_spans, nesting = [], {}, []
    for at, entry, where in spans("quotes"):
        check_quote(at, entry, body, where, paragraphs)
        quote_spans[entry["id"]] = (entry, where, at)
        nesting.append((where["start"], where["end"], {**at, "field": "text"}))
        quotes.append(rows("quotes", entry, source_kind=source_kind(entry), **where))
    check_continues(quote_spans, paragraphs)
    quotes.sort(key=lambda row: row["start"])
    for position, row in enumerate(quotes, start=1):
        row["position"] = position
    tables["quotes"] = quotes
    for mention, quote_id in zip(tables["mentions"], innermost_quotes(quotes, tables["mentions"])):
        mention["quote_id"] = quote_id
    for at, entry, where in spans("events"):
        if entry.get("quote"):
            check_inside_quote(at, where, entry["quote"], quote_spans)
        tables["events"].append(rows("events", entry, **where))
    quote_at = quote_finder(quote_spans)
    for at, entry, where in spans("legal_references"):
        if entry.get("quote"):
            check_citer(at, entry, check_inside_quote(at, where, entry["quote"], quote_spans))
        else:  # stated by the article itself: not in anyone's words
            check_outside_quotes(at, where, quote_at)
        tables["legal_references"].append(rows("legal_references", entry, **where))
    for at, entry, where in spans("editorial_notes"):
        nesting.append((where["start"], where["end"], {**at, "field": SECTIONS["editorial_notes"].located}))
        tables["editorial_notes"].append(rows("editorial_notes", entry, **where))
    nesting += [(m["start"], m["end"], {"file": facts_path, "name": m["text"], "offset": m["start"]})
                for m in tables["mentions"]]
    check_nesting(nesting)
    # the Articles page's counts, made once here for a build and an append alike
    tables["articles"][0].update(quote_count=len(quotes), **review_counts(facts))
    return tables


# A quote's source: exactly one of these fields (contract.py), and the kind of source each names.
SOURCE_FIELDS = SECTIONS["quotes"].one_of
SOURCE_KINDS = {field: {"people": "person", "organizations": "organization"}.get(
    SECTIONS["quotes"].fields[field].references, "unnamed") for field in SOURCE_FIELDS}
# A legal reference's citer field for each kind of source (the field naming the same section).
CITER_FIELDS = SECTIONS["legal_references"].at_most_one_of
CITER_FOR = {field: next(citer for citer in CITER_FIELDS if SECTIONS["legal_references"].fields[citer].references
                         == SECTIONS["quotes"].fields[field].references)
             for field in SOURCE_FIELDS if SECTIONS["quotes"].fields[field].references}


def source_kind(entry):
    """person, organization or unnamed: which of the quote's source fields is given."""
    return next(SOURCE_KINDS[field] for field in SOURCE_FIELDS if entry.get(field) is not None)


def source_of(entry):
    """(field, value) of a quote's source: ('speaker', 'ana-nunez'), ('unnamed_source', 'an official')."""
    return next((field, entry[field]) for field in SOURCE_FIELDS if entry.get(field) is not None)


def check_continues(quote_spans, paragraphs):
    """`continues: q1` links the second part of a quote split around its attribution to the
    first: the same source, the first part earlier in the same paragraph or the one before,
    and each part continued at most once (so the parts form one chain)."""
    positions = {p["id"]: p["position"] for p in paragraphs}
    continued = {}
    for key, (entry, where, at) in quote_spans.items():
        first_key = entry.get("continues")
        if first_key is None:
            continue
        first, first_where, _ = quote_spans[first_key]

        def error(code, text):
            return BuildError(code, f"field 'continues': quote '{first_key}' {text}", field="continues", **at)

        if source_of(first) != source_of(entry):
            field, value = source_of(entry)
            other_field, other = source_of(first)
            raise error("other_source",
                        f"has {other_field} '{other}', not {field} '{value}' (both parts of a quote have the same source)")
        if first_where["start"] >= where["start"]:
            raise error("continues_later", "does not come before this one")
        if first_key in continued:
            raise error("continued_twice", f"is already continued by '{continued[first_key]}'")
        if positions[where["paragraph_id"]] - positions[first_where["paragraph_id"]] > 1:
            raise error("continues_far", "is not in this paragraph or the one before")
        continued[first_key] = key


def check_citer(at, entry, quote):
    """A legal reference cited in a statement names the statement's speaker as its citer
    (none when the source is unnamed)."""
    field, value = source_of(quote)
    expected = CITER_FOR.get(field)
    given = next((f for f in CITER_FIELDS if entry.get(f) is not None), None)
    if given is None and expected is not None:
        raise BuildError(
            "no_citer", f"field 'quote' names '{quote['id']}', by '{value}', but no citer is given "
            f"(add {expected}: {value})", field="quote", **at)
    if given is not None and expected is None:
        raise BuildError(
            "citer_of_unnamed", f"field '{given}' is '{entry[given]}' but quote '{quote['id']}' is by an unnamed "
            f"source ('{value}'): give no citer", field=given, **at)
    if given is not None and (given, entry[given]) != (expected, value):
        raise BuildError("wrong_citer", f"field '{given}' is '{entry[given]}' but quote '{quote['id']}' is by '{value}'",
                         field=given, **at)


def quote_finder(quote_spans):
    """A function of a span: the key of a quote whose words overlap it, or None. By binary
    search over the quotes sorted by start, with the furthest end so far: linear however many
    references and quotes an article has."""
    ordered = sorted((where["start"], where["end"], key) for key, (_, where, _) in quote_spans.items())
    starts = [start for start, _, _ in ordered]
    furthest, best = [], None
    for start, end, key in ordered:
        if best is None or end > best[0]:
            best = (end, key)
        furthest.append(best)

    def quote_at(start, end):
        before = bisect.bisect_left(starts, end)  # the quotes that start before the span ends
        if before and furthest[before - 1][0] > start:  # one of them ends after the span starts
            return furthest[before - 1][1]
        return None
    return quote_at


def check_outside_quotes(at, where, quote_at):
    """A legal reference the article states itself (no quote) is not in anyone's words."""
    key = quote_at(where["start"], where["end"])
    if key is not None:
        raise BuildError(
            "inside_quote", f"field 'evidence' lies in quote '{key}': give 'quote: {key}' and its speaker "
            "as the citer (a reference with no quote is one the article states itself)", field="evidence", **at)


def innermost_quotes(quotes, spans):
    """For each span (spans in the order of their starts), the id of the shortest quote or statement
    whose words hold it (equal spans: the smaller id), or None: where a mention is quoted, for
    statements_mentioning. Quotes nest and never cross (check_nesting), so one walk over both,
    with a stack of the quotes still open, finds them all: linear, however long the article."""
    by_id = sorted(quotes, key=lambda q: q["id"], reverse=True)  # equal spans: the smaller id on top
    order = sorted(by_id, key=lambda q: (q["start"], -q["end"]))  # outer quotes before inner ones
    stack, found, next_quote = [], [], 0
    for held in spans:
        while next_quote < len(order) and order[next_quote]["start"] <= held["start"]:
            quote = order[next_quote]
            next_quote += 1
            while stack and stack[-1]["end"] < quote["end"]:  # ended before this quote began
                stack.pop()
            stack.append(quote)
        while stack and stack[-1]["end"] <= held["start"]:  # ended before this span, so before any later one
            stack.pop()
        # each open quote holds the ones above it: the first from the top that holds the span
        found.append(next((quote["id"] for quote in reversed(stack) if quote["end"] >= held["end"]), None))
    return found
