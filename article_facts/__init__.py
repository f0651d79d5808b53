"""article-facts: seeds (article.txt + facts.yml) to one SQLite database for Datasette.

Modules, one concern each: reading (files and YAML), schema (facts.yml fields and checks),
text (paragraphs, spans, mentions), article (one folder to rows), archive (all folders,
shared entities merged), database (tables, indexes, FTS, views, writer), build (atomic
replace). build_db.py is the command line.
"""
from .build import build
from .errors import BuildError

__all__ = ["BuildError", "build"]
