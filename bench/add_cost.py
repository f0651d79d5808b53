"""make bench-add: what `build_db.py add` costs as the archive grows, in one run.

The same new article (tests/archive_samples/mexico-peru-consular-talks.txt, a follow-up that
reuses the seed article's people and countries) is added to (a) a copy of seeds/ alone and to
synthetic archives (bench/synth.py) of each --sizes, each with the seed article in it too.
Each repetition runs the real command, `python build_db.py add ARTICLE --seeds DIR --slug ...`,
in a new process (wall time: imports, drafting, the add-time check, the index), then removes
the added folder and brings the index up to date again (untimed), so every repetition starts
from the same archive; repetitions go round-robin over the archives, so the load of a shared
machine falls on each alike. Also timed, once per archive: building the index from nothing (the
first add into an archive that has none: a full parse, like `make check`), and an add right
after a reviewer rewrote one older facts.yml (that folder is re-read and its entities merged
again). Medians and ratios against (a) go to stdout and to a section of bench/results.md
(the section is replaced if there, else appended; other sections are kept).

    python bench/add_cost.py --sizes 10000 100000 --reps 5 --work bench/work/add --out bench/results.md
"""
import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from article_facts.archive_index import index_path, open_index  # noqa: E402

ARTICLE = ROOT / "tests" / "archive_samples" / "mexico-peru-consular-talks.txt"
SLUG = "bench-added-article"
HEADING = "## Adding an article: cost by archive size (make bench-add)"


def synthesised(work, size):
    """A synthetic archive of size articles plus the seed article; reused when complete."""
    folder = work / f"archive-{size}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", str(size), "--out", str(folder)],
                   check=True)
    for seed in (ROOT / "seeds").iterdir():
        if seed.is_dir() and not seed.name.startswith("."):
            shutil.copytree(seed, folder / seed.name)
    done.write_text(f"{time.perf_counter() - started:.1f}\n")
    return folder


def seeds_only(work):
    folder = work / "archive-seeds"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "seeds", folder, ignore=shutil.ignore_patterns(".*"))
    return folder


def settle(archive):
    """Remove the added folder and bring the index up to date (untimed)."""
    shutil.rmtree(archive / SLUG, ignore_errors=True)
    open_index(archive).close()


def timed_add(archive):
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "build_db.py"), "add", str(ARTICLE), "--seeds", str(archive),
                             "--slug", SLUG], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bench-add: add into {archive} failed: {result.stderr.strip()}")
    return elapsed, result.stdout


def timed_index(archive):
    started = time.perf_counter()
    index = open_index(archive)
    index.close()
    return time.perf_counter() - started


def prepare(name, archive):
    """Count the archive and time building its index from nothing (the first add's extra)."""
    index_path(archive).unlink(missing_ok=True)
    shutil.rmtree(archive / SLUG, ignore_errors=True)
    articles = sum(1 for p in archive.iterdir() if p.is_dir() and not p.name.startswith("."))
    print(f"bench-add: {name}: {articles:,} articles, building the index", file=sys.stderr, flush=True)
    return {"name": name, "archive": archive, "articles": articles, "cold": timed_index(archive), "times": []}


def measure(results, reps):
    """Repetitions round-robin over the archives (a, b, c, a, b, c, ...), so a change in the
    load of this shared machine falls on every archive alike; then, once each, the freshness
    sweep alone and an add after a rewrite of an older facts.yml."""
    for rep in range(reps):
        for r in results:
            settle(r["archive"])
            elapsed, output = timed_add(r["archive"])
            r["times"].append(elapsed)
            r["check"] = next((line for line in output.splitlines() if line.startswith("check passed")), "")
            print(f"bench-add: {r['name']}: add {rep + 1}/{reps}: {elapsed:.3f} s", file=sys.stderr, flush=True)
    for r in results:
        archive = r["archive"]
        settle(archive)
        r["median"] = statistics.median(r["times"])
        r["sweep"] = min(timed_index(archive) for _ in range(3))  # the freshness sweep alone: list + stat
        older = sorted(p for p in archive.iterdir() if p.is_dir() and not p.name.startswith("."))[0] / "facts.yml"
        older.write_bytes(older.read_bytes())  # a reviewer saves an older file: it must be re-read
        r["edited"], _ = timed_add(archive)
        settle(archive)
    return results


def opening(heading, command, text):
    """A section's heading, then the command its figures come from, when, on which commit and
    machine, and text."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return [heading, "", f"`{command}` on {datetime.date.today().isoformat()}, commit {commit}, "
            f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores (shared). " + text]


def section(results, reps, sizes):
    base = results[0]["median"]
    lines = opening(HEADING, f"make bench-add ADD_SIZES=\"{' '.join(map(str, sizes))}\" REPS={reps}",
        f"The same follow-up article ({ARTICLE.name}) added with the real command "
        "(`build_db.py add`, a new process each time: imports, drafting, the add-time check and the "
        f"archive index), {reps} times into each archive, round-robin, median. Issue 15 measured the old add at 0.6 s "
        "into the seeds and 88 s into 10,000 articles (a full parse of every facts.yml, then two full checks).") + [
        "",
        "| archive | articles | add, median | ratio to (a) | all runs | index from nothing (once) | freshness sweep | add after one older facts.yml was rewritten |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, r in zip("abcdefgh", results):
        lines.append(
            f"| ({label}) {r['name']} | {r['articles']:,} | {r['median']:.2f} s | {r['median'] / base:.2f}x | "
            f"{', '.join(f'{t:.2f}' for t in r['times'])} | {r['cold']:.1f} s | {r['sweep']:.2f} s | {r['edited']:.2f} s |")
    lines += [
        "",
        "- add, median: wall time of `build_db.py add` (target: the largest archive at most 3x (a)).",
        "- index from nothing: the first add into an archive without its index (`.NAME.archive-index.sqlite` beside it) parses and "
        "checks every folder once (like `make check`, on every core); later adds reuse it.",
        "- freshness sweep: what every add spends making sure the index is current (list the seeds "
        "folder, stat each facts.yml); the part that still grows with the archive.",
        "- after a rewrite: one older facts.yml saved again (new ctime), so that folder is re-read and "
        "every entity it names merged again from all its articles.",
        "",
    ]
    return "\n".join(lines)


def write_section(out, text):
    """Replace the section of out that text's first line (its heading) names, or append it;
    other sections are kept (bench/review_save.py writes its own the same way)."""
    heading = text.split("\n", 1)[0]
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if heading in old:
        before, rest = old.split(heading, 1)
        after = rest.split("\n## ", 1)
        old = before.rstrip("\n") + "\n\n" + ("## " + after[1] if len(after) > 1 else "")
    out.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def run(doc, prepare, measure, section, sizes, work, argv=None):
    """A cost-by-archive-size benchmark's command line (this one's, bench/review_save.py's):
    the seeds and synthetic archives of --sizes, prepared, measured, reported."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=sizes)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / work)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    archives = [("seeds only", seeds_only(args.work))]
    archives += [(f"{size:,} synthetic + seeds", synthesised(args.work, size)) for size in args.sizes]
    results = measure([prepare(name, archive) for name, archive in archives], args.reps)
    text = section(results, args.reps, args.sizes)
    print(text)
    if args.out:
        write_section(args.out, text)


def main(argv=None):
    run(__doc__, prepare, measure, section, [10000, 100000], "add", argv)


if __name__ == "__main__":
    main()
