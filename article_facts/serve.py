"""Production serving: one read-only facts.db behind one port, with one or more processes.

`make serve-prod` and the Dockerfile both run `python -m article_facts.serve ...`, so the
settings below are the one source of truth for how the public site is served. Datasette's
own `serve` command has no workers option, so this module hands uvicorn (already a Datasette
dependency) an app factory: each worker process builds the same Datasette from the
environment variables that main() sets before starting them.

The database is served immutable (no locking, no change checks, counts and hash read from
the inspect file the build writes beside it, or `datasette inspect` makes); the hash is the
database's version for ETags. A build or an `append` that replaces the file is served within
seconds, by every worker, without a restart: each process swaps in the new version between
requests, with its hash and counts from the new inspect file (article_facts/live.py).
"""
import argparse
import json
import os
import sys
from pathlib import Path

import yaml
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parent.parent
from .contract import DATABASE_NAME  # metadata.yml, our pages and links all address /facts
from .inspect_file import describes

# Settings for a public site; each says why it differs from Datasette's default.
SETTINGS = {
    "suggest_facets": False,      # suggestions cost ~0.5 s of a large table page and few use them
    "sql_time_limit_ms": 2000,    # bounds ad-hoc SQL; our own pages must stay far below it
    "facet_time_limit_ms": 1000,  # default 200 ms times facets out on a busy 2-core host
    "max_returned_rows": 1000,    # Datasette's default, stated: results past it are paged, not cut
    "allow_download": False,      # the .db file is gigabytes at scale; CSV and JSON stay available
    "max_csv_mb": 0,              # a full CSV export must complete with every row
    "default_cache_ttl": 600,     # pages change only when the database is rebuilt
    "num_sql_threads": 4,         # read-only immutable connections run queries in parallel
    "trace_debug": False,         # no ?_trace=1 timing dumps for the public
}

ENV_DB = "ARTICLE_FACTS_DB"
ENV_INSPECT = "ARTICLE_FACTS_INSPECT"


class ServeError(Exception):
    """A one-line reason the site cannot be served."""


def load_inspect(db_path, inspect_path):
    """The inspect data for db_path, checked to describe this very file: its name, its size,
    and made after the file was last written (hashing gigabytes at every start would be slow)."""
    db_path, inspect_path = Path(db_path), Path(inspect_path)
    if db_path.stem != DATABASE_NAME:
        raise ServeError(f"{db_path}: the database file must be named {DATABASE_NAME}.db (pages address /{DATABASE_NAME})")
    if not db_path.is_file():
        raise ServeError(f"{db_path}: database file does not exist")
    if not inspect_path.is_file():
        raise ServeError(f"{inspect_path}: inspect file does not exist (run: datasette inspect {db_path} --inspect-file {inspect_path})")
    try:
        data = json.loads(inspect_path.read_text(encoding="utf-8"))
        entry = data[DATABASE_NAME]
        size = entry["size"]
        entry["hash"], entry["tables"]
    except (ValueError, KeyError, TypeError) as e:
        raise ServeError(f"{inspect_path}: not an inspect file for {DATABASE_NAME}.db ({e!r})")
    stat = db_path.stat()
    if size != stat.st_size:
        raise ServeError(f"{inspect_path}: made for a different {db_path.name} (size {size}, file is {stat.st_size}); re-run datasette inspect")
    if not describes(entry, stat, inspect_path.stat().st_mtime):  # an append keeps the size class, not the time
        raise ServeError(f"{inspect_path}: made before {db_path.name} was last written (a rebuild or an append); re-run datasette inspect")
    # the file it was checked against, so that live publishing (article_facts/live.py) knows
    # these are the hash and counts of the file it first serves
    entry["inode"], entry["mtime_ns"] = stat.st_ino, stat.st_mtime_ns
    entry["file"] = str(db_path)
    return {DATABASE_NAME: entry}


def check_settings(settings):
    """Datasette() accepts unknown setting names silently; the command line does not. A plain
    Datasette has every setting at its default and answers None (`.setting()`) for a name it
    does not know: no setting defaults to None."""
    defaults = Datasette(memory=True)
    unknown = sorted(name for name in settings if defaults.setting(name) is None)
    if unknown:
        raise ServeError(f"article_facts/serve.py: unknown Datasette settings: {', '.join(unknown)}")


def site_metadata(root=ROOT):
    """metadata.yml's contents: the site's pages, saved queries and plugin settings."""
    return yaml.safe_load((Path(root) / "metadata.yml").read_text(encoding="utf-8"))


def make_datasette(db_path, inspect_path):
    """The production Datasette: immutable database, inspect data, our metadata, plugins and
    templates, public-site settings. (The tables' facets need no warming up: their counts are
    in the database, article_facts/facet_counts.py.)"""
    inspect_data = load_inspect(db_path, inspect_path)
    metadata = site_metadata()
    return Datasette(
        files=[],
        immutables=[str(db_path)],
        inspect_data=inspect_data,
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        template_dir=str(ROOT / "templates"),
        settings=dict(SETTINGS),
    )


def create_app():
    """uvicorn's app factory, called once in each worker process."""
    return make_datasette(os.environ[ENV_DB], os.environ[ENV_INSPECT]).app()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m article_facts.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the facts.db to serve")
    parser.add_argument("--inspect-file", required=True, help="made by `datasette inspect DB --inspect-file FILE`")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1, help="serving processes sharing the port")
    args = parser.parse_args(argv)
    try:
        check_settings(SETTINGS)  # once, here: not again in each worker
        make_datasette(args.db, args.inspect_file)  # fail here, once, with a clear reason
    except ServeError as e:
        sys.exit(f"serve: {e}")
    os.environ[ENV_DB] = str(Path(args.db).resolve())
    os.environ[ENV_INSPECT] = str(Path(args.inspect_file).resolve())
    import uvicorn

    # The platform's proxy logs requests; logging each one here costs throughput.
    uvicorn.run(
        "article_facts.serve:create_app", factory=True, host=args.host, port=args.port,
        workers=args.workers, lifespan="on", access_log=False, log_level="info",
    )


if __name__ == "__main__":
    main()
