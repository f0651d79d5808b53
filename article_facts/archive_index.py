"""The archive index: what `build_db.py add` needs to know about the archive (its people,
organizations and countries, merged as a build merges them, and whether every article passed
the build's check) without reading 100,000 facts.yml files each time.

Why a file beside the seeds and not facts.db: the database is rebuilt only by `make`, so after
an `add` or a hand edit it is behind the seeds; the index is kept up to date by every add.
It is a file beside the seeds folder, `.SEEDS.archive-index.sqlite` in the folder that holds
SEEDS (`.seeds.archive-index.sqlite` for `seeds/`): outside it, so the seeds stay exactly what
people wrote and a copy of the seeds never carries an index that describes other files;
git-ignored; deleting it is always safe (the next add rebuilds it with a full parse).

It never gives a stale answer silently. Every use first lists the seeds folder and stats
(never reads) each folder's facts.yml: kind, inode, size, mtime and ctime. Any write changes
the ctime, whatever the editor does and whatever mtime it sets, so a hand edit, a folder added
or removed by hand, or a `git pull` makes that folder "changed": it alone is re-read with the
build's own article check (article.parse_article), its old entity rows dropped and every
entity it touched merged again from all its articles (archive.merge_entity, in folder order,
as a build does). The cost is one listing and one stat a folder (about a second at 100,000
articles on the shared benchmark machine) plus the changed folders; an unchanged folder is not
read.
article.txt is not stat'ed: people, organizations and countries come from facts.yml alone, so
an edit to an older article.txt cannot make the index wrong; whether that article still
matches its facts is for `make check` (a second stat a folder would double the sweep).

A folder that fails the check, or a merge conflict between articles, is recorded with the
build's own one-line error, so `add` refuses (as `make check` would) until it is fixed; a
folder that failed is read again at every add until it passes (few, and its fix may be in
article.txt, which is not stat'ed). A missing, unreadable or older-format index is rebuilt from
scratch (the first add into a large archive costs one full check); a seeds folder that cannot
be written gets an index in memory (correct, slow).
"""
import contextlib
import json
import os
import re
import sqlite3
from pathlib import Path

from .archive import merge_entity
from .contract import SECTIONS, SHARED
from .article import parse_article
from .errors import BuildError
from .extract.identity import fold
from .parallel import parsed_articles
from .safe_files import real_folders
from .variants import key_of, speaker_key, text_hash

INDEX_SUFFIX = ".archive-index.sqlite"
VERSION = "4"  # 2: tokens folded; 3: problems kept as the errors' attributes (JSON), rows in column order;
# 4: quote_keys (the add-time warning about words archived with another speaker)
SPEAKER_CLASH = "is a person here and an organization in another article"

SCHEMA = """
create table if not exists meta (key text primary key, value text);
create table if not exists folders (name text primary key, stamp text not null, quotes integer,
    problem text);
create index if not exists folders_problem on folders(problem) where problem is not null;
create table if not exists entity_rows (folder text, section text, id text, row text,
    primary key (folder, section, id)) without rowid;
create index if not exists entity_rows_id on entity_rows(section, id, folder);
create table if not exists entities (section text, id text, name text, row text, problem text,
    primary key (section, id)) without rowid;
create index if not exists entities_name on entities(section, name);
create index if not exists entities_problem on entities(problem) where problem is not null;
create table if not exists forms (token text, section text, id text, form text,
    primary key (token, section, id, form)) without rowid;
create index if not exists forms_form on forms(section, form);
create table if not exists quote_keys (hash integer, folder text, quote text, speaker text,
    primary key (hash, folder, quote)) without rowid;
create index if not exists quote_keys_folder on quote_keys(folder);
"""


def index_path(seeds_dir):
    """Where the index of seeds_dir lives: beside it, named after it."""
    seeds_dir = Path(seeds_dir).resolve()
    return seeds_dir.parent / f".{seeds_dir.name}{INDEX_SUFFIX}"


def stamp(folder):
    """What a stat says about the folder's facts.yml (kind, inode, size, mtime, ctime): any
    write to it changes the ctime, whatever the editor does. One stat a folder: article.txt is
    not stat'ed, since the people, organizations and countries come from facts.yml alone (an
    edit to an older article.txt alone is for `make check` to judge; see the module docstring)."""
    try:
        st = os.lstat(os.path.join(folder, "facts.yml"))
    except OSError:
        return "-"
    return f"{st.st_mode}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def token(form):
    """The longest word of a name form, folded (case and accents dropped, as the extractor's
    identity.fold does when it compares names): if the form, or one the extractor takes for
    the same person ("Alvaro" for "Álvaro"), occurs in a text, this folded word is one of the
    text's folded words, so looking entities up by them finds every one the text can name. A
    form without word characters gets "" and is always looked at."""
    words = re.findall(r"\w+", form or "")
    return fold(max(words, key=len)) if words else ""


def text_tokens(text):
    return sorted({fold(word) for word in re.findall(r"\w+", text)}) + [""]


def shared_rows(folder):
    """A folder's people, organizations and countries as the build makes them, after the
    build's whole check of the folder; or the check's error (runs in a worker)."""
    try:
        tables = parse_article(folder)
    except BuildError as e:
        return e
    return {"quotes": len(tables["quotes"]), "quote_keys": quote_keys(tables),
            **{name: tables[name] for name in SHARED}}


def quote_keys(tables):
    """(hash of the normalised words, quote id, speaker id) of each statement long enough to
    be grouped (variants.key_of), for the add-time warning: a drafted quote whose words the
    archive already gives to someone else. The speaker is a person's or organization's id,
    None for an unnamed source."""
    found = []
    for row in tables["quotes"]:
        key = key_of(row["text"])
        if key is not None:
            found.append((text_hash(key), row["id"], speaker_key(row)))
    return found


# The fields the drafter copies from an archive entity besides id, name and names: (field, column).
COPIED_FIELDS = list(dict.fromkeys(
    (field.name, field.column) for section in SHARED for field in SECTIONS[section].fields.values()
    if field.column and field.name not in ("id", "name", "names", "review", "review_note")))


def draft_entry(row):
    """An entity as facts.yml spells it (the drafter copies these fields), from a merged row."""
    entry = {"id": row["id"], "name": row["name"]}
    for field, column in COPIED_FIELDS:
        if row.get(column) is not None:
            entry[field] = row[column]
    entry["names"] = json.loads(row["names"])
    return entry


class ArchiveIndex:
    """An open index of one seeds folder; refresh() brings it up to date with the files."""

    def __init__(self, seeds_dir):
        self.seeds_dir = Path(seeds_dir) if seeds_dir else None
        self.conn = self.connect()

    def connect(self):
        on_disk = self.seeds_dir is not None and self.seeds_dir.is_dir()
        path = index_path(self.seeds_dir) if on_disk else None
        for attempt in ("file", "again", "memory"):
            conn = None
            try:
                where = path if on_disk and attempt != "memory" else ":memory:"
                conn = sqlite3.connect(where, timeout=60, isolation_level=None)
                conn.execute("pragma journal_mode = delete")
                conn.executescript(SCHEMA)
                version = conn.execute("select value from meta where key = 'version'").fetchone()
                if version is None:
                    conn.execute("insert into meta values ('version', ?)", [VERSION])
                elif version[0] != VERSION:
                    raise sqlite3.DatabaseError("index of another version")
                return conn
            except sqlite3.Error as e:
                if conn is not None:
                    conn.close()
                if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):  # in use: never removed
                    raise BuildError("index_busy", "another add is updating the archive index; try again when it is done", file=path)
                if attempt == "file" and on_disk:
                    try:  # corrupt or older: start again from a full parse
                        path.unlink(missing_ok=True)
                    except OSError:
                        pass
        raise BuildError("index_unwritable", "cannot make the archive index", file=path)  # not reached: memory works

    def close(self):
        self.conn.close()

    # --- keeping it up to date -------------------------------------------------------------

    def refresh(self):
        """Re-read every folder that is new or changed since the index last saw it, or that
        failed its check then (its fix may be in a file that is not stat'ed, such as an
        article.txt that was missing), forget the ones that are gone, and merge again every
        entity they touched. Returns how many folders were read."""
        on_disk = self.seeds_dir is not None and self.seeds_dir.is_dir()
        names = list(real_folders(self.seeds_dir).names) if on_disk else []
        stored = dict(self.conn.execute("select name, stamp from folders"))
        failed = {name for name, in self.conn.execute("select name from folders where problem is not null")}
        base = str(self.seeds_dir)
        current = {name: stamp(os.path.join(base, name)) for name in names}
        changed = [name for name in names if stored.get(name) != current[name] or name in failed]
        gone = [name for name in stored if name not in current]
        if not changed and not gone:
            return 0
        conn = self.conn
        conn.execute("begin immediate")
        try:
            touched = set()
            for name in changed + gone:
                touched.update(conn.execute("select section, id from entity_rows where folder = ?", [name]))
                conn.execute("delete from entity_rows where folder = ?", [name])
                conn.execute("delete from quote_keys where folder = ?", [name])
                conn.execute("delete from folders where name = ?", [name])
            folders = [self.seeds_dir / name for name in changed]
            with contextlib.closing(parsed_articles(folders, parse=shared_rows)) as results:  # stops the workers
                self.record(folders, results, current, touched)
            self.merge_again(touched)
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        return len(changed)

    def record(self, folders, results, current, touched):
        conn = self.conn
        for folder, result in zip(folders, results):
            problem = result if isinstance(result, BuildError) else None
            quotes = None if problem else result["quotes"]
            conn.execute("insert into folders values (?, ?, ?, ?)",
                         [folder.name, current[folder.name], quotes, stored_problem(problem)])
            if problem:
                continue
            conn.executemany("insert or replace into quote_keys values (?, ?, ?, ?)",
                             [(h, folder.name, quote, speaker) for h, quote, speaker in result["quote_keys"]])
            for section in SHARED:
                for row in result[section]:
                    touched.add((section, row["id"]))
                    conn.execute("insert into entity_rows values (?, ?, ?, ?)",
                                 [folder.name, section, row["id"], json.dumps(row, ensure_ascii=False)])

    def merge_again(self, touched):
        """Merge each touched entity from all its articles, in folder order, as a build does;
        a conflict is kept as the entity's problem (the build's error, at the later folder)."""
        conn = self.conn
        ids = {key for _, key in touched}
        for section, key in sorted(touched | {(s, k) for k in ids for s in ("people", "organizations")}):
            rows = conn.execute("select folder, row from entity_rows where section = ? and id = ? order by folder",
                                [section, key]).fetchall()
            conn.execute("delete from entities where section = ? and id = ?", [section, key])
            conn.execute("delete from forms where section = ? and id = ?", [section, key])
            if not rows:
                continue
            merged, problem, seen = {}, None, set()
            for folder, row in rows:
                if row in seen:  # merging a row again changes nothing: most articles repeat one
                    continue
                seen.add(row)
                try:
                    merge_entity(merged, json.loads(row), section, self.seeds_dir / folder)
                except BuildError as e:
                    problem = problem or e
            if section in ("people", "organizations") and not problem:
                problem = self.speaker_clash(section, key, rows[0][0])
            self.store(section, merged[key], problem)

    def speaker_clash(self, section, key, first):
        """/speakers/{id} names a person or an organization: the build's error, at the first
        folder by which the id has been both."""
        other = "organizations" if section == "people" else "people"
        row = self.conn.execute("select min(folder) from entity_rows where section = ? and id = ?", [other, key]).fetchone()
        if row[0] is None:
            return None
        return BuildError("person_and_organization", f"id '{key}' {SPEAKER_CLASH}",
                          file=f"{self.seeds_dir / max(first, row[0])}/facts.yml", key=key)

    def store(self, section, row, problem=None):
        conn = self.conn
        conn.execute("insert or replace into entities values (?, ?, ?, ?, ?)",
                     [section, row["id"], row["name"], json.dumps(row, ensure_ascii=False), stored_problem(problem)])
        conn.execute("delete from forms where section = ? and id = ?", [section, row["id"]])
        for form in set(json.loads(row["names"])) | {row["name"]}:
            conn.execute("insert or ignore into forms values (?, ?, ?, ?)", [token(form), section, row["id"], form])

    # --- what the drafter and the add check ask ---------------------------------------------

    def problem(self):
        """The first thing a full build of the indexed archive would reject (its BuildError), or None."""
        for sql in ("select name, problem from folders where problem is not null order by name limit 1",
                    "select id, problem from entities where problem is not null order by section, id limit 1"):
            row = self.conn.execute(sql).fetchone()
            if row:
                return loaded_problem(row[1])
        return None

    def counts(self):
        """Articles and quotes in the archive, as `make check` would count them."""
        articles, quotes = self.conn.execute("select count(*), coalesce(sum(quotes), 0) from folders").fetchone()
        return {"articles": articles, "quotes": quotes}

    def problems(self):
        """Every problem's one-line message."""
        return [str(loaded_problem(row[0])) for row in self.conn.execute(
            "select problem from folders where problem is not null union all "
            "select problem from entities where problem is not null")]

    def row(self, section, key):
        found = self.conn.execute("select row from entities where section = ? and id = ?", [section, key]).fetchone()
        return json.loads(found[0]) if found else None

    def has_speaker_id(self, key):
        """Whether a person or an organization of the archive has this id (new ids avoid it)."""
        return self.conn.execute("select 1 from entities where section in ('people', 'organizations') and id = ?",
                                 [key]).fetchone() is not None

    def entities(self, text=None):
        """section -> id -> the entity as facts.yml spells it, names unioned over the archive.
        With text: every country, and the people and organizations with a name form whose
        longest word is a word of the text (all that the text can name; see token())."""
        found = {section: {} for section in SHARED}
        if text is None:
            rows = self.conn.execute("select section, row from entities order by section, id")
        else:
            rows = self.conn.execute(
                "select section, row from entities where section = 'countries' union "
                "select e.section, e.row from forms f join entities e on e.section = f.section and e.id = f.id "
                "where f.token in (select value from json_each(?))", [json.dumps(text_tokens(text))])
        for section, row in rows:
            entry = draft_entry(json.loads(row))
            found[section][entry["id"]] = entry
        return found

    def named(self, section, name):
        """The entities of a section called name, or with name as a name form (the drafter
        matches names the text may not spell out)."""
        rows = self.conn.execute(
            "select row from entities where section = ? and name = ? union "
            "select e.row from forms f join entities e on e.section = f.section and e.id = f.id "
            "where f.section = ? and f.form = ?", [section, name, section, name])
        return [draft_entry(json.loads(row)) for row, in rows]

    def quotes_with(self, text, limit=20):
        """The archive's statements with these words (normalised: variants.key_of), as
        (folder, quote id, speaker id or None), by the index on their hash: one lookup however
        large the archive. Empty for words too short to group."""
        key = key_of(text or "")
        if key is None:
            return []
        return self.conn.execute("select folder, quote, speaker from quote_keys where hash = ? order by folder, quote "
                                 "limit ?", [text_hash(key), limit]).fetchall()

    # --- the add-time check ---------------------------------------------------------------

    def check_article(self, folder, tables=None):
        """What a full build would reject about this one new article: its own check, its
        people, organizations and countries against the archive's (merge_entity), an id that
        is a person here and an organization elsewhere, and an id another article's rows
        already have. Only the articles whose slug could make the same id are read (ids are
        `{slug}-...`, so the other slug is a prefix of one of this article's ids). Returns
        its tables."""
        folder = Path(folder)
        tables = tables or parse_article(folder)
        for section in SHARED:
            for row in tables[section]:
                known = self.row(section, row["id"])
                if known is not None:
                    merge_entity({row["id"]: known}, row, section, folder)
        new_people = {row["id"] for row in tables["people"]}
        new_orgs = {row["id"] for row in tables["organizations"]}
        for key in sorted(new_people | new_orgs):
            both = (key in new_people and key in new_orgs) or (
                self.row("organizations" if key in new_people else "people", key) is not None)
            if both:
                raise BuildError("person_and_organization", f"id '{key}' {SPEAKER_CLASH}", file=f"{folder}/facts.yml", key=key)
        own = {name: {row["id"] for row in rows} for name, rows in tables.items() if name not in SHARED}
        prefixes = {key[:i] for ids in own.values() for key in ids for i, c in enumerate(key) if c == "-"}
        prefixes.discard(folder.name)
        for other in sorted(prefixes):
            if not self.conn.execute("select 1 from folders where name = ?", [other]).fetchone():
                continue
            theirs = parse_article(self.seeds_dir / other)
            for name, ids in own.items():
                clash = sorted(ids & {row["id"] for row in theirs[name]})
                if clash:
                    raise BuildError("id_clash", f"{name} id '{clash[0]}' is also made by {other}",
                                     file=f"{folder}/facts.yml", section=name, key=clash[0], label=False)
        return tables

    def add(self, folder):
        """Check the new folder (check_article) and the archive (problem()), then record the
        folder: its entities merged into the archive's. Raises BuildError, recording nothing."""
        folder = Path(folder)
        tables = self.check_article(folder)
        problem = self.problem()
        if problem:
            raise problem
        conn = self.conn
        conn.execute("begin immediate")
        try:
            conn.execute("insert or replace into folders values (?, ?, ?, null)",
                         [folder.name, stamp(folder), len(tables["quotes"])])
            conn.execute("delete from quote_keys where folder = ?", [folder.name])
            conn.executemany("insert into quote_keys values (?, ?, ?, ?)",
                             [(h, folder.name, quote, speaker) for h, quote, speaker in quote_keys(tables)])
            for section in SHARED:
                for row in tables[section]:
                    conn.execute("insert into entity_rows values (?, ?, ?, ?)",
                                 [folder.name, section, row["id"], json.dumps(row, ensure_ascii=False)])
                    merged = {}
                    known = self.row(section, row["id"])
                    if known is not None:
                        merged[row["id"]] = known
                    merge_entity(merged, row, section, folder)
                    self.store(section, merged[row["id"]])
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        return tables


def stored_problem(error):
    """A BuildError as the index keeps it: its attributes, as JSON (None: no problem)."""
    return None if error is None else json.dumps(error.state(), ensure_ascii=False, default=str)


def loaded_problem(text):
    return BuildError.from_state(json.loads(text))


def open_index(seeds_dir):
    """The index of seeds_dir, brought up to date (see the module docstring)."""
    index = ArchiveIndex(seeds_dir)
    try:
        index.refresh()
    except BaseException:
        index.close()
        raise
    return index
