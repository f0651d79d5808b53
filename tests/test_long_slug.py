"""A slug names an article's folder and is part of its URLs and ids: one longer than
schema.MAX_SLUG_LENGTH is a one-line error naming where it came from, and nothing is written;
a slug the extractor makes from a long file name or first line is cut to fit."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from article_facts.extract import draft
from article_facts.schema import MAX_SLUG_LENGTH, SLUG_RE

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "tests" / "archive_samples" / "lima-embassy-safe-passage.txt"
LONG = "-".join(["abcdefghi"] * 30)  # 299 characters: more than a file name may hold (255 bytes)


def run(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "build_db.py"), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def listing(folder):
    """Every path under folder (the seeds' parent: the seeds and the archive index beside them)."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture
def archive(tmp_path, seeds_dir):
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    return tmp_path


@pytest.mark.parametrize("command", ["add", "extract"])
def test_a_long_slug_is_a_one_line_error_and_nothing_is_written(command, archive):
    before = listing(archive)
    result = run(command, str(SAMPLE), "--seeds", "seeds", "--slug", LONG, cwd=archive)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: --slug 'abcdefghi-abcdefghi")
    assert f"is {len(LONG)} characters long, more than the {MAX_SLUG_LENGTH} a slug may have" in result.stderr
    assert listing(archive) == before


def test_the_longest_slug_is_accepted(archive):
    slug = ("a" * 9 + "-") * 9 + "a" * 10
    assert len(slug) == MAX_SLUG_LENGTH
    result = run("add", str(SAMPLE), "--seeds", "seeds", "--slug", slug, cwd=archive)
    assert result.returncode == 0, result.stderr
    assert (archive / "seeds" / slug / "facts.yml").is_file()


@pytest.mark.parametrize("name,first_line", [
    ("x" * 200 + "-" + "y" * 40 + ".txt", None),  # one long word in the file name
    ("article.txt", "Z" * 300 + " rules"),  # a name that says nothing: the first line, one long word
    ("article.txt", " ".join(["Constitutionally"] * 8)),  # eight long words
])
def test_a_slug_made_from_a_long_name_or_line_is_cut_to_fit(name, first_line, archive, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    if first_line:
        text = first_line + "\n\n" + text
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    slug = draft.slug_for(path, text)
    assert SLUG_RE.match(slug) and 0 < len(slug) <= MAX_SLUG_LENGTH
    result = run("add", str(path), "--seeds", "seeds", cwd=archive)
    assert result.returncode == 0, result.stderr
    assert (archive / "seeds" / slug / "facts.yml").is_file()


def test_the_build_refuses_a_folder_with_a_long_name(archive):
    folder = archive / "seeds" / ("b" * (MAX_SLUG_LENGTH + 1))
    shutil.copytree(archive / "seeds" / "peru-severs-relations-chavez-asylum", folder)
    result = run("--seeds", "seeds", "--db", "facts.db", cwd=archive)
    assert result.returncode == 1 and not (archive / "facts.db").exists()
    assert result.stderr == (f"Error: {Path('seeds') / folder.name}: folder name is {MAX_SLUG_LENGTH + 1} characters "
                             f"long, more than the {MAX_SLUG_LENGTH} a slug may have\n")
