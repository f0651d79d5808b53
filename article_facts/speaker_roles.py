"""What an article calls a quote's speaker: a person's roles in that article, an
organization's acronym. Read and worded once for the quote page (plugins/fact_pages.py) and
/check (article_facts/check/lookup.py), so both cite a speaker in the same capacity."""
import json

# The roles of each (person, article) pair in :pairs (a JSON list of [person_id, article_id]),
# in the order the article gives them; one statement for any number of pairs.
ROLES_SQL = """
select r.person_id, r.article_id, r.title, r.basis, r.basis_note, r.evidence, r.organization_id,
  o.name as organization_name, o.acronym as organization_acronym
from json_each(:pairs) w
join roles r on r.person_id = json_extract(w.value, '$[0]') and r.article_id = json_extract(w.value, '$[1]')
left join organizations o on o.id = r.organization_id
order by r.start
"""


async def roles_in_articles(db, pairs):
    """{(person_id, article_id): [role, ...]} for the given pairs (a Datasette Database);
    a pair with no roles is missing."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    found = {}
    for row in (await db.execute(ROLES_SQL, {"pairs": json.dumps(pairs)})).rows:
        role = dict(row)
        found.setdefault((role.pop("person_id"), role["article_id"]), []).append(role)
    return found


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


def speaker_role(source_kind, roles, acronym):
    """The speaker's capacity in the article: a person's roles there, an organization's
    acronym, nothing for a source the text does not name."""
    if source_kind == "person":
        return role_line(roles)
    if source_kind == "organization":
        return acronym
    return None
