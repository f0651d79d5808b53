"""The inspect file beside a database (facts.db -> facts.inspect.json): its SHA-256 and table
counts, in `datasette inspect`'s format, so that serving an immutable version needs no hashing
of gigabytes.

The build and `append` write it for the new database just before renaming the database into
place (article_facts/build.py), with the file's inode and modification time beside its size:
a rename keeps all three, so the entry names exactly one file, and a server that sees a new
facts.db finds its hash and counts already written (article_facts/live.py). A file made by
`datasette inspect` has no inode or time; it is trusted for a file of its size written before
it, as serve.py always did.
"""
import contextlib
import json
import os
import sqlite3
from pathlib import Path

from .safe_files import pid_alive, temp_name, temp_pattern

SUFFIX = ".inspect.json"


def inspect_path(db_path):
    """facts.db -> facts.inspect.json beside it (the Makefile's and the Dockerfile's name)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + SUFFIX)


def table_counts(path):
    """Rows of every table, as Datasette counts them (`select count(*)` of each table)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
        return {name: conn.execute(f'select count(*) from "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
                for name in names}
    finally:
        conn.close()


def describe(path, db_hash, served_as, sources=None):
    """The inspect entry of the database file at path, to be served as served_as; sources: when
    its article folders were read (sources_read())."""
    stat = os.stat(path)
    return {
        "hash": db_hash,
        "size": stat.st_size,
        "file": str(served_as),
        "tables": {name: {"count": count} for name, count in table_counts(path).items()},
        "inode": stat.st_ino,
        "mtime_ns": stat.st_mtime_ns,
        **({"sources": sources} if sources is not None else {}),
    }


def sources_read(seeds_dir, read_ns, since=None):
    """What the database was made from: the seeds folder, the time (ns) just before the build
    read its articles, and the articles appended or replaced since, each with the time just
    before it was read. A file of the seeds changed (ctime) at or after its article's time is
    not in the database (the review server's one-article save relies on this)."""
    return {"seeds": seeds_key(seeds_dir), "read_ns": read_ns, "since": dict(since or {})}


def seeds_key(seeds_dir):
    """How sources name a seeds folder: its resolved path."""
    return str(Path(seeds_dir).resolve())


def sources_with(sources, folder, read_ns):
    """sources with one article folder (appended or replaced) read at read_ns; None when they
    are unknown or name another seeds folder."""
    if sources is None or sources["seeds"] != seeds_key(Path(folder).resolve().parent):
        return None
    return {**sources, "since": {**sources["since"], Path(folder).name: read_ns}}


def write_inspect(source_db, db_path, db_hash, sources=None):
    """Write db_path's inspect file for the finished database at source_db (the build's
    temporary file, renamed over db_path next), atomically: a reader sees the old file or
    the new one, never part of one."""
    db_path = Path(db_path)
    target = inspect_path(db_path)
    remove_stale_inspect_temps(target)
    data = {db_path.stem: describe(source_db, db_hash, db_path, sources)}
    tmp = temp_name(target)
    try:
        with open(tmp, "x", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def remove_stale_inspect_temps(target):
    """The half-written inspect files of killed builds (their process is gone)."""
    pattern = temp_pattern(target)
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            match = pattern.match(entry.name)
            if match and not pid_alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def describes(entry, stat, inspect_mtime=None):
    """True when the inspect entry was made for the file whose os.stat is stat: the same inode,
    size and modification time when the entry records them (ours), else the same size and an
    inspect file written after the database (`datasette inspect`'s)."""
    if not isinstance(entry, dict) or entry.get("size") != stat.st_size:
        return False
    if "inode" in entry and "mtime_ns" in entry:
        return (entry["inode"], entry["mtime_ns"]) == (stat.st_ino, stat.st_mtime_ns)
    return inspect_mtime is not None and inspect_mtime >= stat.st_mtime


def read_entry(db_path, name, stat):
    """The entry for the database `name` in db_path's inspect file when it describes the file
    whose os.stat is stat, else None (missing, unreadable, or made for another file)."""
    path = inspect_path(db_path)
    try:
        inspect_mtime = path.stat().st_mtime
        entry = json.loads(path.read_text(encoding="utf-8")).get(name)
        entry["hash"], entry["tables"]
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        return None
    return entry if describes(entry, stat, inspect_mtime) else None


def recorded_sources(db_path):
    """The sources entry of db_path's inspect file, when that file describes the database there
    now; else None (unknown: an older build, `datasette inspect`'s file, or another file)."""
    db_path = Path(db_path)
    try:
        entry = read_entry(db_path, db_path.stem, db_path.stat())
    except OSError:
        return None
    sources = entry.get("sources") if entry else None
    if not isinstance(sources, dict) or not isinstance(sources.get("since"), dict):
        return None
    return sources
