"""`build_db.py add` with several files or a folder: which files it takes, what each one
counts, and the summary table printed at the end. Each file is added or refused on its own
(commands.add_one); this module only lists and reports."""
from pathlib import Path

from .archived_words import warnings
from .unsure import unsure_notes

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def article_files(paths):
    """The files to add, in the order given; a folder gives its own .txt/.html/.htm files,
    sorted by name (not its subfolders). Anything else given by name is kept, so it is refused
    with its own reason rather than skipped in silence."""
    files = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted((p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()),
                            key=lambda p: p.name)
        else:
            files.append(path)
    return files


def counts_of(result):
    """A draft's counts for the table; unsure counts what one file's report lists as unsure."""
    facts = result.facts
    return {"quotes": len(facts.get("quotes") or []), "people": len(facts.get("people") or []),
            "unsure": len(unsure_notes(facts, result.header)), "other_speaker": len(warnings(facts))}


def summary_table(rows):
    """One line per file: its slug and counts, or `refused: <the one-line error>`; then the
    totals. rows: (file, slug, counts) for an added file, (file, None, reason) for a refused one."""
    file_width = max([len("file")] + [len(str(file)) for file, _, _ in rows])
    slug_width = max([len("slug")] + [len(slug) for _, slug, _ in rows if slug])
    lines = [f"{'file':<{file_width}}  {'slug':<{slug_width}}  quotes  people  unsure"]
    for file, slug, detail in rows:
        if slug:
            lines.append(f"{str(file):<{file_width}}  {slug:<{slug_width}}  {detail['quotes']:>6}  "
                         f"{detail['people']:>6}  {detail['unsure']:>6}")
        else:
            lines.append(f"{str(file):<{file_width}}  refused: {detail}")
    refused = sum(1 for _, slug, _ in rows if not slug)
    lines.append(f"{len(rows) - refused} added, {refused} refused")
    return "\n".join(lines)
