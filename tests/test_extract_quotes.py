"""The extractor's quote finding and speaker attribution, one short text per tricky case."""

from pathlib import Path

import pytest

from article_facts.extract.evaluate import evaluate_own, Score, GoldQuote, score
from article_facts.extract import Attribution, extract_attributions

HERE = Path(__file__).parent


def quotes(text, kind=None):
    out = extract_attributions(text)
    for a in out:
        assert 0 <= a.start < a.end <= len(text)
        for f in a.speaker_forms:
            assert f in text
        if a.verb is not None:
            assert text[a.verb_start : a.verb_start + len(a.verb)] == a.verb
    return [
        (text[a.start : a.end], a.speaker_name, a) for a in out if kind is None or a.kind == kind
    ]


def test_split_quote_two_entries_one_speaker():
    t = 'Mayor Ana Ruiz spoke on Monday.\n"It is early," she said, "but the numbers are good."\n'
    got = quotes(t, "direct")
    assert [(q, s) for q, s, _ in got] == [
        ("It is early", "Ana Ruiz"),
        ("but the numbers are good.", "Ana Ruiz"),
    ]


def test_curly_marks_and_said_x_with_title_after():
    t = "“We will appeal,” said Jane Porter, a spokeswoman for the ministry.\n"
    ((q, s, a),) = quotes(t, "direct")
    assert q == "We will appeal" and s == "Jane Porter" and a.verb == "said" and a.explicit
    assert a.speaker_title and a.speaker_title in t[a.title_evidence[0] : a.title_evidence[1]]


def test_title_before_name():
    t = "“Talks continue,” Foreign Minister Lena Holm said.\n"
    ((q, s, a),) = quotes(t, "direct")
    assert s == "Lena Holm" and a.speaker_title == "Foreign Minister"


def test_multi_paragraph_quote_one_entry_per_paragraph():
    t = (
        "Dr. Omar Haddad described the night. “We had no power for six hours.\n"
        "“Then the generator failed, and we worked by torchlight,” he said.\n"
    )
    got = quotes(t, "direct")
    assert [q for q, _, _ in got] == [
        "We had no power for six hours.",
        "Then the generator failed, and we worked by torchlight",
    ]
    assert {s for _, s, _ in got} == {"Omar Haddad"}


def test_partial_quote():
    t = "Senator Paul Grant called the bill “a gift to lobbyists” and said he would vote against it.\n"
    got = quotes(t)
    assert ("a gift to lobbyists", "Paul Grant") in [
        (q, s) for q, s, a in got if a.kind == "partial"
    ]
    assert not quotes(t, "direct")


def test_title_in_quotes_is_not_a_direct_quote():
    t = "The film “The Long Road Home” opened on Friday in forty cinemas.\n"
    assert not quotes(t, "direct")


def test_according_to():
    t = "According to Maria Lopez, “the vote was never in doubt.”\n"
    ((q, s, a),) = quotes(t)
    assert s == "Maria Lopez" and a.verb == "According to"


def test_told_reporters_and_pronoun():
    t = "Governor Tom Fields arrived late.\n" "“We are ready,” he told reporters.\n"
    ((q, s, a),) = quotes(t, "direct")
    assert s == "Tom Fields" and a.verb == "told" and "pronoun" in a.note


def test_description_resolved_to_person():
    t = (
        "Annalena Berg, the foreign minister, arrived in Rome.\n"
        "“We came to listen,” the minister said.\n"
    )
    ((q, s, a),) = quotes(t, "direct")
    assert s == "Annalena Berg"


def test_continuation_without_verb():
    t = "“The dam is safe,” said engineer Karl Olsen.\n" "“We inspect it every spring.”\n"
    got = quotes(t, "direct")
    assert [s for _, s, _ in got] == ["Karl Olsen", "Karl Olsen"]
    assert got[1][2].explicit is False and "continues" in got[1][2].note


def test_organization_speaker():
    t = (
        "The Supreme Court rejected the appeal on Friday.\n"
        "“The statute is clear,” the court wrote.\n"
    )
    ((q, s, a),) = quotes(t, "direct")
    assert s == "Supreme Court" and a.speaker_type == "organization"


def test_accented_names_and_straight_marks():
    t = 'Lucía Fernández, who leads the union, was blunt. "This is a good day," Fernández said.\n'
    ((q, s, a),) = quotes(t, "direct")
    assert q == "This is a good day" and s == "Lucía Fernández"
    assert set(a.speaker_forms) == {"Lucía Fernández", "Fernández"}


def test_indirect_statement_with_verb():
    t = "Minister Rui Costa recalled that the treaty was signed in 1995.\n"
    got = quotes(t, "indirect")
    assert got and got[0][0] == "the treaty was signed in 1995" and got[0][2].verb == "recalled"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "No quotes at all here.",
        '"',
        '“ ” " “unclosed',
        "He said “yes.\nNo closing here.",
        "»Das ist gut«, sagte sie.",
        "“Это хорошо”, — сказал он.",
        "「こんにちは」と彼は言った。",
    ],
)
def test_never_crashes(text):
    for a in extract_attributions(text):
        assert isinstance(a, Attribution) and 0 <= a.start <= a.end <= len(text)


def test_hundred_thousand_words_runs():
    para = (
        "“The reef is recovering,” said Dr. Aiko Tanaka. She added that more work was needed. "
        "Officials called it “good news” on Monday.\n"
    )
    text = para * (100_000 // len(para.split()) + 1)
    assert len(text.split()) >= 100_000
    got = extract_attributions(text)
    assert sum(a.kind == "direct" for a in got) == text.count("\n")


# -- the scorer itself --------------------------------------------------------------------------
def _pred(text, s, speaker):
    start = text.index(s)
    return Attribution(
        "direct",
        start,
        start + len(s),
        speaker_name=speaker,
        speaker_forms=[speaker] if speaker else [],
    )


def _gold(text, s, speaker):
    start = text.index(s)
    return GoldQuote(start, start + len(s), s, [speaker])


TEXT = "“One,” said Ann Lee. “Two,” said Bo Chan. “Three.”"


def test_scorer_perfect():
    gold = [_gold(TEXT, "One", "Ann Lee"), _gold(TEXT, "Two", "Bo Chan")]
    sc = score("t", TEXT, gold, [_pred(TEXT, "One", "Ann Lee"), _pred(TEXT, "Two", "Bo Chan")])
    assert (sc.precision, sc.recall, sc.f1, sc.speaker_accuracy) == (1.0, 1.0, 1.0, 1.0)


def test_scorer_missing_extra_and_wrong_speaker():
    gold = [_gold(TEXT, "One", "Ann Lee"), _gold(TEXT, "Two", "Bo Chan")]
    sc = score("t", TEXT, gold, [_pred(TEXT, "One", "Bo Chan"), _pred(TEXT, "Three", "Bo Chan")])
    assert sc.matched == 1 and sc.precision == 0.5 and sc.recall == 0.5
    assert sc.speaker_right == 0 and sc.speaker_total == 2
    missing = score("t", TEXT, gold, [_pred(TEXT, "One", "Ann Lee")])
    assert missing.precision == 1.0 and missing.recall == 0.5 and missing.speaker_accuracy == 0.5
    total = Score("all")
    total.add(sc)
    total.add(missing)
    assert total.gold == 4 and total.matched == 2


# Written in new styles after the rules, and scored before any tuning on them (README).
LATER_SET = {
    "business-family-bakery", "court-jockey-trial", "culture-folk-festival-cancelled",
    "culture-violin-maker-profile", "health-hospital-cyberattack", "politics-fishing-talks",
    "politics-stadium-vote", "wire-ferry-collision",
}


def test_scorer_over_the_evaluation_set():
    rows, total, partials = evaluate_own(
        HERE / "extraction", [HERE.parent / "seeds" / "peru-severs-relations-chavez-asylum"]
    )
    assert len(rows) >= 19 and total.gold >= 150
    assert LATER_SET <= {r.name for r in rows}
    first, later = Score("first"), Score("later")
    for r in rows:
        (later if r.name in LATER_SET else first).add(r)
    assert first.f1 >= FLOOR_F1 and first.speaker_accuracy >= FLOOR_SPEAKER
    # regression floors for the later articles: their figures in the README after developing
    # on them, rounded down
    assert later.f1 >= LATER_FLOOR_F1 and later.speaker_accuracy >= LATER_FLOOR_SPEAKER
    assert partials.gold >= 10 and partials.recall >= 0.8


FLOOR_F1 = 0.98
FLOOR_SPEAKER = 0.95
LATER_FLOOR_F1 = 0.98
LATER_FLOOR_SPEAKER = 0.96


def test_indirect_statement_before_the_speaker():
    t = "Peru cut its ties on Monday.\nThat decision was made in Lima, Sheinbaum clarified.\n"
    got = quotes(t, "indirect")
    assert [(q, a.verb) for q, _, a in got] == [("That decision was made in Lima", "clarified")]


def test_bare_reported_clause_and_partial_inside():
    t = "Judge Ana Reyes said the law was “plainly unfair” to tenants.\n"
    got = quotes(t)
    kinds = {a.kind: (q, s) for q, s, a in got}
    assert kinds["indirect"] == ("the law was “plainly unfair” to tenants", "Ana Reyes")
    assert kinds["partial"] == ("plainly unfair", "Ana Reyes")


def test_multi_paragraph_quote_attributed_at_its_end():
    t = (
        "Mayor Ken Ito spoke first.\n"
        "“The budget is tight.\n"
        "“But we will keep the pools open,” said Dr. Lena Brandt, the council's chair.\n"
    )
    got = quotes(t, "direct")
    assert [s for _, s, _ in got] == ["Lena Brandt", "Lena Brandt"]
    assert got[0][2].explicit is False and got[1][2].explicit is True


def test_titles_and_evidence_come_from_the_text():
    t = "“We are ready,” said Ana Ruiz, the city's fire chief.\n“Mostly,” Interior Minister Omar Diaz said.\n"
    for _, s, a in quotes(t, "direct"):
        ev = t[a.title_evidence[0] : a.title_evidence[1]]
        assert a.speaker_title in ev and any(f in ev for f in a.speaker_forms)


def test_random_texts_never_crash_and_offsets_hold():
    import random

    rng = random.Random(7)
    pieces = ["said", "Smith", "“", "”", '"', "he", "The", "court", "wrote", ",", ".", ":", "\n",
              "according", "to", "Ana López", "Dr.", "—", "(", ")", "that", "told", "’s", "«", "»"]
    for _ in range(300):
        t = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        for a in extract_attributions(t):
            assert 0 <= a.start <= a.end <= len(t)
            assert a.speaker_name is None or a.speaker_name in t


def test_programme_title_with_comma_is_not_a_quote():
    t = "Speaking on Velia Radio's \"Morning Round,\" Senator Rita Moss said the bill \"goes too far.\"\n"
    got = quotes(t)
    assert "Morning Round" not in [q for q, _, _ in got]
    assert ("goes too far.", "Rita Moss") in [(q, s) for q, s, a in got if a.kind == "partial"]


def test_spans_nest_or_stay_apart():
    t = "Smith said that the plan failed, Jones added.\nAna Ruiz said the law was “unfair,” Li noted.\n"
    got = extract_attributions(t)
    for a in got:
        for b in got:
            assert not (a.start < b.start < a.end < b.end)
