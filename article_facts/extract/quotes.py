"""Finding quotation-mark spans in an article and telling direct quotes from partial and scare quotes.

Works paragraph by paragraph (a paragraph is a non-empty line, as in article.txt), in one pass
over the marks, so it is linear in the text's length and cannot fail on unbalanced marks: an
opening mark that never closes is dropped unless the next paragraph opens a quote again (the
English convention for a quote running over several paragraphs).

Two apostrophes (`''`) count as a straight quotation mark: news archives in plain text (the New
York Times' among them) write every quotation mark that way. A `''` mark's `open_at` and
`close_at` are its second apostrophe, so the words still start at open_at + 1 and the text
after the quote at close_at + 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
STRAIGHT = '"'
DOUBLE_APOSTROPHE = "''"
_MARK = re.compile(r"''|[“”\"«»„]")
_DATE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}"
)
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[^\W_][\w’'\-]*")


@dataclass
class QuoteSpan:
    """One quoted span: `start`/`end` bound the words (schema rule 4), `open_at`/`close_at` the marks."""

    start: int
    end: int
    open_at: int
    close_at: int | None  # None: ends at the end of its paragraph (multi-paragraph quote)
    para: tuple[int, int]
    kind: str = "direct"  # 'direct' | 'partial' | 'other' (scare quotes, titles, nicknames)
    comma_before_close: bool = False

    @property
    def outer_end(self) -> int:
        """Offset just after the closing mark (or the paragraph end)."""
        return self.close_at + 1 if self.close_at is not None else self.para[1]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty lines as (start, end), surrounding white space left out."""
    out = []
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _starts_with_open(text: str, para: tuple[int, int]) -> bool:
    ch = text[para[0]]
    return ch in OPEN_MARKS or ch == STRAIGHT or text.startswith(DOUBLE_APOSTROPHE, para[0])


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text, start, end))


def find_quote_marks(text: str) -> list[QuoteSpan]:
    """Every balanced pair of quotation marks (and multi-paragraph openings), classified."""
    paras = paragraphs(text)
    spans: list[QuoteSpan] = []
    for i, para in enumerate(paras):
        open_at = None
        for m in _MARK.finditer(text, para[0], para[1]):
            ch, pos = m.group(), m.end() - 1  # a '' mark stands at its second apostrophe
            if ch in OPEN_MARKS:
                open_at = pos  # an unclosed earlier opening is dropped
            elif ch in CLOSE_MARKS:
                if open_at is not None:
                    _add(text, spans, open_at, pos, para)
                    open_at = None
            else:  # straight mark: opens when nothing is open, else closes
                if open_at is None:
                    after = text[pos + 1] if pos + 1 < para[1] else " "
                    before = text[m.start() - 1] if m.start() > para[0] else " "
                    if after.isspace() and not before.isspace() and m.start() > para[0]:
                        continue  # looks like a stray closing mark
                    open_at = pos
                else:
                    _add(text, spans, open_at, pos, para)
                    open_at = None
        if open_at is not None and i + 1 < len(paras) and _starts_with_open(text, paras[i + 1]):
            _add(text, spans, open_at, None, para)
    for q in spans:
        q.kind = classify(text, q)
    return spans


def _add(text, spans, open_at, close_at, para):
    s = open_at + 1
    e = close_at if close_at is not None else para[1]
    if close_at is not None and text.startswith(DOUBLE_APOSTROPHE, close_at - 1):
        e = close_at - 1  # the words end before the first apostrophe of a '' mark
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    comma = False
    if close_at is not None and e > s and text[e - 1] == ",":
        comma = True
        e -= 1
        while e > s and text[e - 1].isspace():
            e -= 1
    if e > s and any(c.isalnum() for c in text[s:e]):
        spans.append(QuoteSpan(s, e, open_at, close_at, para, comma_before_close=comma))


_SENT_END = re.compile(r"[.!?:;]\s*[”\"»]?\s*$|[—–-]\s*$")
_CUE_BEFORE = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|stated|states|declared|"
    r"explained|continued|replied|responded|answered|insisted|argued|warned|noted|recalled|"
    r"tweeted|posted|announced|concluded|saying|adding|writing|telling|asking|noting|"
    r"explaining|declaring|according to [^,]{1,80}|put it|reads?|reading)\s*(?:[,:]\s*)?$",
    re.I,
)


def classify(text: str, q: QuoteSpan) -> str:
    """'direct' for sentence-like speech, 'partial' for quoted words inside a sentence, else 'other'."""
    if q.close_at is None:
        return "direct"
    content0 = text[q.start : q.end]
    if (
        not re.search(r"[^\W\d_]{2}", content0)
        or content0.lstrip().startswith(("@", "#", "http", "www."))
        or re.fullmatch(r"[\w\-]*\d[\w\-]*", content0)
    ):
        return "other"  # ids, handles, dates, numbers: markup, not speech
    if _DATE.fullmatch(content0.strip()) or re.fullmatch(r"[a-z]*[A-Z][a-z]+[A-Z]\w*", content0):
        return "other"  # a date line or a CamelCase handle from an embedded post
    mark = q.open_at - 1 if text.startswith(DOUBLE_APOSTROPHE, q.open_at - 1) else q.open_at
    lead = text[max(q.para[0], mark - 12) : mark].rstrip().lower()
    if _is_title_like(content0.rstrip(".,")) and _wordcount(content0) <= 6 and (
        re.search(r"(?:\bon|\bin|\bat|\bto|\bof|\bfrom|’s|'s|\btitled|\bcalled|\bnamed)[,:]?$", lead)
    ):
        return "other"  # "on CBS's “Face the Nation,”": a programme, book or film title
    if content0.startswith("(") and content0.rstrip(".").endswith(")"):
        return "other"  # "(CROSSTALK.)": a transcript's stage direction
    para_start = q.para[0]
    before = text[max(para_start, mark - 120) : mark]
    after = text[q.outer_end : min(q.para[1], q.outer_end + 80)]
    content = text[q.start : q.end]
    words = _words(text, q.start, q.end)
    last = content.rstrip()[-1:] if content.strip() else ""
    ends_punct = q.comma_before_close or last in ".!?…—–-" or content.endswith("...")
    stripped_before = before.rstrip()
    at_sentence_start = (
        q.open_at == para_start or not stripped_before or bool(_SENT_END.search(stripped_before))
    )
    after_cue = bool(_CUE_BEFORE.search(before)) and (
        stripped_before.endswith((",", ":")) or words >= 4 and content[:1].isupper()
    )
    after_starts_cue = bool(
        re.match(
            r"\s*[,]?\s*(?:[A-Z]|he\b|she\b|they\b|it\b|the\b|a\b|"
            r"said\b|says\b|added\b|according\b|wrote\b|told\b)",
            after,
        )
    )
    if at_sentence_start and (words >= 3 or ends_punct or after_starts_cue):
        return "direct"
    if after_cue and (words >= 2 or ends_punct):
        return "direct"
    if _is_title_like(content.rstrip(",")) and words <= 8 and _WORK_AFTER.match(after):
        return "other"  # `“Salt on the Rye,” the song he first performed`: a title
    if (
        q.comma_before_close
        and content[:1].islower()
        and not at_sentence_start
        and not after_cue
        and re.match(r"\s*(?:and|but|or|which|while|because)\b", after)
    ):
        return "partial"  # `the case was “a tragedy, not a crime,” and that ...`: the sentence's comma
    if q.comma_before_close and words >= 3:
        return "direct"
    if words >= 6 and ends_punct and last in ".!?" and content[:1].isupper():
        return "direct"
    if _is_title_like(content) and words <= 6 and not ends_punct:
        return "other"
    return "partial"


_WORK_AFTER = re.compile(
    r"\s*,?\s*(?:the|a|an|his|her|their|its)\s+(?:[\w\-]+\s+)?(?:song|album|single|track|hymn|"
    r"anthem|book|novel|memoir|poem|play|film|movie|documentary|show|series|painting|opera)s?\b",
    re.I,
)


def _wordcount(content: str) -> int:
    return len(_WORD.findall(content))


def _is_title_like(content: str) -> bool:
    """Title Case words without sentence punctuation: a book, film or programme name."""
    ws = _WORD.findall(content)
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with", "at", "by"}
    caps = [w for w in ws if w.lower() not in small]
    return len(ws) >= 2 and bool(caps) and all(w[0].isupper() for w in caps)
