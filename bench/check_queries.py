"""/check's bench: archived quotes mutated the way quotes circulate (a word dropped, a word
changed, trimmed at either end, an ellipsis, [brackets], or exact), each sent once to a
running server at one client; latency percentiles, and how often the top result is the quote
the words came from. bench/run.py calls measure() against `make serve-prod` in the same run as
the quote view; alone:

    python bench/check_queries.py --db bench/work/facts.db --base http://127.0.0.1:8001 --queries 300
"""
import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse

import httpx

from article_facts.check.diff import word_diff
from article_facts.check.verdict import judge

MUTATIONS = ("exact", "drop a word", "change a word", "trim the start", "trim the end", "ellipsis", "brackets")
REPLACEMENTS = ["never", "always", "perhaps", "certainly", "again", "people", "country", "today"]
MIN_WORDS = 6


def mutate(text, kind, rng):
    """The words of an archived quote as they might circulate."""
    words = text.split()
    middle = rng.randrange(1, len(words) - 1)
    if kind == "drop a word":
        words = words[:middle] + words[middle + 1:]
    elif kind == "change a word":
        words = words[:middle] + [rng.choice(REPLACEMENTS)] + words[middle + 1:]
    elif kind == "trim the start":
        words = words[max(2, len(words) // 3):]
    elif kind == "trim the end":
        words = words[:-max(2, len(words) // 3)]
    elif kind == "ellipsis":
        end = min(len(words) - 1, middle + 2)
        words = words[:middle] + ["…"] + words[end:]
    elif kind == "brackets":
        words = words[:middle] + ["[the government]"] + words[middle + 1:]
    return " ".join(words)


def queries(db_path, n, seed=1):
    """n (mutation, quote id, its similarity to the pasted words, /check path) made from quotes
    picked at random (MIN_WORDS words or more, and not a part of a split quote, whose whole
    quote is the answer)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    (top,) = conn.execute("select max(rowid) from quotes").fetchone()
    found, tries = [], 0
    while len(found) < n and tries < n * 50:
        tries += 1
        row = conn.execute(
            "select id, text from quotes q where rowid = ? and continues_id is null "
            "and not exists (select 1 from quotes c where c.continues_id = q.id)", [rng.randint(1, top)]).fetchone()
        if not row or len(row[1].split()) < MIN_WORDS:
            continue
        kind = MUTATIONS[len(found) % len(MUTATIONS)]
        pasted = mutate(row[1], kind, rng)
        source = judge(word_diff(row[1], pasted))["similarity"]
        found.append((kind, row[0], source, "/check.json?" + urllib.parse.urlencode({"q": pasted})))
    conn.close()
    return found


async def measure(base, db_path, n, seed=1):
    """Each query once, one client, after a warm-up request: {n, p50, p95, max (ms), statuses,
    top_is_source (the share whose top result is the source quote or as similar to the
    pasted words), by_kind {mutation: (n, p50)}}."""
    plan = queries(db_path, n, seed)
    latencies, statuses, right, by_kind = [], {}, 0, {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await client.get(plan[0][3])
        for kind, quote_id, source, path in plan:
            started = time.perf_counter()
            response = await client.get(path)
            seconds = time.perf_counter() - started
            latencies.append(seconds * 1000)
            by_kind.setdefault(kind, []).append(seconds * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code == 200:
                matches = response.json()["matches"]
                # the synthetic archive repeats wordings: the top result is right when it is the
                # source or as close to the pasted words as the source is
                right += bool(matches) and (matches[0]["quote_id"] == quote_id or matches[0]["similarity"] >= source)
    ordered = sorted(latencies)
    return {"n": len(plan), "p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], "max": ordered[-1],
            "statuses": statuses, "top_is_source": right / len(plan) if plan else 0,
            "by_kind": {kind: (len(ms), statistics.median(ms)) for kind, ms in by_kind.items()}}


def render(result):
    """The bench/results.md section."""
    if not result:
        return []
    lines = [
        "",
        "## /check with mutated archived quotes, 1 client",
        "",
        f"{result['n']} queries (bench/check_queries.py: archived quotes of {MIN_WORDS} words or more with a word "
        "dropped or changed, trimmed at the start or end, an ellipsis, [brackets], or exact), each once, "
        f"`/check.json`. Statuses: {result['statuses']}. The top result is the quote the words came from, or "
        f"a statement at least as similar to them (the synthetic archive repeats wordings), in "
        f"{result['top_is_source']:.0%}.",
        "",
        "| | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|",
        f"| all | {result['p50']:.1f} | {result['p95']:.1f} | {result['max']:.1f} |",
        "",
        "| mutation | queries | p50 ms |",
        "|---|---|---|",
    ]
    lines += [f"| {kind} | {n} | {p50:.1f} |" for kind, (n, p50) in result["by_kind"].items()]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--base", required=True, help="a server serving that database")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = asyncio.run(measure(args.base, args.db, args.queries, args.seed))
    print("\n".join(render(result)))
    return 0 if set(result["statuses"]) == {200} else 1


if __name__ == "__main__":
    sys.exit(main())
