"""`build_db.py append`: adding one article to a built database gives what a full build gives."""
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import build_db
from article_facts import facet_counts
from article_facts.database import COUNT_TABLES, FTS_TABLES, TABLES, VIEWS

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The seed article plus 24 synthetic ones (people shared between them, with a skew)."""
    folder = tmp_path_factory.mktemp("append")
    seeds = folder / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "24", "--out", str(seeds),
                    "--seed", "11"], check=True, capture_output=True)
    shutil.copytree(ROOT / "seeds" / "peru-severs-relations-chavez-asylum", seeds / "peru-severs-relations-chavez-asylum")
    return seeds


def content(db_path):
    """Every row of every table, count table and view, ordered by value (rowids are not content),
    and which ids each full-text index finds for a few words."""
    conn = sqlite3.connect(db_path)
    found = {}
    for name in list(TABLES) + list(COUNT_TABLES) + list(VIEWS) + [facet_counts.TABLE]:
        found[name] = sorted(conn.execute(f"select * from [{name}]").fetchall(), key=repr)
    for name in FTS_TABLES:
        conn.execute(f"insert into [{name}_fts]([{name}_fts]) values ('integrity-check')")
        for word in ("said", "minister", "Chavez", "government", "the"):
            found[f"{name}_fts {word}"] = sorted(r[0] for r in conn.execute(
                f"select t.id from [{name}_fts] f join [{name}] t on t.rowid = f.rowid where [{name}_fts] match ?",
                [word]))
    conn.close()
    return found


@pytest.mark.parametrize("position", [0, 12, -1])
def test_append_gives_what_a_full_build_gives(synthetic, tmp_path, position):
    folders = sorted(p for p in synthetic.iterdir() if p.is_dir())
    added = folders[position]
    full = tmp_path / "full.db"
    build_db.build(synthetic, full)
    without = tmp_path / "seeds"
    shutil.copytree(synthetic, without)
    shutil.rmtree(without / added.name)
    incremental = tmp_path / "facts.db"
    build_db.build(without, incremental)
    result = subprocess.run([sys.executable, "build_db.py", "append", str(added), "--db", str(incremental)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"appended {added.name} to {incremental}"
    before, after = content(full), content(incremental)
    assert before.keys() == after.keys()
    for name in before:
        assert before[name] == after[name], name
    people = dict(sqlite3.connect(incremental).execute("select id, names from people"))
    assert any(names.count(",") for names in people.values())  # merged name forms survive


def refused(argv, db, message):
    """Run build_db.py with argv: it must stop with exit status 1 and one line, `Error: message`,
    and leave db byte-identical."""
    before = db.read_bytes()
    result = subprocess.run([sys.executable, "build_db.py", *map(str, argv), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Error: {message}"]
    assert db.read_bytes() == before


def test_append_refuses_an_article_already_there_and_leaves_the_database(synthetic, tmp_path):
    db = tmp_path / "facts.db"
    build_db.build(synthetic, db)
    folder = next(p for p in sorted(synthetic.iterdir()) if p.is_dir())
    refused(["append", folder], db, f"{folder}: article '{folder.name}' is already in the database: run a full build")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.db", "facts.exports", "facts.inspect.json"]


def test_append_needs_a_built_database(synthetic, tmp_path):
    folder = next(p for p in sorted(synthetic.iterdir()) if p.is_dir())
    with pytest.raises(build_db.BuildError, match="no database to add to"):
        build_db.append(folder, tmp_path / "facts.db")


@pytest.mark.parametrize("command", ["append", "build"])
def test_one_writer_at_a_time(synthetic, tmp_path, command):
    """While one build or append writes to the folder, another refuses at once and leaves the
    database as it was (two at once would lose one article)."""
    db = tmp_path / "facts.db"
    build_db.build(synthetic, db)
    folder = next(p for p in sorted(synthetic.iterdir()) if p.is_dir())
    argv = ["append", folder] if command == "append" else ["--seeds", synthetic]
    holder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # as a running build holds it
        refused(argv, db, f"{db}: another build or append is writing to {tmp_path}; run them one at a time")
    finally:
        os.close(holder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.db", "facts.exports", "facts.inspect.json"]


def test_append_to_a_database_from_an_older_build_asks_for_a_full_build(synthetic, tmp_path):
    db = tmp_path / "facts.db"
    build_db.build(synthetic, db)
    with sqlite3.connect(db) as conn:  # as built before mentions.quote_id existed
        conn.execute("drop index if exists idx_mentions_quote_id")
        for (name,) in conn.execute("select name from sqlite_master where type = 'index' and sql like '%quote_id is not null%'").fetchall():
            conn.execute(f"drop index [{name}]")
        conn.execute("alter table mentions drop column quote_id")
    folder = tmp_path / "new"
    shutil.copytree(next(p for p in sorted(synthetic.iterdir()) if p.is_dir()), folder)
    refused(["append", folder], db,
            f"{db}: built by an older build_db.py (table mentions has no column quote_id): run a full build")
