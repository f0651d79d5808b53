"""The `extract` and `add` sub-commands of build_db.py: draft a new article's facts, or add
the article to the seeds with its draft and check the archive.

build_db.py imports this module at start; the package's __init__ loads nothing eagerly and the
drafting modules are imported only when a command runs, so building the database never loads
the extractor or needs its optional dependencies (the `extract` extra).
"""
import contextlib
import shutil
import sqlite3
import sys
from pathlib import Path

import click

from ..errors import BuildError
from ..origin import command_line_origin
from ..schema import shown_slug, slug_problem, valid_date, valid_url

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


# The article's own fields, given or overriding the text's and the page's: one declaration for
# `extract` and `add` (and `make add`'s HEADLINE, PUBLISHED, URL, OUTLET, AUTHOR).
ARTICLE_OPTIONS = (
    click.option("--headline", default=None, help="The headline (default: the text's first line; one file only)"),
    click.option("--published", default=None, metavar="YYYY-MM-DD",
                 help="Publication date (default: the dateline's date, if it gives one)"),
    click.option("--url", default=None, help="The article's address (http or https; one file only)"),
    click.option("--outlet", default=None, help="The publication or site"),
    click.option("--author", default=None, help="The byline"),
)


def article_options(command):
    """The --headline, --published, --url, --outlet and --author options on a command."""
    for option in reversed(ARTICLE_OPTIONS):
        command = option(command)
    return command


@click.command("extract")
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True,
              help="The archive so far: its people, organizations and countries are reused")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Write the draft here instead of printing it")
@click.option("--slug", default=None, help="The article's folder name (default: from the file name)")
@article_options
def extract_command(article, seeds_dir, output, slug, headline, published, url, outlet, author):
    """Print a machine draft of facts.yml for ARTICLE (a UTF-8 text file, or a saved web page:
    its main text and metadata), with the article fields the options give."""
    given = checked_given(headline, published, url, outlet, author)
    draft = load_drafting()
    check_slug(slug)
    text, _, given, origins = read_input(draft, article, given)
    slug = slug or draft.slug_for(article, text)
    check_slug(slug)
    result = run_draft(draft, article, text, seeds_dir, slug, given=given, origins=origins)
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
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True, help="The seeds folder to add to")
@click.option("--slug", default=None, help="Folder name (default: from the file name or first line; one file only)")
@article_options
@click.pass_context
def add_command(ctx, articles, seeds_dir, slug, headline, published, url, outlet, author):
    """Copy each ARTICLE (a .txt or .html file, or a folder of them) to SEEDS/<slug>/article.txt,
    write its draft facts.yml, check it with the archive (the new article, and the archive's
    entities and ids it meets; folders changed since the last add are checked again, unchanged
    ones are not read: see archive_index). With several files, each is added or refused on its
    own, a summary table follows, and the exit status is 1 if any was refused."""
    given = checked_given(headline, published, url, outlet, author)
    draft = load_drafting()
    check_slug(slug)
    seeds_dir = Path(seeds_dir)
    if len(articles) == 1 and not Path(articles[0]).is_dir():
        add_single(draft, articles[0], seeds_dir, slug, given)
        return
    for option, value in (("--slug", slug), ("--headline", headline), ("--url", url)):
        if value is not None:
            raise click.ClickException(f"{option} names one article: give it with one file, not several")
    from .add_many import article_files, summary_table
    files = article_files(articles)
    if not files:
        raise click.ClickException(f"{', '.join(map(str, articles))}: no .txt, .html or .htm files to add")
    if not seeds_dir.is_dir():
        raise click.ClickException(f"{seeds_dir}: seeds folder does not exist or is not a folder")
    rows = add_many(draft, files, seeds_dir, given)
    click.echo(summary_table(rows))
    for file, slug, counts in rows:
        if slug and counts.get("other_speaker"):
            click.echo(f"{slug}: {counts['other_speaker']} quote(s) whose words are already archived with another "
                       "speaker (see their review_note)")
    if any(slug is None for _, slug, _ in rows):
        ctx.exit(1)
    click.echo("Review each facts.yml (change `review: draft` to `checked`), then `make check`.")


def add_single(draft, article, seeds_dir, slug, given):
    """One file: added with the full report, or a one-line error (exit status 1)."""
    archive = Archive(seeds_dir)
    try:
        folder, page, result, counts = add_one(draft, archive, article, seeds_dir, slug, given)
    finally:
        archive.close()
    click.echo(f"added {folder}: article.txt{' (the page text), source.html' if page else ''} and a machine-drafted facts.yml")
    click.echo(f"check passed: {counts['articles']} articles, {counts['quotes']} quotes in the archive")
    click.echo(report(result, draft))
    click.echo(f"Review {folder / 'facts.yml'} (change `review: draft` to `checked`), then `make check`.")
    click.echo(f"Article view (after `make serve`): {command_line_origin()}/articles/{folder.name}")


def add_many(draft, files, seeds_dir, given):
    """Each file added or refused on its own, in order, with a progress bar on a terminal:
    [(file, slug, counts)] for an added file, [(file, None, reason)] for a refused one. Ctrl-C
    stops after rolling back the file being added; the rest are listed as not added."""
    from .add_many import counts_of
    rows = []
    archive = Archive(seeds_dir)
    try:
        with progress_bar(files) as bar:
            for article in bar:
                try:
                    folder, _, result, _ = add_one(draft, archive, article, seeds_dir, None, dict(given))
                except Interrupted as e:
                    rows += [(article, None, e.format_message())]
                    rows += [(rest, None, "not added: interrupted") for rest in files[len(rows):]]
                    break
                except click.ClickException as e:
                    rows.append((article, None, e.format_message()))
                except Exception as e:  # a bug on one file's way: it is refused, the others go on
                    message = " ".join(str(e).split())[:200]
                    rows.append((article, None, f"{article}: cannot add it ({type(e).__name__}: {message})"))
                else:
                    rows.append((article, folder.name, counts_of(result)))
    finally:
        archive.close()
    return rows


@contextlib.contextmanager
def progress_bar(files):
    """click's progress bar on stderr when it is a terminal; otherwise nothing at all (click
    would still print the label once), so logs and pipes get only the summary."""
    if not sys.stderr.isatty():
        yield files
        return
    with click.progressbar(files, label="adding", file=sys.stderr, show_pos=True,
                           item_show_func=lambda path: path.name if path else None) as bar:
        yield bar


class Interrupted(click.ClickException):
    """Ctrl-C (or SIGTERM) while adding: the file being added is rolled back, and no more are."""


class Archive:
    """The archive index, opened at the first file that gets that far (a file refused for
    itself costs nothing, and one index serves every file of a batch)."""

    def __init__(self, seeds_dir):
        self.seeds_dir = seeds_dir
        self.index = None

    def open(self, draft):
        if self.index is None:
            try:
                self.index = draft.open_archive(self.seeds_dir)
            except (BuildError, sqlite3.Error) as e:
                raise click.ClickException(f"check failed, so nothing was added: {e}")
            except KeyboardInterrupt:  # the first add into a large archive indexes it all: minutes
                raise Interrupted(f"interrupted: nothing was added to {self.seeds_dir}")
        return self.index

    def close(self):
        if self.index is not None:
            self.index.close()


def add_one(draft, archive, article, seeds_dir, slug, given):
    """Read, draft, write and check one file: (folder, is a page, draft, archive counts), or a
    ClickException with the one-line reason and nothing written."""
    text, page, given, origins = read_input(draft, article, given)
    slug = slug or draft.slug_for(article, text)
    check_slug(slug)
    if not seeds_dir.is_dir():
        raise click.ClickException(f"{seeds_dir}: seeds folder does not exist or is not a folder")
    folder = seeds_dir / slug
    if folder.exists():
        raise click.ClickException(f"{folder}: already exists; give another SLUG=... or remove that folder first")
    index = archive.open(draft)
    try:
        result = run_draft(draft, article, text, seeds_dir, slug, index, given=given, origins=origins)
        counts = add_checked(index, article, folder, result.yaml, text, page)
    except KeyboardInterrupt:  # the folder is gone again and the index rolled back
        raise Interrupted(f"interrupted: nothing was added to {seeds_dir}")
    return folder, page, result, counts


def read_input(draft, article, given):
    """(text, is a web page, the given fields with the page's metadata under them, where each
    came from) for a .txt or a saved .html/.htm page, or a one-line ClickException."""
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
    return text, page, given, origins


def check_slug(slug):
    """A --slug (or the slug made from the file) that cannot name an article folder is a
    one-line error before anything is written."""
    problem = None if slug is None else slug_problem(slug)
    if problem:
        raise click.ClickException(f"--slug '{shown_slug(slug)}': {problem}")


def add_checked(index, article, folder, facts_yaml, text, page=False):
    """Write the new folder and check it with the archive index; on any failure remove it
    again (a failed add leaves nothing behind, in the seeds or in the index). text: the
    article as read_input read it (a .txt file's bytes exactly, decoded), written as it was
    drafted, without reading the file again; a web page is kept beside it as source.html."""
    try:
        folder.mkdir()  # before the clean-up below: a folder someone else made is never removed
    except OSError as e:
        raise click.ClickException(f"{folder}: cannot create it: {e.strerror}")
    try:
        (folder / "article.txt").write_bytes(text.encode("utf-8"))
        if page:
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


def run_draft(draft, article, text, seeds_dir, slug, index=None, given=None, origins=None):
    """The draft of the text read_input read from article, or a one-line error: a text the
    extractor cannot handle must never end in a traceback (the error names the file so it can
    be reported)."""
    try:
        return draft.draft_text(text, slug, seeds_dir, index=index, given=given, origins=origins)
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
    from .archived_words import warnings  # not at start: building never loads the extractor
    from .unsure import unsure_notes
    unsure = unsure_notes(facts, result.header)
    for key, note in warnings(facts):
        lines.append(f"  quote {key}: {draft.short(note, 200)}")
    if unsure:
        lines.append(f"unsure ({len(unsure)}):")
        lines += [f"  - {draft.short(note, 160)}" for note in unsure]
    return "\n".join(lines)
