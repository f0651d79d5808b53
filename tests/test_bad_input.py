"""Bad seeds stop the build with one line naming the file and the entry, exit status 1,
and leave the previous facts.db byte-identical."""
import shutil
import subprocess
import sys

import pytest

FACTS = "facts.yml"


def edit(old, new, count=1):
    """A change to facts.yml that must apply, so a stale case cannot pass by accident."""
    def apply(folder):
        path = folder / FACTS
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test case no longer applies: {old!r}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return apply


def write_article(data):
    def apply(folder):
        (folder / "article.txt").write_bytes(data)
    return apply


def remove_facts(folder):
    (folder / FACTS).unlink()


def remove_article(folder):
    (folder / "article.txt").unlink()


def facts_is_a_folder(folder):
    (folder / FACTS).unlink()
    (folder / FACTS).mkdir()


CASES = {
    "invalid yaml": (edit("quotes:\n", "quotes: [\n"), ["facts.yml", "invalid YAML at line"]),
    "missing required field": (
        edit("  - id: q1\n    speaker: claudia-sheinbaum\n", "  - id: q1\n"),
        ["facts.yml", "quotes[0] (q1)", "give exactly one of 'speaker', 'speaker_organization' and 'unnamed_source'"],
    ),
    "unknown speaker": (
        edit("speaker: pablo-monroy-conesa", "speaker: pablo-monroy"),
        ["facts.yml", "quotes[", "field 'speaker' names unknown people id 'pablo-monroy'"],
    ),
    "unknown organization": (
        edit("organization: government-of-mexico", "organization: presidency"),
        ["facts.yml", "roles[0]", "field 'organization' names unknown organizations id 'presidency'"],
    ),
    "duplicate id": (
        edit("  - id: q2\n", "  - id: q1\n"),
        ["facts.yml", "(q1)", "duplicate id 'q1'"],
    ),
    "quote not in the text (straight apostrophe)": (
        edit("but it’s a decision they make", "but it's a decision they make"),
        ["facts.yml", "quotes[0] (q1)", "field 'text'", "not found verbatim in article.txt"],
    ),
    "ambiguous evidence": (
        edit('evidence: "the pro persona principle"', 'evidence: "asylum"'),
        ["facts.yml", "legal_references[3] (pro-persona-principle)", "ambiguous"],
    ),
    "unknown field": (
        edit("    attribution_note: \"A paragraph", "    atribution_note: \"A paragraph"),
        ["facts.yml", "(q2)", "unknown field 'atribution_note'"],
    ),
    "value outside its enum": (
        edit("kind: direct\n", "kind: quoted\n"),
        ["facts.yml", "quotes[0] (q1)", "field 'kind' is 'quoted'"],
    ),
    "non-UTF-8 article": (
        write_article("Sheinbaum said “Perú”".encode("latin-1", "replace").replace(b"?", b"\xe9")),
        ["article.txt", "not valid UTF-8"],
    ),
    "country id not ISO 3166-1 alpha-2": (
        edit("  - id: MX\n", "  - id: MEX\n"),
        ["facts.yml", "countries[0] (MEX)", "ISO 3166-1 alpha-2"],
    ),
    "date_as_written not in its evidence": (
        edit('date_as_written: "in 2021"', 'date_as_written: "in 2020"'),
        ["facts.yml", "events[0] (castillo-elected)", "'date_as_written' is not part of its evidence"],
    ),
    "duplicate key in one entry": (
        edit("  - id: q1\n    speaker: claudia-sheinbaum\n", "  - id: q1\n    speaker: claudia-sheinbaum\n    speaker: pablo-monroy-conesa\n"),
        ["facts.yml", "invalid YAML at line", "duplicate key 'speaker'"],
    ),
    "verb not in the quote's paragraph": (
        edit("verb: clarified", "verb: denied"),
        ["facts.yml", "quotes[2] (r2)", "'denied' does not occur in the quote's paragraph"],
    ),
    "direct quote that is not inside quotation marks": (
        edit("  - id: r3\n    speaker: claudia-sheinbaum\n    kind: indirect", "  - id: r3\n    speaker: claudia-sheinbaum\n    kind: direct"),
        ["facts.yml", "quotes[3] (r3)", "a direct quote must be the words just inside"],
    ),
    "inferred attribution without a reason": (
        edit('    attribution_note: "A paragraph of its own with no reporting verb; the text continues from Sheinbaum."\n', ""),
        ["facts.yml", "(q2)", "an inferred attribution needs an attribution_note"],
    ),
    "legal reference cited by someone other than its quote's speaker": (
        edit("    cited_by: roberto-velasco-alvarez\n    quote: r6\n", "    cited_by: raquel-serur-smeke\n    quote: r6\n"),
        ["facts.yml", "legal_references[0] (caracas-convention-art-4)", "but quote 'r6' is by 'roberto-velasco-alvarez'"],
    ),
    "legal reference outside its quote": (
        edit("    quote: r11\n", "    quote: q4\n"),
        ["facts.yml", "legal_references[3] (pro-persona-principle)", "lies outside quote 'q4'"],
    ),
    "impossible date": (
        edit('date: "2021"', 'date: "2021-13-45"'),
        ["facts.yml", "events[0] (castillo-elected)", "must be a real date"],
    ),
    "a name that never occurs (typo)": (
        edit("names: [Pedro Castillo]", "names: [Pedro Castilo]"),
        ["facts.yml", "people[5] (pedro-castillo)", "name 'Pedro Castilo' does not occur"],
    ),
    "direct quote cut short inside its quotation marks": (
        edit("but it’s a decision they make\"\n", "but it’s a decision they\"\n"),
        ["facts.yml", "quotes[0] (q1)", "a direct quote must be the words just inside"],
    ),
    "direct quote labelled as reported speech": (
        edit("  - id: q3\n    speaker: roberto-velasco-alvarez\n    kind: direct", "  - id: q3\n    speaker: roberto-velasco-alvarez\n    kind: indirect"),
        ["facts.yml", "(q3)", "the text is in quotation marks, so it is not indirect"],
    ),
    "explicit attribution without a verb": (
        edit("    verb: said\n    attribution: explicit\n    text: \"From", "    verb: null\n    attribution: explicit\n    text: \"From"),
        ["facts.yml", "quotes[0] (q1)", "an explicit attribution needs the reporting verb"],
    ),
    "statement reported by its own speaker": (
        edit("    reported_by: pablo-monroy-conesa\n", "    reported_by: betssy-chavez-chino\n"),
        ["facts.yml", "(r14)", "field 'reported_by' is the speaker"],
    ),
    "reporter without saying how sure": (
        edit("    reported_by_basis: stated\n", ""),
        ["facts.yml", "(r14)", "'reported_by' and 'reported_by_basis' go together"],
    ),
    "role title not in its evidence": (
        edit("    title: Undersecretary for North America\n", "    title: Undersecretary for South America\n"),
        ["facts.yml", "roles[1]", "field 'title' is not in its evidence"],
    ),
    "role evidence that does not name the person": (
        edit('    evidence: "The Director General for South America, Pablo Monroy Conesa"', '    evidence: "The Director General for South America"'),
        ["facts.yml", "roles[3]", "does not name Pablo Monroy Conesa"],
    ),
    "inferred role without a reason": (
        edit("    basis_note: \"The text does not name his ministry; he speaks beside SRE officials on Peru, a foreign-affairs matter.\"\n", ""),
        ["facts.yml", "roles[3]", "an inferred basis needs a basis_note"],
    ),
    "date that contradicts the date as written": (
        edit('date: "2021"', 'date: "1999"'),
        ["facts.yml", "events[0] (castillo-elected)", "does not match 'in 2021'"],
    ),
    "unquoted number where text is expected": (
        edit('date: "2021"', "date: 2021"),
        ["facts.yml", "events[0] (castillo-elected)", "must be text, not int: put it in quotes"],
    ),
    "value YAML cannot convert": (
        edit('date: "2021"', 'date: !!int twenty'),
        ["facts.yml", "invalid YAML value"],
    ),
    "headline claimed to be the article's own": (
        edit("headline_source: editorial", "headline_source: article"),
        ["facts.yml", "article:", "the headline is not in the text"],
    ),
    "editorial note crossing a quote": (
        edit('    as_written: "He indicated"\n', '    as_written: "He indicated that both asylum"\n'),
        ["facts.yml", "overlaps", "without lying inside it"],
    ),
    "blank name": (
        edit("names: [Pedro Castillo]", "names: [' ']"),
        ["facts.yml", "people[5] (pedro-castillo)", "non-empty one-line names"],
    ),
    "event evidence outside the statement that reports it": (
        edit("    quote: r4\n", "    quote: q1\n"),
        ["facts.yml", "events[0] (castillo-elected)", "lies outside quote 'q1'"],
    ),
    "empty article": (write_article(b" \n"), ["article.txt", "article is empty"]),
    "missing facts.yml": (remove_facts, ["facts.yml", "missing"]),
    "missing article.txt": (remove_article, ["article.txt", "missing"]),
    "facts.yml is a folder": (facts_is_a_folder, ["facts.yml", "cannot read"]),
    "unknown fields of mixed types": (
        edit("  - id: q1\n", "  - id: q1\n    1: one\n    foo: two\n"),
        ["facts.yml", "quotes[0] (q1)", "unknown field '1'"],
    ),
}


def run_build(*args):
    return subprocess.run(
        [sys.executable, "-m", "build_db", *args], capture_output=True, text=True
    )


@pytest.fixture
def previous_db(tmp_path, db_path):
    path = tmp_path / "facts.db"
    shutil.copy(db_path, path)
    return path


def assert_failed_cleanly(result, expected, previous_db, db_path):
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in expected:
        assert fragment in lines[0]
    assert previous_db.read_bytes() == db_path.read_bytes()
    assert not [p for p in previous_db.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_with_one_line_and_keeps_the_database(case, seeds, slug, previous_db, db_path):
    change, expected = CASES[case]
    change(seeds / slug)
    result = run_build("--seeds", str(seeds), "--db", str(previous_db))
    assert_failed_cleanly(result, expected, previous_db, db_path)
    assert str(seeds / slug) in result.stderr


def test_seeds_folder_with_no_articles(tmp_path, previous_db, db_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_build("--seeds", str(empty), "--db", str(previous_db))
    assert_failed_cleanly(result, [str(empty), "no articles found"], previous_db, db_path)


def test_check_validates_without_writing(seeds, slug, tmp_path):
    target = tmp_path / "never.db"
    ok = run_build("--seeds", str(seeds), "--db", str(target), "--check")
    assert ok.returncode == 0 and "checked" in ok.stdout
    edit("speaker: pablo-monroy-conesa", "speaker: nobody")(seeds / slug)
    bad = run_build("--seeds", str(seeds), "--db", str(target), "--check")
    assert bad.returncode == 1 and "unknown people id 'nobody'" in bad.stderr
    assert not target.exists()


def test_successful_build_replaces_the_database(seeds, previous_db):
    previous_db.write_bytes(b"not a database")
    result = run_build("--seeds", str(seeds), "--db", str(previous_db))
    assert result.returncode == 0, result.stderr
    assert previous_db.read_bytes().startswith(b"SQLite format 3\x00")


def test_database_folder_that_does_not_exist(seeds, tmp_path):
    result = run_build("--seeds", str(seeds), "--db", str(tmp_path / "missing" / "facts.db"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "does not exist" in result.stderr


@pytest.mark.parametrize("flag,target", [("--seeds", "README.md"), ("--db", "seeds")])
def test_wrong_kind_of_path_is_one_line(flag, target, seeds, previous_db, db_path):
    args = {"--seeds": str(seeds), "--db": str(previous_db)}
    args[flag] = target
    result = run_build(*[part for pair in args.items() for part in pair])
    assert_failed_cleanly(result, [target], previous_db, db_path)


def test_two_articles_cannot_make_the_same_id(seeds, slug, previous_db, db_path):
    # "peru-severs-relations-chavez" + key "asylum-q1" collides with the seed's "...-asylum" + "q1"
    twin = seeds / "peru-severs-relations-chavez"
    shutil.copytree(seeds / slug, twin)
    edit("  - id: q1\n", "  - id: asylum-q1\n")(twin)
    result = run_build("--seeds", str(seeds), "--db", str(previous_db))
    assert_failed_cleanly(result, ["facts.yml", "quotes id 'peru-severs-relations-chavez-asylum-q1' is also made by"], previous_db, db_path)


def test_a_build_that_fails_while_writing_leaves_the_database_alone(seeds, previous_db, db_path, monkeypatch):
    """The seeds are fine; the disk gives out after the tables are written (simulated at the
    full-text index step). The half-written file must not replace the previous database or stay behind."""
    import sqlite3

    import sqlite_utils

    import build_db

    def disk_full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_utils.db.Table, "enable_fts", disk_full)
    with pytest.raises(build_db.BuildError, match="cannot write the database: database or disk is full"):
        build_db.build(seeds, previous_db)
    assert previous_db.read_bytes() == db_path.read_bytes()
    assert sorted(p.name for p in previous_db.parent.iterdir()) == ["facts.db", "seeds"]
