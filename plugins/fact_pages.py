"""Our own pages: /quotes/{id}, /articles/{slug}, /speakers/{id}, each also as .json.

Each route looks its record up with parameterised SQL (a missing one is Datasette's 404 page),
then an `expand_*` function adds what the page shows; the same dict is the JSON and the
template context.
"""
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

DB = "facts"

QUOTE_SQL = """
select q.*, p.name as speaker_name, p.country_id as speaker_country_id,
  rp.name as reported_by_name, a.headline, a.headline_source, a.dateline, a.published,
  a.published_as_written, par.position as paragraph_position, par.text as paragraph_text,
  par.start as paragraph_start
from quotes q
join people p on p.id = q.speaker_id
left join people rp on rp.id = q.reported_by_id
join articles a on a.id = q.article_id
join paragraphs par on par.id = q.paragraph_id
where q.id = :id
"""
ROLES_SQL = """
select r.article_id, r.title, r.basis, r.basis_note, r.evidence, r.organization_id,
  o.name as organization_name, o.acronym as organization_acronym
from roles r left join organizations o on o.id = r.organization_id
where r.person_id = :person and (:article = '' or r.article_id = :article)
order by r.article_id, r.start
"""
NEIGHBOURS_SQL = """
select id, position, text from quotes
where article_id = :article and position in (:position - 1, :position + 1)
order by position
"""
QUOTE_REFERENCES_SQL = """
select instrument, provision, kind, evidence from legal_references where quote_id = :id order by start
"""
ARTICLE_SQL = "select * from articles where id = :id"
PARAGRAPHS_SQL = "select * from paragraphs where article_id = :id order by position"
ARTICLE_QUOTES_SQL = """
select q.id, q.position, q.kind, q.verb, q.attribution, q.start, q.[end], q.speaker_id,
  p.name as speaker_name
from quotes q join people p on p.id = q.speaker_id
where q.article_id = :id order by q.start
"""
ARTICLE_MENTIONS_SQL = """
select entity_type, entity_id, start, [end] from mentions where article_id = :id order by start
"""
ARTICLE_NOTES_SQL = """
select n.id, n.subject, n.as_written, n.note, n.start, n.[end], par.position as paragraph_position
from editorial_notes n join paragraphs par on par.id = n.paragraph_id
where n.article_id = :id order by n.start
"""
PERSON_SQL = """
select p.*, c.name as country_name from people p left join countries c on c.id = p.country_id
where p.id = :id
"""
PERSON_QUOTES_SQL = """
select q.id, q.article_id, q.kind, q.verb, q.attribution, q.text, q.reported_by_id,
  rp.name as reported_by_name, a.headline
from quotes q join articles a on a.id = q.article_id
left join people rp on rp.id = q.reported_by_id
where q.speaker_id = :id order by q.article_id, q.start
"""
PERSON_REPORTED_SQL = """
select q.id, q.text, q.verb, p.name as speaker_name, q.speaker_id
from quotes q join people p on p.id = q.speaker_id
where q.reported_by_id = :id order by q.article_id, q.start
"""
PERSON_REFERENCES_SQL = """
select l.id, l.instrument, l.provision, l.kind, l.evidence, l.quote_id, l.article_id,
  q.attribution
from legal_references l join quotes q on q.id = l.quote_id
where l.cited_by_id = :id order by l.article_id, l.start
"""
PERSON_MENTIONS_SQL = "select count(*) from mentions where person_id = :id"

KIND_LABELS = {"direct": "direct quote", "indirect": "reported statement", "partial": "partial quote"}
MENTION_URLS = {
    "person": "/speakers/{}",
    "organization": "/facts/organizations/{}",
    "country": "/facts/countries/{}",
}


# The site's public origin comes from configuration (metadata.yml plugins.article-facts
# public_origin, e.g. {"$env": "FACTS_PUBLIC_ORIGIN"}), never from the request's Host header:
# a cache in front could otherwise store a page whose links point at an attacker's host.
DEFAULT_PUBLIC_ORIGIN = "http://127.0.0.1:8001"


def public_url(datasette, path):
    """Absolute URL of `path` (already base_url-prefixed) on the configured public origin."""
    origin = (datasette.plugin_config("article-facts") or {}).get("public_origin")
    return (origin or DEFAULT_PUBLIC_ORIGIN).rstrip("/") + path


async def rows(db, sql, params):
    return [dict(row) for row in (await db.execute(sql, params)).rows]


def role_line(roles):
    """'Director General for South America, Ministry of Foreign Affairs (SRE) (organization
    inferred)': the role in the article's words, never more certain than the facts."""
    parts = []
    for role in roles:
        org = role["organization_name"]
        if org and role["organization_acronym"]:
            org = f"{org} ({role['organization_acronym']})"
        if org and role["basis"] == "inferred":
            org += " (organization inferred)"
        parts.append(", ".join(p for p in (role["title"], org) if p))
    return "; ".join(parts)


def article_date(article):
    return article["published"] or "publication date not given"


def citation(quote, canonical_url):
    """A ready-to-copy line: who, in what capacity, the words, how sure the attribution is,
    where, and the link."""
    who = quote["speaker"]["name"]
    if quote["speaker"]["role"]:
        who += f" (described in the article as {quote['speaker']['role']})"
    verb = f", {quote['verb']}" if quote["verb"] else ""
    if quote["kind"] == "direct":
        words = f"“{quote['text']}”"
    else:
        words = f"[{quote['kind_label']}, not verbatim] {quote['text']}"
    extra = ""
    if quote["reported_by"]:
        inferred = " (inferred)" if quote["reported_by"]["basis"] == "inferred" else ""
        extra += f" As reported by {quote['reported_by']['name']}{inferred}."
    if quote["attribution"] == "inferred":
        extra += " Attribution inferred."
    end = "" if words.rstrip("”")[-1] in ".?!" else "."  # no "law.”." doubled stop
    article = quote["article"]
    headline = f"“{article['headline']}”" + (" (editorial headline)" if article["headline_source"] == "editorial" else "")
    return (
        f"{who}{verb}: {words}{end}{extra} In {headline}, {article['dateline']}, "
        f"{article_date(article)}. article-facts {quote['id']}, {canonical_url}"
    )


async def expand_quote(datasette, db, q, urls):
    quote_id = q["id"]
    roles = await rows(db, ROLES_SQL, {"person": q["speaker_id"], "article": q["article_id"]})
    neighbours = await rows(db, NEIGHBOURS_SQL, {"article": q["article_id"], "position": q["position"]})

    def link(row):
        return {"id": row["id"], "text": row["text"], "url": datasette.urls.path(f"/quotes/{row['id']}")}

    quote = {
        "id": q["id"], "kind": q["kind"], "kind_label": KIND_LABELS[q["kind"]], "verb": q["verb"],
        "attribution": q["attribution"], "attribution_note": q["attribution_note"],
        "text": q["text"], "start": q["start"], "end": q["end"], "position": q["position"],
        "speaker": {
            "id": q["speaker_id"], "name": q["speaker_name"], "role": role_line(roles),
            "roles": roles, "url": datasette.urls.path(f"/speakers/{q['speaker_id']}"),
        },
        "reported_by": {
            "id": q["reported_by_id"], "name": q["reported_by_name"], "basis": q["reported_by_basis"],
            "url": datasette.urls.path(f"/speakers/{q['reported_by_id']}"),
        } if q["reported_by_id"] else None,
        "article": {
            "id": q["article_id"], "headline": q["headline"], "headline_source": q["headline_source"],
            "dateline": q["dateline"], "published": q["published"],
            "published_as_written": q["published_as_written"],
        },
        "paragraph": {
            "id": q["paragraph_id"], "position": q["paragraph_position"],
            "text": q["paragraph_text"], "start": q["paragraph_start"],
        },
        "legal_references": await rows(db, QUOTE_REFERENCES_SQL, {"id": quote_id}),
        "previous": next((link(n) for n in neighbours if n["position"] < q["position"]), None),
        "next": next((link(n) for n in neighbours if n["position"] > q["position"]), None),
        "urls": dict(urls, article=datasette.urls.path(f"/articles/{q['article_id']}#{quote_id}")),
    }
    quote["citation"] = citation(quote, urls["canonical"])
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
        title = f"{q['speaker_name']}, {q['verb'] or 'no reporting verb'} ({KIND_LABELS[q['kind']]})"
        spans.append({"start": q["start"], "end": q["end"], "tag": "mark", "attrs": {
            "id": q["id"], "class": f"quote quote-{q['kind']}", "title": title,
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


async def expand_article(datasette, db, article, urls):
    params = {"id": article["id"]}
    quotes = await rows(db, ARTICLE_QUOTES_SQL, params)
    mentions = await rows(db, ARTICLE_MENTIONS_SQL, params)
    notes = await rows(db, ARTICLE_NOTES_SQL, params)
    article.update(
        date=article_date(article),
        paragraphs=await rows(db, PARAGRAPHS_SQL, params),
        quotes=quotes,
        mentions=mentions,
        editorial_notes=notes,
        spans=article_spans(datasette, quotes, mentions, notes),
        urls=urls,
    )
    return article


async def expand_speaker(datasette, db, person, urls):
    person_id = person["id"]
    params = {"id": person_id}
    quotes = await rows(db, PERSON_QUOTES_SQL, params)
    for q in quotes:
        q["url"] = datasette.urls.path(f"/quotes/{q['id']}")
        q["kind_label"] = KIND_LABELS[q["kind"]]
    counts = {kind: sum(q["kind"] == kind for q in quotes) for kind in KIND_LABELS}
    person.update(
        roles=await rows(db, ROLES_SQL, {"person": person_id, "article": ""}),
        quotes=quotes,
        counts=dict(counts, total=len(quotes)),
        reported=await rows(db, PERSON_REPORTED_SQL, params),
        legal_references=await rows(db, PERSON_REFERENCES_SQL, params),
        mention_count=(await db.execute(PERSON_MENTIONS_SQL, params)).first()[0],
        urls=urls,
    )
    person["role"] = role_line(person["roles"])
    return person


def page(prefix, table, record_sql, expand, template):
    """A route for /{prefix}/{key} and its .json: look the record up, 404 if missing,
    let `expand` add what the page shows, then render the same dict as HTML or JSON."""
    async def view(datasette, request):
        key = request.url_vars["key"]
        if DB not in datasette.databases:
            raise NotFound(f"These pages read the database named {DB!r} (serve facts.db)")
        db = datasette.get_database(DB)
        found = await rows(db, record_sql, {"id": key})
        if not found:
            raise NotFound(f"No {table} row with id {key!r}")
        path = datasette.urls.path(f"/{prefix}/{key}")
        urls = {
            "canonical": public_url(datasette, path),
            "json": path + ".json",
            "row": datasette.urls.row(DB, table, key),
        }
        data = await expand(datasette, db, found[0], urls)
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
        (r"^/speakers/" + key, page("speakers", "people", PERSON_SQL, expand_speaker, "speaker.html")),
    ]
