"""The command people run: build facts.db from seeds/<slug>/article.txt and facts.yml.

The work is in the article_facts package; this file is the command line. The same seeds
always give a byte-identical database, and a failed build never touches the previous one.
"""
from pathlib import Path

import click

from article_facts.build import append, build, check as check_seeds
from article_facts.database import FTS_TABLES, TABLES, VIEWS
from article_facts.errors import BuildError
from article_facts.extract.commands import add_command, extract_command

__all__ = ["BuildError", "FTS_TABLES", "TABLES", "VIEWS", "append", "build", "cli"]


@click.group(invoke_without_command=True)
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True,
              help="Folder of <slug>/article.txt + facts.yml")
@click.option("--db", "db_path", default="facts.db", show_default=True,
              help="SQLite file to write")
@click.option("--check", is_flag=True, help="Validate the seeds without writing the database")
@click.pass_context
def cli(ctx, seeds_dir, db_path, check):
    """Build the article-facts database from the seeds folder (the default, with no command)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        counts = check_seeds(seeds_dir) if check else build(seeds_dir, db_path, show_progress=True)
    except BuildError as e:
        raise click.ClickException(str(e))
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM/SIGHUP (article_facts.safe_files)
        raise click.ClickException(f"interrupted by {str(e) or 'Ctrl-C'}: {db_path} was left as it was")
    summary = ", ".join(f"{counts[name]} {name}" for name in ("articles", "quotes", "mentions"))
    click.echo(f"{'checked' if check else 'built ' + str(db_path)}: {summary}")


@click.command("append")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--db", "db_path", default="facts.db", show_default=True, help="The built database to add to")
def append_command(folder, db_path):
    """Add one new article (a seeds/<slug> folder) to a built database, instead of
    rebuilding everything: the result holds what a full build would."""
    try:
        article_id = append(folder, db_path)
    except BuildError as e:
        raise click.ClickException(str(e))
    except KeyboardInterrupt as e:
        raise click.ClickException(f"interrupted by {str(e) or 'Ctrl-C'}: {db_path} was left as it was")
    click.echo(f"appended {article_id} to {db_path}")


cli.add_command(append_command)
cli.add_command(extract_command)
cli.add_command(add_command)


if __name__ == "__main__":
    cli()
