"""People are people, and one person is one row (issue 15): the identity rules, the registry's
shared surnames, person rows only for names, clean names, roles only for titles, and the
archive matched by full name. Every sentence here is made up for these tests."""
import shutil

import pytest

from article_facts.build import check as check_archive
from article_facts.extract import draft
from article_facts.extract.identity import parts, same_person, short_for
from article_facts.extract.mentions import Registry, non_person_reason, tokenize
from article_facts.extract.people import clean_name, one_word_person, refusal, role_title


def registry(text):
    return Registry(text, tokenize(text), [])


def entity_of(reg, text, word, occurrence=1):
    """The entity of the mention of word starting at its n-th occurrence."""
    start = -1
    for _ in range(occurrence):
        start = text.index(word, start + 1)
    return reg.by_start[start].entity


def archive_with(tmp_path, seeds_dir, people):
    """A copy of the seeds with one more article naming these people (name, names)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    folder = seeds / "zz-earlier"
    folder.mkdir()
    text = " ".join(f"{form} spoke." for _, forms in people for form in forms) or "Nothing here."
    (folder / "article.txt").write_text(text + "\n", encoding="utf-8")
    entries = "".join(
        f"  - {{id: {name.lower().replace(' ', '-').replace('.', '')}, name: {name}, names: [{', '.join(forms)}]}}\n"
        for name, forms in people)
    (folder / "facts.yml").write_text(
        "article: {headline: x, headline_source: editorial, language: en}\n"
        + ("people:\n" + entries if entries else "people: []\n") + "quotes: []\n",
        encoding="utf-8")
    assert check_archive(seeds)["articles"] == 2
    return seeds


def speaker_names(facts):
    names = {p["id"]: p["name"] for p in facts["people"]}
    return [names.get(q.get("speaker")) for q in facts["quotes"]]


# --- identity.py -------------------------------------------------------------------------


def test_a_middle_initial_or_case_does_not_make_another_person():
    assert same_person("Marta J. Quist", "Marta Quist")
    assert same_person("MArta Quist", "Marta Quist")
    assert same_person("Renée Dufort", "Renee Dufort")


def test_a_suffix_or_another_first_name_or_initial_is_another_person():
    assert not same_person("Oskar Quist Jr.", "Oskar Quist")
    assert not same_person("Oskar Quist Jr.", "Oskar Quist Sr.")
    assert not same_person("Lena Quist", "Oskar Quist")
    assert not same_person("Oskar P. Quist", "Oskar T. Quist")


def test_a_short_form_stands_for_its_full_name_only():
    assert short_for("Quist", "Marta Quist") and short_for("Marta", "Marta Quist")
    assert short_for("Van Doorn", "Elke van Doorn")
    assert not short_for("Oskar Quist", "Oskar Quist Jr.")
    assert not short_for("Lena", "Marta Quist")


def test_of_a_state_is_no_part_of_the_name():
    assert parts("Dana Whitfield of Ohio") == parts("Dana Whitfield")
    assert same_person("Dana Whitfield of Ohio", "Dana Whitfield")


# --- mentions.py: the registry's shared surnames ------------------------------------------


def test_a_shared_surname_is_resolved_by_mrs():
    text = "Paul Brenner and Ilse Brenner opened the mill.\n\nMrs. Brenner said the wheel was slow.\n"
    reg = registry(text)
    assert entity_of(reg, text, "Brenner said").name == "Ilse Brenner"


def test_a_shared_surname_is_resolved_by_a_title_only_one_has():
    text = ("Mayor Paul Brenner met Ilse Brenner at the mill.\n\n"
            "Mayor Brenner said the wheel was slow.\n")
    reg = registry(text)
    assert entity_of(reg, text, "Brenner said").name == "Paul Brenner"


def test_a_shared_surname_goes_to_the_nearest_full_mention_in_its_paragraph():
    text = "Ilse Brenner spoke first. Paul Brenner came later, and Brenner left early.\n"
    reg = registry(text)
    assert entity_of(reg, text, "Brenner left").name == "Paul Brenner"


def test_a_shared_surname_the_context_cannot_decide_stays_unresolved():
    text = "Paul Brenner and Ilse Brenner opened the mill.\n\nBrenner said the wheel was slow.\n"
    reg = registry(text)
    stand_in = entity_of(reg, text, "Brenner said")
    assert stand_in.ambiguous == ["Ilse Brenner", "Paul Brenner"]
    assert "Brenner" not in next(e for e in reg.entities if e.name == "Paul Brenner").forms[1:]


def test_a_junior_is_not_his_father_in_the_registry():
    text = "Oskar Quist Jr. met Oskar Quist at the dock. Oskar Quist waved.\n"
    reg = registry(text)
    assert entity_of(reg, text, "Oskar Quist", 2) is not entity_of(reg, text, "Oskar Quist Jr.")


# --- which names are people --------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["Greek Orthodox", "Sunni Muslims", "Fellow Republicans", "New Jersey",
                                    "Evening Times", "Harbor Energy", "North Ridge", "Vermont Sen",
                                    "Al Qaeda", "Quist Tower Harbor", "Brenner Grand Hotel", "Tom Cole"])
def test_places_parties_groups_and_outlets_are_no_people(phrase):
    reason = non_person_reason(phrase, "")
    assert (reason is None) == (phrase == "Tom Cole")


def test_the_registry_makes_no_person_of_a_group():
    text = "Port news\n“We will march again,” Sunni Muslims said. Greek Orthodox bishops agreed.\n"
    assert not [e.name for e in registry(text).entities if e.etype == "person"]


def test_capitals_the_text_also_writes_in_lower_case_are_no_name():
    text = "The harvest festival began. Harvest Festival Comments were many."
    assert non_person_reason("Festival Comments", text)
    assert non_person_reason("Ilse Brenner", text) is None


def test_a_headline_phrase_is_no_person():
    text = "Quist Harbor Revival Plan\n\nThe port opened on Monday.\n"
    assert "headline" in refusal("Revival Plan", text)


def test_a_one_word_name_needs_a_title_and_the_is_an_outlet():
    assert one_word_person("Quist", "Senator Quist said so.")[0] is True
    assert one_word_person("Lantern", "The Lantern said so. Lantern said more.")[0] is False
    assert one_word_person("Debates", "The Commission on Presidential Debates said.")[0] is None


# --- clean names and roles -----------------------------------------------------------------


@pytest.mark.parametrize("written, clean", [
    ("Dana Whitfield of Ohio", "Dana Whitfield"),
    ("Tomas Varga’s", "Tomas Varga"),
    ("Harbor Security Tomas Varga", "Tomas Varga"),
    ("Tomas Varga for Evening Radio", "Tomas Varga"),
    ("Carla Mendez.", "Carla Mendez"),
    ("Oskar Quist Jr.", "Oskar Quist Jr."),
    ("Contest Alicia Mendez", "Alicia Mendez"),
])
def test_names_are_cut_clean(written, clean):
    assert clean_name(written) == clean


@pytest.mark.parametrize("title, ok", [
    ("Sen.", True), ("Foreign Minister", True), ("spokeswoman for the port", True),
    ("longtime pollster", True), ("Mrs.", False), ("radio", False), ("aims high", False),
    ("Hold", False), ("White House", False), ("41-year-old", False),
])
def test_roles_are_titles(title, ok):
    assert role_title(title) is ok


# --- the draft: rows and the archive --------------------------------------------------------


def test_the_draft_gives_a_shared_surname_to_neither_and_guesses_no_speaker(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [])
    text = ("Mill reopens\n"
            "“The wheel turns again,” said Paul Brenner, the miller.\n\n"
            "“We waited a year,” said Ilse Brenner.\n\n"
            "“It was worth it,” Brenner said.\n")
    facts = draft.draft_text(text, "mill", seeds).facts
    people = {p["name"]: p for p in facts["people"]}
    assert set(people) == {"Paul Brenner", "Ilse Brenner"}
    assert all("Brenner" not in p.get("names", []) for p in people.values())
    assert speaker_names(facts) == ["Paul Brenner", "Ilse Brenner"]
    header = draft.draft_text(text, "mill", seeds).header
    assert any("'Brenner' may be" in note for note in header)


def test_the_archive_matches_a_full_name_with_or_without_its_initial(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [("Marta J. Quist", ["Marta J. Quist"])])
    facts = draft.draft_text("Port news\n“The cranes are back,” said Marta Quist.\n", "port", seeds).facts
    assert [q["speaker"] for q in facts["quotes"]] == ["marta-j-quist"]


def test_the_archive_never_matches_a_junior_another_first_name_or_a_surname_alone(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [("Oskar Quist", ["Oskar Quist", "Quist"])])
    junior = draft.draft_text("Port news\n“The cranes are back,” said Oskar Quist Jr.\n", "port", seeds).facts
    assert [q["speaker"] for q in junior["quotes"]] == ["oskar-quist-jr"]
    wife = draft.draft_text("Port news\n“The cranes are back,” said Lena Quist.\n", "port", seeds).facts
    assert [q["speaker"] for q in wife["quotes"]] == ["lena-quist"]
    alone = draft.draft_text("Port news\n“The cranes are back,” Quist said.\n", "port", seeds).facts
    quist = next(p for p in alone["people"] if p["name"] == "Quist")
    assert quist["id"] != "oskar-quist" and "may be the archive's Oskar Quist" in quist["review_note"]


def test_an_archive_persons_surname_is_not_brought_into_an_article_where_two_share_it(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [("Paul Brenner", ["Paul Brenner", "Brenner"])])
    text = ("Mill reopens\nPaul Brenner watched.\n\n“We waited a year,” said Ilse Brenner.\n\n"
            "Brenner smiled.\n")
    facts = draft.draft_text(text, "mill", seeds).facts
    paul = next(p for p in facts["people"] if p["id"] == "paul-brenner")
    assert paul["names"] == ["Paul Brenner"]


def test_non_people_and_glued_words_make_no_person_row(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [])
    text = ("Port news\n"
            "“The cranes are back,” Gov. Dana Whitfield of Ohio said.\n\n"
            "“We will march again,” Sunni Muslims said.\n\n"
            "“Ships are late,” The Lantern reported. Lantern later added, “Very late.”\n")
    facts = draft.draft_text(text, "port", seeds).facts
    assert [p["name"] for p in facts["people"]] == ["Dana Whitfield"]
    assert facts.get("roles") and all(r["title"] != "Mrs." for r in facts["roles"])


def test_the_draft_records_titles_as_roles_and_honorifics_not(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [])
    text = ("Port news\n“The nets are full,” said Mrs. Ilse Brenner.\n\n"
            "“The cranes are back,” said Harbor Director Tomas Varga.\n")
    facts = draft.draft_text(text, "port", seeds).facts
    assert [r["title"] for r in facts["roles"]] == ["Harbor Director"]


def test_a_shared_surname_means_the_one_named_before_it():
    text = ("Senator Ana Ruiz spoke at the port.\n\nRuiz said the cranes were back.\n\n"
            "Tomas Ruiz, a pilot, agreed.\n")
    reg = registry(text)
    assert entity_of(reg, text, "Ruiz said").name == "Ana Ruiz"


def test_a_shared_surname_does_not_mean_a_relative_introduced_as_such():
    text = ("Senator Ana Ruiz spoke at the port with her husband, Tomas Ruiz.\n\n"
            "Ruiz said the cranes were back.\n")
    reg = registry(text)
    assert entity_of(reg, text, "Ruiz said").name == "Ana Ruiz"


def test_a_father_and_his_junior_share_no_surname_form(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [])
    text = ("Port news\n“The cranes are back,” said Oskar Quist. Quist smiled.\n\n"
            "Oskar Quist Jr. watched from the dock.\n")
    facts = draft.draft_text(text, "port", seeds).facts
    oskar = next(p for p in facts["people"] if p["name"] == "Oskar Quist")
    assert oskar["names"] == ["Oskar Quist"] and "Oskar Quist Jr." in oskar["review_note"]


def test_an_outlet_taken_for_a_person_speaks_as_an_organization(tmp_path, seeds_dir):
    seeds = archive_with(tmp_path, seeds_dir, [])
    from article_facts.extract.model import Attribution

    text = "Port news\n“The cranes are back,” Harbor Weekly said.\n"
    start = text.index("The cranes")
    said = Attribution(kind="direct", start=start, end=start + len("The cranes are back"),
                       speaker_name="Harbor Weekly", speaker_type="person",
                       speaker_forms=["Harbor Weekly"], verb="said", explicit=True)
    facts = draft.draft_text(text, "port", seeds, attributions=[said]).facts
    assert facts["people"] == []
    assert [o["name"] for o in facts["organizations"]] == ["Harbor Weekly"]
    assert [q.get("speaker_organization") for q in facts["quotes"]] == [facts["organizations"][0]["id"]]
