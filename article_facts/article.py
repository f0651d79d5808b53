"""One seeds/<slug>/ folder to rows for every table."""
import bisect
import collections
import json
from pathlib import Path

from .database import TABLES
from .errors import BuildError
from .reading import load_facts, read_article
from .schema import SLUG_RE, entry_label, validate_facts
from .text import (check_inside_quote, check_nesting, check_quote, check_role, find_mentions,
                   locate, span, split_paragraphs, whole_word_occurrences)


def review(entry):
    """The review columns: an entry without `review` was written and checked by hand."""
    return {"review": entry.get("review") or "checked", "review_note": entry.get("review_note")}


def parse_article(folder):
    """Rows for every table from one seeds/<slug>/ folder."""
    folder = Path(folder)
    article_id = folder.name
    if not SLUG_RE.match(article_id):
        raise BuildError(f"{folder}: folder name must be a slug (lower-case words joined by hyphens)")
    facts_path = folder / "facts.yml"
    if not facts_path.is_symlink() and not facts_path.exists():
        raise BuildError(f"{facts_path}: missing (every article needs its facts)")
    body = read_article(folder / "article.txt")
    facts = load_facts(facts_path)
    validate_facts(facts_path, facts)
    paragraphs = split_paragraphs(article_id, body)

    def spans(section, field):
        for index, entry in enumerate(facts.get(section) or []):
            label = f"{facts_path}: {entry_label(section, index, entry)}"
            where = span(body, paragraphs, entry[field], f"{label}: field '{field}'", entry.get("occurrence"))
            yield label, entry, where

    meta = facts["article"]
    tables = {name: [] for name in TABLES}
    tables["articles"].append({
        "id": article_id, "headline": meta["headline"],
        "headline_source": meta["headline_source"], "dateline": meta.get("dateline"),
        "published": meta.get("published"),
        "published_as_written": meta.get("published_as_written"),
        "published_note": meta.get("published_note"), "language": meta["language"],
        "source": meta.get("source"), "body": body, "paragraph_count": len(paragraphs),
        **review(meta),
    })
    if meta.get("published_as_written"):
        locate(body, meta["published_as_written"], f"{facts_path}: article: field 'published_as_written'")
    if meta["headline_source"] == "article" and meta["headline"] not in body:
        raise BuildError(f"{facts_path}: article: headline_source is 'article' but the headline is not in the text")
    tables["paragraphs"] = paragraphs

    names = []
    sections = (("countries", "country"), ("organizations", "organization"), ("people", "person"))
    forms = [name for section, _ in sections for entry in facts.get(section) or [] for name in entry.get("names") or []]
    occurring = {name for name, starts in whole_word_occurrences(body, forms).items() if starts}
    for section, entity_type in sections:
        for index, entry in enumerate(facts.get(section) or []):
            for name in entry.get("names") or []:
                if name not in occurring:
                    raise BuildError(
                        f"{facts_path}: {entry_label(section, index, entry)}: name '{name}' "
                        "does not occur in article.txt"
                    )
            entity_names = entry.get("names") or [entry["name"]]
            names += [(name, entity_type, entry["id"]) for name in entity_names]
            row = {
                "id": entry["id"], "name": entry["name"],
                "names": json.dumps(entity_names, ensure_ascii=False), **review(entry),
            }
            if section == "organizations":
                row.update(acronym=entry.get("acronym"), kind=entry.get("kind"))
            if section != "countries":
                row["country_id"] = entry.get("country")
            tables[section].append(row)
    phrases = [name for name, _, _ in names]
    for phrase in sorted(p for p, n in collections.Counter(phrases).items() if n > 1):
        raise BuildError(f"{facts_path}: name '{phrase}' is given to more than one entity")
    tables["mentions"] = find_mentions(article_id, body, paragraphs, names, facts.get("not_mentions") or [])

    people = {entry["id"]: entry for entry in facts["people"]}
    counts = {}
    for label, entry, where in spans("roles", "evidence"):
        check_role(label, entry, people[entry["person"]])
        counts[entry["person"]] = counts.get(entry["person"], 0) + 1
        tables["roles"].append({
            "id": f"{article_id}-{entry['person']}-{counts[entry['person']]}",
            "article_id": article_id, "person_id": entry["person"], "title": entry["title"],
            "organization_id": entry.get("organization"), "basis": entry["basis"],
            "basis_note": entry.get("basis_note"), "evidence": entry["evidence"], **where,
            **review(entry),
        })
    quotes, quote_spans, nesting = [], {}, []
    for label, entry, where in spans("quotes", "text"):
        check_quote(label, entry, body, where, paragraphs)
        quote_spans[entry["id"]] = (entry, where, label)
        nesting.append((where["start"], where["end"], label))
        quotes.append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "speaker_id": entry.get("speaker"),
            "speaker_organization_id": entry.get("speaker_organization"),
            "unnamed_source": entry.get("unnamed_source"), "source_kind": source_kind(entry),
            "continues_id": f"{article_id}-{entry['continues']}" if entry.get("continues") else None,
            "reported_by_id": entry.get("reported_by"),
            "reported_by_basis": entry.get("reported_by_basis"),
            "kind": entry["kind"], "verb": entry.get("verb"),
            "attribution": entry["attribution"], "attribution_note": entry.get("attribution_note"),
            "text": entry["text"], **where, **review(entry),
        })
    check_continues(quote_spans, paragraphs)
    quotes.sort(key=lambda row: row["start"])
    for position, row in enumerate(quotes, start=1):
        row["position"] = position
    tables["quotes"] = quotes
    for mention, quote_id in zip(tables["mentions"], innermost_quotes(quotes, tables["mentions"])):
        mention["quote_id"] = quote_id
    for label, entry, where in spans("events", "evidence"):
        if entry.get("quote"):
            check_inside_quote(label, where, entry["quote"], quote_spans)
        tables["events"].append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "title": entry["title"], "country_id": entry.get("country"),
            "date_as_written": entry.get("date_as_written"), "date": entry.get("date"),
            "quote_id": f"{article_id}-{entry['quote']}" if entry.get("quote") else None,
            "evidence": entry["evidence"], **where, **review(entry),
        })
    quote_at = quote_finder(quote_spans)
    for label, entry, where in spans("legal_references", "evidence"):
        if entry.get("quote"):
            check_citer(label, entry, check_inside_quote(label, where, entry["quote"], quote_spans))
        else:  # stated by the article itself: not in anyone's words
            check_outside_quotes(label, where, quote_at)
        tables["legal_references"].append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "instrument": entry["instrument"], "provision": entry.get("provision"),
            "kind": entry["kind"], "cited_by_id": entry.get("cited_by"),
            "cited_by_organization_id": entry.get("cited_by_organization"),
            "quote_id": f"{article_id}-{entry['quote']}" if entry.get("quote") else None,
            "evidence": entry["evidence"], **where, **review(entry),
        })
    for label, entry, where in spans("editorial_notes", "as_written"):
        nesting.append((where["start"], where["end"], label))
        tables["editorial_notes"].append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "subject": entry["subject"], "as_written": entry["as_written"],
            "note": entry["note"], **where, **review(entry),
        })
    nesting += [(m["start"], m["end"], f"{facts_path}: name '{m['text']}' at {m['start']}") for m in tables["mentions"]]
    check_nesting(nesting)
    return tables


SOURCE_FIELDS = ("speaker", "speaker_organization", "unnamed_source")
SOURCE_KINDS = dict(zip(SOURCE_FIELDS, ("person", "organization", "unnamed")))


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
    for key, (entry, where, label) in quote_spans.items():
        first_key = entry.get("continues")
        if first_key is None:
            continue
        first, first_where, _ = quote_spans[first_key]
        if source_of(first) != source_of(entry):
            field, value = source_of(entry)
            other_field, other = source_of(first)
            raise BuildError(
                f"{label}: field 'continues': quote '{first_key}' has {other_field} '{other}', "
                f"not {field} '{value}' (both parts of a quote have the same source)")
        if first_where["start"] >= where["start"]:
            raise BuildError(f"{label}: field 'continues': quote '{first_key}' does not come before this one")
        if first_key in continued:
            raise BuildError(
                f"{label}: field 'continues': quote '{first_key}' is already continued by '{continued[first_key]}'")
        if positions[where["paragraph_id"]] - positions[first_where["paragraph_id"]] > 1:
            raise BuildError(
                f"{label}: field 'continues': quote '{first_key}' is not in this paragraph or the one before")
        continued[first_key] = key


def check_citer(label, entry, quote):
    """A legal reference cited in a statement names the statement's speaker as its citer
    (none when the source is unnamed)."""
    field, value = source_of(quote)
    expected = {"speaker": "cited_by", "speaker_organization": "cited_by_organization"}.get(field)
    given = next((f for f in ("cited_by", "cited_by_organization") if entry.get(f) is not None), None)
    if given is None and expected is not None:
        raise BuildError(
            f"{label}: field 'quote' names '{quote['id']}', by '{value}', but no citer is given "
            f"(add {expected}: {value})")
    if given is not None and expected is None:
        raise BuildError(
            f"{label}: field '{given}' is '{entry[given]}' but quote '{quote['id']}' is by an unnamed "
            f"source ('{value}'): give no citer")
    if given is not None and (given, entry[given]) != (expected, value):
        raise BuildError(f"{label}: field '{given}' is '{entry[given]}' but quote '{quote['id']}' is by '{value}'")


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


def check_outside_quotes(label, where, quote_at):
    """A legal reference the article states itself (no quote) is not in anyone's words."""
    key = quote_at(where["start"], where["end"])
    if key is not None:
        raise BuildError(
            f"{label}: field 'evidence' lies in quote '{key}': give 'quote: {key}' and its speaker "
            "as the citer (a reference with no quote is one the article states itself)")


def innermost_quotes(quotes, spans):
    """For each span (spans in the order of their starts), the id of the shortest quote or statement
    whose words hold it (equal spans: the smaller id), or None: where a mention is quoted, for
    statements_mentioning. Quotes nest and never cross (check_nesting), so one walk over both,
    with a stack of the quotes still open, finds them all: linear, however long the article."""
    by_id = sorted(quotes, key=lambda q: q["id"], reverse=True)  # equal spans: the smaller id on top
    order = sorted(by_id, key=lambda q: (q["start"], -q["end"]))  # outer quotes before inner ones
    stack, found, next_quote = [], [], 0
    for span in spans:
        while next_quote < len(order) and order[next_quote]["start"] <= span["start"]:
            quote = order[next_quote]
            next_quote += 1
            while stack and stack[-1]["end"] < quote["end"]:  # ended before this quote began
                stack.pop()
            stack.append(quote)
        while stack and stack[-1]["end"] <= span["start"]:  # ended before this span, so before any later one
            stack.pop()
        # each open quote holds the ones above it: the first from the top that holds the span
        found.append(next((quote["id"] for quote in reversed(stack) if quote["end"] >= span["end"]), None))
    return found
