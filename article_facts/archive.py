"""The archive: every article folder in sorted order, streamed one article at a time into
the database, with people, organizations and countries merged across articles."""
import contextlib
import json
import sqlite3
from pathlib import Path

from .article import parse_article
from .contract import SECTIONS, SHARED
from .database import insert_rows
from .errors import BuildError
from .parallel import parsed_articles
from .safe_files import real_folders

# column -> the facts.yml field it is made from, for the shared sections (errors name fields)
FIELD_OF = {name: {field.column: field.name for field in SECTIONS[name].fields.values() if field.column}
            for name in SHARED}


def article_folders(seeds_dir):
    """The article folders, sorted, so the same seeds always give the same database."""
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise BuildError("no_seeds_folder", "seeds folder does not exist or is not a folder", file=seeds_dir)
    folders = real_folders(seeds_dir)
    if not folders:
        raise BuildError("no_articles", f"no articles found (expected {seeds_dir}/<slug>/article.txt)", file=seeds_dir)
    return folders


def merge_names(*lists):
    """Every form of a name from every article, in one order whatever the order of the
    articles, so adding an article gives what a full rebuild gives."""
    return json.dumps(sorted({name for names in lists for name in json.loads(names)}), ensure_ascii=False)


def merge_entity(merged, row, table, folder):
    """People, organizations and countries are shared between articles: same id, same facts.
    Names are unioned; the entity counts as checked once any article has checked it."""
    existing = merged.get(row["id"])
    if existing is None:
        merged[row["id"]] = dict(row, names=merge_names(row["names"]))
        return
    for field, value in row.items():
        if field == "names":
            existing["names"] = merge_names(existing["names"], value)
        elif field == "review":
            existing["review"] = "checked" if "checked" in (value, existing["review"]) else "draft"
        elif field == "review_note":  # the same note whatever the order of the articles
            existing["review_note"] = min(filter(None, (existing["review_note"], value)), default=None)
        elif value != existing[field]:
            raise BuildError(
                "conflict", f"field '{field}' is {value!r} here but {existing[field]!r} in another article",
                file=f"{folder}/facts.yml", section=table, key=row["id"], field=FIELD_OF[table].get(field, field))


def check_speaker_ids(entities, folder, tables):
    """/speakers/{id} names a person or an organization, never both. Checked after each
    article, so only that article's ids can newly be both: looking at them alone keeps the
    build linear in the archive (intersecting every id ever seen is quadratic)."""
    ids = {row["id"] for name in ("people", "organizations") for row in tables[name]}
    for key in sorted(key for key in ids if key in entities["people"] and key in entities["organizations"]):
        raise BuildError("person_and_organization", f"id '{key}' is a person here and an organization in another article",
                         file=f"{folder}/facts.yml", key=key)


def insert_article(conn, folder, tables):
    """One article's own rows; an id another article already made is an error naming both."""
    for name, rows in tables.items():
        if name in SHARED or not rows:
            continue
        try:
            insert_rows(conn, name, rows)
        except sqlite3.IntegrityError:
            for row in rows:
                other = conn.execute(
                    f"select {'id' if name == 'articles' else 'article_id'} from [{name}] where id = ?",
                    [row["id"]],
                ).fetchone()
                if other:
                    raise BuildError("id_clash", f"{name} id '{row['id']}' is also made by {other[0]}",
                                     file=f"{folder}/facts.yml", section=name, key=row["id"], label=False)
            raise


def load_archive(conn, folders, entities, written=None):
    """Parse each folder and write its rows at once, holding only the shared entities in
    memory, so memory stays flat however many articles there are. Returns row counts.
    written(), when given, is called after each article (the build's progress)."""
    counts = {}
    with contextlib.closing(parsed_articles(folders)) as articles:  # stops the workers on error
        for folder, tables in zip(folders, articles):
            for name in SHARED:
                for row in tables[name]:
                    merge_entity(entities[name], row, name, folder)
            check_speaker_ids(entities, folder, tables)
            insert_article(conn, folder, tables)
            for name, rows in tables.items():
                if name not in SHARED:
                    counts[name] = counts.get(name, 0) + len(rows)
            if written is not None:
                written()
    for name in SHARED:
        counts[name] = len(entities[name])
    return counts


def write_entities(conn, entities):
    for name in SHARED:
        insert_rows(conn, name, [entities[name][key] for key in sorted(entities[name])])


def stored(conn, table, key):
    """The row of a person, organization or country already in the database, as a dict."""
    cursor = conn.execute(f"select * from [{table}] where id = ?", [key])
    row = cursor.fetchone()
    return dict(zip([column[0] for column in cursor.description], row)) if row else None


def append_article(conn, folder):
    """Add one new article to a built database: its own rows, and its people, organizations
    and countries merged with the ones already there exactly as a full build merges them
    (updated in place, so their rowids and full-text rows stay). Returns the article's id."""
    tables = parse_article(folder)
    article_id = tables["articles"][0]["id"]
    if conn.execute("select 1 from articles where id = ?", [article_id]).fetchone():
        raise BuildError("already_in_database", f"article '{article_id}' is already in the database: run a full build", file=folder)
    entities = {name: {} for name in SHARED}
    for name in SHARED:
        for row in tables[name]:
            entities[name].setdefault(row["id"], stored(conn, name, row["id"]))
            if entities[name][row["id"]] is None:
                del entities[name][row["id"]]
            merge_entity(entities[name], row, name, folder)
    for name, other, kind in (("people", "organizations", "a person"), ("organizations", "people", "an organization")):
        for key in sorted(entities[name]):
            if stored(conn, other, key):
                raise BuildError("person_and_organization", f"id '{key}' is {kind} here and something else in another article",
                                 file=f"{folder}/facts.yml", key=key)
    insert_article(conn, folder, tables)
    for name in SHARED:
        new = [row for key, row in sorted(entities[name].items()) if not stored(conn, name, key)]
        for key, row in sorted(entities[name].items()):
            if row not in new:
                conn.execute(
                    f"update [{name}] set {', '.join(f'[{c}] = :{c}' for c in row if c != 'id')} where id = :id", row)
        insert_rows(conn, name, new)
    return article_id
