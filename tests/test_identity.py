"""People identity on real articles: add 32 PolNeAR articles one by one with the real `add`
command (each drafted against the archive so far), build the database, and compare its people
rows with the hand-made gold in tests/identity/gold.yml.

Skipped when ../shared/corpora/polnear is absent. Only articles of the development part are
used (the gold's ids are checked against evaluate.polnear_part). The article text is read from
the corpus at test time; none of it is in this repository.

What is scored (the same figures `python tests/test_identity.py` prints):
- split: a gold person whose forms land on more than one person row (across all articles),
  counting only articles that name the person in full: where an article gives one word alone
  ("President Obama"), matching it to the archive would be matching by surname alone, which
  the draft never does; those rows are listed apart ("one word only");
- merged: a person row that holds forms of two gold people;
- not a person: a person row none of whose mentions in these articles is a form of a person the
  gold lists for that article. The gold lists every person an article names, so such a row is a
  place, outlet, party, country, building, headline phrase or stray word, never a human;
- unclean: a person row of a gold person whose name is not one of that person's forms
  ("Barack Obama's", "Mike Pence of Indiana").
A mention's text is compared with the gold after a leading title (Mr., Sen., ...) is dropped.
"""
import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).parent.parent
POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear"
GOLD = Path(__file__).parent / "identity" / "gold.yml"
TITLE = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Sec|Pres)\.\s+)+")


def slug_of(doc_id):
    return re.sub(r"[^a-z0-9]+", "-", doc_id.lower()).strip("-")


def norm(form):
    return TITLE.sub("", form).replace("’", "'")


def gold_articles():
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["articles"]


def texts(ids):
    from article_facts.extract import evaluate

    found = {}
    with (POLNEAR / "dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            if doc["id"] in ids:
                assert evaluate.polnear_part(doc["id"]) == "development"
                found[doc["id"]] = doc["text"]
    assert set(found) == set(ids), "gold articles missing from dev.jsonl"
    return found


def add_all(tmp):
    """Copy the seeds, add every gold article with `build_db.py add` in gold order, build."""
    from build_db import cli

    gold = gold_articles()
    seeds = tmp / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    runner = CliRunner()
    for doc_id, text in sorted(texts(set(gold)).items(), key=lambda kv: list(gold).index(kv[0])):
        path = tmp / f"{slug_of(doc_id)}.txt"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(cli, ["add", str(path), "--seeds", str(seeds), "--slug", slug_of(doc_id)])
        assert result.exit_code == 0, result.output
    db = tmp / "facts.db"
    result = runner.invoke(cli, ["--seeds", str(seeds), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def score(db):
    """Split, merged, not-a-person and unclean rows, each as a sorted list of descriptions."""
    gold = {slug_of(doc_id): people for doc_id, people in gold_articles().items()}
    conn = sqlite3.connect(db)
    names = dict(conn.execute("select id, name from people"))
    rows_of = {}  # gold person -> person ids their forms land on
    one_word = set()  # (gold person, person id) from articles naming them by one word only
    people_of = {}  # person id -> gold people whose forms it holds
    for person_id, article_id, text in conn.execute(
        "select person_id, article_id, text from mentions where person_id is not null"
    ):
        if article_id not in gold:
            continue
        people_of.setdefault(person_id, set())
        for canonical, forms in gold[article_id].items():
            if norm(text) in {norm(f) for f in forms}:
                if any(" " in f for f in forms):
                    rows_of.setdefault(canonical, set()).add(person_id)
                else:
                    one_word.add((canonical, person_id))
                people_of[person_id].add(canonical)
    forms_of = {}
    for people in gold.values():
        for canonical, forms in people.items():
            forms_of.setdefault(canonical, set()).update(norm(f) for f in forms + [canonical])
    split = sorted(f"{p}: {sorted(ids)}" for p, ids in rows_of.items() if len(ids) > 1)
    merged = sorted(f"{pid} ({names[pid]}): {sorted(ps)}" for pid, ps in people_of.items() if len(ps) > 1)
    full_forms = {f for forms in forms_of.values() for f in forms if " " in f}
    # a row whose name holds a gold person's full name among other words is that person,
    # badly cut ("Barack Obama's"): unclean, not a non-person
    cut = {pid for pid, ps in people_of.items()
           if not ps and any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", norm(names[pid])) for f in full_forms)}
    not_person = sorted(f"{pid} ({names[pid]})" for pid, ps in people_of.items() if not ps and pid not in cut)
    unclean = sorted(f"{pid} ({names[pid]})" for pid, ps in people_of.items()
                     if pid in cut or len(ps) == 1 and norm(names[pid]) not in forms_of[next(iter(ps))])
    one_word = sorted(f"{p}: {pid}" for p, pid in one_word if pid not in rows_of.get(p, ()))
    return {"split": split, "one word only": one_word, "merged": merged, "not a person": not_person, "unclean": unclean,
            "rows": len(people_of), "gold people": len(forms_of)}


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    if not POLNEAR.is_dir():
        pytest.skip(f"{POLNEAR} is absent")
    return score(add_all(tmp_path_factory.mktemp("identity")))


def test_every_gold_person_is_one_row(scores):
    assert scores["split"] == []


def test_no_row_holds_two_gold_people(scores):
    assert scores["merged"] == []


def test_every_person_row_is_a_person(scores):
    assert scores["not a person"] == []


def test_person_names_are_clean(scores):
    assert scores["unclean"] == []


if __name__ == "__main__":  # the figures, for the README: python tests/test_identity.py [DIR]
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        result = score(add_all(Path(sys.argv[1] if len(sys.argv) > 1 else tmp)))
    for key, value in result.items():
        print(f"{key}: {value if isinstance(value, int) else len(value)}")
        if not isinstance(value, int):
            for line in value:
                print("   ", line)
