"""The FTS5 side of /check, as pure functions: pasted words become quoted FTS5 strings (never
syntax), function words are left out while enough others remain, and the stages ask for what
they promise (every word; a rare word; either half)."""
from article_facts.check.search import first_expressions, fts_string, query_terms, second_expression, closest
from article_facts.check.words import search_terms


def test_words_are_quoted_strings_never_syntax():
    assert search_terms('NEAR(a b) AND "x* text:y ^z -w') == ["near", "a", "b", "and", "x", "text", "y", "z", "w"]
    assert fts_string('a"b') == '"a""b"'
    expressions = first_expressions(["near", "and", "text"], [5, 5, 5])
    assert expressions == ['("near" AND "and" AND "text")', '"near" OR "and" OR "text"']


def test_bracketed_words_are_not_searched():
    assert search_terms("[The union] will not go back") == ["will", "not", "go", "back"]


def test_function_words_left_out_while_four_others_remain():
    terms = ["contract", "signed", "every", "work", "will", "not", "the"]
    counts = [2000] * len(terms)
    assert first_expressions(terms, counts) == ['("contract" AND "signed" AND "every" AND "work")']
    assert first_expressions(["contract", "signed", "will", "not"], [2000] * 4) == [
        '("contract" AND "signed" AND "will" AND "not")']


def test_words_missing_from_the_archive_are_not_asked_for():
    assert first_expressions(["zzyzx", "contract", "signed"], [0, 3, 2000]) == [
        '("contract" AND "signed")', '"contract"']


def test_second_stage_halves():
    terms = ["government", "offered", "generous", "expected", "ports", "reopen", "friday", "deal"]
    assert second_expression(terms, [2000] * 8) == (
        '("government" AND "generous" AND "ports" AND "friday") OR ("offered" AND "expected" AND "reopen" AND "deal")')
    assert second_expression(["a", "b", "c"], [1, 1, 1]) is None


def test_query_terms_are_distinct_and_bounded():
    assert query_terms("the cat saw the dog") == ["the", "cat", "saw", "dog"]
    assert len(query_terms(" ".join(f"w{i}" for i in range(100)))) == 24


def test_closest_prefers_the_words_not_the_length():
    rows = [("short", "We will not accept the loan"), ("source", "We will not accept the aid package if it ignores health")]
    assert closest("We will not accept the aid country if it ignores health", rows, n=1) == ["source"]
