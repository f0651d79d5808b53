"""Articles are parsed on every core (article_facts.parallel) while one process writes them
in order: the database is byte-identical to a one-process build, the first bad folder in
sorted order is the one reported, and no worker outlives the build."""
import multiprocessing
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import build_db
from article_facts import parallel

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synth_seeds(tmp_path_factory):
    seeds = tmp_path_factory.mktemp("parallel") / "seeds"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--articles", "40",
                    "--out", str(seeds), "--seed", "3"], check=True, capture_output=True)
    return seeds


def build_with(monkeypatch, seeds, db, min_folders):
    monkeypatch.setattr(parallel, "MIN_FOLDERS", min_folders)
    monkeypatch.setattr(parallel, "BATCH", 3)  # several batches, and a window that fills
    monkeypatch.setattr(parallel, "WINDOW", 2)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    return build_db.build(seeds, db)


def test_parallel_build_is_byte_identical_to_one_process(monkeypatch, synth_seeds, tmp_path):
    one = build_with(monkeypatch, synth_seeds, tmp_path / "one.db", 10**9)
    many = build_with(monkeypatch, synth_seeds, tmp_path / "many.db", 1)
    assert one == many and one["articles"] == 40
    assert (tmp_path / "one.db").read_bytes() == (tmp_path / "many.db").read_bytes()
    assert multiprocessing.active_children() == []


def test_the_first_bad_folder_in_order_is_reported(monkeypatch, synth_seeds, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(synth_seeds, seeds)
    folders = sorted(p for p in seeds.iterdir())
    for folder in (folders[30], folders[7]):  # the later one may be parsed first
        (folder / "facts.yml").write_text("article: [unclosed\n", encoding="utf-8")
    db = tmp_path / "facts.db"
    db.write_bytes(b"previous")
    with pytest.raises(build_db.BuildError, match=f"{folders[7].name}/facts.yml: invalid YAML"):
        build_with(monkeypatch, seeds, db, 1)
    assert db.read_bytes() == b"previous"
    assert multiprocessing.active_children() == []


STOPPED_BUILD = """
import sys, build_db
from article_facts import parallel
parallel.MIN_FOLDERS, parallel.BATCH = 1, 1
parallel.workers = lambda: 2
print("building", flush=True)
build_db.build(sys.argv[1], sys.argv[2])
"""


def children(pid):
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except FileNotFoundError:
        return set()


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5])
def test_a_parallel_build_stopped_while_its_workers_start_leaves_none(synth_seeds, tmp_path, delay):
    """SIGTERM as the pool forks its workers (each stop a little later): the build ends like
    Ctrl-C, keeps the previous database, and every worker it forked is gone."""
    db = tmp_path / "facts.db"
    db.write_bytes(b"previous")
    process = subprocess.Popen([sys.executable, "-c", STOPPED_BUILD, str(synth_seeds), str(db)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "building\n"
    seen, deadline = set(), time.monotonic() + 10
    while not seen and time.monotonic() < deadline and process.poll() is None:
        seen = children(process.pid)  # the first worker is forked
    time.sleep(delay)
    seen |= children(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=60)  # a hang here is the failure
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode != 0 and db.read_bytes() == b"previous"
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen and not any(alive(pid) for pid in seen)
