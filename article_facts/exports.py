"""Whole-table exports written beside the database at build time, served as static files.

Datasette 0.65 streams a whole table's CSV by re-running the table's query for every page of
rows; at 100,000 articles that is about 18,000 rows a second. The build writes each table of
the data contract (database.TABLES) once, in the table page's order (metadata.yml's `sort` or
`sort_desc`, then id), as

- <table>.csv: Datasette's CSV columns, formula cells neutralised (article_facts/csv_safe.py);
- <table>.labels.csv: the same with a <column>_label column after each foreign key, labelled
  by the other table's metadata.yml `label_column` (what `_labels=on` gives);
- <table>.ndjson: one JSON object a row, values exact (JSON is never neutralised);

into <db stem>.exports/<sha256 of the database file>/ (facts.exports/<hash>/ beside facts.db)
with a manifest.json naming each file's size, header length and SHA-256. The folder appears
by one rename once every file is written and synced, and is named by the content hash of the
database it was made from: article_facts/web/static_exports.py serves a file only when that
hash is the served database's, so a stale, partial or missing export is never served
(Datasette answers instead). The build and `build_db.py append` write the exports of the new
database before it replaces the old one, then remove the exports of other databases.
"""
import contextlib
import csv
import functools
import hashlib
import io
import json
import multiprocessing
import os
import secrets
import shutil
import sqlite3
from pathlib import Path

import yaml

from .csv_safe import cells_have_formula, safe_csv
from .database import TABLES
from .parallel import start_worker, workers
from .safe_files import pid_alive

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
MANIFEST = "manifest.json"
FORMAT = 1
BATCH_BYTES = 1024 * 1024  # rows fetched at a time: about this much text (a label can be a paragraph)
MAX_BATCH_ROWS = 5000
HASH_BLOCK = 1024 * 1024
PARALLEL_FROM_BYTES = 32 * 1024 * 1024  # below this, starting processes costs more than it saves


def exports_root(db_path):
    """facts.db -> facts.exports: the folder beside the database holding its exports."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".exports")


def database_sha256(path):
    """The SHA-256 of the database file (what `datasette inspect` records as its hash)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def table_plan(conn, table, tables_metadata):
    """Columns, ORDER BY and labelled foreign keys of one table's exports."""
    columns = [row[1] for row in conn.execute(f"pragma table_info({quoted(table)})")]
    meta = tables_metadata.get(table) or {}
    if meta.get("sort_desc"):
        order = f"{quoted(meta['sort_desc'])} desc, {quoted('id')}"
    elif meta.get("sort"):
        order = f"{quoted(meta['sort'])}, {quoted('id')}"
    else:
        order = quoted("id")
    labels = {}  # column -> (other table, other column, label column); the first key wins
    for _, _, other, column, other_column, *_ in conn.execute(
            f"pragma foreign_key_list({quoted(table)})").fetchall()[::-1]:
        labels[column] = (other, other_column, (tables_metadata.get(other) or {}).get("label_column"))
    labelled = {c: labels[c] for c in columns if c in labels}
    if any(label is None for _, _, label in labelled.values()):
        labelled = None  # a key Datasette would label without a label_column: no static file
    return columns, order, labelled


def csv_queries(table, columns, order, labelled):
    """(header, SQL) of the plain and, when labelled is not None, the labelled CSV."""
    select = ", ".join(f"t.{quoted(c)}" for c in columns)
    plain = (columns, f"select {select} from {quoted(table)} t order by {order}")
    if labelled is None:
        return plain, None
    header, parts = [], []
    for column in columns:
        header.append(column)
        parts.append(f"t.{quoted(column)}")
        if column in labelled:
            other, other_column, label = labelled[column]
            header.append(f"{column}_label")
            parts.append(f"(select o.{quoted(label)} from {quoted(other)} o "
                         f"where o.{quoted(other_column)} = t.{quoted(column)})")
    return plain, (header, f"select {', '.join(parts)} from {quoted(table)} t order by {order}")


class HashingFile:
    """A binary file written once, its size and SHA-256 counted on the way."""

    def __init__(self, path):
        self.handle = open(path, "xb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self):
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        return {"bytes": self.size, "sha256": self.digest.hexdigest()}


def batches(cursor):
    """The cursor's rows in batches of about BATCH_BYTES of text each, so memory stays small
    when rows are large (a label column holding a whole paragraph)."""
    size = 64
    while rows := cursor.fetchmany(size):
        yield rows
        text_bytes = sum(len(cell) for cell in rows[-1] if cell.__class__ is str) + 1
        size = max(1, min(MAX_BATCH_ROWS, BATCH_BYTES // text_bytes))


def csv_text(rows):
    """rows as csv.writer writes them (Datasette's writer: CRLF, minimal quoting)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


class TooLarge(Exception):
    """An export past its size budget: Datasette serves that URL instead."""


def write_csv(conn, path, header, sql, max_bytes=None):
    """The header and every row of sql as CSV, formula cells neutralised; TooLarge past
    max_bytes."""
    out = HashingFile(path)
    head = safe_csv(csv_text([header])).encode("utf-8")
    out.write(head)
    for rows in batches(conn.execute(sql)):
        text = csv_text(rows)
        out.write((safe_csv(text) if cells_have_formula(rows) else text).encode("utf-8"))
        if max_bytes is not None and out.size > max_bytes:
            out.close()
            raise TooLarge(path)
    return dict(out.close(), header_bytes=len(head))


def ndjson_sql(table, columns, order):
    """One JSON object a row, in SQLite's own JSON (exact values, no neutralising)."""
    pairs = ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}', t.{quoted(c)}" for c in columns)
    return f"select json_object({pairs}) from {quoted(table)} t order by {order}"


def write_ndjson(conn, path, sql):
    out = HashingFile(path)
    for rows in batches(conn.execute(sql)):
        out.write(("\n".join(row[0] for row in rows) + "\n").encode("utf-8"))
    return out.close()


def export_tasks(conn, folder, tables_metadata):
    """One task a file: (table, manifest key, path, header or None for NDJSON, SQL), the
    largest tables first so that parallel workers finish together."""
    names = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    tables = [t for t in TABLES if t in names]
    sizes = {t: conn.execute(f"select count(*) from {quoted(t)}").fetchone()[0] for t in tables}
    tasks, same = [], []
    for table in sorted(tables, key=lambda t: -sizes[t]):
        columns, order, labelled = table_plan(conn, table, tables_metadata)
        plain, labels = csv_queries(table, columns, order, labelled)
        if labels and labelled:
            tasks.append((table, "labels_csv", str(folder / f"{table}.labels.csv"), *labels))
        elif labelled == {}:  # no foreign keys: the labelled file is the same file
            same.append(table)
        tasks.append((table, "csv", str(folder / f"{table}.csv"), *plain))
        tasks.append((table, "ndjson", str(folder / f"{table}.ndjson"), None, ndjson_sql(table, columns, order)))
    return tasks, same


def labels_budget(source_db):
    """A labelled file repeats the other table's label (a paragraph's text, say) in every row:
    past this size it is not written (an article naming someone 50,000 times in one long
    paragraph would make gigabytes), and Datasette answers `_labels=on` for that table."""
    return max(64 * 1024 * 1024, 2 * Path(source_db).stat().st_size)


def run_task(source_db, task):
    """(table, manifest key, entry) for one file, the entry None when it was too large."""
    table, key, path, header, sql = task
    conn = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    try:
        if header is None:
            entry = write_ndjson(conn, path, sql)
        else:
            budget = labels_budget(source_db) if key == "labels_csv" else None
            entry = write_csv(conn, path, header, sql, budget)
    except TooLarge:
        Path(path).unlink()
        return table, key, None
    finally:
        conn.close()
    return table, key, dict(entry, file=Path(path).name)


def run_tasks(source_db, tasks):
    """Every task's result, in worker processes (forks of the build, like its parsers) when
    the database is large enough to be worth it."""
    count = workers()
    if count < 2 or Path(source_db).stat().st_size < PARALLEL_FROM_BYTES:
        return [run_task(source_db, task) for task in tasks]
    context = multiprocessing.get_context("fork")
    with context.Pool(count, initializer=start_worker, initargs=(os.getpid(),)) as pool:
        return list(pool.imap_unordered(functools.partial(run_task, str(source_db)), tasks))


def load_tables_metadata(metadata_path=METADATA):
    metadata = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8")) or {}
    databases = metadata.get("databases") or {}
    return next(iter(databases.values()), {}).get("tables") or {} if databases else {}


def write_exports(source_db, db_path, metadata_path=METADATA):
    """Write the exports of the finished database at source_db (the build's temporary file)
    for the database that will be at db_path; returns the database's hash. The folder
    <exports>/<hash> appears whole or not at all."""
    db_hash = database_sha256(source_db)
    root = exports_root(db_path)
    final = root / db_hash
    if (final / MANIFEST).is_file():
        return db_hash  # the same database again (a rebuild of the same seeds)
    root.mkdir(exist_ok=True)
    remove_stale_export_temps(db_path)
    tmp = root / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        manifest = {"format": FORMAT, "database_sha256": db_hash, "tables": {}}
        tables_metadata = load_tables_metadata(metadata_path)
        conn = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
        try:
            tasks, same = export_tasks(conn, tmp, tables_metadata)
        finally:
            conn.close()
        for table, key, entry in run_tasks(source_db, tasks):
            if entry is not None:
                manifest["tables"].setdefault(table, {})[key] = entry
        for table in same:
            manifest["tables"][table]["labels_csv"] = manifest["tables"][table]["csv"]
        with open(tmp / MANIFEST, "x", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
        sync_folder(root)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return db_hash


def sync_folder(folder):
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_export_temps(db_path):
    """Remove the half-written export folders of builds that were killed (their process is
    gone); a running build's folder is left alone."""
    root = exports_root(db_path)
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            parts = entry.name.split("-")
            if entry.name.startswith(".tmp-") and len(parts) == 3 and parts[1].isdigit() \
                    and (int(parts[1]) == os.getpid() or not pid_alive(int(parts[1]))):
                shutil.rmtree(entry.path, ignore_errors=True)


def remove_other_exports(db_path, keep):
    """After the database is in place: remove exports of other databases and of killed builds."""
    root = exports_root(db_path)
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(root):
            if entry.name != keep:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def read_manifest(db_path, db_hash):
    """The manifest of the exports made from the database whose hash is db_hash, or None."""
    folder = exports_root(db_path) / db_hash
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or manifest.get("database_sha256") != db_hash:
        return None
    manifest["folder"] = str(folder)
    return manifest
