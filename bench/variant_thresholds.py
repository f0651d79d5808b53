"""How article_facts.variants' threshold (SIMILARITY) and blocking (MinHash bands) were chosen,
on real statements: PolNeAR's train and dev contents (../shared/corpora/polnear; the corpus's
test split is never read), split once by article into a development part (4 in 5 articles) and
a locked part (1 in 5) that is only scored, never looked at for errors.

Pairs: a statement against a variant of itself (trimmed at either end, a word dropped, a word
changed, a tense changed) is a positive; against the most similar other statement of the same
part from another article is a negative (hard: same topic, same phrases), unless the two are
near-exact copies (>= 0.95: the same quote reported twice, which is what we want to link).
A pair is linked when it shares a band (is compared at all) and scores SIMILARITY or more.

    python bench/variant_thresholds.py [--polnear ../shared/corpora/polnear] [--threshold 0.80] [--locked]
"""
import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).parent.parent))
from article_facts import variants  # noqa: E402

TENSES = {"is": "was", "are": "were", "will": "would", "has": "had", "have": "had", "says": "said",
          "was": "is", "can": "could", "do": "did", "want": "wanted", "think": "thought"}


def statements(polnear):
    """(part, article id, content) for every content of train and dev with enough words."""
    for name in ("train.jsonl", "dev.jsonl"):
        for line in (Path(polnear) / name).open(encoding="utf-8"):
            article = json.loads(line)
            part = "locked" if hashlib.blake2b(article["id"].encode()).digest()[0] % 5 == 0 else "dev"
            for attribution in article["attributions"]:
                content = (attribution.get("content") or {}).get("text")
                if content and variants.key_of(content):
                    yield part, article["id"], content


def mutations(text, rng, vocabulary):
    words = text.split()
    n = len(words)
    found = {
        "trimmed start": " ".join(words[rng.randint(1, 2):]),
        "trimmed end": " ".join(words[:n - rng.randint(1, 2)]),
        "dropped word": " ".join(w for i, w in enumerate(words) if i != rng.randrange(1, n - 1)),
    }
    i = rng.randrange(n)
    found["changed word"] = " ".join(words[:i] + [rng.choice(vocabulary)] + words[i + 1:])
    tensed = [j for j, w in enumerate(words) if w.lower() in TENSES]
    if tensed:
        j = rng.choice(tensed)
        found["changed tense"] = " ".join(words[:j] + [TENSES[words[j].lower()]] + words[j + 1:])
    return {kind: variant for kind, variant in found.items() if variants.key_of(variant)}


def linked(a, b, threshold):
    ka, kb = variants.key_of(a), variants.key_of(b)
    if ka is None or kb is None:
        return False
    return bool(set(variants.bands(ka)) & set(variants.bands(kb))) and fuzz.ratio(ka, kb) >= threshold * 100


def pairs(rows, rng, sample):
    rows = rng.sample(rows, min(sample, len(rows)))
    vocabulary = [w for _, _, text in rows for w in text.split()]
    keys = [variants.key_of(text) for _, _, text in rows]
    found = []
    for (_, article, text), key in zip(rows, keys):
        for kind, variant in mutations(text, rng, vocabulary).items():
            found.append((kind, True, text, variant))
        best = None
        for other, score, i in process.extract(key, keys, scorer=fuzz.ratio, limit=10):
            if rows[i][1] != article and other != key and score < 95:
                best = rows[i][2]
                break
        if best:
            found.append(("nearest other statement", False, text, best))
    return found


def score(found, threshold):
    by_kind = {}
    for kind, positive, a, b in found:
        right = linked(a, b, threshold) == positive
        total, correct = by_kind.get(kind, (0, 0))
        by_kind[kind] = (total + 1, correct + right)
    tp = sum(1 for _, p, a, b in found if p and linked(a, b, threshold))
    fp = sum(1 for _, p, a, b in found if not p and linked(a, b, threshold))
    positives = sum(1 for _, p, _, _ in found if p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 1.0
    return precision, recall, by_kind


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polnear", default="../shared/corpora/polnear")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--threshold", type=float, default=variants.SIMILARITY)
    parser.add_argument("--locked", action="store_true", help="also score the locked part (once, at the end)")
    args = parser.parse_args()
    if not (Path(args.polnear) / "train.jsonl").is_file():
        print(f"PolNeAR not found at {args.polnear}: skipped")
        return
    parts = {"dev": [], "locked": []}
    for part, article, text in statements(args.polnear):
        parts[part].append((part, article, text))
    rng = random.Random(18)
    dev = pairs(parts["dev"], rng, args.sample)
    print(f"development part: {len(dev)} pairs")
    for threshold in (0.70, 0.75, 0.78, 0.80, 0.82, 0.85, 0.88, 0.90):
        precision, recall, _ = score(dev, threshold)
        print(f"  threshold {threshold:.2f}: precision {precision:.3f}, recall {recall:.3f}")
    if not args.locked:
        return
    locked = pairs(parts["locked"], random.Random(19), args.sample)
    precision, recall, by_kind = score(locked, args.threshold)
    print(f"locked part at {args.threshold:.2f} ({len(locked)} pairs): precision {precision:.3f}, recall {recall:.3f}")
    for kind, (total, correct) in sorted(by_kind.items()):
        print(f"  {kind}: {correct}/{total} right")


if __name__ == "__main__":
    main()
