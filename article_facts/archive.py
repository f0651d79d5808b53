"""The archive: every article folder in sorted order, with people, organizations and
countries merged across articles."""
import json
from pathlib import Path

from .article import parse_article
from .database import TABLES
from .errors import BuildError
from .safe_files import article_folders


def merge_entity(merged, row, table, folder):
    """People, organizations and countries are shared between articles: same id, same facts."""
    existing = merged.get(row["id"])
    if existing is None:
        merged[row["id"]] = row
        return
    for field, value in row.items():
        if field == "names":
            known = json.loads(existing["names"])
            union = known + [n for n in json.loads(value) if n not in known]
            existing["names"] = json.dumps(union, ensure_ascii=False)
        elif value != existing[field]:
            raise BuildError(
                f"{folder}/facts.yml: {table} ({row['id']}): field '{field}' is {value!r} here "
                f"but {existing[field]!r} in an earlier article"
            )


def parse_seeds(seeds_dir):
    """Rows for every table from every article folder, in sorted order."""
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise BuildError(f"{seeds_dir}: seeds folder does not exist or is not a folder")
    folders = article_folders(seeds_dir)
    if not folders:
        raise BuildError(f"{seeds_dir}: no articles found (expected {seeds_dir}/<slug>/article.txt)")
    tables = {name: [] for name in TABLES}
    shared = {"countries": {}, "organizations": {}, "people": {}}
    made_by = {}  # (table, id) -> folder, so two articles cannot produce the same id
    for folder in folders:
        for name, rows in parse_article(folder).items():
            if name in shared:
                for row in rows:
                    merge_entity(shared[name], row, name, folder)
                continue
            for row in rows:
                other = made_by.setdefault((name, row["id"]), folder)
                if other != folder:
                    raise BuildError(f"{folder}/facts.yml: {name} id '{row['id']}' is also made by {other}")
            tables[name] += rows
    for name, merged in shared.items():
        tables[name] = [merged[key] for key in sorted(merged)]
    return tables
