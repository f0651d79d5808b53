"""What `add` says the extractor was unsure of, one list for one file's report (`unsure (N):`
and its lines) and the batch table's `unsure` column, so an article counts the same in both:
each drafted entry's inferred speaker (its attribution_note) and review_note, then each note of
what was left out of the draft (the header of its facts.yml)."""
from ..review_entries import entries, is_draft


def unsure_notes(facts, header):
    """["<section> <id>: <note>", ..., "left out: <note>"], in facts.yml's order."""
    notes = []
    for section, _, entry in entries(facts):
        if not is_draft(entry):
            continue
        label = f"{section} {entry.get('id') or entry.get('title') or entry.get('person') or ''}".strip()
        if entry.get("attribution_note"):
            notes.append(f"{label}: speaker inferred: {entry['attribution_note']}")
        if entry.get("review_note"):
            notes.append(f"{label}: {entry['review_note']}")
    return notes + [f"left out: {note}" for note in header]
