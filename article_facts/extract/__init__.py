"""The extractor: who said what in an article's text, drafted as facts.yml for a person to review.

A quote passes through these stages, one module each; read them in this order to follow one
quote from the text to its drafted entry:

1. `quotes`: finding quotation marks and telling direct quotes from partial and scare quotes.
2. `mentions`: finding the names in the text (runs of capitalised words, titles, the Registry of
   entities and their mentions); `verbs`: the reporting verbs both this stage and the next read.
3. `identity` and `people`: resolving identity. When two written names are one person
   (`identity`), which names are people at all and how a name is cut clean (`people`).
4. `speakers`: choosing speakers. The reporting clause of each quote (cue) and its subject,
   resolved to a person, an organization or a description.
5. `reported` and `sources`: reported statements ("X said that ...", "according to X") and
   sources the text does not name ("a senior official").
6. `entities`: organizations, countries, dates and legal references around the statements.
7. `draft`: drafting facts.yml from the attributions and entities, checked with the build's own
   checks; `commands`: the `extract` and `add` commands of build_db.py.

`model.Attribution` is what stages 1-5 hand to the draft; `evaluate` scores the extractor.

`extract_attributions(text)` is the stable entry point. This package loads its stages only when
one is used (PEP 562), so build_db.py, which imports `commands`, starts without the extractor.
"""

__all__ = ["Attribution", "extract_attributions"]


def __getattr__(name):
    if name == "Attribution":
        from .model import Attribution

        return Attribution
    if name == "extract_attributions":
        from .speakers import extract_attributions

        return extract_attributions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
