"""Drafting the entities an article names: countries (ISO 3166-1 ids), organizations with their
acronyms, dates as written, and legal references inside statements.

Everything returned is found in the text and carries offsets into it; the country tables
(pycountry for ISO ids and names, countryinfo for adjectives such as "Mexican") only say which
words to look for. Where a match may be wrong, the result carries a `note` saying why.
"""
import calendar
import functools
import re
import unicodedata

from ..schema import valid_date

# --- shared helpers ------------------------------------------------------------------------


def fold(text):
    """ASCII, accents removed: "Álvarez" -> "Alvarez"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slugify(text, max_words=None):
    """A build-valid slug from any text ("Roberto Velasco Álvarez" -> "roberto-velasco-alvarez")."""
    words = re.findall(r"[a-z0-9]+", fold(text).lower())
    if max_words:
        words = words[:max_words]
    return "-".join(words)


def whole_word(phrase):
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


def occurs(phrase, text):
    return bool(phrase) and phrase in text and whole_word(phrase).search(text) is not None


# --- countries -----------------------------------------------------------------------------

# Short forms the packages do not list, by ISO id (looked for only; emitted only when present).
EXTRA_FORMS = {"US": ["U.S.", "U.S.A."], "GB": ["U.K.", "Britain", "British"], "NL": ["Netherlands"]}
# Forms that often mean something else (a person, a state, a continent).
AMBIGUOUS = {"American", "Chad", "Georgia", "Georgian", "Jordan", "Guinea", "Turkey", "Niger",
             "Dominica", "Jersey", "Congo", "Congolese", "Sudanese", "Samoan"}


@functools.lru_cache(maxsize=1)
def country_table():
    """ISO id -> (canonical name, forms to look for, phrases that contain a form but are places
    of their own such as "Mexico City" or "New Mexico")."""
    import pycountry
    from countryinfo import all_countries

    infos = {}
    for country in all_countries():
        info = country.info()
        alpha2 = (info.get("ISO") or {}).get("alpha2")
        if alpha2:
            infos.setdefault(alpha2, []).append(info)
    table = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None) or country.name
        names = [common, country.name, getattr(country, "official_name", None)]
        candidates = infos.get(country.alpha_2, [])
        info = next((i for i in candidates if i.get("name") in names), candidates[0] if candidates else {})
        forms = [common, info.get("name"), getattr(country, "official_name", None), info.get("demonym"),
                 info.get("nativeName")]
        forms += [s for s in info.get("altSpellings") or [] if s and s.isascii() and len(s) > 3 and "," not in s]
        forms += EXTRA_FORMS.get(country.alpha_2, [])
        if "," not in country.name:
            forms.append(country.name)
        places = [info.get("capital")] + list(info.get("provinces") or [])
        seen, unique = set(), []
        for form in forms:
            form = (form or "").strip()
            if form and form not in seen:
                seen.add(form)
                unique.append(form)
        table[country.alpha_2] = (common, unique, [p for p in places if p])
    return table


def find_countries(text):
    """Countries the text names, in order of first mention: dicts with id, name (the ISO
    package's), forms (as they occur, longest first), start of first mention, note."""
    found = []
    all_places = []
    for alpha2, (name, forms, places) in country_table().items():
        all_places += places
    for alpha2, (name, forms, places) in country_table().items():
        present, first = [], None
        for form in forms:
            if form not in text:
                continue
            for match in whole_word(form).finditer(text):
                if inside_place(text, match.start(), match.end(), all_places, form):
                    continue
                present.append(form)
                first = match.start() if first is None else min(first, match.start())
                break
        if not present:
            continue
        note = None
        shaky = [f for f in present if f in AMBIGUOUS]
        if shaky and len(shaky) == len(present):
            note = f"'{shaky[0]}' may not mean {name} here"
        found.append({"id": alpha2, "name": name, "forms": sorted(present, key=lambda f: (-len(f), f)),
                      "start": first, "note": note})
    return sorted(found, key=lambda c: c["start"])


def inside_place(text, start, end, places, form):
    """True when this occurrence of a country form is part of a longer place name (Mexico City)."""
    for place in places:
        if place == form or form not in place or place not in text:
            continue
        for match in whole_word(place).finditer(text):
            if match.start() <= start and end <= match.end():
                return True
    return False


def place_phrases(text, forms):
    """Place names in the text that contain a country form ("Mexico City"): not mentions."""
    phrases = set()
    for alpha2, (name, country_forms, places) in country_table().items():
        for place in places:
            if any(form != place and occurs(form, place) for form in forms) and occurs(place, text):
                phrases.add(place)
    return sorted(phrases)


# --- organizations -------------------------------------------------------------------------

CAP = r"[A-ZÀ-ÖØ-Þ][\w’'&.-]*"
CONNECTOR = r"(?:of|the|for|and|on|de|del|la|los|las|y|to)"
CAP_SEQUENCE = re.compile(rf"{CAP}(?: (?:{CONNECTOR} )*{CAP})*")
HEADS = {
    "Ministry": "ministry", "Department": "ministry", "Secretariat": "ministry",
    "Court": "court", "Tribunal": "court", "Party": "party", "Congress": "legislature",
    "Senate": "legislature", "Parliament": "legislature", "Assembly": "legislature",
    "Police": "police", "University": "university", "Institute": "institute",
    "Embassy": "embassy", "Consulate": "embassy", "Bank": "bank", "Agency": "agency",
    "Office": "agency", "Bureau": "agency", "Service": "agency", "Authority": "agency",
    "Commission": "agency", "Committee": "agency", "Council": "agency", "Board": "agency",
    "Administration": "agency", "Association": "association", "Union": "association",
    "Federation": "association", "Foundation": "association", "Organization": "association",
    "Organisation": "association", "Company": "company", "Corporation": "company",
    "Inc.": "company", "Group": "company", "Hospital": "hospital", "School": "school",
    "College": "school", "Army": "military", "Navy": "military", "Prosecutor’s Office": "agency",
    "Nations": "international body", "Guard": "military", "Network": "association",
    "Coalition": "association", "Center": "institute", "Centre": "institute",
}
SINGLE_WORD_ORGS = {"Congress", "Senate", "Parliament", "Interpol", "Europol", "Frontex"}
LEADING = {"The", "A", "An", "In", "On", "At", "By", "For", "From", "With", "And", "But", "Both",
           "Because", "After", "Before", "When", "While", "As", "Its", "Their", "His", "Her", "Our",
           "This", "That", "Then", "Meanwhile", "However", "Also", "Yet", "If", "Under", "Since",
           "Of", "To", "According"}
ACRONYM = re.compile(r" \(([A-Z][A-Za-z&]{1,11})\)")


def trim_words(words):
    while words and (words[0] in LEADING or re.fullmatch(CONNECTOR, words[0])):
        words = words[1:]
    while words and re.fullmatch(CONNECTOR, words[-1]):
        words = words[:-1]
    return words


def org_phrase(phrase):
    """The organization's name inside a capitalized phrase, or None: it must contain a head
    word (Ministry, Court, ...) and ends at the last head or at the end of an "of ..." part
    after it ("Supreme Court Justice Ana Ruiz" -> "Supreme Court")."""
    words = phrase.split(" ")
    words = trim_words(words)
    heads = [i for i, w in enumerate(words) if w.rstrip(".,") in HEADS or w in HEADS]
    if not heads:
        return None, None
    # "Zoë O’Brien-Smith of the Board": a name before "of" the first head is not part of it.
    connectors = [i for i in range(heads[0]) if re.fullmatch(CONNECTOR, words[i])]
    if connectors:
        words = trim_words(words[connectors[-1] + 1:])
        heads = [i for i, w in enumerate(words) if w.rstrip(".,") in HEADS or w in HEADS]
        if not heads:
            return None, None
    last = heads[-1]
    end = last + 1
    if end < len(words) and re.fullmatch(CONNECTOR, words[end]):
        end = len(words)
    words = trim_words(words[:end])
    if not words:
        return None, None
    kind = None
    for w in reversed(words):
        if w in HEADS or w.rstrip(".,") in HEADS:
            kind = HEADS.get(w) or HEADS.get(w.rstrip(".,"))
            break
    name = " ".join(words)
    if "United Nations" in name or "European Union" in name:
        kind = "international body"
    if name.endswith((".", ",")) and not name.endswith("Inc."):
        name = name.rstrip(".,")
    return name, kind


def sub_phrases(phrase, start):
    """A capitalized run split where one name ends and another begins: after a possessive
    ("Peru's Constitutional Court") and at "and" between two headed names ("the Bank of
    Mexico and the National Electoral Institute"). (text, start) pairs, possessives left out."""
    parts, words, position = [], [], start
    current_start = start
    for word in phrase.split(" "):
        if word.endswith(("’s", "'s")):
            if words:
                parts.append((" ".join(words), current_start))
            words, current_start = [], position + len(word) + 1
        else:
            words.append(word)
        position += len(word) + 1
    if words:
        parts.append((" ".join(words), current_start))
    split = []
    for text, text_start in parts:
        pieces = text.split(" and ")
        has_head = [any(w in HEADS or w.rstrip(".,") in HEADS for w in p.split(" ")) for p in pieces]
        if len(pieces) > 1 and all(has_head):
            offset = text_start
            for piece in pieces:
                split.append((piece, offset))
                offset += len(piece) + len(" and ")
        else:
            split.append((text, text_start))
    return split


def find_organizations(text):
    """Organizations: capitalized phrases with a head word, and any capitalized phrase of two
    or more words followed by an acronym in brackets ("the Ministry of the Interior (Segob)").
    Returns dicts: name, acronym, kind, forms, start."""
    found = {}

    def add(name, kind, acronym, start):
        if len(name.split()) == 1 and name not in SINGLE_WORD_ORGS:
            return  # "Court" alone (a headline's first word) names nothing
        entry = found.setdefault(name, {"name": name, "acronym": None, "kind": kind,
                                        "forms": [name], "start": start})
        if acronym and not entry["acronym"] and occurs(acronym, text):
            entry["acronym"] = acronym
            entry["forms"].append(acronym)

    offset = 0
    for line in text.split("\n"):
        for match in CAP_SEQUENCE.finditer(line):
            parts = sub_phrases(match.group(), match.start())
            for phrase, phrase_start in parts[:-1]:
                name, kind = org_phrase(phrase)
                if name:
                    add(name, kind, None, offset + phrase_start)
            phrase, phrase_start = parts[-1] if parts else ("", match.start())
            after = ACRONYM.match(line, match.end())
            acronym = after.group(1) if after else None
            name, kind = org_phrase(phrase)
            if name is None and acronym:
                words = trim_words(phrase.split(" "))
                if len(words) >= 2 and (acronym.isupper() or acronym[0] == words[0][0]):
                    name, kind = " ".join(words), None
            if name:
                add(name, kind, acronym if after else None, offset + phrase_start)
        offset += len(line) + 1
    # A phrase that only occurs inside a longer organization's name is part of it, not another.
    names = sorted(found, key=len, reverse=True)
    result = []
    for name in names:
        longer = [n for n in names if len(n) > len(name) and occurs(name, n)]
        alone = any(not any(m.start() >= l.start() and m.end() <= l.end()
                            for other in longer for l in whole_word(other).finditer(text))
                    for m in whole_word(name).finditer(text))
        if alone:
            result.append(found[name])
    return sorted(result, key=lambda o: o["start"])


# --- dates ---------------------------------------------------------------------------------

MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({"Jan.": 1, "Feb.": 2, "Mar.": 3, "Apr.": 4, "Aug.": 8, "Sept.": 9, "Sep.": 9,
               "Oct.": 10, "Nov.": 11, "Dec.": 12})
MONTH = "(?P<month>" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + ")"
WEEKDAY = "(?:" + "|".join(d for d in calendar.day_name) + ")"
DATE_PATTERNS = [
    re.compile(rf"(?<!\w){MONTH} (?P<day>\d{{1,2}}), (?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}) {MONTH} (?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\w){MONTH} (?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\w){MONTH} (?P<day>\d{{1,2}})(?!\d)"),
    re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}) {MONTH}(?!\w)"),
    re.compile(r"(?<!\w)(?:in|since|until|during|by|before|after) (?P<year>(?:1[89]|20)\d\d)(?!\w)"),
    re.compile(rf"(?<!\w){WEEKDAY}(?!\w)"),
]
CLAUSE_END = re.compile(r"[.;!?“”\"](?=\s|$)|[;“”]| [—–] ")


def iso_date(match):
    """The ISO date a match makes certain (year needed), else None."""
    groups = match.groupdict()
    year, month, day = groups.get("year"), groups.get("month"), groups.get("day")
    if not year:
        return None
    value = year
    if month:
        value += f"-{MONTHS[month]:02d}"
        if day:
            value += f"-{int(day):02d}"
    return value if valid_date(value) else None


def find_dates(text):
    """Dates as written: dicts with as_written, start, end, date (ISO or None), evidence span
    (the clause around it, within its paragraph), note."""
    taken, found = [], []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            date = iso_date(match)
            clause = clause_around(text, start, end)
            note = None if date else "the text does not make the calendar date certain"
            found.append({"as_written": match.group(), "start": start, "end": end, "date": date,
                          "evidence": clause, "note": note})
    return sorted(found, key=lambda d: d["start"])


def clause_around(text, start, end):
    """The sentence or clause around [start, end), inside its paragraph."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end == -1 else para_end
    left = para_start
    for match in CLAUSE_END.finditer(text, para_start, start):
        left = match.end()
    right = para_end
    match = CLAUSE_END.search(text, end, para_end)
    if match:
        right = match.start()
    while left < start and text[left] in " ,—–-":
        left += 1
    while right > end and text[right - 1] in " ,—–-":
        right -= 1
    return left, right


# --- legal references ----------------------------------------------------------------------

LEGAL_HEADS = {
    "Convention": "treaty", "Treaty": "treaty", "Pact": "treaty", "Agreement": "treaty",
    "Protocol": "treaty", "Charter": "treaty", "Accord": "treaty", "Accords": "treaty",
    "Conventions": "treaty", "Constitution": "constitution", "Amendment": "constitution",
    "Act": "law", "Law": "law", "Code": "law", "Statute": "law", "Decree": "law",
    "Regulation": "law", "Bill": "law", "Declaration": "treaty",
}
PROVISION = r"(?:Article|Articles|Section|Sections|Paragraph|Clause|Chapter|Rule|Title)"
INSTRUMENT = rf"(?:{CAP} (?:(?:{CONNECTOR}) )*)*?(?:{'|'.join(LEGAL_HEADS)})(?: (?:of|on|for) (?:the )?{CAP}(?: {CAP})*)?"
LEGAL_PATTERNS = [
    ("provision", re.compile(
        rf"(?P<provision>{PROVISION} [0-9IVXLC]+[A-Za-z]?(?:\(\w+\))*)(?: of| in) (?:the )?(?P<instrument>{INSTRUMENT})")),
    ("resolution", re.compile(rf"(?P<instrument>(?:{CAP} )*[Rr]esolution) (?P<provision>\d[\d/]*)")),
    ("instrument", re.compile(rf"(?P<instrument>(?:{CAP} (?:(?:{CONNECTOR}) )*)*(?:{'|'.join(LEGAL_HEADS)})(?: (?:of|on|for) (?:the )?{CAP}(?: {CAP})*)?)(?!\w)")),
    ("principle", re.compile(r"(?P<instrument>(?:the )?(?:[a-z-]+ ){1,3}principle|principle of (?:[a-z-]+ )?[a-z-]+)(?!\w)")),
]


def legal_kind(instrument, pattern_name):
    if pattern_name == "principle":
        return "principle"
    if pattern_name == "resolution":
        return "resolution"
    for word in reversed(instrument.split()):
        if word in LEGAL_HEADS:
            return LEGAL_HEADS[word]
    return "law"


def find_legal_references(text, start, end):
    """Legal references inside text[start:end] (a statement's words): dicts with instrument,
    provision, kind, start, end (the evidence), note."""
    taken, found = [], []
    segment = text[start:end]
    for name, pattern in LEGAL_PATTERNS:
        for match in pattern.finditer(segment):
            s, e = start + match.start(), start + match.end()
            instrument = match.group("instrument")
            if instrument.startswith("the "):
                instrument = instrument[4:]
            words = trim_words(instrument.split(" ")) if name != "principle" else instrument.split(" ")
            if name != "principle":
                cut = len(instrument) - len(" ".join(words))
                instrument = " ".join(words)
                if name == "instrument":
                    s += cut
            if not instrument or any(s < te and ts < e for ts, te in taken):
                continue
            if name == "instrument" and len(instrument.split()) < 2:
                continue  # "the Constitution" alone does not say which
            taken.append((s, e))
            provision = match.groupdict().get("provision")
            if name == "resolution":
                provision = f"{match.group('instrument').split()[-1]} {provision}"
            note = "a principle named in lower case; check it is a legal reference" if name == "principle" else None
            found.append({"instrument": instrument, "provision": provision,
                          "kind": legal_kind(instrument, name), "start": s, "end": e, "note": note})
    return sorted(found, key=lambda r: r["start"])


# --- people introduced by a title ----------------------------------------------------------

NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[-’'][A-ZÀ-ÖØ-Þa-zß-öø-ÿ]+)*$")
TITLED_RUN = re.compile(r"(?<![\w’'])(?:[A-ZÀ-ÖØ-Þ][\w.’'-]*)(?: [A-ZÀ-ÖØ-Þ][\w.’'-]*)+")
PARTICLE_AFTER = re.compile(r" (?:de|del|da|do|dos|van|von|der|la|le|bin|al)\b")
TITLE_MODIFIERS = {"foreign", "interior", "finance", "defense", "defence", "health", "economy", "state",
                   "former", "acting", "interim", "deputy", "vice", "under", "supreme", "district",
                   "federal", "county", "city", "national", "security", "press", "white", "campaign",
                   "house", "senate", "majority", "minority", "democratic", "republican", "presidential",
                   "prime", "chief", "executive", "u.s.", "us", "head", "leader"}


def find_titled_people(text, is_title_word, avoid=()):
    """People the text introduces with a title before the name ("Foreign Minister Ana Lucía
    Ortega"): dicts with name, title, start, end (title and name), name_start. The name is two
    to four capitalized words, none a title, an organization head or a form in avoid."""
    found = []
    runs = []
    for match in TITLED_RUN.finditer(text):
        offset = match.start()
        for piece in re.split(r"(?<=\w{3}\.) ", match.group()):  # "Sheinbaum. She": two sentences
            runs.append((piece, offset))
            offset += len(piece) + 1
    for run, run_start in runs:
        if re.search(r"\w{3}\.$", run):
            run = run[:-1]  # the sentence's full stop, not an abbreviation
        words = run.split(" ")
        if len(words) < 3 or PARTICLE_AFTER.match(text, run_start + len(run)):
            continue  # "Juan Ramón de la Fuente": where the name ends is not clear
        positions, offset = [], run_start
        for word in words:
            positions.append(offset)
            offset += len(word) + 1
        titles = [i for i, w in enumerate(words) if is_title_word(w)]
        if not titles:
            continue
        last_title = first_title = titles[-1]
        while first_title > 0 and is_title_word(words[first_title - 1]):
            first_title -= 1
        title_words = words[first_title:last_title + 1]
        name_words = words[last_title + 1:]
        if not 2 <= len(name_words) <= 4 or all(w.lower().strip(".") in TITLE_MODIFIERS for w in title_words):
            continue
        if any(not NAME_WORD.match(w) or is_title_word(w) or w in HEADS or w in avoid for w in name_words):
            continue
        name = " ".join(name_words)
        if name in avoid:
            continue
        start = positions[first_title]
        name_start = positions[last_title + 1]
        found.append({"name": name, "title": " ".join(title_words), "start": start,
                      "end": name_start + len(name), "name_start": name_start})
    return found
