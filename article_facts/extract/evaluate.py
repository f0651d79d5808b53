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

PolNeAR (`make eval-polnear`): the train and dev splits are pooled and split once, by article,
with a fixed seed (`polnear_part`: a hash of the seed and the article id, so the split never
depends on file order) into a development part (about 80%) and a locked validation part
(about 20%). Rules are developed and tuned on the development part only; the validation part
is only ever scored: `--misses` refuses to print its errors. The corpus's test split is never
read.

Direct quotes: the corpus does not tell direct from partial quotes, so every
quotation-mark pair (paired mechanically: curly marks by shape, straight marks and the two
apostrophes `''` that archive text writes for them alternating, per paragraph) whose words lie at least half inside an attribution's content is a gold quote
with that attribution's source; pairs inside no content (scare quotes, titles) are not quotes.
Predictions are the extractor's 'direct' and 'partial' quotes. Speaker accuracy counts the gold
quotes whose source names someone (see `source_is_name`).

Reported speech: a gold statement is an attribution whose cue holds a verb of saying
(`SAYING_VERBS`) or "according to", and whose content lies less than half inside quotation
marks. Predictions are the extractor's 'indirect' statements. A prediction matches a statement
when their spans overlap by at least half of each; precision counts a prediction right when it
matches any annotated attribution (whatever its cue), recall counts the statements with a verb
of saying that are matched. The source is scored where the gold source is a name (its head word
in the drafted name, as for quotes) or an unnamed source ("a senior official", "analysts": the
drafted speaker must be an unnamed source whose description holds the gold head noun), over the
matched statements (recall says how many are missed); pronouns and definite descriptions ("he",
"the senator") refer to someone named elsewhere and are not scored.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .speakers import extract_attributions

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
_PAIR_MARK = re.compile(r"''|[“”\"]")


def mark_pairs(text: str) -> list[tuple[int, int]]:
    """Mechanical pairing of quotation marks per paragraph; spans of the words inside."""
    out = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for li, (ps, pe) in enumerate(lines):
        open_at = None
        for m in _PAIR_MARK.finditer(text, ps, pe):
            ch = m.group()
            if ch == "“" or (ch != "”" and open_at is None):
                open_at = m.end()  # where the words start
            elif open_at is not None:
                out.append((open_at, m.start()))
                open_at = None
        following = text[lines[li + 1][0] :].lstrip() if li + 1 < len(lines) else ""
        if open_at is not None and (following[:1] in ('“', '"') or following.startswith("''")):
            out.append((open_at, pe))
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

    The source is cut at ' who ', ' which ', ' that ', then at its commas and parentheses; the
    first part is the phrase, and when it names nobody the part right after it is tried as its
    appositive (`A senior aide, Paul Ender,` -> 'Ender'). See `phrase_head`.
    """
    clause = re.split(r" who | which | that ", source)[0]
    parts = [x for x in re.split(r",|\(|\)", clause) if x.strip()]
    if not parts:
        return None
    return phrase_head(parts[0]) or (phrase_head(parts[1]) if len(parts) > 1 else None)


def phrase_head(phrase: str) -> str | None:
    """The head of a phrase that names someone, else None. The phrase is cut at ' of ', ' for ',
    ' at ', ' from ', ' on ', ' in ', ' to ', ' with ', ' about ', ' by '; the first part that is
    not only titles is kept. It names someone when that part's last word (the head of the
    phrase) is capitalised and not a pronoun or determiner: `Ruiz campaign spokesman Paul
    Ender` -> 'Ender', `Secretary of State Mara T. Quint` -> 'Quint', `The New York Times` ->
    'Times'; `An Israeli official` or `the former Florida governor` name nobody.
    """
    from .mentions import is_title_word

    segments = re.split(r" of | for | at | from | on | in | to | with | about | by ", phrase)
    # "Secretary of State Mara T. Quint": a segment holding only titles is skipped
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


SPLIT_SEED = "article-facts-polnear-split-1"
VALIDATION_SHARE = 0.2
SPLITS = ("train.jsonl", "dev.jsonl")  # the corpus's test split is never read


def polnear_part(doc_id: str) -> str:
    """'validation' for about a fifth of the articles, 'development' for the rest: fixed by the
    seed and the article id alone."""
    h = int(hashlib.sha256(f"{SPLIT_SEED}:{doc_id}".encode()).hexdigest()[:8], 16)
    return "validation" if h < VALIDATION_SHARE * 16**8 else "development"


def polnear_docs(source: Path, part: str | None = None):
    """The articles of a PolNeAR folder (train + dev pooled) or of one .jsonl file, in file
    order, optionally only those of one part."""
    files = [source / name for name in SPLITS] if source.is_dir() else [source]
    for path in files:
        if "test" in path.name:
            raise ValueError(f"{path}: the PolNeAR test split is held out; refusing to read it")
        with path.open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                if part is None or polnear_part(doc["id"]) == part:
                    yield doc


# verbs of saying (any form), for the reported-speech gold; "according to" counts too
SAYING_VERBS = frozenset(
    """say says said saying tell tells told telling add adds added adding note notes noted
    noting write writes wrote writing state states stated stating explain explains explained
    explaining argue argues argued arguing claim claims claimed claiming warn warns warned
    warning insist insists insisted insisting declare declares declared declaring acknowledge
    acknowledges acknowledged acknowledging announce announces announced announcing report
    reports reported reporting respond responds responded responding reply replies replied
    replying recall recalls recalled recalling mention mentions mentioned mentioning emphasize
    emphasizes emphasized emphasizing stress stresses stressed stressing assert asserts asserted
    asserting admit admits admitted admitting contend contends contended contending confirm
    confirms confirmed confirming predict predicts predicted predicting suggest suggests
    suggested suggesting continue continues continued continuing""".split()
)
_DEFINITE = {"the", "his", "her", "its", "their", "this", "that", "these", "those"}
_PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "him", "them", "who", "which"}


@dataclass
class Statement:
    start: int
    end: int
    source: str | None


def is_saying_cue(cue: str | None) -> bool:
    low = (cue or "").lower()
    return "according to" in low or any(w in SAYING_VERBS for w in re.findall(r"[a-z]+", low))


def unnamed_head(source: str | None) -> str | None:
    """The head noun of a source that names nobody and refers to no one named elsewhere
    ("a senior administration official" -> 'official', "analysts" -> 'analysts'); None for
    names, pronouns and definite descriptions."""
    if not source or source_is_name(source):
        return None
    s = re.split(r",|\(| who | which | that | of | for | at | from | on | in | with ", source)[0]
    words = re.findall(r"[^\W\d_][\w’'\-]*", s)
    if not words or words[0].lower() in _DEFINITE or words[-1].lower() in _PRONOUNS:
        return None
    return words[-1].lower()


def _covered(spans, start, end) -> int:
    return sum(max(0, min(end, e) - max(start, s)) for s, e in spans)


def reported_gold(doc: dict) -> tuple[list[Statement], list[Statement]]:
    """(statements with a verb of saying or "according to", every annotated content span)."""
    text = doc["text"]
    quoted = mark_pairs(text)
    saying, every = [], []
    for a in doc.get("attributions") or []:
        spans = (a.get("content") or {}).get("spans") or []
        if not spans:
            continue
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        st = Statement(start, end, (a.get("source") or {}).get("text"))
        every.append(st)
        length = sum(e - s for s, e in spans)
        in_marks = sum(_covered(quoted, s, e) for s, e in spans)
        if is_saying_cue((a.get("cue") or {}).get("text")) and in_marks * 2 < length:
            saying.append(st)
    return saying, every


def _overlaps(p, g) -> bool:
    o = max(0, min(p.end, g.end) - max(p.start, g.start))
    return o * 2 >= (g.end - g.start) and o * 2 >= (p.end - p.start)


def reported_source_ok(pred, g: Statement) -> bool | None:
    """True/False where the gold source can be judged, None where it cannot."""
    if g.source and source_is_name(g.source):
        return polnear_speaker_ok(pred, GoldQuote(g.start, g.end, "", [], source=g.source))
    head = unnamed_head(g.source)
    if head is None:
        return None
    desc = (pred.speaker_name or "").lower() if pred.speaker_type == "unnamed" else ""
    return head in re.findall(r"[^\W\d_][\w’'\-]*", desc)


@dataclass
class Reported:
    name: str
    gold: int = 0
    predicted: int = 0
    predicted_right: int = 0
    matched: int = 0
    source_total: int = 0
    source_right: int = 0
    misses: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def source_accuracy(self) -> float:
        return self.source_right / self.source_total if self.source_total else 1.0

    def add(self, other: "Reported") -> None:
        for f in ("gold", "predicted", "predicted_right", "matched", "source_total", "source_right"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.misses.extend(other.misses)

    def line(self) -> str:
        p, r = self.precision, self.recall
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return (
            f"{self.name:48.48} gold {self.gold:4d} pred {self.predicted:4d} "
            f"P {p:.3f} R {r:.3f} F1 {f1:.3f} "
            f"source {self.source_right}/{self.source_total} = {self.source_accuracy:.3f}"
        )


def score_reported(name: str, doc: dict, found) -> Reported:
    saying, every = reported_gold(doc)
    pred = [a for a in found if a.kind == "indirect"]
    sc = Reported(name, gold=len(saying), predicted=len(pred))
    sc.predicted_right = sum(1 for p in pred if any(_overlaps(p, g) for g in every))
    taken: set[int] = set()
    for g in saying:
        hit = next((i for i, p in enumerate(pred) if i not in taken and _overlaps(p, g)), None)
        ok = None
        if hit is not None:
            taken.add(hit)
            sc.matched += 1
            ok = reported_source_ok(pred[hit], g)
        if ok is not None:
            sc.source_total += 1
            sc.source_right += ok
        if hit is None or ok is False:
            sc.misses.append((name, g, pred[hit] if hit is not None else None))
    for i, p in enumerate(pred):
        if i not in taken and not any(_overlaps(p, g) for g in every):
            sc.misses.append((name, None, p))
    return sc


def evaluate_polnear(
    path: Path, limit: int | None = None, part: str | None = None
) -> tuple[list[Score], Score, Reported]:
    """Direct quotes per article, their total, and the reported-speech total."""
    rows = []
    reported = Reported("reported speech (verb of saying, according to)")
    for n, doc in enumerate(polnear_docs(path, part)):
        if limit is not None and n >= limit:
            break
        gold = polnear_gold(doc)
        _TEXTS[doc["id"]] = doc["text"]
        found = extract_attributions(doc["text"])
        pred = [a for a in found if a.kind in ("direct", "partial")]
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
        reported.add(score_reported(doc["id"], doc, found))
    total = Score("direct quotes")
    for r in rows:
        total.add(r)
    return rows, total, reported


_TEXTS: dict[str, str] = {}


def _print(rows, total):
    for r in rows:
        print(r.line())
    print(total.line())


def _print_misses(misses):
    for name, g, p in misses:
        if g is None:
            t = _TEXTS.get(name, "")
            print(f"EXTRA  {name}: {p.kind} {t[p.start:p.end][:60]!r} speaker={p.speaker_name}")
        elif p is None:
            words = getattr(g, "text", "") or _TEXTS.get(name, "")[g.start : g.end]
            print(f"MISSED {name}: {words[:70]!r} ({g.source or getattr(g, 'speakers', '')})")
        else:
            words = getattr(g, "text", "") or _TEXTS.get(name, "")[g.start : g.end]
            print(
                f"WRONG  {name}: {words[:50]!r} gold={g.source or g.speakers} "
                f"got={p.speaker_name} ({p.speaker_type}) verb={p.verb} note={p.note}"
            )


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m article_facts.extract.evaluate", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--set", default="tests/extraction", help="folder of NAME.txt + NAME.gold.yml")
    ap.add_argument(
        "--seed", action="append", default=None, help="seed folder(s) scored with facts.yml"
    )
    ap.add_argument(
        "--polnear",
        help="the PolNeAR folder (train + dev, split into the two parts) or one .jsonl split "
        "(its articles of each part)",
    )
    ap.add_argument(
        "--part",
        choices=("development", "validation", "both"),
        default="both",
        help="which part to score (default: both, each apart)",
    )
    ap.add_argument(
        "--misses",
        action="store_true",
        help="print each missed, extra or wrong-speaker quote (development part only)",
    )
    ap.add_argument("--per-article", action="store_true", help="a line per article too")
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
        parts = ["development", "validation"] if args.part == "both" else [args.part]
        if (args.misses or args.per_article) and "validation" in parts:
            print(
                "--misses, --per-article: the validation part is locked (scored, never read for "
                "errors); add --part development",
                file=sys.stderr,
            )
            return 2
        for part in parts:
            rows, total, reported = evaluate_polnear(p, args.limit, part)
            label = f"PolNeAR {part} part" + ("" if p.is_dir() else f" of {p.name}")
            print(f"== {label}: {len(rows)} articles")
            if args.per_article:
                for r in rows:
                    print(r.line())
            print(total.line())
            print(reported.line())
            if args.misses:
                _print_misses(total.misses + reported.misses)
        return 0
    seeds = [
        Path(s)
        for s in (
            args.seed if args.seed is not None else ["seeds/peru-severs-relations-chavez-asylum"]
        )
    ]
    rows, total, partials = evaluate_own(Path(args.set), [s for s in seeds if s.exists()])
    _print(rows, total)
    print(partials.line())
    if args.misses:
        _print_misses(total.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
