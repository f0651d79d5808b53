"""Property-based tests of the build over generated articles and facts (hypothesis).

Whatever the article text and facts.yml hold, the command either builds a database whose
every offset slices back to the stored text, or stops with exit status 1 and one line on
stderr, leaving the previous database byte-identical; it never crashes.

The extractor (article_facts.extract) is held to the same standard: for any generated article
its draft facts.yml builds unedited, and every offset of the result slices back.
"""
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import build_db
from article_facts.text import contains_whole_word, find_mentions, whole_word

EXAMPLES = 60  # a few seconds in `make test`; raise locally to search harder
NAMES = ["Ana Ruiz", "Ruiz", "José Pérez", "Zoë Ölund", "México", "Peru", "ONU"]
WORDS = NAMES + ["the", "said", "stated", "treaty", "in", "2021", "Article 4", "of", "and",
                 "“", "”", '"', ",", ".", ",”", "ßtraße", "日本", "🙂", "e\u0301", "’s", "-", "—"]
ODD = ["\x00", "\r", "\r\n", "\x02", "\x03", "\x1b", "\x85", "\x7f", "\u2028", "\u202e", "\ufeff",
       "\t", " ", "\n\n", "\\", "'", "{", "#", ": ", "- ", "&a", "*a", "!!int"]
LOCATED = [("paragraphs", "text"), ("quotes", "text"), ("mentions", "text"),
           ("roles", "evidence"), ("events", "evidence"), ("legal_references", "evidence"),
           ("editorial_notes", "as_written")]
PREVIOUS = b"previous database"  # any bytes: a failed build must not touch them


CLEAN_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12)
ANY_TEXT = st.text(max_size=12)


def some_text(draw):
    """Mostly storable text; one time in five anything (controls, lone surrogates)."""
    return draw(ANY_TEXT if draw(st.integers(0, 4)) == 0 else CLEAN_TEXT)


@st.composite
def articles(draw, odd=True):
    """Article text: a few paragraphs of words, each opening with a unique marker so most
    spans can be located exactly once; one article in four has odd characters anywhere."""
    words = st.sampled_from(WORDS)
    if odd and draw(st.integers(0, 3)) == 0:
        words = st.one_of(words, st.sampled_from(ODD))
    return [[f"p{index}x"] + draw(st.lists(words, min_size=1, max_size=14))
            for index in range(draw(st.integers(1, 5)))]


def span_text(draw, paragraphs):
    """A run of words from one paragraph (usually locatable), or any drawn text."""
    if draw(st.integers(0, 9)) == 0:
        return some_text(draw)
    words = paragraphs[draw(st.integers(0, len(paragraphs) - 1))]
    start = draw(st.integers(0, len(words) - 1))
    end = draw(st.integers(start + 1, len(words)))
    return " ".join(words[start:end])


@st.composite
def facts_for(draw, paragraphs):
    """facts.yml content for the article: mostly well-formed, sometimes broken on purpose."""
    present = sorted({word for words in paragraphs for word in words if word in NAMES[:4]}) or NAMES[:4]
    person_names = draw(st.lists(st.sampled_from(present), min_size=1, max_size=2, unique=True))
    quotes = []
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["indirect", "direct", "partial"]))
        explicit = draw(st.booleans())
        quote = {"id": f"q{index}", "speaker": "p1", "kind": kind,
                 "attribution": "explicit" if explicit else "inferred",
                 "text": span_text(draw, paragraphs)}
        if explicit:
            quote["verb"] = draw(st.sampled_from(["said", "stated", "denied"]))
        else:
            quote["attribution_note"] = "no verb"
        quotes.append(quote)
    facts = {
        "article": {"headline": some_text(draw), "headline_source": "editorial",
                    "dateline": "Somewhere", "language": "en"},
        "people": [{"id": "p1", "name": person_names[0], "names": person_names}],
        "quotes": quotes,
    }
    if draw(st.booleans()):
        facts["editorial_notes"] = [{"id": "n1", "subject": "s", "as_written": span_text(draw, paragraphs),
                                     "note": some_text(draw)}]
    if quotes and draw(st.booleans()):
        facts["events"] = [{"id": "e1", "title": "t", "quote": "q0", "evidence": span_text(draw, paragraphs),
                            "date": draw(st.sampled_from(["2021", "2021-02-30", "2021\n", 2021]))}]
    if draw(st.integers(0, 5)) == 0:  # break one thing: a field, a type, a reference
        section = draw(st.sampled_from(sorted(facts)))
        target = facts[section][0] if isinstance(facts[section], list) and facts[section] else facts[section]
        if isinstance(target, dict):
            field = draw(st.sampled_from(sorted(target) + ["extra"]))
            target[field] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.text(max_size=3), max_size=2)))
    return facts


@st.composite
def valid_facts_for(draw, paragraphs):
    """facts.yml that must build: quotes, notes and events are paragraph openings (the
    unique marker makes each occur once), the names are words of the article."""
    present = sorted({word for words in paragraphs for word in words if word in NAMES[:4]})
    names = draw(st.lists(st.sampled_from(present), min_size=1, unique=True)) if present else []

    def opening():
        words = paragraphs[draw(st.integers(0, len(paragraphs) - 1))]
        return " ".join(words[:draw(st.integers(1, len(words)))])

    facts = {
        "article": {"headline": draw(CLEAN_TEXT.filter(str.strip)), "headline_source": "editorial",
                    "dateline": "Somewhere", "language": "en"},
        "people": [{"id": "p1", "name": "Someone", **({"names": names} if names else {})}],
        "quotes": [],
    }
    texts = draw(st.lists(st.builds(opening), max_size=3, unique=True))
    for index, text in enumerate(texts):
        facts["quotes"].append({"id": f"q{index}", "speaker": "p1", "kind": "indirect",
                                "attribution": "inferred", "attribution_note": "generated", "text": text})
    if texts and draw(st.booleans()):
        facts["events"] = [{"id": "e1", "title": "t", "quote": "q0", "evidence": texts[0], "date": "2021-02-28"}]
    notes = draw(st.lists(st.builds(opening), max_size=2, unique=True))
    facts["editorial_notes"] = [{"id": f"n{index}", "subject": "s", "as_written": text, "note": "n"}
                                for index, text in enumerate(notes)]
    return facts


def assert_sound_build(seeds, folder):
    """Run the command: either a database whose every offset slices back to the stored text,
    or exit 1 with one line and the previous database untouched. Never a crash."""
    db = folder / "facts.db"
    db.write_bytes(PREVIOUS)
    result = CliRunner().invoke(build_db.cli, ["--seeds", str(seeds), "--db", str(db)])
    if result.exit_code != 0:
        assert isinstance(result.exception, SystemExit), f"crashed: {result.exception!r}"
        lines = result.stderr.splitlines()
        assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert db.read_bytes() == PREVIOUS
        assert sorted(p.name for p in folder.iterdir()) == ["facts.db", "seeds"]
        return False
    with sqlite3.connect(db) as conn:
        bodies = {}
        for article_id, body, stored_length in conn.execute("select id, body, length(body) from articles"):
            text = (seeds / article_id / "article.txt").read_bytes().decode("utf-8")
            assert body == text and stored_length == len(text)  # byte for byte, no truncation
            bodies[article_id] = body
        for table, column in LOCATED:
            for article_id, start, end, text in conn.execute(
                f"select article_id, start, end, {column} from {table}"
            ):
                assert bodies[article_id][start:end] == text, (table, start, end, text)
    return True


def write_seeds(folder, article_text, facts_text):
    seeds = folder / "seeds"
    (seeds / "sample").mkdir(parents=True)
    (seeds / "sample" / "article.txt").write_bytes(article_text.encode("utf-8", "surrogatepass"))
    (seeds / "sample" / "facts.yml").write_bytes(facts_text.encode("utf-8", "surrogatepass"))
    return seeds


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_article_and_facts_build_soundly_or_fail_in_one_line(data):
    paragraphs = data.draw(articles())
    article_text = "\n".join(" ".join(words) for words in paragraphs) + data.draw(st.sampled_from(["", "\n", "\n\n"]))
    facts = data.draw(facts_for(paragraphs))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        assert_sound_build(write_seeds(folder, article_text, yaml.safe_dump(facts, allow_unicode=True)), folder)


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_well_formed_facts_always_build_and_slice_back(data):
    """The offsets property needs builds that succeed: these facts are valid by construction
    (any article text of storable words, names that occur), so the build must succeed."""
    paragraphs = data.draw(articles(odd=False))
    article_text = "\n".join(" ".join(words) for words in paragraphs) + "\n"
    facts = data.draw(valid_facts_for(paragraphs))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds = write_seeds(folder, article_text, yaml.safe_dump(facts, allow_unicode=True))
        assert assert_sound_build(seeds, folder), "well-formed facts must build"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_text=st.text(max_size=200), facts_text=st.text(max_size=200))
def test_arbitrary_text_in_either_file_fails_in_one_line(article_text, facts_text):
    """Any Unicode, lone surrogates included, as article.txt and as facts.yml."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        assert_sound_build(write_seeds(folder, article_text, facts_text), folder)


def test_the_generator_reaches_successful_builds():
    """Guard against a generator that only ever produces errors (the properties above
    would then say nothing about offsets): a well-formed draw must build."""
    paragraphs = [["p0x", "Ana Ruiz", "said", "the", "treaty"], ["p1x", "“", "in", "2021", "”"]]
    facts = {
        "article": {"headline": "h", "headline_source": "editorial", "dateline": "d", "language": "en"},
        "people": [{"id": "p1", "name": "Ana Ruiz", "names": ["Ana Ruiz"]}],
        "quotes": [{"id": "q0", "speaker": "p1", "kind": "indirect", "attribution": "explicit",
                    "verb": "said", "text": "the treaty"}],
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        article_text = "\n".join(" ".join(words) for words in paragraphs)
        assert assert_sound_build(write_seeds(folder, article_text, yaml.safe_dump(facts, allow_unicode=True)), folder)


def mentions_by_definition(body, names, not_mentions):
    """The original mention finder, kept as the definition: one regex per phrase, longest
    first, a match that overlaps an earlier claim is dropped (quadratic, so small inputs)."""
    phrases = sorted([(p, None, None) for p in not_mentions] + list(names), key=lambda i: (-len(i[0]), i[0]))
    claimed, found = [], []
    for phrase, entity_type, entity_id in phrases:
        for match in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", body):
            start, end = match.span()
            if any(start < e and s < end for s, e in claimed):
                continue
            claimed.append((start, end))
            if entity_type is not None:
                found.append((start, end, phrase, entity_id))
    return sorted(found)


PIECES = ["a", "A", "a a", "ab", "b", "_", "é", "e\u0301", " ", ".", "-", "(a)", "'a", "a.", "1", "日本", "\n"]


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(body=st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
       forms=st.lists(st.lists(st.sampled_from(PIECES[:-1]), min_size=1, max_size=3).map("".join)
                      .filter(lambda p: p.strip() == p and p), max_size=6, unique=True),
       split=st.integers(0, 6))
@example(body="xb a a a", forms=["xb a", "a a"], split=0)  # a skipped match hides the next
def test_mention_finding_matches_its_definition(body, forms, split):
    """The linear mention finder gives exactly what the one-regex-per-name definition gives,
    on texts full of overlapping, self-overlapping and punctuation-led names."""
    names = [(form, "person", f"e{index}") for index, form in enumerate(forms[split:])]
    not_mentions = forms[:split]
    paragraphs = [{"id": "p1", "start": 0, "end": len(body)}]
    rows = find_mentions("a", body.replace("\n", " "), paragraphs, names, not_mentions)
    expected = mentions_by_definition(body.replace("\n", " "), names, not_mentions)
    assert [(r["start"], r["end"], r["text"], r["entity_id"]) for r in rows] == expected
    assert all(body.replace("\n", " ")[r["start"]:r["end"]] == r["text"] for r in rows)


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=20).map("".join),
       phrase=st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map("".join))
@example(text="ba a", phrase="a")
@example(text="ab a_", phrase="a")
def test_verb_search_matches_its_definition(text, phrase):
    """The str.find verb check answers exactly as the whole-word regex does."""
    assert contains_whole_word(text, phrase) == bool(whole_word(phrase).search(text))


SENTENCES = ["Ana Ruiz said", "“We will respect the treaty,” Ruiz said.", "José Pérez, the Foreign Minister of Peru,",
             "stated that talks began in 2021.", "The Ministry of Foreign Affairs", "reported that",
             "“Our position has not changed.”", "Mexico", "and", "according to Article 4 of the Caracas Convention",
             "\"Straight quotes,\" Zoë Ölund said.", "Peru did not reply.", "—", "said"]


@settings(max_examples=max(EXAMPLES // 6, 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.lists(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), min_size=1, max_size=4))
def test_the_extractors_draft_always_builds_and_slices_back(paragraphs):
    """Whatever article the extractor is given, its draft is accepted by the build unedited."""
    draft = pytest.importorskip("article_facts.extract.draft")
    text = "\n".join(" ".join(sentences) for sentences in paragraphs) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty_archive = folder / "archive"
        empty_archive.mkdir()
        result = draft.draft_text(text, "sample", empty_archive)
        seeds = write_seeds(folder, text, result.yaml)
        assert assert_sound_build(seeds, folder), "the draft must build unedited"


@st.composite
def nested_spans(draw):
    """Quotes that nest (equal spans too) but never cross, and mentions inside or between them
    that cross none: what check_nesting lets through."""
    def intervals(start, end, depth):
        out, position = [], start
        while position < end and len(out) < 4:
            a = draw(st.integers(position, end))
            b = draw(st.integers(a, end))
            if b == a:
                break
            out.append((a, b, depth))
            out += intervals(a, b, depth + 1)
            position = b
        return out
    spans = intervals(0, draw(st.integers(1, 60)), 0)
    quotes, mentions = [], []
    for n, (a, b, depth) in enumerate(spans):
        if draw(st.booleans()):
            mentions.append({"start": a, "end": b})
        else:
            copies = draw(st.integers(1, 2))  # equal spans: the smaller id is the innermost
            quotes += [{"id": f"x-q{draw(st.integers(0, 20))}-{n}-{c}", "start": a, "end": b} for c in range(copies)]
    return quotes, sorted(mentions, key=lambda m: m["start"])


@settings(max_examples=300, deadline=None)
@given(nested_spans())
@example(([{"id": "x-q2", "start": 0, "end": 10}, {"id": "x-q10", "start": 0, "end": 10},
           {"id": "x-p1", "start": 2, "end": 8}], [{"start": 2, "end": 8}, {"start": 0, "end": 10},
                                                   {"start": 8, "end": 10}, {"start": 10, "end": 12}]))
def test_innermost_quotes_is_the_shortest_quote_holding_each_mention(spans):
    from article_facts.article import innermost_quotes
    quotes, mentions = spans
    expected = []
    for m in mentions:
        holding = [(q["end"] - q["start"], q["id"]) for q in quotes if q["start"] <= m["start"] and q["end"] >= m["end"]]
        expected.append(min(holding)[1] if holding else None)
    assert innermost_quotes(quotes, mentions) == expected
