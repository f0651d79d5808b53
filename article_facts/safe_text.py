"""Characters the archive refuses, in article.txt and in every text of facts.yml.

Allowed: any Unicode text that can be stored as UTF-8, with tab and line feed as the only
control characters. Refused, each with the line or field named: other C0 controls (NUL,
U+0002/U+0003 which search snippets use as match markers, ...), carriage returns (an old-Mac
or Windows file would otherwise become one paragraph or keep a stray \\r in every paragraph),
DEL and the C1 controls (U+007F-U+009F, usually a wrongly decoded file), and lone surrogates
(a YAML "\\ud800" escape; SQLite and UTF-8 cannot hold them).
"""
import re
import unicodedata

from .errors import BuildError
from .schema import entry_label, place

ALLOWED_CONTROLS = "\n\t"
# Cc except tab and line feed, and the surrogate range.
REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def describe(char):
    """U+0000 (NUL) style name of a refused character."""
    code = f"U+{ord(char):04X}"
    names = {"\x00": "NUL", "\r": "carriage return", "\x1b": "escape", "\x7f": "DEL"}
    if "\ud800" <= char <= "\udfff":
        return f"{code} (a lone surrogate, not valid Unicode text)"
    name = names.get(char) or unicodedata.name(char, "")
    return f"{code} ({name})" if name else f"{code} (a control character)"


def check_article_text(path, text):
    """article.txt holds only storable text: no control characters but tab and line feed."""
    match = REFUSED.search(text)
    if not match:
        return
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    if match.group() == "\r":
        raise BuildError(
            "carriage_return", f"line {line}: carriage return (\\r) at column {column}: paragraphs must end "
            "with a line feed only; convert the file (dos2unix or mac2unix) and rebuild", file=path)
    raise BuildError("control_character",
                     f"line {line}, column {column}: character {describe(match.group())} is not allowed in article text",
                     file=path)


def check_yaml_text(path, facts):
    """Every key and text value in facts.yml holds only storable text (see module doc)."""
    for where, value, at, field in yaml_strings(facts):
        match = REFUSED.search(value)
        if match:
            hint = " (write a line break as a new line, not \\r)" if match.group() == "\r" else ""
            raise BuildError("control_character", f"{where}: character {describe(match.group())} is not allowed{hint}",
                             file=path, label=False, field=field, **at)


def yaml_strings(facts):
    """(label, text, entry's error attributes, field) for every key and string of a parsed
    facts.yml, labelled the way the other errors name entries: "quotes[2] (q3): field 'text'",
    "people[0] (x): field 'names' item 2"."""
    if not isinstance(facts, dict):
        return
    for section, content in facts.items():
        yield from key_strings("section name", section, {}, None)
        at = {"section": str(section)}
        if isinstance(content, list):
            for index, entry in enumerate(content):
                if isinstance(entry, dict):
                    entry_at = place(str(section), index, entry)
                    label = entry_label(str(section), index, entry)
                    for field, value in entry.items():
                        yield from key_strings(f"{label}: field name", field, entry_at, None)
                        yield from value_strings(f"{label}: field '{field}'", value, entry_at, field)
                else:
                    yield from value_strings(f"{section} item {index + 1}", entry, at, None)
        elif isinstance(content, dict):
            for field, value in content.items():
                yield from key_strings(f"{section}: field name", field, at, None)
                yield from value_strings(f"{section}: field '{field}'", value, at, field)
        else:
            yield from value_strings(str(section), content, at, None)


def key_strings(label, key, at, field):
    if isinstance(key, str):
        yield label, key, at, field


def value_strings(label, value, at, field):
    if isinstance(value, str):
        yield label, value, at, field
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from key_strings(f"{label}: key", key, at, field)
            yield from value_strings(f"{label}: '{key}'", item, at, field)
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        for index, item in enumerate(items):
            yield from value_strings(f"{label} item {index + 1}", item, at, field)
