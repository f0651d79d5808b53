"""Build: parse and validate the whole archive, then replace the database atomically."""
import sqlite3
from pathlib import Path

from .archive import parse_seeds
from .database import write_db
from .errors import BuildError
from .safe_files import remove_stale_temp_files, temporary_database, terminate_like_interrupt


def build(seeds_dir, db_path):
    """Parse and validate everything, then replace db_path atomically. SIGTERM and SIGHUP
    stop the build like Ctrl-C; a killed build's temporary files go at the next build."""
    with terminate_like_interrupt():
        db_path = Path(db_path)
        if db_path.parent.is_dir():
            remove_stale_temp_files(db_path)  # even when this build then fails
        tables = parse_seeds(seeds_dir)
        if not db_path.parent.is_dir():
            raise BuildError(f"{db_path}: folder {db_path.parent} does not exist")
        if db_path.is_dir():
            raise BuildError(f"{db_path}: is a folder, not a database file")
        try:
            with temporary_database(db_path) as tmp_path:
                write_db(tables, tmp_path)
        except (OSError, sqlite3.Error) as e:
            raise BuildError(f"{db_path}: cannot write the database: {e}")
    return tables
