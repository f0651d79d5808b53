"""/check's parameters, checked before any query: q (the pasted words), speaker (a name or
its start) and lang (an ISO 639-1 code). A bad one is a CheckRequestError with a one-line
message, answered 400; words that look like FTS5 syntax are only words."""
import re
import unicodedata

from .words import search_terms

MAX_CHARS = 5000
MAX_WORDS = 300
MAX_SPEAKER_CHARS = 200
LANG = re.compile(r"[a-z]{2,3}")
ALLOWED_CONTROL = "\t\n\r"


class CheckRequestError(ValueError):
    """A parameter /check cannot take: answered 400 with this message."""


def one(args, name):
    """The one value of parameter name ('' when absent); given twice is an error."""
    values = args.getlist(name)
    if len(values) > 1:
        raise CheckRequestError(f"{name} is given {len(values)} times; give it once")
    return values[0] if values else ""


def clean_text(name, value, max_chars):
    """value without invisible format characters (zero-width spaces, soft hyphens, byte order
    marks: pasted text carries them); control characters and lone surrogates are errors."""
    if len(value) > max_chars:
        raise CheckRequestError(f"{name} is {len(value):,} characters long; at most {max_chars:,} are checked")
    kept = []
    for position, char in enumerate(value):
        category = unicodedata.category(char)
        if category == "Cc" and char not in ALLOWED_CONTROL:
            raise CheckRequestError(f"{name} has a control character (U+{ord(char):04X}) at character {position + 1}")
        if category == "Cs":
            raise CheckRequestError(f"{name} has an unpaired surrogate (U+{ord(char):04X}) at character {position + 1}")
        if category != "Cf":
            kept.append(char)
    return "".join(kept)


def check_params(args):
    """(q, speaker, lang) from request.args; q is None when it is not given at all (the
    page's empty form), else it has words to check."""
    given = "q" in args
    q = clean_text("q", one(args, "q"), MAX_CHARS)
    speaker = " ".join(clean_text("speaker", one(args, "speaker"), MAX_SPEAKER_CHARS).split())
    lang = one(args, "lang").strip().lower()
    if lang and not LANG.fullmatch(lang):
        raise CheckRequestError(f"lang {lang[:20]!r} is not a language code (two letters, ISO 639-1: en, es)")
    if not given:
        return None, speaker, lang
    if not q.strip():
        raise CheckRequestError("q is empty: paste the words to check")
    words = len(q.split())
    if words > MAX_WORDS:
        raise CheckRequestError(f"q has {words:,} words; at most {MAX_WORDS} are checked (paste the quote, not the article)")
    if not search_terms(q):
        raise CheckRequestError("q has no words to check, only punctuation or symbols")
    return q, speaker, lang
