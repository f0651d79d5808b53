"""Build: stream the archive into a temporary database beside the target, then rename it into
place, so a failed build never touches the previous database."""
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from .archive import SHARED, article_folders, load_archive, write_entities
from .database import create_tables, finish
from .errors import BuildError


@contextmanager
def replacing(db_path):
    """Yield a temporary path beside db_path; rename it over db_path only if the block succeeds."""
    db_path = Path(db_path)
    if not db_path.parent.is_dir():
        raise BuildError(f"{db_path}: folder {db_path.parent} does not exist")
    if db_path.is_dir():
        raise BuildError(f"{db_path}: is a folder, not a database file")
    tmp_path = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
        os.close(handle)
        tmp_path = Path(name)  # empty: SQLite treats it as a new database
        yield tmp_path
        os.chmod(tmp_path, 0o644)  # mkstemp makes it private; the database is published
        os.replace(tmp_path, db_path)
    except (OSError, sqlite3.Error) as e:
        raise BuildError(f"{db_path}: cannot write the database: {e}")
    finally:
        if tmp_path is not None:
            tmp_path.unlink(missing_ok=True)
            Path(f"{tmp_path}-journal").unlink(missing_ok=True)


def write_archive(folders, path):
    """Every article into a new database at path; returns row counts per table."""
    db = sqlite_utils.Database(path)
    try:
        db.execute("pragma journal_mode = off")  # a failed build is thrown away whole
        db.execute("pragma synchronous = off")
        entities = {name: {} for name in SHARED}
        with db.conn:
            create_tables(db)
            counts = load_archive(db.conn, folders, entities)
            write_entities(db.conn, entities)
        finish(db)
    finally:
        db.close()
    return counts


def build(seeds_dir, db_path):
    """Parse, validate and write every article; replace db_path atomically. Returns counts."""
    folders = article_folders(seeds_dir)
    with replacing(db_path) as tmp_path:
        return write_archive(folders, tmp_path)


def check(seeds_dir):
    """Everything a build checks (ids across articles included), without keeping a database."""
    folders = article_folders(seeds_dir)
    with tempfile.TemporaryDirectory(prefix="facts-check-") as folder:
        try:
            return write_archive(folders, Path(folder) / "check.db")
        except sqlite3.Error as e:
            raise BuildError(f"{seeds_dir}: cannot check: {e}")
