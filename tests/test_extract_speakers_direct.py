"""Speakers of direct quotes: the subject of the reporting clause, one made-up text per case."""

from article_facts.extract import extract_attributions


def speech(text):
    """(words, speaker, attribution) for each direct or partial quote."""
    out = []
    for a in extract_attributions(text):
        if a.kind in ("direct", "partial"):
            out.append((text[a.start : a.end], a.speaker_name, a))
    return out


def test_relative_clause_between_name_and_verb():
    t = "“We are not finished,” Senator Mara Quint, who chairs the budget panel, said.\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint" and a.verb == "said"


def test_relative_clause_naming_someone_else():
    t = "Senator Mara Quint, who has long opposed Governor Paul Ender, said the plan was “a sad joke.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint" and a.verb == "said"


def test_relative_clause_closed_by_the_verb():
    t = "“It will pass,” Ada Lowe, who heads the Riverside Fund said on Monday.\n"
    ((q, s, a),) = speech(t)
    assert s == "Ada Lowe" and a.verb == "said"


def test_chain_of_appositives_keeps_the_person():
    t = "Ada Lowe, director of the Riverside Fund, a charity based in Ostend, said the rules were “far too loose.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Ada Lowe"


def test_age_and_hometown_appositives():
    t = "“Both of them scare me,” Piet Amsel, 30, of Harlow, Essex, who voted last week, said.\n"
    ((q, s, a),) = speech(t)
    assert s == "Piet Amsel"


def test_party_parenthesis_before_an_appositive():
    t = "Rep. Mara Quint (D-Ore.), chair of the budget panel, said the plan was “a good start.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint" and a.verb == "said"
