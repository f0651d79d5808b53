"""Words of a quote as (original, normalised) pairs: the normalised form is what two wordings
are compared on (case, curly or straight marks, punctuation and width do not count); the
original is what a reader is shown."""
import re
import unicodedata

ELLIPSIS = "…"
# Between the parts of a quote split around its attribution, where the attribution was (the
# quote page and /check join them so; the verdict reads the ellipsis as no word dropped).
PART_JOINER = f" {ELLIPSIS} "
_ELLIPSIS_RE = re.compile(r"(\.\s?\.\s?\.|…)")
_NON_WORD = re.compile(r"[^\w]+")


def normalise_word(word):
    """The comparable form of one word: NFKC, casefolded, without punctuation ("Don’t," and
    "don't" are the same word); "" for a word that is only punctuation."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", word).casefold())


def split_words(text):
    """Whitespace-separated words, with each ellipsis a word of its own."""
    text = _ELLIPSIS_RE.sub(f" {ELLIPSIS} ", text)
    return text.split()


def tokens(text):
    """(original, normalised) pairs. An ellipsis normalises to "…"; a word that is only
    punctuation (a dash, a lone quotation mark) is glued to its neighbour so no text is lost
    and nothing empty is aligned."""
    out, pending = [], ""
    for word in split_words(text or ""):
        if word == ELLIPSIS:
            out.append([word, ELLIPSIS])
            continue
        norm = normalise_word(word)
        if not norm:
            if out and out[-1][1] != ELLIPSIS:
                out[-1][0] += " " + word
            else:
                pending += word + " "
            continue
        out.append([pending + word, norm])
        pending = ""
    if pending:
        if out:
            out[-1][0] += " " + pending.strip()
        else:
            return []
    return [tuple(pair) for pair in out]


def normalised(text):
    """The normalised words of text, ellipses dropped: what is searched and scored."""
    return [norm for _, norm in tokens(text) if norm != ELLIPSIS]


# Function words of the archive's languages (English, Spanish): in most statements, so they
# tell statements apart badly. /check leaves them out of its FTS5 queries (check/search.py),
# the variant groups out of their blocking keys (variants.py STOPWORDS, which adds more).
FUNCTION_WORDS = frozenset("""
a an and are as at be been but by for from had has have he her his i if in is it its not of on or our she
that the their there they this to was we were which will with would you
al con de del el en es la las lo los no por que se su un una y
""".split())

_TERM = re.compile(r"[^\W_]+")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")


def search_terms(text):
    """The words of text as SQLite FTS5's unicode61 tokenizer splits them (letters and digits;
    everything else separates), casefolded, in order, without the words inside [brackets]
    (an editor's words, not the speaker's)."""
    return _TERM.findall(unicodedata.normalize("NFKC", _BRACKETS.sub(" ", text)).casefold())


def only_conventions(words):
    """True when words (a diff block's pasted side) are only ellipses and [bracketed] words:
    the marks a quotation uses for omitted, added or changed words."""
    rest = _BRACKETS.sub(" ", words.replace(ELLIPSIS, " ").replace("...", " "))
    return not rest.strip(" \t\n\"'“”‘’«»,.;:")


def has_brackets(words):
    return bool(_BRACKETS.search(words))


def count_words(text):
    """Words of text, ellipses not counted."""
    return len(normalised(text))
