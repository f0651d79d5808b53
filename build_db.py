"""The command people run: build facts.db from seeds/<slug>/article.txt and facts.yml.

The work is in the article_facts package; this file is the command line. The same seeds
always give a byte-identical database, and a failed build never touches the previous one.
"""
import click

from article_facts.build import build, check as check_seeds
from article_facts.database import FTS_TABLES, TABLES, VIEWS
from article_facts.errors import BuildError

__all__ = ["BuildError", "FTS_TABLES", "TABLES", "VIEWS", "build", "cli"]


@click.command()
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True,
              help="Folder of <slug>/article.txt + facts.yml")
@click.option("--db", "db_path", default="facts.db", show_default=True,
              help="SQLite file to write")
@click.option("--check", is_flag=True, help="Validate the seeds without writing the database")
def cli(seeds_dir, db_path, check):
    """Build the article-facts database from the seeds folder."""
    try:
        counts = check_seeds(seeds_dir) if check else build(seeds_dir, db_path)
    except BuildError as e:
        raise click.ClickException(str(e))
    summary = ", ".join(f"{counts[name]} {name}" for name in ("articles", "quotes", "mentions"))
    click.echo(f"{'checked' if check else 'built ' + str(db_path)}: {summary}")


if __name__ == "__main__":
    cli()
