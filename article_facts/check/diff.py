"""Word-level diff of an archived wording against pasted words, aligned by RapidFuzz (Indel:
the most words kept equal) on the normalised words and shown in the original words (the JSON
`diff` of /check and of the quote page's variants)."""
from rapidfuzz.distance import Indel

from .words import tokens


def word_diff(archived: str, pasted: str) -> list[tuple[str, str, str]]:
    """(op, archived_words, pasted_words) blocks, op one of equal, insert, delete, replace;
    words joined by single spaces. Adjacent edits merge into one replace, so "said very
    clearly" against "says clearly" reads as one change, not three."""
    a, b = tokens(archived), tokens(pasted)
    ops = Indel.opcodes([norm for _, norm in a], [norm for _, norm in b])
    blocks = []
    for op in ops:
        a_words = [word for word, _ in a[op.src_start:op.src_end]]
        b_words = [word for word, _ in b[op.dest_start:op.dest_end]]
        tag = op.tag
        if tag != "equal" and blocks and blocks[-1][0] != "equal":
            _, prev_a, prev_b = blocks.pop()
            a_words, b_words = prev_a + a_words, prev_b + b_words
            tag = "replace" if a_words and b_words else ("delete" if a_words else "insert")
        blocks.append((tag, a_words, b_words))
    return [(tag, " ".join(a_words), " ".join(b_words)) for tag, a_words, b_words in blocks]
