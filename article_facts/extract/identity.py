"""When two written names can be one person: the rules that keep one person on one row and
two people on two.

- "Donald J. Trump" and "Donald Trump" are one person (a middle initial may be left out), and
  so are "HIllary Clinton" and "Hillary Clinton" (case), "Álvarez" and "Alvarez" (accents).
- "Donald Trump Jr." is not "Donald Trump": "Jr.", "Sr.", "II", "III" are part of the name.
- "Melania Trump" is not "Donald Trump": a shared surname never joins two first names.
- "Tom Cole of Oklahoma" is the name "Tom Cole": what follows "of"/"for" is not the name.
- A one-word form ("Trump", "Hillary") may stand for a full name of the same article, never
  for a name of another article (that would be matching by surname alone).

Pure functions on strings; nothing here reads the text around a name.
"""

from __future__ import annotations

import re
import unicodedata

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
POSSESSIVE = re.compile(r"[’']s?$")


def fold(word: str) -> str:
    """Case and accents dropped: 'Álvarez' -> 'alvarez', 'HIllary' -> 'hillary'."""
    ascii_ = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return (ascii_ or word).casefold().replace("’", "'")


def is_initial(word: str) -> bool:
    """'J.' or 'J' (one letter, with or without its stop)."""
    return bool(re.fullmatch(r"[^\W\d_]\.?", word))


def parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """(words without initials or suffix, initials, suffix), all folded. A possessive at the
    end is not part of the name."""
    words = [w.strip(",") for w in name.replace("\u00a0", " ").split()]
    # "Tom Cole of Oklahoma", "Ana Ruiz for the ministry": the name ends before "of"/"for"
    cut = next((n for n, w in enumerate(words) if n and w in ("of", "for")), len(words))
    words = words[:cut]
    if words:
        words[-1] = POSSESSIVE.sub("", words[-1]) if words[-1].endswith(("’s", "'s")) else words[-1]
    suffix = None
    if len(words) > 1 and fold(words[-1]).strip(".") in SUFFIXES:
        suffix = fold(words.pop()).strip(".")
    initials = tuple(fold(w).strip(".") for w in words if is_initial(w))
    rest = tuple(fold(w) for w in words if w and not is_initial(w))
    return rest, initials, suffix


def is_full(name: str) -> bool:
    """A first name and a surname at least ("Hillary Clinton", "J. Joe Ricketts")."""
    return len(parts(name)[0]) >= 2


def same_person(a: str, b: str) -> bool:
    """Two full names that name one person: the same words once initials are set aside, the
    same suffix, and no two different initials."""
    wa, ia, sa = parts(a)
    wb, ib, sb = parts(b)
    if len(wa) < 2 or wa != wb or sa != sb:
        return False
    return not ia or not ib or ia == ib


def short_for(short: str, full: str) -> bool:
    """A shorter form of the same article that can stand for the full name: its surname
    ("Trump", "De Blasio", "Wasserman Schultz"), its first name ("Hillary"), or the full name
    without an initial. A form with a first name and a surname but no suffix never stands for
    a name with one ("Donald Trump" is not "Donald Trump Jr.")."""
    ws, is_, ss = parts(short)
    wf, if_, sf = parts(full)
    if not ws or len(ws) > len(wf):
        return False
    if ss and ss != sf:
        return False
    if len(ws) >= 2:
        if ws == wf:
            return same_person(short, full)
        # a compound surname ("Wasserman Schultz" of "Debbie Wasserman Schultz")
        return not ss and not sf and ws == wf[-len(ws):] and not is_
    return ws[0] == wf[-1] or ws[0] == wf[0]


def first_names_differ(a: str, b: str) -> bool:
    """Two full names with the same surname and different first names: two people."""
    wa, _, sa = parts(a)
    wb, _, sb = parts(b)
    return len(wa) >= 2 and len(wb) >= 2 and wa[-1] == wb[-1] and (wa[0] != wb[0] or sa != sb)
