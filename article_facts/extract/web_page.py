"""A saved web page as an article: its main text and metadata through trafilatura (the
field's standard extractor), or a one-line reason it cannot be added.

The text is what article.txt will hold, byte for byte what the offsets index; the page itself
is kept beside it as source.html (the build reads only article.txt and facts.yml)."""
import codecs
import re
from pathlib import Path

from ..safe_files import MAX_FILE_BYTES
from .draft import ExtractError

# Class names and ids of advertising and promotion blocks, whole (`ad`, `promo`) or as the first
# part of a hyphenated name (`ad-inline`, `promo-box`): never a substring, so `header`, `load`
# or `shadow` are not ads.
NOT_ARTICLE = re.compile(r"(ad|ads|advert|adverts|advertisement|advertising|sponsored|sponsor|promo|promos|"
                         r"promotion|newsletter|newsletter-signup|subscribe-box)(-[a-z0-9-]*)?", re.IGNORECASE)
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
FROM_PAGE = "from the web page"
MIN_WORDS = 5


def page_text(raw, where):
    """The page as text: decoded with the charset it declares (UTF-8 when it declares none), strictly."""
    declared = CHARSET.search(raw[:4096])
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        raise ExtractError(f"{where}: declares an unknown charset '{name[:40]}'")
    try:
        return raw.decode(name)
    except UnicodeDecodeError as e:
        raise ExtractError(f"{where}: is not valid {name} (byte {e.start}), the charset it declares")


def is_furniture(element):
    """An advertisement, promotion or newsletter box, by a class name or id."""
    names = (element.get("class") or "").split() + (element.get("id") or "").split()
    return any(NOT_ARTICLE.fullmatch(name) for name in names)


def without_furniture(tree):
    """The page's tree without its ad, promo and newsletter blocks. trafilatura keeps a block
    like `<div class="promo">` inside `<article>` as part of the text; dropped first, it never
    gets there. The text around them is kept (lxml's drop_tree keeps an element's tail)."""
    for element in [e for e in tree.iter() if isinstance(e.tag, str) and is_furniture(e)]:
        if element.getparent() is not None:
            element.drop_tree()
    return tree


def read_page(path):
    """(text, {headline, author, published, outlet, url}) from a saved page, or an ExtractError."""
    import trafilatura
    path = Path(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ExtractError(f"{path}: cannot read: {e.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        raise ExtractError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the build's cap on a seeds file")
    html = page_text(raw, path)
    tree = trafilatura.load_html(html)
    if tree is None:
        raise ExtractError(f"{path}: the page has no article text")
    found = trafilatura.bare_extraction(without_furniture(tree), with_metadata=True, include_comments=False, include_tables=False,
                                        include_images=False, favor_precision=True)
    text = (found.text or "").strip() if found else ""
    # trafilatura falls back to whatever text a page has ("Home" of its nav): no line of
    # MIN_WORDS words is no article
    if not any(len(line.split()) >= MIN_WORDS for line in text.split("\n")):
        raise ExtractError(f"{path}: the page has no article text")
    meta = {"headline": found.title, "author": found.author, "published": found.date, "outlet": found.sitename,
            "url": found.url}
    return text + "\n", {name: " ".join(value.split()) for name, value in meta.items() if value and value.strip()}
