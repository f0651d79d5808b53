"""A machine draft of facts.yml for a new article, in the format the build reads.

The draft reuses the archive (its people, organizations and countries, from the archive index
beside the seeds, which re-reads only the folders that changed): a person, organization or
country already there keeps its id and fields, so new quotes land on the same speaker page. A
person is matched by full name only (identity.same_person), never by a surname alone; a person
row is made only for a person's name, cut clean (people.py), and a surname two people of the
article share is given to neither. Every
drafted entry carries `review: draft`. The draft is checked with the build's own code before
it is returned: an entry the build would reject is dropped and listed in the file's header
comment, so the build always accepts the draft unedited.
"""
import bisect
import itertools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..archive_index import open_index
from .archived_words import note_other_speakers
from ..contract import FACTS_ORDER, SECTIONS, SHARED
from ..errors import BuildError
from ..reading import read_article
from ..safe_text import check_article_text
from ..schema import MAX_SLUG_LENGTH, REFERENCES, SLUG_RE, valid_date
from ..text import find_mentions, split_paragraphs
from . import entities
from .entities import occurs, slugify
from .identity import fold, is_full, parts, same_person, short_for
from .mentions import is_title_word
from .people import clean_name, full_names_ending, one_word_person, refusal, role_title, shared_by

ORGANIZATION_WORD = "(an organization's word)"  # mentions.non_person_reason, as people.refusal words it
SECTION_ORDER = FACTS_ORDER
MAX_REPAIRS = 400


class ExtractError(Exception):
    """A one-line reason the draft cannot be made (bad input file)."""


# --- input ---------------------------------------------------------------------------------


def read_text(path):
    """The article as the build will read it (reading.read_article: a regular file, strict
    UTF-8, not empty, storable text), or an ExtractError with the build's one-line reason."""
    path = Path(path)
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder, not an article text file")
    try:
        return read_article(path)
    except BuildError as e:
        raise ExtractError(str(e))


def refuse_unstorable(where, text):
    """The build refuses control characters but tab and line feed (\\r line endings too):
    say so in one line rather than draft facts for an article that cannot be added."""
    try:
        check_article_text(where, text)
    except BuildError as e:
        raise ExtractError(str(e))


def open_archive(seeds_dir):
    """The archive index of seeds_dir (archive_index: kept up to date by every add, re-reading
    only the folders that changed), or an empty one when there is no seeds folder."""
    return open_index(Path(seeds_dir) if seeds_dir else None)


def load_archive(seeds_dir):
    """Every person, organization and country of the archive in seeds_dir, by id, with the
    name forms of all its articles, and what a build of the archive would reject ("problems":
    a folder that fails its check is left out of the entities). From the index, not from
    parsing every facts.yml."""
    index = open_archive(seeds_dir)
    try:
        archive = index.entities()
        archive["problems"] = index.problems()
    finally:
        index.close()
    return archive


def archive_for(index, text):
    """The archive as the drafter of this text needs it: every country, the people and
    organizations whose names the text can contain (ArchiveIndex.entities), any the drafter
    asks for by a name the text does not spell out ("named"), and every id to avoid ("known_id").
    The matching in Entities is the same as with the whole archive; only its input is smaller."""
    archive = index.entities(text)

    def named(section, name):
        for entry in index.named(section, name):
            archive[section].setdefault(entry["id"], entry)

    archive.update(named=named, known_id=index.has_speaker_id, problems=index.problems())
    return archive


# --- the draft -----------------------------------------------------------------------------


class Entities:
    """People, organizations and countries of the draft, each with the name forms that occur."""

    def __init__(self, text, archive):
        self.text = text
        self.archive = archive
        self.items = {"people": {}, "organizations": {}, "countries": {}}
        self.taken = set(archive["people"]) | set(archive["organizations"])
        self.known_id = archive.get("known_id", lambda key: False)  # ids beyond those loaded

    def new_id(self, name, section):
        base = slugify(name) or ("person" if section == "people" else "organization")
        candidate, n = base, 2
        while (candidate in self.taken or self.known_id(candidate) or candidate in self.items["people"]
               or candidate in self.items["organizations"]):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def from_archive(self, section, key, forms, note=None):
        known = self.archive[section][key]
        item = self.items[section].get(key)
        if item is None:
            fields = {k: v for k, v in known.items() if k not in ("names", "review", "review_note")}
            archive_forms = [f for f in known["names"] if occurs(f, self.text)]
            item = self.items[section][key] = {"fields": fields, "forms": archive_forms,
                                               "archive": True, "notes": []}
        add_forms(item, forms, self.text)
        if note and note not in item["notes"]:
            item["notes"].append(note)
        return key

    def match_archive(self, section, name, forms):
        """The archive id for these forms, and a note. People: the one archive person with a
        full name that is the same person (identity.same_person: "Donald J. Trump" is
        "Donald Trump", "Donald Trump Jr." and "Melania Trump" are not); never by a one-word
        form; two archive people that fit are not guessed between. Organizations and
        countries: a shared name or form of two words or more; a one-word form only when one
        archive entry has it (with a note)."""
        candidates = [name] + list(forms)
        if section == "people":
            keys = sorted({key for form in candidates if form and is_full(form)
                           for key, written in self.people_index().get(parts(form)[0] + (parts(form)[2],), [])
                           if same_person(form, written)})
            if len(keys) == 1:
                return keys[0], None
            if keys:
                names = " or ".join(self.archive[section][k]["name"] for k in keys)
                return None, f"may be the archive's {names}: not matched"
            return None, None
        for key, known in sorted(self.archive[section].items()):
            if name == known.get("name") or any(f in known["names"] for f in candidates if " " in f):
                return key, None
        single = [f for f in candidates if f and " " not in f]
        for form in single:
            keys = [k for k, known in sorted(self.archive[section].items()) if form in known["names"]]
            if len(keys) == 1:
                return keys[0], f"matched to the archive's {self.archive[section][keys[0]]['name']} by '{form}' alone"
        return None, None

    def people_index(self):
        """Archive people by the words of each full name (identity.parts, initials aside):
        (id, name as written) pairs, made once."""
        if getattr(self, "_people_index", None) is None:
            index = {}
            for key, known in sorted(self.archive["people"].items()):
                for written in [known.get("name")] + list(known["names"]):
                    if isinstance(written, str) and is_full(written):
                        words, _, suffix = parts(written)
                        index.setdefault(words + (suffix,), []).append((key, written))
            self._people_index = index
        return self._people_index

    def person(self, name, forms, note=None):
        """(id, None) for the person row this name makes, or (None, why not): the name cut
        clean (people.clean_name), refused when it names no person (people.refusal), and
        only the forms that can stand for it."""
        name = clean_name(name or "")
        why = refusal(name, self.text)
        if why:
            return None, why
        kept = [name]
        for form in forms:
            form = clean_name(form)
            if form and form not in kept and (short_for(form, name) or same_person(form, name)):
                kept.append(form)
        return self.add("people", name, kept, note=note), None

    def add(self, section, name, forms, fields=None, note=None, key=None):
        """The id of the entity with this name, reusing the archive's or the draft's."""
        forms = [f for f in forms if f and occurs(f, self.text)]
        if "named" in self.archive and name:
            self.archive["named"](section, name)
        known, match_note = self.match_archive(section, name, forms)
        if known:
            return self.from_archive(section, known, forms, match_note or note)
        note = "; ".join(n for n in (note, match_note) if n) or None
        for existing, item in self.items[section].items():
            if section == "people":
                same = same_person(item["fields"]["name"], name) or item["fields"]["name"] == name
            else:
                same = item["fields"]["name"] == name or set(forms) & set(item["forms"])
            if same:
                add_forms(item, forms, self.text)
                return existing
        key = key or self.new_id(name, section)
        self.items[section][key] = {"fields": {"id": key, "name": name, **(fields or {})},
                                    "forms": [], "archive": False, "notes": [note] if note else []}
        add_forms(self.items[section][key], forms, self.text)
        self.taken.add(key)
        return key

    def settle_people(self):
        """One row per person of this article: full names that are one person joined; a
        one-word name joined to the one full name of the text it can stand for, refused when
        two people fit ("Clinton" beside Bill and Hillary Clinton) or when it has neither a
        full name nor a title in the text ("Politifact"). Returns {old id: new id or None}
        and {old id: why it was refused}."""
        items = self.items["people"]
        redirect, refused = {}, {}
        keys = list(items)
        for n, a in enumerate(keys):
            for b in keys[n + 1:]:
                if a in items and b in items and same_person(items[a]["fields"]["name"], items[b]["fields"]["name"]):
                    keep, gone = (b, a) if items[b]["archive"] and not items[a]["archive"] else (a, b)
                    add_forms(items[keep], items[gone]["forms"], self.text)
                    items[keep]["notes"] += [n for n in items[gone]["notes"] if n not in items[keep]["notes"]]
                    del items[gone]
                    redirect[gone] = keep
        for key in list(items):
            name = items[key]["fields"]["name"]
            if is_full(name):
                continue
            drafted = [k for k, item in items.items() if k != key and is_full(item["fields"]["name"])
                       and short_for(name, item["fields"]["name"])]
            written = sorted(f for f in full_names_ending(self.text, name) if refusal(f, self.text) is None)
            people = [items[k]["fields"]["name"] for k in drafted]
            for full in written:
                if not any(same_person(full, p) for p in people):
                    people.append(full)
            item = items.pop(key)
            if len(people) > 1:
                redirect[key], refused[key] = None, f"'{name}' may be {' or '.join(people)}"
            elif drafted:
                add_forms(items[drafted[0]], item["forms"], self.text)
                redirect[key] = drafted[0]
            elif people:
                redirect[key] = self.add("people", people[0], [people[0]] + item["forms"])
            else:
                ok, why = one_word_person(name, self.text)
                surname_of = sorted({self.archive["people"][k]["name"] for words, pairs in self.people_index().items()
                                     for k, _ in pairs if words[-2:-1] == (fold(name),)})
                if ok is None and surname_of:
                    ok, why = True, f"named by '{name}' alone, without a first name or a title"
                if ok:
                    item["notes"].append(why)
                    if surname_of:
                        item["notes"].append(f"may be the archive's {' or '.join(surname_of)}: not matched by one word")
                    items[key] = item
                else:
                    redirect[key], refused[key] = None, why
        for key, target in list(redirect.items()):
            while target in redirect:
                target = redirect[target]
            redirect[key] = target
        return redirect, refused

    def withhold_shared_forms(self):
        """A one-word form two people of the text share is given to neither: the build would
        make every "Clinton" a mention of one of them."""
        items = self.items["people"]
        for key, item in items.items():
            name = item["fields"]["name"]
            for form in list(item["forms"]):
                if is_full(form):
                    continue
                others = shared_by(self.text, form, name) + [
                    other["fields"]["name"] for k, other in items.items()
                    if k != key and short_for(form, other["fields"]["name"])]
                if others:
                    item["forms"].remove(form)
                    item["notes"].append(f"'{form}' left out of the names: it may also be {' or '.join(sorted(set(others)))}")

    def add_archive_mentions(self):
        """Archive entities the new text names (by a form with two words or more, or an
        acronym) come in too, so their mentions link across articles."""
        for section in ("people", "organizations", "countries"):
            for key, known in sorted(self.archive[section].items()):
                if key in self.items[section]:
                    continue
                strong = [f for f in known["names"] if occurs(f, self.text)
                          and (" " in f or f.isupper() or section == "countries")]
                if strong:
                    self.from_archive(section, key, strong)


    def add_referenced_countries(self):
        """A reused person or organization keeps its country, so that country comes too
        (without names when the text never names it)."""
        for section in ("people", "organizations"):
            for item in list(self.items[section].values()):
                code = item["fields"].get("country")
                if not code or code in self.items["countries"]:
                    continue
                if code in self.archive["countries"]:
                    self.from_archive("countries", code, [])
                else:
                    table = entities.country_table()
                    name = table[code][0] if code in table else code
                    self.items["countries"][code] = {"fields": {"id": code, "name": name}, "forms": [],
                                                     "archive": False, "notes": []}


def add_forms(item, forms, text):
    for form in forms:
        if form and form not in item["forms"] and occurs(form, text):
            item["forms"].append(form)


def occurrence(text, needle, start):
    """1-based index of the occurrence of needle that starts at start."""
    count, position = 0, text.find(needle)
    while position != -1 and position < start:
        count += 1
        position = text.find(needle, position + 1)
    return count + 1


def located(entry, field, text, start, end):
    """Set entry[field] to text[start:end] and `occurrence` when the words repeat."""
    words = text[start:end]
    entry[field] = words
    if text.count(words) > 1 or text.find(words) != start:
        entry["occurrence"] = occurrence(text, words, start)
    return entry


def paragraph_bounds(text, position):
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end == -1 else end


def article_section(text):
    """Headline (the first line, as written), dateline, language: all from the text."""
    first = next(line for line in text.split("\n") if line.strip()).strip()
    notes = []
    if len(first) <= 150 and not first.endswith((".", "”", '"')):
        headline, source = first, "article"
        notes.append("headline is the text's first line")
    else:  # a stand-in the text does not give as a headline: ours, so 'editorial'
        cut = first[:120]
        headline = cut.rsplit(" ", 1)[0] if len(first) > 120 and " " in cut else cut
        source = "editorial"
        notes.append("the text has no headline line: this is the start of its first paragraph; write one")
    dateline = None
    lines = [line.strip() for line in text.split("\n") if line.strip()][:2]
    for line in lines:
        match = re.match(r"^([A-ZÀ-Þ][\w .,’'()/-]{1,60}?)\s+[—–]\s", line)
        if match:
            dateline = match.group(1).strip()
            break
    language = guess_language(text)
    if language == "und":
        notes.append("language not recognised")
    published = dateline_date(dateline)
    section = {"headline": headline, "headline_source": source, "dateline": dateline,
               "language": language, "published": published}
    if published:
        section["published_note"] = "From the dateline."
    return {**section, "review": "draft",
            "review_note": "; ".join(notes + ([] if published else ["no publication date recorded"]))}


MONTHS = {name: number for number, names in enumerate((
    ("january", "jan", "enero"), ("february", "feb", "febrero"), ("march", "mar", "marzo"),
    ("april", "apr", "abril"), ("may", "mayo"), ("june", "jun", "junio"), ("july", "jul", "julio"),
    ("august", "aug", "agosto"), ("september", "sep", "sept", "septiembre", "setiembre"),
    ("october", "oct", "octubre"), ("november", "nov", "noviembre"), ("december", "dec", "diciembre"),
), 1) for name in names}
DATELINE_DATES = (  # (pattern, the groups' order: year, month, day)
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd"),
    (re.compile(r"\b([A-Za-z]+)\.? (\d{1,2}),? (\d{4})\b"), "mdy"),  # March 3, 2024
    (re.compile(r"\b(\d{1,2})(?: de)? ([A-Za-z]+)\.?(?: de)? (\d{4})\b"), "dmy"),  # 3 March 2024, 3 de marzo de 2024
)


def dateline_date(dateline):
    """The calendar date a dateline carries ("WASHINGTON, March 3, 2024"), as YYYY-MM-DD, or
    None: a date without its year (or that does not exist) sets nothing."""
    for pattern, order in DATELINE_DATES:
        for match in pattern.finditer(dateline or ""):
            parts = dict(zip(order, match.groups()))
            month = parts["m"] if parts["m"].isdigit() else MONTHS.get(parts["m"].lower())
            if month is None:
                continue
            value = f"{parts['y']}-{int(month):02d}-{int(parts['d']):02d}"
            if valid_date(value):
                return value
    return None


GIVEN = "given to build_db.py add"


def with_given(section, text, given, origins=None):
    """The drafted article section with fields given from outside the text (options, a web
    page's metadata): a given headline is the article's own where the text has it, else
    'editorial'; a given date replaces the dateline's. origins: field -> where it came from
    (default: given to build_db.py add), for the notes."""
    section = dict(section)
    origins = origins or {}
    given = {name: value for name, value in (given or {}).items() if value}
    notes = [note for note in (section.get("review_note") or "").split("; ") if note]
    if "headline" in given:
        section["headline"] = given["headline"]
        section["headline_source"] = "article" if given["headline"] in text else "editorial"
        notes = [note for note in notes if not note.startswith(("headline is", "the text has no headline"))]
        notes.append(f"headline {origins.get('headline', GIVEN)}" + ("" if given["headline"] in text else " (not in the text)"))
    if "published" in given:
        section["published"] = given["published"]
        section["published_note"] = f"Publication date {origins.get('published', GIVEN)}."
        notes = [note for note in notes if note != "no publication date recorded"]
    review = {key: section.pop(key) for key in ("review", "review_note") if key in section}
    for name in ("url", "outlet", "author"):
        if name in given:
            section[name] = given[name]
    review["review_note"] = "; ".join(notes) or None
    return {**section, **{key: value for key, value in review.items() if value is not None}}


STOPWORDS = {
    "en": {"the", "and", "of", "to", "said", "that", "is", "in", "was", "for", "with", "he", "she"},
    "es": {"el", "la", "de", "que", "y", "los", "las", "en", "del", "por", "dijo", "una", "con"},
    "fr": {"le", "la", "les", "de", "des", "et", "est", "que", "du", "une", "dans", "pour", "a"},
    "pt": {"o", "a", "de", "que", "e", "do", "da", "em", "os", "as", "um", "uma", "disse", "não"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "sie", "er", "zu", "den", "mit", "sagte"},
}


def guess_language(text):
    """The language whose common words are most frequent, or "und" (undetermined)."""
    words = re.findall(r"\w+", text.lower()[:20000])
    if not words:
        return "und"
    scores = {lang: sum(w in common for w in words) for lang, common in STOPWORDS.items()}
    best = max(sorted(scores), key=scores.get)
    return best if scores[best] >= max(3, len(words) // 20) else "und"


def speaker_forms(attribution, text):
    """The speaker's names as they occur; a person's one-word form must be a later word of the
    full name (a surname), never its first ("El" of "El Gobierno")."""
    forms = list(attribution.speaker_forms or [])
    if attribution.speaker_name and attribution.speaker_name not in forms:
        forms.insert(0, attribution.speaker_name)
    words = (attribution.speaker_name or "").split()
    if attribution.speaker_type == "person" and len(words) > 1:
        forms = [f for f in forms if " " in f or f in words[1:]]
    return [f for f in forms if f and f[:1].isupper() and occurs(f, text)]


def draft_facts(text, slug, archive, attributions):
    """The facts dict for text (as facts.yml holds it) and a list of notes for the header."""
    header = []
    ents = Entities(text, archive)
    for country in entities.find_countries(text):
        if country["id"] in archive["countries"]:
            ents.from_archive("countries", country["id"], country["forms"], country["note"])
        else:
            ents.add("countries", country["name"], country["forms"], note=country["note"], key=country["id"])
    country_forms = {form: key for key, item in ents.items["countries"].items() for form in item["forms"]}

    def country_in(phrase):
        for form in sorted(country_forms, key=len, reverse=True):
            if occurs(form, phrase):
                return country_forms[form]
        return None

    for org in merge_short_names(entities.find_organizations(text), country_forms):
        fields = {"acronym": org["acronym"], "country": country_in(org["name"]), "kind": org["kind"]}
        ents.add("organizations", org["name"], org["forms"], fields={k: v for k, v in fields.items() if v})

    org_forms = {f for item in ents.items["organizations"].values() for f in item["forms"]}
    titled = entities.find_titled_people(text, is_title_word, avoid=set(country_forms) | org_forms)
    titled_names = {person["name"] for person in titled}

    speakers = {}
    refused = {}
    dropped_quotes = []
    attributions = sorted(attributions, key=lambda a: (a.start, a.end))
    for a in attributions:
        forms = speaker_forms(a, text)
        name = a.speaker_name
        short_name = next((t for t in sorted(titled_names, key=len, reverse=True)
                           if name and (name.endswith(" " + t) or t.endswith(" " + name))), None)
        if a.speaker_type == "person" and short_name:
            # The name the title introduces: "Mexican Foreign Minister Ana Lucía Ortega" is
            # not all name, and "Lucía Ortega" is not all of it
            forms = [short_name] + [f for f in forms if f != name and (f in short_name.split() or " " in f)]
            name = short_name
        if a.speaker_type == "person" and name and forms:
            key, why = ents.person(name, forms)
            if key:
                speakers[id(a)] = ("speaker", key)
            elif ORGANIZATION_WORD in why and occurs(name, text):
                # "Harbor Weekly said": an organization the speaker rules took for a person
                org_forms = [f for f in forms if f == name or f.isupper()]
                speakers[id(a)] = ("speaker_organization", ents.add("organizations", name, org_forms or [name]))
            else:
                refused[id(a)] = why
                dropped_quotes.append(a)
        elif a.speaker_type == "organization" and a.speaker_name and forms:
            name = forms[0] if not a.speaker_name[:1].isupper() else a.speaker_name
            name = re.sub(r"^[Tt]he ", "", name)
            forms = [re.sub(r"^[Tt]he ", "", f) for f in forms]
            fields = {"country": country_in(name)} if country_in(name) else {}
            speakers[id(a)] = ("speaker_organization", ents.add("organizations", name, forms, fields=fields))
        elif a.speaker_type == "unnamed" and unnamed_source_ok(a, text):
            # a source the text does not name: its description, as written in the paragraph
            speakers[id(a)] = ("unnamed_source", a.speaker_name)
        else:
            dropped_quotes.append(a)
    kept_titled = []
    for person in titled:
        person["id"], _ = ents.person(person["name"], [person["name"]])
        if person["id"]:
            kept_titled.append(person)
    titled = kept_titled
    redirect, why_not = ents.settle_people()
    for a_id, (field, key) in list(speakers.items()):
        if field == "speaker" and key in redirect:
            if redirect[key] is None:
                del speakers[a_id]
                refused[a_id] = why_not[key]
                dropped_quotes.append(next(a for a in attributions if id(a) == a_id))
            else:
                speakers[a_id] = (field, redirect[key])
    titled = [dict(p, id=redirect.get(p["id"], p["id"])) for p in titled if redirect.get(p["id"], p["id"])]
    ents.add_archive_mentions()
    ents.withhold_shared_forms()
    ents.add_referenced_countries()
    for a in sorted(dropped_quotes, key=lambda a: (a.start, a.end)):
        words = text[a.start:a.end]
        if id(a) in refused:
            header.append(f"not drafted: {'an' if a.kind == 'indirect' else 'a'} {a.kind} quote whose speaker "
                          f"{refused[id(a)]}: {short(words)!r}")
            continue
        header.append(f"not drafted: {'an' if a.kind == 'indirect' else 'a'} {a.kind} quote with no named speaker: {short(words)!r}"
                      + (f" ({a.note})" if a.note else ""))

    # Each entity needs at least one form in the text (the build checks names); a form
    # belongs to one entity only, people first, then organizations, then countries.
    claimed = {}
    for section in ("people", "organizations", "countries"):
        for key, item in ents.items[section].items():
            kept = []
            for form in item["forms"]:
                owner = claimed.get(form)
                if owner and owner != (section, key):
                    item["notes"].append(f"'{form}' left out: it also names {owner[1]}")
                    continue
                claimed[form] = (section, key)
                kept.append(form)
            item["forms"] = kept

    quotes, keys, counters = [], {}, {"q": 0, "r": 0}
    by_start = {}  # a drafted quote's start -> (key, field, speaker): the parts a split quote continues
    for a in attributions:
        if id(a) not in speakers:
            continue
        prefix = "r" if a.kind == "indirect" else "q"
        counters[prefix] += 1
        key = f"{prefix}{counters[prefix]}"
        field, speaker = speakers[id(a)]
        entry = {"id": key, field: speaker, "kind": a.kind}
        if a.continues is not None:
            first = by_start.get(a.continues)
            if first and first[1:] == (field, speaker):
                entry["continues"] = first[0]
            else:
                header.append(f"quote {key} not linked to the part it continues: "
                              + ("that part has another source" if first else "that part was not drafted"))
        by_start[a.start] = (key, field, speaker)
        para_start, para_end = paragraph_bounds(text, a.start)
        verb_ok = a.verb and occurs(a.verb, text[para_start:para_end])
        if a.explicit and verb_ok:
            entry.update(verb=a.verb, attribution="explicit")
            note = a.note
        else:
            entry.update(verb=a.verb if verb_ok else None, attribution="inferred",
                         attribution_note=a.note or "no reporting verb governs these words; the speaker is the one the text continues from")
            note = None if a.note else "speaker inferred"
        located(entry, "text", text, a.start, a.end)
        entry["review"] = "draft"
        if note:
            entry["review_note"] = one_line(note)
        quotes.append(entry)
        keys[id(a)] = (key, a, field, speaker)

    roles, seen_roles = [], set()
    for a_id, (key, a, field, speaker) in sorted(keys.items(), key=lambda kv: kv[1][1].start):
        if field != "speaker" or not role_title(a.speaker_title) or not a.title_evidence:
            continue
        start, end = a.title_evidence
        evidence = text[start:end]
        person = ents.items["people"][speaker]
        if a.speaker_title not in evidence or not any(f in evidence for f in person["forms"]):
            continue
        if (speaker, a.speaker_title) in seen_roles:
            continue
        seen_roles.add((speaker, a.speaker_title))
        role = {"person": speaker, "title": a.speaker_title}
        org = org_named_in(ents, evidence)
        if org:
            role["organization"] = org
        role["basis"] = "stated"
        located(role, "evidence", text, start, end)
        role["review"] = "draft"
        if not org:
            role["review_note"] = "the text names no organization for this title here"
        roles.append(role)

    for person in titled:
        if not role_title(person["title"]):
            continue
        if any(r["person"] == person["id"] and person["title"] in r["title"] for r in roles):
            continue  # "Director" of "Harbor Director", already a role
        evidence = text[person["start"]:person["end"]]
        if not any(f in evidence for f in ents.items["people"][person["id"]]["forms"]):
            continue
        role = {"person": person["id"], "title": person["title"]}
        org = org_named_in(ents, evidence)
        if org:
            role["organization"] = org
        role["basis"] = "stated"
        located(role, "evidence", text, person["start"], person["end"])
        role["review"] = "draft"
        if not org:
            role["review_note"] = "the text names no organization for this title here"
        roles.append(role)

    quote_spans = [(a.start, a.end, key, field, speaker) for key, a, field, speaker in keys.values()]
    events = []
    for n, date in enumerate(entities.find_dates(text), start=1):
        start, end = date["evidence"]
        event = {"id": f"e{n}"}
        holder = next((q for q in quote_spans if q[0] <= date["start"] and date["end"] <= q[1]), None)
        if holder:
            start, end = max(start, holder[0]), min(end, holder[1])
        words = text[start:end]
        event["title"] = words
        event["date_as_written"] = date["as_written"]
        event["date"] = date["date"]
        if holder:
            event["quote"] = holder[2]
        located(event, "evidence", text, start, end)
        event["review"] = "draft"
        event["review_note"] = "title is the clause that gives the date: write a short title" + (
            f"; {date['note']}" if date["note"] else "")
        events.append(event)

    references = []
    for start, end, key, field, speaker in sorted(quote_spans):
        for ref in entities.find_legal_references(text, start, end):
            entry = {"id": f"l{len(references) + 1}", "instrument": ref["instrument"],
                     "provision": ref["provision"], "kind": ref["kind"]}
            if field != "unnamed_source":  # an unnamed source's reference has the quote alone
                entry["cited_by" if field == "speaker" else "cited_by_organization"] = speaker
            entry["quote"] = key
            located(entry, "evidence", text, ref["start"], ref["end"])
            entry["review"] = "draft"
            if ref["note"]:
                entry["review_note"] = ref["note"]
            references.append(entry)
    # References the article states in its own voice: in a sentence that holds no quote or
    # statement (drafted or not), with no citer and no quote.
    quoted = sorted((a.start, a.end) for a in attributions)
    quoted_starts = [q_start for q_start, _ in quoted]
    furthest = list(itertools.accumulate((q_end for _, q_end in quoted), max))  # by start: max end so far
    for start, end in sentences(text):
        before = bisect.bisect_left(quoted_starts, end)  # the quotes that start before the sentence ends
        if before and furthest[before - 1] > start:  # one of them ends inside it or after it
            continue
        for ref in entities.find_legal_references(text, start, end):
            entry = {"id": f"l{len(references) + 1}", "instrument": ref["instrument"],
                     "provision": ref["provision"], "kind": ref["kind"]}
            located(entry, "evidence", text, ref["start"], ref["end"])
            entry["review"] = "draft"
            entry["review_note"] = one_line("stated by the article in its own voice (no statement holds it)"
                                            + (f"; {ref['note']}" if ref["note"] else ""))
            references.append(entry)

    all_forms = [f for section in ents.items.values() for item in section.values() for f in item["forms"]]
    not_mentions = [p for p in entities.place_phrases(text, all_forms) if p not in all_forms]
    facts = {
        "article": article_section(text),
        "countries": entity_entries(ents, "countries"),
        "organizations": entity_entries(ents, "organizations"),
        "people": entity_entries(ents, "people"),
        "not_mentions": not_mentions,
        "roles": roles, "quotes": quotes, "events": events, "legal_references": references,
    }
    return facts, header


def unnamed_source_ok(a, text):
    """An unnamed source's description is drafted when the build will find it: one line, no
    surrounding space, a whole phrase of the quote's paragraph."""
    name = a.speaker_name
    if not name or name.strip() != name or "\n" in name:
        return False
    para_start, para_end = paragraph_bounds(text, a.start)
    return occurs(name, text[para_start:para_end])


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(A-ZÀ-ÖØ-Þ0-9])")


def sentences(text):
    """(start, end) of each sentence of each paragraph: a paragraph split after a full stop,
    question or exclamation mark followed by a space and a capital, a digit or a quotation mark."""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        piece = start
        for match in SENTENCE_END.finditer(text, start, end):
            yield piece, match.start()
            piece = match.end()
        if line.strip():
            yield piece, end
        start = end + 1


def merge_short_names(orgs, country_forms):
    """"Constitutional Court" (from "Peru's Constitutional Court") is a form of "Constitutional
    Court of Peru" when the rest of the longer name is a country the text names."""
    by_name = {org["name"]: org for org in orgs}
    kept = []
    for org in orgs:
        longer = [other for other in orgs if other["name"].startswith(org["name"] + " of ")
                  and other["name"][len(org["name"]) + 4:] in country_forms]
        if len(longer) == 1:
            by_name[longer[0]["name"]]["forms"].append(org["name"])
        else:
            kept.append(org)
    return kept


def org_named_in(ents, evidence):
    for key, item in ents.items["organizations"].items():
        if any(occurs(f, evidence) for f in item["forms"]):
            return key
    return None


def entity_entries(ents, section):
    entries = []
    for key, item in ents.items[section].items():
        fields = dict(item["fields"])
        entry = {"id": fields.pop("id"), "name": fields.pop("name")}
        for field in ("acronym", "country", "kind"):
            if fields.get(field) is not None:
                entry[field] = fields[field]
        for field, value in fields.items():
            if field not in entry and value is not None:
                entry[field] = value
        if item["forms"]:
            entry["names"] = sorted(item["forms"], key=lambda f: (-len(f), f))
        entry["review"] = "draft"
        notes = list(item["notes"])
        if notes:
            entry["review_note"] = one_line("; ".join(notes))
        entries.append(entry)
    return sorted(entries, key=lambda e: e["id"])


def one_line(text):
    return " ".join(str(text).split())


def short(text, size=60):
    text = one_line(text)
    return text if len(text) <= size else text[:size - 1] + "…"


# --- making it valid -----------------------------------------------------------------------


def uncross(facts, text, slug):
    """Drop name forms whose mentions would cross a quote (the build rejects that)."""
    notes = []
    for _ in range(100):
        names = [(form, section, entry["id"]) for section in SHARED
                 for entry in facts[section] for form in entry.get("names") or [entry["name"]]]
        paragraphs = split_paragraphs(slug, text)
        try:
            mentions = find_mentions(slug, text, paragraphs, names, facts["not_mentions"])
        except BuildError:
            return notes
        crossing = first_crossing(mentions, [quote_span(q, text) for q in facts["quotes"]])
        if crossing is None:
            return notes
        for section in SHARED:
            for entry in facts[section]:
                if crossing["text"] in (entry.get("names") or []):
                    entry["names"].remove(crossing["text"])
                    if not entry["names"]:
                        del entry["names"]
                    notes.append(f"name form '{crossing['text']}' of {entry['id']} left out: it crosses a quote's edge")
    return notes


def first_crossing(mentions, spans):
    """The first mention that a quote's start or end cuts in two (sorted search, so a long
    article with thousands of quotes stays fast)."""
    by_start = sorted(spans)
    by_end = sorted(spans, key=lambda s: s[1])
    starts = [s for s, _ in by_start]
    ends = [e for _, e in by_end]
    for m in mentions:
        a, b = m["start"], m["end"]
        for s, e in by_start[bisect.bisect_right(starts, a):bisect.bisect_left(starts, b)]:
            if e > b:
                return m
        for s, e in by_end[bisect.bisect_right(ends, a):bisect.bisect_left(ends, b)]:
            if s < a:
                return m
    return None


def quote_span(entry, text):
    n = entry.get("occurrence", 1)
    position = -1
    for _ in range(n):
        position = text.find(entry["text"], position + 1)
    return position, position + len(entry["text"])


# Errors about a name form: the form is left out of its entity (or the entity, with its only
# name, dropped; an overlap drops the entry instead).
NAME_CODES = {"name_shared", "name_not_in_text", "overlap"}


def repair(facts, error):
    """Change the draft so the build's complaint (a BuildError) goes away, reading the error's
    code, section, entry, field and name: drop the entry it names (and what depends on it),
    or the name form it names. Returns a note, or None if it cannot."""
    tail = error.in_file()
    if error.name is not None:
        holders = [(section, index, entry) for section in SHARED for index, entry in enumerate(facts[section])
                   if error.name in (entry.get("names") or [entry["name"]])]
        if holders and error.code in NAME_CODES:
            form = error.name
            for section, index, entry in holders:
                if len(entry.get("names") or []) > 1:
                    entry["names"].remove(form)
                    return f"name form '{form}' of {entry['id']} left out: {tail}"
            if error.code != "overlap":  # its only name: the entity goes (an overlap drops the quote)
                section, index, entry = holders[0]
                drop(facts, section, index)
                return f"dropped {section} {entry['id']} (its only name '{form}'): {tail}"
        if error.name in facts["not_mentions"]:
            facts["not_mentions"].remove(error.name)
            return f"not_mentions '{error.name}' left out: {tail}"
    section, index, field = error.section, error.entry, error.field
    if section not in SECTIONS:
        return None
    if SECTIONS[section].one_entry:
        if field in SECTIONS[section].fields and not SECTIONS[section].fields[field].required:
            facts[section][field] = None
            return f"{section} {field} left out: {tail}"
        return None
    entries = facts.get(section) or []
    if index is None or index >= len(entries):
        return None
    entry = entries[index]
    if section == "quotes" and field == "continues" and entry.get("continues"):
        del entry["continues"]
        return f"quote {entry['id']}: not linked to the part it continues: {tail}"
    if section == "quotes" and field == "verb" and entry.get("verb"):
        entry["attribution"] = "inferred"
        entry["attribution_note"] = f"the reporting verb '{entry.pop('verb')}' is not in this paragraph; speaker carried over"
        return f"quote {entry['id']}: attribution made inferred: {tail}"
    drop(facts, section, index)
    return f"dropped {section} {entry.get('id') or entry.get('title') or index}: {tail}"


def drop(facts, section, index):
    """Remove an entry and everything that refers to it: an entry whose reference to it is
    declared with_target (contract.py) goes too, any other loses that field."""
    entry = facts[section].pop(index)
    key = entry.get("id")
    if key is None:
        return
    for (other, field), target in REFERENCES.items():
        if target != section:
            continue
        for dependent in [e for e in facts.get(other) or [] if e.get(field) == key]:
            if SECTIONS[other].fields[field].with_target:
                still = [i for i, e in enumerate(facts[other]) if e is dependent]
                if still:
                    drop(facts, other, still[0])
            else:
                del dependent[field]


def check(facts, text, slug, index, header):
    """The build's own verdict on the draft: None if accepted, else its one-line error.
    The draft is checked with the add-time check (ArchiveIndex.check_article: the article
    itself, and the archive's entities and ids it meets). When the archive itself would not
    build, the draft is judged alone and the header says so."""
    with tempfile.TemporaryDirectory(prefix="article-facts-draft-") as tmp:
        folder = Path(tmp) / "seeds" / slug
        folder.mkdir(parents=True)
        (folder / "article.txt").write_text(text, encoding="utf-8")
        (folder / "facts.yml").write_text(dump(facts, header, slug), encoding="utf-8")
        try:
            index.check_article(folder)
        except BuildError as e:
            return e
    problem = index.problem()
    if problem:
        note = f"the archive itself does not build: {one_line(problem)}"
        if note not in header:
            header.append(note)
    return None


def make_valid(facts, text, slug, index, header):
    """Repair until the build accepts the draft; as a last resort an empty draft."""
    for _ in range(MAX_REPAIRS):
        error = check(facts, text, slug, index, header)
        if error is None:
            return facts
        note = repair(facts, error)
        if note is None:
            break
        header.append(one_line(note.replace(str(Path(tempfile.gettempdir())), "…")))
    header.append("the draft could not be made valid; only the article section is kept"
                  + (f" ({one_line(error)})" if error else ""))
    empty = {"article": facts["article"], "people": [], "quotes": []}
    empty["article"]["dateline"] = None
    return empty


# --- output --------------------------------------------------------------------------------


class DraftDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Block style, keys in our order, long text not wrapped mid-word."""


def dump_section(name, value):
    return yaml.dump({name: value}, Dumper=DraftDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)


SECTION_COMMENTS = {
    "countries": "ISO 3166-1 alpha-2 ids; names are the forms that occur in this text.",
    "people": "A person already in the archive keeps the archive's id and fields.",
    "not_mentions": "Place names that contain a country's name but are not that country.",
    "roles": "Titles the text gives a person, with the words that say so (basis: stated).",
    "quotes": "q1.. direct and partial quotes, r1.. reported statements. `occurrence: N` = the N-th time these words occur.",
    "events": "Dates as written; `date` only when the text makes it certain.",
    "legal_references": "Legal instruments cited inside a statement, cited by its speaker; or stated by the article itself (no quote, no citer).",
}


def dump(facts, header, slug):
    lines = [
        f"# MACHINE DRAFT of the facts of seeds/{slug}/article.txt, written by `build_db.py extract`.",
        "# No person has checked it. Every drafted entry says `review: draft` and is published as",
        "# \"machine draft, not yet reviewed\". To review: compare each entry with the article, fix",
        "# or delete it, then change `review: draft` to `review: checked` (or remove the line).",
        "# `review_note` says what the extractor was unsure of. Then run `make check`.",
    ]
    counts = summary(facts)
    lines.append(f"# Found: {counts}.")
    if header:
        lines.append("# Left out or changed so that the build accepts this draft unedited:")
        lines += [f"#  - {one_line(note)}" for note in header]
    lines.append("")
    for name in SECTION_ORDER:
        if name not in facts:
            continue
        value = facts[name]
        if name in SECTION_COMMENTS:
            lines.append(f"# {SECTION_COMMENTS[name]}")
        lines.append(dump_section(name, value).rstrip("\n"))
        lines.append("")
    return "\n".join(lines)


def summary(facts):
    quotes = facts.get("quotes") or []
    kinds = {k: sum(q["kind"] == k for q in quotes) for k in ("direct", "partial", "indirect")}
    speakers = {q.get("speaker") or q.get("speaker_organization") or q.get("unnamed_source") for q in quotes}
    return (f"{len(quotes)} quotes ({kinds['direct']} direct, {kinds['partial']} partial, "
            f"{kinds['indirect']} reported), {len(speakers)} speakers, "
            f"{len(facts.get('people') or [])} people, {len(facts.get('organizations') or [])} organizations, "
            f"{len(facts.get('countries') or [])} countries, {len(facts.get('events') or [])} dates, "
            f"{len(facts.get('legal_references') or [])} legal references")


@dataclass
class Draft:
    """A draft: the facts dict, the header notes (what was left out), and the YAML text."""

    facts: dict
    header: list
    yaml: str


def make_draft(article_path, seeds_dir="seeds", slug=None, attributions=None, index=None, given=None,
               origins=None):
    """The draft facts.yml for the article at article_path; the build accepts it unedited."""
    text = read_text(article_path)
    slug = slug or slug_for(article_path, text)
    return draft_text(text, slug, seeds_dir, attributions, index, given, origins)


def draft_text(text, slug, seeds_dir="seeds", attributions=None, index=None, given=None, origins=None):
    """The draft for an article text that will live in seeds_dir/slug (index: the archive
    index of seeds_dir, already open and up to date; `add` passes the one it then checks with).
    given: article fields from outside the text (with_given), over the drafted ones."""
    refuse_unstorable(f"{slug}/article.txt", text)
    if not text.strip():
        raise ExtractError(f"{slug}/article.txt: the article is empty")
    own = index is None
    if own:
        try:
            index = open_archive(seeds_dir)
        except BuildError as e:  # a seeds folder the build refuses: draft without it, and say so
            index = open_archive(None)
            early = [f"the archive itself does not build: {one_line(str(e))}"]
        else:
            early = []
    try:
        archive = archive_for(index, text)
        if attributions is None:
            from . import extract_attributions
            attributions = extract_attributions(text)
        facts, header = draft_facts(text, slug, archive, attributions)
        if given:
            facts["article"] = with_given(facts["article"], text, given, origins)
        header = (early if own else []) + header + uncross(facts, text, slug)
        facts = make_valid(facts, text, slug, index, header)
        note_other_speakers(facts, index)  # words the archive gives to someone else
    finally:
        if own:
            index.close()
    return Draft(facts, header, dump(facts, header, slug))


GENERIC_STEMS = {"article", "text", "story", "input", "draft", "news", "copy"}


def slug_for(path, text):
    """A slug from the file name, or from the first line when the name says nothing; cut at a
    hyphen to at most MAX_SLUG_LENGTH characters (a long name or first line still gives one)."""
    stem = shortened(slugify(Path(path).stem, max_words=10))
    if stem and SLUG_RE.match(stem) and stem not in GENERIC_STEMS and re.search(r"[a-z]", stem):
        return stem
    first = next((line for line in text.split("\n") if line.strip()), "")
    return shortened(slugify(first, max_words=8)) or "article"


def shortened(slug):
    """The slug's first words, as many as fit in MAX_SLUG_LENGTH (the first word's start when
    it alone is longer)."""
    if len(slug) <= MAX_SLUG_LENGTH:
        return slug
    cut = slug[:MAX_SLUG_LENGTH + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG_LENGTH + 1] else ""
    return cut or slug[:MAX_SLUG_LENGTH]
