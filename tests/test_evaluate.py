"""The scorer itself: the locked PolNeAR split and the reported-speech gold, on made-up documents
(the corpus is not needed; tests/test_polnear.py scores the real one when it is there)."""
import json

import pytest

from article_facts.extract import evaluate
from article_facts.extract import Attribution


def test_split_is_fixed_by_id_and_about_a_fifth():
    ids = [f"outlet_2016-01-{i:04d}_story" for i in range(5000)]
    parts = [evaluate.polnear_part(i) for i in ids]
    assert parts == [evaluate.polnear_part(i) for i in reversed(ids)][::-1]
    share = parts.count("validation") / len(parts)
    assert 0.18 < share < 0.22
    assert set(parts) == {"development", "validation"}


def _doc(doc_id, text, attributions):
    return {"id": doc_id, "text": text, "attributions": attributions}


def _span(text, words):
    s = text.index(words)
    return {"spans": [[s, s + len(words)]], "text": words}


TEXT = (
    "The mayor said the budget would pass on Friday.\n"
    "A senior official said talks had stalled over the weekend.\n"
    "Critics believe the plan is too costly for the city.\n"
    "“We will win this,” Smith said.\n"
)


def test_reported_gold_keeps_saying_verbs_outside_quotation_marks():
    doc = _doc("x", TEXT, [
        {"source": _span(TEXT, "The mayor"), "cue": _span(TEXT, "said"),
         "content": _span(TEXT, "the budget would pass on Friday")},
        {"source": _span(TEXT, "A senior official"), "cue": {"text": "said", "spans": []},
         "content": _span(TEXT, "talks had stalled over the weekend")},
        {"source": _span(TEXT, "Critics"), "cue": _span(TEXT, "believe"),
         "content": _span(TEXT, "the plan is too costly for the city")},
        {"source": _span(TEXT, "Smith"), "cue": {"text": "said", "spans": []},
         "content": _span(TEXT, "We will win this,")},
    ])
    saying, every = evaluate.reported_gold(doc)
    assert [TEXT[s.start:s.end] for s in saying] == [
        "the budget would pass on Friday", "talks had stalled over the weekend"]
    assert len(every) == 4


@pytest.mark.parametrize("source,head", [
    ("A senior official", "official"),
    ("analysts", "analysts"),
    ("officials at the ministry", "officials"),
    ("the senator", None),   # refers to someone named elsewhere
    ("he", None),
    ("Sen. Bob Corker", None),  # a name, scored by its head word instead
])
def test_unnamed_head(source, head):
    assert evaluate.unnamed_head(source) == head


def test_score_reported_counts_precision_recall_and_unnamed_sources():
    doc = _doc("x", TEXT, [
        {"source": _span(TEXT, "A senior official"), "cue": {"text": "said", "spans": []},
         "content": _span(TEXT, "talks had stalled over the weekend")},
        {"source": _span(TEXT, "Critics"), "cue": _span(TEXT, "believe"),
         "content": _span(TEXT, "the plan is too costly for the city")},
    ])
    s = TEXT.index("talks")
    right = Attribution("indirect", s, s + len("talks had stalled over the weekend"),
                        speaker_name="A senior official", speaker_type="unnamed")
    c = TEXT.index("the plan")
    believe = Attribution("indirect", c, c + len("the plan is too costly for the city"))
    m = TEXT.index("the budget")
    extra = Attribution("indirect", m, m + len("the budget would pass on Friday"))
    sc = evaluate.score_reported("x", doc, [right, believe, extra])
    assert (sc.gold, sc.predicted, sc.predicted_right, sc.matched) == (1, 3, 2, 1)
    assert (sc.source_right, sc.source_total) == (1, 1)
    named = Attribution("indirect", right.start, right.end, speaker_name="John Smith",
                        speaker_type="person")
    sc = evaluate.score_reported("x", doc, [named])
    assert (sc.source_right, sc.source_total) == (0, 1)


def test_validation_errors_are_never_printed(tmp_path, capsys):
    folder = tmp_path / "polnear"
    folder.mkdir()
    for name in ("train.jsonl", "dev.jsonl"):
        (folder / name).write_text(json.dumps(_doc(name, TEXT, [])) + "\n", encoding="utf-8")
    assert evaluate.main(["--polnear", str(folder), "--misses"]) == 2
    assert "locked" in capsys.readouterr().err
    assert evaluate.main(["--polnear", str(folder), "--part", "development", "--misses"]) == 0
    assert evaluate.main(["--polnear", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "development part" in out and "validation part" in out


def test_one_file_is_split_too_and_its_validation_errors_never_printed(tmp_path, capsys):
    ids = [f"outlet_2016-01-{i:04d}_story" for i in range(40)]
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(_doc(i, TEXT, [])) + "\n" for i in ids), encoding="utf-8")
    for flag in ("--misses", "--per-article"):
        assert evaluate.main(["--polnear", str(path), flag]) == 2
        assert evaluate.main(["--polnear", str(path), flag, "--part", "validation"]) == 2
    capsys.readouterr()
    assert evaluate.main(["--polnear", str(path), "--per-article", "--part", "development"]) == 0
    printed = capsys.readouterr().out
    assert all(i in printed for i in ids if evaluate.polnear_part(i) == "development")
    assert not any(i in printed for i in ids if evaluate.polnear_part(i) == "validation")


def test_test_split_is_refused(tmp_path):
    (tmp_path / "test.jsonl").write_text("{}\n", encoding="utf-8")
    assert evaluate.main(["--polnear", str(tmp_path / "test.jsonl")]) == 2


@pytest.mark.parametrize("source,head", [
    ("Ruiz campaign spokesman Paul Ender", "Ender"),
    ("Secretary of State Mara T. Quint", "Quint"),
    ("A senior aide, Paul Ender,", "Ender"),   # the appositive names the source
    ("Dean Ruiz, a 61-year-old baker from Ostend, Velia", "Ruiz"),
    ("An Israeli official", None),
    ("the former Florida governor", None),
    ("Officials, who spoke on condition of anonymity", None),
])
def test_source_is_name(source, head):
    assert evaluate.source_is_name(source) == head
