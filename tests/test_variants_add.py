"""The add-time warning: `build_db.py add` of an article that repeats an archived quote with a
different speaker says so in its summary and in the quote's review_note; with the same
speaker it says nothing. Found through the archive index beside the seeds (one lookup a
quote), also after the index is rebuilt from scratch."""
import pytest

from article_facts.archive_index import index_path
from article_facts.extract.archived_words import MARK
from article_facts.reading import load_facts
from conftest import run_add

ARCHIVED = ("Mexico found that there are sufficient elements to grant asylum, in strict adherence to national "
            "and international law")  # the seed's q5, Pablo Monroy Conesa's
ARTICLE = """Mexico and Peru trade words again

LIMA — Officials on both sides spoke on Tuesday.

"{words}," said {speaker}.

The talks are expected to continue next week.
"""


def add_article(tmp_path, seeds, speaker, name="repeat.txt"):
    path = tmp_path / name
    path.write_text(ARTICLE.format(words=ARCHIVED, speaker=speaker), encoding="utf-8")
    return run_add(seeds, path, "--slug", name.removesuffix(".txt"))


def drafted_quote(seeds, slug):
    facts = load_facts(seeds / slug / "facts.yml")
    [quote] = [q for q in facts["quotes"] if q["text"].startswith("Mexico found")]
    return quote


@pytest.mark.parametrize("fresh_index", [False, True])
def test_add_warns_when_the_words_are_archived_with_another_speaker(tmp_path, seeds, fresh_index):
    if fresh_index:  # the index rebuilt from a full parse has the archived quotes too
        index_path(seeds).unlink(missing_ok=True)
    done = add_article(tmp_path, seeds, "the Peruvian lawyer Juan Pérez Rojas")
    assert done.returncode == 0, done.stderr
    quote = drafted_quote(seeds, "repeat")
    assert quote["speaker"] != "pablo-monroy-conesa"
    assert MARK in quote["review_note"]
    assert "Pablo Monroy Conesa in peru-severs-relations-chavez-asylum-q5" in quote["review_note"]
    assert quote["review"] == "draft"
    assert f"quote {quote['id']}: {MARK}: Pablo Monroy Conesa" in done.stdout


def test_add_says_nothing_when_the_speaker_agrees(tmp_path, seeds):
    done = add_article(tmp_path, seeds, "Pablo Monroy Conesa")
    assert done.returncode == 0, done.stderr
    quote = drafted_quote(seeds, "repeat")
    assert quote["speaker"] == "pablo-monroy-conesa"
    assert MARK not in (quote.get("review_note") or "")
    assert MARK not in done.stdout


def test_an_added_article_is_known_to_the_next_add(tmp_path, seeds):
    """The index records each added article's quotes: a third article with the words of the
    second (another speaker again) is told about both earlier speakers."""
    assert add_article(tmp_path, seeds, "the Peruvian lawyer Juan Pérez Rojas").returncode == 0
    done = add_article(tmp_path, seeds, "the Chilean senator Marta Soto", "again.txt")
    assert done.returncode == 0, done.stderr
    note = drafted_quote(seeds, "again")["review_note"]
    assert "Pablo Monroy Conesa in peru-severs-relations-chavez-asylum-q5" in note
    assert "Juan Pérez Rojas in repeat-" in note


def test_many_files_at_once_say_so_after_the_table(tmp_path, seeds):
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "repeat.txt").write_text(ARTICLE.format(words=ARCHIVED, speaker="the Peruvian lawyer Juan Pérez Rojas"),
                                       encoding="utf-8")
    (folder / "agree.txt").write_text(ARTICLE.format(words=ARCHIVED, speaker="Pablo Monroy Conesa"), encoding="utf-8")
    done = run_add(seeds, folder)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stdout.splitlines() if "already archived with another speaker" in line]
    assert len(warned) == 1 and warned[0].startswith("repeat: 1 quote(s)"), done.stdout
