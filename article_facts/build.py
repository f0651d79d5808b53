"""Build: stream the archive into a temporary database beside the target, then rename it into
place, so a failed build never touches the previous database. Its exports and its inspect file
(hash and counts: article_facts/inspect_file.py) are written first, so a running server that
sees the new file finds them ready (article_facts/live.py)."""
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from .archive import SHARED, append_article, article_folders, insert_article, load_archive, write_entities
from .article import parse_article
from .database import FTS_TABLES, TABLES, count_tables, create_tables, finish
from .errors import BuildError
from .progress import QUIET, build_progress
from .exports import database_sha256, remove_other_exports, remove_stale_export_temps, write_exports
from .inspect_file import recorded_sources, sources_read, sources_with, write_inspect
from .remove_article import remove_article
from .variants import link_all, link_article
from .safe_files import one_writer, remove_stale_temp_files, temporary_database, terminate_like_interrupt


@contextmanager
def writing(path):
    """The database being written at path, closed when the block succeeds. On a failure it is
    left to the garbage collector: a Ctrl-C can leave one of sqlite-utils' atomic() blocks
    unfinished, and it rolls back on this connection when the traceback holding it is freed;
    closed here, that rollback printed "Exception ignored ... closed database" after the
    build's one-line error. The file itself goes with the failed build (replacing())."""
    db = sqlite_utils.Database(path)
    yield db  # an exception from the block propagates from here, with the connection open
    db.close()


@contextmanager
def replacing(db_path):
    """Yield a temporary path beside db_path; rename it over db_path only if the block succeeds.
    One build or append at a time writes to the folder (safe_files.one_writer). The file is
    locked while this build runs and removed on any failure, Ctrl-C or SIGTERM
    included (safe_files.temporary_database); a killed build's files go at the next build."""
    db_path = Path(db_path)
    if not db_path.parent.is_dir():
        raise BuildError("no_folder", f"folder {db_path.parent} does not exist", file=db_path)
    if db_path.is_dir():
        raise BuildError("not_a_file", "is a folder, not a database file", file=db_path)
    try:
        with one_writer(db_path), temporary_database(db_path) as tmp_path:
            yield tmp_path
    except (OSError, sqlite3.Error) as e:
        raise BuildError("cannot_write", f"cannot write the database: {e}", file=db_path)


def write_archive(folders, path, progress=QUIET):
    """Every article into a new database at path; returns row counts per table. progress
    (article_facts.progress) hears of each article and each phase after them."""
    with writing(path) as db:
        db.execute("pragma journal_mode = off")  # a failed build is thrown away whole
        db.execute("pragma synchronous = off")
        entities = {name: {} for name in SHARED}
        with db.conn:
            create_tables(db)
            counts = load_archive(db.conn, folders, entities, progress.article)
            write_entities(db.conn, entities)
        progress.phase("indexes")
        with db.conn:  # the same wording across articles, before its tables' indexes
            link_all(db.conn)
        finish(db, progress.phase)
    return counts


def build(seeds_dir, db_path, show_progress=False):
    """Parse, validate and write every article; replace db_path atomically. Returns counts.
    SIGTERM and SIGHUP stop it like Ctrl-C; a killed build's temporary files are removed
    first, even when this build then fails. show_progress: on stderr, when it is a terminal
    (the command line asks for it; library callers stay quiet)."""
    with terminate_like_interrupt():
        if Path(db_path).parent.is_dir():
            remove_stale_temp_files(db_path)
            remove_stale_export_temps(db_path)
        read_ns = time.time_ns()  # before any folder is listed or read
        folders = article_folders(seeds_dir)
        progress = build_progress(len(folders)) if show_progress else QUIET
        try:
            with replacing(db_path) as tmp_path:
                counts = write_archive(folders, tmp_path, progress)
                progress.phase("exports")
                exported = write_exports(tmp_path, db_path)  # before the rename: never behind it
                # its hash and counts, for live serving, and what it was made from
                write_inspect(tmp_path, db_path, exported, sources_read(seeds_dir, read_ns))
        finally:
            progress.close()
        remove_other_exports(db_path, exported)
        return counts


def append(folder, db_path):
    """Add one new article folder to the database at db_path without rebuilding:
    a copy of the database gets the article's rows, its merged people, organizations and
    countries, their full-text rows and fresh counts, then replaces db_path atomically. The
    result holds what a full build of the seeds with the article would hold (rowids aside)."""
    def add(conn):
        article_id = append_article(conn, folder)
        link_article(conn, article_id)  # the same wording across articles
        return article_id, SHARED
    return publish_one(db_path, folder, add)


def replace(folder, db_path, exports=True):
    """Publish a changed article folder that is already in the database (a review save)
    without rebuilding: a copy of the database loses the article's old rows (its own tables,
    their full-text rows, its statements in the same-wording groups: remove_article) and gets
    the new ones, fresh counts, then replaces db_path atomically. Only for an edit that leaves
    the article's people, organizations and countries as they were (the caller compares the
    old and new facts.yml: review/saving.py); those tables are not touched, and the result
    holds what a full build would (rowids aside). exports=False: no whole-table exports for
    the new database (rewriting them is most of the cost at scale: bench/results.md); the old
    ones are removed, and Datasette answers their URLs until the next full build."""
    def swap(conn):
        tables = parse_article(folder)
        article_id = tables["articles"][0]["id"]
        if not conn.execute("select 1 from articles where id = ?", [article_id]).fetchone():
            raise BuildError("not_in_database", f"article '{article_id}' is not in the database: run a full build",
                             file=folder)
        relink = remove_article(conn, article_id, tables["quotes"])
        insert_article(conn, folder, tables)
        if relink:
            link_article(conn, article_id)
        return article_id, ()
    return publish_one(db_path, folder, swap, exports)


def publish_one(db_path, folder, change, exports=True):
    """A copy of the database at db_path, changed for one article folder by change(conn) ->
    (its id, the shared tables it changed), its full-text rows (the article's own; the shared
    tables' rebuilt) and counts brought up to date, renamed over db_path with its exports
    (unless exports is False) and inspect file, whose sources add this folder's read time to
    the database's (unknown when those are). Returns the article's id."""
    db_path, read_ns = Path(db_path), time.time_ns()  # before the folder is read
    with terminate_like_interrupt():
        if not db_path.is_file():
            raise BuildError("no_database", "no database to add to: run a full build first", file=db_path)
        with replacing(db_path) as tmp_path:
            # under the one-writer lock: the sources of the file copied next
            sources = sources_with(recorded_sources(db_path), folder, read_ns)
            shutil.copyfile(db_path, tmp_path)
            with writing(tmp_path) as db:
                check_schema(db, db_path)
                db.execute("pragma journal_mode = off")  # a failed change is thrown away whole
                with db.conn:
                    article_id, shared = change(db.conn)
                    for name, columns in FTS_TABLES.items():
                        if name in SHARED:
                            if name in shared:
                                db.execute(f"insert into [{name}_fts]([{name}_fts]) values ('rebuild')")
                        else:
                            db.execute(
                                f"insert into [{name}_fts](rowid, {', '.join(f'[{c}]' for c in columns)}) "
                                f"select rowid, {', '.join(f'[{c}]' for c in columns)} from [{name}] "
                                "where article_id = ?", [article_id])
                count_tables(db)
                db.execute("analyze")
            exported = write_exports(tmp_path, db_path) if exports else database_sha256(tmp_path)
            write_inspect(tmp_path, db_path, exported, sources)
        remove_other_exports(db_path, exported)
    return article_id


def check_schema(db, db_path):
    """An append writes today's columns: a database built by an older build_db.py needs a full
    build first (it would fail half-way, or miss what the pages now read)."""
    for name, (columns, _) in TABLES.items():
        missing = [column for column in columns if column not in db[name].columns_dict]
        if missing:
            raise BuildError("older_database", f"built by an older build_db.py (table {name} has no column "
                             f"{missing[0]}): run a full build", file=db_path)


def check(seeds_dir):
    """Everything a build checks (ids across articles included), without keeping a database."""
    return check_folders(article_folders(seeds_dir), seeds_dir)


def check_folders(folders, where):
    """check() for a given list of article folders (the extractor checks a draft together with
    the archive's real folders: seeds folders may not be symbolic links)."""
    with tempfile.TemporaryDirectory(prefix="facts-check-") as folder:
        try:
            return write_archive(folders, Path(folder) / "check.db")
        except sqlite3.Error as e:
            raise BuildError("cannot_check", f"cannot check: {e}", file=where)
