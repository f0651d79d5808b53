"""Reported speech and unnamed sources: one short made-up text per case the extractor handles."""

import pytest

from article_facts.extract import extract_attributions
from article_facts.extract.sources import is_unnamed, long_subject, opening_subject, unnamed_subject
from article_facts.extract.mentions import tokenize


def reported(text):
    """(words, speaker, attribution) of every reported statement, checking the offsets."""
    out = []
    for a in extract_attributions(text):
        assert 0 <= a.start < a.end <= len(text)
        if a.verb is not None:
            assert text[a.verb_start : a.verb_start + len(a.verb)] == a.verb
        if a.speaker_type == "unnamed":
            assert a.speaker_name and a.speaker_name in text  # copied from the text
        if a.kind == "indirect":
            out.append((text[a.start : a.end], a.speaker_name, a))
    return out


def one(text):
    got = reported(text)
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    "text, words",
    [
        # X said that ..., with words between the verb and "that"
        ("Mayor Ana Ruiz said on Tuesday that the bridge would reopen in May.\n",
         "the bridge would reopen in May"),
        ("Mayor Ana Ruiz has said from the start that the bridge would reopen.\n",
         "the bridge would reopen"),
        # a clause without "that"
        ("Mayor Ana Ruiz said the bridge would reopen in May.\n", "the bridge would reopen in May"),
        # X said in a statement ...
        ("Governor Lena Park said in a statement that the budget was balanced.\n",
         "the budget was balanced"),
        # X told reporters (that) ...
        ("Governor Lena Park told reporters that the budget was balanced.\n",
         "the budget was balanced"),
        ("Governor Lena Park told reporters she would sign the budget.\n",
         "she would sign the budget"),
        # X's statement ...
        ("Mayor Ana Ruiz's statement said the water was safe to drink.\n",
         "the water was safe to drink"),
        # a second verb of the sentence's subject
        ("Mayor Ana Ruiz visited the bridge and said the repairs were finished.\n",
         "the repairs were finished"),
        # "who said"
        ("The plan was drafted by Ana Ruiz, who said it would cut costs.\n", "it would cut costs"),
        # ", saying ..." with a clause
        ("Ana Ruiz won the vote, saying the result proved her point.\n",
         "the result proved her point"),
        # a second verb after auxiliaries, a participle the speaker rules do not list, the
        # progressive, a pronoun subject after an appositive, a clause opening with "if"
        ("Ana Ruiz backed the plan but has long said the harbor needs more money.\n",
         "the harbor needs more money"),
        ("Ana Ruiz won the vote, suggesting that the harbor plan was popular.\n",
         "the harbor plan was popular"),
        ("Ana Ruiz is warning that the harbor plan will fail.\n", "the harbor plan will fail"),
        ("Ana Ruiz is warning the voters will pay more.\n", "the voters will pay more"),
        ("Mayor Ana Ruiz, one of the plan's authors, said she supports the harbor deal.\n",
         "she supports the harbor deal"),
        ("Mayor Ana Ruiz said if elected again she would rebuild the harbor.\n",
         "if elected again she would rebuild the harbor"),
        # the clause before the speaker, and a quote's comma inside its closing mark
        ("The ferry is too slow for the island, Ana Ruiz said.\n", "The ferry is too slow for the island"),
        ("The ferry to the island is “far too slow,” Ana Ruiz said.\n",
         "The ferry to the island is “far too slow,”"),
    ],
)
def test_reported_clause_and_named_speaker(text, words):
    got, speaker, a = one(text)
    assert got == words
    assert speaker in ("Ana Ruiz", "Lena Park") and a.speaker_type == "person"


@pytest.mark.parametrize(
    "verb",
    ["says", "told the board", "added", "noted", "wrote", "argued", "claimed", "warned",
     "insisted", "announced", "acknowledged", "stressed", "predicted", "explained"],
)
def test_verbs_of_saying(verb):
    text = f"Coach Omar Diallo {verb} that the club would sign two players.\n"
    got, speaker, a = one(text)
    assert got == "the club would sign two players" and speaker == "Omar Diallo"
    assert a.verb == verb.split()[0]


def test_plain_verb_forms_after_a_named_subject():
    got, speaker, _ = one("Ruiz and Diallo contend that the harbor plan is costly.\n")
    assert got == "the harbor plan is costly" and speaker == "Diallo"


def test_according_to_before_and_after():
    for text in (
        "According to Coach Omar Diallo, the club will sign two players.\n",
        "The club will sign two players, according to Coach Omar Diallo.\n",
    ):
        got, speaker, a = one(text)
        assert got.lower() == "the club will sign two players"
        assert speaker == "Omar Diallo" and a.verb.lower() == "according to"


def test_according_to_a_description_is_an_unnamed_source():
    text = "The ferry will stop running in June, according to a report by the Harbor Gazette.\n"
    got, speaker, a = one(text)
    assert got == "The ferry will stop running in June"
    assert a.speaker_type == "unnamed" and speaker == "a report by the Harbor Gazette"


def test_attribution_inside_the_sentence():
    got, speaker, a = one("The repairs, a city engineer said, will take two more weeks.\n")
    assert got.startswith("The repairs") and got.endswith("two more weeks")
    assert (speaker, a.speaker_type) == ("a city engineer", "unnamed")


@pytest.mark.parametrize(
    "text, words",
    [
        # an inverted attribution inside the sentence: its verb follows the source
        ("The gap with the mayor, said Lena Park and others, was plain to voters.\n",
         "The gap with the mayor, said Lena Park and others, was plain to voters"),
        # at the sentence's end, only the words before it
        ("The gap was plain, said Lena Park, who chairs the council.\n",
         "The gap was plain"),
    ],
)  # fmt: skip
def test_inverted_attribution_inside_the_sentence(text, words):
    got, speaker, _ = one(text)
    assert (got, speaker) == (words, "Lena Park")


@pytest.mark.parametrize(
    "subject",
    [
        "A senior administration official",
        "Analysts",
        "Officials at the ministry",
        "Two people familiar with the matter",
        "Some economists",
        "55 percent of voters",
        "At least half of voters in every ward",
        "Pentagon spokesmen",
        "Some Democrats",
        "Others",
        "Aides to Ruiz",
        "A spokesman for Ruiz",
    ],
)
def test_unnamed_sources_keep_their_description(subject):
    # a name nearby must not take the statement
    text = f"Mayor Ana Ruiz spoke first.\n{subject} said the harbor deal would fail.\n"
    got, speaker, a = one(text)
    assert got == "the harbor deal would fail"
    assert a.speaker_type == "unnamed" and speaker == subject


def test_a_participle_takes_the_sentence_subject_not_a_dateline_or_listener():
    text = (
        "LIMA (AP) — Ana Ruiz praised the crews in an interview with ABC News, "
        "saying the storm had passed.\n"
    )
    got, speaker, _ = one(text)
    assert got == "the storm had passed" and speaker == "Ana Ruiz"


def test_a_common_noun_opening_the_sentence_is_no_name():
    text = "Police arrived on Monday.\nPolice said the harbor would close.\n"
    got, speaker, a = one(text)
    assert got == "the harbor would close"
    assert (speaker, a.speaker_type) == ("Police", "unnamed")


def test_inverted_unnamed_source():
    got, speaker, a = one("The deal was signed on Friday, said a senior official.\n")
    assert got == "The deal was signed on Friday"
    assert (speaker, a.speaker_type) == ("a senior official", "unnamed")


def test_direct_quote_with_an_unnamed_source():
    text = "Mayor Ana Ruiz spoke first.\n“We are not worried,” a senior administration official said.\n"
    (a,) = [a for a in extract_attributions(text) if a.kind == "direct"]
    assert a.speaker_type == "unnamed" and a.speaker_name == "a senior administration official"


def test_pronouns_still_resolve():
    got, speaker, a = one("Senator Rui Costa spoke on Monday. He said the vote was fair.\n")
    assert got == "the vote was fair" and speaker == "Rui Costa" and a.speaker_type == "person"


def test_partial_quote_inside_a_reported_clause():
    text = "Mayor Ana Ruiz said the plan was “a disaster” for the harbor and its workers.\n"
    got, speaker, _ = one(text)
    assert got == "the plan was “a disaster” for the harbor and its workers"
    assert speaker == "Ana Ruiz"


def test_a_quote_alone_is_not_also_a_reported_statement():
    assert reported("“The bridge will reopen in May,” Ana Ruiz said.\n") == []


def test_no_sentence_end_inside_a_number():
    got, _, _ = one("Revenue rose to $3.2 billion last year, Mayor Ana Ruiz said.\n")
    assert got == "Revenue rose to $3.2 billion last year"


@pytest.mark.parametrize(
    "text",
    [
        "Mayor Ana Ruiz said on Tuesday.\n",  # nothing reported
        "Mayor Ana Ruiz said in her office overlooking the harbor.\n",  # a place, no clause
        "Mayor Ana Ruiz asked whether the bridge would reopen.\n",  # a question
        "Mayor Ana Ruiz believes the bridge will reopen.\n",  # an opinion verb
        "Ana Ruiz won the vote, claiming her third victory in a row.\n",  # an object, no clause
        "Ana Ruiz maintained her lead in the polls.\n",  # an object, no clause
        "It goes without saying that the bridge is old.\n",  # an idiom
        "They said that.\n",  # a pronoun, no clause
        "On Tuesday, Ana Ruiz said, “We will rebuild the harbor before winter comes.”\n",  # a quote
        "Ana Ruiz explained the harbor plan to the council.\n",  # an object, no clause
    ],
)
def test_not_reported_speech(text):
    assert reported(text) == []


def test_unnamed_subject_rules():
    def subject(text):
        toks = tokenize(text)
        v = next(i for i, t in enumerate(toks) if t.low == "said")
        span = unnamed_subject(toks, v, 0)
        return None if span is None else text[toks[span[0]].start : toks[span[1] - 1].end]

    assert subject("Two aides close to the mayor said so") == "Two aides close to the mayor"
    assert subject("Three-quarters of the voters said so") == "Three-quarters of the voters"
    assert subject("The senator said so") is None  # definite: someone named elsewhere
    assert subject("His aides said so") is None
    assert subject("Ana Ruiz said so") is None  # a name
    assert subject("The plan turned to primary contests in said so") is None
    assert is_unnamed("a senior official") and is_unnamed("people familiar with the talks")
    assert not is_unnamed("the minister") and not is_unnamed("Ana Ruiz")


@pytest.mark.parametrize(
    "text, first",
    [
        # the clause ends before a second verb of saying, a contrast, a participle, a new
        # clause of the same speaker, a semicolon, and the main clause after "While X said"
        ("Ana Ruiz said the harbor was safe and said the bridge would reopen.\n",
         "the harbor was safe"),
        ("Ana Ruiz said the harbor was safe, while critics said it was not.\n",
         "the harbor was safe"),
        ("Ana Ruiz said the harbor was safe, adding that the bridge would reopen.\n",
         "the harbor was safe"),
        ("Ana Ruiz said the harbor was safe, and she also said the bridge would reopen.\n",
         "the harbor was safe"),
        ("Ana Ruiz said the harbor was safe; the council disagreed.\n", "the harbor was safe"),
        ("While Ana Ruiz said the harbor was safe, the council closed it.\n",
         "the harbor was safe"),
        # "..., the X said." and a subject with an appositive before "said"
        ("The harbor is safe again, the Harbor Authority said.\n", "The harbor is safe again"),
        ("Jillian Chase, 27, a teacher in Lima, said the harbor was safe.\n",
         "the harbor was safe"),
        # "said then," inside the sentence, "according to" inside it, a leading partial quote
        ("The truth, the mayor said then, was that the harbor was safe.\n",
         "The truth, the mayor said then, was that the harbor was safe"),
        ("The plan, according to Ana Ruiz, was approved in May.\n",
         "The plan, according to Ana Ruiz, was approved in May"),
        ("Ana Ruiz said “it gets me angry” every time the harbor floods.\n",
         "“it gets me angry” every time the harbor floods"),
    ],
)
def test_clause_boundaries(text, first):
    assert reported(text)[0][0] == first


@pytest.mark.parametrize(
    "text",
    [
        "Flooding hit the states that border the river last spring.\n",  # a noun, not a verb
        "Ana Ruiz defended the plan, which she says was approved by the council.\n",
        "Did Ana Ruiz say the harbor was safe?\n",  # a question
        "Ana Ruiz said “the harbor is safe” again.\n",  # a quote, hardly more
    ],
)
def test_not_reported_speech_either(text):
    assert reported(text) == []


@pytest.mark.parametrize(
    "text, first",
    [
        # a sentence end the splitter misses: a period inside closing quotation marks, and an
        # abbreviation's period before a word that opens sentences
        ("Ana Ruiz said the port was at ''the end of an era.'' It reopened in May.\n",
         "the port was at ''the end of an era.''"),
        ("Ana Ruiz said the storm hit the U.S. She says the harbor is safe.\n",
         "the storm hit the U.S"),
        # a coordinated clause with a subject of its own
        ("Ana Ruiz said the harbor was safe and she praised the crews for their work.\n",
         "the harbor was safe"),
        ("Ana Ruiz said the bridge would reopen in May, and the council has already voted "
         "against it.\n", "the bridge would reopen in May"),
        # ", and three in ten said ...": a second speaker's statement
        ("Most dockworkers said the harbor was safe, and three in ten said the pay was too "
         "low.\n", "the harbor was safe"),
        # "said her ...": "her" opens the clause's subject
        ("Ana Ruiz said her deputies closed the harbor on Monday.\n",
         "her deputies closed the harbor on Monday"),
        # ", while ...": a second clause is cut; a concession set off by commas is not
        ("Ana Ruiz said the harbor was safe, while the crews were still tired.\n",
         "the harbor was safe"),
        ("Ana Ruiz said the storm damage, while costly, was repaired in May.\n",
         "the storm damage, while costly, was repaired in May"),
        ("Ana Ruiz said the plan could win rural, though culturally distant, districts.\n",
         "the plan could win rural, though culturally distant, districts"),
    ],
)
def test_clause_ends(text, first):
    assert reported(text)[0][0] == first


def test_said_her_as_object_is_no_statement():
    # "told her" / "said her name": an object, not a clause's subject
    assert reported("Ana Ruiz said her name twice.\n") == []


@pytest.mark.parametrize(
    "text, words, speaker",
    [
        # a description opening the sentence that the speaker rules pass over
        ("Six in 10 harbor workers said the port is safe.\n", "the port is safe",
         "Six in 10 harbor workers"),
        ("Most of them said the pay was too low.\n", "the pay was too low", "Most of them"),
        ("Ana Ruiz’s campaign said it would hire a second press officer.\n",
         "it would hire a second press officer", "Ana Ruiz’s campaign"),
    ],
)
def test_opening_subject_is_an_unnamed_source(text, words, speaker):
    got = [(w, s) for w, s, a in reported(text) if a.speaker_type == "unnamed"]
    assert got == [(words, speaker)]


@pytest.mark.parametrize(
    "text",
    [
        "Ruiz denied reports said to come from aides.\n",  # a verb before "said"
        "Ruiz cannot say the port is safe.\n",
        "Ruiz this week said the port is safe.\n",  # a time, not the phrase's head
    ],
)
def test_opening_subject_refuses_verbs_and_time_words(text):
    toks = tokenize(text)
    v = next(i for i, t in enumerate(toks) if t.low in ("said", "say"))
    assert opening_subject(toks, v, 0) is None


@pytest.mark.parametrize(
    "text",
    [
        "Most coastal states that vote in March have large ports.\n",
        "The plan covers the harbor states the council listed last year.\n",
    ],
)
def test_states_as_a_noun_reports_nothing(text):
    assert reported(text) == []


def test_states_after_a_pronoun_still_reports():
    assert one("The report is short. It states that the harbor will close in May.\n")[0] == (
        "the harbor will close in May"
    )


@pytest.mark.parametrize(
    "text, words",
    [
        # "according to X," inside a sentence that goes on: the statement is around the source
        ("Among the harbor rules at risk, according to Ana Ruiz, are 16 involving unions.\n",
         "Among the harbor rules at risk, according to Ana Ruiz, are 16 involving unions"),
        ("Since last November, according to the Harbor Watch group, police have arrested 400 "
         "protesters.\n",
         "Since last November, according to the Harbor Watch group, police have arrested 400 "
         "protesters"),
        # the words after the source are its appositive: the statement is before it
        ("Dock wages rose by a third last year, according to the Port Board, the city's "
         "oldest agency.\n", "Dock wages rose by a third last year"),
    ],
)
def test_according_to_inside_a_sentence(text, words):
    assert one(text)[0] == words


@pytest.mark.parametrize(
    "text",
    [
        "The ferry fees, which rose when Ana Ruiz announced the plan, are now lower.\n",
        "Ana Ruiz, who announced a harbor plan, plans to visit Lima in May.\n",
    ],
)
def test_announced_object_in_a_background_clause_is_no_statement(text):
    assert reported(text) == []


def test_announced_object_in_a_main_clause_is_a_statement():
    assert one("Ana Ruiz announced a new harbor plan on Monday.\n")[0] == (
        "a new harbor plan on Monday"
    )


@pytest.mark.parametrize(
    "text, first",
    [
        ("Ana Ruiz said the harbor would reopen but did not say when.\n",
         "the harbor would reopen"),
        ("Ana Ruiz said the ferry was late and criticized the crew for it.\n",
         "the ferry was late"),
        ("Ana Ruiz said the fees were too high and also warned of a strike.\n",
         "the fees were too high"),
    ],
)
def test_clause_ends_where_the_speaker_goes_on(text, first):
    assert reported(text)[0][0] == first


def test_clause_ends_before_an_aside_after_a_dash():
    text = "Ana Ruiz said the harbor fees would rise — a plan she first raised in May.\n"
    assert reported(text)[0][0] == "the harbor fees would rise"


def test_attribution_inside_a_short_sentence():
    # "..., she said, was calm": two words after the attribution still finish the sentence
    text = "Ana Ruiz met the crews. The situation on the docks, she said, was calm.\n"
    assert one(text)[0] == "The situation on the docks, she said, was calm"


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a subject with a participle or a relative clause that the shorter rules miss
        ("People briefed on the harbor talks say the deal is close.\n",
         "People briefed on the harbor talks"),
        ("Friends of the mayor who have seen her on the trail say she is tired.\n",
         "Friends of the mayor who have seen her on the trail"),
    ],
)
def test_long_subject_is_an_unnamed_source(text, speaker):
    _, got, a = one(text)
    assert a.speaker_type == "unnamed" and got == speaker


@pytest.mark.parametrize(
    "text",
    [
        "The senator from the harbor district who chairs the panel said so.\n",  # definite
        "Dock crews, angry about “the cuts,” said so.\n",  # a quote inside
    ],
)
def test_long_subject_refuses(text):
    toks = tokenize(text)
    v = next(i for i, t in enumerate(toks) if t.low == "said")
    assert long_subject(toks, v, 0) is None


def test_possessive_spokesman_is_the_source():
    text = "Ana Ruiz visited Lima. Ruiz’s spokesman said the harbor was safe.\n"
    _, got, a = one(text)
    assert a.speaker_type == "unnamed" and got == "Ruiz’s spokesman"


def test_possessive_statement_is_its_authors():
    text = "Ana Ruiz visited Lima. Ruiz’s statement said the harbor was safe.\n"
    assert one(text)[1] == "Ana Ruiz"


def test_headline_says():
    text = "Ana Ruiz Says The Harbor Will Reopen In May.\n\nThe mayor spoke on Monday.\n"
    words, speaker, _ = one(text)
    assert (words, speaker) == ("The Harbor Will Reopen In May", "Ana Ruiz")


def test_capitalised_says_outside_a_headline_is_no_statement():
    # a stray capital in running text: not a headline, left to the reviewer
    text = "The crew chief, Ana Ruiz, Says she will retire in May, and the crews were told.\n"
    assert reported(text) == []


@pytest.mark.parametrize(
    "text, words",
    [
        # a named listener with "of" and a time, then the clause
        ("Ana Ruiz told The Daily Star of Lima on Monday that the harbor was safe.\n",
         "the harbor was safe"),
        ("Ana Ruiz told The Daily Star she would rather close the harbor.\n",
         "she would rather close the harbor"),
        # a named listener, then a clause opened by a possessive
        ("Ana Ruiz told the Lima Herald her crews were ready for the storm.\n",
         "her crews were ready for the storm"),
    ],
)
def test_told_a_named_listener(text, words):
    assert one(text)[0] == words


@pytest.mark.parametrize(
    "text, words, speaker",
    [
        ("According to recent polls, Ruiz holds only 14 percent of the harbor vote.\n",
         "Ruiz holds only 14 percent of the harbor vote", "recent polls"),
        ("Ruiz has won the harbor primary, according to three television networks.\n",
         "Ruiz has won the harbor primary", "three television networks"),
    ],
)
def test_according_to_an_unnamed_source(text, words, speaker):
    got, name, a = one(text)
    assert (got, name, a.speaker_type) == (words, speaker, "unnamed")


def test_a_comparison_with_other_speakers_ends_the_statement():
    t = "Ana Ruiz said she wants an inquiry into the port, as have two other council members.\n"
    assert [(w, s) for w, s, _ in reported(t)] == [
        ("she wants an inquiry into the port", "Ana Ruiz")]


@pytest.mark.parametrize("date", ["Jan. 7, 2012", "Sept. 11", "No. 2 in the league"])
def test_an_abbreviation_before_a_number_does_not_end_the_statement(date):
    t = f"Ratings rose\nNielsen said the show drew its biggest audience since {date}, a record.\n"
    ((words, speaker),) = [(w, s) for w, s, _ in reported(t)]
    assert date in words and speaker == "Nielsen"


@pytest.mark.parametrize(
    "text",
    [
        "In a 1987 radio address, she declared:\n\nThe harbor belongs to the people who work it.\n",
        "On Monday, the council announced:\n\nThe harbor stays open all winter.\n",
        "On Thursday, the closing of the old harbor was announced.\n",
    ],
)
def test_a_fronted_time_or_place_is_no_statement(text):
    # the phrase before the speaker holds no verb: it says when or where, not what was said
    assert all(not w.startswith(("In a", "On ")) for w, _, _ in reported(text))


def test_a_fronted_clause_before_the_speaker_is_still_a_statement():
    t = "In the end the harbor stayed open, Ana Ruiz said.\n"
    assert one(t)[0] == "In the end the harbor stayed open"


@pytest.mark.parametrize(
    "text, words",
    [
        ("Ruiz also lacks friends on the council, whom she has angered, said Marta Olmos, "
         "director of the Lima Center for Ports.\n",
         "Ruiz also lacks friends on the council, whom she has angered"),
    ],
)
def test_a_name_and_its_appositive_after_said_are_the_speaker(text, words):
    # the words after "said" name the speaker and say who they are; they report nothing
    got, speaker, _ = one(text)
    assert (got, speaker) == (words, text.split("said ")[1].split(",")[0])


def test_a_headline_after_says_is_still_its_statement():
    text = "Paper Says Ruiz Needs To Quit Port Politics, Show Courage For Lima\n\nShe did not.\n"
    assert one(text)[0] == "Ruiz Needs To Quit Port Politics, Show Courage For Lima"


@pytest.mark.parametrize(
    "text",
    [
        "By closing the north gate, Ms. Ruiz said, the Harbor Board can admit twice as many ships.\n",
        "In any event, the pilots said, the harbor was far too shallow for the new ships.\n",
    ],
)
def test_an_attribution_set_off_by_commas_reports_the_whole_sentence(text):
    # the words before the attribution belong to the statement too
    words, _, _ = one(text)
    assert words.startswith(text.split(",")[0]) and words.endswith("ships")
