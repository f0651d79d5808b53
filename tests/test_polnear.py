"""The extractor's figures on PolNeAR's locked validation part hold as the README states them.

Skipped when the corpus is not beside the project (../shared/corpora/polnear); the corpus's test
split is never read, and the validation part is only scored here, never read for errors. The
floors are the README's validation figures rounded down to two decimals: a change that makes
the extractor worse on news it was not tuned on fails here.
"""
from pathlib import Path

import pytest

from article_facts.extract.evaluate import evaluate_polnear

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "polnear"

pytestmark = pytest.mark.skipif(not (CORPUS / "dev.jsonl").exists(), reason="PolNeAR is not here")

# the README's validation figures, rounded down
DIRECT_F1 = 0.95
DIRECT_SPEAKER = 0.93
REPORTED_PRECISION = 0.85
REPORTED_RECALL = 0.58
REPORTED_SOURCE = 0.89


@pytest.fixture(scope="module")
def validation():
    rows, direct, reported = evaluate_polnear(CORPUS, part="validation")
    return rows, direct, reported


def test_the_validation_part_is_about_a_fifth_of_train_and_dev(validation):
    rows, _, _ = validation
    assert 150 <= len(rows) <= 220


def test_direct_quotes_on_the_validation_part(validation):
    _, direct, _ = validation
    assert direct.f1 >= DIRECT_F1, direct.line()
    assert direct.speaker_accuracy >= DIRECT_SPEAKER, direct.line()


def test_reported_speech_on_the_validation_part(validation):
    _, _, reported = validation
    assert reported.precision >= REPORTED_PRECISION, reported.line()
    assert reported.recall >= REPORTED_RECALL, reported.line()
    assert reported.source_accuracy >= REPORTED_SOURCE, reported.line()
