"""The facts.yml schema: sections, fields, enums, references, and the checks that need only
the YAML (the checks against the article text are in text.py)."""
import datetime
import re

from .errors import BuildError

# section -> (required fields, optional fields). Unknown fields are errors, to catch typos.
# Every section also takes REVIEW_FIELDS; a quote names a person or an organization as its
# speaker, or describes a source the text does not name (ONE_OF). A legal reference cited in
# a statement names the statement's speaker as its citer; one the article states in its own
# voice has no quote and no citer (article.py checks which).
SECTIONS = {
    "article": (
        {"headline", "headline_source", "language"},
        {"dateline", "published", "published_as_written", "published_note", "source"},
    ),
    "countries": ({"id", "name"}, {"names"}),
    "organizations": ({"id", "name"}, {"acronym", "country", "kind", "names"}),
    "people": ({"id", "name"}, {"country", "names"}),
    "roles": ({"person", "title", "evidence", "basis"}, {"organization", "basis_note", "occurrence"}),
    "quotes": (
        {"id", "kind", "attribution", "text"},
        {"speaker", "speaker_organization", "unnamed_source", "verb", "attribution_note",
         "reported_by", "reported_by_basis", "continues", "occurrence"},
    ),
    "events": ({"id", "title", "evidence"}, {"country", "date_as_written", "date", "quote", "occurrence"}),
    "legal_references": (
        {"id", "instrument", "kind", "evidence"},
        {"quote", "cited_by", "cited_by_organization", "provision", "occurrence"},
    ),
    "editorial_notes": ({"id", "subject", "as_written", "note"}, {"occurrence"}),
}
# Machine drafts mark each entry `review: draft`; a reviewer changes it to `checked` or removes
# the line. review_note says what the extractor was unsure of.
REVIEW_FIELDS = {"review", "review_note"}
# section -> fields of which exactly one must be given
ONE_OF = {
    "quotes": ("speaker", "speaker_organization", "unnamed_source"),
}
# section -> fields of which at most one may be given
AT_MOST_ONE_OF = {
    "legal_references": ("cited_by", "cited_by_organization"),
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
    **{(section, "review"): {"draft", "checked"} for section in SECTIONS},
}
# (section, field) -> section whose ids it must name, within the same facts.yml
REFERENCES = {
    ("organizations", "country"): "countries",
    ("people", "country"): "countries",
    ("roles", "person"): "people",
    ("roles", "organization"): "organizations",
    ("quotes", "speaker"): "people",
    ("quotes", "speaker_organization"): "organizations",
    ("quotes", "reported_by"): "people",
    ("quotes", "continues"): "quotes",
    ("events", "country"): "countries",
    ("legal_references", "cited_by"): "people",
    ("legal_references", "cited_by_organization"): "organizations",
    ("legal_references", "quote"): "quotes",
    ("events", "quote"): "quotes",
}
# \Z, not $: "$" also matches before a final newline, so "q1\n" would pass as an id.
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?\Z", re.ASCII)
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
COUNTRY_RE = re.compile(r"^[A-Z]{2}\Z")


def entry_label(section, index, entry):
    key = entry.get("id") if isinstance(entry, dict) else None
    return f"{section}[{index}]" + (f" ({key})" if key and isinstance(key, str) else "")


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
    optional = optional | REVIEW_FIELDS
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
        elif field == "occurrence":
            if type(value) is not int or value < 1:
                raise BuildError(f"{path}: {label}: field 'occurrence' must be a whole number, 1 or more")
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
    if section in ONE_OF:
        given = [field for field in ONE_OF[section] if entry.get(field) is not None]
        if len(given) != 1:
            raise BuildError(f"{path}: {label}: give exactly one of {choice_list(ONE_OF[section])}")
    if section in AT_MOST_ONE_OF:
        given = [field for field in AT_MOST_ONE_OF[section] if entry.get(field) is not None]
        if len(given) > 1:
            raise BuildError(f"{path}: {label}: give at most one of {choice_list(AT_MOST_ONE_OF[section])}")
    if section == "legal_references" and entry.get("quote") is None:
        for field in AT_MOST_ONE_OF[section]:
            if entry.get(field) is not None:
                raise BuildError(
                    f"{path}: {label}: field '{field}' needs the 'quote' it is cited in "
                    "(a reference the article states itself has neither)")
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


def choice_list(fields):
    """'a' and 'b'; 'a', 'b' and 'c'."""
    quoted = [f"'{field}'" for field in fields]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def validate_quote(path, label, entry):
    """Rules that tie a quote's fields together."""
    if entry["attribution"] == "inferred" and not entry.get("attribution_note"):
        raise BuildError(f"{path}: {label}: an inferred attribution needs an attribution_note saying why")
    if entry["attribution"] == "explicit" and not entry.get("verb"):
        raise BuildError(f"{path}: {label}: an explicit attribution needs the reporting verb")
    if entry.get("reported_by") and entry.get("reported_by") == entry.get("speaker"):
        raise BuildError(f"{path}: {label}: field 'reported_by' is the speaker")
    if bool(entry.get("reported_by")) != bool(entry.get("reported_by_basis")):
        raise BuildError(f"{path}: {label}: fields 'reported_by' and 'reported_by_basis' go together")
    if entry.get("continues") is not None and entry.get("continues") == entry.get("id"):
        raise BuildError(f"{path}: {label}: field 'continues' names the quote itself")
    source = entry.get("unnamed_source")
    if source is not None and not is_phrase(source):
        raise BuildError(f"{path}: {label}: field 'unnamed_source' must be one line without surrounding spaces")


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
    for key in sorted(ids["people"] & ids["organizations"]):
        raise BuildError(f"{path}: id '{key}' is both a person and an organization (/speakers/{key} must name one)")
    for (section, field), target in REFERENCES.items():
        for index, entry in enumerate(facts.get(section) or []):
            value = entry.get(field)
            if value is not None and value not in ids[target]:
                raise BuildError(
                    f"{path}: {entry_label(section, index, entry)}: field '{field}' names "
                    f"unknown {target} id '{value}'"
                )
