"""Word-level diff of an archived wording against pasted words, aligned by RapidFuzz (Indel:
the most words kept equal) on the normalised words and shown in the original words (the JSON
`diff` of /check and of the quote page's variants)."""
from rapidfuzz.distance import Indel

from .words import tokens


def opcodes(a, b, a_offset=0):
    return [(op.tag, op.src_start + a_offset, op.src_end + a_offset, op.dest_start, op.dest_end)
            for op in Indel.opcodes(a, b)]


def matched(ops):
    return sum(op[2] - op[1] for op in ops if op[0] == "equal")


def core_distance(ops, b_len):
    """Words added or dropped between the first and last equal words: what a compact
    alignment keeps small."""
    equal = [op for op in ops if op[0] == "equal"]
    if not equal:
        return float("inf")
    return (equal[-1][2] - equal[0][1]) + b_len - 2 * matched(ops)


def align(a, b):
    """Indel opcodes of the word lists a and b, made compact: a longest common subsequence is
    not unique, and one that matches a stray "we" a few words before the pasted words is as
    long as one that does not. An equal block at either end that is cut off from the rest by
    more dropped words than it has is taken for context and the rest aligned again, kept when
    as many words still match and fewer lie between them."""
    ops = opcodes(a, b)
    for _ in range(4):
        equal = [op for op in ops if op[0] == "equal"]
        if len(equal) < 2:
            break
        first, second, last, before_last = equal[0], equal[1], equal[-1], equal[-2]
        tried = []
        if second[1] - first[2] > first[2] - first[1]:
            cut = first[2]
            tried.append([("delete", 0, cut, 0, 0)] + opcodes(a[cut:], b, cut))
        if last[1] - before_last[2] > last[2] - last[1]:
            cut = last[1]
            tried.append(opcodes(a[:cut], b) + [("delete", cut, len(a), len(b), len(b))])
        better = [t for t in tried if matched(t) >= matched(ops) and core_distance(t, len(b)) < core_distance(ops, len(b))]
        if not better:
            break
        ops = min(better, key=lambda t: core_distance(t, len(b)))
    return ops


def word_diff(archived: str, pasted: str) -> list[tuple[str, str, str]]:
    """(op, archived_words, pasted_words) blocks, op one of equal, insert, delete, replace;
    words joined by single spaces. Adjacent edits merge into one replace, so "said very
    clearly" against "says clearly" reads as one change, not three."""
    a, b = tokens(archived), tokens(pasted)
    blocks = []
    for tag, a_start, a_end, b_start, b_end in align([norm for _, norm in a], [norm for _, norm in b]):
        a_words = [word for word, _ in a[a_start:a_end]]
        b_words = [word for word, _ in b[b_start:b_end]]
        if not a_words and not b_words:
            continue
        if tag != "equal" and blocks and blocks[-1][0] != "equal":
            _, prev_a, prev_b = blocks.pop()
            a_words, b_words = prev_a + a_words, prev_b + b_words
            tag = "replace" if a_words and b_words else ("delete" if a_words else "insert")
        blocks.append((tag, a_words, b_words))
    return [(tag, " ".join(a_words), " ".join(b_words)) for tag, a_words, b_words in blocks]
