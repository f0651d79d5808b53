"""Every PolNeAR train and dev article added one by one with `build_db.py add`, then one full
build: the build must accept every unedited draft (issue 15's acceptance check).

Long (hundreds of adds), so it is `make polnear-adds`, not part of `make test`. It reads the
corpus at run time from ../shared/corpora/polnear (skips when absent; the test split is never
read) and writes nothing of it into the project: the archive lives in a temporary folder
unless --keep names one.
"""
import argparse
import contextlib
import io
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from article_facts.build import build  # noqa: E402
from article_facts.errors import BuildError  # noqa: E402
from article_facts.safe_text import check_article_text  # noqa: E402
from article_facts.extract.evaluate import polnear_docs  # noqa: E402
from article_facts.extract.commands import add_command  # noqa: E402


def slug_of(doc_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", doc_id.lower()).strip("-")[:120].strip("-")


def add_one(text: str, slug: str, seeds: Path, scratch: Path) -> str | None:
    """None when `add` accepted the article, else its one-line error."""
    path = scratch / f"{slug}.txt"
    path.write_text(text, encoding="utf-8")
    try:
        add_command.main([str(path), "--seeds", str(seeds), "--slug", slug], standalone_mode=False)
    except click.ClickException as e:
        return e.format_message()
    finally:
        path.unlink()
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", default=str(ROOT.parent / "shared" / "corpora" / "polnear"))
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--keep", help="build the archive in this folder (must not exist) and keep it")
    args = ap.parse_args(argv)
    corpus = Path(args.polnear)
    if not (corpus / "dev.jsonl").exists():
        print(f"PolNeAR not found at {corpus}: skipped")
        return 0
    with tempfile.TemporaryDirectory(prefix="polnear-adds-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp) / "archive"
        seeds, scratch = work / "seeds", Path(tmp) / "scratch"
        shutil.copytree(ROOT / "seeds", seeds)
        scratch.mkdir()
        refused, unstorable, added, started = [], [], 0, time.monotonic()
        docs = sorted(polnear_docs(corpus), key=lambda d: d["id"])[: args.limit]
        for n, doc in enumerate(docs, 1):
            try:  # a text the build refuses as input (control characters) is no draft to judge
                check_article_text(doc["id"], doc["text"])
            except BuildError as e:
                unstorable.append(doc["id"])
                print(f"NOT STORABLE {e}", flush=True)
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                error = add_one(doc["text"], slug_of(doc["id"]), seeds, scratch)
            if error:
                refused.append((doc["id"], error))
                print(f"REFUSED {doc['id']}: {error}", flush=True)
            else:
                added += 1
            if n % 50 == 0:
                print(f"{n}/{len(docs)} articles, {added} added, {time.monotonic() - started:.0f} s", flush=True)
        try:
            counts = build(seeds, work / "facts.db")
        except BuildError as e:
            print(f"FULL BUILD FAILED: {e}")
            return 1
        print(f"added {added} of {len(docs)} articles one by one in {time.monotonic() - started:.0f} s; "
              f"{len(unstorable)} texts the build refuses as input (control characters); "
              f"drafts refused {len(refused)}; full build: {counts['articles']} articles, "
              f"{counts['quotes']} quotes, {counts['mentions']} mentions")
        return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
