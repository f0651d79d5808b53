"""Reported speech: the clause a verb of saying reports (`X said (that) ...`, `..., X said.`,
`according to X, ...`), as offsets into the text.

The functions read the speaker stage's context (`ctx`: tokens, sentences, quote marks) and cues
(`cue`: the verb's token index `v`, its token `tok`, its subject phrase `np`, `after` for an
inverted `said X`) without importing that stage, so the two modules import in one direction.
"""

from __future__ import annotations

import bisect

# fmt: off
# verbs whose reported clause may follow without "that": "said the plan failed"
BARE_COMPLEMENT = {
    "acknowledged", "acknowledges", "added", "adds", "admits", "admitted", "announced",
    "announces", "argue", "argued", "argues", "asserted", "claim", "claimed", "claims",
    "conceded", "confirmed", "contend", "contended", "contends", "declared", "emphasised",
    "emphasized", "estimated", "explained", "insist", "insisted", "insists", "maintained",
    "maintains", "note", "noted", "notes", "predicted", "predicts", "recalled", "reported",
    "reports", "said", "say", "says", "stated", "stressed", "suggest", "suggested", "suggests",
    "warn", "warned", "warns", "wrote", "writes", "tweeted", "testified", "complained",
    "speculated", "revealed", "reiterated", "promised", "vowed", "conceded", "countered",
    "contend", "maintain", "assert", "asserted", "asserts", "declare", "confirm", "admit",
    "concede", "recall", "emphasize", "state", "mention", "mentioned", "mentions", "add",
    "write", "report", "allege", "alleged", "alleges", "predict", "stress", "acknowledge",
    "adding", "arguing", "claiming", "declaring", "insisting", "noting", "saying", "stating",
    "warning", "writing", "emphasizing", "stressing", "recalling", "explaining",
    "suggesting", "asserting", "acknowledging", "predicting", "contending", "maintaining",
    "confirming", "admitting", "alleging", "conceding",
}
# verbs whose object, not a clause, is what they report: "announced a new tariff"
OBJECT_REPORTED = {
    "announced", "announces", "reported", "reports", "revealed", "confirmed", "predicted",
    "acknowledged", "promised", "vowed", "reiterated", "estimated",
}
# what a person's words are called: "Ruiz's statement said ..."
STATEMENT_NOUNS = {
    "statement", "statements", "comments", "comment", "remarks", "letter", "tweet", "tweets",
    "post", "email", "memo", "testimony", "speech", "spokesman", "spokeswoman", "spokesperson",
}
# verbs with a listener before the clause: "told reporters (that) ..."
WITH_LISTENER = {
    "told", "tells", "telling", "informed", "assured", "warned", "warns", "reminded", "promised",
}
# no reported clause of their own (asking is not stating; "put it", "summed up", "went on")
NO_CLAUSE = {"put", "summed", "pointed", "went", "asked", "asking", "asks", "answered"}
# words that may stand between a verb of saying and its clause: "said on Tuesday that"
ADVERBIAL = {
    "a", "afternoon", "again", "also", "an", "at", "during", "earlier", "evening", "friday",
    "in", "interview", "last", "later", "monday", "month", "morning", "night", "on", "recently",
    "repeatedly", "saturday", "statement", "sunday", "the", "this", "thursday", "time",
    "today", "tuesday", "wednesday", "week", "year", "yesterday", "privately", "publicly",
    "flatly", "previously", "separately", "then", "now", "too", "once", "twice", "briefly",
    "tonight", "statements", "speech", "remarks", "email", "e-mail", "post", "conference",
    "call", "news", "press", "release", "blog", "his", "her", "their", "its", "to", "reporters",
    "told", "with", "after", "before", "debate", "rally", "weekend", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "recent", "televised", "written", "radio", "tv", "television", "phone",
    "telephone", "brief", "lengthy", "joint", "same", "early", "late", "over", "days", "ago",
}
# first words that cannot open a reported clause
NOT_CLAUSE_START = {
    "so", "yes", "no", "nothing", "something", "anything", "little", "much", "more", "goodbye",
    "hello", "thanks", "otherwise", "as", "of", "about", "for", "to", "by", "with", "from",
    "at", "in", "on", "into", "over", "under", "after", "before", "during", "through", "than",
    "against", "among", "between", "toward", "towards", "upon", "out", "up", "down", "off",
    "what", "how", "why", "when", "where", "whether", "who", "which", "whom", "and", "or",
    "but", "that", "too", "also", "only", "just", "very", "again",
    "repeatedly", "recently", "later", "earlier", "privately", "publicly", "himself", "herself",
    "themselves", "itself", "him", "her", "them", "me", "us", "goodbye", "hi", "amen", "okay",
    "ok", "sorry", "nope", "yeah", "thank", "please", "there's", "here", "so,", "while",
    "although", "though", "unless", "until", "whereas",
}
# a clause's subject comes first: "what they say was ...", "that he said would ..."
VERB_FIRST = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
    "did", "will", "would", "can", "could", "should", "shall", "may", "might", "must",
}
# after a comma, these open words that are not part of the reported clause:
# "..., while 22 percent said ...", "..., compared with ...", "..., which ..."
CLAUSE_AFTER = {
    "while", "whereas", "compared", "where", "although", "though", "according",
}
# ", as have other Democrats": a comparison with other speakers, not the statement's words
_AS_AUX = {"has", "have", "had", "did", "does", "do", "is", "are", "was", "were"}
PARTICIPLE_AFTER = {
    "saying", "adding", "noting", "arguing", "claiming", "insisting", "warning", "explaining",
    "stressing", "calling", "accusing", "asking", "telling", "declaring", "suggesting",
}
SUBORDINATORS = {
    "while", "although", "though", "as", "because", "when", "if", "since", "whereas", "after",
    "before", "once", "until", "unless",
}
# fmt: on
_PREPOSITIONS = {
    "from", "during", "in", "at", "on", "after", "before", "since", "for", "with", "about",
    "throughout", "over", "via", "through",
}
_SUBJECT_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "there"}
_COMMON_VERBS = {
    "wants", "needs", "plans", "thinks", "knows", "believes", "remains", "looks", "seems",
    "supports", "opposes", "leads", "won", "lost", "made", "got", "went", "came", "became",
    "gave", "took", "saw", "knew", "thought", "felt", "left", "kept", "began", "brought",
    "deserves", "means", "makes", "takes", "gets", "goes", "comes", "keeps", "shows", "works",
    "held", "ran", "met", "paid", "sent", "spent", "stood", "understood", "wrote", "built",
    "bought", "caught", "fought", "sought", "taught", "led", "fell", "rose", "grew", "drew",
    "threw", "hit", "meant", "told", "said", "tells", "says", "calls", "tries", "gives",
    "helps", "hopes", "expects", "intends", "faces", "lacks", "owes", "pays", "runs",
    "stands", "holds", "violates", "poses", "represents", "includes", "requires",
    "continues", "favors", "lies", "exists", "matters", "depends", "knows", "feels", "likes",
    "include",
    "loves", "hates", "fears", "sees", "owns", "uses", "puts", "sets", "lets", "cost",
    "hurts", "ought", "know", "think", "believe", "oppose", "deserve", "expect", "intend",
}
_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "this", "these", "those", "our"}
_END_PUNCT = ".!?,;: \t\n"


def reported_clause(ctx, cue) -> tuple[int, int] | None:
    """The reported clause of a cue not used by a quote, or None when the cue reports none."""
    low = cue.tok.low
    if low == "according":
        return _according(ctx, cue)
    if low in NO_CLAUSE or _not_speech(ctx.toks, cue):
        return None
    if cue.after:
        if _pronoun_opens_clause(ctx, cue):
            # "Sen. Ruiz, one of its authors, said he supports the bill": not inverted
            return _checked(ctx, _to_clause_end(ctx, cue, cue.np.start, ctx.sentence(cue.pos)[1]))
        return _before_inverted(ctx, cue)
    if low.endswith("ing") and not _participle_ok(ctx, cue):
        return None
    if name_with_appositive_follows(ctx, cue):
        # "..., whom she has angered, said Marta Olmos, director of ...": an inverted speaker
        # the subject finder missed; the statement is what stands before the verb
        return _before_inverted(ctx, cue)
    span = _before_subject(ctx, cue) if _set_off_by_commas(ctx, cue) else None
    if span is None:
        span = _complement(ctx, cue)
    if span is None:
        span = _before_subject(ctx, cue)
        if span is not None and _only_adverbial(ctx, span):
            return None
    return _checked(ctx, span)


def name_with_appositive_follows(ctx, cue) -> bool:
    """"said Marta Olmos, director of the port's board.": after the verb come a name, a comma
    and a phrase about that person, with no verb to the sentence's end: the words name the
    speaker, they are no reported clause."""
    toks = ctx.toks
    if cue.tok.low not in ("said", "says"):
        return False
    s, e = ctx.sentence(cue.pos)
    k = cue.v + 1
    n = k
    while n < len(toks) and toks[n].start < e and toks[n].word and toks[n].cap:
        n += 1
    if n - k < 2 or n >= len(toks) or toks[n].text != ",":
        return False
    rest = toks[n + 1 : ctx.tok_index(e)]
    if not any(t.word and t.text.islower() for t in rest):
        return False  # "Ruiz Says Port Needs To Close, Show Courage": a headline's words
    for t in rest:
        if t.low in VERB_FIRST or t.low in _COMMON_VERBS or t.low.endswith(("n't", "n’t")):
            return False
        if t.low in _SUBJECT_PRONOUNS or t.text in ";:“”\"":
            return False
    return True


def _set_off_by_commas(ctx, cue) -> bool:
    """"By closing the gate, Ms. Ruiz said, the board can ...": the attribution stands between
    two commas inside the sentence, which is the statement around it."""
    toks = ctx.toks
    v = cue.v
    if cue.np is None or cue.np.kind == "participle" or v + 2 >= len(toks):
        return False
    if toks[v + 1].text != ",":
        return False
    b = ctx.tok_index(cue.np.start) - 1
    return b > 0 and toks[b].text == "," and ctx.sentence(cue.pos)[0] < toks[b].start


def _only_adverbial(ctx, span) -> bool:
    """"In a 1963 speech, Wallace declared ...", "On Thursday, the club announced ...": what
    stands before the speaker is a phrase of time or place, not a statement (no verb in it)."""
    toks = ctx.toks
    i, j = ctx.tok_index(span[0]), ctx.tok_index(span[1])
    words = [t for t in toks[i:j] if t.word]
    if not words or words[0].low not in _PREPOSITIONS | {"last", "this", "earlier", "later"}:
        return False
    return not any(
        t.low in VERB_FIRST or t.low in _COMMON_VERBS or t.low.endswith(("ed", "n't", "n’t"))
        for t in words
    ) and len(words) <= 8


def _not_speech(toks, cue) -> bool:
    """"states" as a noun ("Southern states that vote"), far more common in the news than the
    verb: only a pronoun's or a relative's "states" reports. (A passive, "it is said that",
    "I was told that", is kept: the annotators count it as reported speech.)"""
    v, low = cue.v, cue.tok.low
    prev = toks[v - 1].low if v > 0 else ""
    if low == "states" and prev not in ("he", "she", "it", "which", "who", "that"):
        return True
    return False


def _pronoun_opens_clause(ctx, cue) -> bool:
    """What follows an apparently inverted verb is the subject of the reported clause, not the
    speaker: a pronoun with more words after it ("..., said he supports ...") or a phrase
    holding a verb ("Chase, 27, a teacher, said the harbor was safe")."""
    return inverted_is_clause(ctx.toks, ctx.tok_index, cue)


def inverted_is_clause(toks, tok_index, cue) -> bool:
    """See `_pronoun_opens_clause`; shared with the speaker hook, which then looks for the
    subject before the verb."""
    if cue.np is None or cue.tok.low == "according":
        return False
    i = tok_index(cue.np.end)
    if cue.np.kind == "pronoun":
        return i + 1 < len(toks) and toks[i].word and toks[i + 1].word
    if cue.np.kind == "desc":
        return _clause_like(toks, tok_index(cue.np.start) + 1)
    return False


def _participle_ok(ctx, cue) -> bool:
    """", saying (that) ...": a participle reports a clause only after a comma or dash and
    before "that" or a clause's subject ("..., claiming his third victory" reports none)."""
    toks = ctx.toks
    v = cue.v
    if v > 0 and toks[v - 1].low in ("is", "are", "was", "were", "been"):
        return True  # "Clinton is declaring that ...": a verb in the progressive
    if v == 0 or toks[v - 1].low in ("without", "of", "the", "a", "an", "keep"):
        return False
    if cue.tok.low in WITH_LISTENER:
        return True  # "telling the host that ...": the listener rule finds the clause
    nxt = toks[v + 1] if v + 1 < len(toks) else None
    return nxt is not None and (
        nxt.low in ("that", "he", "she", "they", "it", "we", "i", "there") or nxt.text in "“\""
        or (nxt.cap and nxt.low not in NOT_CLAUSE_START)
        or (
            nxt.low in _DETERMINERS
            and toks[v - 1].low in (",", "by")
            and (_has_verb_soon(toks, v + 1) or _clause_like(toks, v + 2, 5))
        )
    )


def _has_verb_soon(toks, i: int) -> bool:
    """A finite verb among the next few words: "saying his campaign doesn't want ..." holds a
    clause, "claiming his third victory in ..." does not."""
    for t in toks[i : i + 6]:
        if t.low in VERB_FIRST or t.low.endswith(("n't", "n’t")) or t.low in ("wants", "want"):
            return True
        if not t.word:
            return False
    return False


def _checked(ctx, span):
    """Trim the span's edges; refuse spans that cross a quote's marks, start inside one, or are
    too short to be a statement."""
    if span is None:
        return None
    text = ctx.text
    start, end = span
    while start < end and text[start] in " \t,—–-:":
        start += 1
    while end > start and text[end - 1] in _END_PUNCT + "—–-":
        end -= 1
    i = bisect.bisect_left(ctx.outer_starts, start) - 1
    for o, oe in ctx.outer[max(i, 0) : bisect.bisect_left(ctx.outer_starts, end) + 1]:
        if o < end and oe > start and not (start <= o and oe <= end):
            return None  # a reported statement may hold a partial quote, never cut one
    if end - start < 8 or len(text[start:end].split()) < 2 or text[start] in "?)]":
        return None
    if ctx.in_quote(start) and not _quote_inside(ctx, start, end):
        return None
    if text[start:end].rstrip().endswith("?") or _question_ends(text, end):
        return None
    return start, end


def _quote_inside(ctx, start: int, end: int) -> bool:
    """"said “it makes me furious” each time ...": a clause may open with a partial quote."""
    i = bisect.bisect_right(ctx.outer_starts, start) - 1
    return i >= 0 and ctx.outer[i][1] + 10 < end


def _question_ends(text: str, end: int) -> bool:
    rest = text[end : end + 2]
    return rest[:1] == "?"


def _skip_adverbial(toks, j: int, e: int, limit: int = 10) -> int:
    """Past words like "on Tuesday", "in a statement", "to reporters", "this week" after a verb."""
    k = j
    while k < len(toks) and k < j + limit and toks[k].start < e:
        t = toks[k]
        if t.low in ADVERBIAL or (t.word and t.text[:1].isdigit()):
            k += 1
            continue
        if t.text == "," and k + 1 < len(toks) and toks[k + 1].low in ADVERBIAL:
            k += 1
            continue
        # "in an interview with Fox News", "at a rally in Ohio": capitalised words after a
        # preposition already skipped belong to the adverbial
        if t.word and t.cap and k > j and toks[k - 1].low in ADVERBIAL:
            k += 1
            continue
        break
    return k


def _complement(ctx, cue) -> tuple[int, int] | None:
    """`X said (that) CLAUSE`, `X told reporters (that) CLAUSE`: the words after the verb."""
    toks = ctx.toks
    low = cue.tok.low
    v = cue.v
    s, e = ctx.sentence(cue.pos)
    j = v + 1
    if low in WITH_LISTENER:
        k = j
        while k < len(toks) and k < j + 12 and toks[k].start < e and toks[k].low != "that":
            if toks[k].text in ";:“”\"" or toks[k].low in ("to", "about", "how", "why"):
                break
            k += 1
        if k < len(toks) and toks[k].low == "that" and toks[k].start < e:
            return _to_clause_end(ctx, cue, toks[k + 1].start if k + 1 < len(toks) else e, e)
        # "told reporters he would ...": a short listener, then a pronoun subject; a named
        # listener may be longer ("told The Daily Star of Lima on Monday his crew ...")
        named = j + 1 < len(toks) and (
            toks[j].cap or (toks[j].low == "the" and toks[j + 1].cap)
        )
        for k in range(j + 1, min(j + (9 if named else 4), len(toks))):
            if toks[k].start >= e or not all(u.word for u in toks[j:k]):
                break
            first = toks[k].low.replace("’", "'").split("'")[0]
            if first in ("he", "she", "they", "we", "i", "it", "there") or (
                named and _possessive_subject(toks, k, ("his", "her", "their", "its"))
            ):
                return _to_clause_end(ctx, cue, toks[k].start, e)
        return None
    k = _skip_adverbial(toks, j, e)
    if k < len(toks) and toks[k].low in _PREPOSITIONS:
        # "has said from the start that ...": past a phrase to its "that"
        f = k + 1
        while f < len(toks) and f < k + 9 and toks[f].start < e and toks[f].word:
            if toks[f].low == "that":
                k = f
                break
            f += 1
    if k < len(toks) and toks[k].low == "that" and toks[k].start < e:
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is not None and nxt.text == "," and k + 2 < len(toks):
            nxt = toks[k + 2]  # "added that, ..."
        if nxt is None or nxt.start >= e or nxt.text in ".,;:!?":
            return None  # "he said that.": a pronoun, no clause
        return _to_clause_end(ctx, cue, nxt.start, e)
    if low not in BARE_COMPLEMENT:
        return None
    if j < len(toks) and toks[j].low in _DETERMINERS:
        k = j  # "said the plan failed": the clause opens with its subject
    if k < len(toks) and toks[k].text == "," and k > j:
        k += 1  # "said Tuesday, the plan ..."
    if k >= len(toks) or toks[k].start >= e or not toks[k].word:
        if k < len(toks) and toks[k].text in "“\"" and toks[k].start < e:
            return _to_clause_end(ctx, cue, toks[k].start, e)
        return None
    if toks[k].low in VERB_FIRST:
        return None
    if toks[k].low in NOT_CLAUSE_START or (toks[k].low.endswith("ly") and not toks[k].cap):
        if not (low in OBJECT_REPORTED and toks[k].low in ("that", "this")) and not (
            _possessive_subject(toks, k)
        ):
            return None
    skipped = toks[j:k]
    if any(t.low in _PREPOSITIONS for t in skipped) and toks[k - 1].text != ",":
        # "said in his office overlooking the bay": after a phrase, only a clause's subject
        if toks[k].low not in _SUBJECT_PRONOUNS and not toks[k].cap:
            return None
    if (low not in OBJECT_REPORTED or _backgrounded(toks, cue)) and low not in (
        "said", "says", "say", "told", "tells"
    ):
        if toks[k].low not in _SUBJECT_PRONOUNS and not _clause_like(toks, k + 1):
            return None  # "maintained his double-digit lead": an object, not a statement
    return _to_clause_end(ctx, cue, toks[k].start, e)


def _backgrounded(toks, cue) -> bool:
    """The verb stands in a relative or time clause ("Ruiz, who announced a plan, ...", "when
    she announced the steps", "Having announced ..."): its object is background, not a
    statement the text reports."""
    v = cue.v
    b = v - 1
    while b >= 0 and toks[b].word and (toks[b].low in _BETWEEN_SUBJECT or b >= v - 4):
        if toks[b].low in _BACKGROUND:
            return True
        b -= 1
    return False


_BACKGROUND = {"who", "which", "when", "before", "after", "having", "since", "until", "once"}
_BETWEEN_SUBJECT = {"he", "she", "they", "it", "we", "i", "had", "has", "have", "also", "first"}


def _possessive_subject(toks, k: int, words=("her",)) -> bool:
    """"said her editors cut the scene": "her" opens the clause's subject (a noun, then a
    verb), not the verb's object ("said her name", "told her")."""
    return (
        toks[k].low in words
        and k + 2 < len(toks)
        and toks[k + 1].word
        and toks[k + 1].low not in VERB_FIRST
        and _clause_like(toks, k + 2, 6)
    )


def _clause_like(toks, i: int, window: int = 9) -> bool:
    """A finite verb among the next words, before any punctuation."""
    for t in toks[i : i + window]:
        if not t.word:
            return False
        low = t.low
        if low in VERB_FIRST or low in _COMMON_VERBS or low.endswith(("n't", "n’t", "ed")):
            return True
    return False


def _to_clause_end(ctx, cue, start: int, e: int) -> tuple[int, int]:
    """The clause runs to the sentence's end, cut before a second reporting clause ("and said",
    ", and Smith said") and, after "While X said ...", before the main clause."""
    toks = ctx.toks
    end = e
    i = ctx.tok_index(start)
    subordinate = _in_subordinate(ctx, cue)
    k = i
    while k < len(toks) and toks[k].start < e:
        t = toks[k]
        if k > i + 1 and _sentence_ends_at(toks, k):
            return start, _after_closing_marks(toks, k)  # ".'' It carries ...": a new sentence
        if ctx.in_quote(t.start):
            k += 1
            continue
        if k > i + 2 and _clause_stops_at(toks, k, e):
            return start, t.start
        if subordinate and t.text == "," and k > i + 2:
            return start, t.start
        if t.low in ("and", "but") and k + 1 < len(toks):
            nxt = toks[k + 1]
            if nxt.low in _SAYING and nxt.text.islower():
                return start, t.start
            if (
                toks[k - 1].text == ","
                and nxt.low in ("he", "she")
                and k + 2 < len(toks)
                and toks[k + 2].low in _SAYING | {"also"}
            ):
                return start, toks[k - 1].start  # ", and he also ...": the speaker goes on
        if t.text == ";":
            return start, t.start
        if (
            t.text in (",", "—", "–", "-")
            and k + 1 < len(toks)
            and (toks[k + 1].low in PARTICIPLE_AFTER)
            and k > i + 2
        ):
            return start, t.start  # "..., adding that ...": a new statement begins
        if (
            t.text == ","
            and k + 1 < len(toks)
            and toks[k + 1].low in CLAUSE_AFTER
            and k > i + 2
            and not _parenthetical(toks, k + 1, e)
        ):
            return start, t.start
        if (
            t.text == ","
            and k + 2 < len(toks)
            and toks[k + 1].low == "as"
            and toks[k + 2].low in _AS_AUX
            and k > i + 2
        ):
            return start, t.start  # "..., as has the mayor": someone else said so too
        k += 1
    return start, end


def _parenthetical(toks, k: int, e: int) -> bool:
    """", though culturally conservative, areas" and ", while troublesome, was": a word of
    concession and at most three words more, set off by commas inside the clause, which
    goes on after them."""
    n = k + 1
    while n < len(toks) and n <= k + 4 and toks[n].start < e and toks[n].word:
        n += 1
    return (
        n > k + 1
        and n < len(toks) - 1
        and toks[n].text == ","
        and toks[n + 1].start < e
        and toks[n + 1].word
        and toks[n + 1].text[:1].islower()
    )


def _in_subordinate(ctx, cue) -> bool:
    """"While Ramos said that ..., he ...": the cue's subject follows a subordinating word."""
    toks = ctx.toks
    if cue.np is None or cue.np.kind == "participle":
        return False
    b = ctx.tok_index(cue.np.start) - 1
    return b >= 0 and toks[b].low in SUBORDINATORS


def _before_subject(ctx, cue) -> tuple[int, int] | None:
    """"..., Sheinbaum clarified." and "The plan, a source said, is ...": the words before the
    speaker (and after the verb when the attribution stands inside the sentence)."""
    toks = ctx.toks
    s, e = ctx.sentence(cue.pos)
    if cue.np is None or cue.np.kind == "participle":
        return None
    nb = ctx.tok_index(cue.np.start) - 1
    if nb >= 0 and toks[nb].low == "the":
        nb -= 1  # "..., the Tax Foundation said."
    stop = None
    if nb >= 1 and toks[nb].text in "”\"" and toks[nb - 1].text == ",":
        stop = toks[nb].end  # '... “overrun with critics,” Hoover said.': the clause ends
        nb -= 1  # after the closing mark, its comma inside
    if nb < 0 or toks[nb].text != "," or toks[nb].start <= s:
        return None
    if stop is None:
        stop = toks[nb].start
    r = cue.v + 1
    while r < len(toks) and toks[r].low in ("then", "later", "earlier", "recently", "too"):
        r += 1  # "The plan, the mayor said then, was ..."
    rest = [t for t in toks[r : ctx.tok_index(e)] if t.word or t.text == ","]
    if not rest or rest[0].text == ",":
        words = [t for t in rest if t.word]
        if len(words) >= 3 or (words and words[0].low in VERB_FIRST | _COMMON_VERBS):
            after = toks[r + 1] if r + 1 < len(toks) else None
            if ctx.in_quote(toks[ctx.tok_index(s)].start) or (after and after.text in "“\"'"):
                return None  # a quote and its attribution: the quote is the statement
            return s, e  # "The plan, a source said, is to ...", "..., she said, was calm"
        return s, stop
    if len(rest) <= 5 and all(
        t.low in ADVERBIAL or t.cap or t.text[:1].isdigit() for t in rest if t.word
    ):
        return s, stop  # "..., Smith said in a statement on Tuesday."
    return None


def _before_inverted(ctx, cue) -> tuple[int, int] | None:
    """"..., said Larry Sabato." : the words before the inverted verb."""
    toks = ctx.toks
    s, e = ctx.sentence(cue.pos)
    b = cue.v - 1
    while b >= 0 and toks[b].low in ADVERBIAL and toks[b].start > s:
        b -= 1
    if b < 0 or toks[b].text != "," or toks[b].start <= s:
        return None
    if _goes_on_after_source(ctx, cue, e):
        return _checked(ctx, (s, e))  # "The plan, said Lena Park, was never ...": around it
    return _checked(ctx, (s, toks[b].start))


def _goes_on_after_source(ctx, cue, e: int) -> bool:
    """"..., said Lena Park and her aides, was never ...": after the inverted source and a
    comma, the sentence's own verb follows (the words before were its subject)."""
    toks = ctx.toks
    k = ctx.tok_index(cue.np.end) if cue.np is not None else cue.v + 2
    while k < len(toks) and toks[k].start < e:
        t = toks[k]
        if t.text == "," and k + 1 < len(toks) and toks[k + 1].start < e:
            nxt = toks[k + 1]
            return nxt.low in VERB_FIRST and not ctx.in_quote(nxt.start)
        if t.text in ";:—–()":
            return False
        k += 1
    return False


def _sentence_goes_on(ctx, cue, e: int) -> bool:
    """After "according to X," the sentence goes on with a clause of its own (three words or
    more holding a verb, not a relative, a conjunction or an appositive of the source)."""
    toks = ctx.toks
    k = cue.v + 2
    while k < len(toks) and toks[k].start < e and toks[k].text not in ",;:—–()":
        k += 1
    if k >= len(toks) or toks[k].start >= e or toks[k].text != ",":
        return False
    rest = [t for t in toks[k + 1 : ctx.tok_index(e)] if t.word]
    return (
        len(rest) >= 3
        and rest[0].low not in _NOT_AFTER_SOURCE
        and not ctx.in_quote(rest[0].start)
        and _clause_like(toks, k + 1, 12)  # a clause, not the source's appositive
    )


_NOT_AFTER_SOURCE = {
    "who", "which", "whose", "where", "when", "and", "but", "as", "while", "though",
    "although", "a", "an", "said", "says", "told", "adding", "saying", "citing",
}  # fmt: skip


def _according(ctx, cue) -> tuple[int, int] | None:
    """`according to X, CLAUSE.` and `CLAUSE, according to X.`"""
    toks, text = ctx.toks, ctx.text
    s, e = ctx.sentence(cue.pos)
    v = cue.v
    before = text[s : cue.pos].strip()
    if len(before.split()) >= 3:
        if before.endswith(",") and _sentence_goes_on(ctx, cue, e):
            # "Among the rulings at risk, according to X, are 16 ...": around the source
            return _checked(ctx, (s, e))
        return _checked(ctx, (s, cue.pos))
    if before.endswith(",") and len(before.split()) >= 1:
        return _checked(ctx, (s, e))  # "His criticism, according to X, was ...": around it
    # the source runs to the next comma; the clause follows it
    src_end = cue.np.end if cue.np is not None else toks[v + 1].end
    k = ctx.tok_index(src_end)
    while k < len(toks) and toks[k].start < e and toks[k].text != ",":
        k += 1
    if k + 1 >= len(toks) or toks[k].start >= e:
        return None
    return _checked(ctx, (toks[k + 1].start, e))


_SAYING = {
    "said", "says", "say", "told", "added", "noted", "argued", "claimed", "warned", "insisted",
    "announced", "acknowledged", "wrote", "explained", "stressed", "suggested", "predicted",
    "declared", "stated", "tells", "adds", "notes", "argues", "claims", "warns", "insists",
}  # fmt: skip


# fmt: off
# words that open a sentence after an abbreviation's period ("... the U.S. He says ...")
_OPENERS = {
    "he", "she", "they", "we", "i", "it", "but", "and", "the", "this", "that", "there", "in",
    "his", "her", "their", "yet", "still", "so", "a", "an", "mr", "mrs", "ms",
}
# closing marks that may follow a sentence's final period
_CLOSERS = "”’\"'»)"
# fmt: on


def _sentence_ends_at(toks, k: int) -> bool:
    """A sentence ends at token k the sentence splitter missed: a period (or "!") followed by
    closing marks and a capitalised word ("... war.'' It carries ..."), or an abbreviation's
    period followed by a word that opens sentences ("... in the U.S. He says ...")."""
    t = toks[k]
    if t.text in (".", "!"):
        if decimal_point(toks, k) or date_abbreviation(toks, k):
            return False
        n = k + 1
        while n < len(toks) and toks[n].text and toks[n].text in _CLOSERS:
            n += 1
        return n < len(toks) and n > k + 1 and toks[n].word and toks[n].text[:1].isupper()
    if t.word and t.text.endswith(".") and t.text.count(".") >= 2 and k + 1 < len(toks):
        nxt = toks[k + 1]
        return nxt.word and nxt.text[:1].isupper() and nxt.low.rstrip(".") in _OPENERS
    return False


def _after_closing_marks(toks, k: int) -> int:
    """The end of the closing marks that stick to the period at token k."""
    n = k + 1
    while n < len(toks) and toks[n].text in _CLOSERS and toks[n].start == toks[n - 1].end:
        n += 1
    return toks[n - 1].end


def _clause_stops_at(toks, k: int, e: int) -> bool:
    """Token k ("and", "but") opens a coordinated clause with a subject of its own, which the
    reported clause does not hold: "..., and the council has sued", "but they ...", ", and
    three-quarters said ..." (a second speaker), or the speaker's next act ("but did not say
    why"); or a dash before an aside ("— a proposal he has raised before"). Other trailing
    phrases (", with ...", ", which ...", a bare dash) are kept: the annotators mostly count
    them in the statement, and cutting them cost more matches than it won."""
    t = toks[k]
    if t.text in ("—", "–", "--") and k + 1 < len(toks) and toks[k + 1].start < e:
        # "... — a proposal he has raised before", "— and arguing ...": an aside after a dash
        return toks[k + 1].low in ("a", "an", "and", "but", "which", "who")
    if t.low not in ("and", "but") or k + 2 >= len(toks) or toks[k + 1].start >= e:
        return False
    a = k + 1
    nxt, verb = toks[a], toks[a + 1]
    if (
        nxt.low in _SUBJECT_PRONOUNS - {"it", "there"}
        and verb.word
        and verb.low not in ("and", "or")
        and (
            verb.low in VERB_FIRST
            or verb.low.endswith(("s", "ed", "n't", "n’t"))
            or verb.low in _COMMON_VERBS
        )
    ):
        return True  # "... and she accused ...", "but they wouldn't ..."
    if nxt.low in _SPEAKER_GOES_ON and verb.word and (
        nxt.low not in ("also", "then", "later") or verb.low.endswith("ed") or verb.low in _SAYING
    ):
        return True  # "... but did not say who", "and also accused ...": the speaker goes on
    if toks[k - 1].text != "," or not nxt.word:
        return False
    if (nxt.low in _DETERMINERS or nxt.cap or nxt.text[:1].isdigit()) and _clause_like(
        toks, a + 1, 6
    ):
        return True  # ", and the council has already sued ..."
    return any(u.low in _SAYING for u in _words_until_punct(toks, a, 6))


# after "and"/"but", words that go on with the speaker's own acts, not the statement:
# "said the plan failed but did not say why", "and also accused ...", "and criticized him"
_SPEAKER_GOES_ON = {
    "did", "didn't", "didn’t", "also", "then", "later", "declined", "refused", "criticized",
    "accused", "agreed", "vowed", "promised", "urged", "called", "praised", "asked", "added",
    "noted", "argued", "insisted", "warned",
}  # fmt: skip


# abbreviations that a number follows: "Jan. 7", "Sept. 11", "No. 2"
_NUMBERED = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
}  # fmt: skip


def date_abbreviation(toks, i: int) -> bool:
    """The '.' at token i ends an abbreviation that a number follows ("Jan. 7", "No. 2"), not
    a sentence."""
    return (
        0 < i < len(toks) - 1
        and toks[i].text == "."
        and toks[i - 1].end == toks[i].start
        and toks[i - 1].low in _NUMBERED
        and toks[i + 1].text[:1].isdigit()
    )


def decimal_point(toks, i: int) -> bool:
    """The '.' at token i stands between two digits with no space: "3.2"."""
    return (
        0 < i < len(toks) - 1
        and toks[i - 1].end == toks[i].start
        and toks[i + 1].start == toks[i].end
        and toks[i - 1].text[-1:].isdigit()
        and toks[i + 1].text[:1].isdigit()
    )


def _words_until_punct(toks, i: int, n: int):
    """Up to n word tokens from token i, stopping at the first punctuation mark."""
    out = []
    for t in toks[i : i + n]:
        if not t.word:
            break
        out.append(t)
    return out
