"""One save: the action's new facts.yml is checked with the whole archive by the build's own
checks before anything is written, then renamed into place, then published by a full
rebuild of the database (build.build writes a temporary database and renames it over).

A refused edit leaves the seeds and the database as they were. The full rebuild is chosen over
replacing one article's rows: people, organizations and countries are merged across articles
(names unioned, `checked` once any article checks them), and taking one article's part out of
them again is the build's whole merge over again. Its cost on the seeds is in the README and
the report; it grows with the archive (see bench/results.md for full builds at scale).
"""
import shutil
import tempfile
import time
from pathlib import Path

from ..archive import article_folders
from ..build import build, check_folders
from ..errors import BuildError
from ..reading import read_article, read_bytes
from . import actions


def article_folder(seeds_dir, slug):
    """The article's folder, only if it is one of the archive's article folders."""
    folders = article_folders(seeds_dir)
    if slug not in {Path(f).name for f in folders}:
        raise BuildError("no_article", f"no article '{slug}' in the seeds folder", file=seeds_dir)
    return Path(seeds_dir) / slug, folders


def save(seeds_dir, db_path, slug, form):
    """Apply one action; returns (summary, timings). A BuildError (the one-line message the
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
            check_folders([copy if Path(f).name == slug else f for f in folders], seeds_dir)
        except BuildError as e:
            if e.file and Path(e.file).parent == copy:  # name the real file, not the scratch copy
                e = BuildError.from_state({**e.state(), "file": str(folder / Path(e.file).name)})
            raise e
        checked = time.perf_counter()
        (copy / "facts.yml").replace(facts_path)  # same file system: an atomic rename
    build(seeds_dir, db_path)
    built = time.perf_counter()
    return summary, {"check": checked - started, "build": built - checked}
