"""Speaker cases found while developing on the own set's later articles (issue 15, section 5):
people sharing a surname, and descriptions that stand for someone named earlier."""

from article_facts.extract import extract_attributions


def speakers(text):
    """(quote, speaker) of each direct quote, with the draft's invariants checked."""
    out = []
    for a in extract_attributions(text):
        for f in a.speaker_forms:
            assert f in text
        if a.kind == "direct":
            out.append((text[a.start : a.end], a.speaker_name))
    return out


COUPLE = (
    "The cafe was opened by Adaeze Nwosu and her husband, Chidi Nwosu, in 2001.\n"
    "“We almost gave up,” Nwosu said, as she stacked the chairs.\n"
    "Her husband said the cafe would stay. “It pays the rent,” Nwosu said.\n"
    "“She is the boss,” Nwosu said, pointing at his wife.\n"
    "“He says that every year,” Nwosu said, shaking her head.\n"
    "“And every year I am right,” her husband called back.\n"
)


def test_a_couple_sharing_a_surname():
    assert speakers(COUPLE) == [
        ("We almost gave up", "Adaeze Nwosu"),  # `as she ...` after the bare surname
        ("It pays the rent", "Chidi Nwosu"),  # `Her husband said` earlier in the paragraph
        ("She is the boss", "Chidi Nwosu"),  # `Nwosu said, pointing at his wife`
        ("He says that every year", "Adaeze Nwosu"),  # `shaking her head`
        ("And every year I am right", "Chidi Nwosu"),  # `her husband called back`
    ]


def test_a_son_introduced_with_a_gendered_noun_takes_he():
    t = (
        "The cafe was opened by Adaeze Nwosu and her husband, Chidi Nwosu, in 2001.\n"
        "“We almost gave up,” Nwosu said, as she stacked the chairs.\n"
        "Their son, Ikenna Nwosu, studies law in the capital.\n"
        "“I never liked the name,” he said.\n"
    )
    assert speakers(t)[-1] == ("I never liked the name", "Ikenna Nwosu")


def test_the_elder_of_two_sharing_a_name():
    t = (
        "Tomas R. Villanueva Jr., 30, testified on Monday.\n"
        "His father, Tomas Villanueva Sr., 66, spoke in the afternoon.\n"
        "“I warned them twice,” the elder Villanueva said.\n"
        "“I was there,” the younger Villanueva said.\n"
    )
    assert speakers(t) == [
        ("I warned them twice", "Tomas Villanueva Sr."),
        ("I was there", "Tomas R. Villanueva Jr."),
    ]


def test_a_trust_named_then_described_and_a_dateline_is_no_organization():
    t = (
        "KELLSBY — The Kellsby Heritage Trust, which runs the museum, said on Friday that it "
        "would close.\n"
        "It said the building would reopen in 2030 “as a smaller museum.”\n"
        "“We are sorry to do this,” the trust said.\n"
    )
    got = {t[a.start : a.end]: a.speaker_name for a in extract_attributions(t)}
    assert got["as a smaller museum."] == "Kellsby Heritage Trust"  # not the dateline
    assert got["We are sorry to do this"] == "Kellsby Heritage Trust"
    t = (
        "KELLSBY — The museum will close, its owners announced.\n"
        "It said it would reopen “as a smaller museum.”\n"
    )
    found = extract_attributions(t)
    assert [t[a.start:a.end] for a in found if a.kind != "indirect"] == ["as a smaller museum."]
    assert all(a.speaker_name != "KELLSBY" for a in found)


def test_a_song_title_before_the_song_is_no_quote():
    t = (
        "Singer Maren Holt spoke after the show.\n"
        "The set, she said, would close with “Rain on the Harbor,” the song she wrote at sixteen.\n"
    )
    found = {t[a.start : a.end]: a.kind for a in extract_attributions(t)}
    assert "Rain on the Harbor" not in found


def test_an_age_description_goes_to_the_person_of_that_age():
    t = (
        "Ana Ruiz, 54, and Tomas Berg, 61, met in Ostend on Friday.\n"
        "“It went well,” the 61-year-old said.\n"
    )
    assert speakers(t) == [("It went well", "Tomas Berg")]


def test_a_role_noun_goes_to_the_person_just_introduced():
    t = (
        "The harbor has been quiet since June.\n"
        "Tomas Reyes, who has fished out of Ostend for 31 years, said he no longer sails past "
        "the lighthouse. “I have a family to feed,” the fisherman said.\n"
        "Greta Lind, who chairs the boat owners’ group, said members were losing money. "
        "“Nobody eats promises,” the group chief said.\n"
        "Mirja Holm, who worked for the mayor for ten years, said a deal was close. “Both sides "
        "need a win,” the former aide said.\n"
    )
    assert speakers(t) == [
        ("I have a family to feed", "Tomas Reyes"),
        ("Nobody eats promises", "Greta Lind"),
        ("Both sides need a win", "Mirja Holm"),
    ]


def test_a_description_matches_the_phrase_that_introduced_the_name():
    t = (
        "A senator from the Green Alliance, Ana Ruiz, spoke first.\n"
        "Her rival, Tomas Berg, spoke next.\n"
        "“We must act,” the Green senator said.\n"
    )
    assert speakers(t)[-1] == ("We must act", "Ana Ruiz")


def test_the_spokesman_speaks_for_the_organization_he_was_introduced_for():
    t = (
        "Health minister Ana Ruiz said the review was welcome.\n"
        "A spokesman for the Kellsby Nurses’ Union said it came too late. “They were warned in "
        "writing,” the spokesman said.\n"
    )
    assert speakers(t)[-1] == ("They were warned in writing", "Kellsby Nurses’ Union")


def test_he_after_a_description_reporting_goes_to_the_described_person():
    t = (
        "Tomas Berg, 63, a retired trainer, testified on Monday.\n"
        "Under questioning from the defense lawyer, Marco Lind, the 63-year-old said he had "
        "watched from the rail. “I could not see the fall,” he said.\n"
    )
    assert speakers(t) == [("I could not see the fall", "Tomas Berg")]


def test_a_noun_compound_is_no_verb_of_a_coordination():
    t = (
        "Mayor Ana Ruiz, who had backed the plan for two years, returned to the podium after "
        "the roll call and declared, “Tonight the city chose to think big.”\n"
    )
    assert speakers(t) == [("Tonight the city chose to think big.", "Ana Ruiz")]


def test_quoted_words_inside_a_sentence_with_its_comma_are_partial():
    t = (
        "Prosecutor Ana Ruiz told the jury that the loss was “a misfortune, not a fraud,” and "
        "that the books were clean.\n"
    )
    kinds = {t[a.start : a.end]: a.kind for a in extract_attributions(t)}
    assert kinds["a misfortune, not a fraud"] == "partial"
