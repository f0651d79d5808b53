"""The data contract is declared once (article_facts/contract.py) and everything derives from
it: the YAML checks, the tables, metadata.yml's column descriptions, the extractor's section
lists, and the database's name."""
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from article_facts import contract, database, schema
from article_facts.extract import draft
from article_facts.metadata_columns import described, rewritten

ROOT = Path(__file__).parent.parent
METADATA = ROOT / "metadata.yml"


def test_metadata_describes_every_column_as_the_contract_does(metadata):
    """`make metadata` writes these; this fails while metadata.yml and contract.py disagree."""
    found = described(metadata)
    for table, columns in contract.column_descriptions().items():
        assert list(found[table].items()) == list(columns.items()), table


def test_rewriting_metadata_changes_nothing_when_it_agrees():
    text = METADATA.read_text(encoding="utf-8")
    assert rewritten(text) == text


def test_rewriting_metadata_restores_the_columns_and_keeps_every_other_line():
    text = METADATA.read_text(encoding="utf-8")
    wrong = (text.replace("          start: Offset in articles.body.\n", "          start: wrong\n")
             .replace("          text: The words as they appear.\n", "")
             .replace("          mentions: Number of places it is named.\n",
                      "          mentions: Number of places it is named.\n          bogus: not a column\n")
             .replace("          name: English name.\n          acronym: Acronym as the article gives it (SRE, Segob).\n",
                      "          acronym: Acronym as the article gives it (SRE, Segob).\n          name: English name.\n"))
    assert wrong.count("\n") == text.count("\n") and wrong != text
    assert rewritten(wrong) == text


def test_a_table_without_columns_gets_them(tmp_path):
    text = METADATA.read_text(encoding="utf-8")
    block = re.search(r"\n        columns:\n(?:          .*\n)+(?=      countries:)", text)  # organizations'
    cut = text[:block.start()] + "\n" + text[block.end():]
    assert "columns" not in yaml.safe_load(cut)["databases"]["facts"]["tables"]["organizations"]
    assert yaml.safe_load(rewritten(cut)) == yaml.safe_load(text)


def test_the_tables_are_the_contracts():
    for name, columns in contract.TABLES.items():
        assert list(database.TABLES[name][0].items()) == [(column, kind) for column, kind, _, _ in columns]
        assert {fk[0]: fk[1] for fk in database.TABLES[name][1]} == {c: t for c, _, _, t in columns if t}


def test_the_views_have_the_declared_columns(db_path):
    db = sqlite_utils.Database(db_path)
    for name, columns in contract.VIEW_COLUMNS.items():
        assert db[name].columns_dict.keys() == {column for column, _, _, _ in columns}
        assert [c.name for c in db[name].columns] == [column for column, _, _, _ in columns]


def test_the_yaml_checks_are_the_contracts():
    quotes = schema.SECTIONS["quotes"]
    assert quotes.required_fields == {"id", "kind", "attribution", "text"}
    assert quotes.one_of == ("speaker", "speaker_organization", "unnamed_source")
    assert schema.REFERENCES[("quotes", "speaker")] == "people"
    assert set(schema.LIST_SECTIONS) == set(contract.SECTIONS) - {"article"}
    assert {field.name for section in contract.SECTIONS.values() for field in section.fields.values()
            if field.enum} >= {"kind", "attribution", "basis", "headline_source", "review"}


def test_the_extractor_drafts_every_section_in_facts_order():
    assert draft.SECTION_ORDER == ["article", "countries", "organizations", "people", "not_mentions", "roles",
                                   "quotes", "events", "legal_references", "editorial_notes"]
    assert contract.SHARED == ("countries", "organizations", "people")


def test_speaker_columns_are_derived():
    assert contract.SPEAKER_COLUMNS == {"speaker_id", "cited_by_id", "reported_by_id", "person_id",
                                        "speaker_organization_id", "cited_by_organization_id"}


def test_the_database_name_is_declared_once():
    """Every other module imports contract.DATABASE_NAME: no second `= "facts"`."""
    declared = []
    for path in sorted((ROOT / "article_facts").rglob("*.py")) + sorted((ROOT / "plugins").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"""\s*\w+\s*=\s*["']facts["']""", line):
                declared.append(f"{path.relative_to(ROOT)}:{number}")
    assert declared == ["article_facts/contract.py:" + str(next(
        n for n, line in enumerate((ROOT / "article_facts" / "contract.py").read_text().splitlines(), 1)
        if line.startswith("DATABASE_NAME = ")))]


# ---- adding a field touches one place -------------------------------------------------------

NEW_FIELD = '''        Field("tone", "How the words are said, as the text describes it.", enum=("calm", "angry")),\n'''


@pytest.fixture(scope="module")
def patched(tmp_path_factory):
    """A copy of the code with one line added to contract.py: a quote's `tone`."""
    root = tmp_path_factory.mktemp("one-field")
    shutil.copytree(ROOT / "article_facts", root / "article_facts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build_db.py", root)
    shutil.copy(METADATA, root)
    path = root / "article_facts" / "contract.py"
    text = path.read_text(encoding="utf-8")
    anchor = "        OCCURRENCE,\n    )),\n    Section(\"events\""
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, NEW_FIELD + anchor), encoding="utf-8")
    return root


def run(root, *args):
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=300)


def seeds_with(root, seeds_dir, old, new):
    seeds = root / f"seeds-{abs(hash(new))}"
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.copytree(seeds_dir, seeds)
    path = next(seeds.glob("*/facts.yml"))
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return seeds


def test_a_field_added_in_contract_py_is_checked_stored_and_described(patched, seeds_dir):
    old = "  - id: q1\n"
    seeds = seeds_with(patched, seeds_dir, old, "  - id: q1\n    tone: calm\n")
    built = run(patched, "build_db.py", "--seeds", seeds.name, "--db", "facts.db")
    assert built.returncode == 0, built.stderr
    with sqlite3.connect(patched / "facts.db") as conn:
        columns = [row[1] for row in conn.execute("pragma table_info(quotes)")]
        tones = dict(conn.execute("select id, tone from quotes where tone is not null"))
    assert columns[-1] == "tone" and columns[:-1] == list(database.TABLES["quotes"][0])  # nothing else moved
    assert tones == {"peru-severs-relations-chavez-asylum-q1": "calm"}

    bad = seeds_with(patched, seeds_dir, old, "  - id: q1\n    tone: loud\n")
    refused = run(patched, "build_db.py", "--seeds", bad.name, "--check")
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("quotes[0] (q1): field 'tone' is 'loud', expected one of angry, calm")

    written = run(patched, "-m", "article_facts.metadata_columns", "metadata.yml")
    assert written.returncode == 0, written.stderr
    tables = yaml.safe_load((patched / "metadata.yml").read_text(encoding="utf-8"))["databases"]["facts"]["tables"]
    assert list(tables["quotes"]["columns"])[-1] == "tone"
    assert tables["quotes"]["columns"]["tone"] == "How the words are said, as the text describes it."
