"""make bench: a synthetic archive, built and served the way production serves it, measured in
one run against plain Datasette serving the same file and against the same SQL in sqlite3.

Steps: bench/synth.py writes N articles; build_db.py builds facts.db (time and peak memory of
the child) beside a bare sqlite_utils insert_all of the same rows (bench/baseline_insert.py);
`make serve-prod DB=... PORT=...` serves it (WORKERS=1, then 2 and 4) and `datasette serve
FILE` (default settings, no metadata, plugins or templates) serves the same file; each page is
requested by 1 and then 8 concurrent clients (httpx), a bounded number of times. Our pages'
SQL is captured with Datasette's ?_trace=1 on an in-process copy of the production Datasette
and replayed in sqlite3 on the same file: "ours / sqlite3" is what the page costs beyond its
queries. Correctness signals (status codes, facet timeouts, truncated results, CSV row counts)
are checked and reported. Results go to stdout and bench/results.md.

    python bench/run.py --articles 2000 --work bench/work --out bench/results.md
"""
import argparse
import asyncio
import csv
import datetime
import functools
import html
import importlib.util
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import httpx
import yaml

from article_facts import serve

import check_queries  # bench/check_queries.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_FACETS = ["speaker_id", "kind", "verb", "article_id", "attribution"]
RARE_WORD, COMMON_WORD = "aquifer", "government"
TIMEOUT = 900.0


# --- children: time and peak memory -------------------------------------------------------

def tree_rss_mib(root_pid):
    """Resident memory of a process and all its descendants, in MiB, from /proc."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid and child not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def measured(argv, **kwargs):
    """Run a child to completion: (seconds, peak RSS in MiB of the child, peak of the sum over
    the child and its own children, sampled every 0.2 s: a build parses in worker processes)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, **kwargs)
    peak_tree, done = 0.0, threading.Event()

    def sample():
        nonlocal peak_tree
        while not done.wait(0.2):
            peak_tree = max(peak_tree, tree_rss_mib(proc.pid))
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"bench: {' '.join(map(str, argv))} failed with exit code {proc.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, max(peak_tree, usage.ru_maxrss / 1024)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server this run started, in its own process group so it stops whole."""

    def __init__(self, name, argv, port, log):
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log, "w")
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    async def ready(self, seconds=300):
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise SystemExit(f"bench: {self.name} exited; see {self.log.name}")
                try:
                    if (await client.get(self.base + "/-/versions.json")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
        raise SystemExit(f"bench: {self.name} not ready after {seconds} s; see {self.log.name}")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# --- the archive --------------------------------------------------------------------------

def dump_rows(db_path, rows_dir):
    """Every row of every table the build wrote, one JSON-lines file per table."""
    rows_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    conn.row_factory = sqlite3.Row
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
        "and sql not like 'CREATE VIRTUAL TABLE%' and name not in "
        "(select name from sqlite_master where name like '%_fts_%' or name like '%_fts')")]
    total = 0
    for table in tables:
        with (rows_dir / f"{table}.jsonl").open("w", encoding="utf-8") as out:
            for row in conn.execute(f"select * from [{table}]"):
                out.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
                total += 1
    conn.close()
    return total


def facts(db_path):
    """What the targets need from the archive: counts, the busiest speaker, sample ids."""
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    one = lambda sql, params=(): conn.execute(sql, params).fetchone()
    speaker_id, speaker_quotes = one("select speaker_id, count(*) from quotes group by 1 order by 2 desc, 1 limit 1")
    (speaker_name,) = one("select name from people where id = ?", [speaker_id])
    (quote_count,) = one("select count(*) from quotes")
    (quote_id,) = one("select id from quotes order by rowid limit 1 offset ?", [quote_count // 2])
    (article_count,) = one("select count(*) from articles")
    (article_id,) = one("select id from articles order by rowid limit 1 offset ?", [article_count // 2])
    (country,) = one("select c.name from mentions m join countries c on c.id = m.country_id "
                     "group by c.id order by count(*) desc, c.id limit 1")
    counts = {name: one(f"select count(*) from [{name}]")[0] for name in ("articles", "quotes", "mentions", "paragraphs")}
    conn.close()
    return dict(speaker_id=speaker_id, speaker_quotes=speaker_quotes, speaker_surname=speaker_name.split()[-1],
                quote_id=quote_id, article_id=article_id, country=country, counts=counts)


# --- targets ------------------------------------------------------------------------------

def canned_params(sql, info):
    typical = {"q": COMMON_WORD, "speaker": info["speaker_surname"], "entity": info["country"], "id": info["quote_id"]}
    return {name: typical.get(name, "") for name in dict.fromkeys(re.findall(r"(?<!:):(\w+)", sql))}


def targets(info, metadata):
    """(name, our path, plain Datasette's path for the same content, note)."""
    facets = "&".join(f"_facet={f}" for f in DEFAULT_FACETS)
    out = [
        ("quotes table (default facets)", "/facts/quotes", f"/facts/quotes?_sort=start&{facets}", ""),
        ("quotes table, next page", "NEXT:/facts/quotes", f"NEXT:/facts/quotes?_sort=start&{facets}", ""),
        ("quote view", f"/quotes/{info['quote_id']}", f"/facts/quotes/{info['quote_id']}", "plain: Datasette's row page"),
        ("busiest speaker page", f"/speakers/{info['speaker_id']}", f"/facts/quotes?speaker_id={info['speaker_id']}&_sort=start",
         f"{info['speaker_quotes']} quotes; plain: quotes filtered by speaker"),
        ("article view", f"/articles/{info['article_id']}", f"/facts/articles/{info['article_id']}", "plain: Datasette's row page"),
    ]
    queries = metadata["databases"]["facts"].get("queries", {})
    for name, query in queries.items():
        sql = query["sql"] if isinstance(query, dict) else query
        variants = [("", canned_params(sql, info))]
        if name == "search":
            variants = [(f" q={COMMON_WORD}", dict(canned_params(sql, info), q=COMMON_WORD)),
                        (f" q={RARE_WORD}", dict(canned_params(sql, info), q=RARE_WORD))]
        for label, params in variants:
            qs = urllib.parse.urlencode(params)
            ours = f"/facts/{name}" + (f"?{qs}" if qs else "")
            # plain Datasette lacks our plugin's SQL function: its argument stands in for it
            plain_sql = sql.replace("snippet_matches(", "(")
            plain = "/facts?" + urllib.parse.urlencode(dict(sql=plain_sql, **params))
            out.append((f"saved query {name}{label}", ours, plain, ", ".join(f"{k}={v}" for k, v in params.items() if k != "q")))
    for view in ("quotes_per_speaker", "quotes_per_verb", "mentions_per_entity"):
        out.append((f"chart view {view}", f"/facts/{view}", f"/facts/{view}", ""))
    # the URL the table page's "Export CSV" form sends with "stream all rows" ticked (expand
    # labels is ticked by default): served from the build's static export
    out.append(("quotes CSV, full export", "/facts/quotes.csv?_labels=on&_stream=on&_size=max",
                "/facts/quotes.csv?_labels=on&_stream=on&_size=max", ""))
    return out


def canned_sql(plan, metadata):
    """(target name, SQL, parameters) of each saved-query target: our saved SQL, with the
    parameters of its plain URL."""
    queries = metadata["databases"]["facts"].get("queries", {})
    for name, our_path, plain_path, _ in plan:
        if plain_path.startswith("/facts?"):
            params = dict(urllib.parse.parse_qsl(plain_path.split("?", 1)[1], keep_blank_values=True))
            params.pop("sql")
            query = queries[our_path.split("?", 1)[0].rsplit("/", 1)[1]]
            yield name, query["sql"] if isinstance(query, dict) else query, params


def json_path(path):
    base, _, qs = path.partition("?")
    return base + ".json" + (f"?{qs}" if qs else "")


async def resolve_next(client, base, path):
    """The quotes table's second page, from the next token the first page gives."""
    path = path[len("NEXT:"):]
    data = (await client.get(base + json_path(path))).json()
    token = data.get("next")
    if not token:
        return None
    return path + ("&" if "?" in path else "?") + urllib.parse.urlencode({"_next": token})


# --- load ---------------------------------------------------------------------------------

async def fetch(client, url):
    started = time.perf_counter()
    size = 0
    async with client.stream("GET", url) as response:
        async for chunk in response.aiter_raw():
            size += len(chunk)
    return time.perf_counter() - started, response.status_code, size


async def load(base, path, concurrency, max_requests, max_seconds, min_requests=3):
    """Requests by `concurrency` clients until max_requests or max_seconds (at least
    min_requests): latencies, statuses, throughput."""
    latencies, statuses, sizes = [], {}, []
    started = time.perf_counter()
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits) as client:
        await fetch(client, path)  # warm

        async def worker():
            nonlocal issued
            while issued < max_requests and (issued < min_requests or time.perf_counter() - started < max_seconds):
                issued += 1
                seconds, status, size = await fetch(client, path)
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1
                sizes.append(size)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return dict(n=len(latencies), median=statistics.median(ordered) * 1000,
                p99=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
                rps=len(latencies) / wall, statuses=statuses, bytes=statistics.median(sizes))


async def signals(base, path, expected_csv_rows, counted=None):
    """What a reader would see go wrong: status, facet timeouts, truncation, CSV rows (the
    rows a CSV download held go into counted["csv_rows"])."""
    found = []
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        if ".csv" in path:
            rows, status = await csv_rows(client, path)
            if counted is not None:
                counted["csv_rows"] = rows
            if status != 200:
                found.append(f"CSV status {status}")
            if rows != expected_csv_rows:
                found.append(f"CSV has {rows} of {expected_csv_rows} rows")
            return found
        page = await client.get(path)
        if page.status_code != 200:
            found.append(f"HTTP {page.status_code}")
        text = page.text
        if "facets timed out" in text:
            found.append("facets timed out")
        if "took too long" in text:
            found.append("query took too long")
        data = await client.get(json_path(path))
        if data.status_code == 200 and data.headers.get("content-type", "").startswith("application/json"):
            body = data.json()
            if isinstance(body, dict):
                if body.get("truncated"):
                    found.append("truncated")
                if body.get("facets_timed_out"):
                    found.append("facets timed out: " + ", ".join(body["facets_timed_out"]))
    return found


async def csv_rows(client, path):
    """Data rows of a CSV download, saved as it streams and parsed from the file (flat memory)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as saved:
        async with client.stream("GET", path) as response:
            async for text in response.aiter_text():
                saved.write(text)
        saved.seek(0)
        count = sum(1 for _ in csv.reader(saved)) - 1  # less the header
    return count, response.status_code


# --- sqlite3 replay of our pages' SQL -------------------------------------------------------

def tracing_server(db_path, inspect_path, work):
    """Our configuration with ?_trace=1 allowed, over HTTP (Datasette's in-process client
    cannot take a traced canned-query page)."""
    settings = [arg for key, value in dict(serve.SETTINGS, trace_debug=True).items()
                for arg in ("--setting", key, json.dumps(value) if isinstance(value, bool) else str(value))]
    port = free_port()
    return Server("trace", [str(BIN / "datasette"), "serve", "--immutable", str(db_path), "--inspect-file", str(inspect_path),
                            "--metadata", "metadata.yml", "--plugins-dir", "plugins", "--template-dir", "templates",
                            "--port", str(port), *settings], port, work / "trace.log")


async def page_sql(base, path):
    """The SQL statements (with parameters) a page runs on the facts database."""
    sep = "&" if "?" in path else "?"
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        try:
            response = await client.get(base + path + sep + "_trace=1")
        except httpx.HTTPError:  # Datasette 0.65 cannot trace a canned query's HTML page
            return None
    text = response.text
    start, end = text.rfind("<pre>"), text.rfind("</pre></body>")
    if start < 0 or end < start:
        return None
    traces = json.loads(html.unescape(text[start + len("<pre>"):end]))["traces"]
    return [(t["sql"], t.get("params")) for t in traces if t.get("type") == "sql" and t.get("database") == "facts"
            and not t.get("error")]


@functools.cache
def search_snippets_plugin():
    """plugins/search_snippets.py, whose prepare_connection gives our SQL function
    snippet_matches() to every connection Datasette opens (plugins are not importable)."""
    spec = importlib.util.spec_from_file_location("search_snippets", ROOT / "plugins" / "search_snippets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_sql(db_path, statements, repeat=5, rows=None):
    """Median time to run the statements and fetch their rows (at most `rows` each, as
    Datasette fetches a canned query's max_returned_rows + 1)."""
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    search_snippets_plugin().prepare_connection(conn)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        for sql, params in statements:
            cursor = conn.execute(sql, params if params is not None else ())
            cursor.fetchmany(rows) if rows else cursor.fetchall()
        runs.append(time.perf_counter() - started)
    conn.close()
    return statistics.median(runs) * 1000


# --- the run ------------------------------------------------------------------------------

def git_commit():
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return head + (" (with uncommitted changes)" if dirty else "")


def machine():
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def fmt(value, digits=0):
    return "n/a" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return "n/a" if a is None or not b else f"{a / b:.2f}x"


async def measure_server(server, paths, args, csv_rows_expected, client_counts=(1, 8)):
    results = {}
    for name, path in paths.items():
        if path is None:
            continue
        csv_target = ".csv" in path
        row = {}
        for clients in client_counts:
            if csv_target:
                if clients > 1 and row.get(1) and row[1]["median"] > args.csv_limit_seconds * 1000:
                    continue
                budget = dict(max_requests=2 if clients == 1 else clients, max_seconds=0, min_requests=2 if clients == 1 else clients)
            else:
                budget = dict(max_requests=args.requests * (1 if clients == 1 else 2), max_seconds=args.seconds)
            row[clients] = await load(server.base, path, clients, **budget)
        row["signals"] = await signals(server.base, path, csv_rows_expected, row)
        for clients in client_counts:
            failed = sum(n for status, n in row.get(clients, {}).get("statuses", {}).items() if status != 200)
            if failed:  # fast failures (a 400 "took too long") make a latency look good
                row["signals"].append(f"{failed} of {row[clients]['n']} requests not 200 at {clients} client(s)")
        results[name] = row
        print(f"  {server.name}: {name}: " + ", ".join(
            f"{c} client(s) median {row[c]['median']:.1f} ms, {row[c]['rps']:.1f} req/s" for c in client_counts if c in row)
            + (f" [{'; '.join(row['signals'])}]" if row["signals"] else ""), file=sys.stderr, flush=True)
    return results


async def run(args):
    work = Path(args.work).resolve()
    seeds, db, rows_dir, base_db = work / "seeds", work / "facts.db", work / "rows", work / "baseline.db"
    reuse = args.reuse_db and db.is_file()
    if work.exists() and not reuse:
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True, exist_ok=True)
    report = {"n": args.articles, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "commit": git_commit(), "machine": machine(), "load_start": os.getloadavg()[0]}

    if args.seeds:  # an archive synthesised before (e.g. by bench/add_cost.py): not synthesised again
        seeds = Path(args.seeds).resolve()
        report["n"] = sum(1 for child in seeds.iterdir() if (child / "facts.yml").is_file())
        report["synth"] = None
    else:
        print(f"bench: synthesising {args.articles} articles", file=sys.stderr, flush=True)
        report["synth"] = measured([sys.executable, "bench/synth.py", "--articles", str(args.articles), "--out", str(seeds), "--seed", str(args.seed)])
    if reuse:  # built by an earlier run of this command (its build is not timed here)
        report["build"] = None
        report["built_at"] = datetime.datetime.fromtimestamp(db.stat().st_mtime, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    else:
        print("bench: building with build_db.py", file=sys.stderr, flush=True)
        report["build"] = measured([sys.executable, "build_db.py", "--seeds", str(seeds), "--db", str(db)])
    report["db_mib"] = db.stat().st_size / 2**20
    report["baseline"] = None
    if not args.no_baseline:
        report["rows"] = dump_rows(db, rows_dir)
        print(f"bench: baseline insert_all of {report['rows']} rows", file=sys.stderr, flush=True)
        report["baseline"] = measured([sys.executable, "bench/baseline_insert.py", "--rows", str(rows_dir), "--db", str(base_db)])
    info = facts(db)
    report["info"] = info
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    plan = targets(info, metadata)

    plain_port = free_port()
    plain = Server("plain", [str(BIN / "datasette"), "serve", str(db), "--port", str(plain_port)], plain_port, work / "plain.log")
    servers = {}
    try:
        ours_port = free_port()
        ours = Server("ours", ["make", "--no-print-directory", "serve-prod", f"DB={db}", f"PORT={ours_port}", "WORKERS=1"],
                      ours_port, work / "ours-1.log")
        servers["ours"] = ours
        await plain.ready()
        await ours.ready()
        inspect_path = db.with_suffix(".inspect.json")
        ours_paths, plain_paths, notes = {}, {}, {}
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            for name, our_path, plain_path, note in plan:
                if our_path.startswith("NEXT:"):
                    our_path = await resolve_next(client, ours.base, our_path)
                    plain_path = await resolve_next(client, plain.base, plain_path)
                ours_paths[name], plain_paths[name], notes[name] = our_path, plain_path, note

        print("bench: replaying our pages' SQL in sqlite3", file=sys.stderr, flush=True)
        canned = {name: (sql, params) for name, sql, params in canned_sql(plan, metadata)}
        untraced = report["untraced"] = []
        tracer = servers["trace"] = tracing_server(db, inspect_path, work)
        await tracer.ready()
        sql_ms = {}
        for name, path in ours_paths.items():
            if path is None:
                continue
            if ".csv" in path:
                sort = metadata["databases"]["facts"]["tables"]["quotes"].get("sort", "rowid")
                # the order Datasette streams a table in: its sort column, then its primary key
                sql_ms[name] = time_sql(db, [(f"select * from quotes order by [{sort}], [id]", None)], repeat=1)
                continue
            statements = await page_sql(tracer.base, path)
            if statements:
                sql_ms[name] = time_sql(db, statements)
            elif name in canned:
                sql_ms[name] = time_sql(db, [canned[name]], rows=serve.SETTINGS["max_returned_rows"] + 1)
                untraced.append(name)
        tracer.stop()

        print("bench: measuring plain Datasette", file=sys.stderr, flush=True)
        plain_results = await measure_server(plain, plain_paths, args, info["counts"]["quotes"])
        plain.stop()
        # Plain Datasette's CSV stops at its 100 MB default cap; the same export with the cap
        # lifted is the like-for-like time for every row.
        uncapped_port = free_port()
        uncapped = servers["plain-uncapped"] = Server(
            "plain, max_csv_mb 0", [str(BIN / "datasette"), "serve", str(db), "--port", str(uncapped_port),
                                    "--setting", "max_csv_mb", "0"], uncapped_port, work / "plain-uncapped.log")
        await uncapped.ready()
        print("bench: measuring plain Datasette's full CSV export without its cap", file=sys.stderr, flush=True)
        csv_paths = {name: path for name, path in plain_paths.items() if path and ".csv" in path}
        uncapped_results = await measure_server(uncapped, csv_paths, args, info["counts"]["quotes"], client_counts=(1,))
        uncapped.stop()
        print("bench: measuring make serve-prod (WORKERS=1)", file=sys.stderr, flush=True)
        ours_results = await measure_server(ours, ours_paths, args, info["counts"]["quotes"])
        print(f"bench: /check with {args.check_queries} mutated archived quotes", file=sys.stderr, flush=True)
        report["check"] = await check_queries.measure(ours.base, db, args.check_queries, args.seed)
        ours.stop()

        scaling = {1: {name: ours_results[name][8]["rps"] for name in args.scaling_targets if name in ours_results}}
        for workers in (2, 4):
            port = free_port()
            server = Server(f"ours x{workers}", ["make", "--no-print-directory", "serve-prod", f"DB={db}", f"PORT={port}", f"WORKERS={workers}"],
                            port, work / f"ours-{workers}.log")
            servers[f"ours{workers}"] = server
            await server.ready()
            subset = {name: ours_paths[name] for name in args.scaling_targets if ours_paths.get(name)}
            result = await measure_server(server, subset, args, info["counts"]["quotes"], client_counts=(8,))
            scaling[workers] = {name: r[8]["rps"] for name, r in result.items()}
            server.stop()
    finally:
        plain.stop()
        for server in servers.values():
            server.stop()

    text = render(report, plan, ours_paths, plain_paths, notes, ours_results, plain_results, sql_ms, scaling,
                  uncapped_results)
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"bench: wrote {args.out}", file=sys.stderr)


def build_rows(report):
    """The build table's rows: synth and the baseline only when this run made them."""
    rows = []
    if report["synth"]:
        synth_s, synth_mib, synth_tree_mib = report["synth"]
        rows.append(f"| synth.py (not part of the build) | {synth_s:,.1f} s | {synth_mib:,.0f} MiB | {synth_tree_mib:,.0f} MiB |")
    else:
        rows.append("| synth.py (not part of the build) | not run: `--seeds` reused an archive synthesised before | | |")
    if report["build"] is None:
        rows.append(f"| build_db.py | not run: `--reuse-db` served the database built at {report['built_at']} | | |")
        return rows
    build_s, build_mib, build_tree_mib = report["build"]
    rows.append(f"| build_db.py | {build_s:,.1f} s | {build_mib:,.0f} MiB | {build_tree_mib:,.0f} MiB |")
    if report["baseline"]:
        base_s, base_mib, base_tree_mib = report["baseline"]
        rows += [
            f"| bare sqlite_utils insert_all of the same {report['rows']:,} rows | {base_s:,.1f} s | {base_mib:,.0f} MiB | {base_tree_mib:,.0f} MiB |",
            f"| ratio build / baseline | {build_s / base_s:.2f}x | {build_mib / base_mib:.1f}x | {build_tree_mib / base_tree_mib:.1f}x |",
        ]
    else:
        rows.append("| bare sqlite_utils insert_all | not run (`--no-baseline`) | | |")
    return rows


def render(report, plan, ours_paths, plain_paths, notes, ours, plain, sql_ms, scaling, uncapped):
    counts = report["info"]["counts"]
    lines = [
        "# Benchmark: article-facts served by `make serve-prod` vs plain Datasette",
        "",
        f"- Archive: {report['n']:,} synthetic articles (bench/synth.py), {counts['quotes']:,} quotes, "
        f"{counts['paragraphs']:,} paragraphs, {counts['mentions']:,} mentions; facts.db {report['db_mib']:,.0f} MiB",
        f"- Date: {report['date']}; commit {report['commit']}",
        f"- Machine: {report['machine']}; load average {report['load_start']:.1f} at the start of the run, "
        f"{os.getloadavg()[0]:.1f} at the end (other work on the machine slows both servers alike)",
        "- Ours: `make serve-prod DB=... PORT=...` (immutable, inspect file, our metadata, plugins, templates, "
        "settings in article_facts/serve.py). Plain: `datasette serve FILE` with default settings, no metadata, "
        "plugins or templates; the same facets and sort as ours are asked for in its URL; saved queries run as "
        "`/facts?sql=...` with the same parameters.",
        "- sqlite3: the SQL statements our page runs (captured with ?_trace=1), replayed on the same file with "
        "Python's sqlite3, all rows fetched; median of 5. For the CSV export: one `select * from quotes` in the "
        "table's sort order (its sort column, then id). Pages Datasette 0.65 cannot trace (canned queries: its tracer breaks their HTML "
        f"response) are timed as their saved SQL with the same parameters, {serve.SETTINGS['max_returned_rows'] + 1} rows at most "
        f"as Datasette fetches them: {', '.join(report.get('untraced', [])) or 'none'}.",
        "- Latency: median and p99 over the requests made (a warm-up request first; at most "
        f"{ARGS.requests} requests or {ARGS.seconds:g} s per page at 1 client, twice as many at 8, and at least 3; "
        "p99 of so few requests is close to the maximum). Throughput: requests completed per second of wall time. "
        "The load generator runs on the same machine.",
        "",
        "## Build",
        "",
        "| | time | peak memory (largest process) | peak memory (all its processes) |",
        "|---|---|---|---|",
        *build_rows(report),
        "",
        "Baseline (bench/baseline_insert.py): the rows build_db.py wrote, dumped from facts.db to JSON lines, "
        "streamed into the same tables of a new database with `insert_all(rows, pk=\"id\")`: no YAML, validation, "
        "foreign keys, indexes, full-text search or views. The build parses articles in one worker process a "
        f"core ({os.cpu_count()} here: article_facts/parallel.py) while one process writes; the baseline uses one "
        "core. Peak memory: the largest process's own peak (wait4), and the peak of the sum over a process and "
        "its children sampled every 0.2 s.",
        "",
        "## Pages, 1 client",
        "",
        "| page | ours median ms | ours p99 ms | plain median ms | plain p99 ms | ours / plain | sqlite3 ms | ours / sqlite3 | ours KB | signals (ours; plain) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, *_ in plan:
        o, p = ours.get(name, {}), plain.get(name, {})
        o1, p1 = o.get(1), p.get(1)
        sig = "; ".join(o.get("signals", [])) or "ok"
        psig = "; ".join(p.get("signals", [])) or "ok"
        if ours_paths.get(name) is None:
            sig = "no such page (no next page)"
        lines.append(
            f"| {name} | {fmt(o1 and o1['median'], 1)} | {fmt(o1 and o1['p99'], 1)} | {fmt(p1 and p1['median'], 1)} | "
            f"{fmt(p1 and p1['p99'], 1)} | {ratio(o1 and o1['median'], p1 and p1['median'])} | {fmt(sql_ms.get(name), 1)} | "
            f"{ratio(o1 and o1['median'], sql_ms.get(name))} | {fmt(o1 and o1['bytes'] / 1024)} | {sig}; {psig} |")
    lines += [
        "",
        "## Pages, 8 concurrent clients",
        "",
        "| page | ours median ms | ours p99 ms | ours req/s | plain median ms | plain p99 ms | plain req/s | ours / plain (req/s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, *_ in plan:
        o8, p8 = ours.get(name, {}).get(8), plain.get(name, {}).get(8)
        lines.append(
            f"| {name} | {fmt(o8 and o8['median'], 1)} | {fmt(o8 and o8['p99'], 1)} | {fmt(o8 and o8['rps'], 1)} | "
            f"{fmt(p8 and p8['median'], 1)} | {fmt(p8 and p8['p99'], 1)} | {fmt(p8 and p8['rps'], 1)} | "
            f"{ratio(o8 and o8['rps'], p8 and p8['rps'])} |")
    lines += [
        "",
        "## Full CSV export, 1 client: rows per second",
        "",
        "Plain Datasette with default settings stops its streamed CSV at 100 MB (`max_csv_mb`); it was also "
        "run with `--setting max_csv_mb 0` so that it sends every row, as ours does (serve-prod sets 0). Rows: "
        "the data rows of a separate download of the same URL, parsed.",
        "",
        "| server | median s | rows | rows per second | ours / this (rows per second) |",
        "|---|---|---|---|---|",
    ]
    for name, *_ in plan:
        if ".csv" not in (ours_paths.get(name) or ""):
            continue
        ours_rate = csv_rate(ours.get(name, {}))
        for label, result in (("ours (serve-prod)", ours.get(name, {})), ("plain, default settings", plain.get(name, {})),
                              ("plain, max_csv_mb 0", uncapped.get(name, {}))):
            rate = csv_rate(result)
            lines.append(f"| {label} | {fmt(result.get(1) and result[1]['median'] / 1000, 1)} | "
                         f"{fmt(result.get('csv_rows'))} | {fmt(rate)} | {ratio(ours_rate, rate)} |")
    lines += [
        "",
        "## Serving processes (`make serve-prod WORKERS=n`), 8 concurrent clients, requests per second",
        "",
        "| page | 1 | 2 | 4 | 4 / 1 |",
        "|---|---|---|---|---|",
    ]
    for name in ARGS.scaling_targets:
        one, two, four = (scaling.get(w, {}).get(name) for w in (1, 2, 4))
        lines.append(f"| {name} | {fmt(one, 1)} | {fmt(two, 1)} | {fmt(four, 1)} | {ratio(four, one)} |")
    lines += check_queries.render(report.get("check"))
    lines += ["", "## Pages measured", ""]
    for name, *_ in plan:
        note = f" ({notes[name]})" if notes.get(name) else ""
        lines.append(f"- {name}{note}: ours `{ours_paths.get(name)}`; plain `{shorten(plain_paths.get(name))}`")
    return "\n".join(lines) + "\n"


def csv_rate(result):
    """Data rows per second of a measured CSV export: its rows over its median time."""
    if not result.get(1) or not result.get("csv_rows") or not result[1]["median"]:
        return None
    return result["csv_rows"] / (result[1]["median"] / 1000)


def shorten(path):
    if path and len(path) > 160:
        return path[:150] + "…"
    return path


ARGS = None
SCALING = ["quotes table (default facets)", "quote view", "busiest speaker page", f"saved query search q={COMMON_WORD}",
           "saved query legal_basis"]


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seeds", help="build this archive (synthesised before) instead of synthesising --articles")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare insert_all baseline of the build")
    parser.add_argument("--reuse-db", action="store_true", help="serve the --work folder's facts.db (and its exports) if an earlier run built it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="bench/work")
    parser.add_argument("--out", default="bench/results.md")
    parser.add_argument("--requests", type=int, default=20, help="at most this many requests a page at 1 client (twice at 8)")
    parser.add_argument("--seconds", type=float, default=15, help="and at most this long a page, after 3 requests")
    parser.add_argument("--check-queries", type=int, default=300, help="/check requests, each a mutated archived quote")
    parser.add_argument("--csv-limit-seconds", type=float, default=60, help="skip 8 concurrent CSV exports when one takes longer")
    ARGS = parser.parse_args()
    ARGS.scaling_targets = SCALING
    asyncio.run(run(ARGS))


if __name__ == "__main__":
    main()
