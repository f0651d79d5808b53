"""/check on an archive with near-duplicates: the seeds plus tests/check_cases/articles/ (the
same strike told by two outlets and in Spanish, split quotes, a speaking organization, an
unnamed source, distractors that share words). Each case of tests/check_cases/dev.yml must
get its top result and verdict right (exact; a dropped word, a changed word, a changed tense;
trimmed at either end; an ellipsis, brackets; a split quote pasted whole; the wrong speaker;
unrelated sentences; lang=).

locked.yml holds cases of the same kinds written before the code first ran on them and kept
apart while the thresholds were tuned: the test reports only how many pass, never which fail,
so they stay a fair measure. Locked figure, run once after the thresholds were set on the dev
cases (25 of 25): 20 of 20 right (README.md, "Check a quote").
"""
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

CASES = Path(__file__).parent / "check_cases"
ARTICLES = CASES / "articles"
# Below this share of the locked cases the test fails (it never says which case).
LOCKED_FLOOR = 0.9


def load_cases(name):
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def check_db(build_with_articles):
    articles = {folder.name: ((folder / "article.txt").read_text(encoding="utf-8"),
                              (folder / "facts.yml").read_text(encoding="utf-8"))
                for folder in sorted(ARTICLES.iterdir())}
    return build_with_articles(articles, "check")


@pytest.fixture
def check_ds(check_db, serve_db):
    return serve_db(check_db)


async def outcome(ds, case):
    """(passed, what the top result was) for one case."""
    params = {key: case[key] for key in ("q", "speaker", "lang") if case.get(key)}
    response = await ds.client.get("/check.json?" + urlencode(params))
    assert response.status_code == 200, response.text
    data = response.json()
    top = data["matches"][0] if data["matches"] else None
    got = {"quote": top and top["quote_id"], "verdict": top["verdict"] if top else "not found",
           "attribution": None if data["attribution"] is None else
           ("agrees" if data["attribution"]["agrees"] else "disagrees")}
    if not case.get("quote"):
        return got["verdict"] == "not found" and data["verdict"] == "not found", got
    passed = (got["quote"] == case["quote"] and got["verdict"] == case["verdict"]
              and got["attribution"] == case.get("attribution"))
    return passed, got


@pytest.mark.parametrize("case", load_cases("dev.yml"), ids=lambda case: case["name"])
async def test_dev_case(check_ds, case):
    passed, got = await outcome(check_ds, case)
    assert passed, f"{case['name']}: expected {case}, got {got}"


async def test_locked_cases(check_ds):
    cases = load_cases("locked.yml")
    passed = sum([(await outcome(check_ds, case))[0] for case in cases])
    print(f"\n/check locked cases: {passed} of {len(cases)} right")
    assert passed / len(cases) >= LOCKED_FLOOR, f"locked cases: {passed} of {len(cases)} right (which ones is not said)"
