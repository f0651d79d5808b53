"""Load test of the production serve command, on loopback only, bounded in time.

Starts `make serve-prod DB=... PORT=<free> HOST=127.0.0.1`, sends REQUESTS requests over a
mix of pages (quote, article and speaker pages and their JSON, tables, facets, saved queries,
search, CSV, static files, 304 revalidations) from CONCURRENCY clients, with a few heavy
arbitrary `?sql=` queries mixed in (each runs to the SQL time limit or hits a value limit),
and reports: errors (5xx, connection errors, anything else unexpected), status counts, p50/p99
latency overall and for cheap pages while a heavy query was running, throughput, and the
server's resident memory (RSS) before, at peak and after. Exit status 1 on any error.

    python bench/loadtest.py --db facts.db --requests 20000 --concurrency 32
"""
import argparse
import asyncio
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HEAVY_SQL = [
    # runs until the SQL time limit interrupts it
    "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r",
    # a value past the SQLite length limit: refused at once
    "select length(randomblob(100000000))",
    # a string-doubling CTE: stopped at the value cap
    "with recursive r(s) as (select 'xx' union all select s || s from r) select length(s) from r",
    # a cross join sorted: heavy sorting until the time limit
    "select a.text, b.text from paragraphs a, paragraphs b, paragraphs c, quotes d order by random() limit 5",
]
HEAVY_WHERE = "/facts/paragraphs.json?_where=length(randomblob(100000000))>0"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree(root_pid):
    """root_pid and all its descendants, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except OSError:
                continue
    pids, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    return pids


def rss_mib(root_pid):
    """Resident memory of the server's process tree (make and its python), in MiB."""
    total = 0
    for pid in process_tree(root_pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def page_mix(db_path):
    """(kind, path) pairs: real ids from the database, every kind of page a reader opens."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        quotes = [r[0] for r in conn.execute("select id from quotes order by id limit 500")]
        articles = [r[0] for r in conn.execute("select id from articles order by id limit 200")]
        people = [r[0] for r in conn.execute("select distinct speaker_id from quotes order by 1 limit 200")]
    cheap = []
    for q in quotes[:50]:
        cheap += [("quote", f"/quotes/{q}"), ("quote json", f"/quotes/{q}.json"), ("row", f"/facts/quotes/{q}")]
    for a in articles[:20]:
        cheap += [("article", f"/articles/{a}"), ("article json", f"/articles/{a}.json")]
    for p in people[:30]:
        cheap += [("speaker", f"/speakers/{p}"), ("speaker json", f"/speakers/{p}.json")]
    cheap += [
        ("index", "/"), ("about", "/about"), ("database", "/facts"),
        ("table", "/facts/quotes"), ("table", "/facts/quotes?kind=direct"),
        ("table json", "/facts/quotes.json?_shape=array"), ("table", "/facts/people"),
        ("table", "/facts/paragraphs"), ("view", "/facts/quotes_per_speaker"),
        ("saved query", "/facts/search?q=Chavez"), ("saved query", "/facts/search.json?q=asylum"),
        ("saved query", "/facts/quotes_by_speaker?speaker=alvarez"), ("saved query", "/facts/timeline"),
        ("saved query", "/facts/legal_basis"), ("saved query", "/facts/speakers"),
        ("saved query", "/facts/statements_mentioning?entity=Peru"),
        ("csv", "/facts/quotes.csv?_labels=on&_stream=on"), ("csv", "/facts/search.csv?q=Chavez"),
        ("static", "/-/static/app.css"), ("missing", "/quotes/no-such-quote"),
    ]
    return cheap


async def run(args):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = open(args.log, "w")
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve-prod", f"DB={args.db}", f"PORT={port}",
         "HOST=127.0.0.1", f"WORKERS={args.workers}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60,
                                     limits=httpx.Limits(max_connections=args.concurrency, keepalive_expiry=2)) as client:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    sys.exit(f"loadtest: serve-prod exited with {server.returncode}; see {args.log}")
                try:
                    if (await client.get("/-/versions.json")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit(f"loadtest: serve-prod did not answer in 120 s; see {args.log}")
                await asyncio.sleep(0.2)
            return await measure(client, server, args)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


async def measure(client, server, args):
    rng = random.Random(args.seed)
    cheap = page_mix(args.db)
    etags = {}
    for _, path in cheap:  # warm up: every page once, keep ETags for revalidation requests
        response = await client.get(path)
        if "etag" in response.headers:
            etags[path] = response.headers["etag"]
    rss_before = rss_mib(server.pid)

    plan = []
    for i in range(args.requests):
        r = rng.random()
        if r < args.heavy_share:
            plan.append(("heavy", ("/facts.json", {"sql": rng.choice(HEAVY_SQL)}) if rng.random() < 0.8 else (HEAVY_WHERE, None)))
        elif r < args.heavy_share + 0.1 and etags:
            path = rng.choice(sorted(etags))
            plan.append(("revalidate", (path, None)))
        else:
            kind, path = rng.choice(cheap)
            plan.append((kind, (path, None)))

    results, heavy_running, peak = [], [0], [rss_before]
    queue = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)

    async def sample_memory():
        while True:
            peak[0] = max(peak[0], rss_mib(server.pid))
            await asyncio.sleep(0.5)

    async def worker():
        while True:
            try:
                kind, (path, params) = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            headers = {"if-none-match": etags[path]} if kind == "revalidate" else {}
            overlapped = heavy_running[0] > 0
            if kind == "heavy":
                heavy_running[0] += 1
            start = time.perf_counter()
            try:
                response = await client.get(path, params=params, headers=headers)
                status = response.status_code
            except httpx.HTTPError as error:
                status = f"connection error: {type(error).__name__}"
            elapsed = time.perf_counter() - start
            if kind == "heavy":
                heavy_running[0] -= 1
            overlapped = overlapped or heavy_running[0] > 0
            results.append((kind, status, elapsed, overlapped))

    sampler = asyncio.create_task(sample_memory())
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(args.concurrency))), args.max_seconds)
    wall = time.perf_counter() - started
    sampler.cancel()
    await asyncio.sleep(1)
    rss_after = rss_mib(server.pid)
    return report(results, wall, rss_before, peak[0], rss_after, args)


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def expected(kind, status):
    if not isinstance(status, int) or status >= 500:
        return False
    if kind == "heavy":
        return status in (200, 400, 429)
    if kind == "revalidate":
        return status == 304
    if kind == "missing":
        return status == 404
    return status == 200


def report(results, wall, rss_before, rss_peak, rss_after, args):
    statuses = Counter(status for _, status, _, _ in results)
    errors = [(kind, status) for kind, status, _, _ in results if not expected(kind, status)]
    cheap = [t for kind, _, t, _ in results if kind not in ("heavy",)]
    cheap_during_heavy = [t for kind, _, t, overlapped in results if kind != "heavy" and overlapped]
    heavy = [t for kind, _, t, _ in results if kind == "heavy"]
    ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
    lines = [
        f"# Load test: {len(results)} requests, {args.concurrency} concurrent clients, serve-prod WORKERS={args.workers}",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| errors (5xx, connection errors, unexpected status) | {len(errors)} |",
        f"| statuses | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items(), key=str))} |",
        f"| wall time, throughput | {wall:.1f} s, {len(results) / wall:.0f} requests/s |",
        f"| all pages but heavy: p50 / p99 | {ms(percentile(cheap, 50))} / {ms(percentile(cheap, 99))} |",
        f"| same, while a heavy query ran: p50 / p99 (n={len(cheap_during_heavy)}) | {ms(percentile(cheap_during_heavy, 50))} / {ms(percentile(cheap_during_heavy, 99))} |",
        f"| heavy ?sql= queries: n, p50 / p99 | {len(heavy)}, {ms(percentile(heavy, 50))} / {ms(percentile(heavy, 99))} |",
        f"| server RSS before / peak / after | {rss_before:.0f} / {rss_peak:.0f} / {rss_after:.0f} MiB (growth {rss_after - rss_before:+.0f} MiB) |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    if errors:
        print("unexpected:", Counter(errors).most_common(10), file=sys.stderr)
    return 1 if errors or rss_after - rss_before > args.max_growth_mib else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="facts.db")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--heavy-share", type=float, default=0.005, help="share of heavy ?sql= requests")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=900, help="the whole run is bounded")
    parser.add_argument("--max-growth-mib", type=float, default=200, help="RSS growth that fails the run")
    parser.add_argument("--log", default=str(ROOT / "bench" / "loadtest-server.log"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "loadtest-results.md"))
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
