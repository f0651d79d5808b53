"""Our own pages: /quotes/{id}, /articles/{slug}, /speakers/{id}, each also as .json.

Each route looks its record up with parameterised SQL (a missing one is Datasette's 404 page),
then an `expand_*` function adds what the page shows; the same dict is the JSON and the
template context.
"""
from datasette import hookimpl
from datasette import NotFound, Response
from markupsafe import Markup

from article_facts.check.words import PART_JOINER
from article_facts.citation import article_date, citation, today
from article_facts.origin import public_url
from article_facts.paging import page_count, page_number, pager
from article_facts.speaker_roles import role_line, roles_in_articles, speaker_role
from article_facts.variant_page import variants_of

from article_facts.contract import DATABASE_NAME as DB, DRAFT_LABEL, KIND_LABELS, UNNAMED_LABEL

QUOTE_SQL = """
select q.*, coalesce(q.speaker_id, q.speaker_organization_id) as speaker_key,
  q.source_kind as speaker_type,
  coalesce(p.name, o.name, q.unnamed_source) as speaker_name, o.acronym as speaker_acronym,
  rp.name as reported_by_name, a.headline, a.headline_source, a.outlet, a.dateline, a.published,
  a.published_as_written, par.position as paragraph_position, par.text as paragraph_text,
  par.start as paragraph_start
from quotes q
left join people p on p.id = q.speaker_id
left join organizations o on o.id = q.speaker_organization_id
left join people rp on rp.id = q.reported_by_id
join articles a on a.id = q.article_id
join paragraphs par on par.id = q.paragraph_id
where q.id = :id
"""
NEIGHBOURS_SQL = """
select id, position, text from quotes
where article_id = :article and position in (:position - 1, :position + 1)
order by position
"""
# The parts of a quote split around its attribution, first to last, whichever part is asked
# for: up the continues_id links to the first part, then down (each part is continued at most
# once, and a part always follows the one it continues: the build checks both). `indexed by`:
# where no quote continues another, ANALYZE rates the continues_id index useless and SQLite
# scanned every quote (160 ms a quote page at 1M quotes) instead of one index lookup.
QUOTE_PARTS_SQL = """
with recursive up(id, continues_id, depth) as (
  select id, continues_id, 0 from quotes where id = :id
  union all
  select q.id, q.continues_id, up.depth + 1 from quotes q join up on q.id = up.continues_id where up.depth < 100
),
down(id, depth) as (
  select id, 0 from (select id from up order by depth desc limit 1)
  union all
  select q.id, down.depth + 1 from quotes q indexed by idx_quotes_continues_id join down on q.continues_id = down.id
  where down.depth < 100
)
select q.id, q.text, q.kind, q.review, q.start, q.[end], q.paragraph_id from down join quotes q on q.id = down.id
order by down.depth
"""
QUOTE_REFERENCES_SQL = """
select instrument, provision, kind, evidence from legal_references where quote_id = :id order by start
"""
ARTICLE_SQL = "select * from articles where id = :id"
PARAGRAPHS_SQL = """
select * from paragraphs where article_id = :id and position between :first and :last
order by position
"""
# Quotes, mentions and notes of one page of an article: those inside its paragraphs' offsets.
ARTICLE_QUOTES_SQL = """
select q.id, q.position, q.kind, q.verb, q.attribution, q.start, q.[end], q.review, q.source_kind,
  coalesce(q.speaker_id, q.speaker_organization_id) as speaker_key,
  coalesce(p.name, o.name, q.unnamed_source) as speaker_name
from quotes q
left join people p on p.id = q.speaker_id
left join organizations o on o.id = q.speaker_organization_id
where q.article_id = :id and q.start >= :start and q.[end] <= :end order by q.start
"""
ARTICLE_COUNTS_SQL = """
select count(*) as quotes, coalesce(sum(review = 'draft'), 0) as drafted from quotes where article_id = :id
"""
# Legal references of one page of an article: cited in a statement, or stated by the article
# itself (no quote, no citer).
ARTICLE_REFERENCES_SQL = """
select l.id, l.instrument, l.provision, l.kind, l.evidence, l.quote_id, l.review, l.start, l.[end],
  coalesce(l.cited_by_id, l.cited_by_organization_id) as cited_by_key,
  coalesce(p.name, o.name, q.unnamed_source) as cited_by,
  case when l.quote_id is null then 'article' else q.source_kind end as source_kind,
  par.position as paragraph_position
from legal_references l
join paragraphs par on par.id = l.paragraph_id
left join people p on p.id = l.cited_by_id
left join organizations o on o.id = l.cited_by_organization_id
left join quotes q on q.id = l.quote_id
where l.article_id = :id and l.start >= :start and l.[end] <= :end order by l.start
"""
ARTICLE_MENTIONS_SQL = """
select entity_type, entity_id, start, [end] from mentions
where article_id = :id and start >= :start and [end] <= :end order by start
"""
ARTICLE_NOTES_SQL = """
select n.id, n.subject, n.as_written, n.note, n.start, n.[end], n.review, par.position as paragraph_position
from editorial_notes n join paragraphs par on par.id = n.paragraph_id
where n.article_id = :id order by n.start
"""
# /speakers/{id} names a person or an organization (the build keeps their ids apart).
SPEAKER_SQL = """
select 'person' as speaker_type, p.id, p.name, p.country_id, p.names, p.review,
  null as acronym, null as kind, c.name as country_name
from people p left join countries c on c.id = p.country_id where p.id = :id
union all
select 'organization', o.id, o.name, o.country_id, o.names, o.review, o.acronym, o.kind, c.name
from organizations o left join countries c on c.id = o.country_id where o.id = :id
"""
SPEAKER_TABLES = {"person": "people", "organization": "organizations"}
SPEAKER_COLUMNS = {"person": "speaker_id", "organization": "speaker_organization_id"}
CITER_COLUMNS = {"person": "cited_by_id", "organization": "cited_by_organization_id"}
# The page's rowids are picked from the (speaker, article_id, start) index alone, so a late
# page skips index entries, not rows and joins.
SPEAKER_QUOTES_SQL = {kind: f"""
with shown as (
  select rowid from quotes where {column} = :id order by article_id, start, rowid limit :limit offset :offset
)
select q.id, q.article_id, q.kind, q.verb, q.attribution, q.text, q.review, q.reported_by_id,
  rp.name as reported_by_name, a.headline
from shown join quotes q on q.rowid = shown.rowid join articles a on a.id = q.article_id
left join people rp on rp.id = q.reported_by_id
order by q.article_id, q.start, q.rowid
""" for kind, column in SPEAKER_COLUMNS.items()}
# Counts made when the database is built (article_facts/database.py COUNT_TABLES).
SPEAKER_COUNTS_SQL = """
select direct, indirect, partial from speaker_counts where speaker_key = :id and speaker_type = :type
"""
SPEAKER_ROLES_SQL = """
select r.title, r.organization_id, r.basis, r.basis_note, r.evidence, r.article_id, r.articles,
  o.name as organization_name, o.acronym as organization_acronym
from role_counts r left join organizations o on o.id = r.organization_id
where r.person_id = :id
order by r.articles desc, r.title limit :limit
"""
SPEAKER_REPORTED_SQL = """
select q.id, q.text, q.verb, coalesce(p.name, o.name, q.unnamed_source) as speaker_name, q.speaker_id
from quotes q
left join people p on p.id = q.speaker_id
left join organizations o on o.id = q.speaker_organization_id
where q.reported_by_id = :id order by q.article_id, q.start limit :limit
"""
SPEAKER_REFERENCES_SQL = {kind: f"""
select l.id, l.instrument, l.provision, l.kind, l.evidence, l.quote_id, l.article_id,
  q.attribution
from legal_references l join quotes q on q.id = l.quote_id
where l.{column} = :id order by l.article_id, l.start limit :limit
""" for kind, column in CITER_COLUMNS.items()}
SPEAKER_REFERENCE_COUNT_SQL = {kind: f"select count(*) from legal_references where {column} = :id"
                               for kind, column in CITER_COLUMNS.items()}
SPEAKER_MENTIONS_SQL = """
select coalesce(sum(mentions), 0) from mentions_per_entity_counts where entity_id = :id and entity_type = :type
"""
QUOTES_PER_PAGE = 50  # the speaker page: the busiest speaker has many thousand quotes
LIST_LIMIT = 50  # roles, reported statements and legal references shown on a speaker page
PARAGRAPHS_PER_PAGE = 200  # the article view: a long article is read a page at a time

STATED_BY_ARTICLE = "stated by the article"
MENTION_URLS = {
    "person": "/speakers/{}",
    "organization": "/facts/organizations/{}",
    "country": "/facts/countries/{}",
}


async def rows(db, sql, params):
    return [dict(row) for row in (await db.execute(sql, params)).rows]


def article_page_of(paragraph_position):
    return (paragraph_position - 1) // PARAGRAPHS_PER_PAGE + 1


def article_url(datasette, article_id, page=1, anchor=""):
    """The article view, on the page that holds the paragraph (page 1 has no ?page)."""
    query = f"?page={page}" if page > 1 else ""
    return datasette.urls.path(f"/articles/{article_id}") + query + (f"#{anchor}" if anchor else "")


def speaker_of(datasette, q, roles):
    """The speaker of a quote, a person (with the roles the article gives them), an
    organization (with its acronym) or a source the text does not name (its description as
    written, no page of its own)."""
    if q["speaker_type"] == "unnamed":
        return {"id": None, "type": "unnamed", "name": q["speaker_name"], "role": None, "roles": [], "url": None}
    return {
        "id": q["speaker_key"], "type": q["speaker_type"], "name": q["speaker_name"],
        "role": speaker_role(q["speaker_type"], roles, q["speaker_acronym"]),
        "roles": roles, "url": datasette.urls.path(f"/speakers/{q['speaker_key']}"),
    }


async def expand_quote(datasette, db, q, urls, request):
    quote_id = q["id"]
    roles = []
    if q["speaker_type"] == "person":
        found = await roles_in_articles(db, [(q["speaker_id"], q["article_id"])])
        roles = found.get((q["speaker_id"], q["article_id"]), [])
    neighbours = await rows(db, NEIGHBOURS_SQL, {"article": q["article_id"], "position": q["position"]})
    parts = await rows(db, QUOTE_PARTS_SQL, {"id": quote_id})
    for part in parts:
        part.update(url=datasette.urls.path(f"/quotes/{part['id']}"), this=part["id"] == quote_id)

    def link(row):
        return {"id": row["id"], "text": row["text"], "url": datasette.urls.path(f"/quotes/{row['id']}")}

    quote = {
        "id": q["id"], "kind": q["kind"], "kind_label": KIND_LABELS[q["kind"]], "verb": q["verb"],
        "attribution": q["attribution"], "attribution_note": q["attribution_note"],
        "review": q["review"], "review_note": q["review_note"],
        "text": q["text"], "start": q["start"], "end": q["end"], "position": q["position"],
        "source_kind": q["source_kind"], "unnamed_source": q["unnamed_source"],
        "speaker": speaker_of(datasette, q, roles),
        # a quote split around its attribution is one quote: every part, and the whole words
        # with an ellipsis where the attribution was ("It is early … but the numbers are good.")
        "continues_id": q["continues_id"],
        "parts": parts if len(parts) > 1 else [],
        "whole_text": PART_JOINER.join(part["text"] for part in parts) if len(parts) > 1 else q["text"],
        "reported_by": {
            "id": q["reported_by_id"], "name": q["reported_by_name"], "basis": q["reported_by_basis"],
            "url": datasette.urls.path(f"/speakers/{q['reported_by_id']}"),
        } if q["reported_by_id"] else None,
        "article": {
            "id": q["article_id"], "headline": q["headline"], "headline_source": q["headline_source"],
            "outlet": q["outlet"], "dateline": q["dateline"], "published": q["published"],
            "published_as_written": q["published_as_written"],
        },
        "paragraph": {
            "id": q["paragraph_id"], "position": q["paragraph_position"],
            "text": q["paragraph_text"], "start": q["paragraph_start"],
        },
        "legal_references": await rows(db, QUOTE_REFERENCES_SQL, {"id": quote_id}),
        "previous": next((link(n) for n in neighbours if n["position"] < q["position"]), None),
        "next": next((link(n) for n in neighbours if n["position"] > q["position"]), None),
        "urls": dict(urls, article=article_url(
            datasette, q["article_id"], article_page_of(q["paragraph_position"]), quote_id)),
    }
    # the paragraph marks this part, and the other parts of the quote that it holds
    quote["highlights"] = [
        {"start": part["start"], "end": part["end"], "tag": "mark", "attrs": {"class": "quote-highlight"}}
        for part in parts if part["id"] == quote_id or part["paragraph_id"] == q["paragraph_id"]]
    quote["variants"] = await variants_of(db, quote, datasette.urls.path)  # the same words in other articles
    accessed = today()
    quote["accessed"] = accessed.isoformat()
    # the whole words, and a draft if any part of them is: as /check cites the same quote
    quote["citation"] = citation(dict(
        q, text=quote["whole_text"], role=quote["speaker"]["role"],
        review="draft" if any(part["review"] == "draft" for part in parts) else q["review"],
    ), urls["canonical"], accessed)
    return quote


def footnote(css_class, href, title, text):
    """A small link after marked words; kept out of copied text by CSS (sup.ref)."""
    return Markup('<sup class="ref"><a class="{}" href="{}" title="{}">{}</a></sup>').format(
        css_class, href, title, text
    )


def article_spans(datasette, quotes, mentions, notes):
    """Spans for the highlight filter: quotes and notes are marked and followed by a link
    (to the quote's page, to the note), so names inside them can still link to records."""
    spans = []
    for q in quotes:
        source = f"{q['speaker_name']} ({UNNAMED_LABEL})" if q["source_kind"] == "unnamed" else q["speaker_name"]
        title = f"{source}, {q['verb'] or 'no reporting verb'} ({KIND_LABELS[q['kind']]})"
        css = f"quote quote-{q['kind']}"
        if q["review"] == "draft":
            title += f": {DRAFT_LABEL}"
            css += " quote-draft"
        spans.append({"start": q["start"], "end": q["end"], "tag": "mark", "attrs": {
            "id": q["id"], "class": css, "title": title,
        }, "after": footnote("quote-ref", datasette.urls.path(f"/quotes/{q['id']}"), title, q["position"])})
    for n in notes:
        title = f"Editorial note: {n['subject']}"
        spans.append({"start": n["start"], "end": n["end"], "tag": "span", "attrs": {
            "class": "note-ref", "title": title,
        }, "after": footnote("note-link", f"#note-{n['id']}", title, "†")})
    for m in mentions:
        spans.append({"start": m["start"], "end": m["end"], "tag": "a", "attrs": {
            "class": f"mention mention-{m['entity_type']}",
            "href": datasette.urls.path(MENTION_URLS[m["entity_type"]].format(m["entity_id"])),
        }})
    return spans


async def expand_article(datasette, db, article, urls, request):
    """One page of the article (PARAGRAPHS_PER_PAGE paragraphs) with its quotes, names and
    notes; most articles are one page."""
    params = {"id": article["id"]}
    pages = max(1, article_page_of(article["paragraph_count"]))
    number = min(page_number(request), pages)
    first = (number - 1) * PARAGRAPHS_PER_PAGE + 1
    paragraphs = await rows(db, PARAGRAPHS_SQL, dict(params, first=first, last=first + PARAGRAPHS_PER_PAGE - 1))
    bounds = dict(params, start=paragraphs[0]["start"] if paragraphs else 0,
                  end=paragraphs[-1]["end"] if paragraphs else 0)
    quotes = await rows(db, ARTICLE_QUOTES_SQL, bounds)
    references = await rows(db, ARTICLE_REFERENCES_SQL, bounds)
    for ref in references:
        ref["cited_by_label"] = STATED_BY_ARTICLE if ref["source_kind"] == "article" else ref["cited_by"]
        ref["url"] = article_url(datasette, article["id"], number, f"p{ref['paragraph_position']}")
        ref["quote_url"] = datasette.urls.path(f"/quotes/{ref['quote_id']}") if ref["quote_id"] else None
        ref["cited_by_url"] = datasette.urls.path(f"/speakers/{ref['cited_by_key']}") if ref["cited_by_key"] else None
    mentions = await rows(db, ARTICLE_MENTIONS_SQL, bounds)
    notes = await rows(db, ARTICLE_NOTES_SQL, params)
    counts = (await rows(db, ARTICLE_COUNTS_SQL, params))[0]
    for note in notes:
        note["url"] = article_url(datasette, article["id"], article_page_of(note["paragraph_position"]),
                                  f"p{note['paragraph_position']}")
    article.pop("body")  # paragraphs carry the text; the whole body is in the Datasette row
    first = paragraphs[0] if paragraphs and paragraphs[0]["position"] == 1 else None
    article.update(
        date=article_date(article["published"]),
        # 1 when the text's first line is its headline (as `add` drafts it): the page shows
        # that line as the heading, not again as paragraph 1; offsets are unchanged
        headline_paragraph=1 if first and article["headline_source"] == "article"
        and first["text"].strip() == article["headline"].strip() else None,
        paragraphs=paragraphs,
        quotes=quotes,
        quote_count=counts["quotes"],
        drafted_quotes=counts["drafted"],
        mentions=mentions,
        editorial_notes=notes,
        legal_references=references,
        spans=article_spans(datasette, quotes, mentions, notes),
        page={
            "number": number, "pages": pages,
            "previous": article_url(datasette, article["id"], number - 1) if number > 1 else None,
            "next": article_url(datasette, article["id"], number + 1) if number < pages else None,
        },
        urls=urls,
    )
    return article


async def expand_speaker(datasette, db, speaker, urls, request):
    """A person's or an organization's quotes, a page of QUOTES_PER_PAGE at a time, with
    counts for all of them; roles, reported statements and legal references are bounded."""
    kind, params = speaker["speaker_type"], {"id": speaker["id"]}
    counted = await rows(db, SPEAKER_COUNTS_SQL, dict(params, type=kind))
    counts = {k: counted[0][k] if counted else 0 for k in KIND_LABELS}
    counts["total"] = sum(counts.values())
    pages = page_count(counts["total"], QUOTES_PER_PAGE)
    number = min(page_number(request), pages)
    quotes = await rows(db, SPEAKER_QUOTES_SQL[kind], dict(
        params, limit=QUOTES_PER_PAGE, offset=(number - 1) * QUOTES_PER_PAGE))
    for q in quotes:
        q["url"] = datasette.urls.path(f"/quotes/{q['id']}")
        q["kind_label"] = KIND_LABELS[q["kind"]]
    path = datasette.urls.path(f"/speakers/{speaker['id']}")
    limited = dict(params, limit=LIST_LIMIT)
    roles = await rows(db, SPEAKER_ROLES_SQL, limited) if kind == "person" else []
    speaker.update(
        roles=roles,
        quotes=quotes,
        counts=counts,
        page=pager(path, number, pages, QUOTES_PER_PAGE),
        reported=await rows(db, SPEAKER_REPORTED_SQL, limited) if kind == "person" else [],
        legal_references=await rows(db, SPEAKER_REFERENCES_SQL[kind], limited),
        legal_reference_count=(await db.execute(SPEAKER_REFERENCE_COUNT_SQL[kind], params)).first()[0],
        mention_count=(await db.execute(SPEAKER_MENTIONS_SQL, dict(params, type=kind))).first()[0],
        list_limit=LIST_LIMIT,
        urls=urls,
    )
    speaker["role"] = role_line(roles) if kind == "person" else ", ".join(
        part for part in (speaker["acronym"], speaker["kind"]) if part)
    return speaker


def page(prefix, table, record_sql, expand, template):
    """A route for /{prefix}/{key} and its .json: look the record up, 404 if missing,
    let `expand` add what the page shows, then render the same dict as HTML or JSON.
    table: the record's Datasette table, or a function of the record that names it."""
    async def view(datasette, request):
        key = request.url_vars["key"]
        if DB not in datasette.databases:
            raise NotFound(f"These pages read the database named {DB!r} (serve facts.db)")
        db = datasette.get_database(DB)
        found = await rows(db, record_sql, {"id": key})
        if not found:
            raise NotFound(f"No {prefix[:-1]} with id {key!r}")
        path = datasette.urls.path(f"/{prefix}/{key}")
        urls = {
            "canonical": public_url(datasette, path, request),
            "json": path + ".json",
            "row": datasette.urls.row(DB, table(found[0]) if callable(table) else table, key),
        }
        data = await expand(datasette, db, found[0], urls, request)
        if request.url_vars.get("format") == "json":
            return Response.json(data)
        return Response.html(
            await datasette.render_template(template, {"data": data}, request=request, view_name="page")
        )
    return view


@hookimpl
def register_routes():
    key = r"(?P<key>[a-z0-9][a-z0-9-]*)(\.(?P<format>json))?$"
    return [
        (r"^/quotes/" + key, page("quotes", "quotes", QUOTE_SQL, expand_quote, "quote.html")),
        (r"^/articles/" + key, page("articles", "articles", ARTICLE_SQL, expand_article, "article.html")),
        (r"^/speakers/" + key, page(
            "speakers", lambda speaker: SPEAKER_TABLES[speaker["speaker_type"]], SPEAKER_SQL, expand_speaker,
            "speaker.html")),
    ]
