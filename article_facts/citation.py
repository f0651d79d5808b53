"""The citation of a quote, one line ready to copy, written here once: the quote page
(plugins/fact_pages.py) and /check's results (article_facts/check/results.py) both call
citation(), so a quote is cited in the same words wherever a reader finds it. A quote split around its
attribution is cited whole from any of its parts: /check and the first part's page cite the
first part's id and page, a later part's page its own (the words are the same)."""
from datetime import datetime, timezone

from .contract import DRAFT_LABEL, KIND_LABELS, UNNAMED_LABEL

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NO_DATE = "publication date not given"


def today():
    """The access date of a citation: the day (UTC) the page is made. The pages' script
    (templates/assets/citation.js) puts the reader's own date in its place, so a page a cache
    kept since yesterday still cites today."""
    return datetime.now(timezone.utc).date()


def long_date(day):
    """6 December 2026, the same in every locale (the script writes it the same way)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def article_date(published):
    return published or NO_DATE


def citation(quote, canonical_url, accessed):
    """Who, in what capacity, the words, how sure the attribution is, where (headline, outlet,
    dateline, date), the link, and the day it was read. quote: one row with the quotes
    table's columns (its id, kind, verb, attribution, review, source_kind, reported_by_basis)
    and speaker_name, role (what the article calls the speaker, or None), text (the whole
    words of a split quote), review ('draft' if any part is), reported_by_name, and the
    article's headline, headline_source, outlet, dateline and published."""
    who = quote["speaker_name"]
    if quote["source_kind"] == "unnamed":  # "a senior official": a description, not a name
        who = f"{who[:1].upper()}{who[1:]} ({UNNAMED_LABEL})"
    elif quote["role"]:
        who += f" (described in the article as {quote['role']})"
    verb = f", {quote['verb']}" if quote["verb"] else ""
    if quote["kind"] == "direct":
        words = f"“{quote['text']}”"
    else:
        words = f"[{KIND_LABELS[quote['kind']]}, not verbatim] {quote['text']}"
    extra = ""
    if quote["reported_by_name"]:
        inferred = " (inferred)" if quote["reported_by_basis"] == "inferred" else ""
        extra += f" As reported by {quote['reported_by_name']}{inferred}."
    if quote["attribution"] == "inferred":
        extra += " Attribution inferred."
    if quote["review"] == "draft":
        extra += f" {DRAFT_LABEL.capitalize()}."
    end = "" if words.rstrip("”")[-1] in ".?!" else "."  # no "law.”." doubled stop
    headline = f"“{quote['headline']}”" + (" (editorial headline)" if quote["headline_source"] == "editorial" else "")
    where = "".join(f"{part}, " for part in (quote["outlet"], quote["dateline"]) if part)
    return (
        f"{who}{verb}: {words}{end}{extra} In {headline}, {where}"
        f"{article_date(quote['published'])}. article-facts {quote['id']}, {canonical_url}. "
        f"Accessed {long_date(accessed)}."
    )
