"""A build killed part-way (SIGKILL, SIGTERM) never harms the previous database, SIGTERM
cleans up at once like Ctrl-C, and the next build removes what a SIGKILL left behind
without touching the files of a build that is still running."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import build_db
from article_facts.safe_files import remove_stale_temp_files

BASE = Path(__file__).parent / "bad_inputs" / "base"
BUILD_DB = Path(build_db.__file__)
NAMES = 12_000  # name occurrences: the temporary file exists for a second or so (3 MB)


def temp_files(folder):
    return sorted(p.name for p in folder.iterdir() if p.name not in ("facts.db", "facts.exports", "facts.inspect.json")) \
        + sorted(p.name for p in folder.glob("facts.exports/.tmp-*"))


def start_build(seeds, db):
    return subprocess.Popen(
        [sys.executable, str(BUILD_DB), "--seeds", str(seeds), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def temp_size(folder):
    """Bytes in the build's temporary database, or None when there is none yet."""
    sizes = []
    for path in folder.glob(".facts.db.*.tmp"):
        try:
            sizes.append(path.stat().st_size)
        except FileNotFoundError:
            pass
    return max(sizes) if sizes else None


def wait_for(process, folder, ready, timeout=60):
    """Poll until ready(size of the temporary database) holds while the build still runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before the point to kill it at"
        if ready(temp_size(folder)):
            return
        time.sleep(0.002)
    raise AssertionError("the build never reached the point to kill it at")


POINTS = {
    "early": None,  # before any file is written
    "temporary file created": lambda size: size is not None,
    "tables being written": lambda size: size is not None and size > 0,
    "indexing and compacting": lambda size: size is not None and size > 1024 * 1024,
}


@pytest.fixture(scope="module")
def big_seeds(tmp_path_factory):
    seeds = tmp_path_factory.mktemp("big") / "seeds"
    shutil.copytree(BASE, seeds)
    with open(seeds / "sample" / "article.txt", "a", encoding="utf-8") as handle:
        handle.write(("Ruiz " * 1000 + "\n") * (NAMES // 1000))
    return seeds


@pytest.fixture
def out(tmp_path, db_path):
    """A folder holding only a good previous facts.db."""
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copy(db_path, folder / "facts.db")
    return folder


def kill_at(point, signum, seeds, out):
    process = start_build(seeds, out / "facts.db")
    if POINTS[point] is None:
        time.sleep(0.05)
    else:
        wait_for(process, out, POINTS[point])
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_keeps_the_database_and_the_next_build_cleans_up(point, big_seeds, out, db_path):
    returncode, _ = kill_at(point, signal.SIGKILL, big_seeds, out)
    assert returncode == -signal.SIGKILL
    assert (out / "facts.db").read_bytes() == db_path.read_bytes()
    if point != "early":
        assert temp_files(out), "a SIGKILL cannot clean up: the files must still be there"
    # the next build, even one that fails on bad seeds, removes them
    bad = out.parent / "bad"
    shutil.copytree(BASE, bad)
    (bad / "sample" / "facts.yml").write_text("not: [a mapping\n", encoding="utf-8")
    failed = subprocess.run([sys.executable, str(BUILD_DB), "--seeds", str(bad), "--db", str(out / "facts.db")],
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1 and "invalid YAML" in failed.stderr
    assert temp_files(out) == []
    assert (out / "facts.db").read_bytes() == db_path.read_bytes()
    rebuilt = subprocess.run([sys.executable, str(BUILD_DB), "--seeds", str(BASE), "--db", str(out / "facts.db")],
                             capture_output=True, text=True, timeout=60)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert temp_files(out) == []


@pytest.mark.parametrize("point", POINTS)
def test_sigterm_cleans_up_like_ctrl_c(point, big_seeds, out, db_path):
    returncode, stderr = kill_at(point, signal.SIGTERM, big_seeds, out)
    if point == "early" and returncode == -signal.SIGTERM:
        pass  # killed while Python was still starting, before any file existed
    else:
        name = signal.Signals(signal.SIGTERM).name
        assert (returncode, stderr) == (1, f"Error: interrupted by {name}: {out / 'facts.db'} was left as it was\n")
    assert temp_files(out) == []
    assert (out / "facts.db").read_bytes() == db_path.read_bytes()


def test_sigint_cleans_up(big_seeds, out, db_path):
    returncode, stderr = kill_at("tables being written", signal.SIGINT, big_seeds, out)
    assert (returncode, stderr) == (1, f"Error: interrupted by Ctrl-C: {out / 'facts.db'} was left as it was\n")
    assert temp_files(out) == []
    assert (out / "facts.db").read_bytes() == db_path.read_bytes()


def test_a_running_build_keeps_its_files(big_seeds, out):
    """Another build's clean-up (or one run from here) leaves a live build's files alone:
    the live build holds a lock on its temporary file."""
    process = start_build(big_seeds, out / "facts.db")
    wait_for(process, out, POINTS["tables being written"])
    time.sleep(0.05)
    live = [name for name in temp_files(out) if name.endswith(".tmp")]
    assert remove_stale_temp_files(out / "facts.db") == []
    assert set(live) <= set(temp_files(out)) or process.poll() is not None
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert temp_files(out) == []


def test_stale_files_of_a_dead_process_are_removed_and_others_kept(out):
    """The naming pattern is exact: only .facts.db.<pid>-<hex>.tmp[-journal] of a dead
    build go; other files that look alike stay."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = [f".facts.db.{pid}-0a1b2c3d.tmp", f".facts.db.{pid}-0a1b2c3d.tmp-journal",
             f".facts.db.{pid}-ffff.tmp-journal"]
    kept = [".facts.db.tmp", "facts.db.1-ab.tmp", ".facts.db.x-ab.tmp", f".other.db.{pid}-ab.tmp",
            f".facts.db.{os.getpid()}-ab.tmp"]
    for name in stale + kept:
        (out / name).write_bytes(b"")
    old = time.time() - 3600
    for name in stale:
        os.utime(out / name, (old, old))
    assert remove_stale_temp_files(out / "facts.db") == sorted(stale)
    assert temp_files(out) == sorted(kept)


CUT_SHORT = """
import sys, build_db
def finish(db, phase):
    block = db.atomic()  # held by this frame, so by the traceback, as a with statement's is
    block.__enter__()  # and never left: as a Ctrl-C between sqlite-utils' BEGIN and its block can
    raise KeyboardInterrupt
sys.modules["article_facts.build"].finish = finish  # the module; the package's `build` is its function
sys.argv[0] = "build_db.py"
build_db.cli()
"""


def test_ctrl_c_inside_a_sqlite_utils_block_still_reports_one_line(out, tmp_path):
    """An atomic() block a Ctrl-C cut short rolls back when its traceback is freed, after the
    error is printed: on the build's connection left open, not a closed one ("Exception
    ignored ... closed database" on stderr, seen once in CI)."""
    result = subprocess.run([sys.executable, "-c", CUT_SHORT, "--seeds", str(BASE), "--db", str(out / "facts.db")],
                            cwd=BUILD_DB.parent, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (1, f"Error: interrupted by Ctrl-C: {out / 'facts.db'} was left as it was\n")
    assert temp_files(out) == []
