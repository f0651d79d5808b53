"""One check, start to end: the candidates of the first stage (statements holding every
pasted word, or a rare one), scored; when the closest lacks some pasted word (a word changed
or added), the second stage's too, then the answer. Each stage is a bounded FTS5 query
(article_facts/check/search.py)."""
from ..speaker_roles import roles_in_articles, speaker_role
from . import search
from .results import answer, best, score
from .words import only_conventions


def lacks_pasted_words(ranked):
    """True when no match has every pasted word: the first stage's AND could not find a
    statement with a changed or added word, so the second stage looks further."""
    if not ranked:
        return True
    _, blocks, _ = ranked[0]
    return any(op in ("insert", "replace") and not only_conventions(pasted) for op, _, pasted in blocks)


async def check(db, pasted, urls, speaker="", lang=""):
    """The answer of /check.json for the pasted words, from db (a Datasette Database)."""
    terms = search.query_terms(pasted)
    counts = await search.term_counts(db, terms)
    quotes = await search.fetch(db, pasted, search.first_expressions(terms, counts), lang)
    scored = score(pasted, quotes, speaker)
    ranked = best(scored)
    second = search.second_expression(terms, counts)
    if second is not None and lacks_pasted_words(ranked):
        seen = {part for quote in quotes for part in quote["parts"]}
        more = await search.fetch(db, pasted, [second], lang, seen, scan=None)
        if more:  # scored once each: the first stage's scores merge with the second's
            ranked = best(scored + score(pasted, more, speaker, start=len(quotes)))
    await add_roles(db, [quote for quote, _, _ in ranked])
    return answer(pasted, ranked, urls, speaker, lang)


async def add_roles(db, quotes):
    """Each quote's role: what its article calls the speaker, as the quote page says it,
    read for all the results in one statement."""
    people = [(q["speaker_key"], q["article_id"]) for q in quotes if q["source_kind"] == "person"]
    roles = await roles_in_articles(db, people)
    for q in quotes:
        found = roles.get((q["speaker_key"], q["article_id"]), [])
        q["role"] = speaker_role(q["source_kind"], found, q["speaker_acronym"])
