"""The word diff of /check (and of the quote variants): blocks in the original words, compared
on normalised words, adjacent edits merged into one replace."""
from article_facts.check.diff import word_diff


def test_equal_ignores_case_marks_and_punctuation():
    assert word_diff("“We won’t go,” he said.", '"we won\'t go he said') == [
        ("equal", "“We won’t go,” he said.", '"we won\'t go he said')]


def test_changed_dropped_and_added_words():
    assert word_diff("The minister said very clearly it was over",
                     "The minister says clearly it was not over") == [
        ("equal", "The minister", "The minister"),
        ("replace", "said very", "says"),
        ("equal", "clearly it was", "clearly it was"),
        ("insert", "", "not"),
        ("equal", "over", "over"),
    ]


def test_ellipsis_and_brackets_are_words_of_their_own():
    assert word_diff("We will not, under any circumstances, hand him over.",
                     "We will not... hand [Castillo] over") == [
        ("equal", "We will not,", "We will not"),
        ("replace", "under any circumstances,", "…"),
        ("equal", "hand", "hand"),
        ("replace", "him", "[Castillo]"),
        ("equal", "over.", "over"),
    ]


def test_fragment_is_deletes_around_equal_words():
    assert word_diff("one two three four five", "two three") == [
        ("delete", "one", ""), ("equal", "two three", "two three"), ("delete", "four five", "")]


def test_punctuation_only_words_stay_with_a_neighbour():
    assert word_diff("Peru — as a nation — decides", "Peru decides") == [
        ("equal", "Peru —", "Peru"), ("delete", "as a nation —", ""), ("equal", "decides", "decides")]


def test_empty_sides():
    assert word_diff("", "") == []
    assert word_diff("", "x y") == [("insert", "", "x y")]
    assert word_diff("x y", "") == [("delete", "x y", "")]


def test_alignment_is_compact_around_the_pasted_words():
    # "we" also occurs four words earlier: a longest common subsequence may match it there,
    # which made a fragment look like an altered quote with words dropped inside
    assert word_diff("We always stated it, we gave asylum to her family here and when this",
                     "we gave asylum to his family here") == [
        ("delete", "We always stated it,", ""), ("equal", "we gave asylum to", "we gave asylum to"),
        ("replace", "her", "his"), ("equal", "family here", "family here"), ("delete", "and when this", "")]


def test_a_bracket_that_replaces_words_is_named_in_the_reason():
    """[brackets] are a quoting convention, but "[not]" for "completely" inverts the quote: the
    verdict stays `exact, quoted properly` and the reason names what each bracket replaced,
    never "the same words"."""
    from article_facts.check.verdict import judge
    archived = "From our perspective it's completely out of proportion to what happened"
    inverted = judge(word_diff(archived, "From our perspective it's [not] out of proportion to what happened"))
    assert inverted["verdict"] == "exact, quoted properly"
    assert "“[not]” stands for “completely”" in inverted["reason"] and "The same words" not in inverted["reason"]
    plain = judge(word_diff(archived, "From our perspective it's completely out of proportion … happened"))
    assert plain["verdict"] == "exact, quoted properly" and plain["reason"].startswith("The same words")
