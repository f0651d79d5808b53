"""The extractor's result type: one attribution (who said which words), as offsets into the text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Attribution:
    """A quote or reported statement found in an article.

    `start`/`end` are str offsets: text[start:end] is the quote's words (for a direct quote exactly
    the words inside the marks, a comma before the closing mark left out). Every string field is
    copied from the text; `note` says why whenever the speaker was inferred or is uncertain.
    """

    kind: str  # 'direct' | 'partial' | 'indirect'
    start: int
    end: int
    speaker_name: str | None = None
    # 'person' | 'organization' | 'unnamed' | None. For 'unnamed' (a source the text does not
    # name: "a senior official", "analysts"), speaker_name is its description as written.
    speaker_type: str | None = None
    speaker_forms: list[str] = field(default_factory=list)
    speaker_title: str | None = None
    title_evidence: tuple[int, int] | None = None
    verb: str | None = None
    verb_start: int | None = None
    explicit: bool = False
    note: str | None = None
    # a quote split around its attribution ("It is early," she said, "but ..."): the start
    # offset of the part this one continues; None for a whole quote or a first part
    continues: int | None = None
