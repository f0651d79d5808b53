"""The `extract` and `add` sub-commands of build_db.py: draft a new article's facts, or add
the article to the seeds with its draft and check the archive.

build_db.py imports this module at start; the package's __init__ loads nothing eagerly and the
drafting modules are imported only when a command runs, so building the database never loads
the extractor or needs its optional dependencies (the `extract` extra).
"""
import shutil
import sqlite3
from pathlib import Path

import click

from ..errors import BuildError
from ..schema import shown_slug, slug_problem, valid_date, valid_url

SITE = "http://127.0.0.1:8001"


def load_drafting():
    try:
        from . import draft
        from .entities import country_table
        country_table()
    except ImportError as e:
        raise click.ClickException(
            f"the extractor needs its optional dependencies ({e.name}): pip install -e '.[extract]'"
        )
    return draft


@click.command("extract")
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True,
              help="The archive so far: its people, organizations and countries are reused")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Write the draft here instead of printing it")
@click.option("--slug", default=None, help="The article's folder name (default: from the file name)")
def extract_command(article, seeds_dir, output, slug):
    """Print a machine draft of facts.yml for ARTICLE (a UTF-8 text file)."""
    draft = load_drafting()
    check_slug(slug)
    result = run_draft(draft, article, seeds_dir, slug)
    if output is None:
        click.echo(result.yaml, nl=False)
        return
    try:
        Path(output).write_text(result.yaml, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"{output}: cannot write: {e.strerror}")
    click.echo(f"wrote {output}: {draft.summary(result.facts)}", err=True)


def checked_given(headline, published, url, outlet, author):
    """The article fields given as options, or a one-line error naming the option (before
    anything is read or written): one line of text each, a real date, an http(s) URL."""
    given = {"headline": headline, "published": published, "url": url, "outlet": outlet, "author": author}
    for name, value in given.items():
        if value is None:
            continue
        if not value.strip() or any(ch < " " or ch == "\x7f" for ch in value):
            raise click.ClickException(f"--{name}: must be one line of text, not empty")
        given[name] = value.strip()
    if given["published"] is not None and not valid_date(given["published"]):
        raise click.ClickException(f"--published '{given['published'][:40]}': must be a real date as YYYY-MM-DD "
                                   "(or YYYY-MM, YYYY)")
    if given["url"] is not None and not valid_url(given["url"]):
        raise click.ClickException(f"--url '{given['url'][:80]}': must be an http or https address")
    return {name: value for name, value in given.items() if value is not None}


@click.command("add")
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True, help="The seeds folder to add to")
@click.option("--slug", default=None, help="Folder name (default: from the file name or first line)")
@click.option("--headline", default=None, help="The headline (default: the text's first line)")
@click.option("--published", default=None, metavar="YYYY-MM-DD",
              help="Publication date (default: the dateline's date, if it gives one)")
@click.option("--url", default=None, help="The article's address (http or https)")
@click.option("--outlet", default=None, help="The publication or site")
@click.option("--author", default=None, help="The byline")
def add_command(article, seeds_dir, slug, headline, published, url, outlet, author):
    """Copy ARTICLE to SEEDS/<slug>/article.txt, write its draft facts.yml, check it with the
    archive (the new article, and the archive's entities and ids it meets; folders changed since
    the last add are checked again, unchanged ones are not read: see archive_index)."""
    given = checked_given(headline, published, url, outlet, author)
    draft = load_drafting()
    check_slug(slug)
    seeds_dir = Path(seeds_dir)
    page = Path(article).suffix.lower() in (".html", ".htm")
    origins = {}
    try:
        if page:
            from .web_page import FROM_PAGE, read_page
            text, meta = read_page(article)
            draft.refuse_unstorable(f"{article}: its text", text)
            meta = {name: value for name, value in meta.items() if name not in given and (
                (name != "url" or valid_url(value)) and (name != "published" or valid_date(value)))}
            origins = {name: FROM_PAGE for name in meta}
            given = {**meta, **given}
        else:
            text = draft.read_text(article)
    except draft.ExtractError as e:
        raise click.ClickException(str(e))
    slug = slug or draft.slug_for(article, text)
    check_slug(slug)
    if not seeds_dir.is_dir():
        raise click.ClickException(f"{seeds_dir}: seeds folder does not exist or is not a folder")
    folder = seeds_dir / slug
    if folder.exists():
        raise click.ClickException(f"{folder}: already exists; give another SLUG=... or remove that folder first")
    try:
        index = draft.open_archive(seeds_dir)
    except (BuildError, sqlite3.Error) as e:
        raise click.ClickException(f"check failed, so nothing was added: {e}")
    except KeyboardInterrupt:  # the first add into a large archive indexes it all: minutes
        raise click.ClickException(f"interrupted: nothing was added to {seeds_dir}")
    try:
        result = run_draft(draft, article, seeds_dir, slug, index, given=given, origins=origins,
                           text=text if page else None)
        counts = add_checked(index, article, folder, result.yaml, text if page else None)
    except KeyboardInterrupt:  # the folder is gone again and the index rolled back
        raise click.ClickException(f"interrupted: nothing was added to {seeds_dir}")
    finally:
        index.close()
    click.echo(f"added {folder}: article.txt{' (the page text), source.html' if page else ''} and a machine-drafted facts.yml")
    click.echo(f"check passed: {counts['articles']} articles, {counts['quotes']} quotes in the archive")
    click.echo(report(result, draft))
    click.echo(f"Review {folder / 'facts.yml'} (change `review: draft` to `checked`), then `make check`.")
    click.echo(f"Article view (after `make serve`): {SITE}/articles/{slug}")


def check_slug(slug):
    """A --slug (or the slug made from the file) that cannot name an article folder is a
    one-line error before anything is written."""
    problem = None if slug is None else slug_problem(slug)
    if problem:
        raise click.ClickException(f"--slug '{shown_slug(slug)}': {problem}")


def add_checked(index, article, folder, facts_yaml, page_text=None):
    """Write the new folder and check it with the archive index; on any failure remove it
    again (a failed add leaves nothing behind, in the seeds or in the index)."""
    try:
        folder.mkdir()  # before the clean-up below: a folder someone else made is never removed
    except OSError as e:
        raise click.ClickException(f"{folder}: cannot create it: {e.strerror}")
    try:
        if page_text is None:
            shutil.copyfile(article, folder / "article.txt")
        else:  # a web page: its extracted text, and the page beside it
            (folder / "article.txt").write_bytes(page_text.encode("utf-8"))
            shutil.copyfile(article, folder / "source.html")
        (folder / "facts.yml").write_text(facts_yaml, encoding="utf-8")
        index.add(folder)
        return index.counts()
    except (BuildError, OSError, sqlite3.Error) as e:
        shutil.rmtree(folder, ignore_errors=True)
        raise click.ClickException(f"check failed, so {folder} was removed again: {e}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def run_draft(draft, article, seeds_dir, slug, index=None, given=None, origins=None, text=None):
    """The draft, or a one-line error: a text the extractor cannot handle must never end in a
    traceback (the error names the file so it can be reported)."""
    try:
        if text is not None:
            return draft.draft_text(text, slug, seeds_dir, index=index, given=given, origins=origins)
        return draft.make_draft(article, seeds_dir, slug, index=index, given=given, origins=origins)
    except draft.ExtractError as e:
        raise click.ClickException(str(e))
    except Exception as e:  # a bug in the extractor: one line, not a traceback
        message = " ".join(str(e).split())[:200]
        raise click.ClickException(f"{article}: the extractor failed ({type(e).__name__}: {message})")


def report(result, draft):
    """What the draft found, and everything it was unsure of."""
    facts = result.facts
    names = {e["id"]: e["name"] for section in ("people", "organizations") for e in facts.get(section) or []}
    lines = [f"found: {draft.summary(facts)}"]
    speakers = {}
    for quote in facts.get("quotes") or []:
        key = quote.get("speaker") or quote.get("speaker_organization") or f"{quote.get('unnamed_source')} (unnamed source)"
        speakers[key] = speakers.get(key, 0) + 1
    for key, count in speakers.items():
        lines.append(f"  speaker: {names.get(key, key)} ({count} quote{'s' if count != 1 else ''})")
    unsure = []
    for section, entries in facts.items():
        if not isinstance(entries, list):
            entries = [entries] if isinstance(entries, dict) else []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            label = f"{section} {entry.get('id') or entry.get('title') or entry.get('person') or ''}".strip()
            if entry.get("attribution_note"):
                unsure.append(f"{label}: speaker inferred: {entry['attribution_note']}")
            if entry.get("review_note"):
                unsure.append(f"{label}: {entry['review_note']}")
    unsure += [f"left out: {note}" for note in result.header]
    if unsure:
        lines.append(f"unsure ({len(unsure)}):")
        lines += [f"  - {draft.short(note, 160)}" for note in unsure]
    return "\n".join(lines)
