"""The verdict on one archived wording against the pasted words, from their word diff: how
similar they are, and whether the pasted words are the archived words (exact), the same words
quoted by the rules (an ellipsis, [brackets], case, marks, punctuation), a part of a longer
quote (fragment), changed (altered), or not the same statement at all (not found)."""
from .words import count_words, has_brackets, only_conventions, tokens

# Below this similarity the closest wording is not the same statement: tuned on
# tests/check_cases/dev.yml (tests/test_check_cases.py), never on the locked cases.
MATCH_THRESHOLD = 0.6
# An ellipsis may stand for any number of words; a [bracketed] word stands for a few at most.
BRACKET_MAX_WORDS = 5
MAX_LISTED_CHANGES = 4
STRAIGHT = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
QUOTE_MARKS = "\"'“”‘’„‚«»"


def convention_block(op, archived, pasted):
    """True when a non-equal block only applies a quoting convention: the pasted side is an
    ellipsis (words omitted) or [brackets] standing for a few words, or the archived side is
    only the ellipsis that joins the parts of a quote split around its attribution."""
    if op == "delete":  # the joining ellipsis, or an editor's [words] in the archived quote
        return only_conventions(archived)
    if not only_conventions(pasted):
        return False
    if has_brackets(pasted) and count_words(archived) > BRACKET_MAX_WORDS:
        return False
    return True


def n_words(n):
    return f"{n} word" if n == 1 else f"{n} words"


def quoted(words, limit=8):
    """“words”, shortened to `limit` words."""
    parts = words.split()
    return "“" + " ".join(parts[:limit]) + (" …" if len(parts) > limit else "") + "”"


def change_text(op, archived, pasted):
    if op == "delete":
        return f"{quoted(archived)} dropped"
    if op == "insert":
        return f"{quoted(pasted)} added"
    return f"{quoted(archived)} changed to {quoted(pasted)}"


def word_differences(blocks, first_pasted):
    """What differs inside the equal blocks, word by word: the first letter's case, other
    case, quotation marks (curly or straight), punctuation. Punctuation next to the ends of
    the pasted words or next to an omission (an ellipsis, [brackets], a split quote's joining
    ellipsis) does not count: "not, under …" quoted as "not … " lost its comma with the words."""
    found = set()
    for index, (op, archived, pasted) in enumerate(blocks):
        if op != "equal":
            continue
        a_words, p_words = tokens(archived), tokens(pasted)
        for position, ((a, _), (p, _)) in enumerate(zip(a_words, p_words)):
            if a == p:
                continue
            edge = (index == first_pasted and position == 0) or (
                index == len(blocks) - 1 and position == len(p_words) - 1)
            near_joiner = (position == len(a_words) - 1 and index + 1 < len(blocks)) or (position == 0 and index > 0)
            if "[" in p and "[" not in a:
                found.add("brackets")
                continue
            a_core, p_core = a.strip(QUOTE_MARKS + ".,;:!?—–-()"), p.strip(QUOTE_MARKS + ".,;:!?—–-()")
            if a_core != p_core:
                if a_core.translate(STRAIGHT) == p_core.translate(STRAIGHT):
                    found.add("marks")
                elif a_core.casefold() == p_core.casefold():
                    first = index == first_pasted and position == 0 and a_core[1:] == p_core[1:]
                    found.add("first letter" if first else "case")
                else:
                    found.add("punctuation")
            elif not (edge or near_joiner):
                found.add("marks" if a.translate(STRAIGHT) == p.translate(STRAIGHT) else "punctuation")
    return found


CONVENTION_TEXT = {
    "ellipsis": "an ellipsis marks omitted words",
    "brackets": "[brackets] mark words added or changed",
    "first letter": "the first letter's case differs",
    "case": "letter case differs",
    "marks": "curly and straight quotation marks differ",
    "punctuation": "punctuation differs",
}


def split_edge(archived, pasted, side):
    """(context, replaced): of the archived words before (side "before") or after the pasted
    words, those next to them that the pasted words there stand in for ("[The union]" for
    "We"), one a pasted word; the rest is the longer quote's context."""
    words = [word for word, _ in tokens(archived)]
    n = min(count_words(pasted), len(words))
    if side == "before":
        return " ".join(words[:len(words) - n]), " ".join(words[len(words) - n:])
    return " ".join(words[n:]), " ".join(words[:n])


def judge(blocks, split=False):
    """{verdict, reason, similarity, before, after, words_matched} for one archived wording
    (its word_diff against the pasted words). split: the archived words are a quote split
    around its attribution, joined by an ellipsis."""
    equal = [i for i, (op, _, _) in enumerate(blocks) if op == "equal"]
    pasted_total = sum(count_words(p) for _, _, p in blocks)
    if not equal:
        return {"verdict": "not found", "reason": "No word of the pasted text lines up with this statement.",
                "similarity": 0.0, "before": "", "after": "", "words_matched": 0}
    first, last = equal[0], equal[-1]
    matched = sum(count_words(p) for op, _, p in blocks if op == "equal")
    pasted_words, archived_words = matched, matched
    changes, conventions, context = [], set(), {"before": "", "after": ""}
    bracketed = []  # what each [bracket] puts in place of the archived words: said in the reason
    for index, (op, archived, pasted) in enumerate(blocks):
        if op == "equal":
            continue
        if not first < index < last:
            # before the first or after the last equal word: archived words there are the
            # longer quote's context, except those the pasted words there stand in for
            side = "before" if index < first else "after"
            context[side], archived = split_edge(archived, pasted, side)
            op = "replace" if archived and pasted else ("insert" if pasted else "delete")
            if op == "delete":
                continue
        if convention_block(op, archived, pasted):
            if op != "delete":
                conventions.add("brackets" if has_brackets(pasted) else "ellipsis")
            if has_brackets(pasted):
                bracketed.append(f"{quoted(pasted)} stands for {quoted(archived)}" if archived
                                 else f"{quoted(pasted)} is added")
            continue
        changes.append(change_text(op, archived, pasted))
        pasted_words += count_words(pasted)
        archived_words += count_words(archived)
    before, after = context["before"], context["after"]
    similarity = round(matched / max(pasted_words, archived_words, 1), 3)
    result = {"similarity": similarity, "before": before, "after": after, "words_matched": matched}
    fragment = count_words(before) + count_words(after) > 0
    if similarity < MATCH_THRESHOLD:
        return dict(result, verdict="not found", reason=(
            f"Nothing close enough: at best {matched} of {pasted_total} pasted words line up with an archived "
            "statement, too few for the same statement."))
    if changes:
        listed = changes[:MAX_LISTED_CHANGES]
        more = f"; and {len(changes) - len(listed)} more" if len(changes) > len(listed) else ""
        extra = " The pasted words are also only a part of the quote." if fragment else ""
        return dict(result, verdict="altered",
                    reason=f"Words changed without quoting marks: {'; '.join(listed)}{more}.{extra}")
    if fragment:
        parts = [f"{n_words(count_words(before))} before them" if before else "",
                 f"{n_words(count_words(after))} after them" if after else ""]
        return dict(result, verdict="fragment", reason=(
            "The pasted words are a part of a longer quote, which has " + " and ".join(p for p in parts if p) + "."))
    conventions |= word_differences(blocks, first)
    whole = " (the whole quote, which the article splits around its attribution)" if split else ""
    if not conventions:
        return dict(result, verdict="exact", reason=f"The pasted words are the archived words{whole}.")
    listed = [CONVENTION_TEXT[name] for name in CONVENTION_TEXT if name in conventions]
    if bracketed:  # a bracket may change the meaning ("[not]"): say what it replaced
        return dict(result, verdict="exact, quoted properly", reason=(
            f"The archived words{whole}, quoted by the conventions ({'; '.join(listed)}), but the brackets "
            f"put in other words: {'; '.join(bracketed)}. Check that they keep the meaning."))
    return dict(result, verdict="exact, quoted properly", reason=(
        f"The same words{whole}; the differences follow quoting conventions: {'; '.join(listed)}."))
