"""A Jinja filter that marks spans (quotes, mentions, notes) inside a paragraph's text.

Spans carry offsets into articles.body, the same ones the database stores, so pages never
search the text again: `{{ paragraph.text|highlight(paragraph.start, spans) }}`.
"""
from datasette import hookimpl
from markupsafe import Markup, escape


def open_tag(span, inside_link):
    """An <a> inside another <a> is invalid HTML: nested links become <span>s."""
    tag = span.get("tag", "mark")
    attrs = dict(span.get("attrs") or {})
    if tag == "a" and inside_link:
        tag = "span"
        attrs.pop("href", None)
    rendered = Markup("").join(
        Markup(' {}="{}"').format(name, value)
        for name, value in sorted(attrs.items())
        if value is not None
    )
    return tag, Markup("<{}{}>").format(Markup(tag), rendered)


def highlight(text, text_start, spans):
    """Escape text and wrap each span in its tag.

    spans: dicts with absolute start/end, tag (mark, a, span), attrs, and optionally `after`,
    markup to put after the closing tag (a footnote-style link). Nested spans are kept (a
    mention inside a quote); a span that partly overlaps an earlier one is dropped.
    """
    text_end = text_start + len(text)
    inside = [s for s in spans if text_start <= s["start"] < s["end"] <= text_end]
    inside.sort(key=lambda s: (s["start"], -s["end"]))

    def render(lo, hi, candidates, inside_link):
        out, cursor, i = [], lo, 0
        while i < len(candidates):
            span = candidates[i]
            i += 1
            if span["start"] < cursor:
                continue  # overlaps the previous span without nesting in it
            children = []
            while i < len(candidates) and candidates[i]["start"] < span["end"]:
                if candidates[i]["end"] <= span["end"]:
                    children.append(candidates[i])
                i += 1
            tag, opening = open_tag(span, inside_link)
            out.append(escape(text[cursor - text_start:span["start"] - text_start]))
            out.append(opening)
            out.append(render(span["start"], span["end"], children, inside_link or tag == "a"))
            out.append(Markup("</{}>").format(Markup(tag)))
            out.append(span.get("after", ""))
            cursor = span["end"]
        out.append(escape(text[cursor - text_start:hi - text_start]))
        return Markup("").join(out)

    return render(text_start, text_end, inside, False)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["highlight"] = highlight
