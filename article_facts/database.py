"""The database: tables, keys, indexes, full-text search and views (the data contract), and
the writer."""
from . import facet_counts

from . import contract

FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# table -> (columns, foreign keys), from the declaration in contract.py: the data contract.
# Primary key is always "id".
TABLES = {
    name: ({column: kind for column, kind, _, _ in columns},
           [(column, target, "id") for column, _, _, target in columns if target])
    for name, columns in contract.TABLES.items()
}

# Indexes beyond the foreign keys: the columns users facet and sort on.
FACET_INDEXES = {
    "articles": ["outlet", "published_year"],
    "organizations": ["kind"],
    "quotes": ["kind", "verb", "attribution", "review", "source_kind"],
    "events": ["date"],
    "legal_references": ["kind", "instrument"],
    "editorial_notes": ["subject"],
    "mentions": ["entity_type", "entity_id"],
    "roles": ["basis"],
    "quote_variant_members": ["speaker_agrees"],
}
FTS_TABLES = {
    "quotes": ["text"],
    "paragraphs": ["text"],
    # name search for the saved queries, accent-insensitive ("Alvarez" finds "Álvarez")
    "people": ["name", "names"],
    "organizations": ["name", "acronym", "names"],
    "countries": ["name", "names"],
}
# Indexes for the default sorts, our pages and the saved queries, so each reads only the
# rows it shows however large the archive is. A foreign key or facet column that leads one of
# these needs no index of its own.
COMPOSITE_INDEXES = {
    "quotes": [
        ("article_id", "start"),
        ("speaker_id", "article_id", "start"), ("speaker_id", "kind"),
        ("speaker_organization_id", "article_id", "start"), ("speaker_organization_id", "kind"),
        ("reported_by_id", "article_id", "start"),
    ],
    "paragraphs": [("article_id", "position"), ("start", "id")],
    "mentions": [("start", "id"), ("article_id", "start")],
    "legal_references": [("start", "id"), ("article_id", "start"), ("cited_by_id", "article_id", "start"),
                         ("cited_by_organization_id", "article_id", "start")],
    "editorial_notes": [("start", "id"), ("article_id", "start")],
    "events": [("date", "article_id", "start"), ("article_id", "start")],
    "roles": [("person_id", "title", "organization_id", "basis")],
    # the saved query quote_variants (disagreements first) and the quote page's variants
    "quote_variant_groups": [("disagrees", "articles", "id")],
    "quote_variant_members": [("group_id", "speaker", "id"), ("article_id", "id")],
    # the Articles page (plugins/article_list.py): newest first, a page at a time, from the index
    "articles": [("published", "id")],
}
# Mentions inside a quote or statement, in the order statements_mentioning lists them, each
# entity's read from its own index: the mentions outside any quote (most of them) are never
# read. (SQLite partial indexes: the query's `quote_id is not null` selects them. No full
# index may have the same columns, or the planner can pick it and read every mention: the
# foreign keys person_id, organization_id and country_id get single-column indexes.)
QUOTED_MENTION_INDEXES = [("person_id", "article_id", "start"), ("organization_id", "article_id", "start"),
                          ("country_id", "article_id", "start"), ("article_id", "start")]
# The quotes table's default sort (start, then id for ties) with every other column after it:
# its pages and a whole-table CSV export read this index alone, in order, instead of looking
# each row up in the table (a million random reads at 100,000 articles).
COVERING_INDEXES = {"quotes": ("start", "id")}
# Counts computed once at build time (the data is read-only), each a hidden table: the chart
# views read them (datasette-vega charts the rows on a page), and the speakers query sorts on
# them. Counting a million quotes on every page view would take seconds.
COUNT_TABLES = {
    "speaker_counts": ("""
        select 'person' as speaker_type, q.speaker_id as speaker_key, p.name as speaker,
          q.speaker_id, null as speaker_organization_id, sum(q.kind = 'direct') as direct,
          sum(q.kind = 'indirect') as indirect, sum(q.kind = 'partial') as partial, count(*) as total
        from quotes q join people p on p.id = q.speaker_id group by q.speaker_id
        union all
        select 'organization', q.speaker_organization_id, o.name, null, q.speaker_organization_id,
          sum(q.kind = 'direct'), sum(q.kind = 'indirect'), sum(q.kind = 'partial'), count(*)
        from quotes q join organizations o on o.id = q.speaker_organization_id
        group by q.speaker_organization_id""", [("total", "speaker", "speaker_key"),
                                                ("speaker_key", "speaker_type")]),
    # a person's roles, one line per title and organization however many articles repeat it
    # (basis_note and evidence are SQLite "bare columns": from the row with that min(article_id))
    "role_counts": ("""
        select r.person_id, r.title, r.organization_id, r.basis, r.basis_note, r.evidence,
          min(r.article_id) as article_id, count(distinct r.article_id) as articles
        from roles r group by r.person_id, r.title, r.organization_id, r.basis""",
                    [("person_id", "articles")]),
    "quotes_per_speaker_counts": ("""
        select coalesce(p.name, o.name, q.unnamed_source) as speaker, q.speaker_id, q.speaker_organization_id,
          q.kind, count(*) as quotes
        from quotes q
        left join people p on p.id = q.speaker_id
        left join organizations o on o.id = q.speaker_organization_id
        group by q.speaker_id, q.speaker_organization_id, q.unnamed_source, q.kind""", [("speaker", "kind")]),
    "quotes_per_verb_counts": ("""
        select coalesce(q.verb, '(none)') as verb, q.kind, count(*) as quotes
        from quotes q group by q.verb, q.kind""", [("quotes", "verb")]),
    "mentions_per_entity_counts": ("""
        select m.entity_type, m.entity_id, coalesce(p.name, o.name, c.name) as name,
          count(*) as mentions
        from mentions m
        left join people p on p.id = m.person_id
        left join organizations o on o.id = m.organization_id
        left join countries c on c.id = m.country_id
        group by m.entity_type, m.entity_id""", [("mentions", "name"), ("entity_id", "entity_type")]),
    # one row: the home page's review counts (plugins/home_review_status.py), summed from the
    # per-article counts (articles.entry_count, checked_count) instead of on every visit
    "review_counts": ("""
        select count(*) as articles, coalesce(sum(entry_count), 0) as entries,
          coalesce(sum(checked_count), 0) as checked,
          coalesce(sum(checked_count < entry_count), 0) as articles_with_drafts
        from articles""", []),
}
# Aggregates for charts, read from the counts above.
VIEWS = {
    "quotes_per_speaker": """
        select speaker, speaker_id, speaker_organization_id, kind, quotes
        from quotes_per_speaker_counts order by speaker, kind""",
    "quotes_per_verb": """
        select verb, kind, quotes from quotes_per_verb_counts order by quotes desc, verb""",
    "mentions_per_entity": """
        select entity_type, entity_id, name, mentions from mentions_per_entity_counts
        order by mentions desc, name""",
}


def indexes(name):
    """The indexes of a table: its composites, then each foreign key and facet column that
    does not lead one of them."""
    composites = COMPOSITE_INDEXES.get(name, [])
    single = [fk[0] for fk in TABLES[name][1]] + FACET_INDEXES.get(name, [])
    leading = {columns[0] for columns in composites}
    return composites + [(column,) for column in dict.fromkeys(single) if column not in leading]


def create_tables(db):
    """Every table with its primary and foreign keys; secondary indexes come after the rows."""
    for name, (columns, foreign_keys) in TABLES.items():
        db[name].create(columns, pk="id", foreign_keys=foreign_keys, not_null={"id"})


def insert_rows(conn, name, rows):
    """Insert rows (dicts) into table `name` with one prepared statement: the build's hot path,
    several times faster than sqlite-utils' insert_all for the same rows."""
    columns = list(TABLES[name][0])
    sql = "insert into [{}] ({}) values ({})".format(
        name, ", ".join(f"[{c}]" for c in columns), ", ".join("?" * len(columns))
    )
    conn.executemany(sql, ([row.get(c) for c in columns] for row in rows))


def count_tables(db):
    """(Re)compute the hidden count tables and the views over them."""
    for name, (sql, count_indexes) in COUNT_TABLES.items():
        db.execute(f"drop table if exists [{name}]")
        db.execute(f"create table [{name}] as {sql}")
        for columns in count_indexes:
            db[name].create_index(columns)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    facet_counts.write(db)


def finish(db, phase=lambda name: None):
    """Indexes, full-text search, counts and views, once every row is in (the variant groups
    too: build.write_archive links them first, inside its "indexes" phase); then the planner's
    statistics, so SQLite picks the indexes above. phase(name) is told as search and counts
    start (the build's progress)."""
    for name in TABLES:
        for columns in indexes(name):
            db[name].create_index(columns, if_not_exists=True)
    for columns in QUOTED_MENTION_INDEXES:
        db.execute("create index if not exists [idx_mentions_quoted_{}] on mentions ({}) where quote_id is not null".format(
            "_".join(columns), ", ".join(f"[{c}]" for c in columns)))
    for name, leading in COVERING_INDEXES.items():
        columns = list(leading) + [column for column in TABLES[name][0] if column not in leading]
        db[name].create_index(columns, index_name=f"idx_{name}_{'_'.join(leading)}_covering", if_not_exists=True)
    phase("search")
    for name, columns in FTS_TABLES.items():
        db[name].enable_fts(columns, tokenize=FTS_TOKENIZE, replace=True)
    phase("counts")
    count_tables(db)
    db.execute("analyze")
