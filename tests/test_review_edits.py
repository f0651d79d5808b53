"""The review actions on facts.yml's text (article_facts/review/actions.py, facts_file.py): each
changes only the lines of what it edits, keeps comments, key order and formatting, and the
new text holds exactly the intended data. A real draft (`build_db.py add` on a test article)
and the hand-written seed, in their two list styles."""
import difflib

import pytest
import yaml

from article_facts.errors import BuildError
from article_facts.review import actions
from article_facts.review.facts_file import Edit
from conftest import ROOT, SEEDS, SLUG, run_add

DRAFTED = "politics-stadium-vote"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """(facts.yml text, article text, path) of a fresh machine draft."""
    seeds = tmp_path_factory.mktemp("review-edits") / "seeds"
    seeds.mkdir()
    result = run_add(seeds, ROOT / "tests" / "extraction" / f"{DRAFTED}.txt")
    assert result.returncode == 0, result.stderr
    folder = seeds / DRAFTED
    return (folder / "facts.yml").read_text(encoding="utf-8"), (folder / "article.txt").read_text(encoding="utf-8"), folder / "facts.yml"


def changed_lines(old, new):
    """(removed lines, added lines) between two texts."""
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return [l[2:] for l in diff if l.startswith("- ")], [l[2:] for l in diff if l.startswith("+ ")]


def apply(drafted, **form):
    text, body, path = drafted
    return actions.apply(text, path, form, body)[0]


def entry_index(text, section, key, value):
    return next(i for i, e in enumerate(yaml.safe_load(text)[section]) if e.get(key) == value)


def test_accept_changes_exactly_one_line(drafted):
    text = drafted[0]
    index = entry_index(text, "quotes", "id", "q2")
    new = apply(drafted, action="accept", section="quotes", index=str(index), ident="q2")
    assert changed_lines(text, new) == (["  review: draft"], ["  review: checked"])
    assert len(new.splitlines()) == len(text.splitlines())
    assert yaml.safe_load(new)["quotes"][index]["review"] == "checked"


def test_accepting_the_article_changes_its_line_only(drafted):
    new = apply(drafted, action="accept", section="article", ident="article")
    assert changed_lines(drafted[0], new) == (["  review: draft"], ["  review: checked"])
    assert yaml.safe_load(new)["article"]["review"] == "checked"


def test_reject_removes_the_entry_and_nothing_else(drafted):
    text = drafted[0]
    index = entry_index(text, "quotes", "id", "q15")
    new = apply(drafted, action="reject", section="quotes", index=str(index), ident="q15")
    before, after = yaml.safe_load(text), yaml.safe_load(new)
    assert after["quotes"] == before["quotes"][:index] + before["quotes"][index + 1:]
    assert {k: v for k, v in after.items() if k != "quotes"} == {k: v for k, v in before.items() if k != "quotes"}
    lines = text.splitlines(keepends=True)
    start = lines.index("- id: q15\n")
    assert new == "".join(lines[:start] + lines[start + 7:])  # its seven lines, no other
    # the comments (header and section notes) are all still there
    assert [l for l in text.splitlines() if l.lstrip().startswith("#")] == \
        [l for l in new.splitlines() if l.lstrip().startswith("#")]


def test_change_speaker_to_an_organization_replaces_the_source_line(drafted):
    text = drafted[0]
    index = entry_index(text, "quotes", "id", "q1")
    new = apply(drafted, action="speaker", section="quotes", index=str(index), ident="q1",
                speaker="organization:halverston-city-council")
    assert changed_lines(text, new) == (["  speaker: desmond-achterberg"],
                                         ["  speaker_organization: halverston-city-council"])


def test_a_changed_speaker_of_an_inferred_attribution_gets_the_reviewers_note(drafted):
    """The extractor's attribution_note explains the speaker it inferred: once a reviewer picks
    another, the note says so instead of keeping a reason for the wrong person."""
    text = drafted[0]
    quotes = yaml.safe_load(text)["quotes"]
    index = next(i for i, q in enumerate(quotes) if q["attribution"] == "inferred" and q.get("speaker"))
    old = quotes[index]
    new = apply(drafted, action="speaker", section="quotes", index=str(index), ident=old["id"],
                speaker="organization:halverston-city-council")
    quote = yaml.safe_load(new)["quotes"][index]
    assert quote["attribution_note"] == f"Speaker chosen by a reviewer (the draft had inferred speaker {old['speaker']})."
    assert quote["speaker_organization"] == "halverston-city-council" and quote.get("speaker") is None


def test_a_typed_new_person_is_added_to_people(drafted):
    text = drafted[0]
    index = entry_index(text, "quotes", "id", "q1")
    new = apply(drafted, action="speaker", section="quotes", index=str(index), ident="q1",
                speaker="person:desmond-achterberg", new_person="  Ana  María Ruiz ")
    after = yaml.safe_load(new)
    assert after["people"][-1] == {"id": "ana-maria-ruiz", "name": "Ana María Ruiz", "names": ["Ana María Ruiz"]}
    assert after["quotes"][index]["speaker"] == "ana-maria-ruiz"
    removed, added = changed_lines(text, new)
    assert removed == ["  speaker: desmond-achterberg"] and len(added) == 4


def test_fix_words_with_the_selected_occurrence(drafted):
    text, body, _ = drafted
    index = entry_index(text, "quotes", "id", "q1")
    words = "Halverston"  # occurs many times: the selected one is kept as occurrence: N
    third = -1
    for _ in range(3):
        third = body.index(words, third + 1)
    new = apply(drafted, action="words", section="quotes", index=str(index), ident="q1", words=words, start=str(third))
    entry = yaml.safe_load(new)["quotes"][index]
    assert entry["text"] == words and entry["occurrence"] == 3
    assert len(changed_lines(text, new)[0]) == 1


def test_fix_words_ignores_an_offset_that_is_not_a_small_number(drafted):
    """`start` comes from the page's script; a forged one (thousands of digits, a superscript
    digit) is ignored like a missing one, never a Python error in the page."""
    text, body, _ = drafted
    index = entry_index(text, "quotes", "id", "q1")
    for start in ("9" * 5000, "²", "-1"):
        new = apply(drafted, action="words", section="quotes", index=str(index), ident="q1",
                    words="Tonight Halverston decided it is done thinking small.", start=start)
        assert yaml.safe_load(new)["quotes"][index]["text"] == "Tonight Halverston decided it is done thinking small."


def test_edit_a_roles_title(drafted):
    text = drafted[0]
    index = entry_index(text, "roles", "title", "Mayor")
    ident = yaml.safe_load(text)["roles"][index]["evidence"]
    new = apply(drafted, action="title", section="roles", index=str(index), ident=ident, title="Mayor of Halverston")
    assert changed_lines(text, new) == (["  title: Mayor"], ["  title: Mayor of Halverston"])


def test_edit_the_articles_headline(drafted):
    """The draft asks for a headline when the text has none: a headline the text holds is the
    article's own, one the reviewer writes is editorial. Only those two lines change."""
    text, body, _ = drafted
    article = yaml.safe_load(text)["article"]
    assert article["headline_source"] == "editorial"
    written = apply(drafted, action="title", section="article", ident="article", title="Halverston  approves a stadium")
    assert yaml.safe_load(written)["article"] == {**article, "headline": "Halverston approves a stadium"}
    assert len(changed_lines(text, written)[1]) == 1
    own = body.split(" — ", 1)[1].split(",")[0]  # words the text holds
    assert own in body
    taken = yaml.safe_load(apply(drafted, action="title", section="article", ident="article", title=own))["article"]
    assert (taken["headline"], taken["headline_source"]) == (own, "article")
    with pytest.raises(BuildError, match="headline cannot be empty"):
        apply(drafted, action="title", section="article", ident="article", title="  ")


def test_accept_the_rest_accepts_every_draft_line_by_line(drafted):
    text = drafted[0]
    new = apply(drafted, action="accept-rest")
    drafts = text.splitlines().count("  review: draft")
    assert drafts > 20
    assert changed_lines(text, new) == (["  review: draft"] * drafts, ["  review: checked"] * drafts)
    assert "  review: draft" not in new.splitlines()


def test_a_form_from_an_older_page_is_refused(drafted):
    text = drafted[0]
    index = entry_index(text, "quotes", "id", "q1")
    with pytest.raises(BuildError, match="the file changed since the page was loaded"):
        apply(drafted, action="accept", section="quotes", index=str(index), ident="q2")


def test_the_seeds_indented_lists_keep_their_style(tmp_path):
    """The seed writes `  - id:` (lists indented under their key) and long values on one line."""
    text = (SEEDS / SLUG / "facts.yml").read_text(encoding="utf-8")
    path = tmp_path / "facts.yml"
    edit = Edit(text, path)
    edit.set_fields("roles", 0, {"title": "President of Mexico"})
    edit.remove_entry("quotes", 2)
    new = edit.result()
    removed, added = changed_lines(text, new)
    assert added == ["    title: President of Mexico"]
    assert removed[0] == "    title: President" and removed[1].startswith("  - id: ")
    after, before = yaml.safe_load(new), yaml.safe_load(text)
    assert after["quotes"] == before["quotes"][:2] + before["quotes"][3:]


def test_removing_the_last_entry_leaves_an_empty_list(tmp_path):
    text = "# note\nquotes:\n- id: q1\n  text: a  # the words\n# next\nevents: []\n"
    edit = Edit(text, tmp_path / "facts.yml")
    edit.remove_entry("quotes", 0)
    assert edit.result() == "# note\nquotes: []\n# next\nevents: []\n"
