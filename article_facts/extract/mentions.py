"""Finding people and organizations named in an article, and grouping the forms of each name.

Names are runs of capitalised words (with initials, particles such as "de" or "van", and
abbreviated titles such as "Sen."); titles come from nameparser's list of titles plus news
titles; a first name's usual gender comes from gender-guesser's name list (both are PyPI
packages with their data inside; the extractor works, less well, without them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .identity import fold as fold_name
from .identity import parts as name_parts
from .identity import short_for
from .verbs import VERBS

TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}|[^\W_](?:[\w\-]|[’'](?=\w)(?!s\b))*(?<!-)|[’']s\b|[^\w\s]|\n"
)

# fmt: off
PRONOUNS = {
    "he": "m", "she": "f", "they": "p", "it": "n", "i": "s", "we": "s"
}
# fmt: on
# fmt: off
PARTICLES = {
    "al", "bin", "da", "das", "de", "de la", "del", "den", "der", "di", "dos", "du", "el", "ibn",
    "la", "le", "st.", "ten", "ter", "van", "von", "y"
}
# fmt: on
# fmt: off
LOWER_PARTICLES = {
    "da", "das", "de", "del", "den", "der", "di", "dos", "du", "la", "le", "ten", "ter", "van",
    "von"
}
# fmt: on
# fmt: off
HONORIFICS_M = {
    "brother", "father", "herr", "king", "lord", "monsieur", "mr", "prince", "señor", "sir"
}
# fmt: on
# fmt: off
HONORIFICS_F = {
    "dame", "frau", "lady", "madam", "madame", "miss", "mrs", "ms", "princess", "queen", "señora",
    "sister"
}
# fmt: on
# fmt: off
GENDER_WORDS_M = {
    "actor", "alderman", "assemblyman", "boy", "brother", "businessman", "chairman", "congressman",
    "councilman", "father", "grandfather", "he", "him", "his", "husband", "king", "man", "mr",
    "mr.", "nephew", "sir", "son", "spokesman", "sportsman", "uncle"
}
# fmt: on
# fmt: off
GENDER_WORDS_F = {
    "actress", "assemblywoman", "aunt", "businesswoman", "chairwoman", "congresswoman",
    "councilwoman", "daughter", "girl", "grandmother", "her", "hers", "mother", "mrs", "mrs.",
    "ms", "ms.", "niece", "queen", "she", "sister", "spokeswoman", "sportswoman", "wife", "woman"
}
# fmt: on
# fmt: off
NEWS_TITLES = {
    "acting", "adm", "admiral", "adviser", "advisor", "amb", "ambassador", "analyst", "archbishop",
    "att", "attorney", "atty", "battalion", "biologist", "bishop", "campaign", "candidate", "capt",
    "captain", "ceo", "chair", "chairman", "chairperson", "chairwoman", "chancellor", "chief",
    "city", "coach", "col", "colonel", "commissioner", "congressman", "congresswoman",
    "councillor", "councilman", "councilor", "councilwoman", "county", "dame", "dean", "defence",
    "defense", "del", "delegate", "democratic", "deputy", "detective", "director", "district",
    "doctor", "dr", "economist", "economy", "emir", "engineer", "epidemiologist", "executive",
    "father", "federal", "finance", "foreign", "former", "founder", "gen", "general", "gop", "gov",
    "governor", "head", "health", "historian", "house", "inspector", "interim", "interior",
    "judge", "justice", "king", "lady", "lawyer", "leader", "lieutenant", "lord", "lt",
    "magistrate", "maj", "major", "majority", "manager", "mayor", "mep", "minister",
    "minister-president", "minority", "miss", "mp", "mr", "mrs", "ms", "msgr", "national",
    "nominee", "officer", "physicist", "pope", "premier", "president", "presidential", "press",
    "prime", "prince", "princess", "principal", "prof", "professor", "queen", "rector", "rep",
    "representative", "republican", "researcher", "rev", "reverend", "scientist", "sec",
    "secretary", "security", "sen", "senate", "senator", "sergeant", "sgt", "sheikh", "sheriff",
    "sir", "sister", "speaker", "spokesman", "spokesperson", "spokeswoman", "state",
    "superintendent", "supreme", "u.s.", "under", "undersecretary", "us", "vice", "white"
}
# fmt: on
# fmt: off
ORG_WORDS = {
    "academy", "administration", "affairs", "agency", "airlines", "alliance", "army", "assembly",
    "associated", "capital", "energy", "hedge", "holdings", "industries", "insurance", "motors",
    "partners", "securities", "systems", "technologies", "yorker",
    "association", "authority", "axios", "bank", "blaze", "bloomberg", "board", "breitbart",
    "bulletin", "bureau", "cabinet", "campaign", "center", "centre", "chamber", "channel",
    "chronicle", "church", "cia", "clinic", "club", "cnn", "coalition", "college", "commission",
    "committee", "company", "congress", "corp", "corporation", "council", "court", "daily",
    "department", "electoral", "embassy", "eu", "examiner", "facebook", "fbi", "federation",
    "force", "forces", "foundation", "fund", "gazette", "globe", "google", "government", "group",
    "guardian", "herald", "hospital", "house", "huffpost", "inc", "inquirer", "instagram",
    "institute", "journal", "kremlin", "lab", "laboratory", "league", "llc", "ltd", "magazine",
    "media", "ministerio", "ministries", "ministry", "movement", "nasa", "nations", "nato", "navy",
    "network", "news", "newspaper", "observatory", "observer", "office", "organisation",
    "organization", "parliament", "party", "pentagon", "police", "politico", "post", "press",
    "program", "programme", "project", "propublica", "prosecutor", "prosecutor's", "prosecutors",
    "radio", "registry", "relations", "reuters", "school", "secretariat", "secretaría", "senate",
    "service", "services", "show", "society", "star", "sun", "telegraph", "television", "times",
    "tribunal", "tribune", "trust", "tv", "twitter", "un", "union", "university", "weekly", "who",
    "youtube"
}
# fmt: on
# fmt: off
ORG_HEADS = {
    "administration", "agency", "alliance", "army", "assembly", "association", "authority", "bank",
    "board", "bureau", "cabinet", "campaign", "center", "centre", "chamber", "church", "city",
    "clinic", "club", "coalition", "college", "commission", "committee", "company", "congress",
    "council", "county", "court", "court's", "department", "district", "embassy", "federation",
    "firm", "foundation", "fund", "government", "group", "hospital", "institute", "journal",
    "judges", "kremlin", "lab", "laboratory", "league", "magazine", "ministry", "navy", "network",
    "newspaper", "office", "organisation", "organization", "panel", "paper", "parliament", "party",
    "pentagon", "police", "prosecutor's office", "regulator", "report", "school", "secretariat",
    "senate", "service", "spokesman", "spokeswoman", "state", "statement", "study", "team",
    "tribunal", "union", "university", "white house"
}
# fmt: on
# fmt: off
STOP_CAPS = {
    "a", "about", "according", "advertisement", "after", "against", "all", "also", "although",
    "among", "an", "and", "another", "any", "ap", "april", "are", "as", "asked", "at", "august",
    "be", "because", "before", "between", "both", "but", "by", "can", "click", "continue", "could",
    "december", "despite", "did", "do", "does", "don't", "don’t", "during", "each", "editor's",
    "even", "every", "everybody", "everyone", "everything", "february", "first", "follow", "for", "friday",
    "from", "getty", "given", "had", "has", "have", "he", "her", "here", "his", "how", "however",
    "i", "i'm", "if", "image", "in", "instead", "into", "is", "it", "it's", "its", "it’s", "i’m",
    "january", "july", "june", "just", "last", "let", "like", "look", "many", "march", "may",
    "meanwhile", "might", "monday", "more", "most", "mr.", "ms.", "must", "my", "next", "no",
    "nobody", "not", "note", "nothing", "anything", "something", "november", "now", "october", "of", "oh", "on", "once",
    "one", "only", "or", "other", "our", "over", "people", "photo", "please", "read", "reading",
    "related", "said", "saturday", "says", "second", "see", "september", "share", "she", "should",
    "sign", "since", "so", "some", "somebody", "someone", "still", "story", "such", "sunday",
    "than", "thank", "thanks", "that", "that's", "that’s", "the", "their", "then", "there",
    "there's", "there’s", "these", "they", "this", "those", "though", "three", "through",
    "thursday", "to", "today", "tomorrow", "tuesday", "two", "under", "unless", "unlike", "until",
    "up", "update", "updated", "video", "was", "watch", "we", "we're", "wednesday", "well", "were",
    "we’re", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
    "will", "with", "without", "would", "yes", "yesterday", "yet", "you", "your"
}
# fmt: on
# fmt: off
ABBREV = {
    "adm", "amb", "atty", "brig", "capt", "cmdr", "co", "col", "corp", "cpl", "del", "det", "dr",
    "fr", "ft", "gen", "gens", "gov", "govs", "hon", "inc", "insp", "jr", "lt", "ltd", "maj",
    "messrs", "mr", "mrs", "ms", "msgr", "mt", "no", "pres", "prof", "pvt", "rep", "reps", "rev",
    "sec", "sen", "sens", "sgt", "sr", "st", "supt", "vs"
}
# fmt: on


@dataclass
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words and punctuation with their offsets; 'U.S.' and 'Sen.' stay one token."""
    end = len(text) if end is None else end
    toks = []
    for m in TOKEN.finditer(text, start, end):
        t = Token(m.group(), m.start(), m.end())
        if (
            t.text == "."
            and toks
            and toks[-1].end == t.start
            and (toks[-1].low in ABBREV or (len(toks[-1].text) == 1 and toks[-1].cap))
        ):
            prev = toks[-1]
            toks[-1] = Token(text[prev.start : t.end], prev.start, t.end)
            continue
        toks.append(t)
    return toks


@lru_cache(maxsize=1)
def _title_words() -> frozenset:
    words = set(NEWS_TITLES)
    try:
        from nameparser.config import CONSTANTS

        words |= {w.lower().strip(".") for w in CONSTANTS.titles}
    except ImportError:  # the optional `extract` extra is not installed
        pass
    return frozenset(words)


# fmt: off
_DAYS_MONTHS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                "january", "february", "march", "april", "june", "july", "august", "september",
                "october", "november", "december"}
# fmt: on


def is_title_word(word: str) -> bool:
    return word.lower().strip(".") in _title_words()


@lru_cache(maxsize=1)
def _gender_detector():
    try:
        import gender_guesser.detector as gd
    except ImportError:
        return None
    return gd.Detector(case_sensitive=False)


@lru_cache(maxsize=4096)
def first_name_gender(name: str) -> str | None:
    """'m', 'f' or None from a first name (gender-guesser's list), None when unknown."""
    d = _gender_detector()
    if d is None or not name[:1].isalpha():
        return None
    g = d.get_gender(name.strip("."))
    return {"male": "m", "female": "f"}.get(
        g
    )  # "mostly_" answers (Bernie: mostly female) are too unsure


@lru_cache(maxsize=4096)
def is_known_first_name(name: str) -> bool:
    d = _gender_detector()
    if d is None:
        return False
    return d.get_gender(name.strip(".")) != "unknown"


@dataclass
class Entity:
    """A person or organization: its forms as they occur, fullest first."""

    key: str
    etype: str  # 'person' | 'organization'
    forms: list[str] = field(default_factory=list)
    gender: str | None = None
    titles: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    # a surname or first name that two people of the article share, where the context did not
    # say which one is meant: their full names (the mention is not resolved, never guessed)
    ambiguous: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return max(self.forms, key=lambda f: (len(f.split()), len(f)))


@dataclass
class Mention:
    start: int
    end: int
    text: str
    entity: Entity
    title: str | None = None
    title_span: tuple[int, int] | None = None  # title and name together
    in_quote: bool = False


def is_org_name(words: list[str]) -> bool:
    if not words:
        return False
    if (
        len(words) == 1
        and len(words[0]) >= 2
        and words[0].replace(".", "").isupper()
        and words[0].isalpha()
        or (len(words) == 1 and re.fullmatch(r"(?:[A-Z]\.){2,}", words[0]))
    ):
        return True
    return any(w.lower().strip(".") in ORG_WORDS for w in words)


def name_runs(toks: list[Token]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of capitalised words (particles allowed inside)."""
    runs = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if t.word and t.cap and not t.text[0].isdigit():
            j = i + 1
            while j < n:
                u = toks[j]
                if u.word and u.cap:
                    j += 1
                elif u.low in PARTICLES and j + 1 < n and toks[j + 1].cap and toks[j + 1].word:
                    j += 1
                elif (
                    u.low in ("’s", "'s")
                    and j + 1 < n
                    and toks[j + 1].cap
                    and toks[j + 1].word
                    and toks[j + 1].low in ORG_WORDS
                ):
                    j += 1
                elif (
                    u.text in ("’", "'")
                    and toks[j - 1].text.endswith("s")
                    and toks[j - 1].end == u.start
                    and j + 1 < n
                    and toks[j + 1].cap
                    and toks[j + 1].word
                    and toks[j + 1].low in ORG_WORDS
                ):
                    j += 1  # `Brenmoor Nurses’ Union`: a plural possessive inside a name
                elif u.text in "-" and j + 1 < n and toks[j + 1].cap and u.end == toks[j + 1].start:
                    j += 1
                else:
                    break
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


# fmt: off
PLACE_WORDS = {
    "africa", "airport", "america", "asia", "avenue", "bay", "beach", "city", "coast", "county",
    "europe", "hall", "harbor", "island", "islands", "kingdom", "lake", "mountains", "park",
    "port", "republic", "river", "road", "square", "state", "station", "street", "valley"
}
# fmt: on
# fmt: off
PLACE_PREPS = {
    "across", "at", "from", "in", "inside", "into", "near", "of", "outside", "the", "through",
    "to", "toward", "towards", "via"
}
# fmt: on
# fmt: off
CONNECT = {
    "and", "de", "del", "for", "la", "of", "on", "the"
}
# fmt: on
# fmt: off
_ABBR_TITLE = {
    "sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "pres":
    "president", "prof": "professor", "dr": "doctor", "lt": "lieutenant", "col": "colonel", "capt":
    "captain", "sgt": "sergeant", "adm": "admiral", "atty": "attorney", "sec": "secretary", "rev":
    "reverend", "supt": "superintendent"
}
# fmt: on


# fmt: off
# A relative introduced by one of these ("his wife, Heidi Cruz") is not whom a bare surname means
KIN_WORDS = {
    "aunt", "brother", "cousin", "daughter", "ex-husband", "ex-wife", "father", "granddaughter",
    "grandfather", "grandmother", "grandson", "husband", "mother", "nephew", "niece", "sister",
    "son", "stepdaughter", "stepson", "uncle", "widow", "widower", "wife"
}
# fmt: on
# fmt: off
# Words that make a capitalised phrase a group, a party, a faith or a crowd, never one person
GROUP_WORDS = {
    "analysts", "americans", "catholic", "catholics", "christian", "christians", "conservatives",
    "critics", "democrat", "democrats", "demonstrators", "evangelicals", "experts", "fellow",
    "hispanics", "independents", "islam", "islamic", "jewish", "jews", "latinos", "liberals",
    "libertarian", "libertarians", "muslim", "muslims", "officials", "orthodox", "progressives",
    "protestants", "protesters", "protestors", "qaeda", "republican", "republicans", "shiite", "shiites",
    "sunni", "sunnis", "supporters", "voters", "workers"
}
US_PLACES = {
    "alabama", "alaska", "america", "arizona", "arkansas", "california", "colorado",
    "connecticut", "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana",
    "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
    "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma",
    "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "states",
    "tennessee", "texas", "united states", "utah", "vermont", "virginia", "washington",
    "west virginia", "wisconsin", "wyoming"
}
# A place's or a brand's first word, never a person's ("North Face", "New Yorker", "Fort Lee")
PLACE_FIRST = {
    "central", "east", "eastern", "fort", "lower", "mount", "new", "north", "northern", "south",
    "southern", "upper", "west", "western"
}
# Buildings and venues: any of these words makes a phrase no person ("Trump Tower Manila")
BUILDING_WORDS = {
    "arena", "building", "capitol", "cathedral", "hotel", "mall", "museum", "palace", "plaza",
    "stadium", "theater", "theatre", "tower", "towers"
}
# fmt: on


@lru_cache(maxsize=1)
def _country_words() -> frozenset:
    """Country names and nationality words ("Greece", "Greek"), from the country tables when
    the `extract` extra is installed; none of the words that are also first names or mean
    something else (entities.AMBIGUOUS)."""
    try:
        from .entities import AMBIGUOUS, country_table

        table = country_table()
    except ImportError:
        return frozenset()
    return frozenset(f for _, forms, _ in table.values() for f in forms if f not in AMBIGUOUS)


def non_person_reason(name: str, text: str = "") -> str | None:
    """Why a capitalised phrase is not a person's name ("Greek Orthodox", "Shooting Comments",
    "New York", "Politifact Times"), or None when it may be one. With the text: a phrase whose
    first word is no first name and one of whose words the text also writes in lower case
    ("Islamic Holiday" beside "the holiday") is words, not a name."""
    words = name.replace("\u00a0", " ").split()
    # "Tom Cole of Oklahoma": the name is what comes before "of"/"for"
    words = words[: next((n for n, w in enumerate(words) if n and w in ("of", "for")), len(words))]
    if not words:
        return "no words"
    low = [w.lower().strip(".,’'") for w in words]
    if any(not w[:1].isupper() and w.lower() not in PARTICLES for w in words):
        return "a lower-case word"
    if is_org_name(words):
        return "an organization's word"
    if any(w in GROUP_WORDS for w in low):
        return "a group, party or faith"
    if " ".join(low) in US_PLACES or low[-1] in PLACE_WORDS or (len(low) > 1 and low[0] in PLACE_FIRST):
        return "a place"
    if any(w in BUILDING_WORDS for w in low):
        return "a building"
    if len(low) > 1 and low[-1] in _ABBR_TITLE:
        return "a title, not a name"  # "Pennsylvania Gov"
    countries = _country_words()
    if " ".join(words) in countries or any(
        w in countries and not is_known_first_name(w) for w in words
    ):
        return "a country or nationality"
    if (
        text
        and len(words) >= 2
        and not is_known_first_name(words[0])
        and not re.fullmatch(r"[^\W\d_]\.?", words[0])
        and any(re.search(r"(?<![\w’'-])" + re.escape(w) + r"(?![\w’'-])", text) for w in low)
    ):
        return "common words the text also writes in lower case"
    return None


def title_key(word: str) -> str:
    w = word.lower().strip(".")
    return _ABBR_TITLE.get(w, w)


class Registry:
    """Every person and organization mention in the text, grouped into entities."""

    def __init__(self, text: str, toks: list[Token], quote_spans: list[tuple[int, int]]):
        self.text = text
        self.toks = toks
        self.mentions: list[Mention] = []
        self.by_end: dict[int, Mention] = {}
        self.by_start: dict[int, Mention] = {}
        self.entities: list[Entity] = []
        self.descriptors: dict[str, Entity] = {}
        self._build(quote_spans)

    # -- building -------------------------------------------------------------------------
    def _runs(self):
        """Capitalised runs split into (title tokens, name tokens), sentence starters dropped."""
        toks = self.toks
        out = []
        for i, j in name_runs(toks):
            # allow "of"/"for" joins: Ministry of Foreign Affairs, Secretary of State John Kerry
            while (
                j + 1 < len(toks)
                and toks[j].low in ("of", "for")
                and toks[j + 1].word
                and toks[j + 1].cap
            ):
                k = j + 1
                if toks[k].low == "the" and k + 1 < len(toks):
                    k += 1
                nxt = [r for r in name_runs(toks[k : k + 8])]
                if not nxt or nxt[0][0] != 0:
                    break
                j = k + nxt[0][1]
            while j > i + 1 and toks[j - 1].low in _DAYS_MONTHS:
                j -= 1  # "New Hampshire Monday": the day is no part of the name
            while (
                i < j
                and (toks[i].low in STOP_CAPS or toks[i].low.rstrip(".") in STOP_CAPS)
                and not toks[i].low.rstrip(".") in ("mr", "ms", "mrs", "dr")
            ):
                i += 1
            if i >= j:
                continue
            words = [t.text for t in toks[i:j]]
            # "Navy Capt. Jeff Davis", "Pentagon spokesman ...": a person after an org word
            split = None
            for p in range(i + 1, j - 1):
                if (
                    is_known_first_name(toks[p].text)
                    and not is_org_name([t.text for t in toks[p:j]])
                    and not is_title_word(toks[p].text)
                ):
                    split = p
                    break
            if split is not None and is_org_name(words):
                out.append(("person", i, split, j))
                continue
            if is_org_name(words):
                out.append(("organization", i, i, j))
                continue
            k = i
            while k < j - 1 and (
                is_title_word(toks[k].text)
                or toks[k].low in ("of", "for", "the", "on")
                or toks[k].text == "-"
            ):
                k += 1
            # "Miss Universe Alicia Machado", "Wells Fargo CEO John Stumpf": the name starts at
            # a known first name when the run does not
            if j - k >= 3 and not is_known_first_name(toks[k].text):
                for p in range(
                    j - 2, k, -1
                ):  # the last first name: "New York City Mayor Rudy Giuliani"
                    if is_known_first_name(toks[p].text) and toks[p].text[0].isupper():
                        k = p
                        break
            if k > i and toks[k - 1].low in CONNECT:
                continue  # "Undersecretary for North America": a title's complement, no name
            if k >= j:
                continue
            out.append(("person", i, k, j))
        return out

    def _build(self, quote_spans):
        toks = self.toks
        self._quote_spans = quote_spans
        in_q = _in_spans(quote_spans)
        runs = self._runs()
        strong = []
        heads = _headline_spans(self.text, toks)
        for etype, i, k, j in runs:
            if etype == "organization" or _inside(heads, toks[i].start):
                continue
            name = toks[k:j]
            first = name[0].text
            honor = [t.low.strip(".") for t in toks[i:k]]
            adjacent = self._near_cue(i, j)
            if name[-1].low in PLACE_WORDS or non_person_reason(
                self.text[name[0].start : name[-1].end], self.text
            ):
                continue
            prep = toks[i - 1].low if i > 0 else ""
            plain = (
                2 <= len(name) <= 4
                and k == i
                and prep not in PLACE_PREPS
                and not any(t.low in STOP_CAPS or t.text.isupper() for t in name)
            )
            if (
                (k > i and (len(name) >= 2 or honor))
                or (len(name) >= 2 and (is_known_first_name(first) or adjacent or plain))
                or (len(name) == 1 and adjacent and honor)
            ):
                strong.append((i, k, j))
        # person entities from strong forms, fullest first; a shorter form joins the one
        # full name it can stand for (identity.short_for), and a one-word form two people
        # can own ("Clinton" beside Bill and Hillary Clinton) is resolved mention by mention
        forms: dict[tuple, Entity] = {}
        shared: set[tuple] = set()
        for i, k, j in sorted(strong, key=lambda r: -(r[2] - r[1])):
            key = tuple(t.text for t in toks[k:j])
            if len(key) > 1 and key[0].lower() in LOWER_PARTICLES:
                continue  # "De Vries" at a sentence start: matched below against "Henk de Vries"
            if key in forms or key in shared:
                continue
            written = self.text[toks[k].start : toks[j - 1].end]
            owners: list[Entity] = []
            for ent_key, ent in forms.items():
                if (
                    len(ent_key) > len(key)
                    and ent not in owners
                    and short_for(written, " ".join(ent_key))
                ):
                    owners.append(ent)
            if len(owners) > 1:
                shared.add(key)
                continue
            owner = owners[0] if owners else None
            if owner is None:
                owner = Entity(written, "person")
                self.entities.append(owner)
            forms[key] = owner
            if written not in owner.forms:
                owner.forms.append(written)
        for ent in self.entities:
            if ent.etype == "person" and ent.gender is None:
                ent.gender = first_name_gender(ent.name.split()[0])
        self._person_forms = forms
        surnames: dict[str, list[Entity]] = {}
        for key, ent in forms.items():
            words = name_parts(" ".join(key))[0]
            for word in {words[0], words[-1]} if len(words) >= 2 else set(words):
                if ent not in surnames.setdefault(word, []):
                    surnames[word].append(ent)
        self._placeholders: dict[str, Entity] = {}
        self._seen: dict[int, int] = {}  # entity id -> its first mention
        self._kin: set[int] = set()  # entities introduced as someone's relative ("his wife, X")
        self._kin_words: dict[int, set[str]] = {}  # entity id -> "husband", "son", ...
        last_full: dict[int, int] = {}
        orgs: dict[str, Entity] = {}
        for etype, i, k, j in runs:
            if _inside(heads, toks[i].start):
                continue  # a headline's capitals are no names
            s, e = toks[i].start, toks[j - 1].end
            text = self.text[s:e]
            if etype == "organization":
                key = text.lower()
                ent = orgs.get(key)
                if ent is None:
                    ent = orgs[key] = Entity(text, "organization", [text])
                    self.entities.append(ent)
                m = Mention(s, e, text, ent, in_quote=in_q(s))
                self._add(m)
                # "Ministry of Foreign Affairs (SRE)": the acronym is a form of the same org
                if (
                    j + 2 < len(toks)
                    and toks[j].text == "("
                    and toks[j + 2].text == ")"
                    and toks[j + 1].text.isupper()
                ):
                    a = toks[j + 1]
                    acr = a.text
                    orgs[acr.lower()] = ent
                    if acr not in ent.forms:
                        ent.forms.append(acr)
                continue
            key = tuple(t.text for t in toks[k:j])
            ent = forms.get(key)
            if ent is None and len(key) > 1 and key[0].lower() in LOWER_PARTICLES:
                low = tuple(w.lower() for w in key)
                for fk, fe in forms.items():
                    if _contains(tuple(w.lower() for w in fk), low):
                        ent = fe
                        break
                written = self.text[toks[k].start : toks[j - 1].end]
                if ent is not None and written not in ent.forms:
                    ent.forms.append(written)
            if ent is None:
                cands: list[Entity] = []
                if len(key) == 1:
                    cands = surnames.get(fold_name(key[0]), [])
                else:
                    for fk, fe in forms.items():
                        if (_contains(fk, key) or _contains(key, fk) and len(fk) >= 2) and fe not in cands:
                            cands.append(fe)
                if not cands:
                    continue
                ent = cands[0] if len(cands) == 1 else self._by_context(cands, i, j, k, toks[k].start, last_full)
                name_text = self.text[toks[k].start : toks[j - 1].end]
                if ent is None:
                    ent = self._unresolved(name_text, cands)
                if name_text not in ent.forms:
                    ent.forms.append(name_text)
            ns, ne = toks[k].start, toks[j - 1].end
            title = self.text[s : toks[k - 1].end] if k > i else None
            m = Mention(
                ns,
                ne,
                self.text[ns:ne],
                ent,
                title=title,
                title_span=(s, ne) if title else None,
                in_quote=in_q(ns),
            )
            if title and not any(is_title_word(w) for w in title.split()):
                title = None  # "Hold Melania Trump": a verb at a sentence start is no title
            if title and not ent.ambiguous:
                ent.titles.append((title, (s, ne)))
                for t in toks[i:k]:
                    if ent.gender is None:
                        if t.low.strip(".") in HONORIFICS_M:
                            ent.gender = "m"
                        elif t.low.strip(".") in HONORIFICS_F:
                            ent.gender = "f"
            if len(key) >= 2 and not ent.ambiguous:
                last_full[id(ent)] = ns
            if not ent.ambiguous:
                self._seen.setdefault(id(ent), ns)
                kin = [t.low for t in toks[max(0, i - 3) : i] if t.low in KIN_WORDS]
                if kin:
                    self._kin.add(id(ent))
                    self._kin_words.setdefault(id(ent), set()).add(kin[-1])
                if ent.gender is None:
                    ent.gender = _gender_beside(toks, i, j)
            self._add(m)
        for m in self.mentions:
            if m.entity.etype != "person" or m.in_quote or m.entity.ambiguous:
                continue
            e = bisect_tok(toks, m.end)
            if e + 2 < len(toks) and toks[e].text == "," and toks[e + 1].low in ("the", "a", "an"):
                f = e + 2
                while f < len(toks) and f < e + 12 and toks[f].text not in ',.;:!?“”"()—':
                    f += 1
                if f < len(toks) and toks[f].text in ",." and f > e + 2:
                    m.entity.titles.append(
                        (self.text[toks[e + 2].start : toks[f - 1].end], (m.start, toks[f - 1].end))
                    )
            b = bisect_tok(toks, m.start)
            if (
                b >= 2
                and toks[b - 1].text == ","
                and toks[b - 2].word
                and not toks[b - 2].cap
                and is_title_word(toks[b - 2].text)
            ):
                a = b - 2
                while (
                    a - 1 >= 0
                    and toks[a - 1].word
                    and not toks[a - 1].cap
                    and b - a < 5
                    and toks[a - 1].low not in ("the", "a", "an", "and", "that", "said")
                ):
                    a -= 1
                m.entity.titles.append(
                    (self.text[toks[a].start : toks[b - 2].end], (toks[a].start, m.end))
                )
        for ent in self.entities:
            if ent.etype == "person" and ent.gender is None:
                ent.gender = first_name_gender(ent.name.split()[0])
        self.mentions.sort(key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]

    def _near_cue(self, i, j):
        toks = self.toks
        before = toks[i - 1].low if i > 0 else ""
        after = toks[j].low if j < len(toks) else ""
        after2 = toks[j + 1].low if j + 1 < len(toks) else ""
        return (
            before in VERBS
            or after in VERBS
            or (after == "," and after2 in ("a", "an", "the", "who"))
            or (before == "to" and i > 1 and toks[i - 2].low == "according")
        )

    def _by_context(self, cands, i, j, k, pos, last_full):
        """Which of two people sharing a surname a mention means, or None: the only one named
        before it; "the elder"/"the younger" for Sr./Jr.; a he/she in the mention's own clause
        that fits one of them; a kin word earlier in the paragraph ("Her husband said ...") one
        of them was introduced with; a "Mr."/"Mrs." that fits one of them; a title only one of them was given
        ("former President"); the nearest earlier full mention in the same paragraph; the only
        one not introduced as someone's relative ("his wife, Heidi Cruz"), whom news text calls
        by the surname alone."""
        earlier = [c for c in cands if self._seen.get(id(c), pos) < pos]
        if earlier:
            cands = earlier
        if len(cands) == 1:
            return cands[0]
        toks = self.toks
        if i >= 1 and toks[i - 1].low in ("elder", "younger"):
            # `the elder Castellanos`: the one written Sr. (the younger: Jr.)
            suffix = "sr" if toks[i - 1].low == "elder" else "jr"
            fit = [c for c in cands if c.name.split()[-1].lower().strip(".") == suffix]
            if len(fit) == 1:
                return fit[0]
        gender = _pronoun_after(toks, i, j)
        if gender:
            # `Okonkwo said, as she slid a tray`: the pronoun of the mention's own clause
            fit = [c for c in cands if c.gender == gender]
            if len(fit) == 1:
                return fit[0]
        kin = self._kin_word_before(i)
        if kin:
            # `Her husband said the sign was staying. "...," Okonkwo said.`: the husband
            fit = [c for c in cands if kin in self._kin_words.get(id(c), ())]
            if len(fit) == 1:
                return fit[0]
        honor = {t.low.strip(".") for t in toks[i:k]}
        gender = "m" if honor & HONORIFICS_M else "f" if honor & HONORIFICS_F else None
        if gender:
            fit = [c for c in cands if c.gender == gender]
            if len(fit) == 1:
                return fit[0]
        heads = {title_key(t.text) for t in toks[i:k] if is_title_word(t.text)}
        heads -= HONORIFICS_M | HONORIFICS_F | {"mr.", "mrs.", "ms."}
        if heads:
            fit = [
                c
                for c in cands
                if any(heads & {title_key(w) for w in title.split()} for title, _ in c.titles)
            ]
            if len(fit) == 1:
                return fit[0]
        paragraph = self.text.rfind("\n", 0, pos)
        best = max(cands, key=lambda c: last_full.get(id(c), -1))
        if last_full.get(id(best), -1) > paragraph:
            return best
        principal = [c for c in cands if id(c) not in self._kin]
        if len(principal) == 1:
            return principal[0]
        return None

    def _kin_word_before(self, i):
        """The last kin word ("her husband") before token i in its paragraph, outside quotes."""
        toks = self.toks
        for t in reversed(toks[max(0, i - 60) : i]):
            if t.text == "\n":
                return None
            if t.low in KIN_WORDS and not _inside(self._quote_spans, t.start):
                return t.low
        return None

    def _unresolved(self, written, cands):
        """One stand-in per shared form the context could not resolve: it names no one, and
        says whom it may be (Entity.ambiguous)."""
        ent = self._placeholders.get(written)
        if ent is None:
            ent = Entity(written, "person", [], ambiguous=sorted(c.name for c in cands))
            self._placeholders[written] = ent
            self.entities.append(ent)
        return ent

    def _add(self, m: Mention):
        self.mentions.append(m)
        self.by_end[m.end] = m
        self.by_start[m.start] = m

    # -- queries --------------------------------------------------------------------------
    def mentions_before(self, pos: int):
        """Mentions ending before pos, latest first."""
        import bisect

        idx = bisect.bisect_left(self._starts, pos)
        for k in range(idx - 1, -1, -1):
            m = self.mentions[k]
            if m.end <= pos:
                yield m

    def mentions_between(self, start: int, end: int):
        import bisect

        k = bisect.bisect_left(self._starts, start)
        while k < len(self.mentions) and self.mentions[k].start < end:
            yield self.mentions[k]
            k += 1

    def person_with_title(self, head: str, pos: int):
        head = title_key(head)
        for m in self.mentions_before(pos):
            ent = m.entity
            if ent.etype != "person":
                continue
            for title, _ in ent.titles:
                if head in {title_key(w.strip(",’'s")) for w in title.split()}:
                    return m
        return None

    def person_introduced_as(self, kin: str, pos: int):
        """The latest person before pos introduced as someone's `kin` ("her husband, X")."""
        for m in self.mentions_before(pos):
            if m.entity.etype == "person" and kin in self._kin_words.get(id(m.entity), ()):
                return m
        return None

    def org_with_word(self, head: str, pos: int):
        head = head.lower()
        fallback = None
        for m in self.mentions_before(pos):
            if m.entity.etype == "organization" and head in m.entity.name.lower().split():
                return m
        for m in self.mentions:
            if m.entity.etype == "organization" and head in m.entity.name.lower().split():
                fallback = fallback or m
        return fallback


def _gender_beside(toks, i, j):
    """A gender the words next to a name give: `her husband, Emeka Okonkwo` (a gendered noun
    and a comma before it), `Ngozi Okonkwo and her husband` (a possessive right after it)."""
    if i >= 2 and toks[i - 1].text == ",":
        w = toks[i - 2].low
        if w in GENDER_WORDS_M and w not in PRONOUN_WORDS:
            return "m"
        if w in GENDER_WORDS_F and w not in PRONOUN_WORDS:
            return "f"
    if j + 1 < len(toks) and toks[j].low == "and" and toks[j + 1].low in ("his", "her"):
        return "m" if toks[j + 1].low == "his" else "f"
    return None


PRONOUN_WORDS = {"he", "him", "his", "she", "her", "hers"}


def _pronoun_after(toks, i, j):
    """The gender of the first he/his/she/her after a name in its clause (`Okonkwo said,
    laughing, as she slid`), none past a sentence end, a quote mark or another capital."""
    for t in toks[j : j + 15]:
        if t.text in ".!?;“”\"\n" or (t.cap and t.word and t.low not in PRONOUN_WORDS):
            return None
        if t.low in ("he", "his", "him"):
            return "m"
        if t.low in ("she", "her", "hers"):
            return "f"
    return None


def _headline_spans(text, toks):
    """Paragraphs in Title Case without a final stop (headlines): their capitalised runs are no names."""
    out = []
    for n, m in enumerate(re.finditer(r"[^\n]+", text)):
        line = m.group().strip()
        words = re.findall(r"[^\W\d_][\w’'\-]*", line)
        if len(words) < 4 or line.endswith((".", "”", '"')) and n > 0:
            continue  # the first line may be a headline even with a stop
        caps = sum(1 for w in words if w[0].isupper())
        small = sum(
            1
            for w in words
            if w.lower()
            in (
                "a",
                "an",
                "the",
                "of",
                "and",
                "or",
                "in",
                "on",
                "to",
                "for",
                "with",
                "at",
                "by",
                "is",
            )
        )
        stop = line.endswith((".", "”", '"'))
        if caps >= (1.0 if stop else 0.7) * (len(words) - small) and caps >= 3:
            out.append((m.start(), m.end()))
    return out


def _inside(spans, pos):
    return any(s <= pos < e for s, e in spans)


def bisect_tok(toks, pos):
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].start < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _contains(big: tuple, small: tuple) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def _in_spans(spans):
    import bisect

    spans = sorted(spans)
    starts = [s for s, _ in spans]

    def inside(pos):
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and spans[i][0] <= pos < spans[i][1]

    return inside
