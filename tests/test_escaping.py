"""Article text is data, never markup: hostile text is escaped on every page we render."""
import pytest

import build_db

HOSTILE = '<script>alert("x")</script> & <b onmouseover="x">'
ARTICLE = f"“{HOSTILE},” said Eve O’Hara.\nThen “Eve” left."
FACTS = """
article: {headline: "<i>Headline</i>", headline_source: editorial, dateline: "<Town>", language: en}
people: [{id: eve, name: "Eve O’Hara <img src=x>", names: ["Eve O’Hara"]}]
quotes:
  - {id: q1, speaker: eve, kind: direct, verb: said, attribution: explicit, text: '%s'}
editorial_notes:
  - {id: n1, subject: "<u>test</u>", as_written: "“Eve” left", note: "<em>note</em>"}
""" % HOSTILE.replace("'", "''")


@pytest.fixture
async def hostile_ds(tmp_path, serve_db, write_article):
    write_article(tmp_path / "seeds", "hostile", ARTICLE, FACTS)
    db_path = tmp_path / "facts.db"
    build_db.build(tmp_path / "seeds", db_path)
    hostile = serve_db(db_path)
    await hostile.invoke_startup()
    return hostile


@pytest.mark.parametrize("path", ["/quotes/hostile-q1", "/articles/hostile", "/speakers/eve", "/facts/quotes",
                                  "/facts/paragraphs", "/facts/search?q=alert"])
async def test_hostile_text_is_escaped(hostile_ds, path):
    response = await hostile_ds.client.get(path)
    assert response.status_code == 200
    page = response.text
    for raw in ("<script>alert", "<b onmouseover", "<img src=x>", "<i>Headline", "<em>note", "<u>test"):
        assert raw not in page, f"{raw!r} unescaped on {path}"
    assert "&lt;script&gt;" in page and "(&#34;x&#34;)&lt;/script&gt;" in page


async def test_highlight_filter_escapes_and_nests(ds):
    await ds.invoke_startup()
    highlight = ds.jinja_env.filters["highlight"]
    spans = [
        {"start": 10, "end": 20, "tag": "a", "attrs": {"href": "/q?a=1&b=2", "class": "quote"}},
        {"start": 12, "end": 15, "tag": "a", "attrs": {"href": "/p", "class": "mention"}},
        {"start": 18, "end": 25, "tag": "mark"},  # partly overlaps the quote: dropped
    ]
    text = "0123456789<b>&\"</b>-xyz"
    html = str(highlight(text, 0, spans))
    assert html == (
        '0123456789<a class="quote" href="/q?a=1&amp;b=2">&lt;b<span class="mention">&gt;&amp;&#34;</span>'
        '&lt;/b&gt;-</a>xyz'
    )
    # offsets are into the article body: a paragraph starting at 100 shifts every span
    shifted = [dict(s, start=s["start"] + 100, end=s["end"] + 100) for s in spans]
    assert str(highlight(text, 100, shifted)) == html
