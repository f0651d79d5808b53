"""A build error is data: its code, file, section, entry (index), key (id), field and name are
attributes, the one-line message is made from them, and the extractor's repairs read them,
never the message's text."""
import pickle
import shutil

import pytest

from article_facts.archive_index import open_index
from article_facts.article import parse_article
from article_facts.build import check
from article_facts.errors import BuildError
from article_facts.extract import draft

SLUG = "peru-severs-relations-chavez-asylum"


@pytest.fixture
def folder(tmp_path, seeds_dir):
    copy = tmp_path / "seeds" / SLUG
    shutil.copytree(seeds_dir / SLUG, copy)
    return copy


def edited(folder, old, new, file="facts.yml"):
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        parse_article(folder)
    return error.value


def attributes(error):
    return {part: getattr(error, part) for part in ("code", "section", "entry", "key", "field", "name")}


CASES = {
    "missing field": (
        "    kind: direct\n    verb: said\n    attribution: explicit\n    text: \"From our",
        "    verb: said\n    attribution: explicit\n    text: \"From our",
        {"code": "missing_field", "section": "quotes", "entry": 0, "key": "q1", "field": "kind", "name": None},
        "quotes[0] (q1): missing required field 'kind'"),
    "unknown field": (
        "  - id: q1\n", "  - id: q1\n    tone: calm\n",
        {"code": "unknown_field", "section": "quotes", "entry": 0, "key": "q1", "field": "tone", "name": None},
        "quotes[0] (q1): unknown field 'tone'"),
    "not in enum": (
        "    kind: direct\n    verb: said\n    attribution: explicit\n    text: \"From our",
        "    kind: shouted\n    verb: said\n    attribution: explicit\n    text: \"From our",
        {"code": "not_in_enum", "section": "quotes", "entry": 0, "key": "q1", "field": "kind", "name": None},
        "quotes[0] (q1): field 'kind' is 'shouted', expected one of direct, indirect, partial"),
    "unknown reference": (
        "    cited_by: raquel-serur-smeke\n    quote: r11\n", "    cited_by: nobody\n    quote: r11\n",
        {"code": "unknown_reference", "section": "legal_references", "entry": 3, "key": "pro-persona-principle",
         "field": "cited_by", "name": None},
        "legal_references[3] (pro-persona-principle): field 'cited_by' names unknown people id 'nobody'"),
    "article field": (
        "  published: null  # the text", "  published: 2025-13-01  # the text",
        {"code": "bad_date", "section": "article", "entry": None, "key": None, "field": "published", "name": None},
        "article: field 'published' must be a real date as YYYY, YYYY-MM or YYYY-MM-DD"),
    "words not in the text": (
        "as_written: \"He indicated\"", "as_written: \"He never indicated\"",
        {"code": "not_found", "section": "editorial_notes", "entry": 0, "key": "he-indicated", "field": "as_written",
         "name": None},
        "editorial_notes[0] (he-indicated): field 'as_written': not found verbatim in article.txt: 'He never indicated'"),
    "verb not in the paragraph": (
        "    verb: clarified\n", "    verb: shouted\n",
        {"code": "not_in_paragraph", "section": "quotes", "entry": 2, "key": "r2", "field": "verb", "name": None},
        "quotes[2] (r2): field 'verb': 'shouted' does not occur in the quote's paragraph"),
    "name not in the text": (
        "names: [Raquel Serur Smeke]", "names: [Raquel Serur Smeke, Raquelita]",
        {"code": "name_not_in_text", "section": "people", "entry": 2, "key": "raquel-serur-smeke", "field": "names",
         "name": "Raquelita"},
        "people[2] (raquel-serur-smeke): name 'Raquelita' does not occur in article.txt"),
    "name given twice": (
        "names: [Raquel Serur Smeke]", "names: [Raquel Serur Smeke, Sheinbaum]",
        {"code": "name_shared", "section": None, "entry": None, "key": None, "field": "names", "name": "Sheinbaum"},
        "name 'Sheinbaum' is given to more than one entity"),
    "control character": (
        "  language: en\n", "  language: \"e\\x01n\"\n",
        {"code": "control_character", "section": "article", "entry": None, "key": None, "field": "language",
         "name": None},
        "article: field 'language': character U+0001 (a control character) is not allowed"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_error_carries_its_code_and_place_and_its_message_is_made_from_them(name, folder):
    old, new, expected, message = CASES[name]
    error = edited(folder, old, new)
    assert attributes(error) == expected
    assert error.file == str(folder / "facts.yml")
    assert str(error) == f"{folder / 'facts.yml'}: {message}"
    assert error.in_file() == message
    again = pickle.loads(pickle.dumps(error))  # as a parallel build's worker sends it
    assert (attributes(again), again.file, str(again)) == (expected, error.file, str(error))


def test_an_overlap_names_the_entry_and_the_name(folder):
    error = edited(folder, "    as_written: \"He indicated\"", "    as_written: \"Serur Smeke, reaffirmed\"")
    assert error.code == "overlap" and error.name == "Raquel Serur Smeke"
    assert (error.section, error.entry, error.key, error.field) == ("editorial_notes", 0, "he-indicated", "as_written")
    facts_yml = folder / "facts.yml"
    assert str(error) == (f"{facts_yml}: editorial_notes[0] (he-indicated) overlaps {facts_yml}: "
                          f"name 'Raquel Serur Smeke' at {error_offset(folder)} without lying inside it")


def error_offset(folder):
    return (folder / "article.txt").read_text(encoding="utf-8").index("Raquel Serur Smeke")


def test_a_file_error_names_the_file_only(folder):
    error = edited(folder, "  language: en\n", "  language: [en\n")
    assert (error.code, error.file, error.section, error.field) == ("invalid_yaml", str(folder / "facts.yml"), None, None)
    assert str(error).startswith(f"{folder / 'facts.yml'}: invalid YAML at line ")


def test_a_conflict_between_articles_names_the_entity_and_field(folder):
    other = folder.parent / "zz-other"
    shutil.copytree(folder, other)
    text = (other / "facts.yml").read_text(encoding="utf-8")
    (other / "facts.yml").write_text(text.replace("    name: Raquel Serur Smeke\n    country: MX",
                                                  "    name: Raquel Serur Smeke\n    country: PE"), encoding="utf-8")
    for path in (other / "facts.yml",):
        assert "country: PE\n    names: [Raquel" in path.read_text(encoding="utf-8")
    with pytest.raises(BuildError) as error:
        check(folder.parent)
    e = error.value
    assert (e.code, e.section, e.entry, e.key, e.field) == ("conflict", "people", None, "raquel-serur-smeke", "country")
    assert str(e) == (f"{other}/facts.yml: people (raquel-serur-smeke): field 'country_id' is 'PE' here "
                      "but 'MX' in another article")


def test_the_archive_index_keeps_a_problem_as_its_fields(folder):
    edited(folder, "    verb: clarified\n", "    verb: shouted\n")
    index = open_index(folder.parent)
    try:
        problem = index.problem()
    finally:
        index.close()
    assert isinstance(problem, BuildError)
    assert (problem.code, problem.section, problem.entry, problem.field) == ("not_in_paragraph", "quotes", 2, "verb")


# ---- the extractor's repairs read the fields ------------------------------------------------

def facts():
    return {
        "article": {"headline": "H", "headline_source": "article", "language": "en", "dateline": "Lima",
                    "published": "2025"},
        "countries": [{"id": "PE", "name": "Peru", "names": ["Peru"]}],
        "organizations": [{"id": "court", "name": "Court", "country": "PE", "names": ["Court", "the Court"]}],
        "people": [{"id": "ana", "name": "Ana Ruiz", "country": "PE", "names": ["Ana Ruiz", "Ruiz"]},
                   {"id": "luis", "name": "Luis Paz"}],
        "not_mentions": ["Lima Peru"],
        "roles": [{"person": "ana", "title": "judge", "organization": "court", "basis": "stated", "evidence": "e"}],
        "quotes": [{"id": "q1", "speaker": "ana", "kind": "direct", "verb": "said", "attribution": "explicit", "text": "a"},
                   {"id": "q2", "speaker_organization": "court", "kind": "direct", "verb": "ruled",
                    "attribution": "explicit", "text": "b", "continues": "q1"},
                   {"id": "q3", "speaker": "luis", "kind": "indirect", "verb": "said", "attribution": "explicit",
                    "text": "c", "reported_by": "ana", "reported_by_basis": "stated"}],
        "events": [{"id": "e1", "title": "t", "evidence": "a", "quote": "q1", "country": "PE"}],
        "legal_references": [{"id": "l1", "instrument": "i", "kind": "law", "evidence": "a", "quote": "q1",
                              "cited_by": "ana"},
                             {"id": "l2", "instrument": "j", "kind": "law", "evidence": "b", "quote": "q2",
                              "cited_by_organization": "court"}],
    }


def error(code, **place):
    """An error whose text says nothing: a repair must act on its fields alone."""
    return BuildError(code, "(no words to go by)", file="x/facts.yml", **place)


def test_a_rejected_entry_is_dropped_with_what_depends_on_it():
    draft_facts = facts()
    note = draft.repair(draft_facts, error("not_found", section="people", entry=0, key="ana", field="names"))
    assert note == "dropped people ana: people[0] (ana): (no words to go by)"
    assert [p["id"] for p in draft_facts["people"]] == ["luis"]
    # its quotes (and the quote it reported), roles and citations go; what only points at them loses the field
    assert [q["id"] for q in draft_facts["quotes"]] == ["q2"] and "continues" not in draft_facts["quotes"][0]
    assert draft_facts["roles"] == []
    assert [r["id"] for r in draft_facts["legal_references"]] == ["l2"]
    assert "quote" not in draft_facts["events"][0] and draft_facts["events"][0]["country"] == "PE"


def test_dropping_a_country_drops_its_entities_and_clears_events():
    draft_facts = facts()
    draft.repair(draft_facts, error("bad_id", section="countries", entry=0, key="PE", field="id"))
    assert draft_facts["countries"] == [] and draft_facts["organizations"] == []
    assert [p["id"] for p in draft_facts["people"]] == ["luis"]
    assert draft_facts["quotes"] == [] and draft_facts["legal_references"] == []  # q3 was reported by ana
    assert "country" not in draft_facts["events"][0]


def test_an_organization_dropped_leaves_roles_without_it():
    draft_facts = facts()
    draft.repair(draft_facts, error("bad_id", section="organizations", entry=0, key="court", field="id"))
    assert [q["id"] for q in draft_facts["quotes"]] == ["q1", "q3"]
    assert "organization" not in draft_facts["roles"][0]
    assert [r["id"] for r in draft_facts["legal_references"]] == ["l1"]


def test_a_name_form_is_left_out_or_its_entity_dropped():
    draft_facts = facts()
    note = draft.repair(draft_facts, error("name_shared", field="names", name="Ruiz"))
    assert note.startswith("name form 'Ruiz' of ana left out") and draft_facts["people"][0]["names"] == ["Ana Ruiz"]
    note = draft.repair(draft_facts, error("name_not_in_text", section="people", entry=1, key="luis", field="names",
                                           name="Luis Paz"))
    assert note.startswith("dropped people luis (its only name 'Luis Paz')")
    assert "Lima Peru" in draft_facts["not_mentions"]
    draft.repair(draft_facts, error("overlap", name="Lima Peru"))
    assert draft_facts["not_mentions"] == []


def test_an_overlap_with_an_only_name_drops_the_entry_not_the_entity():
    draft_facts = facts()
    draft.repair(draft_facts, error("overlap", section="quotes", entry=1, key="q2", field="text", name="Luis Paz"))
    assert [p["id"] for p in draft_facts["people"]] == ["ana", "luis"]
    assert [q["id"] for q in draft_facts["quotes"]] == ["q1", "q3"]


def test_a_quote_field_is_repaired_in_place():
    draft_facts = facts()
    assert "not linked" in draft.repair(draft_facts, error("continues_far", section="quotes", entry=1, key="q2",
                                                           field="continues"))
    assert "continues" not in draft_facts["quotes"][1]
    assert "attribution made inferred" in draft.repair(
        draft_facts, error("not_in_paragraph", section="quotes", entry=0, key="q1", field="verb"))
    assert draft_facts["quotes"][0]["attribution"] == "inferred" and "verb" not in draft_facts["quotes"][0]


def test_an_article_field_is_left_out_and_a_required_one_cannot_be():
    draft_facts = facts()
    assert draft.repair(draft_facts, error("bad_date", section="article", field="published")).startswith(
        "article published left out")
    assert draft_facts["article"]["published"] is None
    assert draft.repair(draft_facts, error("headline_not_in_text", section="article", field="headline")) is None


def test_the_fields_not_the_words_decide():
    """A message that names another entry, field and name does not mislead the repair."""
    draft_facts = facts()
    misleading = BuildError("not_found", "quotes[0] (q1): field 'continues': name 'Ruiz' does not occur",
                            file="x/facts.yml", section="events", entry=0, key="e1", field="evidence")
    assert draft.repair(draft_facts, misleading).startswith("dropped events e1")
    assert len(draft_facts["quotes"]) == 3 and draft_facts["people"][0]["names"] == ["Ana Ruiz", "Ruiz"]
    assert draft.repair(draft_facts, BuildError("unknown_section", "quotes[1] (q2): give exactly one of",
                                                file="x/facts.yml", name="stuff")) is None
