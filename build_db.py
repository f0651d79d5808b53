"""Build facts.db from seeds/<slug>/article.txt and seeds/<slug>/facts.yml.

Pure parse and validate helpers, then one loader (`build`) that writes a temporary file and
renames it into place, so a failed build never touches the previous database. The same seeds
always give a byte-identical database: inputs are read in sorted order and nothing depends on
time or randomness.
"""
import datetime
import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path

import click
import sqlite_utils
import yaml

FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# section -> (required fields, optional fields). Unknown fields are errors, to catch typos.
SECTIONS = {
    "article": (
        {"headline", "headline_source", "dateline", "language"},
        {"published", "published_as_written", "published_note", "source"},
    ),
    "countries": ({"id", "name"}, {"names"}),
    "organizations": ({"id", "name"}, {"acronym", "country", "kind", "names"}),
    "people": ({"id", "name"}, {"country", "names"}),
    "roles": ({"person", "title", "evidence", "basis"}, {"organization", "basis_note"}),
    "quotes": (
        {"id", "speaker", "kind", "attribution", "text"},
        {"verb", "attribution_note", "reported_by", "reported_by_basis"},
    ),
    "events": ({"id", "title", "evidence"}, {"country", "date_as_written", "date", "quote"}),
    "legal_references": ({"id", "instrument", "kind", "cited_by", "evidence", "quote"}, {"provision"}),
    "editorial_notes": ({"id", "subject", "as_written", "note"}, set()),
}
REQUIRED_SECTIONS = {"article", "people", "quotes"}
LIST_SECTIONS = [name for name in SECTIONS if name != "article"]
TOP_LEVEL = set(SECTIONS) | {"not_mentions"}

ENUMS = {
    ("article", "headline_source"): {"article", "editorial"},
    ("quotes", "kind"): {"direct", "indirect", "partial"},
    ("quotes", "attribution"): {"explicit", "inferred"},
    ("roles", "basis"): {"stated", "inferred"},
    ("quotes", "reported_by_basis"): {"stated", "inferred"},
    ("legal_references", "kind"): {"treaty", "constitution", "resolution", "law", "principle"},
}
# (section, field) -> section whose ids it must name, within the same facts.yml
REFERENCES = {
    ("organizations", "country"): "countries",
    ("people", "country"): "countries",
    ("roles", "person"): "people",
    ("roles", "organization"): "organizations",
    ("quotes", "speaker"): "people",
    ("quotes", "reported_by"): "people",
    ("events", "country"): "countries",
    ("legal_references", "cited_by"): "people",
    ("legal_references", "quote"): "quotes",
    ("events", "quote"): "quotes",
}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

# table -> (columns, foreign keys). Primary key is always "id". This is the data contract.
TABLES = {
    "countries": ({"id": str, "name": str, "names": str}, []),
    "organizations": (
        {"id": str, "name": str, "acronym": str, "country_id": str, "kind": str, "names": str},
        [("country_id", "countries", "id")],
    ),
    "people": (
        {"id": str, "name": str, "country_id": str, "names": str},
        [("country_id", "countries", "id")],
    ),
    "articles": (
        {
            "id": str, "headline": str, "headline_source": str, "dateline": str,
            "published": str, "published_as_written": str, "published_note": str,
            "language": str, "source": str, "body": str, "paragraph_count": int,
        },
        [],
    ),
    "paragraphs": (
        {"id": str, "article_id": str, "position": int, "text": str, "start": int, "end": int},
        [("article_id", "articles", "id")],
    ),
    "roles": (
        {
            "id": str, "article_id": str, "person_id": str, "title": str,
            "organization_id": str, "basis": str, "basis_note": str, "evidence": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("person_id", "people", "id"),
            ("organization_id", "organizations", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "quotes": (
        {
            "id": str, "speaker_id": str, "kind": str, "verb": str, "text": str,
            "attribution": str, "attribution_note": str, "reported_by_id": str,
            "reported_by_basis": str, "article_id": str, "position": int,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("speaker_id", "people", "id"),
            ("reported_by_id", "people", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "events": (
        {
            "id": str, "article_id": str, "title": str, "country_id": str,
            "date_as_written": str, "date": str, "quote_id": str, "evidence": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("country_id", "countries", "id"),
            ("quote_id", "quotes", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "legal_references": (
        {
            "id": str, "article_id": str, "instrument": str, "provision": str, "kind": str,
            "cited_by_id": str, "quote_id": str, "evidence": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("cited_by_id", "people", "id"),
            ("quote_id", "quotes", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "editorial_notes": (
        {
            "id": str, "article_id": str, "subject": str, "as_written": str, "note": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [("article_id", "articles", "id"), ("paragraph_id", "paragraphs", "id")],
    ),
    "mentions": (
        {
            "id": str, "article_id": str, "paragraph_id": str, "entity_type": str,
            "entity_id": str, "person_id": str, "organization_id": str, "country_id": str,
            "text": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("paragraph_id", "paragraphs", "id"),
            ("person_id", "people", "id"), ("organization_id", "organizations", "id"),
            ("country_id", "countries", "id"),
        ],
    ),
}
# Indexes beyond the foreign keys: the columns users facet and sort on.
FACET_INDEXES = {
    "organizations": ["kind"],
    "quotes": ["kind", "verb", "attribution"],
    "events": ["date"],
    "legal_references": ["kind", "instrument"],
    "editorial_notes": ["subject"],
    "mentions": ["entity_type", "entity_id"],
    "roles": ["basis"],
}
FTS_TABLES = {
    "quotes": ["text"],
    "paragraphs": ["text"],
    # name search for the saved queries, accent-insensitive ("Alvarez" finds "Álvarez")
    "people": ["name", "names"],
    "organizations": ["name", "acronym", "names"],
    "countries": ["name", "names"],
}
# Aggregates for charts: datasette-vega charts the rows on a page, so counts live in views.
VIEWS = {
    "quotes_per_speaker": """
        select p.name as speaker, q.speaker_id, q.kind, count(*) as quotes
        from quotes q join people p on p.id = q.speaker_id
        group by q.speaker_id, q.kind
        order by p.name, q.kind""",
    "quotes_per_verb": """
        select coalesce(q.verb, '(none)') as verb, q.kind, count(*) as quotes
        from quotes q
        group by q.verb, q.kind
        order by quotes desc, verb""",
    "mentions_per_entity": """
        select m.entity_type, m.entity_id, coalesce(p.name, o.name, c.name) as name,
          count(*) as mentions
        from mentions m
        left join people p on p.id = m.person_id
        left join organizations o on o.id = m.organization_id
        left join countries c on c.id = m.country_id
        group by m.entity_type, m.entity_id
        order by mentions desc, name""",
}


class BuildError(Exception):
    """A problem with the seeds, already phrased as one line naming the file and the entry."""


# --- reading -----------------------------------------------------------------------------


def read_bytes(path):
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise BuildError(f"{path}: missing")
    except OSError as e:
        raise BuildError(f"{path}: cannot read: {e.strerror}")


def read_article(path):
    """The article text exactly as stored: strict UTF-8, not empty."""
    data = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BuildError(f"{path}: not valid UTF-8 (byte {e.start})")
    if not text.strip():
        raise BuildError(f"{path}: article is empty")
    return text


class UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (PyYAML keeps the last)
    and reads unquoted dates as text, so a date is always what the curator typed."""

    yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool, type(None))):
                continue  # PyYAML itself reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_facts(path):
    """Parse facts.yml; YAML errors become one line with the line number."""
    try:
        facts = yaml.load(read_bytes(path).decode("utf-8"), Loader=UniqueKeyLoader)
    except UnicodeDecodeError as e:
        raise BuildError(f"{path}: not valid UTF-8 (byte {e.start})")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise BuildError(f"{path}: invalid YAML at {where}: {problem}")
    except (ValueError, TypeError) as e:  # a tagged value PyYAML cannot convert (!!int foo)
        raise BuildError(f"{path}: invalid YAML value: {str(e).splitlines()[0]}")
    if not isinstance(facts, dict):
        raise BuildError(f"{path}: expected a mapping of sections at the top level")
    return facts


# --- validating --------------------------------------------------------------------------


def entry_label(section, index, entry):
    key = entry.get("id") if isinstance(entry, dict) else None
    return f"{section}[{index}]" + (f" ({key})" if key else "")


def valid_date(value):
    """YYYY, YYYY-MM or YYYY-MM-DD, and a date that exists."""
    if not DATE_RE.match(value):
        return False
    padded = value + "-01" * (2 - value.count("-"))
    try:
        datetime.date.fromisoformat(padded)
    except ValueError:
        return False
    return True


def validate_entry(path, section, label, entry):
    required, optional = SECTIONS[section]
    if not isinstance(entry, dict):
        raise BuildError(f"{path}: {label}: expected a mapping")
    for field in sorted(required - set(entry)):
        raise BuildError(f"{path}: {label}: missing required field '{field}'")
    for field in sorted(map(str, set(entry) - required - optional)):
        raise BuildError(f"{path}: {label}: unknown field '{field}'")
    for field, value in entry.items():
        if field == "names":
            if not (isinstance(value, list) and value and all(map(is_phrase, value))):
                raise BuildError(f"{path}: {label}: field 'names' must be a list of non-empty one-line names")
        elif value is None:
            if field in required:
                raise BuildError(f"{path}: {label}: missing required field '{field}'")
        elif not isinstance(value, str):
            raise BuildError(f"{path}: {label}: field '{field}' must be text, not {type(value).__name__}: put it in quotes")
        elif not value.strip():
            raise BuildError(f"{path}: {label}: field '{field}' must not be empty")
        allowed = ENUMS.get((section, field))
        if allowed and value not in allowed:
            choices = ", ".join(sorted(allowed))
            raise BuildError(f"{path}: {label}: field '{field}' is '{value}', expected one of {choices}")
    for field in ("date", "published"):
        if entry.get(field) and not valid_date(entry[field]):
            raise BuildError(f"{path}: {label}: field '{field}' must be a real date as YYYY, YYYY-MM or YYYY-MM-DD")
    if section == "quotes":
        validate_quote(path, label, entry)
    if section == "roles" and entry["basis"] == "inferred" and not entry.get("basis_note"):
        raise BuildError(f"{path}: {label}: an inferred basis needs a basis_note saying why")
    if section == "countries" and not COUNTRY_RE.match(entry["id"]):
        raise BuildError(f"{path}: {label}: id must be an ISO 3166-1 alpha-2 code such as MX")
    written = entry.get("date_as_written")
    if section == "events" and written:
        if written not in entry["evidence"]:
            raise BuildError(f"{path}: {label}: field 'date_as_written' is not part of its evidence")
        years = re.findall(r"\b\d{4}\b", written)
        if years and entry.get("date") and entry["date"][:4] not in years:
            raise BuildError(f"{path}: {label}: field 'date' {entry['date']} does not match '{written}'")


def validate_quote(path, label, entry):
    """Rules that tie a quote's fields together."""
    if entry["attribution"] == "inferred" and not entry.get("attribution_note"):
        raise BuildError(f"{path}: {label}: an inferred attribution needs an attribution_note saying why")
    if entry["attribution"] == "explicit" and not entry.get("verb"):
        raise BuildError(f"{path}: {label}: an explicit attribution needs the reporting verb")
    if entry.get("reported_by") == entry["speaker"]:
        raise BuildError(f"{path}: {label}: field 'reported_by' is the speaker")
    if bool(entry.get("reported_by")) != bool(entry.get("reported_by_basis")):
        raise BuildError(f"{path}: {label}: fields 'reported_by' and 'reported_by_basis' go together")


def is_phrase(value):
    """A name to look for in the text: not empty, no surrounding space, one line."""
    return isinstance(value, str) and value.strip() == value and value != "" and "\n" not in value


def validate_facts(path, facts):
    """Check shape, enums, unique ids and that every reference names a known id."""
    for name in sorted(map(str, set(facts) - TOP_LEVEL)):
        raise BuildError(f"{path}: unknown section '{name}'")
    for name in sorted(REQUIRED_SECTIONS - set(facts)):
        raise BuildError(f"{path}: missing required section '{name}'")
    validate_entry(path, "article", "article", facts["article"])
    not_mentions = facts.get("not_mentions") or []
    if not (isinstance(not_mentions, list) and all(map(is_phrase, not_mentions))):
        raise BuildError(f"{path}: not_mentions: must be a list of non-empty one-line phrases")
    ids = {}
    for section in LIST_SECTIONS:
        entries = facts.get(section) or []
        if not isinstance(entries, list):
            raise BuildError(f"{path}: {section}: expected a list")
        seen = ids[section] = set()
        for index, entry in enumerate(entries):
            label = entry_label(section, index, entry)
            validate_entry(path, section, label, entry)
            key = entry.get("id")
            if key is None:
                continue
            if section != "countries" and not SLUG_RE.match(key):
                raise BuildError(f"{path}: {label}: id must be lower-case words joined by hyphens")
            if key in seen:
                raise BuildError(f"{path}: {label}: duplicate id '{key}'")
            seen.add(key)
    for (section, field), target in REFERENCES.items():
        for index, entry in enumerate(facts.get(section) or []):
            value = entry.get(field)
            if value is not None and value not in ids[target]:
                raise BuildError(
                    f"{path}: {entry_label(section, index, entry)}: field '{field}' names "
                    f"unknown {target} id '{value}'"
                )


# --- locating text -----------------------------------------------------------------------


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


def locate(body, needle, where):
    """The (start, end) of the one verbatim occurrence of needle, else a BuildError."""
    count = body.count(needle)
    if count == 0:
        raise BuildError(f"{where}: not found verbatim in article.txt: {needle[:60]!r}")
    if count > 1:
        raise BuildError(f"{where}: ambiguous, appears {count} times in article.txt: {needle[:60]!r}")
    start = body.index(needle)
    return start, start + len(needle)


def paragraph_at(paragraphs, start, end, where):
    for paragraph in paragraphs:
        if paragraph["start"] <= start and end <= paragraph["end"]:
            return paragraph["id"]
    raise BuildError(f"{where}: text spans more than one paragraph")


def span(body, paragraphs, needle, where):
    start, end = locate(body, needle, where)
    return {"paragraph_id": paragraph_at(paragraphs, start, end, where), "start": start, "end": end}


def find_mentions(article_id, body, paragraphs, names, not_mentions):
    """Every whole-word occurrence of each entity's names, longest name first, no overlaps.

    names: (phrase, entity_type, entity_id) triples. Phrases in not_mentions claim their
    span first and are dropped, so "Mexico City" is not a mention of Mexico.
    """
    phrases = [(p, None, None) for p in not_mentions] + list(names)
    phrases.sort(key=lambda item: (-len(item[0]), item[0]))
    claimed, rows = [], []
    for phrase, entity_type, entity_id in phrases:
        for match in whole_word(phrase).finditer(body):
            start, end = match.span()
            if any(start < e and s < end for s, e in claimed):
                continue
            claimed.append((start, end))
            if entity_type is None:
                continue
            rows.append({
                "id": f"{article_id}-m{start}", "article_id": article_id,
                "paragraph_id": paragraph_at(paragraphs, start, end, f"name '{phrase}'"),
                "entity_type": entity_type, "entity_id": entity_id,
                "person_id": entity_id if entity_type == "person" else None,
                "organization_id": entity_id if entity_type == "organization" else None,
                "country_id": entity_id if entity_type == "country" else None,
                "text": phrase, "start": start, "end": end,
            })
    return sorted(rows, key=lambda row: row["start"])


def whole_word(phrase):
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


def check_quote(label, entry, body, where, paragraphs):
    """The verb must be in the quote's paragraph; a direct quote is exactly the words inside
    “ ” (a closing mark, or a comma and one, right after), and reported speech is not."""
    paragraph = next(p for p in paragraphs if p["id"] == where["paragraph_id"])
    if entry.get("verb") and not whole_word(entry["verb"]).search(paragraph["text"]):
        raise BuildError(f"{label}: field 'verb': '{entry['verb']}' does not occur in the quote's paragraph")
    opens = body[where["start"] - 1:where["start"]] == "“"
    closes = body[where["end"]:where["end"] + 1] == "”" or body[where["end"]:where["end"] + 2] == ",”"
    if entry["kind"] == "direct" and not (opens and closes):
        raise BuildError(f"{label}: field 'text': a direct quote must be the words just inside “ and ”")
    if entry["kind"] == "indirect" and opens and closes:
        raise BuildError(f"{label}: field 'kind': the text is in quotation marks, so it is not indirect")


def check_inside_quote(label, where, quote_key, quote_spans):
    """Evidence tied to a statement lies inside that statement's words."""
    quote, quote_where = quote_spans[quote_key]
    if not (quote_where["start"] <= where["start"] and where["end"] <= quote_where["end"]):
        raise BuildError(f"{label}: field 'evidence' lies outside quote '{quote_key}'")
    return quote


def check_role(label, entry, person):
    """A role's title is in the article's words, next to the person's name."""
    if entry["title"] not in entry["evidence"]:
        raise BuildError(f"{label}: field 'title' is not in its evidence")
    if not any(name in entry["evidence"] for name in person.get("names") or [person["name"]]):
        raise BuildError(f"{label}: field 'evidence' does not name {person['name']}")


def check_nesting(spans):
    """Quotes and editorial notes may nest but not cross: a crossing would hide one of them
    on the article page. spans: (start, end, label) triples."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    open_spans = []
    for start, end, label in ordered:
        open_spans = [o for o in open_spans if o[1] > start]
        for _, other_end, other_label in open_spans:
            if end > other_end:
                raise BuildError(f"{label} overlaps {other_label} without lying inside it")
        open_spans.append((start, end, label))


# --- one article -------------------------------------------------------------------------


def parse_article(folder):
    """Rows for every table from one seeds/<slug>/ folder."""
    folder = Path(folder)
    article_id = folder.name
    if not SLUG_RE.match(article_id):
        raise BuildError(f"{folder}: folder name must be a slug (lower-case words joined by hyphens)")
    facts_path = folder / "facts.yml"
    if not facts_path.exists():
        raise BuildError(f"{facts_path}: missing (every article needs its facts)")
    body = read_article(folder / "article.txt")
    facts = load_facts(facts_path)
    validate_facts(facts_path, facts)
    paragraphs = split_paragraphs(article_id, body)

    def spans(section, field):
        for index, entry in enumerate(facts.get(section) or []):
            label = f"{facts_path}: {entry_label(section, index, entry)}"
            yield label, entry, span(body, paragraphs, entry[field], f"{label}: field '{field}'")

    meta = facts["article"]
    tables = {name: [] for name in TABLES}
    tables["articles"].append({
        "id": article_id, "headline": meta["headline"],
        "headline_source": meta["headline_source"], "dateline": meta["dateline"],
        "published": meta.get("published"),
        "published_as_written": meta.get("published_as_written"),
        "published_note": meta.get("published_note"), "language": meta["language"],
        "source": meta.get("source"), "body": body, "paragraph_count": len(paragraphs),
    })
    if meta.get("published_as_written"):
        locate(body, meta["published_as_written"], f"{facts_path}: article: field 'published_as_written'")
    if meta["headline_source"] == "article" and meta["headline"] not in body:
        raise BuildError(f"{facts_path}: article: headline_source is 'article' but the headline is not in the text")
    tables["paragraphs"] = paragraphs

    names = []
    for section, entity_type in (("countries", "country"), ("organizations", "organization"), ("people", "person")):
        for index, entry in enumerate(facts.get(section) or []):
            for name in entry.get("names") or []:
                if not whole_word(name).search(body):
                    raise BuildError(
                        f"{facts_path}: {entry_label(section, index, entry)}: name '{name}' "
                        "does not occur in article.txt"
                    )
            entity_names = entry.get("names") or [entry["name"]]
            names += [(name, entity_type, entry["id"]) for name in entity_names]
            row = {"id": entry["id"], "name": entry["name"], "names": json.dumps(entity_names, ensure_ascii=False)}
            if section == "organizations":
                row.update(acronym=entry.get("acronym"), kind=entry.get("kind"))
            if section != "countries":
                row["country_id"] = entry.get("country")
            tables[section].append(row)
    phrases = [name for name, _, _ in names]
    for phrase in sorted({p for p in phrases if phrases.count(p) > 1}):
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
        })
    quotes, quote_spans, nesting = [], {}, []
    for label, entry, where in spans("quotes", "text"):
        check_quote(label, entry, body, where, paragraphs)
        quote_spans[entry["id"]] = (entry, where)
        nesting.append((where["start"], where["end"], label))
        quotes.append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "speaker_id": entry["speaker"], "reported_by_id": entry.get("reported_by"),
            "reported_by_basis": entry.get("reported_by_basis"),
            "kind": entry["kind"], "verb": entry.get("verb"),
            "attribution": entry["attribution"], "attribution_note": entry.get("attribution_note"),
            "text": entry["text"], **where,
        })
    quotes.sort(key=lambda row: row["start"])
    for position, row in enumerate(quotes, start=1):
        row["position"] = position
    tables["quotes"] = quotes
    for label, entry, where in spans("events", "evidence"):
        if entry.get("quote"):
            check_inside_quote(label, where, entry["quote"], quote_spans)
        tables["events"].append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "title": entry["title"], "country_id": entry.get("country"),
            "date_as_written": entry.get("date_as_written"), "date": entry.get("date"),
            "quote_id": f"{article_id}-{entry['quote']}" if entry.get("quote") else None,
            "evidence": entry["evidence"], **where,
        })
    for label, entry, where in spans("legal_references", "evidence"):
        quote = check_inside_quote(label, where, entry["quote"], quote_spans)
        if entry["cited_by"] != quote["speaker"]:
            raise BuildError(
                f"{label}: field 'cited_by' is '{entry['cited_by']}' but quote '{quote['id']}' is by '{quote['speaker']}'"
            )
        tables["legal_references"].append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "instrument": entry["instrument"], "provision": entry.get("provision"),
            "kind": entry["kind"], "cited_by_id": entry["cited_by"],
            "quote_id": f"{article_id}-{entry['quote']}",
            "evidence": entry["evidence"], **where,
        })
    for label, entry, where in spans("editorial_notes", "as_written"):
        nesting.append((where["start"], where["end"], label))
        tables["editorial_notes"].append({
            "id": f"{article_id}-{entry['id']}", "article_id": article_id,
            "subject": entry["subject"], "as_written": entry["as_written"],
            "note": entry["note"], **where,
        })
    nesting += [(m["start"], m["end"], f"{facts_path}: name '{m['text']}' at {m['start']}") for m in tables["mentions"]]
    check_nesting(nesting)
    return tables


# --- all articles ------------------------------------------------------------------------


def merge_entity(merged, row, table, folder):
    """People, organizations and countries are shared between articles: same id, same facts."""
    existing = merged.get(row["id"])
    if existing is None:
        merged[row["id"]] = row
        return
    for field, value in row.items():
        if field == "names":
            known = json.loads(existing["names"])
            union = known + [n for n in json.loads(value) if n not in known]
            existing["names"] = json.dumps(union, ensure_ascii=False)
        elif value != existing[field]:
            raise BuildError(
                f"{folder}/facts.yml: {table} ({row['id']}): field '{field}' is {value!r} here "
                f"but {existing[field]!r} in an earlier article"
            )


def parse_seeds(seeds_dir):
    """Rows for every table from every article folder, in sorted order."""
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise BuildError(f"{seeds_dir}: seeds folder does not exist or is not a folder")
    folders = sorted(p for p in seeds_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise BuildError(f"{seeds_dir}: no articles found (expected {seeds_dir}/<slug>/article.txt)")
    tables = {name: [] for name in TABLES}
    shared = {"countries": {}, "organizations": {}, "people": {}}
    made_by = {}  # (table, id) -> folder, so two articles cannot produce the same id
    for folder in folders:
        for name, rows in parse_article(folder).items():
            if name in shared:
                for row in rows:
                    merge_entity(shared[name], row, name, folder)
                continue
            for row in rows:
                other = made_by.setdefault((name, row["id"]), folder)
                if other != folder:
                    raise BuildError(f"{folder}/facts.yml: {name} id '{row['id']}' is also made by {other}")
            tables[name] += rows
    for name, merged in shared.items():
        tables[name] = [merged[key] for key in sorted(merged)]
    return tables


def write_db(tables, db_path):
    """Create every table with its keys and indexes, in one transaction, at db_path."""
    db = sqlite_utils.Database(db_path)
    with db.conn:
        for name, (columns, foreign_keys) in TABLES.items():
            table = db[name]
            table.create(columns, pk="id", foreign_keys=foreign_keys, not_null={"id"})
            if tables[name]:
                table.insert_all(tables[name], pk="id")
            indexed = [fk[0] for fk in foreign_keys] + FACET_INDEXES.get(name, [])
            for column in indexed:
                table.create_index([column], if_not_exists=True)
    for name, columns in FTS_TABLES.items():
        db[name].enable_fts(columns, tokenize=FTS_TOKENIZE, replace=True)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    db.vacuum()
    db.close()


def build(seeds_dir, db_path):
    """Parse and validate everything, then replace db_path atomically."""
    tables = parse_seeds(seeds_dir)
    db_path = Path(db_path)
    if not db_path.parent.is_dir():
        raise BuildError(f"{db_path}: folder {db_path.parent} does not exist")
    if db_path.is_dir():
        raise BuildError(f"{db_path}: is a folder, not a database file")
    tmp_path = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
        os.close(handle)
        tmp_path = Path(name)  # empty: SQLite treats it as a new database
        write_db(tables, tmp_path)
        os.replace(tmp_path, db_path)
    except (OSError, sqlite3.Error) as e:
        raise BuildError(f"{db_path}: cannot write the database: {e}")
    finally:
        if tmp_path is not None:
            tmp_path.unlink(missing_ok=True)
    return tables


@click.command()
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True,
              help="Folder of <slug>/article.txt + facts.yml")
@click.option("--db", "db_path", default="facts.db", show_default=True,
              help="SQLite file to write")
@click.option("--check", is_flag=True, help="Validate the seeds without writing the database")
def cli(seeds_dir, db_path, check):
    """Build the article-facts database from the seeds folder."""
    try:
        tables = parse_seeds(seeds_dir) if check else build(seeds_dir, db_path)
    except BuildError as e:
        raise click.ClickException(str(e))
    summary = ", ".join(f"{len(tables[name])} {name}" for name in ("articles", "quotes", "mentions"))
    click.echo(f"{'checked' if check else 'built ' + str(db_path)}: {summary}")


if __name__ == "__main__":
    cli()
