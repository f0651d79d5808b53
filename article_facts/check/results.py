"""The answer of /check: the candidates ranked by their verdict against the pasted words, at
most MAX_RESULTS, each with its diff, verdict and reason and what the page shows about it;
and, when speaker= is given, whether the archive agrees who said the words."""
import json
import unicodedata

from ..citation import citation, today
from ..contract import KIND_LABELS, UNNAMED_LABEL
from .diff import word_diff
from .verdict import judge
from .words import count_words

MAX_RESULTS = 10
# Statements less similar than this are not shown at all.
FLOOR = 0.3
SPEAKER_KINDS = {"person": "person", "organization": "organization", "unnamed": UNNAMED_LABEL}


def plain(text):
    """Casefolded, accents removed, words single-spaced: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def speaker_forms(quote):
    forms = [quote["speaker_name"], quote.get("speaker_acronym")]
    try:
        forms += json.loads(quote.get("speaker_names") or "[]")
    except ValueError:
        pass
    return [plain(form) for form in forms if isinstance(form, str) and form]


def speaker_agrees(quote, wanted):
    """True when wanted (a name or its start) names the quote's speaker: "Sheinbaum",
    "claudia sh" and "Álvarez" all name Claudia Sheinbaum / Roberto Velasco Álvarez."""
    wanted = plain(wanted)
    return any(form.startswith(wanted) or f" {wanted}" in f" {form}" for form in speaker_forms(quote))


def score(pasted, quotes, speaker="", start=0):
    """(sort key, quote, diff, judged) for each quote close enough, unsorted: a key sorts most
    similar first, then (when speaker is given) by that speaker, then with fewest words of
    context around the pasted words, then in the order found (start: the position of the
    first of these quotes among all found, so that two stages' scores merge)."""
    scored = []
    for order, quote in enumerate(quotes, start):
        blocks = word_diff(quote["text"], pasted)
        judged = judge(blocks, split=len(quote["parts"]) > 1)
        if judged["similarity"] < FLOOR:
            continue
        context = count_words(judged["before"]) + count_words(judged["after"])
        agrees = bool(speaker) and speaker_agrees(quote, speaker)
        scored.append(((-judged["similarity"], not agrees, context, order), quote, blocks, judged))
    return scored


def best(scored):
    """(quote, diff, judged) of the MAX_RESULTS best scored, best first."""
    return [(quote, blocks, judged) for _, quote, blocks, judged in sorted(scored, key=lambda item: item[0])[:MAX_RESULTS]]


def attribution(ranked, speaker):
    """What the archive says about who said the words, when speaker= is given: agrees, or
    "the archive attributes these words to Y, not X"; None when no wording matched."""
    found = [(quote, judged) for quote, _, judged in ranked if judged["verdict"] != "not found"]
    if not speaker or not found:
        return None
    best, _ = found[0]
    if speaker_agrees(best, speaker):
        return {"asked": speaker, "agrees": True, "speaker": best["speaker_name"],
                "text": f"The archive attributes these words to {best['speaker_name']}."}
    return {"asked": speaker, "agrees": False, "speaker": best["speaker_name"],
            "text": f"The archive attributes these words to {best['speaker_name']}, not {speaker}."}


def match(quote, blocks, judged, urls, accessed):
    """One result as JSON: the issue's keys first, then what the page shows. quote["role"]:
    what its article calls the speaker (lookup.py reads it), for the citation, which is the
    quote page's (article_facts/citation.py)."""
    quote_id = quote["root"]
    return {
        "quote_id": quote_id,
        "speaker": quote["speaker_name"],
        "speaker_kind": SPEAKER_KINDS.get(quote["source_kind"], quote["source_kind"]),
        "article_id": quote["article_id"],
        "published": quote["published"],
        "review": quote["review"],
        "similarity": judged["similarity"],
        "verdict": judged["verdict"],
        "reason": judged["reason"],
        "diff": [list(block) for block in blocks],
        "text": quote["text"],
        "parts": quote["parts"],
        "before": judged["before"],
        "after": judged["after"],
        "kind": quote["kind"],
        "kind_label": KIND_LABELS.get(quote["kind"], quote["kind"]),
        "verb": quote["verb"],
        "attribution": quote["attribution"],
        "reported_by": quote["reported_by_name"],
        "headline": quote["headline"],
        "outlet": quote["outlet"],
        "language": quote["language"],
        "url": urls.path(f"/quotes/{quote_id}"),
        "article_url": urls.path(f"/articles/{quote['article_id']}"),
        "speaker_url": urls.path(f"/speakers/{quote['speaker_key']}") if quote["speaker_key"] else None,
        "citation": citation(dict(quote, id=quote_id), urls.canonical(f"/quotes/{quote_id}"), accessed),
    }


NOTHING = "Nothing in the archive is close enough to these words."


def answer(pasted, ranked, urls, speaker="", lang=""):
    """The whole answer (the JSON of /check.json and the page's context) from the ranked
    results (best()). urls: .path(p) for a link, .canonical(p) for the citation's address."""
    accessed = today()
    matches = [match(quote, blocks, judged, urls, accessed) for quote, blocks, judged in ranked]
    top = matches[0] if matches else None
    return {
        "query": pasted,
        "speaker": speaker or None,
        "lang": lang or None,
        "verdict": top["verdict"] if top else "not found",
        "reason": top["reason"] if top and top["verdict"] != "not found" else NOTHING,
        "attribution": attribution(ranked, speaker),
        "matches": matches,
    }
