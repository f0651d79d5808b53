"""/check.csv: the matches of an answer as CSV, one row a match, the diff in one cell; cells
a spreadsheet would run as formulas are neutralised (article_facts/csv_safe.py)."""
import io

from article_facts.csv_safe import record_text

COLUMNS = ["rank", "quote_id", "verdict", "similarity", "speaker", "speaker_kind", "article_id", "outlet",
           "published", "review", "kind", "archived_words", "reason", "diff", "url"]


def diff_text(diff):
    """A diff in one cell: "[equal] same words | [replace] archived → pasted | [delete] ...";
    it starts with "[", never with a formula character."""
    parts = []
    for op, archived, pasted in diff:
        shown = {"equal": archived, "delete": archived, "insert": pasted}.get(op, f"{archived} → {pasted}")
        parts.append(f"[{op}] {shown}")
    return " | ".join(parts)


def csv_body(answer):
    out = io.StringIO()
    out.write(record_text(COLUMNS))
    for rank, m in enumerate(answer["matches"], 1):
        out.write(record_text([str(rank), m["quote_id"], m["verdict"], f"{m['similarity']:.3f}", m["speaker"] or "",
                               m["speaker_kind"] or "", m["article_id"], m["outlet"] or "", m["published"] or "",
                               m["review"] or "", m["kind"], m["text"], m["reason"], diff_text(m["diff"]), m["url"]]))
    return out.getvalue()
