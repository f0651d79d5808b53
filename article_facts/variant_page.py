"""The quote page's "also reported in N articles": the other wordings of a statement's group
(article_facts/variants.py links them), each with its word diff against this quote and whether
it gives the words to the same speaker. At most SHOWN wordings, those with another speaker
first: a group can hold thousands of statements, and the page reads only what it lists (the
group row and the (group_id, speaker, id) index)."""
from .check.diff import word_diff
from .variants import key_of, similarity

SHOWN = 10
OTHER_SPEAKERS = 5  # listed first, so a misattribution is never hidden behind agreeing copies

GROUP_SQL = """
select g.id, g.statements, g.articles, g.speakers, g.disagrees, m.speaker
from quote_variant_members m join quote_variant_groups g on g.id = m.group_id where m.id = :id
"""
WORDINGS_SQL = """
select m.id, m.speaker, q.text, q.kind, q.source_kind, q.article_id,
  coalesce(p.name, o.name, q.unnamed_source) as speaker_name,
  a.headline, a.outlet, a.published
from (select id, speaker from quote_variant_members
      where group_id = :group and {which} and article_id != :article order by speaker, id limit :limit) m
join quotes q on q.id = m.id join articles a on a.id = q.article_id
left join people p on p.id = q.speaker_id left join organizations o on o.id = q.speaker_organization_id
order by m.id
"""
OTHER = "speaker is not :speaker"  # another speaker, or an unnamed source where this one is named
SAME = "speaker is :speaker"


async def variants_of(db, quote, urls_path):
    """The variants block of a quote page (a dict, also in its JSON), or None when no other
    article has these words. quote: the page's quote dict; urls_path: datasette.urls.path."""
    group = (await db.execute(GROUP_SQL, {"id": quote["id"]})).first()
    if group is None:
        return None
    group = dict(group)
    params = {"group": group["id"], "article": quote["article"]["id"], "speaker": group["speaker"]}
    rows = [dict(r) for r in (await db.execute(WORDINGS_SQL.format(which=OTHER), dict(params, limit=OTHER_SPEAKERS))).rows]
    rows += [dict(r) for r in (await db.execute(WORDINGS_SQL.format(which=SAME),
                                                dict(params, limit=SHOWN - len(rows)))).rows]
    own = key_of(quote["text"]) or ""
    shown = []
    for row in rows:
        agrees = None if row["speaker"] is None or group["speaker"] is None else row["speaker"] == group["speaker"]
        shown.append({
            "id": row["id"], "url": urls_path(f"/quotes/{row['id']}"), "text": row["text"], "kind": row["kind"],
            "speaker": {"id": row["speaker"], "name": row["speaker_name"], "type": row["source_kind"],
                        "url": urls_path(f"/speakers/{row['speaker']}") if row["speaker"] else None},
            "speaker_agrees": agrees,
            "similarity": similarity(own, key_of(row["text"]) or ""),
            "article": {"id": row["article_id"], "headline": row["headline"], "outlet": row["outlet"],
                        "published": row["published"], "url": urls_path(f"/articles/{row['article_id']}")},
            "diff": [list(block) for block in word_diff(quote["text"], row["text"])],
        })
    return {
        "group_id": group["id"], "articles": group["articles"] - 1, "statements": group["statements"] - 1,
        "speakers": group["speakers"], "disagrees": bool(group["disagrees"]),
        "other_speakers": sum(1 for v in shown if v["speaker_agrees"] is False),
        "shown": shown, "more": group["statements"] - 1 - len(shown),
        "all_url": urls_path(f"/facts/quote_variant_members?group_id={group['id']}"),
    }
