"""The reviewer's actions, each a pure function: facts.yml's text and the form's fields in,
the new text and a one-line summary out (facts_file.Edit keeps every other line as written).

Entries are named by section and index, with the words or id the page showed (`ident`): a
form from a page older than the file is refused rather than applied to another entry.
"""
from ..contract import SECTIONS
from ..errors import BuildError
from ..extract.entities import slugify  # new people get ids as the drafter makes them
from ..review_entries import REVIEWED, entries, is_draft
from ..schema import SLUG_RE
from .facts_file import Edit

SOURCE_FIELDS = ("speaker", "speaker_organization", "unnamed_source")
LOCATED = {name: section.located for name, section in SECTIONS.items() if section.located}


def ident(section, entry):
    """What names an entry on the page and in its forms: its id, else its located words."""
    if section == "article":
        return "article"
    if entry.get("id") is not None:
        return str(entry["id"])
    return str(entry.get(LOCATED.get(section)) or entry.get("person") or "")


def refused(path, text, section=None, index=None, field=None):
    return BuildError("refused", text, file=path, section=section, entry=index, field=field)


def target(edit, form):
    """(section, index) of the entry the form names, checked against its ident."""
    section = form.get("section", "")
    if section not in REVIEWED:
        raise refused(edit.path, f"no such section: {section[:40]!r}")
    index = None
    if section != "article":
        try:
            index = int(form.get("index", ""))
        except ValueError:
            raise refused(edit.path, "no entry index given", section)
    entry = edit.entry(section, index)
    if ident(section, entry) != form.get("ident", ""):
        raise refused(edit.path, "the file changed since the page was loaded: reload it", section, index)
    return section, index, entry


def accept(edit, form):
    section, index, entry = target(edit, form)
    if not is_draft(entry):
        raise refused(edit.path, "is not a draft", section, index)
    edit.set_fields(section, index, {"review": "checked"})
    return f"accepted {describe(section, index, entry)}"


def reject(edit, form):
    section, index, entry = target(edit, form)
    if section == "article":
        raise refused(edit.path, "the article itself cannot be rejected: remove its folder", section)
    edit.remove_entry(section, index)
    return f"rejected {describe(section, index, entry)}"


def accept_rest(edit, form):
    count = 0
    for section, index, entry in list(entries(edit.data)):
        if is_draft(entry):
            edit.set_fields(section, index, {"review": "checked"})
            count += 1
    if not count:
        raise refused(edit.path, "no drafts left to accept")
    return f"accepted the {count} remaining draft {'entry' if count == 1 else 'entries'}"


def change_speaker(edit, form):
    """speaker: "person:<id>", "organization:<id>" or "unnamed:<words>"; or new_person: a name
    (the article's person of that name, or a new person added to `people`)."""
    section, index, entry = target(edit, form)
    if section != "quotes":
        raise refused(edit.path, "only a quote has a speaker", section, index)
    kind, _, value = form.get("speaker", "").partition(":")
    name = " ".join(form.get("new_person", "").split())
    if name:  # a typed name wins over the list
        kind, value = "person", person_id(edit, name)
    field = {"person": "speaker", "organization": "speaker_organization", "unnamed": "unnamed_source"}.get(kind)
    if field is None or not value:
        raise refused(edit.path, "pick a speaker", section, index, "speaker")
    fields = {name: (value if name == field else None) for name in SOURCE_FIELDS}
    if entry.get("attribution") == "inferred":  # the extractor's reason named the speaker it inferred
        was = next((f"{name} {entry[name]}" for name in SOURCE_FIELDS if entry.get(name)), "no source")
        fields["attribution_note"] = f"Speaker chosen by a reviewer (the draft had inferred {was})."
    edit.set_fields(section, index, fields)
    return f"{describe(section, index, entry)}: speaker is now {value}"


def person_id(edit, name):
    """The id of the article's person with this name, or of a new person added to `people`."""
    for person in edit.data.get("people") or []:
        if person.get("name") == name:
            return str(person["id"])
    key = slugify(name)
    if not key or not SLUG_RE.match(key):
        raise refused(edit.path, f"cannot make an id from the name {name[:40]!r}", "people")
    if any(person.get("id") == key for person in edit.data.get("people") or []):
        raise refused(edit.path, f"id '{key}' is another person's here: pick them, or give the full name", "people")
    edit.append_entry("people", {"id": key, "name": name, "names": [name]})
    return key


def fix_words(edit, form, body=None):
    """The located words become the selection. With the selection's offset in the article
    (`start`), `occurrence` says which of several equal passages it is."""
    section, index, entry = target(edit, form)
    field = LOCATED.get(section)
    if field is None:
        raise refused(edit.path, "has no words in the text", section, index)
    words = form.get("words", "")
    if not words.strip():
        raise refused(edit.path, "select the words first", section, index, field)
    if "\n" in words or "\r" in words:
        raise refused(edit.path, "the words must stay inside one paragraph", section, index, field)
    occurrence = None
    start = form.get("start", "")
    if body is not None and start.isascii() and start.isdigit() and len(start) <= 9 \
            and body[int(start):int(start) + len(words)] == words:
        before = occurrences(body, words, int(start))
        if body.count(words) > 1:
            occurrence = before + 1
    edit.set_fields(section, index, {field: words, "occurrence": occurrence})
    return f"{describe(section, index, entry)}: words are now {words[:60]!r}"


def occurrences(body, words, end):
    """How many times words occur starting before end (the build counts overlapping ones)."""
    count, at = 0, body.find(words)
    while 0 <= at < end:
        count += 1
        at = body.find(words, at + 1)
    return count


def edit_title(edit, form, body=None):
    """A role's title, or the article's headline (the draft often asks for one): `article`
    as its source when the text holds it, else `editorial` (we wrote it)."""
    section, index, entry = target(edit, form)
    if section not in ("roles", "article"):
        raise refused(edit.path, "only a role has a title, and only the article a headline", section, index)
    field = "headline" if section == "article" else "title"
    title = " ".join(form.get("title", "").split())
    if not title:
        raise refused(edit.path, f"the {field} cannot be empty", section, index, field)
    fields = {field: title}
    if section == "article":
        fields["headline_source"] = "article" if body is not None and title in body else "editorial"
    edit.set_fields(section, index, fields)
    return f"{describe(section, index, entry)}: {field} is now {title!r}"


def describe(section, index, entry):
    return section if index is None else f"{section} {ident(section, entry)[:40]}"


ACTIONS = {"accept": accept, "reject": reject, "accept-rest": accept_rest, "speaker": change_speaker,
           "words": fix_words, "title": edit_title}


def apply(text, path, form, body):
    """(new facts.yml text, summary) for one action, or a BuildError."""
    action = ACTIONS.get(form.get("action", ""))
    if action is None:
        raise refused(path, f"no such action: {form.get('action', '')[:40]!r}")
    edit = Edit(text, path)
    summary = action(edit, form, body) if action in (fix_words, edit_title) else action(edit, form)
    return edit.result(), summary
