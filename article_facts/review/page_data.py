"""What the review pages show: the articles with their drafts counted (the build's
articles.entry_count - checked_count, in the served database, which every save rebuilds), and
one article's drafted entries beside their paragraphs (from its facts.yml and article.txt, the
files a save edits), counted the same way (article_facts/review_entries.py)."""
from ..contract import SECTIONS
from ..errors import BuildError
from ..reading import load_facts, read_article
from ..review_entries import entries as reviewed_entries, is_draft
from ..text import locate, split_paragraphs
from .actions import LOCATED, SOURCE_FIELDS, ident

HIDDEN_FIELDS = {"review", "review_note", "id"}
LIST_LIMIT = 1000

# The counts the build wrote (review_entries.py says what an entry is), as /articles shows them.
DRAFTS_SQL = """
select id, headline, entry_count - checked_count as drafts, entry_count as entries
from articles order by drafts = 0, id limit :limit
"""
DRAFTS_TOTAL_SQL = "select entries - checked as drafts from review_counts"


async def article_list(db):
    """([{id, headline, drafts, entries}], articles with drafts first; the drafts of all)."""
    result = await db.execute(DRAFTS_SQL, {"limit": LIST_LIMIT})
    total = await db.execute(DRAFTS_TOTAL_SQL)
    return [dict(row) for row in result.rows], total.first()["drafts"]


def article_page(folder):
    """Everything one article's review page needs, read from its folder."""
    facts_path = folder / "facts.yml"
    body = read_article(folder / "article.txt")
    facts = load_facts(facts_path)
    paragraphs = split_paragraphs(folder.name, body)
    counts = {"all": [0, 0], "facts": [0, 0], "entities": [0, 0]}  # [drafts, entries]
    entries = []
    for section, index, entry in reviewed_entries(facts):
        draft = is_draft(entry)
        for kind in ("all", "entities" if SECTIONS[section].shared else "facts"):
            counts[kind][0] += draft
            counts[kind][1] += 1
        if draft:
            entries.append(entry_data(section, index, entry, body, paragraphs))
    # the article first, then the facts in the order of their words in the text, then the
    # people, organizations and countries
    entries.sort(key=lambda e: (e["section"] != "article", e["field"] is None,
                                e["span"]["start"] if e["span"] else -1))
    for entry, following in zip(entries, entries[1:] + [None]):
        entry["next"] = next_anchors(entry, following)
    people = [(str(p.get("id")), str(p.get("name"))) for p in facts.get("people") or [] if isinstance(p, dict)]
    organizations = [(str(o.get("id")), str(o.get("name"))) for o in facts.get("organizations") or []
                     if isinstance(o, dict)]
    unnamed = sorted({str(q["unnamed_source"]) for q in facts.get("quotes") or []
                      if isinstance(q, dict) and q.get("unnamed_source")})
    article = facts.get("article") if isinstance(facts.get("article"), dict) else {}
    return {
        "id": folder.name, "headline": article.get("headline") or folder.name, "entries": entries,
        "drafts": counts["all"], "facts": counts["facts"], "entities": counts["entities"],
        "people": people, "organizations": organizations, "unnamed": unnamed,
    }


def entry_data(section, index, entry, body, paragraphs):
    """One drafted entry: its fields, its note, and its words in their paragraph."""
    field = LOCATED.get(section)
    data = {
        "section": section, "index": "" if index is None else index, "ident": ident(section, entry),
        "anchor": f"{section}-{'article' if index is None else index}",
        "note": entry.get("review_note"), "field": field,
        "fields": [(key, value) for key, value in entry.items() if key not in HIDDEN_FIELDS and value is not None],
        "words": entry.get(field) if field else None, "paragraph": None, "span": None, "problem": None,
        "source": next((f"{name}: {entry[name]}" for name in SOURCE_FIELDS if entry.get(name)), None),
        "source_value": source_value(entry), "title": {"roles": entry.get("title"), "article": entry.get("headline")}.get(section),
    }
    if field and isinstance(entry.get(field), str):
        try:
            start, end = locate(body, entry[field], {"section": section, "entry": index, "field": field},
                                entry.get("occurrence"))
        except BuildError as e:
            data["problem"] = e.text
        else:
            data["paragraph"] = next((p for p in paragraphs if p["start"] <= start and end <= p["end"]), None)
            data["span"] = {"start": start, "end": end, "tag": "mark", "attrs": {"class": "review-words"}}
    return data


def source_value(entry):
    """The speaker picker's value for the quote's current source."""
    for name, kind in zip(SOURCE_FIELDS, ("person", "organization", "unnamed")):
        if entry.get(name):
            return f"{kind}:{entry[name]}"
    return ""


def next_anchors(entry, following):
    """Where the page goes after a save: the entry itself after an edit; the entry after it
    once it is accepted (no longer a draft) or rejected (gone: the entries after it in its
    section move up one index)."""
    if following is None:
        return {"edit": entry["anchor"], "accept": "", "reject": ""}
    index = following["index"]
    moved = index - 1 if following["section"] == entry["section"] and entry["index"] != "" and index > entry["index"] else index
    return {"edit": entry["anchor"], "accept": following["anchor"], "reject": f"{following['section']}-{moved}"}
