"""Which drafted people are people, their names cut clean, and which titles are roles.

The draft gets speaker names from the speaker rules and titled names from entities; before one
becomes a person row it passes here: a name that is no person's (a place, an outlet, a party,
a headline phrase) is refused with the reason, a name is cut to the name alone (no possessive,
no "of Indiana", no title in front), and a surname two people of the article share is never
given to either of them. Everything returned is a piece of the strings given, so it stays
copied from the text.
"""

from __future__ import annotations

import re

from .identity import first_names_differ, is_initial
from .mentions import (
    GENDER_WORDS_F,
    GENDER_WORDS_M,
    NEWS_TITLES,
    STOP_CAPS,
    is_known_first_name,
    is_title_word,
    non_person_reason,
)

HONORIFIC_ONLY = {"mr", "mrs", "ms", "miss", "messrs", "madam", "madame", "sir", "dame"}
# fmt: off
# Words that qualify a title but are none ("White House", "State", "Democratic"): no role ends in one
MODIFIERS = {
    "acting", "campaign", "city", "county", "defence", "defense", "democratic", "deputy",
    "district", "economy", "executive", "federal", "finance", "foreign", "former", "health",
    "house", "interim", "interior", "majority", "minority", "national", "presidential", "press",
    "prime", "republican", "security", "senate", "state", "supreme", "u.s.", "under", "us",
    "vice", "white", "battalion"
}
# Role nouns of news text beyond the name titles ("host", "pollster", "strategist")
ROLE_NOUNS = {
    "activist", "aide", "anchor", "author", "candidate", "columnist", "commander", "consultant",
    "correspondent", "counsel", "editor", "envoy", "founder", "host", "nominee", "official",
    "pollster", "reporter", "strategist", "treasurer", "writer"
}
# fmt: on
# "Paul Ender of Ostend", "Mara Quint for the Velia Herald", "Ana Ruiz, 43"
NAME_CUT = re.compile(r"(?:\s+(?:of|for|from|at|in|on)\s|,).*$", re.S)


def clean_name(name: str) -> str:
    """The name alone: what follows "of"/"for"/a comma and a final possessive cut off, and a
    title in front ("Homeland Security Secretary Jeh Johnson") dropped when two or more name
    words stay."""
    name = NAME_CUT.sub("", name.strip())
    if name.endswith(("’s", "'s")):
        name = name[:-2]
    if re.search(r"[^\W\d_]{3,}\.$", name) and not re.search(r"(?i)\b(?:jr|sr)\.$", name):
        name = name[:-1]  # "Carla Sanchez." signing a letter: the stop ends the sentence
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", name)]
    titles = [n for n, (_, w) in enumerate(words) if is_title_word(w) and not is_initial(w)]
    if titles and len(words) - titles[-1] - 1 >= 2 and words[titles[-1] + 1][1][:1].isupper():
        name = name[words[titles[-1] + 1][0] :]
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", name)]
    if len(words) >= 3 and not is_known_first_name(words[0][1]) and not is_initial(words[0][1]):
        # "Universe Alicia Machado" (from "Miss Universe Alicia Machado"): the name starts at
        # its first name
        first = next((n for n in range(1, len(words) - 1) if is_known_first_name(words[n][1])), None)
        if first is not None:
            name = name[words[first][0] :]
    return name


def refusal(name: str, text: str) -> str | None:
    """Why name cannot be a person row, or None."""
    if not name or not name[:1].isupper():
        return f"'{name}' is not a name"
    reason = non_person_reason(name, text)
    if reason:
        return f"'{name}' is not a person ({reason})"
    first_line = text.split("\n", 1)[0]
    if name in first_line and name not in text[len(first_line):]:
        return f"'{name}' is only in the headline, whose capitals are no names"
    return None


def one_word_person(name: str, text: str) -> tuple[bool | None, str]:
    """Whether a one-word name the text never writes in full may still be a person row, and
    the note or reason: yes with a title in front somewhere ("President Obama"), no when the
    text writes "the <name>" ("The Hill reported"), else None (the text cannot tell: the
    caller may know the word as a surname)."""
    before = re.finditer(r"(?<![\w’'])([A-Z][a-z]+\.?)\s" + re.escape(name) + r"(?![\w’'])", text)
    if any(role_title(m.group(1)) or m.group(1).lower().strip(".") in HONORIFIC_ONLY for m in before):
        return True, f"named by a title and '{name}' only; the text gives no full name"
    if re.search(r"(?<![\w’'])[Tt]he\s" + re.escape(name) + r"(?![\w’'])", text):
        return False, f"'{name}' is not a person (the text writes 'the {name}')"
    return None, f"'{name}' is one word with no first name or title in the text: not taken for a person"


def full_names_ending(text: str, word: str) -> set[str]:
    """The full names "<First> <word>" the text writes ("Bill Clinton", "Hillary Clinton"),
    a middle initial allowed ("Donald J. Trump"); titles and sentence words in front are no
    first names."""
    found = set()
    pattern = (r"(?<![\w’'.])([A-Z][\w’'-]+)((?: [A-Z]\.)*) " + re.escape(word)
               + r"((?:,? (?:Jr\.|Sr\.|II|III|IV)(?![\w’'-]))?)(?![\w’'-])")
    for match in re.finditer(pattern, text):
        first = match.group(1)
        if is_title_word(first) or first.lower() in STOP_CAPS or first.lower().rstrip(".") in HONORIFIC_ONLY:
            continue
        found.add(f"{first}{match.group(2)} {word}{match.group(3)}")
    return found


def shared_by(text: str, word: str, name: str) -> list[str]:
    """Other people of the text whose full name also ends in word (a surname name shares with
    them): "Bill Clinton" for "Clinton" of "Hillary Clinton"."""
    return sorted(other for other in full_names_ending(text, word) if first_names_differ(name, other))


def role_title(title: str | None) -> bool:
    """A title the text gives a person ("Sen.", "Foreign Minister", "spokeswoman for the
    ministry"): its head word (the last before "of"/"for"/"at"/"on") is a title word, and it is
    more than an honorific ("Mrs.") or a stray word ("radio", "aims high")."""
    if not title:
        return False
    head_part = re.split(r"\s+(?:of|for|at|on|to|in|with)\s", title.strip(), maxsplit=1)[0]
    words = [w for w in head_part.replace("\u00a0", " ").split() if w.lower() not in ("the", "a", "an")]
    if not words or any(ch.isdigit() for ch in title):
        return False
    head = words[-1].strip(",’'").lower()
    key = head.strip(".")
    if key in HONORIFIC_ONLY or head in MODIFIERS or key in MODIFIERS:
        return False
    return key in NEWS_TITLES or key in ROLE_NOUNS or key in GENDER_WORDS_M | GENDER_WORDS_F and key.startswith(("spokes", "chair", "congress", "council", "assembly", "business"))
