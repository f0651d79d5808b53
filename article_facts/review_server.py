"""The local review server (`make review`): the Datasette of `make serve` (metadata.yml,
plugins/, templates/, settings.json, facts.db) plus the review plugin, on 127.0.0.1 only.

The plugin is registered with Datasette's plugin manager (the documented way to load a plugin
that is not in plugins/), and the metadata given to Datasette switches review mode on
(review_mode.PLUGIN: enabled, and the seeds folder that saves edit). `make serve` and
serve-prod load neither, so they have no review route and no write route.
"""
import argparse
import copy
import json
import sys
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from .contract import DATABASE_NAME
from .review import routes
from .review_mode import PLUGIN
from .serve import site_metadata

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the review server edits files: never on a public interface


def register_plugin():
    """Once per process (a second register of the same name is an error in pluggy)."""
    if pm.get_plugin(PLUGIN) is None:
        pm.register(routes.ReviewPlugin(), name=PLUGIN)


def review_metadata(metadata, seeds_dir):
    """metadata.yml's contents with review mode switched on."""
    metadata = copy.deepcopy(metadata)
    plugins = metadata.setdefault("plugins", {})
    plugins[PLUGIN] = {"enabled": True, "seeds": str(Path(seeds_dir).resolve())}
    return metadata


def make_datasette(db_path, seeds_dir, root=ROOT):
    """The review Datasette (the plugin registered in this process)."""
    register_plugin()
    metadata = site_metadata(root)
    settings_file = root / "settings.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.is_file() else {}
    return Datasette(
        [str(db_path)],
        metadata=review_metadata(metadata, seeds_dir),
        plugins_dir=str(root / "plugins"),
        template_dir=str(root / "templates"),
        settings=settings,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m article_facts.review_server", description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="facts.db", help=f"the database to serve and rebuild ({DATABASE_NAME}.db)")
    parser.add_argument("--seeds", default="seeds", help="the seeds folder whose facts.yml files are reviewed")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    db_path, seeds_dir = Path(args.db), Path(args.seeds)
    if db_path.stem != DATABASE_NAME or not db_path.is_file():
        sys.exit(f"review: {db_path}: needs a built {DATABASE_NAME}.db (run make facts.db)")
    if not seeds_dir.is_dir():
        sys.exit(f"review: {seeds_dir}: seeds folder does not exist")
    datasette = make_datasette(db_path, seeds_dir)
    import uvicorn

    print(f"Review server: http://{HOST}:{args.port}/-/review", file=sys.stderr)
    uvicorn.run(datasette.app(), host=HOST, port=args.port, lifespan="on", log_level="warning")


if __name__ == "__main__":
    main()
