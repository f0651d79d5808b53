"""One save: the action's new facts.yml is checked with the whole archive by the build's own
checks before anything is written, then renamed into place, then published by a full
rebuild of the database (build.build writes a temporary database and renames it over).

A refused edit leaves the seeds and the database as they were. The full rebuild is chosen over
replacing one article's rows: people, organizations and countries are merged across articles
(names unioned, `checked` once any article checks them), and taking one article's part out of
them again is the build's whole merge over again. Its cost on the seeds is in the README and
the report; it grows with the archive (see bench/results.md for full builds at scale).

The server runs each save in a process of its own (save_in_own_process): the check and the
build fork parser and export workers once an archive is large enough (article_facts/parallel.py),
and forking the server, whose threads may hold locks, could leave a worker waiting forever.
"""
import json
import shutil
import subprocess
import sys
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
        original = read_bytes(facts_path)
        (copy / "facts.yml").replace(facts_path)  # same file system: an atomic rename
        try:
            build(seeds_dir, db_path)
        except BaseException:  # not published (another build writing, a failure): not saved either
            (copy / "facts.yml").write_bytes(original)
            (copy / "facts.yml").replace(facts_path)
            raise
    built = time.perf_counter()
    return summary, {"check": checked - started, "build": built - checked}


def save_in_own_process(seeds_dir, db_path, slug, form):
    """save() in a new Python process (see the module docstring): the same result, or the same
    BuildError, which crosses the process boundary as its state."""
    done = subprocess.run(
        [sys.executable, "-m", "article_facts.review.saving", str(seeds_dir), str(db_path), slug],
        input=json.dumps(form), capture_output=True, text=True)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise BuildError("save_failed", f"the save stopped: {(done.stderr.strip().splitlines() or ['no output'])[-1]}",
                         file=Path(seeds_dir) / slug / "facts.yml")
    if "error" in answer:
        raise BuildError.from_state(answer["error"])
    return answer["summary"], answer["timings"]


def main(argv=None):
    """python -m article_facts.review.saving SEEDS DB SLUG < form.json: one JSON line out."""
    seeds_dir, db_path, slug = (argv or sys.argv[1:])
    try:
        summary, timings = save(seeds_dir, db_path, slug, json.loads(sys.stdin.read()))
    except BuildError as e:
        print(json.dumps({"error": e.state()}, default=str))
        return 2
    print(json.dumps({"summary": summary, "timings": timings}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
