"""The bad-input corpus (tests/bad_inputs/cases.yml) through the real command line.

Each case is a small change to tests/bad_inputs/base/ and its exact one-line error (or a
correct build). The command runs in a subprocess with a time limit and an address-space
limit, so a regression that hangs or eats memory fails the case in seconds instead of
stalling CI; a failed build must leave the previous facts.db byte-identical and no
temporary file beside it.
"""
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import build_db

CORPUS = Path(__file__).parent / "bad_inputs"
BUILD_DB = Path(build_db.__file__)
TIME_LIMIT = 30  # seconds per build; every case takes a few at most
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for the build process
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
FIELDS = {"name", "edit", "write", "bytes", "make", "error", "ok"}


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_build(seeds, db, *extra):
    """python build_db.py --seeds X --db Y, bounded in time and memory."""
    return subprocess.run(
        [sys.executable, str(BUILD_DB), "--seeds", str(seeds), "--db", str(db), *extra],
        capture_output=True, text=True, errors="backslashreplace",
        timeout=TIME_LIMIT, preexec_fn=limit_memory, cwd=seeds.parent,
    )


def edit_file(path, old, new):
    text = path.read_text(encoding="utf-8", errors="surrogatepass")
    assert text.count(old) == 1, f"case no longer applies: {old!r} occurs {text.count(old)} times in {path.name}"
    path.write_bytes(text.replace(old, new).encode("utf-8", "surrogatepass"))


def make(seeds, step):
    """Build one run-time input: links, pipes, sockets, big files, odd names."""
    kind = step["kind"]
    path = seeds / step["path"]
    if kind == "symlink":
        path.unlink(missing_ok=True)
        os.symlink(step["target"].replace("{seeds}", str(seeds)), path)
    elif kind == "fifo":
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    elif kind == "socket":
        path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))  # the file stays after close; nothing listens
        server.close()
    elif kind == "sparse":
        with open(path, "wb") as handle:
            handle.truncate(step["size"])
    elif kind == "mkdir":
        path.mkdir()
    elif kind == "remove":
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    elif kind == "rename":
        os.rename(bytes(path), bytes(seeds) + b"/" + step["to"].encode("latin-1"))
    elif kind == "copy":
        shutil.copytree(path, seeds / step["to"])
    elif kind == "append":
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(step["text"] * step["times"] + "\n")
    elif kind == "nest":
        depth = step["depth"]
        edit_file(path, "not_mentions: [Mexico City]", "not_mentions: " + "[" * depth + "]" * depth)
    else:
        raise AssertionError(f"unknown kind of step: {kind}")


def prepare(case, seeds):
    assert set(case) <= FIELDS and ("error" in case) != ("ok" in case), case
    shutil.copytree(CORPUS / "base", seeds)
    article = seeds / "sample"
    for file, old, new in case.get("edit", []):
        edit_file(article / file, old, new)
    for file, text in case.get("write", {}).items():
        (article / file).write_text(text, encoding="utf-8")
    for file, text in case.get("bytes", {}).items():
        (article / file).write_bytes(text.encode("latin-1"))
    for step in case.get("make", []):
        make(seeds, step)


def check_offsets(db):
    """Every located row slices back out of its article's body."""
    checked = 0
    with sqlite3.connect(db) as conn:
        bodies = dict(conn.execute("select id, body from articles"))
        for table, column in [("paragraphs", "text"), ("quotes", "text"), ("mentions", "text"),
                              ("roles", "evidence"), ("events", "evidence"),
                              ("legal_references", "evidence"), ("editorial_notes", "as_written")]:
            for article_id, start, end, text in conn.execute(
                f"select article_id, start, end, {column} from {table}"
            ):
                assert bodies[article_id][start:end] == text, (table, start, end)
                checked += 1
    return checked


@pytest.fixture(scope="module")
def previous_db(tmp_path_factory):
    """A good database built from the corpus base, which every failed case must keep."""
    path = tmp_path_factory.mktemp("previous") / "facts.db"
    build_db.build(CORPUS / "base", path)
    return path


def test_corpus_is_large_and_named_uniquely():
    names = [case["name"] for case in CASES]
    assert len(names) >= 40 and len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case, tmp_path, previous_db):
    seeds = tmp_path / "seeds"
    out = tmp_path / "out"
    out.mkdir()
    prepare(case, seeds)
    db = out / "facts.db"
    shutil.copy(previous_db, db)
    result = run_build(seeds, db)
    leftovers = sorted(p.name for p in out.iterdir() if p.name not in ("facts.db", "facts.exports", "facts.inspect.json")) \
        + sorted(p.name for p in out.glob("facts.exports/.tmp-*"))
    assert leftovers == [], "temporary files left behind"
    if "error" in case:
        expected = case["error"].replace("{article}", str(seeds / "sample")).replace("{seeds}", str(seeds))
        assert (result.returncode, result.stderr, result.stdout) == (1, expected + "\n", "")
        assert db.read_bytes() == previous_db.read_bytes()
    else:
        assert result.returncode == 0, result.stderr
        assert result.stderr == "" and result.stdout.startswith(f"built {db}: ")
        with sqlite3.connect(db) as conn:
            counts = {table: conn.execute(f"select count(*) from {table}").fetchone()[0] for table in case["ok"]}
        assert counts == case["ok"]
        assert check_offsets(db) >= sum(case["ok"].values()) - case["ok"].get("articles", 0)


def test_a_lone_surrogate_from_any_yaml_loader_is_refused():
    """libyaml already rejects a "\\ud800" escape; PyYAML's pure-Python loader does not, so
    the text check refuses surrogates too, naming the entry and field."""
    from article_facts.errors import BuildError
    from article_facts.safe_text import check_yaml_text

    facts = yaml.load('quotes:\n  - id: q1\n    text: "a\\ud800"\n', Loader=yaml.SafeLoader)
    with pytest.raises(BuildError) as error:
        check_yaml_text("facts.yml", facts)
    assert str(error.value) == (
        "facts.yml: quotes[0] (q1): field 'text': character U+D800 (a lone surrogate, not valid Unicode text) is not allowed"
    )
