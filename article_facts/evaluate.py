"""Scoring the extractor: direct-quote detection and speaker naming against hand-made gold.

Matching. A predicted quote matches a gold quote when their spans overlap and their normalised
texts are equal (case-folded, white space collapsed, quotation marks and punctuation at the two
ends stripped); each gold quote matches at most one prediction (greedy, in text order).
Detection precision = matched predictions / predictions, recall = matched gold / gold, F1 their
harmonic mean. Speaker accuracy = gold quotes (with a named speaker) whose matched prediction
names that speaker / all such gold quotes, so a missed quote counts as a wrong speaker.

A drafted speaker names the gold speaker when the gold name equals the drafted fullest name or
one of its forms (normalised, accents kept), or, for PolNeAR, see `polnear_speaker_ok`.

Own set (`tests/extraction/*.txt` with `*.gold.yml`): the gold lists every direct quote (`text`,
`speaker`: a name as written or null, optional `occurrence`); partial quotes (`kind: partial`)
are listed but scored apart: detection counts predicted 'direct' quotes against gold direct
quotes. The seed article's facts.yml is scored too (its `kind: direct` quotes; the speaker is
right when it is the person's `name` or one of its `names`).

PolNeAR (`make eval-polnear`): the corpus does not tell direct from partial quotes, so every
quotation-mark pair (paired mechanically: curly marks by shape, straight marks alternating,
per paragraph) whose words lie at least half inside an attribution's content is a gold quote
with that attribution's source; pairs inside no content (scare quotes, titles) are not quotes.
Predictions are the extractor's 'direct' and 'partial' quotes. Speaker accuracy counts the gold
quotes whose source names someone (see `source_is_name`).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .extract import extract_attributions

_PUNCT_ENDS = " \t\n“”\"«»„'‘’,.;:!?—–-…"


def normalise(s: str) -> str:
    s = re.sub(r"\s+", " ", s or "").strip(_PUNCT_ENDS).casefold()
    return unicodedata.normalize("NFC", s)


@dataclass
class GoldQuote:
    start: int
    end: int
    text: str
    speakers: list[str]  # acceptable names for the speaker; empty: the text names nobody
    source: str | None = None  # PolNeAR source as written
    kind: str = "direct"


@dataclass
class Score:
    name: str
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_total: int = 0
    speaker_right: int = 0
    misses: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_total if self.speaker_total else 1.0

    def add(self, other: "Score") -> None:
        for f in ("gold", "predicted", "matched", "speaker_total", "speaker_right"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.misses.extend(other.misses)

    def line(self) -> str:
        return (
            f"{self.name:48.48} gold {self.gold:4d} pred {self.predicted:4d} "
            f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} "
            f"speaker {self.speaker_right}/{self.speaker_total} = {self.speaker_accuracy:.3f}"
        )


def speaker_ok(pred, gold: GoldQuote) -> bool:
    names = {normalise(n) for n in gold.speakers}
    forms = {normalise(f) for f in [pred.speaker_name or "", *pred.speaker_forms] if f}
    return bool(names & forms)


def score(
    name: str,
    text: str,
    gold: list[GoldQuote],
    predicted,
    speaker_pred=speaker_ok,
    speaker_counts=lambda g: bool(g.speakers),
) -> Score:
    """Match predictions to gold (overlap + equal normalised text) and count."""
    sc = Score(name, gold=len(gold), predicted=len(predicted))
    taken: set[int] = set()
    for g in gold:
        hit = None
        for i, p in enumerate(predicted):
            if i in taken or p.end <= g.start or p.start >= g.end:
                continue
            if normalise(text[p.start : p.end]) == normalise(g.text):
                hit = i
                break
        if hit is not None:
            taken.add(hit)
            sc.matched += 1
        counts = speaker_counts(g)
        if counts:
            sc.speaker_total += 1
        if hit is not None and counts and speaker_pred(predicted[hit], g):
            sc.speaker_right += 1
        elif counts:
            p = predicted[hit] if hit is not None else None
            sc.misses.append((name, g, p))
    for i, p in enumerate(predicted):
        if i not in taken:
            sc.misses.append((name, None, p))
    return sc


# -- own set ----------------------------------------------------------------------------------
def _locate(text: str, quote: str, occurrence: int | None, where: str) -> int:
    pos, n = -1, occurrence or 1
    for _ in range(n):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            raise ValueError(f"{where}: quote text not found in the article: {quote[:60]!r}")
    if occurrence is None and text.find(quote, pos + 1) >= 0:
        raise ValueError(
            f"{where}: quote text occurs more than once; give occurrence: {quote[:60]!r}"
        )
    return pos


def load_gold_yml(txt: Path) -> tuple[str, list[GoldQuote], list[GoldQuote]]:
    """(text, direct gold quotes, partial gold quotes) from NAME.txt and NAME.gold.yml."""
    text = txt.read_text(encoding="utf-8")
    gpath = txt.with_suffix(".gold.yml")
    data = yaml.safe_load(gpath.read_text(encoding="utf-8")) or {}
    direct, partial = [], []
    for i, q in enumerate(data.get("quotes") or []):
        where = f"{gpath}: quotes[{i}]"
        s = _locate(text, q["text"], q.get("occurrence"), where)
        spk = q.get("speaker")
        names = [spk] if spk else []
        g = GoldQuote(s, s + len(q["text"]), q["text"], names, kind=q.get("kind", "direct"))
        (partial if g.kind == "partial" else direct).append(g)
    return text, direct, partial


def load_seed(folder: Path) -> tuple[str, list[GoldQuote]]:
    text = (folder / "article.txt").read_text(encoding="utf-8")
    facts = yaml.safe_load((folder / "facts.yml").read_text(encoding="utf-8"))
    people = {p["id"]: [p["name"], *(p.get("names") or [])] for p in facts.get("people") or []}
    orgs = {o["id"]: [o["name"], *(o.get("names") or [])] for o in facts.get("organizations") or []}
    gold = []
    for q in facts.get("quotes") or []:
        if q.get("kind") != "direct":
            continue
        s = _locate(text, q["text"], q.get("occurrence"), f"{folder}/facts.yml: {q.get('id')}")
        names = people.get(q.get("speaker"), []) or orgs.get(q.get("speaker_organization"), [])
        gold.append(GoldQuote(s, s + len(q["text"]), q["text"], names))
    return text, gold


def evaluate_own(folder: Path, seeds: list[Path]) -> tuple[list[Score], Score, Score]:
    """Per-article rows and the overall score for direct quotes, and a score for partial quotes."""
    rows = []
    partials = Score("partial quotes (own set, scored apart)")
    for txt in sorted(folder.glob("*.txt")):
        text, direct, partial = load_gold_yml(txt)
        found = extract_attributions(text)
        pred = [a for a in found if a.kind == "direct"]
        rows.append(score(txt.stem, text, direct, pred))
        partials.add(score(txt.stem, text, partial, [a for a in found if a.kind == "partial"]))
    for seed in seeds:
        text, gold = load_seed(seed)
        pred = [a for a in extract_attributions(text) if a.kind == "direct"]
        rows.append(score("seed:" + seed.name, text, gold, pred))
    total = Score("overall")
    for r in rows:
        total.add(r)
    return rows, total, partials


# -- PolNeAR ------------------------------------------------------------------------------------
_PAIR_MARK = re.compile(r'[“”"]')


def mark_pairs(text: str) -> list[tuple[int, int]]:
    """Mechanical pairing of quotation marks per paragraph; spans of the words inside."""
    out = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for li, (ps, pe) in enumerate(lines):
        open_at = None
        for m in _PAIR_MARK.finditer(text, ps, pe):
            ch = m.group()
            if ch == "“" or (ch == '"' and open_at is None):
                open_at = m.start()
            elif open_at is not None:
                out.append((open_at + 1, m.start()))
                open_at = None
        if (
            open_at is not None
            and li + 1 < len(lines)
            and text[lines[li + 1][0] :].lstrip()[:1] in '“"'
        ):
            out.append((open_at + 1, pe))
    cleaned = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        if e > s:
            cleaned.append((s, e))
    return cleaned


_NOT_NAME = {
    "he",
    "she",
    "they",
    "it",
    "i",
    "we",
    "you",
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "some",
    "many",
    "one",
    "two",
    "another",
    "other",
    "others",
    "sources",
    "officials",
}


def source_is_name(source: str) -> str | None:
    """The surname-like head of a PolNeAR source that names someone, else None.

    The source is cut at its first comma or parenthesis (or ' who ', ' which ', ' that '), then
    at ' of ', ' for ', ' at ', ' from ', ' on ', ' in ', ' to ', ' with ', ' about ', ' by ';
    the first part that is not only titles is kept. It names someone when that part's last word
    (the head of the phrase) is capitalised and not a pronoun or determiner: `Trump campaign
    spokesman Jason Miller` -> 'Miller', `Secretary of State John F. Kerry` -> 'Kerry', `The New
    York Times` -> 'Times'; `An Israeli official` or `the former Florida governor` name nobody.
    """
    from .extract.names import is_title_word

    s = re.split(r",|\(| who | which | that ", source)[0]
    segments = re.split(r" of | for | at | from | on | in | to | with | about | by ", s)
    # "Secretary of State John F. Kerry": a segment holding only titles is skipped
    seg = next(
        (
            x
            for x in segments
            if not all(is_title_word(w) for w in re.findall(r"[^\W\d_][\w’'.\-]*", x))
        ),
        segments[0],
    )
    words = re.findall(r"[^\W\d_][\w’'.\-]*", seg)
    runs, cur = [], []
    for w in words:
        if w[0].isupper() and w.lower().strip(".") not in _NOT_NAME:
            cur.append(w)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    if not runs or not words or not cur:
        return None  # the phrase's last word is not capitalised: a description, not a name
    head = runs[-1][-1].strip(".").replace("’s", "").replace("'s", "")
    return head or None


def polnear_speaker_ok(pred, gold: GoldQuote) -> bool:
    """Right when the gold source's head word is a word of the drafted speaker's fullest name."""
    head = source_is_name(gold.source or "")
    if not head or not pred.speaker_name:
        return False
    words = {normalise(w) for w in re.findall(r"[^\W_][\w’'.\-]*", pred.speaker_name)}
    return normalise(head) in words


def polnear_gold(doc: dict) -> list[GoldQuote]:
    text = doc["text"]
    contents = []
    for a in doc.get("attributions") or []:
        src = (a.get("source") or {}).get("text")
        for s, e in (a.get("content") or {}).get("spans") or []:
            contents.append((s, e, src))
    gold = []
    for s, e in mark_pairs(text):
        best, best_cov = None, 0
        for cs, ce, src in contents:
            cov = max(0, min(e, ce) - max(s, cs))
            if cov > best_cov:
                best, best_cov = src, cov
        if best_cov * 2 >= (e - s) and best_cov > 0:
            gold.append(GoldQuote(s, e, text[s:e], [], source=best))
        elif best_cov * 2 >= (e - s):
            pass
    return gold


def evaluate_polnear(path: Path, limit: int | None = None) -> tuple[list[Score], Score]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                break
            doc = json.loads(line)
            gold = polnear_gold(doc)
            _TEXTS[doc["id"]] = doc["text"]
            pred = [a for a in extract_attributions(doc["text"]) if a.kind in ("direct", "partial")]
            rows.append(
                score(
                    doc["id"],
                    doc["text"],
                    gold,
                    pred,
                    polnear_speaker_ok,
                    lambda g: bool(g.source and source_is_name(g.source)),
                )
            )
    total = Score("overall")
    for r in rows:
        total.add(r)
    return rows, total


_TEXTS: dict[str, str] = {}


def _print(rows, total):
    for r in rows:
        print(r.line())
    print(total.line())


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m article_facts.evaluate", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--set", default="tests/extraction", help="folder of NAME.txt + NAME.gold.yml")
    ap.add_argument(
        "--seed", action="append", default=None, help="seed folder(s) scored with facts.yml"
    )
    ap.add_argument("--polnear", help="a PolNeAR .jsonl split (train or dev) to score instead")
    ap.add_argument(
        "--misses", action="store_true", help="print each missed, extra or wrong-speaker quote"
    )
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    if args.polnear:
        p = Path(args.polnear)
        if not p.exists():
            print(f"PolNeAR not found at {p}: skipped")
            return 0
        if "test" in p.name:
            print(f"{p}: the PolNeAR test split is held out; refusing to read it", file=sys.stderr)
            return 2
        rows, total = evaluate_polnear(p, args.limit)
    else:
        seeds = [
            Path(s)
            for s in (
                args.seed
                if args.seed is not None
                else ["seeds/peru-severs-relations-chavez-asylum"]
            )
        ]
        rows, total, partials = evaluate_own(Path(args.set), [s for s in seeds if s.exists()])
    _print(rows, total)
    if not args.polnear:
        print(partials.line())
    if args.misses:
        for name, g, p in total.misses:
            if g is None:
                t = _TEXTS.get(name, "")
                print(f"EXTRA  {name}: {p.kind} {t[p.start:p.end][:60]!r} speaker={p.speaker_name}")
            elif p is None:
                print(f"MISSED {name}: {g.text[:70]!r} ({g.source or g.speakers})")
            else:
                print(
                    f"WRONG  {name}: {g.text[:50]!r} gold={g.source or g.speakers} "
                    f"got={p.speaker_name} verb={p.verb} note={p.note}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
