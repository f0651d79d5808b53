"""make bench-review: what one review save costs as the archive grows, in one run.

Each archive (a copy of seeds/, and synthetic archives of each --sizes from bench/synth.py with
the seeds in them, made as bench/add_cost.py makes them) gets the review tests' machine draft
(tests/extraction/politics-stadium-vote.txt, by `build_db.py add`) and a full build (untimed).
Then --reps saves, round-robin over the archives, each as the review server runs it (a new
process: article_facts/review/saving.save_in_own_process): accept one drafted quote after
another, the one-article path ("replace": the index check, then build.replace). Then once per
archive a save that adds a new person to a quote, which takes the full path ("build": the
whole check and a full build), and, to say where the one-article path's time goes, its parts
that grow with the database, each alone on a copy: copying it, its count tables and
statistics, its hash; and the whole-table exports it does not write. Medians and
ratios against the seeds go to stdout and to a section of bench/results.md.

    python bench/review_save.py --sizes 10000 --reps 5 --work bench/work/review --out bench/results.md
"""
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlite_utils  # noqa: E402
import yaml  # noqa: E402

from add_cost import opening, run  # noqa: E402
from article_facts.database import count_tables  # noqa: E402
from article_facts.exports import database_sha256, write_exports  # noqa: E402
from article_facts.review.saving import save_in_own_process  # noqa: E402

DRAFT = ROOT / "tests" / "extraction" / "politics-stadium-vote.txt"
SLUG = "politics-stadium-vote"
HEADING = "## A review save: cost by archive size (make bench-review)"


def prepare(name, archive):
    """The draft added and the database built (untimed); the archive's own database."""
    shutil.rmtree(archive / SLUG, ignore_errors=True)
    result = subprocess.run([sys.executable, "build_db.py", "add", str(DRAFT), "--seeds", str(archive)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bench-review: add into {archive} failed: {result.stderr.strip()}")
    db = archive.parent / f"{archive.name}.db" / "facts.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir()
    articles = sum(1 for p in archive.iterdir() if p.is_dir() and not p.name.startswith("."))
    print(f"bench-review: {name}: {articles:,} articles, building", file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "build_db.py", "--seeds", str(archive), "--db", str(db)], cwd=ROOT, check=True,
                   capture_output=True)
    return {"name": name, "archive": archive, "db": db, "articles": articles,
            "build": time.perf_counter() - started, "times": [], "parts": []}


def form(archive, action, key, **more):
    quotes = yaml.safe_load((archive / SLUG / "facts.yml").read_text(encoding="utf-8"))["quotes"]
    index = next(i for i, q in enumerate(quotes) if q["id"] == key)
    return {"action": action, "section": "quotes", "index": str(index), "ident": key, **more}


def timed_save(r, form):
    started = time.perf_counter()
    _, timings = save_in_own_process(r["archive"], r["db"], SLUG, form)
    return time.perf_counter() - started, timings


def measure(results, reps):
    for rep in range(reps):
        for r in results:
            elapsed, timings = timed_save(r, form(r["archive"], "accept", f"q{rep + 2}"))
            assert timings["path"] == "replace", timings
            r["times"].append(elapsed)
            r["parts"].append(timings)
            print(f"bench-review: {r['name']}: save {rep + 1}/{reps}: {elapsed:.2f} s", file=sys.stderr, flush=True)
    for r in results:
        r["median"] = statistics.median(r["times"])
        r["check"] = statistics.median(t["check"] for t in r["parts"])
        r["publish"] = statistics.median(t["build"] for t in r["parts"])
        r["full"], timings = timed_save(r, form(r["archive"], "speaker", "q15", new_person="Celia Whitcombe"))
        assert timings["path"] == "build", timings
        with tempfile.TemporaryDirectory(dir=r["db"].parent) as scratch:
            copy = Path(scratch) / "copy.db"
            started = time.perf_counter()
            shutil.copyfile(r["db"], copy)
            r["copy"] = time.perf_counter() - started
            db = sqlite_utils.Database(copy)
            started = time.perf_counter()
            count_tables(db)
            db.execute("analyze")
            r["counts"] = time.perf_counter() - started
            db.close()
            started = time.perf_counter()
            database_sha256(copy)
            r["hash"] = time.perf_counter() - started
            started = time.perf_counter()
            write_exports(copy, Path(scratch) / "facts.db")
            r["exports"] = time.perf_counter() - started
        r["size"] = r["db"].stat().st_size
    return results


def section(results, reps, sizes):
    base = results[0]["median"]
    lines = opening(HEADING, f"make bench-review REVIEW_SIZES=\"{' '.join(map(str, sizes))}\" REPS={reps}",
                    f"Each save as the review server runs it (a new process), {reps} accepts of drafted quotes into each "
                    "archive, round-robin, median; then one save that adds a new person (the full path) once each.") + [
        "",
        "| archive | articles | facts.db | accept (one-article path), median | ratio to (a) | its check | its publish | all runs "
        "| a new person (full check and build) | full build alone | copying facts.db | its counts and statistics | its hash "
        "| its exports (not written by a save) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, r in zip("abcdefgh", results):
        lines.append(
            f"| ({label}) {r['name']} | {r['articles']:,} | {r['size'] / 2**20:,.0f} MiB | {r['median']:.2f} s | "
            f"{r['median'] / base:.1f}x | {r['check']:.2f} s | {r['publish']:.2f} s | {', '.join(f'{t:.2f}' for t in r['times'])} | "
            f"{r['full']:.1f} s | {r['build']:.1f} s | {r['copy']:.2f} s | {r['counts']:.2f} s | {r['hash']:.2f} s | "
            f"{r['exports']:.2f} s |")
    lines += [
        "",
        "- accept: wall time of the save process (imports, the action, the check, the rename, the publish). Its check is the "
        "archive index's (as `add` checks: a listing and a stat a folder, then the one article); its publish is "
        "build.replace: a copy of facts.db with the article's rows swapped, its count tables and statistics "
        "(`analyze`), its hash and inspect file, renamed over facts.db; not its whole-table exports (Datasette answers "
        "their URLs until the next full build).",
        "- copying facts.db, its counts and statistics, its hash: the parts of that publish that grow with the database, "
        "timed alone on a copy; its exports: what writing them would add (an append writes them).",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    run(__doc__, prepare, measure, section, [10000], "review", argv)


if __name__ == "__main__":
    main()
