"""One save: the action's new facts.yml is checked before anything is written, then renamed
into place, then published; a refused edit leaves the seeds and the database as they were.

Two paths, chosen per save (the result is the same database a full build makes, rowids aside:
tests/test_review_fast.py compares them for every action):
- "replace", the common case: the edit leaves the article's people, organizations and
  countries exactly as they were (parsed from the old and the new facts.yml: an accept, a
  reject, fixed words, a title or headline, a speaker the article already lists). It is checked
  as `add` checks a new article, with the archive index (archive_index.check_article: the
  article's own check, its entities and ids against the archive's), and published by
  build.replace (the article's rows swapped in a copy of the database), without rewriting the
  whole-table exports (most of a publish's cost at scale: the old ones are removed, so none is
  ever stale, and Datasette answers their URLs until the next full build; the Docker image
  builds its own). What still grows with the archive: the index's sweep (a listing and a stat
  a folder), copying the database, its hash, its count tables and statistics (bench/results.md).
- "build": anything else (a new person, a changed entity, an entity the article no longer
  gives), or when the index has a problem a full build would report, or the database is not
  known to hold the seeds as they are now (in_database: another folder added, removed or
  edited by hand since it was read, this one edited by hand, a database built from another
  seeds folder), or the index cannot be opened: the whole archive is checked and the database
  fully rebuilt, as before.
  People, organizations and countries are merged across articles (names unioned, `checked`
  once any article checks them): taking one article's part out of them again is the build's
  whole merge over again.

The server runs each save in a process of its own (save_in_own_process): the check and the
build fork parser and export workers once an archive is large enough (article_facts/parallel.py),
and forking the server, whose threads may hold locks, could leave a worker waiting forever.
"""
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..archive import SHARED, article_folders
from ..archive_index import open_index
from ..article import parse_article
from ..build import build, check_folders, replace
from ..errors import BuildError
from ..inspect_file import recorded_sources, seeds_key
from ..reading import read_article, read_bytes
from . import actions


def article_folder(seeds_dir, slug):
    """The article's folder, only if it is one of the archive's article folders."""
    folders = article_folders(seeds_dir)
    if slug not in {Path(f).name for f in folders}:
        raise BuildError("no_article", f"no article '{slug}' in the seeds folder", file=seeds_dir)
    return Path(seeds_dir) / slug, folders


def save(seeds_dir, db_path, slug, form):
    """Apply one action; returns (summary, timings: check and build seconds, and the path,
    "replace" or "build", see the module docstring). A BuildError (the one-line message the
    page shows) means nothing was written."""
    seeds_dir = Path(seeds_dir)
    folder, folders = article_folder(seeds_dir, slug)
    facts_path = folder / "facts.yml"
    started = time.perf_counter()
    text = read_bytes(facts_path).decode("utf-8")
    body = read_article(folder / "article.txt")
    new_text, summary = actions.apply(text, facts_path, form, body)
    with tempfile.TemporaryDirectory(prefix=".review-", dir=seeds_dir.parent) as scratch:
        copy = Path(scratch) / slug
        copy.mkdir()
        shutil.copyfile(folder / "article.txt", copy / "article.txt")
        (copy / "facts.yml").write_text(new_text, encoding="utf-8")
        try:
            path = checked(seeds_dir, db_path, folder, copy, folders)
        except BuildError as e:
            if e.file and Path(e.file).parent == copy:  # name the real file, not the scratch copy
                e = BuildError.from_state({**e.state(), "file": str(folder / Path(e.file).name)})
            raise e
        checked_at = time.perf_counter()
        original = read_bytes(facts_path)
        (copy / "facts.yml").replace(facts_path)  # same file system: an atomic rename
        try:
            if path == "replace":
                replace(folder, db_path, exports=False)
            else:
                build(seeds_dir, db_path)
        except BaseException:  # not published (another build writing, a failure): not saved either
            (copy / "facts.yml").write_bytes(original)
            (copy / "facts.yml").replace(facts_path)
            raise
    built = time.perf_counter()
    return summary, {"check": checked_at - started, "build": built - checked_at, "path": path}


def checked(seeds_dir, db_path, folder, copy, folders):
    """Check the edited copy of the article; returns the path to publish it by ("replace" when
    the one-article check was enough, "build" when the whole archive was checked)."""
    index = clean_index(seeds_dir)
    if index is not None:
        try:
            tables = parse_article(copy)  # its error is the one the full check would give first
            if one_article(db_path, seeds_dir, folders, folder, tables):
                index.check_article(copy, tables)
                return "replace"
        finally:
            index.close()
    check_folders([copy if Path(f).name == folder.name else f for f in folders], seeds_dir)
    return "build"


def clean_index(seeds_dir):
    """The archive index, open, when every other folder passes the build's check (as `add`
    requires); else None (the full check then says what is wrong, in its own words)."""
    try:
        index = open_index(seeds_dir)
    except (BuildError, sqlite3.Error, OSError):
        return None
    if index.problem() is not None:
        index.close()
        return None
    return index


def one_article(db_path, seeds_dir, folders, folder, tables):
    """Whether the new tables can replace the article's rows: the database holds the seeds as
    they are now (in_database), and the article's people, organizations and countries are
    those of its old facts.yml."""
    try:
        return in_database(db_path, seeds_dir, folders) and merged_rows(parse_article(folder)) == merged_rows(tables)
    except (BuildError, OSError, sqlite3.Error):
        return False


def in_database(db_path, seeds_dir, folders):
    """Whether the database at db_path holds every folder of seeds_dir as it is now: its
    inspect file's sources (inspect_file.sources_read) name this seeds folder, its articles
    are exactly these folders, and no facts.yml or article.txt changed at or after the time its
    article was last read. ctime, not mtime: a copy that keeps times (cp -p, rsync -t, tar)
    cannot set it back."""
    sources = recorded_sources(db_path)
    if sources is None or sources["seeds"] != seeds_key(seeds_dir):
        return False
    read_ns, since = sources["read_ns"], sources["since"]
    for f in folders:
        limit = since.get(f.name, read_ns)
        if any((f / name).stat().st_ctime_ns >= limit for name in ("facts.yml", "article.txt")):
            return False
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        ids = {row[0] for row in conn.execute("select id from articles")}
    finally:
        conn.close()
    return ids == {f.name for f in folders}


def merged_rows(tables):
    """The article's part of the tables merged across articles, as the build merges them."""
    return {name: sorted(tables[name], key=lambda row: row["id"]) for name in SHARED}


def save_in_own_process(seeds_dir, db_path, slug, form):
    """save() in a new Python process (see the module docstring): the same result, or the same
    BuildError, which crosses the process boundary as its state."""
    done = subprocess.run(
        [sys.executable, "-m", "article_facts.review.saving", str(seeds_dir), str(db_path), slug],
        input=json.dumps(form), capture_output=True, text=True)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise BuildError("save_failed", f"the save stopped: {(done.stderr.strip().splitlines() or ['no output'])[-1]}",
                         file=Path(seeds_dir) / slug / "facts.yml")
    if "error" in answer:
        raise BuildError.from_state(answer["error"])
    return answer["summary"], answer["timings"]


def main(argv=None):
    """python -m article_facts.review.saving SEEDS DB SLUG < form.json: one JSON line out."""
    seeds_dir, db_path, slug = (argv or sys.argv[1:])
    try:
        summary, timings = save(seeds_dir, db_path, slug, json.loads(sys.stdin.read()))
    except BuildError as e:
        print(json.dumps({"error": e.state()}, default=str))
        return 2
    print(json.dumps({"summary": summary, "timings": timings}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
