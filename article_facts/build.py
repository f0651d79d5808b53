"""Build: parse and validate the whole archive, then replace the database atomically."""
import os
import sqlite3
import tempfile
from pathlib import Path

from .archive import parse_seeds
from .database import write_db
from .errors import BuildError


def build(seeds_dir, db_path):
    """Parse and validate everything, then replace db_path atomically."""
    tables = parse_seeds(seeds_dir)
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
        write_db(tables, tmp_path)
        os.replace(tmp_path, db_path)
    except (OSError, sqlite3.Error) as e:
        raise BuildError(f"{db_path}: cannot write the database: {e}")
    finally:
        if tmp_path is not None:
            tmp_path.unlink(missing_ok=True)
    return tables
