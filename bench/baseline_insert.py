"""The build's baseline: the same rows written with a bare sqlite_utils insert_all.

Reads one JSON-lines file per table (dumped from a built facts.db, so the rows are exactly
the ones the build wrote, obtained without the build's code) and inserts them, streaming,
into the same tables of a new database: `id` primary keys, column types as sqlite_utils infers
them, no foreign keys, indexes, full-text search or views. This is the least any build must
do: write the rows.

    python bench/baseline_insert.py --rows DIR --db OUT.db
"""
import argparse
import json
from pathlib import Path

import sqlite_utils


def insert_all(rows_dir, db_path):
    db = sqlite_utils.Database(db_path)
    for path in sorted(Path(rows_dir).glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            db[path.stem].insert_all((json.loads(line) for line in lines), pk="id")
    db.conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    insert_all(args.rows, args.db)


if __name__ == "__main__":
    main()
