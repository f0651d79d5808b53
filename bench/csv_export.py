"""Full streamed CSV export of a table: our served Datasette (fast_csv plugin) against plain
Datasette, both real `datasette serve` processes on loopback, timed in the same run.

    python bench/csv_export.py --db /tmp/archive/facts.db [--table quotes] [--query "_stream=on&_labels=on"]

The database file must be named facts.db (our metadata and plugins name the database facts).
Both servers get `--setting max_csv_mb 0` so neither stops at Datasette's 100 MB default cap.
Three exports: ours (fast path), ours with `_fast=off` (Datasette's own pages under our metadata:
the same bytes, checked), and plain `datasette serve FILE` (no metadata: pages by primary key).
Reports seconds, bytes, rows and each server's peak RSS during its export.
"""
import argparse
import csv
import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETTE = str(Path(sys.executable).parent / "datasette")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid, field):
    """VmRSS or VmHWM (peak) of a process, in kB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid):
    """Reset VmHWM to the current RSS so the peak is the export's (Linux 4.0+)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def serve(args):
    port = free_port()
    proc = subprocess.Popen([DATASETTE, "serve", *args, "--port", str(port), "--host", "127.0.0.1",
                             "--setting", "max_csv_mb", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
            urllib.request.urlopen(base + "/facts.json", timeout=600).read()  # startup counts
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"datasette serve {args} did not start")


def export(proc, url, out):
    """Download url into out; (seconds, bytes, sha256, peak RSS kB, fast header)."""
    reset_peak(proc.pid)
    digest, size = hashlib.sha256(), 0
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=3600) as response, open(out, "wb") as f:
        fast = response.headers.get("x-facts-csv")
        while chunk := response.read(1 << 16):
            digest.update(chunk)
            size += len(chunk)
            f.write(chunk)
    seconds = time.perf_counter() - start
    return seconds, size, digest.hexdigest(), rss_kb(proc.pid, "VmHWM"), fast


def csv_rows(path):
    """(rows, distinct first-column values): a repeated or lost row shows as a difference."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader, None)
        rows, keys = 0, set()
        for row in reader:
            rows += 1
            keys.add(row[0] if row else None)
    return rows, len(keys)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--table", default="quotes")
    parser.add_argument("--query", default="_stream=on")
    parser.add_argument("--skip-slow", action="store_true", help="skip ours with _fast=off")
    args = parser.parse_args(argv)
    if args.db.name != "facts.db":
        raise SystemExit(f"{args.db}: the database file must be named facts.db")
    conn = sqlite3.connect(args.db)
    expected = conn.execute(f"select count(*) from [{args.table}]").fetchone()[0]
    conn.close()
    ours = ["-i", str(args.db), "--metadata", str(ROOT / "metadata.yml"),
            "--plugins-dir", str(ROOT / "plugins"), "--template-dir", str(ROOT / "templates")]
    runs = [("ours (fast_csv)", ours, ""), ("plain datasette", [str(args.db)], "")]
    if not args.skip_slow:
        runs.insert(1, ("ours, _fast=off", ours, "&_fast=off"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, serve_args, extra in runs:
            proc, base = serve(serve_args)
            try:
                rss_before = rss_kb(proc.pid, "VmRSS")
                out = Path(tmp) / "out.csv"
                seconds, size, sha, peak, fast = export(
                    proc, f"{base}/facts/{args.table}.csv?{args.query}{extra}", out)
                rows, distinct = csv_rows(out)
            finally:
                proc.terminate()
                proc.wait()
            results[name] = (seconds, sha)
            print(f"{name:18} {seconds:8.2f} s  {size / 1e6:8.1f} MB  {rows} rows, {distinct} distinct (table: {expected})"
                  f"  RSS before {rss_before / 1024:.0f} MB, peak during {peak / 1024:.0f} MB"
                  f"  x-facts-csv={fast}  sha256 {sha[:12]}", flush=True)
    fast_s, fast_sha = results["ours (fast_csv)"]
    print(f"speed-up vs plain datasette: {results['plain datasette'][0] / fast_s:.1f}x")
    if "ours, _fast=off" in results:
        slow_s, slow_sha = results["ours, _fast=off"]
        print(f"speed-up vs Datasette's own path under our metadata: {slow_s / fast_s:.1f}x;"
              f" same bytes: {slow_sha == fast_sha}")


if __name__ == "__main__":
    main()
