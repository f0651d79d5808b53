"""A review save publishes by replacing the one article's rows when its people, organizations
and countries stay as they were (build.replace), and by a full build otherwise
(article_facts/review/saving.py). Either way the database equals a fresh full build of the
same seeds (rowids aside: test_append.content), and a save that cannot be published leaves
facts.yml and the database as they were.

The archive: the seeds, the review tests' machine draft (DRAFTED), and an echo of it under
another slug with one word of two quotes changed ("twenty" years -> "thirty", thinking "small"
-> "really"): every quote of the draft is in a same-wording group with its echo, two of them
(q3, q1) with two wordings, so an edit's statements have to be unlinked from the groups and
linked again as a build links them. Rejecting q1 takes away the wording its group is named
after (the smallest hash); rejecting q3 one that is not.
"""
import fcntl
import json
import os
import shutil
import sqlite3

import pytest
import yaml

import build_db
from article_facts.build import replace
from article_facts.errors import BuildError
from article_facts.review import actions, saving
from article_facts.variants import HIDDEN_TABLES, key_of, text_hash
from conftest import DRAFTED
from test_append import content

ECHO = f"{DRAFTED}-echo"


@pytest.fixture(scope="module")
def template(drafted_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("review-fast")
    shutil.copytree(drafted_template, folder / "archive")
    seeds = folder / "archive" / "seeds"
    (seeds / ECHO).mkdir()
    for name in ("article.txt", "facts.yml"):
        text = (seeds / DRAFTED / name).read_text(encoding="utf-8")
        (seeds / ECHO / name).write_text(text.replace("twenty", "thirty").replace("thinking small", "thinking really"), encoding="utf-8")
    build_db.build(seeds, folder / "archive" / "facts.db")
    groups = content(folder / "archive" / "facts.db")["quote_variant_groups"]
    assert any("thirty years" in str(group) for group in groups)  # q3's two wordings are one group
    assert any("thinking really" in str(group) for group in groups)
    assert text_hash(key_of("Tonight Halverston decided it is done thinking small.")) < \
        text_hash(key_of("Tonight Halverston decided it is done thinking really."))
    return folder / "archive"


@pytest.fixture
def archive(template, tmp_path):
    """A copy of the template archive, built where it lies: a copied folder is new to the
    copied database (saving.in_database), whose saves would all take the full path."""
    shutil.copytree(template, tmp_path / "archive")
    seeds, db = tmp_path / "archive" / "seeds", tmp_path / "archive" / "facts.db"
    build_db.build(seeds, db)
    return seeds, db


def entry_form(seeds, section, key, action, **more):
    entries = yaml.safe_load((seeds / DRAFTED / "facts.yml").read_text(encoding="utf-8"))[section]
    index = next(i for i, e in enumerate(entries) if actions.ident(section, e) == key)
    return {"action": action, "section": section, "index": str(index), "ident": key, **more}


# (action, form arguments, the path it takes)
ACTIONS = {
    "accept a quote": (("quotes", "q2", "accept"), {}, "replace"),
    "reject a quote whose wording goes": (("quotes", "q3", "reject"), {}, "replace"),
    "reject the quote its group is named after": (("quotes", "q1", "reject"), {}, "replace"),
    "reject another quote": (("quotes", "q15", "reject"), {}, "replace"),
    "fix a statement's words": (("quotes", "r5", "words"), {"words": "a lobbyist for the team’s owners had stopped her in the City Hall"}, "replace"),
    "speaker: a person the article has": (("quotes", "q2", "speaker"), {"speaker": "person:teodor-vasic"}, "replace"),
    "speaker: an organization it has": (("quotes", "q1", "speaker"), {"speaker": "organization:halverston-city-council"}, "replace"),
    "speaker: a new person": (("quotes", "q2", "speaker"), {"new_person": "Celia Whitcombe"}, "build"),
    "speaker: an unnamed source": (("quotes", "q15", "speaker"), {"speaker": "unnamed:three people at the meeting"}, "replace"),
    "accept a role": (("roles", "Mayor Desmond Achterberg", "accept"), {}, "replace"),
    "a role's title": (("roles", "council president, Margarethe Lindqvist", "title"), {"title": "president"}, "replace"),
    "accept a person": (("people", "graham-whitcombe", "accept"), {}, "build"),
    "accept an organization": (("organizations", "halverston-city-council", "accept"), {}, "build"),
}


def form_of(seeds, name):
    (section, key, action), more, _ = ACTIONS[name]
    return entry_form(seeds, section, key, action, **more)


def hidden(db):
    """The same-wording groups' own tables (what the next append or replace reads)."""
    conn = sqlite3.connect(db)
    found = {name: sorted(conn.execute(f"select * from [{name}]")) for name in HIDDEN_TABLES}
    conn.close()
    return found


def equals_a_full_build(seeds, db, tmp_path):
    full = tmp_path / "full" / "facts.db"
    full.parent.mkdir(parents=True)
    build_db.build(seeds, full)
    before, after = {**content(full), **hidden(full)}, {**content(db), **hidden(db)}
    assert before.keys() == after.keys()
    for name in before:
        assert after[name] == before[name], name


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_save_gives_what_a_full_build_gives(archive, tmp_path, name):
    seeds, db = archive
    before = (seeds / DRAFTED / "facts.yml").read_text(encoding="utf-8")
    _, timings = saving.save(seeds, db, DRAFTED, form_of(seeds, name))
    assert (seeds / DRAFTED / "facts.yml").read_text(encoding="utf-8") != before
    assert timings["path"] == ACTIONS[name][2]
    # the one-article path leaves no whole-table exports (none stale: Datasette answers instead)
    assert [p.name for p in (db.parent / "facts.exports").iterdir()] == ([] if timings["path"] == "replace" else [
        json.loads((db.parent / "facts.inspect.json").read_text())["facts"]["hash"]])
    equals_a_full_build(seeds, db, tmp_path)


@pytest.mark.parametrize("name", ["accept a quote", "reject a quote whose wording goes", "fix a statement's words"])
def test_headline_and_accept_rest_and_saves_in_a_row(archive, tmp_path, name):
    """Several saves one after the other, each on the database the last one published."""
    seeds, db = archive
    forms = [form_of(seeds, name), {"action": "title", "section": "article", "ident": "article", "title": "A headline"}]
    for form in forms:
        assert saving.save(seeds, db, DRAFTED, form)[1]["path"] == "replace"
    equals_a_full_build(seeds, db, tmp_path)
    assert saving.save(seeds, db, DRAFTED, {"action": "accept-rest", "section": "article", "ident": "article"})[1]["path"] == "build"
    equals_a_full_build(seeds, db, tmp_path / "rest")


def hand_edit_this_one(seeds, db):
    """A person's name form (which the save itself leaves alone), its old times put back (cp -p,
    rsync -t and tar keep them)."""
    facts = seeds / DRAFTED / "facts.yml"
    stat = facts.stat()
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("  - Graham Whitcombe\n", "  - Graham Whitcombe\n  - Whitcombe\n", 1), encoding="utf-8")
    os.utime(facts, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def hand_edit_another(seeds, db):
    """A name form of a person of the other article."""
    facts = seeds / ECHO / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("  - Graham Whitcombe\n", "  - Graham Whitcombe\n  - Whitcombe\n", 1), encoding="utf-8")


def edit_another_text(seeds, db):
    """Words of the other article's text and of its quote, both changed."""
    for name in ("article.txt", "facts.yml"):
        path = seeds / ECHO / name
        path.write_text(path.read_text(encoding="utf-8").replace("thinking really", "thinking very"), encoding="utf-8")


def remove_another(seeds, db):
    shutil.rmtree(seeds / ECHO)


def add_another(seeds, db):
    shutil.copytree(seeds / ECHO, seeds / f"{ECHO}-two")


def build_from_other_seeds(seeds, db):
    shutil.copytree(seeds, seeds.parent / "other-seeds")
    build_db.build(seeds.parent / "other-seeds", db)


@pytest.mark.parametrize("change", [hand_edit_this_one, hand_edit_another, edit_another_text, remove_another,
                                    add_another, build_from_other_seeds])
def test_seeds_the_database_does_not_hold_as_they_are_take_a_full_build(archive, tmp_path, change):
    """The one-article path publishes one article: it is taken only when the database holds
    every other folder as it is now (the build's sources in its inspect file, file ctimes, the
    folder list, the seeds folder). Otherwise the full build publishes every change."""
    seeds, db = archive
    change(seeds, db)
    assert saving.save(seeds, db, DRAFTED, form_of(seeds, "accept a quote"))[1]["path"] == "build"
    equals_a_full_build(seeds, db, tmp_path)
    # and the full build's database knows the seeds again
    assert saving.save(seeds, db, DRAFTED, form_of(seeds, "reject another quote"))[1]["path"] == "replace"
    equals_a_full_build(seeds, db, tmp_path / "again")


def test_an_append_keeps_the_one_article_path(archive, tmp_path):
    """`add`'s append records its article's read time beside the build's: the next save needs
    no full build."""
    seeds, db = archive
    shutil.copytree(seeds / ECHO, seeds / f"{ECHO}-two")
    build_db.append(seeds / f"{ECHO}-two", db)
    assert saving.save(seeds, db, DRAFTED, form_of(seeds, "accept a quote"))[1]["path"] == "replace"
    equals_a_full_build(seeds, db, tmp_path)


def snapshot(seeds, db):
    return {str(p.relative_to(seeds.parent)): p.read_bytes() for p in sorted([*seeds.rglob("*"), db]) if p.is_file()}


@pytest.mark.parametrize("name", ["accept a quote", "reject a quote whose wording goes", "speaker: a new person"])
def test_a_save_that_cannot_be_published_leaves_facts_and_database(archive, name):
    """Another build or append writing to the database's folder: refused, nothing changed, on
    either path."""
    seeds, db = archive
    form = form_of(seeds, name)
    before = snapshot(seeds, db)
    folder = os.open(db.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        with pytest.raises(BuildError, match="another build or append is writing to"):
            saving.save(seeds, db, DRAFTED, form)
    finally:
        os.close(folder)
    assert snapshot(seeds, db) == before


def test_replace_needs_the_article_in_the_database(archive, tmp_path):
    seeds, db = archive
    shutil.copytree(seeds / DRAFTED, tmp_path / "new-article")
    before = db.read_bytes()
    with pytest.raises(BuildError, match="article 'new-article' is not in the database: run a full build"):
        replace(tmp_path / "new-article", db)
    assert db.read_bytes() == before
