"""The facts.yml checks that need only the YAML, derived from the declaration in contract.py
(sections, fields, enums, references, one-of groups), plus the rules that tie fields together.
The checks against the article text are in text.py."""
import datetime
import re
import urllib.parse

from . import contract
from .errors import BuildError, entry_label as label_of

# section -> its declaration (contract.Section); unknown fields are errors, to catch typos.
# Machine drafts mark each entry `review: draft`; a reviewer changes it to `checked` or removes
# the line. review_note says what the extractor was unsure of.
SECTIONS = contract.SECTIONS
REQUIRED_SECTIONS = {name for name, section in SECTIONS.items() if section.required}
LIST_SECTIONS = [name for name, section in SECTIONS.items() if not section.one_entry]
TOP_LEVEL = set(SECTIONS) | {contract.NOT_MENTIONS}
# (section, field) -> section whose ids it must name, within the same facts.yml
REFERENCES = contract.references()
# \Z, not $: "$" also matches before a final newline, so "q1\n" would pass as an id.
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?\Z", re.ASCII)
URL_RE = re.compile(r"^https?://[^\s<>\"\\^`{|}]+\Z", re.IGNORECASE)
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
COUNTRY_RE = re.compile(r"^[A-Z]{2}\Z")
# An article's slug names its folder (a file name holds at most 255 bytes, less on some file
# systems) and is part of its URLs and of every id it makes: 100 characters (ASCII) is room for
# any headline's words.
MAX_SLUG_LENGTH = 100


def slug_problem(slug):
    """Why slug cannot name an article ("must be ..."), or None."""
    if not SLUG_RE.match(slug):
        return "must be lower-case words joined by hyphens"
    if len(slug) > MAX_SLUG_LENGTH:
        return f"is {len(slug)} characters long, more than the {MAX_SLUG_LENGTH} a slug may have"
    return None


def shown_slug(slug, size=40):
    """A slug as an error quotes it: at most size characters."""
    return slug if len(slug) <= size else slug[:size - 1] + "…"


class Rules:
    """A section's declaration as the checks read it, made once: each field's kind and enum."""

    def __init__(self, declared):
        self.declared = declared
        self.kinds = {name: field.kind for name, field in declared.fields.items()}
        self.enums = {name: set(field.enum) for name, field in declared.fields.items() if field.enum}
        self.required = declared.required_fields
        self.dates = [name for name, kind in self.kinds.items() if kind == "date"]
        self.urls = [name for name, kind in self.kinds.items() if kind == "url"]


RULES = {name: Rules(section) for name, section in SECTIONS.items()}


def place(section, index, entry):
    """The error attributes naming an entry: section, its index, its id."""
    key = entry.get("id") if isinstance(entry, dict) else None
    return {"section": section, "entry": index, "key": key if isinstance(key, str) and key else None}


def entry_label(section, index, entry):
    """"quotes[2] (q3)": how messages name an entry."""
    return label_of(**place(section, index, entry))


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


def valid_url(value):
    """An absolute http or https address with a host and no spaces: the only kind a page may
    link to (a javascript: or data: address would run in the reader's browser)."""
    if not isinstance(value, str) or not URL_RE.match(value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def validate_entry(path, section, at, entry):
    """at: the error attributes naming the entry (place())."""
    rules = RULES[section]
    declared, kinds, enums, required = rules.declared, rules.kinds, rules.enums, rules.required

    def error(code, text, field=None, **more):
        return BuildError(code, text, file=path, field=field, **at, **more)

    if not isinstance(entry, dict):
        raise error("not_a_mapping", "expected a mapping")
    for field in sorted(required - set(entry)):
        raise error("missing_field", f"missing required field '{field}'", field)
    for field in sorted(map(str, set(entry) - kinds.keys())):
        raise error("unknown_field", f"unknown field '{field}'", field)
    for field, value in entry.items():
        kind = kinds[field]
        if kind == "names":
            if not (isinstance(value, list) and value and all(map(is_phrase, value))):
                raise error("bad_names", f"field '{field}' must be a list of non-empty one-line names", field)
        elif kind == "count":
            if type(value) is not int or value < 1:
                raise error("bad_count", f"field '{field}' must be a whole number, 1 or more", field)
        elif value is None:
            if field in required:
                raise error("missing_field", f"missing required field '{field}'", field)
        elif not isinstance(value, str):
            raise error("not_text", f"field '{field}' must be text, not {type(value).__name__}: put it in quotes", field)
        elif not value.strip():
            raise error("empty_field", f"field '{field}' must not be empty", field)
        allowed = enums.get(field)
        if allowed and value not in allowed:
            choices = ", ".join(sorted(allowed))
            raise error("not_in_enum", f"field '{field}' is '{value}', expected one of {choices}", field)
    for field in rules.urls:
        if entry.get(field) and not valid_url(entry[field]):
            raise error("bad_url", f"field '{field}' must be an http or https address", field)
    for field in rules.dates:
        if entry.get(field) and not valid_date(entry[field]):
            raise error("bad_date", f"field '{field}' must be a real date as YYYY, YYYY-MM or YYYY-MM-DD", field)
    if declared.one_of:
        given = [field for field in declared.one_of if entry.get(field) is not None]
        if len(given) != 1:
            raise error("one_of", f"give exactly one of {choice_list(declared.one_of)}")
    if declared.at_most_one_of:
        given = [field for field in declared.at_most_one_of if entry.get(field) is not None]
        if len(given) > 1:
            raise error("at_most_one_of", f"give at most one of {choice_list(declared.at_most_one_of)}")
    if section == "legal_references" and entry.get("quote") is None:
        for field in declared.at_most_one_of:
            if entry.get(field) is not None:
                raise error("citer_without_quote", f"field '{field}' needs the 'quote' it is cited in "
                            "(a reference the article states itself has neither)", field)
    if section == "quotes":
        validate_quote(error, entry)
    if section == "roles" and entry["basis"] == "inferred" and not entry.get("basis_note"):
        raise error("needs_note", "an inferred basis needs a basis_note saying why", "basis_note")
    if section == "countries" and not COUNTRY_RE.match(entry["id"]):
        raise error("bad_id", "id must be an ISO 3166-1 alpha-2 code such as MX", "id")
    written = entry.get("date_as_written")
    if section == "events" and written:
        if written not in entry["evidence"]:
            raise error("not_in_evidence", "field 'date_as_written' is not part of its evidence", "date_as_written")
        years = re.findall(r"\b\d{4}\b", written)
        if years and entry.get("date") and entry["date"][:4] not in years:
            raise error("date_mismatch", f"field 'date' {entry['date']} does not match '{written}'", "date")


def choice_list(fields):
    """'a' and 'b'; 'a', 'b' and 'c'."""
    quoted = [f"'{field}'" for field in fields]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def validate_quote(error, entry):
    """Rules that tie a quote's fields together (error: makes the entry's BuildError)."""
    if entry["attribution"] == "inferred" and not entry.get("attribution_note"):
        raise error("needs_note", "an inferred attribution needs an attribution_note saying why", "attribution_note")
    if entry["attribution"] == "explicit" and not entry.get("verb"):
        raise error("needs_verb", "an explicit attribution needs the reporting verb", "verb")
    if entry.get("reported_by") and entry.get("reported_by") == entry.get("speaker"):
        raise error("reported_by_speaker", "field 'reported_by' is the speaker", "reported_by")
    if bool(entry.get("reported_by")) != bool(entry.get("reported_by_basis")):
        raise error("go_together", "fields 'reported_by' and 'reported_by_basis' go together", "reported_by")
    if entry.get("continues") is not None and entry.get("continues") == entry.get("id"):
        raise error("continues_itself", "field 'continues' names the quote itself", "continues")
    source = entry.get("unnamed_source")
    if source is not None and not is_phrase(source):
        raise error("not_a_phrase", "field 'unnamed_source' must be one line without surrounding spaces",
                    "unnamed_source")


def is_phrase(value):
    """A name to look for in the text: not empty, no surrounding space, one line."""
    return isinstance(value, str) and value.strip() == value and value != "" and "\n" not in value


def validate_facts(path, facts):
    """Check shape, enums, unique ids and that every reference names a known id."""
    for name in sorted(map(str, set(facts) - TOP_LEVEL)):
        raise BuildError("unknown_section", f"unknown section '{name}'", file=path, name=name)
    for name in sorted(REQUIRED_SECTIONS - set(facts)):
        raise BuildError("missing_section", f"missing required section '{name}'", file=path, name=name)
    for name in (name for name, section in SECTIONS.items() if section.one_entry):
        validate_entry(path, name, {"section": name}, facts[name])
    not_mentions = facts.get(contract.NOT_MENTIONS) or []
    if not (isinstance(not_mentions, list) and all(map(is_phrase, not_mentions))):
        raise BuildError("bad_not_mentions", "must be a list of non-empty one-line phrases", file=path,
                         section=contract.NOT_MENTIONS)
    ids = {}
    for section in LIST_SECTIONS:
        entries = facts.get(section) or []
        if not isinstance(entries, list):
            raise BuildError("not_a_list", "expected a list", file=path, section=section)
        seen = ids[section] = set()
        for index, entry in enumerate(entries):
            at = place(section, index, entry)
            validate_entry(path, section, at, entry)
            key = entry.get("id")
            if key is None:
                continue
            if section != "countries" and not SLUG_RE.match(key):
                raise BuildError("bad_id", "id must be lower-case words joined by hyphens", file=path, field="id", **at)
            if key in seen:
                raise BuildError("duplicate_id", f"duplicate id '{key}'", file=path, field="id", **at)
            seen.add(key)
    for key in sorted(ids["people"] & ids["organizations"]):
        raise BuildError("person_and_organization",
                         f"id '{key}' is both a person and an organization (/speakers/{key} must name one)",
                         file=path, key=key)
    for (section, field), target in REFERENCES.items():
        for index, entry in enumerate(facts.get(section) or []):
            value = entry.get(field)
            if value is not None and value not in ids[target]:
                raise BuildError("unknown_reference", f"field '{field}' names unknown {target} id '{value}'",
                                 file=path, field=field, **place(section, index, entry))
