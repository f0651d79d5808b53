"""Unnamed sources: the subject of a reporting verb that describes its speaker without naming
anyone ("a senior administration official", "analysts", "two people familiar with the matter",
"55 percent of voters"). Such a description is the speaker as the text gives it: it is kept
whole, never handed to a name nearby.

Works on the tokenizer's tokens only (no speaker stage imports), so any stage may use it.
"""

from __future__ import annotations

import re

# fmt: off
# words that open a description of someone not named
INDEFINITE = {
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "several", "some", "many", "most", "few", "other", "others", "another", "numerous", "dozens",
    "hundreds", "thousands", "half", "nearly", "almost", "about", "roughly", "more", "fewer",
    "less", "over", "around", "just", "only", "at", "least", "three-quarters", "two-thirds",
    "a", "various", "multiple", "certain", "unnamed", "anonymous", "senior", "top", "former",
}
# words a description of a person or group never holds
STOP = {
    "and", "or", "but", "that", "which", "who", "whom", "whose", "when", "while", "where", "if",
    "because", "as", "than", "so", "said", "says", "say", "told", "he", "she", "it", "they", "we",
    "i", "you", "him", "her", "his", "its", "their", "our", "my", "your", "them", "us", "me",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "will",
    "would", "can", "could", "should", "may", "might", "must", "not", "the", "this", "these",
    "those", "there", "what", "how", "why", "after", "before", "since", "until", "also",
    "according", "then", "now", "however", "still", "even", "yet",
}
# definite openings: "the senator", "his aides" refer to someone named elsewhere
DEFINITE = {"the", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my"}
# between a subject and its verb: "analysts have long said", "officials also said"
SKIP = {
    "also", "have", "has", "had", "long", "previously", "recently", "repeatedly", "often",
    "privately", "publicly", "later", "earlier", "already", "still", "now", "then", "too",
    "reportedly", "separately", "widely", "generally", "frequently", "once",
}
# heads that are not people or groups of them
NOT_SPEAKER_HEADS = {
    "time", "times", "years", "days", "weeks", "months", "hours", "minutes", "things", "ways",
    "reasons", "percent", "points", "dollars", "votes", "questions", "issues", "words", "ones",
    "lot", "bit", "way", "day", "thing", "so", "news", "dozen", "number", "part", "rest",
}
# heads that hold a share of people: "55 percent of voters", "half of Republicans"
SHARE_HEADS = {"percent", "half", "third", "quarter", "majority", "minority", "plurality"}
# fmt: on


_PREPS = {"of", "at", "in", "from", "with", "for", "on", "to", "among", "inside", "within"}


def _head_ok(tok) -> bool:
    low = tok.low
    return (
        tok.word
        and low not in STOP
        and low not in NOT_SPEAKER_HEADS
        and not low.endswith("ly")
        and not low.endswith("ing")
        and not low.endswith("ed")
        and (low not in INDEFINITE or low == "others")
        and low not in _PREPS
        and len(low) > 2
    )


def unnamed_subject(toks, v: int, limit: int) -> tuple[int, int] | None:
    """Token range [i, j) of an unnamed-source description just before the verb at token v
    (nothing before `limit`, a character offset), or None.

    A description names nobody when it has no definite opening ("the", "his") and its head
    (the last word before "of/at/with/in/from/familiar" phrases) is a lowercase noun that is
    plural ("analysts", "Trump supporters"), a share of people ("55 percent of Democrats"), or
    opened by an indefinite word ("a senior official", "one aide").
    """
    e = v
    while e - 1 >= 0 and toks[e - 1].low in SKIP and toks[e - 1].start >= limit:
        e -= 1
    i = e
    while i - 1 >= 0 and e - (i - 1) <= 12 and toks[i - 1].start >= limit:
        t = toks[i - 1]
        if t.low in DEFINITE:
            # "three-quarters of the voters": a determiner inside a modifier is part of it
            if i - 2 >= 0 and toks[i - 2].low in _PREPS and toks[i - 2].start >= limit:
                i -= 1
                continue
            return None  # "the senator", "his aides": someone the text refers to
        if not (t.word or t.text in ("-", "’s", "'s", "%")) or t.low in STOP:
            break
        i -= 1
    if i >= e:
        return None
    initial = i == 0 or toks[i - 1].start < limit
    words = [t for t in toks[i:e]]
    # the phrase's head: the last word before a trailing modifier ("officials at the ministry")
    head_idx = len(words) - 1
    for n, t in enumerate(words):
        if n > 0 and t.low in ("of", "at", "in", "from", "with", "familiar", "close", "for", "on", "to"):
            head_idx = n - 1
            break
    head = words[head_idx]
    first = words[0].low
    if words[-1].low in _PREPS or words[-1].low in DEFINITE:
        return None
    if first in ("of", "at", "in", "from", "with", "for", "on", "to", "by") and not (
        first == "at" and len(words) > 1 and words[1].low in ("least", "most")
    ):
        return None
    of_follows = head_idx + 1 < len(words) and words[head_idx + 1].low == "of"
    share = head.low in SHARE_HEADS or (of_follows and head.low in INDEFINITE) or (
        words[0].text[:1].isdigit() and head.low in ("in", "percent")
    )
    if head.low == "percent" or (words[0].text[:1].isdigit() and len(words) > 1):
        share = True
    if not share and not _head_ok(head):
        return None
    group = first in INDEFINITE and head_idx > 0 and head.low.endswith("s")  # "Some Democrats"
    if head.cap and not (initial and head_idx == 0) and not group:
        return None
    indefinite = first in INDEFINITE or words[0].text[:1].isdigit()
    plural = (
        (head.low.endswith("s") and not head.low.endswith("ss"))
        or head.low.endswith("men")
        or head.low in _IRREGULAR
    )
    if share:
        return i, e
    if not (plural or indefinite):
        return None
    if head_idx == len(words) - 1 and words[-1].cap and not (initial and head_idx == 0) and not group:
        return None
    return i, e


_CUT = {
    "of", "at", "in", "from", "with", "familiar", "close", "for", "by", "released", "conducted",
    "published", "taken", "obtained", "on", "last", "this",
}
# plurals without an s
_IRREGULAR = {"police", "people", "staff", "personnel", "clergy"}


def according_source(toks, v: int, end: int) -> tuple[int, int] | None:
    """Token range of the source after "according to" (token v is "according"), up to a comma
    or the sentence's end `end`, when it names nobody: "a count by The Associated Press",
    "Federal Election Commission filings", "people familiar with the plans"."""
    i = v + 2
    j = i
    while j < len(toks) and toks[j].start < end and toks[j].text not in ",;:()“”\"—" and j < i + 14:
        j += 1
    while j > i and not toks[j - 1].word:
        j -= 1
    if j <= i:
        return None
    desc = " ".join(t.text for t in toks[i:j])
    return (i, j) if is_unnamed(desc) else None


def common_noun(text: str, word: str) -> bool:
    """A capitalised word (a sentence's first) that the text also writes in lowercase, or a
    known plural without an s: "Officials said", "Police said"."""
    low = word.lower()
    if low in _IRREGULAR:
        return True
    if low == word:
        return False
    return re.search(r"(?<![\w’'])" + re.escape(low) + r"(?![\w’'])", text) is not None


def is_unnamed(desc: str) -> bool:
    """A description already cut out (an inverted `said a senior official`) that names nobody."""
    words = desc.split()
    if not words or words[0].lower() in DEFINITE:
        return False
    first = words[0].lower()
    cut = []
    for w in words:
        if cut and w.lower() in _CUT:
            break
        cut.append(w)
    head = cut[-1].strip(",.;:").lower()
    if not head or cut[-1][:1].isupper() or head in NOT_SPEAKER_HEADS - SHARE_HEADS:
        return False
    if head in INDEFINITE or head.endswith(("ing", "ly")):
        return False
    return first in INDEFINITE or first[:1].isdigit() or head.endswith("s") or head in _IRREGULAR


# words a sentence-opening subject phrase never holds (verbs, pronouns, conjunctions)
_NOT_IN_SUBJECT = (STOP | {"not", "no", "yes", "if", "cannot", "to", "on", "last", "next"}) - {
    "the", "his", "her", "its", "their", "them", "those", "these", "this",
}
_NOT_HEAD = DEFINITE | {"week", "month", "year", "today", "tonight", "morning", "night"}


def opening_subject(toks, v: int, limit: int) -> tuple[int, int] | None:
    """Token range of a short phrase from the sentence's start (`limit`, a character offset) to
    the verb at token v, when the phrase can only be the verb's subject: words and possessive
    marks, no verb or pronoun, a head that is a noun ("Six in 10 primary voters said",
    "Most of them said", "Hillary Clinton's campaign said"). The speaker rules find named and
    pronoun subjects; this is for the descriptions they pass over."""
    e = v
    while e - 1 >= 0 and toks[e - 1].low in SKIP and toks[e - 1].start >= limit:
        e -= 1
    i = e
    while i - 1 >= 0 and toks[i - 1].start >= limit and e - (i - 1) <= 8:
        t = toks[i - 1]
        if not (t.word or t.text in ("’s", "'s", "%")) or t.low in _NOT_IN_SUBJECT:
            return None
        if not t.cap and t.low.endswith(("ed", "n't", "n’t")):
            return None  # "Rubio pushed back on those said": a verb, not a subject
        i -= 1
    if i == e or (i > 0 and toks[i - 1].start >= limit):
        return None  # nothing, or more than the sentence's opening
    head = toks[e - 1]
    if not head.word or head.low in _PREPS | _NOT_HEAD or head.low in INDEFINITE - {"others", "most"}:
        return None
    if not head.cap and head.low.endswith(("ly", "ing", "ed")):
        return None
    if all(t.cap or not t.word for t in toks[i:e]):
        return None  # a name alone: the speaker rules' business
    return i, e


def long_subject(toks, v: int, limit: int) -> tuple[int, int] | None:
    """Token range of the whole phrase from the sentence's start (`limit`) to the verb at token
    v, relative clauses and modifiers included ("Friends of the mayor who have seen her on the
    trail say"), for a subject whose head the shorter rules missed. Trailing adverbs
    ("subsequently") are left out; a phrase with a quote, a colon or more than 20 words is
    refused."""
    e = v
    while e - 1 >= 0 and toks[e - 1].start >= limit and (
        toks[e - 1].low in SKIP or (toks[e - 1].low.endswith("ly") and not toks[e - 1].cap)
    ):
        e -= 1
    i = e
    while i - 1 >= 0 and toks[i - 1].start >= limit:
        i -= 1
    if i >= e or e - i > 20 or not toks[i].word or toks[e - 1].text == ",":
        return None
    if any(t.text in ("“", "”", '"', ":", ";", "(", ")", "—") for t in toks[i:e]):
        return None
    if toks[i].low in DEFINITE | {"he", "she", "it", "they", "we", "i", "but", "and"}:
        return None  # someone the text refers to, or a clause
    return i, e
