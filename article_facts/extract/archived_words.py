"""The add-time warning: a drafted quote whose words (normalised, as the build's variant groups
compare them) are already in the archive with another speaker gets a note in its review_note,
and `add` repeats it in its summary, so a reviewer sees the disagreement before the build
publishes it. One index lookup a quote (ArchiveIndex.quotes_with), never a read of the archive."""

MARK = "these words are already archived with another speaker"
SHOWN = 3


def speaker_of(entry):
    return entry.get("speaker") or entry.get("speaker_organization")


def name_of(index, key):
    for section in ("people", "organizations"):
        row = index.row(section, key)
        if row:
            return row["name"]
    return key


def note_other_speakers(facts, index):
    """Add the note to each drafted quote (a person or an organization speaking) whose words
    the archive gives to someone else; returns how many quotes got it."""
    noted = 0
    for entry in facts.get("quotes") or []:
        mine = speaker_of(entry)
        if mine is None:
            continue
        others = [(folder, quote, speaker) for folder, quote, speaker in index.quotes_with(entry.get("text"))
                  if speaker is not None and speaker != mine]
        if not others:
            continue
        where = "; ".join(f"{name_of(index, speaker)} in {quote}" for _, quote, speaker in others[:SHOWN])
        more = f" and {len(others) - SHOWN} more" if len(others) > SHOWN else ""
        note = f"{MARK}: {where}{more}"
        entry["review_note"] = "; ".join(filter(None, [entry.get("review_note"), note]))
        entry["review"] = "draft"
        noted += 1
    return noted


def warnings(facts):
    """(quote id, note) of the drafted quotes that got the note: for add's summary."""
    found = []
    for entry in facts.get("quotes") or []:
        note = entry.get("review_note") or ""
        if MARK in note:
            found.append((entry["id"], note[note.index(MARK):]))
    return found
