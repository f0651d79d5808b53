"""The data contract, declared once: each facts.yml section with its fields (required or not,
enums, references, one-of groups) and the table it becomes (its columns, in order, and what
each one means), the tables the build computes, the views' columns, and the database's name.

Everything else derives from this: the YAML checks (schema.py), the tables and foreign keys
(database.py), the rows (article.py), metadata.yml's column descriptions (`make metadata`,
checked by tests/test_contract.py), and the extractor's section lists and the entries it
drops with a rejected one (extract/draft.py). To add a field, add one Field at the end of
its section's list (so no existing column moves) and test it.
"""
from dataclasses import dataclass
from functools import cached_property

# The name Datasette serves facts.db under: every URL, link and saved query says /facts.
DATABASE_NAME = "facts"
# How pages and /check name a quote's kind, an unnamed source and a machine draft (the quote
# page, the speaker page, the article's footnotes, /check's results, the citation).
KIND_LABELS = {"direct": "direct quote", "indirect": "reported statement", "partial": "partial quote"}
UNNAMED_LABEL = "unnamed source"
DRAFT_LABEL = "machine draft, not yet reviewed"


@dataclass(frozen=True)
class Field:
    """A facts.yml field and the column it becomes (none when description is None).

    kind: text, date (YYYY, YYYY-MM or YYYY-MM-DD), url (an absolute http or https address), names (a list of name forms, stored as a
    JSON list: the entry's name when none are given), or count (a whole number from 1).
    references: the section whose ids the field names; its column is the field's name plus
    "_id" and is a foreign key. with_target: an entry whose referenced entry is dropped goes
    too (the extractor's repairs), else it only loses this field. default: the column's value
    when the field is not given."""

    name: str
    description: str | None
    required: bool = False
    kind: str = "text"
    enum: tuple = ()
    references: str | None = None
    with_target: bool = False
    default: str | None = None

    @property
    def column(self):
        if self.description is None:
            return None
        return f"{self.name}_id" if self.references else self.name


@dataclass(frozen=True)
class Column:
    """A column the build computes (not a field of facts.yml); references: a table."""

    name: str
    description: str
    type: type = str
    references: str | None = None

    column = property(lambda self: self.name)


@dataclass(frozen=True)
class Section:
    """A facts.yml section and its table. items: its Fields and computed Columns in the
    table's column order. shared: its entities (people, organizations, countries) are merged
    across articles and keep their ids; the other sections' ids become "{article slug}-{id}".
    one_entry: a mapping (the article), not a list. one_of / at_most_one_of: fields of which
    exactly one / at most one is given. located: the field whose words are found in the text
    (its paragraph_id, start and end columns)."""

    name: str
    table: str
    items: tuple
    required: bool = False
    shared: bool = False
    one_entry: bool = False
    one_of: tuple = ()
    at_most_one_of: tuple = ()
    located: str | None = None

    @cached_property
    def fields(self):
        """name -> Field, in declaration order."""
        return {item.name: item for item in self.items if isinstance(item, Field)}

    @cached_property
    def required_fields(self):
        return {name for name, f in self.fields.items() if f.required}


@dataclass(frozen=True)
class Table:
    """A table the build computes from the text (paragraphs, mentions), or a view."""

    name: str
    items: tuple


REVIEW = (
    Field("review", "draft: drafted by the extractor (build_db.py extract), not yet reviewed by a person; "
          "checked: written or reviewed by a person.", enum=("draft", "checked"), default="checked"),
    Field("review_note", "What the extractor was unsure of, for the reviewer; empty for hand-written entries."),
)
OCCURRENCE = Field("occurrence", None, kind="count")  # the N-th time the located words occur


def span(what):
    """paragraph_id, start and end of the located words."""
    return (
        Column("paragraph_id", f"Paragraph containing the {what}.", references="paragraphs"),
        Column("start", f"Offset of the {what} in articles.body.", int),
        Column("end", f"Offset just past the {what}.", int),
    )


def article_id(description):
    return Column("article_id", description, references="articles")


# In the database's table order (countries first: every other table may name them).
CONTRACT = (
    Section("countries", "countries", shared=True, items=(
        Field("id", "ISO 3166-1 alpha-2 code.", required=True),
        Field("name", "English short name.", required=True),
        Field("names", "JSON list of the forms found in the text (name and adjective).", kind="names"),
        *REVIEW,
    )),
    Section("organizations", "organizations", shared=True, items=(
        Field("id", "Stable slug.", required=True),
        Field("name", "English name.", required=True),
        Field("acronym", "Acronym as the article gives it (SRE, Segob)."),
        Field("country", "Country of the organization; empty for international bodies.", references="countries",
              with_target=True),
        Field("kind", "government, ministry, embassy or international body."),
        Field("names", "JSON list of the forms of the name found in the text.", kind="names"),
        *REVIEW,
    )),
    Section("people", "people", required=True, shared=True, items=(
        Field("id", "Stable slug, used in /speakers/{id}.", required=True),
        Field("name", "Full name as written, with accents.", required=True),
        Field("country", "Country the person speaks for or belongs to, as inferred from the article (the text "
              "states no nationalities).", references="countries", with_target=True),
        Field("names", "JSON list of the forms of the name found in the text (used to find mentions).", kind="names"),
        *REVIEW,
    )),
    Section("article", "articles", required=True, one_entry=True, items=(
        Column("id", "Slug of the article, the name of its folder in seeds/ and part of every fact's id."),
        Field("headline", "Headline. See headline_source for whether it is the article's own.", required=True),
        Field("headline_source", "'article' if the text has this headline, 'editorial' if we wrote it.",
              required=True, enum=("article", "editorial")),
        Field("dateline", "Place line at the start of the article, as written."),
        Field("published", "Publication date (ISO 8601), empty where the text does not give one.", kind="date"),
        Field("published_as_written", "The date words the text gives for the occasion it reports (not a "
              "publication date)."),
        Field("published_note", "How the publication date was or was not established."),
        Field("language", "Language of the text (ISO 639-1).", required=True),
        Field("source", "Where the text comes from."),
        Column("body", "The article text, byte for byte as received (curly quotes, accents, line breaks)."),
        Column("paragraph_count", "Number of paragraphs (non-empty lines) in body.", int),
        *REVIEW,
        Field("url", "The article's address on its outlet's site (http or https), empty where unknown.", kind="url"),
        Field("outlet", "The publication or site that published the article, empty where unknown."),
        Field("author", "Byline, as the article or its page gives it, empty where unknown."),
        Column("published_year", "Year of the publication date (the first four characters of published), empty "
               "where published is; the articles' facet by year."),
        Column("quote_count", "Number of quotes and statements in the article (counted at build time).", int),
        Column("entry_count", "Number of entries in the article's facts.yml that carry a review state: the article, "
               "its people, organizations and countries, roles, quotes, events, legal references and editorial notes.", int),
        Column("checked_count", "How many of those entries are checked (written or reviewed by a person); the rest "
               "are machine drafts.", int),
    )),
    Table("paragraphs", (
        Column("id", "{article slug}-p{position}"),
        article_id("Article the paragraph belongs to."),
        Column("position", "1 for the first paragraph of the article.", int),
        Column("text", "The paragraph's text, exactly as in the article."),
        Column("start", "Offset of the paragraph's first character in articles.body.", int),
        Column("end", "Offset just past its last character (body[start:end] == text).", int),
    )),
    Section("roles", "roles", located="evidence", items=(
        Column("id", "{article slug}-{person id}-{n}"),
        article_id("Article that gives the role."),
        Field("person", "Person holding the role.", required=True, references="people", with_target=True),
        Field("title", "The title or description, in the article's words.", required=True),
        Field("organization", "Organization the person holds the role in or speaks for.", references="organizations"),
        Field("basis", "stated (the text names the organization) or inferred (it does not; basis_note says why).",
              required=True, enum=("stated", "inferred")),
        Field("basis_note", "Why an inferred organization was inferred."),
        Field("evidence", "The words that give the role.", required=True),
        *span("evidence"),
        *REVIEW,
        OCCURRENCE,
    )),
    Section("quotes", "quotes", required=True, located="text",
            one_of=("speaker", "speaker_organization", "unnamed_source"), items=(
        Field("id", "{article slug}-{key}: stable, never reused; /quotes/{id} is the quote's own page.", required=True),
        Field("speaker", "Person whose words these are (empty when an organization or an unnamed source speaks).",
              references="people", with_target=True),
        Field("kind", "direct (in quotation marks), indirect (reported speech) or partial (a quoted fragment inside "
              "reported speech).", required=True, enum=("direct", "indirect", "partial")),
        Field("verb", 'Reporting verb as written ("said", "recalled", "pointed out"); empty when no verb governs the '
              "words."),
        Field("text", "The exact words, as in the article (body[start:end] == text).", required=True),
        Field("attribution", "explicit (a reporting verb governs the words and its subject is the speaker, by name or "
              "by a pronoun continuing from the name) or inferred (carried over from the text around it, or the "
              "pronoun does not fit).", required=True, enum=("explicit", "inferred")),
        Field("attribution_note", "Why an inferred attribution was made, or what else a reader should know about it."),
        Field("reported_by", "For a statement reported inside someone else's statement, who reported it.",
              references="people", with_target=True),
        Field("reported_by_basis", "stated or inferred, for reported_by_id.", enum=("stated", "inferred")),
        article_id("Article the quote is from."),
        Column("position", "Order of the quote within its article (1 = first).", int),
        Column("paragraph_id", "Paragraph containing the words.", references="paragraphs"),
        Column("start", "Offset of the first character in articles.body.", int),
        Column("end", "Offset just past the last character.", int),
        Field("speaker_organization", 'Organization whose words these are ("the ministry said in a statement"), when '
              "no person speaks; empty otherwise. Exactly one of speaker_id, speaker_organization_id and "
              "unnamed_source is set.", references="organizations", with_target=True),
        *REVIEW,
        Field("unnamed_source", "A source the article does not name, as the article describes it, copied from the "
              'quote\'s paragraph ("a senior administration official", "analysts"); empty when a person or an '
              "organization speaks."),
        Column("source_kind", "Who the source is: person (speaker_id), organization (speaker_organization_id) or "
               "unnamed (unnamed_source). ?source_kind=unnamed lists the quotes from unnamed sources."),
        Field("continues", 'For the second part of a quote split around its attribution ("It is early," she said, '
              '"but the numbers are good."), the part it continues (same source, same paragraph or the one before); '
              "empty otherwise.", references="quotes"),
        OCCURRENCE,
    )),
    Section("events", "events", located="evidence", items=(
        Field("id", "{article slug}-{key}", required=True),
        article_id("Article that reports the event."),
        Field("title", "What happened, in our words.", required=True),
        Field("country", "Country where it happened or whose government acted.", references="countries"),
        Field("date_as_written", "The date words in the text, if any."),
        Field("date", "The date resolved from the text (YYYY, YYYY-MM or YYYY-MM-DD), empty if the text gives none.",
              kind="date"),
        Field("quote", "The statement that reports the event, where a speaker reports it; empty where the article "
              "states it itself.", references="quotes"),
        Field("evidence", "The words that report the event.", required=True),
        *span("evidence"),
        *REVIEW,
        OCCURRENCE,
    )),
    Section("legal_references", "legal_references", located="evidence",
            at_most_one_of=("cited_by", "cited_by_organization"), items=(
        Field("id", "{article slug}-{key}", required=True),
        article_id("Article in which it is cited."),
        Field("instrument", "The treaty, constitution, resolution or principle.", required=True),
        Field("provision", "Article or number as written; empty for principles."),
        Field("kind", "treaty, constitution, resolution, law or principle.", required=True,
              enum=("treaty", "constitution", "resolution", "law", "principle")),
        Field("cited_by", "Person who cited it (empty when an organization or an unnamed source did, or the article "
              "states it itself).", references="people", with_target=True),
        Field("quote", "The quote or statement in which it is cited; empty where the article states it itself.",
              references="quotes", with_target=True),
        Field("evidence", "The words that cite it.", required=True),
        *span("evidence"),
        Field("cited_by_organization", "Organization that cited it, when no person did; empty otherwise.",
              references="organizations", with_target=True),
        *REVIEW,
        OCCURRENCE,
    )),
    Section("editorial_notes", "editorial_notes", located="as_written", items=(
        Field("id", "{article slug}-{key}", required=True),
        article_id("Article the note is about."),
        Field("subject", "What kind of doubt (attribution, role, legal reference, date, ...).", required=True),
        Field("as_written", "The words in question, exactly as written.", required=True),
        Field("note", "The doubt, and what the facts do about it.", required=True),
        *span("words"),
        *REVIEW,
        OCCURRENCE,
    )),
    Table("mentions", (
        Column("id", "{article slug}-m{start}"),
        article_id("Article containing the mention."),
        Column("paragraph_id", "Paragraph containing the mention.", references="paragraphs"),
        Column("entity_type", "person, organization or country."),
        Column("entity_id", "Id of the person, organization or country."),
        Column("person_id", "The person, when entity_type is person.", references="people"),
        Column("organization_id", "The organization, when entity_type is organization.", references="organizations"),
        Column("country_id", "The country, when entity_type is country.", references="countries"),
        Column("text", "The words as they appear."),
        Column("start", "Offset in articles.body.", int),
        Column("end", "Offset just past the mention.", int),
        Column("quote_id", "The innermost quote or statement whose words hold the mention (its own page is "
               "/quotes/{id}); empty when the mention is in the article's own words.", references="quotes"),
    )),
    # The same wording across articles (article_facts/variants.py): computed at build and append.
    Table("quote_variant_groups", (
        Column("id", "The group: 16 hex digits, stable while its statements stay the same."),
        Column("quote_id", "The group's first statement (by id); its words are in text.", references="quotes"),
        Column("text", "The words of that statement, as written."),
        Column("statements", "Number of statements in the group.", int),
        Column("articles", "Number of articles they are in (always 2 or more).", int),
        Column("speakers", "Number of different people and organizations they are attributed to (unnamed sources "
               "not counted).", int),
        Column("disagrees", "1 when the articles attribute these words to different speakers (a possible "
               "misattribution), 0 when they agree.", int),
        Column("speaker", "Id of the person or organization most of its statements are attributed to (on a tie, "
               "the first id)."),
    )),
    Table("quote_variant_members", (
        Column("id", "The statement (its page is /quotes/{id}), one row per statement in a group."),
        Column("group_id", "Its group of near-identical wordings.", references="quote_variant_groups"),
        Column("article_id", "Article the statement is from.", references="articles"),
        Column("speaker", "Id of the person or organization it is attributed to; empty for an unnamed source."),
        Column("similarity", "0-1: how alike its normalised words are to the group's reference wording (the one "
               "its id is made from; RapidFuzz ratio, 1 = the same words).", float),
        Column("speaker_agrees", "1 when its speaker is the group's most frequent speaker, 0 when not (a "
               "disagreement), empty for an unnamed source.", int),
    )),
)
# The views' columns (their SQL is in database.py VIEWS; tests/test_contract.py checks both agree).
VIEWS = (
    Table("quotes_per_speaker", (
        Column("speaker", "Speaker's name, or an unnamed source's description as written."),
        Column("speaker_id", "Speaker's id when a person speaks (links to /speakers/{id})."),
        Column("speaker_organization_id", "Speaker's id when an organization speaks (links to /speakers/{id})."),
        Column("kind", "direct, indirect or partial."),
        Column("quotes", "Number of quotes of that kind by that speaker.", int),
    )),
    Table("quotes_per_verb", (
        Column("verb", "Reporting verb as written; (none) where the text has none."),
        Column("kind", "direct, indirect or partial."),
        Column("quotes", "Number of quotes with that verb and kind.", int),
    )),
    Table("mentions_per_entity", (
        Column("entity_type", "person, organization or country."),
        Column("entity_id", "Id of the person, organization or country."),
        Column("name", "Its name."),
        Column("mentions", "Number of places it is named.", int),
    )),
)

# ---- derived ----------------------------------------------------------------------------

SECTIONS = {item.name: item for item in CONTRACT if isinstance(item, Section)}
SHARED = tuple(name for name, section in SECTIONS.items() if section.shared)
NOT_MENTIONS = "not_mentions"  # a list of phrases that are not mentions (a top-level key, no table)
# facts.yml's sections as people write them and the extractor drafts them: the article, the
# shared entities, not_mentions, then the facts
FACTS_ORDER = ([name for name, s in SECTIONS.items() if s.one_entry] + list(SHARED) + [NOT_MENTIONS]
               + [name for name, s in SECTIONS.items() if not (s.one_entry or s.shared)])


def columns(item):
    """The (column, type, description, referenced table) of a Section's or Table's table, in order."""
    found = []
    for part in item.items:
        if part.column is None:
            continue
        if isinstance(part, Field):
            target = SECTIONS[part.references].table if part.references else None
            found.append((part.column, str, part.description, target))
        else:
            found.append((part.name, part.type, part.description, part.references))
    return found


def table_name(item):
    return item.table if isinstance(item, Section) else item.name


TABLES = {table_name(item): columns(item) for item in CONTRACT}
VIEW_COLUMNS = {view.name: columns(view) for view in VIEWS}


def references():
    """(section, field) -> the section whose ids it names, in declaration order."""
    return {(name, f.name): f.references for name, s in SECTIONS.items()
            for f in s.fields.values() if f.references}


def column_descriptions():
    """table or view -> {column: description}, as metadata.yml's `columns:` blocks say them."""
    return {name: {column: description for column, _, description, _ in cols}
            for name, cols in {**TABLES, **VIEW_COLUMNS}.items()}


def speaker_columns():
    """Columns whose value /speakers/{id} serves (plugins/cell_links.py links them there): every
    column naming a person, and one naming an organization as a quote's source or a legal
    reference's citer (the one-of groups)."""
    found = set()
    for item in CONTRACT:
        grouped = set(item.one_of) | set(item.at_most_one_of) if isinstance(item, Section) else set()
        for column, _, _, target in columns(item):
            named_by = column.removesuffix("_id")
            if target == "people" or (target == "organizations" and named_by in grouped):
                found.add(column)
    return found


SPEAKER_COLUMNS = speaker_columns()
