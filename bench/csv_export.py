"""Full streamed CSV export of a table: our served Datasette (the build's static export,
article_facts/web/static_exports.py) against plain Datasette, both real `datasette serve`
processes on loopback, timed in the same run.

    python bench/csv_export.py --db /tmp/archive/facts.db [--table quotes] [--query "_stream=on"]

The database file must be named facts.db (our metadata and plugins name the database facts),
built by build_db.py so that its exports (facts.exports/) sit beside it. The default query is
what the table page's "Export CSV" form sends with "stream all rows" ticked. Both servers get
`--setting max_csv_mb 0` so neither stops at Datasette's 100 MB default cap. Three exports:
ours (the static file), ours with `id__notblank=1` (a filter every row passes: Datasette's own
streamed pages under our metadata, through csv_guard; the same rows, checked), and plain
`datasette serve FILE` (no metadata: pages by primary key). Reports seconds, bytes, rows, rows
per second and each server's peak RSS during its export.
"""
import argparse
import csv
import hashlib
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
        fast = response.headers.get("x-facts-export")
        while chunk := response.read(1 << 16):
            digest.update(chunk)
            size += len(chunk)
            f.write(chunk)
    seconds = time.perf_counter() - start
    return seconds, size, digest.hexdigest(), rss_kb(proc.pid, "VmHWM"), fast


def csv_rows(path):
    """(rows, distinct first-column values, digest of the sorted rows): a repeated or lost row
    shows as a difference, and two exports of the same rows in any order have one digest."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader, None)
        rows, keys, digests = 0, set(), []
        for row in reader:
            rows += 1
            keys.add(row[0] if row else None)
            digests.append(hashlib.sha256(repr(row).encode()).digest())
    return rows, len(keys), hashlib.sha256(b"".join(sorted(digests))).hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--table", default="quotes")
    parser.add_argument("--query", default="_labels=on&_stream=on&_size=max")
    parser.add_argument("--skip-slow", action="store_true", help="skip ours through Datasette's own export")
    args = parser.parse_args(argv)
    if args.db.name != "facts.db":
        raise SystemExit(f"{args.db}: the database file must be named facts.db")
    conn = sqlite3.connect(args.db)
    expected = conn.execute(f"select count(*) from [{args.table}]").fetchone()[0]
    conn.close()
    ours = ["-i", str(args.db), "--metadata", str(ROOT / "metadata.yml"),
            "--plugins-dir", str(ROOT / "plugins"), "--template-dir", str(ROOT / "templates")]
    runs = [("ours (static)", ours, ""), ("plain datasette", [str(args.db)], "")]
    if not args.skip_slow:
        runs.insert(1, ("ours, Datasette's", ours, "&id__notblank=1"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, serve_args, extra in runs:
            proc, base = serve(serve_args)
            try:
                rss_before = rss_kb(proc.pid, "VmRSS")
                out = Path(tmp) / "out.csv"
                seconds, size, sha, peak, fast = export(
                    proc, f"{base}/facts/{args.table}.csv?{args.query}{extra}", out)
                rows, distinct, rows_sha = csv_rows(out)
            finally:
                proc.terminate()
                proc.wait()
            results[name] = (rows / seconds, rows_sha)
            print(f"{name:18} {seconds:8.2f} s  {size / 1e6:8.1f} MB  {rows} rows, {distinct} distinct (table: {expected})"
                  f"  {rows / seconds:,.0f} rows/s  RSS before {rss_before / 1024:.0f} MB, peak during {peak / 1024:.0f} MB"
                  f"  x-facts-export={fast}  sha256 {sha[:12]}", flush=True)
    fast_rate, fast_rows = results["ours (static)"]
    print(f"rows per second, ours / plain datasette: {fast_rate / results['plain datasette'][0]:.1f}x")
    if "ours, Datasette's" in results:
        slow_rate, slow_rows = results["ours, Datasette's"]
        print(f"rows per second, ours / Datasette's own export under our metadata: {fast_rate / slow_rate:.1f}x;"
              f" same rows: {slow_rows == fast_rows}")


if __name__ == "__main__":
    main()
