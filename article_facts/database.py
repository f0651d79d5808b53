"""The database: tables, keys, indexes, full-text search and views (the data contract), and
the writer."""
import sqlite_utils


FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# table -> (columns, foreign keys). Primary key is always "id". This is the data contract.
TABLES = {
    "countries": ({"id": str, "name": str, "names": str}, []),
    "organizations": (
        {"id": str, "name": str, "acronym": str, "country_id": str, "kind": str, "names": str},
        [("country_id", "countries", "id")],
    ),
    "people": (
        {"id": str, "name": str, "country_id": str, "names": str},
        [("country_id", "countries", "id")],
    ),
    "articles": (
        {
            "id": str, "headline": str, "headline_source": str, "dateline": str,
            "published": str, "published_as_written": str, "published_note": str,
            "language": str, "source": str, "body": str, "paragraph_count": int,
        },
        [],
    ),
    "paragraphs": (
        {"id": str, "article_id": str, "position": int, "text": str, "start": int, "end": int},
        [("article_id", "articles", "id")],
    ),
    "roles": (
        {
            "id": str, "article_id": str, "person_id": str, "title": str,
            "organization_id": str, "basis": str, "basis_note": str, "evidence": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("person_id", "people", "id"),
            ("organization_id", "organizations", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "quotes": (
        {
            "id": str, "speaker_id": str, "kind": str, "verb": str, "text": str,
            "attribution": str, "attribution_note": str, "reported_by_id": str,
            "reported_by_basis": str, "article_id": str, "position": int,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("speaker_id", "people", "id"),
            ("reported_by_id", "people", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "events": (
        {
            "id": str, "article_id": str, "title": str, "country_id": str,
            "date_as_written": str, "date": str, "quote_id": str, "evidence": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("country_id", "countries", "id"),
            ("quote_id", "quotes", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "legal_references": (
        {
            "id": str, "article_id": str, "instrument": str, "provision": str, "kind": str,
            "cited_by_id": str, "quote_id": str, "evidence": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("cited_by_id", "people", "id"),
            ("quote_id", "quotes", "id"), ("paragraph_id", "paragraphs", "id"),
        ],
    ),
    "editorial_notes": (
        {
            "id": str, "article_id": str, "subject": str, "as_written": str, "note": str,
            "paragraph_id": str, "start": int, "end": int,
        },
        [("article_id", "articles", "id"), ("paragraph_id", "paragraphs", "id")],
    ),
    "mentions": (
        {
            "id": str, "article_id": str, "paragraph_id": str, "entity_type": str,
            "entity_id": str, "person_id": str, "organization_id": str, "country_id": str,
            "text": str, "start": int, "end": int,
        },
        [
            ("article_id", "articles", "id"), ("paragraph_id", "paragraphs", "id"),
            ("person_id", "people", "id"), ("organization_id", "organizations", "id"),
            ("country_id", "countries", "id"),
        ],
    ),
}
# Indexes beyond the foreign keys: the columns users facet and sort on.
FACET_INDEXES = {
    "organizations": ["kind"],
    "quotes": ["kind", "verb", "attribution"],
    "events": ["date"],
    "legal_references": ["kind", "instrument"],
    "editorial_notes": ["subject"],
    "mentions": ["entity_type", "entity_id"],
    "roles": ["basis"],
}
FTS_TABLES = {
    "quotes": ["text"],
    "paragraphs": ["text"],
    # name search for the saved queries, accent-insensitive ("Alvarez" finds "Álvarez")
    "people": ["name", "names"],
    "organizations": ["name", "acronym", "names"],
    "countries": ["name", "names"],
}
# Aggregates for charts: datasette-vega charts the rows on a page, so counts live in views.
VIEWS = {
    "quotes_per_speaker": """
        select p.name as speaker, q.speaker_id, q.kind, count(*) as quotes
        from quotes q join people p on p.id = q.speaker_id
        group by q.speaker_id, q.kind
        order by p.name, q.kind""",
    "quotes_per_verb": """
        select coalesce(q.verb, '(none)') as verb, q.kind, count(*) as quotes
        from quotes q
        group by q.verb, q.kind
        order by quotes desc, verb""",
    "mentions_per_entity": """
        select m.entity_type, m.entity_id, coalesce(p.name, o.name, c.name) as name,
          count(*) as mentions
        from mentions m
        left join people p on p.id = m.person_id
        left join organizations o on o.id = m.organization_id
        left join countries c on c.id = m.country_id
        group by m.entity_type, m.entity_id
        order by mentions desc, name""",
}


def write_db(tables, db_path):
    """Create every table with its keys and indexes, in one transaction, at db_path."""
    db = sqlite_utils.Database(db_path)
    # A temporary file, fsynced once before its rename (safe_files.temporary_database): no
    # journal file to leave behind, no fsync per statement (ten times faster).
    db.execute("PRAGMA journal_mode = MEMORY")
    db.execute("PRAGMA synchronous = OFF")
    with db.conn:
        for name, (columns, foreign_keys) in TABLES.items():
            table = db[name]
            table.create(columns, pk="id", foreign_keys=foreign_keys, not_null={"id"})
            if tables[name]:
                table.insert_all(tables[name], pk="id")
            indexed = [fk[0] for fk in foreign_keys] + FACET_INDEXES.get(name, [])
            for column in indexed:
                table.create_index([column], if_not_exists=True)
    for name, columns in FTS_TABLES.items():
        db[name].enable_fts(columns, tokenize=FTS_TOKENIZE, replace=True)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    db.vacuum()
    db.close()
