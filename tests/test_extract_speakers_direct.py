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


def test_coordinated_reporting_verb():
    t = "Mayor Tom Ellery returned to the podium and declared, “We will rebuild every house.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Tom Ellery" and a.verb == "declared" and a.explicit


def test_declined_to_comment_but_said():
    t = "Governor Paul Ender declined to comment but said the vote was “a sad day for the state.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Paul Ender" and a.verb == "said"


def test_with_x_saying():
    t = (
        "Mayor Tom Ellery met the council on Tuesday, with Councillor Rita Vance saying "
        "the plan was “dead on arrival.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Rita Vance" and a.verb == "saying"


def test_reporting_verbs_of_manner():
    t = (
        "“It was the best night of my life,” gushed Nora Pell, the winner.\n"
        "“We tried everything,” Coach Dan Hollis sighed.\n"
        "“That is not true,” interjected Councillor Rita Vance.\n"
    )
    got = [(s, a.verb) for _, s, a in speech(t)]
    assert got == [("Nora Pell", "gushed"), ("Dan Hollis", "sighed"), ("Rita Vance", "interjected")]


def test_as_x_puts_it():
    t = "Ben Arno spoke first. The plan is, as Professor Ida Munk puts it, “a bridge to nowhere.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Ida Munk" and a.verb == "puts"


def test_description_matches_its_modifiers_not_the_last_title():
    t = (
        "The Montaraz minister, Elena Sabot, met her Velian counterpart, Minister Rolf Kade.\n"
        "“We signed nothing,” the Montaraz minister said.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Elena Sabot" and "resolved" in a.note


def test_description_from_an_appositive():
    t = (
        "Senator Mara Quint, a Republican lawmaker, met Senator Ivo Brandt, a Democrat.\n"
        "“This bill is dead,” the Republican lawmaker said.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint"


def test_capitalised_description_with_coordinated_verb():
    t = (
        "Paul Rennick, a Republican from Oregon, met voters.\n"
        "Later the Oregon Republican criticized the plan and said it was “a dead end.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Paul Rennick" and a.verb == "said"


def test_split_quote_second_part_continues_the_first():
    t = 'Mayor Ana Ruiz spoke on Monday.\n"It is early," she said, "but the numbers are good."\n'
    (q1, s1, a1), (q2, s2, a2) = speech(t)
    assert (q1, q2) == ("It is early", "but the numbers are good.")
    assert a1.continues is None and a2.continues == a1.start and s1 == s2 == "Ana Ruiz"


def test_two_sentences_around_a_verb_are_not_one_split_quote():
    t = "Ana Ruiz spoke.\n“It is early.” She paused. “The numbers are good,” she said.\n"
    found = speech(t)
    assert [q for q, _, _ in found] == ["It is early.", "The numbers are good"]
    assert all(a.continues is None for _, _, a in found)


def test_nested_speech_belongs_to_the_inner_speaker():
    t = "Lena Ortiz said her neighbour Carl Deane told her, “The river is rising fast.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Carl Deane" and a.verb == "told"


def test_framing_verb_quoted_words_are_the_subjects_not_the_objects():
    t = "In Ostend on Friday, Governor Paul Ender called Senator Mara Quint “a disgrace to the office.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Paul Ender" and not a.explicit


def test_framing_verb_in_the_passive_belongs_to_the_agent():
    t = "Senator Mara Quint was called “a disgrace” by Governor Paul Ender.\n"
    ((q, s, a),) = speech(t)
    assert s == "Paul Ender"


def test_pronoun_skips_organizations_events_and_places():
    t = (
        "Carl Deane arrived on Friday.\n"
        "The Harbor Festival opened in Port Velia as the Harbor Authority issued its report.\n"
        "“It is a great day,” he said.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Carl Deane" and "pronoun" in a.note


def test_quote_over_paragraphs_keeps_its_speaker():
    t = (
        "Nora Pell, the mayor, spoke first, and Ben Arno spoke after her.\n"
        "“We had no water for a week,” Ms. Pell said. “The trucks came late.\n"
        "“Now we are rebuilding.”\n"
        "Arno agreed.\n"
    )
    got = [(q, s) for q, s, _ in speech(t)]
    assert got == [
        ("We had no water for a week", "Nora Pell"),
        ("The trucks came late.", "Nora Pell"),
        ("Now we are rebuilding.", "Nora Pell"),
    ]


def test_participle_shares_the_main_reporting_verbs_subject():
    t = (
        "After meeting Governor Paul Ender, Senator Mara Quint said the talks had failed, "
        "adding, “We will try again next week.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint" and a.verb == "adding"


def test_participle_subject_is_not_inside_a_prepositional_phrase():
    t = (
        "In an interview with the Ostend Herald, Mara Quint defended the plan, "
        "saying it was “fair to everyone who pays.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint" and a.verb == "saying"


def test_subject_is_not_a_name_in_parentheses():
    t = "OSTEND (Velia Press) — Mara Quint defended the plan, saying it was “fair to everyone.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint"


def test_retorts_shot_back_and_retaliated():
    t = (
        "Ben Arno attacked the plan.\n"
        "“Ben wants to look tough tonight,” Mara Quint shot back. “Let me finish.”\n"
        "“Ostend will always be Ostend,” an angry Lena Ortiz retaliated.\n"
    )
    got = [(s, a.verb) for _, s, a in speech(t)]
    assert got[0] == ("Mara Quint", "shot") and got[2] == ("Lena Ortiz", "retaliated")


def test_appositive_with_a_relative_clause_closed_by_the_verb():
    t = (
        "Ben Arno spoke first.\n"
        "“The polls are wrong,” Ida Munk, the analyst who founded the Velia Poll wrote on Monday.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ida Munk" and a.verb == "wrote"


def test_second_quote_of_a_paragraph_keeps_its_speaker_past_another_verb():
    t = (
        "“The contracts stand,” spokeswoman Ida Munk told the Ostend Herald in July, after "
        "Mayor Carl Deane stated an interest in ending them. “They are fully binding.”\n"
    )
    (q1, s1, a1), (q2, s2, a2) = speech(t)
    assert s1 == "Ida Munk" and s2 == "Ida Munk"


def test_framing_verb_subject_nearest_the_quote():
    t = "At a gala with the actor Ann Vell, Senator Mara Quint called her rivals “cowards.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint"


def test_what_x_called():
    t = "Ena Vos and her council hoped to shed what Mayor Carl Deane once called “a reputation for rust.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Carl Deane"


def test_subject_of_a_whether_clause_is_not_the_speaker():
    t = (
        "Governor Paul Ender is asking whether Senator Mara Quint would have backed the bill "
        "“if it were written in Ostend.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Paul Ender"


def test_participle_after_a_comma_goes_to_the_main_subject():
    t = "At the debate, Senator Mara Quint said Paul Ender repeats himself, calling him “a talented talker.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint"


def test_party_and_state_after_the_name():
    t = "The vote was close. “We must be clear,” Senate Majority Leader Mara Quint, R-Ore., said.\n"
    ((q, s, a),) = speech(t)
    assert s == "Mara Quint" and a.verb == "said"


def test_plural_noun_after_a_determiner_is_no_reporting_verb():
    t = (
        "“It is an invasion of our domain,” Ena Vos, the attorney general of Velia, "
        "one of the states suing the agency, said on Monday.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ena Vos" and a.verb == "said"


def test_proclaimed():
    t = "Guns are “a public health crisis,” Howard Lind, the former governor, proclaimed on Tuesday.\n"
    ((q, s, a),) = speech(t)
    assert s == "Howard Lind" and a.verb == "proclaimed"


def test_quote_ending_a_sentence_does_not_take_the_next_sentences_verb():
    t = (
        "Ena Vos called the deal a “grave mistake.” Carl Deane said it was “a fair price.”\n"
        "Velia branded the plan an “act of theft.” The council insisted it would stay.\n"
    )
    got = [(q, s) for q, s, _ in speech(t)]
    assert got[0] == ("grave mistake.", "Ena Vos") and got[1] == ("a fair price.", "Carl Deane")
    assert got[2][1] != "council" and got[2][0] == "act of theft."


def test_quote_standing_alone_takes_the_verb_after_it():
    t = "Ena Vos read the letter.\n“Too late?” She laughed. Then: “Never.”\n“We won,” Vos said.\n"
    got = [(q, s) for q, s, _ in speech(t)]
    assert got[-1] == ("We won", "Ena Vos")


def test_plural_noun_before_of_is_no_reporting_verb():
    t = "Ena Vos rated most Velian claims of “record growth” false.\n"
    ((q, s, a),) = speech(t)
    assert a.verb != "claims" and s == "Ena Vos"


def test_questions_repeated_and_demanded():
    t = (
        "“Who else is on your list?” asked Ida Munk.\n"
        "“Nobody yet,” Ena Vos said. “Nobody at all?” Munk repeated.\n"
        "“Why is this not proof?” Carl Deane demanded.\n"
    )
    got = [(s, a.verb) for _, s, a in speech(t)]
    assert got[2] == ("Ida Munk", "repeated") and got[3] == ("Carl Deane", "demanded")


def test_person_of_a_long_organization_name():
    t = (
        "“A staged weapon would be a stretch for them,” Ivo Brandt of the Ostend Institute "
        "for Arms Control Studies wrote in December.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ivo Brandt" and a.verb == "wrote"


def test_participle_phrase_between_name_and_verb():
    t = (
        "But Sen. Ena Vos (D-Ore.), noting the size of the crowd, said, "
        "“Let me tell you, this is a movement.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ena Vos" and a.verb == "said"


def test_coordinated_verb_after_an_interview_with_a_journalist():
    t = (
        "In a long interview with journalist Ivo Brandt last year, Piet Amsel said he welcomed "
        "the trial and added, “I will plead guilty.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Piet Amsel" and a.verb == "added"


def test_with_x_tweeting_and_asking():
    t = (
        "Harbour workers voiced their anger on Friday, with Carl Deane posting online that the "
        "closure was a “betrayal” of the town and asking, “Who will pay the rent now?”\n"
    )
    got = [(q, s, a.verb) for q, s, a in speech(t)]
    assert got[-1] == ("Who will pay the rent now?", "Carl Deane", "asking")


def test_next_sentence_with_its_own_reported_clause_is_not_the_quotes_attribution():
    t = (
        "“It is a sad day,” Ena Vos told reporters in Ostend. “This is what the campaign has "
        "become.” Governor Carl Deane said he would have fired the manager if it had happened "
        "in his own campaign.\n"
    )
    (q1, s1, _), (q2, s2, _) = speech(t)
    assert s1 == "Ena Vos" and s2 == "Ena Vos"


def test_subject_after_an_opening_phrase_with_places():
    t = (
        "Speaking at a town hall in Harlow, Essex, Ena Vos went after Carl Deane, "
        "calling him “a total stiff.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ena Vos"


def test_coordinated_verb_takes_the_nearest_conjuncts_subject():
    t = (
        "Before the rally, a group of pastors called for a boycott, and the Velian Teachers "
        "Union strongly denounced the speech and said it would “redirect” its donations.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Velian Teachers Union" and a.verb == "said"


def test_with_x_calling_her():
    t = (
        "Unions backed Ena Vos early, with the Velian Teachers Union calling her "
        "“the champion families need” and its leader hugging her on stage.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Velian Teachers Union"


def test_credit_line_name_before_a_colon():
    t = (
        "Ena Vos spoke on Monday.\n"
        "POLLS WERE EARLY, NOT WRONG - Ida Munk and Piet Amsel: “The polls simply ended too early.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Piet Amsel"


def test_words_after_a_dash_that_are_no_name():
    t = "At the market on Saturday, Ena Vos said the new bridge was “far too narrow for lorries” — among other things.\n"
    ((q, s, a),) = speech(t)
    assert s == "Ena Vos" and a.verb == "said"


def test_with_x_adverb_participle_before_a_colon():
    t = (
        "At a rally in Ostend on Saturday, some of the crowd pushed a Velian Youth League "
        "protester, with Carl Deane reportedly yelling: “Get him out of here!”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Carl Deane"


def test_appositive_with_a_role_closed_by_the_verb():
    t = "Ida Munk, the communications director for the Velian Labour Party said in a statement: “We will not recount.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Ida Munk" and a.verb == "said"


def test_appositive_closed_by_a_verb_that_is_not_a_reporting_verb_is_ignored():
    t = (
        "At a town hall in Harlow, Ena Vos accused Carl Deane, the senator from Velia and winner "
        "of the caucuses, of being “politically correct.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ena Vos"


def test_coordinated_verb_skips_quoted_words_and_objects():
    t = (
        "The harbour levy, which Ena Vos had called a “swindle” and vowed to “scrap at once”, "
        "returns next year.\n"
        "Parents applauded as the Velian Teachers Union put out a statement saying the levy was "
        "“a tax on learning” and said its members would hold “a week of protest.”\n"
    )
    got = [(q, s) for q, s, _ in speech(t)]
    assert got == [
        ("swindle", "Ena Vos"),
        ("scrap at once", "Ena Vos"),
        ("a tax on learning", "Velian Teachers Union"),
        ("a week of protest.", "Velian Teachers Union"),
    ]


def test_coordinated_verb_after_a_passive_and_an_irregular_verb():
    t = (
        "As Carl Deane began to speak, Ena Vos was joined on stage by Senator Ivo Brandt and "
        "joked, “You are being ridiculous.”\n"
        "When told Carl Deane was in the cabinet, Ivo Brandt thought for a moment and said, "
        "“It is an advantage.”\n"
    )
    got = [(s, a.verb) for _, s, a in speech(t)]
    assert got == [("Ena Vos", "joked"), ("Ivo Brandt", "said")]


def test_question_mark_inside_a_quote_before_a_lowercase_word_ends_no_sentence():
    t = (
        "Ena Vos spoke first.\n"
        "Carl Deane “backs the banks as a recovery plan. Does that fly?” former adviser "
        "Ivo Brandt asked on the radio.\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ivo Brandt" and a.verb == "asked"


def test_unknown_name_opening_the_clause_with_a_framing_verb():
    t = "Ostrava branded the Velian council “reckless spenders with no plan at all.”\n"
    ((q, s, a),) = speech(t)
    assert s == "Ostrava"


def test_verb_form_after_a_determiner_is_an_adjective():
    t = (
        "Velian President Ena Vos said the reported bomber, who struck in the old town, "
        "had “foreign roots.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ena Vos" and a.verb == "said"


def test_many_descriptions_and_participles_all_resolved():
    """A long text with thousands of descriptions (how fast is for bench/, not a test)."""
    p = (
        "Senator Mara Quint, a Republican lawmaker from Ostend, met Governor Paul Ender, adding "
        "that the talks were “long and hard.” The Republican lawmaker said, “We will see,” and "
        "the governor replied, saying “No.”\n"
    )
    t = p * 3000  # about 600,000 characters, every one of the 3,000 descriptions resolved
    found = speech(t)
    assert len(found) == 9000 and found[-2][:2] == ("We will see", "Mara Quint")


def test_quote_between_said_and_another_speakers_reply():
    t = (
        "Senator Mara Quint met Governor Paul Ender.\n"
        "The senator said, “We will see,” and the governor replied that nothing was agreed.\n"
    )
    ((q, s, a),) = speech(t)
    assert q == "We will see" and s == "Mara Quint" and a.verb == "said"


def test_verb_after_while_or_until_with_its_own_subject_is_not_the_quotes():
    t = (
        "Ena Vos accuses Carl Deane of running an “artful smear” campaign while Deane suggests "
        "she is captive to the banks.\n"
        "Ivo Brandt says he was “riding the fence” until Ida Munk said she backed the mayor.\n"
    )
    got = [(q, s) for q, s, _ in speech(t)]
    assert got == [("artful smear", "Ena Vos"), ("riding the fence", "Ivo Brandt")]


def test_was_asked_by_x_the_asker_speaks():
    t = (
        "Ena Vos was asked by radio host Ivo Brandt whether her plan would risk "
        "“adding another costly programme to the budget.”\n"
    )
    ((q, s, a),) = speech(t)
    assert s == "Ivo Brandt" and a.verb == "asked"
