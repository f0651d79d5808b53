"""Who said each quote: reporting cues, their subjects, and resolving pronouns and descriptions.

A cue is a reporting verb outside quotation marks ("said", "told", "according to", "gushed",
"shot back", "as X puts it", ...). Its speaker is the subject of the reporting clause: the noun
phrase before it (`Smith said`, `Smith, a spokeswoman, said`, `Smith, 54, of Ostend, who chairs
the panel, said`), after it (`said Smith`), the subject of the first verb of a coordination
(`Smith returned to the podium and declared`), or the name after 'with' (`with Smith saying`); a
participle (`adding`) shares the subject of the reporting verb before it. A quote takes, in
order: a name after a dash or a transcript speaker (`” — Ana Ruiz`, `“WALLACE: ...`); the cue
right after it in its sentence (or in the next, short sentence when the quote stands alone); the
cue before it in its sentence (`A said B told him “...”`: B's); a name or the nearest clause's
subject before a colon; the agent of a passive framing verb (`was called “...” by Smith`) or the
subject of the clause nearest before it (`Bush called Trump “unhinged”`, `what Smith called
“...”`); the speaker of an earlier quote in its paragraph, else the nearest main-clause cue in
the paragraph; the subject of the sentence before it in the paragraph; a previous paragraph
ending in a colon; and otherwise it continues the previous speaker. Pronouns go to the subject
of the nearest earlier sentence naming a person of that gender (never an organization or a
place); descriptions ("the Montaraz minister") to the person described so earlier, matching all
their words (`the 54-year-old`: the person given that age), else to the last person holding
that title or the organization of that kind (`the spokesman`: the organization `a spokesman for
X` spoke for), else a role noun (`the fisherman`) to the person just introduced. The
second part of a quote split around its attribution records the first part's start in
`continues`. `note` says which rule fired whenever the speaker was inferred.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from .model import Attribution
from .mentions import (
    KIN_WORDS,
    ORG_HEADS,
    PRONOUNS,
    Entity,
    Mention,
    Registry,
    Token,
    is_org_name,
    is_title_word,
    title_key,
    tokenize,
    GENDER_WORDS_F,
    GENDER_WORDS_M,
    STOP_CAPS,
)
from .quotes import QuoteSpan, find_quote_marks, paragraphs
from .reported import (
    date_abbreviation,
    decimal_point,
    STATEMENT_NOUNS,
    inverted_is_clause,
    name_with_appositive_follows,
    reported_clause,
)
from .sources import (
    according_source,
    common_noun,
    is_unnamed,
    long_subject,
    opening_subject,
    unnamed_subject,
)
from .verbs import MORE_PARTICIPLES, MORE_VERBS, PARTICIPLES, VERBS

# fmt: off
SKIP_BACK = {
    "afterward", "afterwards", "again", "also", "always", "did", "earlier", "even", "friday",
    "further", "had", "has", "have", "however", "is", "just", "last", "later", "monday", "month",
    "never", "often", "on", "once", "previously", "recently", "repeatedly", "reportedly",
    "saturday", "simply", "still", "subsequently", "sunday", "then", "thursday", "today",
    "tonight", "too", "tuesday", "was", "wednesday", "week", "will", "would", "year", "yesterday"
}
# fmt: on
# fmt: off
DETERMINERS = {
    "a", "an", "another", "both", "her", "his", "its", "many", "one", "our", "several", "some",
    "that", "the", "their", "these", "this", "those", "three", "two"
}
# fmt: on
# fmt: off
BOUNDARY = {
    "after", "although", "and", "as", "because", "before", "but", "how", "if", "nor", "or", "said",
    "says", "since", "so", "than", "that", "though", "told", "until", "what", "when", "where",
    "whether", "which", "while", "who", "whom", "whose", "why"
}
# fmt: on
# fmt: off
DOCUMENT_HEADS = {
    "ad", "analysis", "complaint", "document", "documents", "e-mail", "email", "filing", "lawsuit",
    "letter", "memo", "official", "officials", "order", "poll", "post", "release", "report",
    "ruling", "spokesman", "spokesperson", "spokeswoman", "statement", "study", "suit", "survey",
    "tweet", "website"
}
# fmt: on
# fmt: off
ORG_DESCRIPTORS = {
    "agency", "bank", "broadcaster", "campaign", "charity", "coalition", "committee", "company",
    "firm", "group", "institute", "lab", "laboratory", "lender", "magazine", "movement", "network",
    "newspaper", "nonprofit", "organisation", "organization", "outlet", "party", "tank",
    "think-tank", "union"
}
# fmt: on
# fmt: off
PREPOSITIONS = {
    "about", "across", "after", "against", "among", "at", "before", "behind", "between", "by",
    "during", "for", "from", "in", "into", "like", "near", "of", "on", "over", "since", "than",
    "through", "to", "toward", "towards", "under", "with"
}
# fmt: on
# fmt: off
AUX = {
    "are", "be", "been", "can", "could", "did", "do", "does", "had", "has", "have", "he", "him",
    "is", "may", "me", "might", "must", "not", "she", "should", "them", "to", "us", "was", "were",
    "who", "will", "would"
}
# fmt: on
# fmt: off
GROUP_NOUNS = {
    "advocates", "aides", "analysts", "authorities", "critics", "democrats", "diplomats",
    "experts", "investigators", "lawyers", "observers", "officials", "organizers", "people",
    "police", "prosecutors", "republicans", "researchers", "residents", "scientists", "sources",
    "supporters", "voters", "witnesses"
}
# fmt: on


class _Ctx:
    """The text's tokens, paragraphs, sentences and quotes, indexed for the cue rules."""

    def __init__(self, text: str, quotes: list[QuoteSpan]):
        self.text = text
        self.quotes = quotes
        self.paras = paragraphs(text)
        self.para_starts = [p[0] for p in self.paras]
        self.toks = tokenize(text)
        self.tok_starts = [t.start for t in self.toks]
        outer = sorted((q.open_at, q.outer_end) for q in quotes)
        self.outer = outer
        self.outer_starts = [s for s, _ in outer]
        self.sent_ends = self._sentence_ends()
        self.reg = Registry(text, self.toks, outer)
        self.cues: list = []  # set by find_cues
        self._cue_pos: list[int] | None = None
        self.described: dict[int, set[str]] = {}  # words describing the mention at a start
        self.title_words: dict[int, tuple[int, set[str]]] = {}  # an entity's title words

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.outer_starts, pos) - 1
        return i >= 0 and self.outer[i][0] <= pos < self.outer[i][1]

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def tok_index(self, pos: int) -> int:
        return bisect.bisect_left(self.tok_starts, pos)

    def _sentence_ends(self) -> list[int]:
        ends = set(p[1] for p in self.paras)
        toks = self.toks
        for i, t in enumerate(toks):
            if t.text in ".!?":
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                if decimal_point(toks, i):
                    continue  # "$3.2 billion": no sentence ends inside a number
                if date_abbreviation(toks, i):
                    continue  # "since Jan. 7, 2012", "No. 2": no sentence ends there
                if self.in_quote(t.start):
                    if nxt is not None and nxt.text in '”"»' and nxt.start == t.end:
                        after = toks[i + 2] if i + 2 < len(toks) else None
                        if not (after is not None and after.word and after.text.islower()):
                            ends.add(nxt.end)  # `“Does that fly?” former aide Ivo Brandt asked`
                    continue
                k = i + 1
                while k < len(toks) and toks[k].text in ')”’"»':
                    k += 1
                if k < len(toks) and (
                    toks[k].word
                    and not (toks[k].text[0].isupper() or toks[k].text[0].isdigit())
                    or toks[k].text in ",;"
                ):
                    continue  # "(R-Wis.) said", "(D-Ore.), chair": no sentence ends there
                ends.add(t.end)
        return sorted(ends)

    def sentence(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding pos, within its paragraph."""
        p = self.paras[self.para_of(pos)]
        i = bisect.bisect_right(self.sent_ends, pos)
        end = self.sent_ends[i] if i < len(self.sent_ends) else p[1]
        start = self.sent_ends[i - 1] if i > 0 else p[0]
        return max(start, p[0]), min(end, p[1])


# -- noun phrases ---------------------------------------------------------------------------
class NP:
    """A speaker phrase: a name mention, a pronoun or a description, with its span."""

    def __init__(self, kind, start, end, text, mention=None, appos=None):
        self.kind, self.start, self.end, self.text = kind, start, end, text
        self.mention: Mention | None = mention
        self.appos = appos  # (start, end) of an appositive giving a title


def _np_ending(ctx: _Ctx, i: int) -> NP | None:
    toks, text = ctx.toks, ctx.text
    if i < 0:
        return None
    t = toks[i]
    if t.low in PRONOUNS:
        return NP("pronoun", t.start, t.end, t.text)
    m = ctx.reg.by_end.get(t.end)
    if m is not None:
        # "Mr. Dorn of the Harbour Trust said", "Voss of the Centre for Port Studies
        # wrote": the person before the organization speaks
        b = ctx.tok_index(m.start) - 1
        while b >= 1 and i - b < 12 and toks[b].word and (
            toks[b].cap or toks[b].low in ("the", "of", "for", "and", "on", "at", "from", "with")
        ):
            if toks[b].low in ("of", "at", "for", "from", "with"):
                p = ctx.reg.by_end.get(toks[b - 1].end)
                if p is not None and p.entity.etype == "person" and p is not m:
                    m = p
                    break
            b -= 1
    if m is not None and t.low in PARTY_WORDS and m.entity.etype == "person":
        b = ctx.tok_index(m.start) - 1
        if b >= 0 and toks[b].text in ("the", "this"):
            # `the Wisconsin Republican said`: a description of someone named earlier
            return NP("desc", toks[b].start, m.end, text[toks[b].start : m.end])
    if m is not None:
        s = m.title_span[0] if m.title_span else m.start
        return NP("name", s, m.end, text[s : m.end], m)
    if (
        t.word
        and t.cap
        and (
            t.low not in STOP_CAPS
            or (i > 0 and toks[i - 1].word and toks[i - 1].cap and toks[i - 1].low not in STOP_CAPS)
        )
    ):
        j = i
        while (
            j - 1 >= 0 and toks[j - 1].word and toks[j - 1].cap and toks[j - 1].low not in STOP_CAPS
        ):
            j -= 1
        if j > 0 and toks[j - 1].text in ("the", "this") and t.low in PARTY_WORDS:
            # `the Wisconsin Republican said`: a description of someone named earlier
            return NP("desc", toks[j - 1].start, t.end, text[toks[j - 1].start : t.end])
        return NP("newname", toks[j].start, t.end, text[toks[j].start : t.end])
    if t.word and t.low not in BOUNDARY:
        j = i
        while (
            j - 1 >= 0
            and i - j < 8
            and toks[j - 1].word
            and toks[j - 1].low not in BOUNDARY
            and toks[j - 1].low not in VERBS
        ):
            j -= 1
            if toks[j].low in DETERMINERS and (
                j == 0 or toks[j - 1].low not in ("of", "for", "at", "with", "to", "from", "in")
            ):
                break
        span = toks[j : i + 1]
        if any(u.low in AUX or u.low in PRONOUNS for u in span) or len(span) > 7:
            return None
        if (
            toks[j].low in ("the", "a", "an", "his", "her", "its", "their", "another", "one")
            and len(span) <= 6
            or (t.low in GROUP_NOUNS and len(span) <= 4)
        ):
            return NP("desc", toks[j].start, t.end, text[toks[j].start : t.end])
    return None


def _opens_appositive(t: Token) -> bool:
    """A segment after `Name,` that describes the name: `who ...`, `a ...`, `54`, `executive director`."""
    if not t.word and not t.text[:1].isdigit():
        return False
    if t.text[:1].isdigit() or re.match(r"[RDI]-[A-Z]", t.text):
        return True  # an age, `R-Ore.`
    if t.low in ("who", "whom", "whose"):
        return True
    if t.text.islower():
        if t.low in PARTICIPLES or t.low.endswith("ing"):
            return True  # `Durbin, noting the size of the list, said`
        return t.low not in BOUNDARY and t.low not in VERBS and t.low not in AUX
    return is_title_word(t.text) and t.low not in STOP_CAPS


def _skip_parens(ctx: _Ctx, e: int) -> int:
    """The token before a parenthetical ending at e (`Smith (D-Ore.)`), else e."""
    toks = ctx.toks
    if e >= 0 and toks[e].text == ")":
        k = e - 1
        while k >= 0 and e - k < 12 and toks[k].text != "(":
            k -= 1
        if k >= 0 and toks[k].text == "(":
            return k - 1
    return e


def _appositive_subject(ctx: _Ctx, k: int, limit: int) -> NP | None:
    """`Ana Ruiz, 54, of Ostend, who chairs the panel, said`: the name heading a chain of
    comma-separated appositives and relative clauses that ends at token k (the comma before the
    verb, or the verb itself after `Name, who ... `); the earliest person name wins."""
    toks = ctx.toks
    best = None
    first_seg = None
    for _ in range(6):
        c, depth = k - 1, 0
        while c >= 0 and toks[c].start >= limit and k - c < 40:
            tx = toks[c].text
            if tx == ")":
                depth += 1
            elif tx == "(":
                depth -= 1
            elif depth <= 0 and tx in ',.;:!?“”"—':
                stuck = c > 0 and toks[c - 1].end == toks[c].start and toks[c + 1].text == ","
                if not (tx == "." and stuck):
                    break  # `R-Ore.,`: an abbreviation's stop ends no segment
            c -= 1
        if c < 0 or toks[c].start < limit or toks[c].text != "," or ctx.in_quote(toks[c].start):
            break
        if c + 1 < k and _opens_appositive(toks[c + 1]):
            e = _skip_parens(ctx, c - 1)
            head = _np_ending(ctx, e) if e >= 0 and toks[e].start >= limit else None
            if head is not None and head.kind in ("name", "newname") and head.start >= limit:
                is_person = head.kind == "newname" or head.mention.entity.etype == "person"
                if is_person or best is None:
                    best = head
                    first_seg = (toks[c + 1].start, toks[k - 1].end)
        k = c
    if best is not None and first_seg is not None and best.appos is None:
        best.appos = first_seg
    return best


def _np_before(ctx: _Ctx, v: int, limit: int) -> NP | None:
    """The subject of the verb at token v: the phrase before it (appositive skipped)."""
    toks = ctx.toks
    i = v - 1
    while (
        i >= 0
        and toks[i].start >= limit
        and (
            toks[i].low in SKIP_BACK
            or (toks[i].low.endswith("ly") and not toks[i].cap and len(toks[i].low) > 4)
        )
    ):
        i -= 1
    if i >= 0 and toks[i].text == ")":
        k = i - 1
        while k >= 0 and i - k < 12 and toks[k].text != "(":
            k -= 1
        if k >= 0 and toks[k].text == "(":
            i = k - 1
            if i >= 0 and toks[i].text == ",":  # "Smith (R-Wis.), a senator," is rare; keep simple
                pass
    if i < 0 or toks[i].start < limit:
        return None
    if toks[i].text == ",":
        ap = _appositive_subject(ctx, i, limit)
        if ap is not None:
            return ap
    elif toks[i].word:
        # `Ana Ruiz, who chairs the panel said`: a relative clause closed by the verb itself
        c = i
        while c > 0 and toks[c].start >= limit and i - c < 25 and toks[c].text not in ',.;:!?“”"—':
            c -= 1
        if toks[c].text == "," and c + 1 <= i and (
            toks[c + 1].low in ("who", "whose")
            or _opens_appositive(toks[c + 1])
            and any(u.low in ("who", "whose") for u in toks[c + 1 : i + 1])
        ):
            ap = _appositive_subject(ctx, i + 1, limit)
            if ap is not None:
                return ap
        if (
            toks[c].text == ","
            and toks[v].low in VERBS
            and c + 1 <= i
            and toks[c + 1].low in ("the", "a", "an")
            and any(is_title_word(u.text) or _role_word(u.low) for u in toks[c + 1 : i + 1])
        ):
            # `Ida Munk, the press officer for the union said`: no closing comma
            ap = _appositive_subject(ctx, i + 1, limit)
            if ap is not None and (ap.kind == "newname" or ap.mention.entity.etype == "person"):
                return ap
    if toks[i].text == ",":
        c = i - 1
        while c > max(-1, i - 20) and toks[c].start >= limit and toks[c].text not in ',.;:!?“”"()—':
            c -= 1
        if (
            c >= 0
            and toks[c].text == ","
            and toks[c].start >= limit
            and not ctx.in_quote(toks[c].start)
        ):
            head = _np_ending(ctx, c - 1)
            inner = NP(
                "appos",
                toks[c + 1].start,
                toks[i - 1].end,
                ctx.text[toks[c + 1].start : toks[i - 1].end],
            )
            inner_m = [
                m
                for m in ctx.reg.mentions_between(toks[c + 1].start, toks[i - 1].end)
                if m.end <= toks[i - 1].end and m.entity.etype == "person"
            ]
            whole_org = [
                m
                for m in ctx.reg.mentions_between(toks[c + 1].start, toks[i - 1].end)
                if m.entity.etype == "organization"
                and m.start == toks[c + 1].start
                and m.end == toks[i - 1].end
            ]
            if whole_org and (head is None or head.kind == "desc"):
                # "The national weather agency, PAGASA, said": the organization, and "the agency" is it
                m = whole_org[0]
                if head is not None:
                    ctx.reg.descriptors.setdefault(_head(head.text), m.entity)
                return NP("name", m.start, m.end, m.text, m)
            whole = [
                m for m in inner_m if m.start == toks[c + 1].start and m.end == toks[i - 1].end
            ]
            if whole and (head is None or head.kind != "pronoun"):
                m = whole[0]
                np = NP("name", m.start, m.end, m.text, m)
                if head is not None:
                    np.appos = (head.start, head.end)
                return np
            for _ in range(2):
                if head is None or head.kind not in ("name", "newname"):
                    break
                hb = ctx.tok_index(head.start)
                if hb == 0 or toks[hb - 1].low not in (
                    "of",
                    "for",
                    "at",
                    "in",
                    "from",
                    "with",
                    "to",
                    "by",
                    "on",
                ):
                    break
                c2 = hb - 1
                while (
                    c2 > max(-1, c - 20)
                    and toks[c2].start >= limit
                    and toks[c2].text not in ',.;:!?“”"()—'
                ):
                    c2 -= 1
                if c2 < 0 or toks[c2].text != "," or toks[c2].start < limit:
                    break
                nh = _np_ending(ctx, c2 - 1)
                if nh is None:
                    break
                c, head = c2, nh
            if head is not None and head.kind in ("name", "newname", "pronoun"):
                head.appos = (inner.start, inner.end)
                return head
            if inner_m:
                m = inner_m[0]
                s = m.title_span[0] if m.title_span else m.start
                np = NP("name", s, m.end, ctx.text[s : m.end], m)
                return np
            return head
        return None
    np = _np_ending(ctx, i)
    if np is not None and np.start < limit:
        return None
    return np


def _np_after(ctx: _Ctx, v: int, limit: int) -> NP | None:
    """The subject after an inverted verb: `said Smith`, `said the minister`."""
    toks, text = ctx.toks, ctx.text
    j = v + 1
    if j < len(toks) and toks[j].low == "to" and toks[v].low == "according":
        j += 1
    if j >= len(toks) or toks[j].start >= limit:
        return None
    t = toks[j]
    if (
        t.low in PRONOUNS
        and t.low not in ("it", "i", "we", "they")
        or (t.low in ("they", "it") and toks[v].low == "according")
    ):
        return NP("pronoun", t.start, t.end, t.text)
    found = None
    k = j
    while k < min(j + 8, len(toks)):
        m = ctx.reg.by_start.get(toks[k].start)
        if m is not None:
            if found is None or (
                m.entity.etype == "person"
                and (
                    found.entity.etype != "person"
                    or toks[k - 1].low not in ("of", "for", "at", "to", "with")
                )
            ):
                found = m
            k = ctx.tok_index(m.end)
            continue
        if (
            not toks[k].word
            or toks[k].low in BOUNDARY
            or toks[k].low in VERBS
            or toks[k].low in AUX
            or toks[k].low in PRONOUNS
        ):
            break
        if (
            found is not None
            and found.entity.etype == "person"
            and toks[k].low in ("of", "for", "at", "from", "with", "to")
        ):
            break  # "said Stu Rothenberg of the ... Report": the person is the head
        k += 1
    if found is not None:
        m = found
        s = min(t.start, m.title_span[0] if m.title_span else m.start)
        np = NP("name", s, m.end, text[s : m.end], m)
        e = ctx.tok_index(m.end)
        if e < len(toks) and toks[e].text == ",":
            f = e + 1
            while f < len(toks) and f < e + 14 and toks[f].text not in ',.;:!?“”"()—':
                f += 1
            if f > e + 1:
                np.appos = (toks[e + 1].start, toks[f - 1].end)
        return np
    if t.word and t.cap and t.low not in STOP_CAPS:
        k = j
        while k + 1 < len(toks) and toks[k + 1].word and toks[k + 1].cap:
            k += 1
        return NP("newname", t.start, toks[k].end, text[t.start : toks[k].end])
    if (
        t.low in ("the", "a", "an", "his", "her", "its", "their", "another", "one")
        or t.low in GROUP_NOUNS
    ):
        k = j
        while (
            k + 1 < len(toks)
            and k < j + 8
            and toks[k + 1].word
            and toks[k + 1].low not in BOUNDARY
            and toks[k + 1].low not in VERBS
            and toks[k + 1].start < limit
        ):
            k += 1
        return NP("desc", t.start, toks[k].end, text[t.start : toks[k].end])
    return None


class Cue:
    def __init__(self, v: int, tok: Token, np: NP, after: bool):
        self.v, self.tok, self.np, self.after = v, tok, np, after
        self.verb = tok.text
        self.verb_start = tok.start
        self.pos = tok.start


def _coordinated_subject(ctx: _Ctx, s: int, conj: int) -> NP | None:
    """`Ruiz returned to the podium and declared`, `Ruiz declined to comment but said`: the
    subject of the first verb of the coordination (the sentence's subject)."""
    toks = ctx.toks
    k = conj - 1
    while k > 0 and toks[k].start >= s and conj - k < 25:
        t = toks[k]
        if t.text in ".;:!?" and not ctx.in_quote(t.start):
            break
        if ctx.in_quote(t.start) or t.text in "“”\"":
            k -= 1  # `X had called it a “disaster” and promised`: the quoted words are skipped
            continue
        if (
            _verb_like(t)
            and toks[k - 1].low not in ("who", "which", "that", "to")
            and not _noun_in_compound(toks, k)
        ):
            # the subject of the verb before the conjunction: `the League denounced ... and said`
            np = _np_before(ctx, k, s)
            if np is not None and np.kind in ("name", "newname", "desc", "pronoun"):
                b = ctx.tok_index(np.start) - 1
                while b >= 0 and toks[b].low in ("the", "a", "an"):
                    b -= 1
                if b < 0 or toks[b].start < s or toks[b].text in (",", "—") or toks[b].low in (
                    "and", "but", "then", "so", "which", "whom", "as", "when", "while", "after"
                ):
                    return np  # a subject opens its clause; `issued a statement saying` does not
        k -= 1
    i = ctx.tok_index(s)
    if i < conj and toks[i].cap and toks[i].low in PREPOSITIONS:
        k = i
        while k < conj and k - i < 15 and toks[k].text != ",":
            k += 1
        if k < conj and toks[k].text == ",":
            i = k + 1  # `In an interview on Thursday, the senator ...`
    while i < conj and (not toks[i].word or toks[i].low in SKIP_BACK):
        i += 1  # `Later, the senator ...`
    if i < conj and toks[i].low in ("the", "a", "an") and not ctx.in_quote(toks[i].start):
        # `the Republican lawmaker criticized ... and said`: a description as subject
        k = i + 1
        while k < conj and toks[k].word and (
            toks[k].cap or is_title_word(toks[k].text) or _role_word(toks[k].low)
        ):
            k += 1
        if k > i + 1 and k < conj and toks[k].word and toks[k].text.islower():
            np = _np_ending(ctx, k - 1)
            if np is not None and np.kind in ("desc", "name"):
                return np
            return NP("desc", toks[i].start, toks[k - 1].end, ctx.text[toks[i].start : toks[k - 1].end])
    c = _colon_subject(ctx, toks[i].start if i < conj else s, toks[conj].start)
    if c is None:
        return None
    np = c.np
    if np.kind == "name":
        # the subject is followed by its verb (or an appositive), not by a preposition's object
        after = ctx.tok_index(np.end)
        if after < len(toks) and toks[after].low in PREPOSITIONS:
            return None
    return np


def _noun_in_compound(toks: list[Token], k: int) -> bool:
    """`after the roll call and declared`, `the council members and said`: a word that could be a
    verb (`call`, `members`) after `the <noun>` is the compound's noun, not the clause's verb."""
    t = toks[k]
    return (
        k >= 2
        and (t.low == "call" or t.low.endswith("s") and not t.low.endswith("ed"))
        and toks[k - 2].low in ("the", "a", "an", "his", "her", "its", "their")
        and toks[k - 1].word
        and toks[k - 1].text.islower()
        and not _verb_like(toks[k - 1])
    )


def _with_subject(ctx: _Ctx, v: int, s: int) -> NP | None:
    """`..., with Councillor Vance saying`: the name between 'with' and the participle."""
    toks = ctx.toks
    e = v - 1
    while e > 0 and toks[e].low.endswith("ly") and toks[e].text.islower():
        e -= 1  # `with Trump reportedly yelling`
    np = _np_ending(ctx, e)
    if np is None or np.kind not in ("name", "newname", "desc") or np.start < s:
        return None
    b = ctx.tok_index(np.start) - 1
    if b >= 0 and toks[b].low == "the" and np.kind != "desc":
        b -= 1  # `with the Teachers Union calling`
    if b >= 0 and toks[b].low == "with":
        return np
    return None


def _asked_by(ctx: _Ctx, v: int, e: int) -> NP | None:
    """`X was asked by Y “...”`: Y asks (the name after 'by', titles and roles skipped)."""
    toks = ctx.toks
    if v < 1 or toks[v - 1].low not in ("was", "were") or v + 2 >= len(toks) or toks[v + 1].low != "by":
        return None
    j = v + 2
    while j < len(toks) and j < v + 8 and toks[j].start < e:
        m = ctx.reg.by_start.get(toks[j].start)
        if m is not None and m.entity.etype == "person":
            return NP("name", m.start, m.end, m.text, m)
        u = toks[j]
        if not (u.cap or u.low == "the" or _role_word(u.low) or is_title_word(u.text)):
            return None
        j += 1
    return None


def find_cues(ctx: _Ctx) -> list[Cue]:
    """Reporting verbs outside quotes with a speaker phrase, in text order."""
    cues = []
    toks = ctx.toks
    for v, t in enumerate(toks):
        low = t.low
        called_back = low == "called" and v + 1 < len(toks) and toks[v + 1].low in ("back", "out")
        if (
            (low not in VERBS and not called_back)
            or not (t.text.islower() or low == "according")
            or ctx.in_quote(t.start)
        ):
            continue
        if low == "according" and not (v + 1 < len(toks) and toks[v + 1].low == "to"):
            continue
        if v > 0 and low.endswith("s") and toks[v - 1].low in DETERMINERS | {"of"}:
            continue  # `one of the states suing`, `his notes`: a noun
        if v > 0 and toks[v - 1].low in ("the", "a", "an", "this", "that", "its", "his", "her"):
            continue  # `the reported bomber`, `a revealed plan`: an adjective
        if low.endswith("s") and v + 1 < len(toks) and toks[v + 1].low == "of":
            continue  # `Republican claims of ...`: a noun
        if low == "pointed" and not (v + 1 < len(toks) and toks[v + 1].low == "out"):
            continue
        if low == "went" and not (v + 1 < len(toks) and toks[v + 1].low == "on"):
            continue
        if low in ("shot", "fired", "hit", "pushed") and not (
            v + 1 < len(toks) and toks[v + 1].low == "back"
        ):
            continue  # `Trump shot back`, `fired back`: a retort
        if low == "chimed" and not (v + 1 < len(toks) and toks[v + 1].low == "in"):
            continue
        if low in ("put", "puts", "summed") and not (
            v + 1 < len(toks) and toks[v + 1].low in ("it", "up")
        ):
            continue
        s, e = ctx.sentence(t.start)
        agent = _asked_by(ctx, v, e) if low == "asked" else None
        if agent is not None:
            np, after = agent, True  # `Rubio was asked by moderator Gerard Baker whether “...”`
        elif low == "according":
            np = _np_after(ctx, v, e)
            after = True
        else:
            np = None if low in PARTICIPLES else _np_before(ctx, v, s)
            after = False
            prev = toks[v - 1].text if v > 0 else ""
            if (
                np is None
                and low not in PARTICIPLES
                and (prev in ',”"»—' or toks[v - 1].end <= s or ctx.in_quote(toks[v - 1].start))
            ):
                np = _np_after(ctx, v, e)
                after = np is not None
            if np is None and v > 0 and toks[v - 1].low in ("and", "but") and low not in PARTICIPLES:
                np = _coordinated_subject(ctx, s, v - 1)
            if np is None and low in PARTICIPLES:
                np = _with_subject(ctx, v, s)
            if np is None and low in PARTICIPLES:
                np = NP("participle", t.start, t.start, "")
        if np is None:
            continue
        c = Cue(v, t, np, after)
        if low == "according":
            c.verb = ctx.text[t.start : toks[v + 1].end]
        cues.append(c)
    ctx.cues = cues
    return cues


# -- resolution -----------------------------------------------------------------------------
class Resolved:
    def __init__(
        self,
        entity: Entity | None,
        stype: str | None,
        note: str | None = None,
        title=None,
        title_span=None,
        name_override=None,
    ):
        self.entity, self.stype, self.note = entity, stype, note
        self.title, self.title_span = title, title_span
        self.name_override = name_override


def _gender_of_pronoun(p: str) -> str | None:
    return {"he": "m", "she": "f"}.get(p.lower())


def _resolve_pronoun(ctx: _Ctx, np: NP, state) -> Resolved:
    p = np.text.lower()
    if p in ("it", "they"):
        for m in ctx.reg.mentions_before(np.start):
            if not m.in_quote and m.entity.etype == "organization" and not _is_dateline(ctx, m):
                return Resolved(
                    m.entity,
                    "organization",
                    f"pronoun '{np.text}' resolved to {m.entity.name}, the last named organization",
                )
        return Resolved(None, None, f"pronoun '{np.text}' not resolved")
    g = _gender_of_pronoun(p)
    if g is None:
        return Resolved(None, None, f"pronoun '{np.text}' not resolved")
    last = state.get("last")
    cand = None
    sent = None
    for m in ctx.reg.mentions_before(np.start):
        if m.in_quote or m.entity.etype != "person" or m.entity.gender not in (None, g):
            continue
        ms = ctx.sentence(m.start)
        if sent is None:
            sent = ms
            cand = _head_person(ctx, m, np.start).entity
        elif ms == sent:
            cand = _head_person(
                ctx, m, np.start
            ).entity  # an earlier mention in the sentence: its subject
        else:
            break
    if sent is not None:
        # `Under questioning from his lawyer, Oduya, the 63-year-old said ... “...,” he said`:
        # a description reporting in that sentence is its subject, not the name beside it
        lo = _cue_index(ctx, sent[0])
        for c in ctx.cues[lo : lo + 6]:
            if c.pos >= min(sent[1], np.start) or c.np.kind != "desc" or c.after:
                continue
            r = _resolve_desc(ctx, c.np)
            if r.entity is not None and r.entity.etype == "person" and r.entity.gender in (None, g):
                cand = r.entity
                break
    if cand is not None and (cand.etype != "person" or cand.gender not in (None, g)):
        cand = None
    if (
        cand is not None
        and cand.gender is None
        and last is not None
        and last is not cand
        and last.etype == "person"
        and last.gender == g
    ):
        cand = last  # a known-gender previous speaker beats a name of unknown gender
    if cand is None:
        return Resolved(None, None, f"pronoun '{np.text}' not resolved: no earlier named person")
    if cand.gender is None:
        cand.gender = g  # learnt from the text: later pronouns of the other gender skip this person
    word = "man" if g == "m" else "woman"
    return Resolved(
        cand, "person", f"pronoun '{np.text}' resolved to {cand.name}, the last named {word}"
    )


def _head(desc: str) -> str:
    words = [w for w in desc.replace(",", " ").split()]
    words = [w for w in words if w.lower() not in DETERMINERS]
    out = []
    for w in words:
        if w.lower() in ("of", "for", "at", "with", "in", "from", "to", "on"):
            break
        out.append(w)
    head = (out[-1] if out else (words[-1] if words else "")).lower()
    return re.sub(r"[’']s?$", "", head)  # `the council's`: the possessive only, not the s of `senator`


PARTY_WORDS = {"democrat", "republican", "independent", "conservative", "liberal", "libertarian"}


def _word_key(w: str) -> str:
    w = w.lower().strip(",.’'")
    for suffix in ("’s", "'s"):
        if w.endswith(suffix):
            w = w[: -len(suffix)]
    return title_key(w)


def _described_words(ctx: _Ctx, m: Mention) -> set[str]:
    """Words that describe the person at mention m: the title before the name and an
    appositive after it (`the Montaraz minister, Elena Sabot`, `Quint, a Republican lawmaker,`)."""
    toks = ctx.toks
    s, e = ctx.sentence(m.start)
    out: set[str] = set()
    i = ctx.tok_index(m.start) - 1
    n = 0
    if i >= 0 and toks[i].text == ",":
        i -= 1  # `the Montaraz minister, Elena Sabot`
    while i >= 0 and toks[i].start >= s and n < 6 and toks[i].word:
        t = toks[i]
        if not (t.cap or is_title_word(t.text) or _role_word(t.low) or t.low in PARTY_WORDS):
            break  # only the words modifying the name: `met Senator Brandt` stops at 'met'
        if not t.cap and _verb_like(t):
            break
        out.add(_word_key(t.text))
        i, n = i - 1, n + 1
    c = ctx.tok_index(m.start) - 1
    if c >= 1 and toks[c].text == ",":
        # `A senator from the governing Alianza Cívica, Ulises Mandujano`: the whole phrase
        b = c - 1
        while b >= 0 and toks[b].start >= s and c - b <= 12 and toks[b].text not in ",;:“”\"—(":
            b -= 1
        phrase = toks[b + 1 : c]
        if phrase and phrase[0].low in ("a", "an", "the", "its", "his", "her", "their"):
            out |= {_word_key(u.text) for u in phrase if u.word}
    k = ctx.tok_index(m.end)
    if k < len(toks) and toks[k].text == ",":
        k += 1
        n = 0
        while k < len(toks) and toks[k].end <= e and n < 10 and toks[k].text not in ",.;:!?“”\"":
            if toks[k].word:
                out.add(_word_key(toks[k].text))
            k, n = k + 1, n + 1
    return out


def _person_described(ctx: _Ctx, np: NP) -> Entity | None:
    """The latest person before a definite description whose earlier description holds all of
    its words (`the Montaraz minister` is the minister introduced as Montaraz's, not the last
    minister named)."""
    want = {
        _word_key(w) for w in re.findall(r"[^\W\d_][\w’'\-]*", np.text) if w.lower() not in DETERMINERS
    }
    if not want:
        return None
    seen: dict[int, set[str]] = {}
    order: list[Entity] = []
    for n, m in enumerate(ctx.reg.mentions_before(np.start)):
        if n >= 100:
            break  # a description refers back a page or two at most
        if m.in_quote or m.entity.etype != "person":
            continue
        key = id(m.entity)
        if key not in seen:
            cached = ctx.title_words.get(key)
            if cached is None or cached[0] != len(m.entity.titles):
                titles = {t for t, _ in m.entity.titles}
                cached = (len(m.entity.titles), {_word_key(w) for t in titles for w in t.split()})
                ctx.title_words[key] = cached
            seen[key] = set(cached[1])
            order.append(m.entity)
        words = ctx.described.get(m.start)
        if words is None:
            words = ctx.described[m.start] = _described_words(ctx, m)
        seen[key] |= words
    for ent in order:
        if want <= seen[id(ent)]:
            return ent
    return None


def _resolve_desc(ctx: _Ctx, np: NP) -> Resolved:
    words0 = np.text.split()
    if (
        len(words0) >= 2
        and words0[0].lower() == "the"
        and all(w[:1].isupper() for w in words0[1:])
        and words0[-1].lower() not in PARTY_WORDS
    ):
        # "the Washington Examiner", "The Blaze": a named organization
        r = _new_entity(ctx, NP("newname", np.start, np.end, np.text))
        if r.entity is not None:
            if r.entity.etype != "organization" and len(r.entity.forms) == 1:
                r.entity.etype = "organization"
            r.stype = r.entity.etype
        return r
    head = _head(np.text)
    words = np.text.lower().split()
    if head in DOCUMENT_HEADS or head in ORG_HEADS:
        # "the IMF report stated", "a White House statement said": the organization named in it
        for m in ctx.reg.mentions_between(np.start, np.end):
            if m.entity.etype == "organization" and m.end <= np.end:
                return Resolved(
                    m.entity, "organization", f"description '{np.text}' names {m.entity.name}"
                )
    if head in ORG_HEADS or head in ctx.reg.descriptors or is_org_name([head]):
        m = ctx.reg.org_with_word(head, np.start)
        if m is not None:
            return Resolved(
                m.entity, "organization", f"description '{np.text}' resolved to {m.entity.name}"
            )
        ent = _org_spoken_for(ctx, head, np.start)
        if ent is not None:
            return Resolved(
                ent, "organization", f"description '{np.text}' resolved to {ent.name}, its {head} earlier"
            )
        ent = ctx.reg.descriptors.get(head)
        if ent is not None:
            return Resolved(
                ent,
                "organization",
                f"description '{np.text}' resolved to {ent.name}, introduced as a {head}",
            )
        return Resolved(
            None, "organization", f"speaker described as '{np.text}'; no named organization matches"
        )
    if head in GROUP_NOUNS or head.endswith("s") and not is_title_word(head):
        return Resolved(None, None, f"speaker described as '{np.text}', not named")
    if words and words[0] in ("a", "an", "one", "another", "two", "three", "several", "some"):
        return Resolved(None, "person", f"speaker described as '{np.text}', not named")
    if words and words[0] in ("the", "this") and (
        is_title_word(head) or _role_word(head) or head in PARTY_WORDS
    ):
        ent = _person_described(ctx, np)
        if ent is not None:
            return Resolved(
                ent, "person", f"description '{np.text}' resolved to {ent.name}, described so earlier"
            )
    if words and words[0] in ("his", "her", "their", "the") and head in KIN_WORDS:
        # `her husband called back`: the person introduced as her husband
        m = ctx.reg.person_introduced_as(head, np.start)
        if m is not None:
            return Resolved(
                m.entity, "person", f"description '{np.text}' resolved to {m.entity.name}, introduced so"
            )
    age = re.fullmatch(r"the (\d{1,3})-year-old", np.text.lower())
    if age:
        ent = _person_of_age(ctx, age.group(1), np.start)
        if ent is not None:
            return Resolved(
                ent, "person", f"description '{np.text}' resolved to {ent.name}, given that age"
            )
    if is_title_word(head) or head in GENDER_WORDS_M | GENDER_WORDS_F:
        m = ctx.reg.person_with_title(head, np.start)
        if m is not None:
            return Resolved(
                m.entity,
                "person",
                f"description '{np.text}' resolved to {m.entity.name}, the last person with that title",
            )
    if words and words[0] == "the" and len(words) <= 4 and _person_noun(head):
        ent = _last_person_named(ctx, np.start)
        if ent is not None:
            return Resolved(
                ent,
                "person",
                f"description '{np.text}' resolved to {ent.name}, the person named just before",
            )
    return Resolved(None, None, f"speaker described as '{np.text}'; not resolved to a name")


def _org_spoken_for(ctx: _Ctx, head: str, pos: int) -> Entity | None:
    """`A spokesman for the Nurses' Union said ... “...,” the spokesman said`: the organization
    the unnamed `a <head> for X` of this paragraph or the one before speaks for."""
    toks = ctx.toks
    floor = ctx.paras[max(0, ctx.para_of(pos) - 1)][0]
    k = ctx.tok_index(pos) - 1
    while k >= 1 and toks[k].start >= floor:
        if toks[k].low == head and toks[k - 1].low in ("a", "an") and not ctx.in_quote(toks[k].start):
            j = k + 1
            if j < len(toks) and toks[j].low in ("for", "of", "at", "from"):
                j += 1
                if j < len(toks) and toks[j].low == "the":
                    j += 1
                m = ctx.reg.by_start.get(toks[j].start) if j < len(toks) else None
                if m is not None and m.entity.etype == "organization":
                    return m.entity
        k -= 1
    return None


# fmt: off
PERSON_NOUNS = {
    "aide", "official", "veteran", "witness"
}
# fmt: on


def _person_noun(head: str) -> bool:
    """A noun for a person (`fisherman`, `lawmaker`, `chief`, `aide`), not a thing."""
    return head in PERSON_NOUNS or is_title_word(head) or _role_word(head)


def _person_of_age(ctx: _Ctx, age: str, pos: int) -> Entity | None:
    """The latest person before pos given that age: `Ana Ruiz, 54,` or `54-year-old Ana Ruiz`."""
    for m in ctx.reg.mentions_before(pos):
        if m.in_quote or m.entity.etype != "person":
            continue
        after = ctx.text[m.end : m.end + 8]
        before = ctx.text[max(0, m.start - 16) : m.start]
        if re.match(r",\s*" + age + r"\b", after) or re.search(r"\b" + age + r"-year-old\s+$", before):
            return m.entity
    return None


def _last_person_named(ctx: _Ctx, pos: int) -> Entity | None:
    """The subject of the nearest sentence before pos (this paragraph or the one before) that
    names a person: `Iribarren, who has fished here for 31 years, said ... “...,” the
    fisherman said` -- a description news text uses for someone it has just introduced."""
    p = ctx.para_of(pos)
    floor = ctx.paras[max(0, p - 1)][0]
    sent = None
    cand = None
    for m in ctx.reg.mentions_before(pos):
        if m.start < floor:
            break
        if m.in_quote or m.entity.etype != "person" or m.entity.ambiguous:
            continue
        ms = ctx.sentence(m.start)
        if sent is None or ms == sent:
            sent = ms
            cand = _head_person(ctx, m, pos).entity
        else:
            break
    return cand


def _new_entity(ctx: _Ctx, np: NP) -> Resolved:
    """An entity for a name the registry did not know, its name and title cut from the text."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", np.text)]
    if spans and np.text[spans[0][0] : spans[0][1]].lower() == "the":
        spans = spans[1:]
    if not spans:
        return Resolved(None, None)
    words = [np.text[a:b] for a, b in spans]
    etype = "organization" if is_org_name(words) else "person"
    i = ctx.tok_index(np.start)
    desc_head = ctx.toks[i - 1].low if i > 0 else ""
    if desc_head in ORG_DESCRIPTORS:
        etype = "organization"
    whole = np.text[spans[0][0] : spans[-1][1]]
    # reuse an entity that has this form already (e.g. a single surname)
    for ent in ctx.reg.entities:
        if np.text in ent.forms or whole in ent.forms:
            return Resolved(ent, ent.etype)
        if etype == "person" and ent.etype == "person" and words[-1] == ent.name.split()[-1]:
            return Resolved(ent, "person")
    title_n = 0
    while title_n < len(words) - 1 and is_title_word(words[title_n]):
        title_n += 1
    name = np.text[spans[title_n][0] : spans[-1][1]]
    ent = Entity(name, etype, [name])
    ctx.reg.entities.append(ent)
    if etype == "organization" and desc_head:
        ctx.reg.descriptors[desc_head] = ent
    title = np.text[spans[0][0] : spans[title_n - 1][1]] if title_n else None
    return Resolved(ent, etype, None, title, (np.start, np.end) if title else None)


def _cue_index(ctx: _Ctx, pos: int) -> int:
    """How many of ctx.cues start before pos (their positions kept once, for long texts)."""
    if ctx._cue_pos is None or len(ctx._cue_pos) != len(ctx.cues):
        ctx._cue_pos = [c.pos for c in ctx.cues]
    return bisect.bisect_left(ctx._cue_pos, pos)


def _main_cue_before(ctx: _Ctx, cue: Cue, s: int) -> Cue | None:
    """The finite reporting verb a participle follows in its sentence (`X said, adding`)."""
    cues = ctx.cues
    j = _cue_index(ctx, cue.pos)
    for c in reversed(cues[max(0, j - 20) : j]):
        if c.pos < s:
            break
        if c.np.kind != "participle" and not c.after and c.np.kind in ("name", "newname", "pronoun"):
            return c
        if c.after and c.np.kind in ("name", "newname"):
            return c
    return None


def resolve(ctx: _Ctx, cue: Cue, state) -> Resolved:
    np = cue.np
    if np.kind == "participle":
        s, _ = ctx.sentence(cue.pos)
        main = _main_cue_before(ctx, cue, s)
        if main is not None:
            # `Nefzi said, adding, “...”`: the participle shares the main verb's subject
            return resolve(ctx, main, state)
        subj = _colon_subject(ctx, s, cue.pos)
        if subj is not None and subj.np.kind == "name":
            m = subj.np.mention
            return Resolved(
                m.entity,
                m.entity.etype,
                f"'{cue.verb}' takes the subject of its sentence, {m.entity.name}",
                m.title,
                m.title_span,
            )
        for m in ctx.reg.mentions_between(s, cue.pos):
            if not m.in_quote:
                return Resolved(
                    m.entity,
                    m.entity.etype,
                    f"'{cue.verb}' takes the subject of its sentence, {m.entity.name}",
                )
        pron = [t for t in ctx.toks[ctx.tok_index(s) : cue.v] if t.low in ("he", "she")]
        if pron:
            return _resolve_pronoun(
                ctx, NP("pronoun", pron[0].start, pron[0].end, pron[0].text), state
            )
        return Resolved(None, None, f"'{cue.verb}' has no named subject in its sentence")
    if np.kind == "pronoun":
        r = _resolve_pronoun(ctx, np, state)
    elif np.kind == "name":
        m = np.mention
        i = ctx.tok_index(np.start)
        before = ctx.toks[i - 1].low if i > 0 else ""
        if before in ORG_DESCRIPTORS and not ctx.toks[i - 1].cap:
            if m.entity.etype != "organization" and not m.title:
                m.entity.etype = "organization"
            if m.entity.etype == "organization":
                ctx.reg.descriptors[before] = m.entity
        r = Resolved(m.entity, m.entity.etype, None, m.title, m.title_span)
    elif np.kind == "newname":
        r = _new_entity(ctx, np)
    else:
        r = _resolve_desc(ctx, np)
    if np.appos and r.entity is not None and r.title is None:
        a_s, a_e = np.appos
        words = ctx.text[a_s:a_e].split()
        if words and words[0].lower() in ("a", "an", "the") and len(words) <= 10:
            t_s = a_s + len(words[0]) + 1
            r.title = ctx.text[t_s:a_e]
            r.title_span = (min(np.start, a_s), max(np.end, a_e))
    if r.entity is not None and r.title is None and r.entity.titles:
        r.title, r.title_span = r.entity.titles[0]
    return r


@lru_cache(maxsize=4096)
def _word_re(form: str):
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)")


@lru_cache(maxsize=4096)
def _whole_word(text: str, form: str) -> bool:
    """The build requires every name form to occur as a whole word."""
    return bool(form) and _word_re(form).search(text) is not None


def _make(
    text: str,
    kind,
    start,
    end,
    res: Resolved | None,
    cue: Cue | None,
    explicit: bool,
    note: str | None,
):
    a = Attribution(kind=kind, start=start, end=end, explicit=explicit, note=note)
    if res is not None and res.entity is not None and _whole_word(text, res.entity.name):
        ent = res.entity
        a.speaker_name = ent.name
        a.speaker_type = ent.etype
        forms = [f for f in set(ent.forms) if _whole_word(text, f)]
        a.speaker_forms = sorted(forms, key=lambda f: (-len(f.split()), -len(f), f))
        a.speaker_title = res.title
        a.title_evidence = res.title_span
    elif res is not None:
        a.speaker_type = res.stype
        if res.stype == "unnamed":
            a.speaker_name = res.name_override
    if cue is not None:
        a.verb = cue.verb
        a.verb_start = cue.verb_start
    return a


def extract_attributions(text: str) -> list[Attribution]:
    """Direct, partial and indirect quotes in `text` with their speakers, in text order."""
    if not isinstance(text, str) or not text.strip():
        return []
    quotes = [q for q in find_quote_marks(text)]
    ctx = _Ctx(text, quotes)
    quote_cues = find_cues(ctx)
    cue_pos = [c.pos for c in quote_cues]
    extra_cues = _reported_cues(ctx, quote_cues)
    cues = sorted(quote_cues + extra_cues, key=lambda c: c.pos)
    speech = []
    for q in quotes:
        if q.kind in ("direct", "partial"):
            speech.append(q)
    used: set[int] = set()
    state: dict = {"last": None, "last_para": -9}
    made: dict[int, Attribution] = {}
    out: list[Attribution] = []
    # events in text order: quotes and free cues (for indirect speech and the last speaker)
    qi = 0
    ci = 0
    while qi < len(speech) or ci < len(cues):
        if ci < len(cues) and (qi >= len(speech) or cues[ci].pos < speech[qi].open_at):
            c = cues[ci]
            ci += 1
            ind = reported_clause(ctx, c)  # may hold the partial quote that used the cue
            if id(c) in used and not _holds_partial(ctx, ind):
                continue
            res = _speaker(ctx, c, state)
            if res.entity is not None and c not in extra_cues and id(c) not in used:
                state["last"], state["last_para"] = res.entity, ctx.para_of(c.pos)
            if ind is not None:
                s, e = ind
                out.append(_make(text, "indirect", s, e, res, c, res.entity is not None, res.note))
            continue
        q = speech[qi]
        qi += 1
        cue, how = _cue_for(ctx, q, quote_cues, cue_pos)
        prev_q = state.get("prev_quote")
        if (
            how == "paragraph"
            and prev_q is not None
            and prev_q[0] == ctx.para_of(q.open_at)
        ):
            # `“Q1,” Lieberman told the Journal, after de Blasio stated ... “Q2.”`: a quote in a
            # paragraph whose earlier quote has a speaker continues that speaker, not a verb
            # between them
            cue, how = None, None
            state["last"] = prev_q[2].entity
        if cue is not None:
            used.add(id(cue))
            res = _speaker(ctx, cue, state)
            note = res.note
            explicit = res.entity is not None or res.stype is not None
            if how == "paragraph":
                note = _join("reporting verb elsewhere in the paragraph", note)
            elif how == "dash":
                note = _join(
                    "the name stands after a dash or before a colon, with no reporting verb", note
                )
            elif how == "subject":
                note = _join(
                    "no reporting verb; the speaker is the subject of the quote's sentence", note
                )
                explicit = False
            elif how == "prev-sentence":
                note = _join(
                    "no reporting verb; the speaker is the subject of the sentence before", note
                )
                explicit = False
            elif how == "colon":
                note = _join("introduced by the sentence before the colon", note)
                explicit = False
            elif how == "prev-colon":
                note = _join("introduced by the previous paragraph ending in a colon", note)
                explicit = False
            if (
                res.entity is None
                and state["last"] is not None
                and res.stype is None
                and cue.np.kind == "pronoun"
            ):
                res = Resolved(state["last"], state["last"].etype)
                note = _join(note, "falls back to the previous speaker")
                explicit = False
        if cue is None:
            res = None
            note = "no reporting verb and no earlier speaker"
            explicit = False
            if state["last"] is not None:
                res = Resolved(state["last"], state["last"].etype)
            if res is not None:
                note = "no reporting verb; continues the previous speaker"
        a = _make(text, q.kind, q.start, q.end, res, cue, explicit, note)
        if a.verb is None:
            a.explicit = False  # an explicit attribution needs its reporting verb
        out.append(a)
        made[id(q)] = a
        if res is not None and res.entity is not None:
            state["last"], state["last_para"] = res.entity, ctx.para_of(q.start)
            if a.verb is not None:
                state["prev_quote"] = (ctx.para_of(q.start), q.open_at, res)
    _share_multi_paragraph_speakers(speech, made)
    _link_split_quotes(text, speech, made)
    out.sort(key=lambda a: (a.start, a.end))
    return _drop_crossing(out)


def _drop_crossing(atts: list[Attribution]) -> list[Attribution]:
    """Spans must nest or stay apart: a reported statement crossing another one is dropped."""
    kept: list[Attribution] = []
    for a in atts:
        crosses = any(b.start < a.start < b.end < a.end for b in kept[-20:])
        if crosses and a.kind == "indirect":
            continue
        if crosses:  # a quote crossing a reported statement: the statement goes
            kept = [
                b for b in kept if not (b.kind == "indirect" and b.start < a.start < b.end < a.end)
            ]
        kept.append(a)
    return kept


def _share_multi_paragraph_speakers(speech: list[QuoteSpan], made: dict) -> None:
    """A quote running over paragraphs has one speaker: paragraphs with no verb take the chain's."""
    chain: list[Attribution] = []
    for q in speech:
        a = made.get(id(q))
        if a is None:
            continue
        chain.append(a)
        if q.close_at is not None:  # the chain ends here
            named = [x for x in chain if x.verb is not None and x.speaker_name]
            if len(chain) > 1 and named:
                src = named[0]
                for x in chain:
                    if x.verb is None and x.speaker_name != src.speaker_name:
                        x.speaker_name, x.speaker_type = src.speaker_name, src.speaker_type
                        x.speaker_forms = list(src.speaker_forms)
                        x.speaker_title, x.title_evidence = src.speaker_title, src.title_evidence
                        x.explicit = False
                        x.note = (
                            "part of a quote running over several paragraphs; "
                            "speaker from its attributed paragraph"
                        )
            chain = []


def _link_split_quotes(text: str, speech: list[QuoteSpan], made: dict) -> None:
    """`“It is early,” she said, “but the numbers are good.”`: the second part `continues` the
    first (one sentence split around its attribution, both parts with the same speaker)."""
    for q1, q2 in zip(speech, speech[1:]):
        a1, a2 = made.get(id(q1)), made.get(id(q2))
        if a1 is None or a2 is None or a1.kind != "direct" or a2.kind != "direct":
            continue
        if q1.close_at is None or q1.para != q2.para or not q1.comma_before_close:
            continue
        between = text[q1.outer_end : q2.open_at]
        if not between.rstrip().endswith(",") or len(between.split()) > 10:
            continue
        if a2.verb_start is None or not (q1.outer_end <= a2.verb_start < q2.open_at):
            continue
        if a1.speaker_name != a2.speaker_name:
            continue
        a2.continues = a1.start


def _join(a, b):
    return "; ".join(x for x in (a, b) if x)


def _cue_before_in_sentence(ctx: _Ctx, cues: list, cue_pos: list[int], q: QuoteSpan, s: int) -> bool:
    """Whether a cue stands before quote q in its sentence and paragraph."""
    j = bisect.bisect_left(cue_pos, q.open_at) - 1
    return j >= 0 and cues[j].pos >= max(s, q.para[0])


def _cue_for(ctx: _Ctx, q: QuoteSpan, cues: list[Cue], cue_pos: list[int]):
    """The cue governing quote q and how it was found."""
    text = ctx.text
    para = q.para
    s, e = ctx.sentence(q.open_at)
    _, e2 = ctx.sentence(max(q.outer_end - 1, q.open_at))
    # 0. an attribution line (`” — Pamela Padilla`) or a transcript speaker (`“WALLACE: ...`)
    m = _DASH_NAME.match(text, q.outer_end, para[1]) if q.close_at is not None else None
    if m is not None and not m.group("name")[:1].isupper():
        m = None  # `” — and more.`: no name
    if m is None:
        m = _TRANSCRIPT.match(text, q.start, q.end)
    if m is not None:
        g = m.group("name")
        gs = m.start("name")
        i = ctx.tok_index(gs)
        c = Cue(i, ctx.toks[i], NP("newname", gs, gs + len(g), g), True)
        c.verb, c.verb_start = None, None
        return c, "dash"
    # 1. right after the quote, in the same sentence, before any other quote opens
    k = bisect.bisect_left(ctx.outer_starts, q.outer_end)
    nxt_open = min(ctx.outer_starts[k], para[1]) if k < len(ctx.outer_starts) else para[1]
    i = bisect.bisect_left(cue_pos, q.outer_end)
    if i < len(cues):
        c = cues[i]
        gap = text[q.outer_end : c.pos]
        end_limit = min(
            nxt_open, max(e2, ctx.sentence(q.outer_end)[1]) if q.outer_end < para[1] else para[1]
        )
        k1 = bisect.bisect_left(ctx.sent_ends, q.outer_end)
        crosses = k1 < len(ctx.sent_ends) and ctx.sent_ends[k1] <= c.pos
        if (
            crosses
            and ctx.sent_ends[k1] == q.outer_end
            and len(gap.split()) <= 5
            and (k1 + 1 >= len(ctx.sent_ends) or ctx.sent_ends[k1 + 1] > c.pos)
            and not text[s : q.open_at].strip()
            and len(text[c.pos : ctx.sentence(c.pos)[1]].split()) <= 8
        ):
            crosses = (
                False  # “Too forced?” He tweeted: the quote ends its sentence, the cue follows
            )
        if c.tok.low in PARTICIPLES:
            crosses = True  # “...,” adding ...: a participle introduces what follows it
        conj = re.search(r"\b(?:and|but|while|whereas|although|though|until|before|after)\s", gap)
        if (
            conj is not None
            and c.np.start >= q.outer_end + conj.end()
            and (
                conj.group().strip() not in ("and", "but")
                or _cue_before_in_sentence(ctx, cues, cue_pos, q, s)
            )
        ):
            crosses = True  # `X said, “...,” and Y replied`: Y's verb opens a new clause
        if c.pos < end_limit and len(gap.split()) <= 12 and not crosses:
            return c, "after"
    # 2. before the quote in its sentence
    j = bisect.bisect_left(cue_pos, q.open_at) - 1
    if j >= 0:
        c = cues[j]
        if c.pos >= s and c.pos >= para[0]:
            return c, "before"
    # 3. a clause ending in a colon just before the quote
    before = text[para[0] : q.open_at].rstrip()
    if before.endswith(":"):
        np = _name_before_colon(ctx, para[0] + len(before) - 1)
        if np is not None:
            return np, "colon"
        np = _nearest_clause_subject(ctx, s, q.open_at)
        if np is not None:
            return np, "colon"
        np = _colon_subject(ctx, s, q.open_at)
        if np is not None:
            return np, "colon"
    # 4. the subject of the quote's own sentence (`Bush called Trump “unhinged.”`), or the
    # agent of a passive (`Trump was called “unhinged” by Bush`)
    if s < q.open_at:
        np = _passive_agent(ctx, q, s, e2)
        if np is not None:
            return np, "subject"
        np = _nearest_clause_subject(ctx, s, q.open_at)
        if np is not None:
            return np, "subject"
        np = _colon_subject(ctx, s, q.open_at)
        if np is not None:
            return np, "subject"
    # 5. the nearest cue in the paragraph
    best = None
    for c in cues[bisect.bisect_left(cue_pos, para[0]) : bisect.bisect_left(cue_pos, para[1])]:
        if para[0] <= c.pos < para[1]:
            d = abs(c.pos - q.open_at)
            main = c.np.start <= ctx.sentence(c.pos)[0] + 1 or c.np.kind == "participle"
            d += 0 if main else 100000
            if best is None or d < best[0]:
                best = (d, c)
    if best is not None:
        return best[1], "paragraph"
    # 6. the subject of the paragraph's sentence before the quote (`Kukies brushed it aside. “...”`)
    if para[0] < s:
        ps, _ = ctx.sentence(s - 1)
        np = _colon_subject(ctx, ps, s)
        if np is not None:
            return np, "prev-sentence"
    # 7. previous paragraph ending with a colon
    pi = ctx.para_of(q.open_at)
    if pi > 0:
        pp = ctx.paras[pi - 1]
        if text[pp[1] - 1] == ":":
            ps, _ = ctx.sentence(pp[1] - 1)
            np = _colon_subject(ctx, ps, pp[1] - 1)
            if np is not None:
                return np, "prev-colon"
    return None, None


_NAME_RE = r"(?P<name>[^\W\d_][\w’'.\-]*(?:[ \u00a0](?:[^\W\d_][\w’'.\-]*)){0,4})"
_DASH_NAME = re.compile(
    r"[ \t\u00a0]*[—―–-][ \t\u00a0]*" + _NAME_RE + r"[ \t\u00a0.,]*(?:$|\n)", re.M
)
_TRANSCRIPT = re.compile(
    r"(?P<name>[A-Z][A-Z.’' \-]{1,30}[A-Z]|[A-Z][\w’'.\-]+(?: [A-Z][\w’'.\-]+){1,2}):\s"
)


def _head_person(ctx: _Ctx, m: Mention, limit: int) -> Mention:
    """ "Cruz spokesman Rick Tyler", "University historian John Baick": the person after a modifier."""
    toks = ctx.toks
    k = ctx.tok_index(m.end)
    for u in toks[k : k + 5]:
        if u.start >= limit or not u.word:
            break
        m2 = ctx.reg.by_start.get(u.start)
        if m2 is not None and m2.entity.etype == "person":
            return m2
        if not (is_title_word(u.text) or _role_word(u.low) and not u.cap):
            break
    return m


_ROLE_NOUN = re.compile(r"(?:ist|ster|er|or|ant|ent|ian|man|woman|person)$")


def _role_word(low: str) -> bool:
    """A noun naming someone's role (`journalist`, `lawmaker`), not `for`, `under` or `after`."""
    return (
        len(low) > 4
        and low not in PREPOSITIONS
        and low not in BOUNDARY
        and low not in NOT_ROLES
        and bool(_ROLE_NOUN.search(low))
    )


# fmt: off
NOT_ROLES = {
    "either", "earlier", "later", "meant", "never", "other", "over", "rather", "sent", "spent",
    "together", "whether"
}
# fmt: on


def _is_dateline(ctx: _Ctx, m: Mention) -> bool:
    """'WASHINGTON —', 'PHILADELPHIA (AP) —' at a paragraph's start: a place, not a subject."""
    para = ctx.paras[ctx.para_of(m.start)]
    after = ctx.text[m.end : m.end + 3].lstrip()
    return m.start == para[0] and m.text.isupper() and after[:1] in ("—", "–", "-", "(", ",")


# fmt: off
NOT_VERBS = {
    "always", "amendments", "as", "basis", "bias", "business", "campus", "census", "chaos",
    "congress", "crisis", "during", "embed", "hundred", "indeed", "its", "less", "news", "perhaps",
    "plus", "process", "red", "seems", "series", "speed", "status", "thus", "various", "was", "yes"
}
# fmt: on


# fmt: off
IRREGULAR = {
    "began", "brought", "call", "calls", "came", "cast", "fought", "felt", "gave", "got", "held", "kept",
    "led", "left", "lost", "made", "met", "paid", "ran", "sat", "sent", "sought", "spent", "spoke",
    "stood", "took", "thought", "won"
}
# fmt: on


def _verb_like(t: Token) -> bool:
    low = t.low
    if not t.word or not t.text.islower() or len(low) < 3 or low in NOT_VERBS:
        return False
    if low in PREPOSITIONS or low in DETERMINERS or low in BOUNDARY or low in AUX:
        return False
    return low in VERBS or low in IRREGULAR or low.endswith("ed") or (
        low.endswith("s") and not low.endswith(("ss", "us", "is", "ous", "’s", "'s"))
    )


def _nearest_clause_subject(ctx: _Ctx, s: int, limit: int) -> Cue | None:
    """The subject of the clause nearest before a quote with no reporting verb (`At a gala with
    the actor Ann Vell, Quint called the rivals “cowards.”`, `what Ruiz called “a mess”`): the
    name right before the last verb-like word before the quote."""
    toks = ctx.toks
    k = ctx.tok_index(limit) - 1
    while k >= 0 and toks[k].start >= s:
        t = toks[k]
        if (
            not ctx.in_quote(t.start)
            and t.low.endswith("ing")
            and t.text.islower()
            and k > 0
            and toks[k - 1].text == ","
        ):
            return _colon_subject(ctx, s, toks[k - 1].start)  # `X ..., calling him “...”`
        if not ctx.in_quote(t.start) and t.low.endswith("ing") and t.text.islower():
            np = _with_subject(ctx, k, s)  # `with the Teachers Union calling her “...”`
            if np is not None and np.kind == "name":
                c = Cue(k, t, np, False)
                c.verb, c.verb_start = None, None
                return c
        if (
            not ctx.in_quote(t.start)
            and _verb_like(t)
            and k > 0
            and toks[k - 1].low not in ("who", "which", "that", "was", "were", "been", "being")
        ):
            np = _np_before(ctx, k, s)
            if np is not None and np.kind == "name" and not ctx.in_quote(np.start):
                b = ctx.tok_index(np.start) - 1
                while b >= 0 and toks[b].start >= s and (
                    toks[b].cap or toks[b].low in DETERMINERS or is_title_word(toks[b].text)
                ):
                    b -= 1  # `that Ruiz’s lawyer Ida Munk`: the words before the name
                if not (
                    b >= 0 and toks[b].low in PREPOSITIONS | {"that", "whether", "if", "because"}
                ):
                    m = _head_person(ctx, np.mention, limit)
                    c = Cue(k, t, NP("name", m.start, m.end, m.text, m), False)
                    c.verb, c.verb_start = None, None
                    return c
            if (
                np is not None
                and np.kind == "newname"
                and (
                    ctx.tok_index(np.start) == ctx.tok_index(s)
                    or toks[ctx.tok_index(np.start) - 1].text == ","
                )
            ):
                c = Cue(k, t, np, False)  # `Velia branded it an “outlaw state”`: a name the
                c.verb, c.verb_start = None, None  # registry does not know opens the clause
                return c
        k -= 1
    return None


def _passive_agent(ctx: _Ctx, q: QuoteSpan, s: int, e: int) -> Cue | None:
    """`Quint was called “a disgrace” by Ender`: the name after 'by' speaks, not the subject."""
    toks = ctx.toks
    i0, i1 = ctx.tok_index(s), ctx.tok_index(q.open_at)
    passive = any(
        toks[k].low in ("was", "were", "been", "being", "is", "are") and toks[k + 1].low.endswith("ed")
        for k in range(i0, max(i0, i1 - 1))
        if not ctx.in_quote(toks[k].start)
    )
    if not passive:
        return None
    k = ctx.tok_index(q.outer_end)
    while k < len(toks) and toks[k].start < e and k < ctx.tok_index(q.outer_end) + 4:
        if toks[k].low == "by" and k + 1 < len(toks):
            j = k + 1
            while j < k + 4 and j + 1 < len(toks) and ctx.reg.by_start.get(toks[j].start) is None:
                if not (is_title_word(toks[j].text) or toks[j].low == "the"):
                    break
                j += 1  # `by Governor Paul Ender`: the title before the name
            m = ctx.reg.by_start.get(toks[j].start)
            if m is not None and m.entity.etype == "person":
                c = Cue(k + 1, toks[k + 1], NP("name", m.start, m.end, m.text, m), True)
                c.verb, c.verb_start = None, None
                return c
            return None
        k += 1
    return None


def _name_before_colon(ctx: _Ctx, colon: int) -> Cue | None:
    """`... - Mark Ruiz and Ena Vos: “...”`: a name standing right before the colon, after a
    dash or at the start of its paragraph (a digest's credit line)."""
    toks = ctx.toks
    k = ctx.tok_index(colon) - 1
    if k < 0:
        return None
    np = _np_ending(ctx, k)
    if np is None or np.kind not in ("name", "newname"):
        return None
    b = ctx.tok_index(np.start) - 1
    if b >= 0 and toks[b].low == "and":
        b2 = ctx.tok_index(np.start) - 2
        other = _np_ending(ctx, b2) if b2 >= 0 else None
        if other is not None and other.kind in ("name", "newname"):
            b = ctx.tok_index(other.start) - 1
    para = ctx.paras[ctx.para_of(colon)]
    if b >= 0 and toks[b].start >= para[0] and toks[b].text not in ("-", "—", "–"):
        return None
    c = Cue(k, toks[k], np, False)
    c.verb, c.verb_start = None, None
    return c


def _colon_subject(ctx: _Ctx, s: int, limit: int, strict: bool = True) -> Cue | None:
    """The first name (or he/she) in text[s:limit] that is not after a preposition."""
    toks = ctx.toks
    i = ctx.tok_index(s)
    skipped_before = -1
    first = toks[i] if i < len(toks) else None
    # `Speaking at a rally in Ostend, Velia, Vos went ...`: in a sentence opening
    # with a preposition or a participle, the subject is a name followed by its verb
    intro = (
        strict
        and first is not None
        and first.cap
        and (first.low in PREPOSITIONS or first.low.endswith("ing"))
    )
    fallback = None
    while i < len(toks) and toks[i].start < limit:
        t = toks[i]
        if ctx.in_quote(t.start):
            i += 1
            continue
        m = ctx.reg.by_start.get(t.start)
        if m is not None and intro and not _is_dateline(ctx, m):
            nx = ctx.tok_index(m.end)
            while nx < len(toks) and (
                toks[nx].low in ("also", "still", "then", "never", "just", "again", "later")
                or toks[nx].low.endswith("ly") and toks[nx].text.islower()
            ):
                nx += 1  # `Clinton also misjudged`
            u = toks[nx] if nx < len(toks) else None
            w = toks[nx + 1] if nx + 1 < len(toks) else None
            followed = u is not None and (
                u.word
                and u.text.islower()
                and u.low not in PREPOSITIONS
                and u.low not in TIME_WORDS
                and u.low not in ("and", "or", "but", "who", "which", "that", "whose")
                or u.text in (",", "(") and w is not None and _opens_appositive(w)
            )
            if not followed:
                if fallback is None:
                    fallback = i
                i = nx
                continue
        b = i - 1
        while (
            b >= 0
            and i - b <= 3
            and (
                toks[b].low in DETERMINERS
                or toks[b].low in ("first", "own", "new")
                or toks[b].text.islower()
                and toks[b].low not in PREPOSITIONS
                and len(toks[b].low) > 4
                and (is_title_word(toks[b].text) or _role_word(toks[b].low))
            )
        ):
            b -= 1  # `with the Ostend Herald`, `in his first YouTube videos`, `with journalist X`
        prev = toks[b].low if b >= 0 else ""
        nxt = ctx.tok_index(m.end) if m is not None else i
        place_pair = (
            prev == ","
            and skipped_before == i - 1
            and (nxt >= len(toks) or not toks[nxt].text.islower())
        )  # `in Salem, New Hampshire, Trump`, not `with the Herald, Quint defended`
        if m is not None and (prev in PREPOSITIONS or prev == "(" or place_pair):
            # "in Salem, New Hampshire, Trump ...": places after a preposition are no subject
            i = ctx.tok_index(m.end)
            skipped_before = i
            continue
        if m is not None and _is_dateline(ctx, m):
            i = ctx.tok_index(m.end)
            continue
        if m is not None:
            m = _head_person(ctx, m, limit)
            c = Cue(i, t, NP("name", m.start, m.end, m.text, m), False)
            c.verb, c.verb_start = None, None
            return c
        if t.low in ("he", "she"):
            c = Cue(i, t, NP("pronoun", t.start, t.end, t.text), False)
            c.verb, c.verb_start = None, None
            return c
        i += 1
    if fallback is not None:
        return _colon_subject(ctx, s, limit, strict=False)
    return None


# -- reported speech and unnamed sources (article_facts.extract.reported / .sources) --------
def _holds_partial(ctx: _Ctx, span) -> bool:
    """A reported clause around a quote ("the plan is “dead” for now") states more than the
    quote: the words in quotation marks are less than half of it."""
    if span is None:
        return False
    s, e = span
    i = bisect.bisect_left(ctx.outer_starts, s)
    inside = sum(min(oe, e) - o for o, oe in ctx.outer[i:] if o < e)
    return 0 < inside * 2 < e - s


_BETWEEN = {
    "has", "have", "had", "also", "long", "reportedly", "only", "would", "did", "publicly",
    "repeatedly", "previously", "often", "later", "then", "privately", "since",
}


_DEFINITE_OPENING = {"the", "this", "that", "these", "those", "his", "her", "its", "their", "our"}


def _headline(ctx: _Ctx, v: int) -> bool:
    """Token v stands in a title-case line (a headline): its sentence is one paragraph's
    whole text and most of its words are capitalised."""
    s, e = ctx.sentence(ctx.toks[v].start)
    p = ctx.paras[ctx.para_of(ctx.toks[v].start)]
    if s != p[0] or ctx.text[e:p[1]].strip():
        return False
    words = [t for t in ctx.toks[ctx.tok_index(s) : ctx.tok_index(e)] if t.word]
    caps = sum(1 for t in words if t.text[:1].isupper() or not t.text[:1].isalpha())
    return len(words) >= 4 and caps * 4 >= len(words) * 3


def _reported_cues(ctx: _Ctx, cues: list[Cue]) -> list[Cue]:
    """Cues the speaker rules leave out that reported speech needs: an unnamed subject
    ("Legal experts say", "two people familiar with the talks said") and a second verb of a
    subject already given ("Smith praised the plan and said ...")."""
    have = {c.v for c in cues}
    toks = ctx.toks
    extra = []
    for v, t in enumerate(toks):
        if v not in have and t.text in ("Says", "Say", "Said") and _headline(ctx, v):
            # "Ruiz Says Harbor Will Reopen.": a headline's verb of saying, its subject before it
            s, _ = ctx.sentence(t.start)
            np = _np_before(ctx, v, s)
            if np is not None and np.kind in ("name", "newname", "desc"):
                extra.append(Cue(v, t, np, False))
            continue
        if (
            v not in have
            and t.low == "according"
            and v + 2 < len(toks)
            and toks[v + 1].low == "to"
            and not ctx.in_quote(t.start)
        ):
            # "according to exit polls": a source naming nobody, which the speaker rules skip
            span = according_source(toks, v, ctx.sentence(t.start)[1])
            if span is not None:
                a, b = toks[span[0]].start, toks[span[1] - 1].end
                c = Cue(v, t, NP("desc", a, b, ctx.text[a:b]), True)
                c.verb = ctx.text[t.start : toks[v + 1].end]
                extra.append(c)
            continue
        if v in have or not t.text.islower() or t.low in PARTICIPLES:
            continue
        if t.low in MORE_PARTICIPLES and not ctx.in_quote(t.start):
            # ", suggesting that ...": the participles the speaker rules do not list
            extra.append(Cue(v, t, NP("participle", t.start, t.start, ""), False))
            continue
        if t.low not in VERBS and t.low not in MORE_VERBS:
            continue
        if t.low in ("according", "put", "summed", "pointed", "went") or ctx.in_quote(t.start):
            continue
        s, _ = ctx.sentence(t.start)
        span = unnamed_subject(toks, v, s)
        p = v - 1
        while p > 0 and toks[p].low in _BETWEEN and toks[p].start > s:
            p -= 1  # "... but has long said ...": back past auxiliaries and adverbs
        prev = toks[p] if v > 0 and toks[p].start >= s else None
        if span is not None:
            a, b = toks[span[0]].start, toks[span[1] - 1].end
            extra.append(Cue(v, t, NP("desc", a, b, ctx.text[a:b]), False))
        elif prev is not None and prev.low in ("and", "but"):
            extra.append(Cue(v, t, NP("participle", t.start, t.start, ""), False))
        elif (
            prev is not None
            and prev.low in STATEMENT_NOUNS
            and v >= 3
            and toks[v - 2].low in ("'s", "’s")
        ):
            # "Ruiz's statement said ...": the statement's author speaks; "Ruiz's spokesman
            # said ...": the spokesman, an unnamed source described as written
            np = _np_ending(ctx, v - 3)
            if np is not None and np.kind in ("name", "newname"):
                if prev.low.startswith("spokes"):
                    a, b = np.start, prev.end
                    np = NP("subject", a, b, ctx.text[a:b])
                extra.append(Cue(v, t, np, False))
        elif prev is not None and prev.low in ("who", "which") and v >= 2:
            # "Ana Ruiz, who said she expects ...": the speaker is the phrase before "who"
            k = v - 3 if toks[v - 2].text == "," else v - 2
            np = _np_ending(ctx, k) if k >= 0 and toks[k].start >= s else None
            if np is not None:
                extra.append(Cue(v, t, np, False))
        elif t.low in MORE_VERBS and prev is not None and prev.low not in AUX | DETERMINERS:
            np = _np_before(ctx, v, s)
            if np is not None:
                extra.append(Cue(v, t, np, False))
        elif (span := opening_subject(toks, v, s)) is not None:
            # "Six in 10 primary voters said ...": a subject the speaker rules pass over
            a, b = toks[span[0]].start, toks[span[1] - 1].end
            extra.append(Cue(v, t, NP("subject", a, b, ctx.text[a:b]), False))
    return extra


def _speaker(ctx: _Ctx, cue: Cue, state) -> Resolved:
    """`resolve`, except that a subject describing someone the text does not name is kept as
    an unnamed source, described as written, rather than given to a name nearby."""
    np = cue.np
    toks = ctx.toks
    s, e = ctx.sentence(cue.pos)
    desc = None
    if cue.tok.low == "according":
        span = according_source(toks, cue.v, e)
        if span is not None:
            desc = (toks[span[0]].start, toks[span[1] - 1].end)
    elif not cue.after and name_with_appositive_follows(ctx, cue):
        # "..., whom he angered, said Ana Ruiz, director of ...": the name after the verb
        after = _np_after(ctx, cue.v, e)
        if after is not None:
            return resolve(ctx, Cue(cue.v, cue.tok, after, True), state)
    elif cue.after and np.kind == "desc" and inverted_is_clause(toks, ctx.tok_index, cue):
        # "Chase, 27, a teacher, said the harbor was safe": the subject stands before the verb
        before = _np_before(ctx, cue.v, s)
        if before is not None:
            return _speaker(ctx, Cue(cue.v, cue.tok, before, False), state)
    elif cue.after:
        if np.kind == "desc" and is_unnamed(np.text):
            desc = (np.start, np.end)
    elif np.kind == "subject":
        # a description opening the sentence: kept as written unless it refers to someone
        # named ("The senator said"), which the speaker rules resolve
        if toks[ctx.tok_index(np.start)].low in _DEFINITE_OPENING and "’s" not in np.text and "'s" not in np.text:
            return resolve(ctx, Cue(cue.v, cue.tok, NP("desc", np.start, np.end, np.text), False), state)
        desc = (np.start, np.end)
    elif np.kind == "desc" and ctx.toks[ctx.tok_index(np.end) - 1].low in ("and", "but"):
        # "Ruiz visited the bridge and said ...": the verb shares its sentence's subject
        return _speaker(ctx, Cue(cue.v, cue.tok, NP("participle", cue.pos, cue.pos, ""), False), state)
    elif np.kind == "participle":
        main = _main_cue_before(ctx, cue, s)
        if main is not None:  # `X said ..., adding`: the main verb's subject
            return _speaker(ctx, main, state)
        # the sentence's subject, not a dateline or a name after a preposition ("told ABC")
        subject = _colon_subject(ctx, s, cue.pos)
        if subject is not None:
            return resolve(ctx, subject, state)
    elif np.kind in ("desc", "newname", "name"):
        span = unnamed_subject(toks, cue.v, s)
        if span is not None and np.kind == "name":
            # "Officials said": a common noun opening the sentence, not a name
            words = toks[span[0] : span[1]]
            modifier = any(
                w.low in ("of", "to", "for", "at", "with", "from") and w.start < np.start
                for w in words
            )  # "Aides to Ruiz": the name is in the description, not its head
            if not modifier and (len(words) != 1 or not common_noun(ctx.text, words[0].text)):
                span = None
        if span is not None:
            desc = (toks[span[0]].start, toks[span[1] - 1].end)
    if desc is not None:
        words = ctx.text[desc[0] : desc[1]].strip(" ,.;:—–-")
        return Resolved(None, "unnamed", f"an unnamed source: '{words}'", name_override=words)
    res = resolve(ctx, cue, state)
    if res.entity is None and res.stype is None and not cue.after and np.kind == "desc":
        # "People briefed on the talks say ...": the description found names nobody; the
        # sentence's whole opening phrase is the speaker as the text gives it
        span = long_subject(toks, cue.v, s)
        if span is not None:
            a, b = toks[span[0]].start, toks[span[1] - 1].end
            words = ctx.text[a:b]
            return Resolved(None, "unnamed", f"an unnamed source: '{words}'", name_override=words)
    return res


# fmt: off
# words between a name and the rest of its clause that are no part of the subject ("X on Monday")
TIME_WORDS = {
    "a", "afternoon", "again", "also", "an", "at", "earlier", "evening", "friday", "in",
    "interview", "last", "later", "monday", "month", "morning", "night", "on", "recently",
    "repeatedly", "saturday", "statement", "sunday", "the", "this", "thursday", "time", "today",
    "tuesday", "wednesday", "week", "year", "yesterday"
}
# fmt: on
