"""What counts as an entry of an article's review, declared once: every entry of its facts.yml
that carries a review state (contract.py's `review` field), the article itself, its people,
organizations and countries as its own facts.yml lists them (before they merge across
articles), and its facts (roles, quotes, events, legal references, editorial notes).

The build counts them into articles.entry_count and checked_count (read by /articles and the
home page); the review server's list reads those columns and its article page and actions walk
the same entries, so "N of M entries checked" and "K drafts" agree (M - N = K)."""
from .contract import FACTS_ORDER, SECTIONS

# The sections whose entries carry a review state, in facts.yml's order (the article first).
REVIEWED = tuple(name for name in FACTS_ORDER if name in SECTIONS and "review" in SECTIONS[name].fields)


def entries(facts):
    """(section, index, entry) for each such entry of a facts.yml mapping, in REVIEWED order;
    index is None for the article (one mapping, not a list)."""
    for section in REVIEWED:
        node = facts.get(section)
        listed = [(None, node)] if SECTIONS[section].one_entry else enumerate(node or [])
        for index, entry in listed:
            if isinstance(entry, dict):
                yield section, index, entry


def is_draft(entry):
    """A machine draft; an entry with no review state is checked (contract.py's default)."""
    return entry.get("review") == "draft"


def review_counts(facts):
    """The article's entry_count and checked_count (its columns in `articles`)."""
    drafts = [is_draft(entry) for _, _, entry in entries(facts)]
    return {"entry_count": len(drafts), "checked_count": drafts.count(False)}
