"""`add` at any archive size (issue 15): the archive index beside the seeds gives what a full
parse gives, sees hand edits and folders added by hand, and the add-time check rejects what a
full build would reject about the new article while leaving unrelated articles unread."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from article_facts.archive_index import VERSION, index_path, open_index
from article_facts.build import check as check_archive
from article_facts.errors import BuildError
from article_facts.extract import draft, extract_attributions
from article_facts.reading import load_facts

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "tests" / "archive_samples"
FOLLOW_UP = SAMPLES / "mexico-peru-consular-talks.txt"
SECTIONS = ("countries", "organizations", "people")


@pytest.fixture
def archive(tmp_path, seeds_dir):
    """The seed article plus 40 synthetic ones (bench/synth.py: shared people, organizations
    and countries)."""
    seeds = tmp_path / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "40", "--out", str(seeds),
                    "--seed", "5"], check=True, capture_output=True)
    for folder in seeds_dir.iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            shutil.copytree(folder, seeds / folder.name)
    return seeds


def parsed_archive(seeds):
    """What the drafter used to read: every facts.yml parsed, names unioned by id."""
    found = {section: {} for section in SECTIONS}
    for folder in sorted(p for p in seeds.iterdir() if p.is_dir() and not p.name.startswith(".")):
        facts = load_facts(folder / "facts.yml")
        for section in SECTIONS:
            for entry in facts.get(section) or []:
                known = found[section].setdefault(entry["id"], dict(entry, names=[]))
                for form in entry.get("names") or [entry["name"]]:
                    if form not in known["names"]:
                        known["names"].append(form)
    return found


def comparable(entities):
    return {section: {key: {**{k: v for k, v in entry.items() if k not in ("review", "review_note")},
                            "names": sorted(entry["names"])}
                      for key, entry in entities[section].items()}
            for section in SECTIONS}


def add(seeds, article=FOLLOW_UP, slug=None):
    args = [sys.executable, "-m", "build_db", "add", str(article), "--seeds", str(seeds)]
    return subprocess.run(args + (["--slug", slug] if slug else []), capture_output=True, text=True, cwd=ROOT)


def test_the_index_knows_what_a_full_parse_knows(archive):
    assert comparable(draft.load_archive(archive)) == comparable(parsed_archive(archive))
    assert index_path(archive).is_file()


@pytest.mark.parametrize("text_from", ["sample", "synthetic"])
def test_drafting_from_the_index_gives_the_draft_the_whole_archive_gives(archive, text_from):
    """The drafter gets only the entities the text can name (plus every country and a lookup
    by name): the draft is the one the whole parsed archive gives."""
    if text_from == "sample":
        text = FOLLOW_UP.read_text(encoding="utf-8")
    else:  # a synthetic article names many of the archive's people: drafted as if new
        folder = sorted(p for p in archive.iterdir() if p.is_dir())[7]
        text = (folder / "article.txt").read_text(encoding="utf-8")
    attributions = extract_attributions(text)
    whole = parsed_archive(archive)
    index = open_index(archive)
    try:
        subset = draft.archive_for(index, text)
        assert len(subset["people"]) < len(whole["people"])
        from_index = draft.draft_facts(text, "new-article", subset, attributions)
    finally:
        index.close()
    assert from_index == draft.draft_facts(text, "new-article", whole, attributions)


def test_a_hand_edit_after_the_index_was_made_is_seen_by_the_next_add(tmp_path, seeds_dir, slug):
    """Same size, mtime put back: the ctime still changes, so the folder is read again."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    assert "claudia-sheinbaum" in draft.load_archive(seeds)["people"]  # the index is made
    facts = seeds / slug / "facts.yml"
    before = facts.stat()
    facts.write_text(facts.read_text(encoding="utf-8").replace("claudia-sheinbaum", "claudia-sheinbaux"),
                     encoding="utf-8")
    os.utime(facts, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert facts.stat().st_size == before.st_size
    result = add(seeds)
    assert result.returncode == 0, result.stderr
    drafted = load_facts(seeds / "mexico-peru-consular-talks" / "facts.yml")
    assert {p["id"] for p in drafted["people"]} >= {"claudia-sheinbaux"}
    assert "claudia-sheinbaum" not in {p["id"] for p in drafted["people"]}
    check_archive(seeds)


def test_a_folder_added_by_hand_is_seen_by_the_next_add(tmp_path, seeds_dir, write_article):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    draft.load_archive(seeds)  # the index is made
    write_article(seeds, "zz-foundation", "The Ana Lucía Ortega Foundation met.\n",
                  "article: {headline: x, headline_source: editorial, language: en}\n"
                  "organizations:\n  - {id: ana-lucia-ortega, name: Ana Lucía Ortega Foundation}\n"
                  "people: []\nquotes: []\n")
    result = add(seeds)
    assert result.returncode == 0, result.stderr
    drafted = load_facts(seeds / "mexico-peru-consular-talks" / "facts.yml")
    assert "ana-lucia-ortega-2" in {p["id"] for p in drafted["people"]}
    assert "check passed: 3 articles" in result.stdout
    check_archive(seeds)


def test_add_refuses_an_article_that_clashes_with_the_archive(tmp_path, seeds_dir, write_article):
    """A folder added by hand defines the person the new article reuses with another
    country: one line naming the file and the field, the new folder removed, the index
    without it, and the full build gives the same verdict."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    draft.load_archive(seeds)  # the index is made
    write_article(seeds, "zz-clash", "Claudia Sheinbaum spoke.\n",
                  "article: {headline: x, headline_source: editorial, language: en}\n"
                  "countries:\n  - {id: US, name: United States}\n"
                  "people:\n  - {id: claudia-sheinbaum, name: Claudia Sheinbaum, country: US}\n"
                  "quotes: []\n")
    result = add(seeds)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "check failed, so" in lines[0] and "removed again" in lines[0]
    assert "zz-clash/facts.yml: people (claudia-sheinbaum): field 'country_id'" in lines[0]
    assert not (seeds / "mexico-peru-consular-talks").exists()
    index = open_index(seeds)
    try:
        assert index.counts()["articles"] == 2  # the seed and zz-clash
    finally:
        index.close()
    with pytest.raises(BuildError, match="zz-clash/facts.yml: people \\(claudia-sheinbaum\\): field 'country_id'"):
        check_archive(seeds)


CLASHES = {
    "another name": ("new-article", "Claudia Sheinbaum Pardo spoke.\n",
                     "people:\n  - {id: claudia-sheinbaum, name: Claudia Sheinbaum Pardo}\n",
                     "people (claudia-sheinbaum): field 'name' is 'Claudia Sheinbaum Pardo' here"),
    "a person's id for an organization": (
        "new-article", "The Sheinbaum Office met.\n",
        "organizations:\n  - {id: claudia-sheinbaum, name: Sheinbaum Office}\npeople: []\n",
        "id 'claudia-sheinbaum' is a person here and an organization in another article"),
    "an id another article's rows have": (
        "peru-severs", "“We will go,” Ana said.\n",
        "people:\n  - {id: ana, name: Ana}\n"
        "quotes:\n  - {id: relations-chavez-asylum-q1, speaker: ana, kind: direct, text: 'We will go,',"
        " verb: said, attribution: explicit}\n",
        "quotes id 'peru-severs-relations-chavez-asylum-q1' is also made by peru-severs-relations-chavez-asylum"),
}


@pytest.mark.parametrize("case", sorted(CLASHES))
def test_the_add_time_check_rejects_what_a_full_build_rejects(case, tmp_path, seeds_dir, write_article):
    slug, text, entities, expected = CLASHES[case]
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    index = open_index(seeds)
    folder = write_article(seeds, slug, "Headline\n" + text,
                           "article: {headline: Headline, headline_source: article, language: en}\n"
                           + entities + ("quotes: []\n" if "quotes:" not in entities else ""))
    try:
        with pytest.raises(BuildError, match=re.escape(f"{folder}/facts.yml: ")) as refused:
            index.add(folder)
        assert expected in str(refused.value)
        assert index.counts()["articles"] == 1
    finally:
        index.close()
    with pytest.raises(BuildError) as full:
        check_archive(seeds)
    assert expected.split(" is ")[0] in str(full.value) or expected.split(" here")[0] in str(full.value)


def test_add_does_not_read_unrelated_articles_but_check_does(tmp_path, seeds_dir, write_article):
    """An older article whose article.txt was broken after the index saw it: add does not read
    it (nothing the new article refers to comes from an article.txt), `--check` names it."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    write_article(seeds, "zz-unrelated", "Nothing to see.\n",
                  "article: {headline: x, headline_source: editorial, language: en}\npeople: []\nquotes: []\n")
    draft.load_archive(seeds)  # the index is made
    (seeds / "zz-unrelated" / "article.txt").write_bytes(b"\xff\xfe not UTF-8\n")
    result = add(seeds)
    assert result.returncode == 0, result.stderr
    check = subprocess.run([sys.executable, "-m", "build_db", "--seeds", str(seeds), "--check"],
                           capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 1 and "zz-unrelated/article.txt: not valid UTF-8" in check.stderr


def test_a_broken_facts_yml_changed_since_the_last_add_stops_add_until_fixed(tmp_path, seeds_dir, write_article):
    """A changed facts.yml is read again with the build's check: broken, add refuses in one
    line naming it (as `make check` would), every time until it is fixed; fixed, add works."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    folder = write_article(seeds, "zz-older", "Nothing to see.\n",
                           "article: {headline: x, headline_source: editorial, language: en}\npeople: []\nquotes: []\n")
    draft.load_archive(seeds)
    good = (folder / "facts.yml").read_text(encoding="utf-8")
    (folder / "facts.yml").write_text(good + "people: []\n", encoding="utf-8")
    for _ in range(2):
        result = add(seeds)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [result.stderr.strip()]
        assert "zz-older/facts.yml: invalid YAML" in result.stderr and "duplicate key 'people'" in result.stderr
        assert not (seeds / "mexico-peru-consular-talks").exists()
    (folder / "facts.yml").write_text(good, encoding="utf-8")
    result = add(seeds)
    assert result.returncode == 0, result.stderr


def test_a_corrupt_or_foreign_index_is_rebuilt(tmp_path, seeds_dir):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    index_path(seeds).write_bytes(b"not a database" * 100)
    assert "claudia-sheinbaum" in draft.load_archive(seeds)["people"]
    conn = sqlite3.connect(index_path(seeds))
    conn.execute("update meta set value = 'old' where key = 'version'")
    conn.execute("delete from entities")
    conn.commit()
    conn.close()
    assert "claudia-sheinbaum" in draft.load_archive(seeds)["people"]
    assert sqlite3.connect(index_path(seeds)).execute("select value from meta").fetchall() == [(VERSION,)]


def test_a_folder_that_failed_is_read_again_until_it_passes(tmp_path, seeds_dir, write_article):
    """A folder made by hand, facts.yml first: add refuses while article.txt is missing, and
    works once it is there, though facts.yml itself never changed."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    folder = write_article(seeds, "zz-by-hand", "Nothing to see.\n",
                           "article: {headline: x, headline_source: editorial, language: en}\npeople: []\nquotes: []\n")
    text = (folder / "article.txt").read_bytes()
    (folder / "article.txt").unlink()
    result = add(seeds)
    assert result.returncode == 1 and "zz-by-hand/article.txt: missing" in result.stderr
    (folder / "article.txt").write_bytes(text)
    result = add(seeds)
    assert result.returncode == 0, result.stderr
    assert "check passed: 3 articles" in result.stdout


def test_a_name_written_without_its_accent_finds_the_archive_person(tmp_path, seeds_dir):
    """The index looks people up by folded words, as the extractor compares names: "Alvaro
    Uribe" in a new article is the archive's "Álvaro Uribe", not a second row."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    first = "Talks resume\n“We will talk again,” said Senator Álvaro Uribe on Monday.\n"
    result = draft.draft_text(first, "talks-resume", seeds)
    (seeds / "talks-resume").mkdir()
    (seeds / "talks-resume" / "article.txt").write_text(first, encoding="utf-8")
    (seeds / "talks-resume" / "facts.yml").write_text(result.yaml, encoding="utf-8")
    (person,) = [p["id"] for p in result.facts["people"] if p["name"] == "Álvaro Uribe"]
    later = "Talks end\n“We are done,” Alvaro Uribe said on Friday.\n"
    facts = draft.draft_text(later, "talks-end", seeds).facts
    assert [q["speaker"] for q in facts["quotes"]] == [person]
    assert [p["id"] for p in facts["people"]] == [person]


def test_a_folder_made_by_someone_else_meanwhile_is_never_removed(tmp_path):
    """add drafts for seconds; if another add (or a person) makes the same folder meanwhile,
    this add fails in one line and leaves that folder as it is."""
    import click

    from article_facts.extract.commands import add_checked

    article = tmp_path / "new.txt"
    article.write_text("Title\nText.\n", encoding="utf-8")
    folder = tmp_path / "seeds" / "new"
    folder.mkdir(parents=True)
    (folder / "facts.yml").write_text("theirs\n", encoding="utf-8")
    with pytest.raises(click.ClickException, match="cannot create it"):
        add_checked(None, article, folder, "ours\n", "Title\nText.\n")
    assert (folder / "facts.yml").read_text(encoding="utf-8") == "theirs\n"


def test_a_blank_text_is_a_one_line_refusal(tmp_path, seeds_dir):
    with pytest.raises(draft.ExtractError, match="empty"):
        draft.draft_text("  \n\n", "blank", seeds_dir)
