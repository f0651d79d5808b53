"""`build_db.py add` with several files or a folder: each file is added or refused on its own
(one bad file never stops the others, and a refused file writes nothing), a summary table on
stdout lists each file with its slug and counts or the reason it was refused, the exit status
is 1 if any was refused; a progress bar runs on stderr only when stderr is a terminal."""
import os
import pty
import re
import shutil
import subprocess
import sys

import yaml

from article_facts.build import check as check_archive
from conftest import ROOT, run_add
from test_add_web_page import PAGE

EXTRACTION = ROOT / "tests" / "extraction"
STORY = "Mayor opens the bridge\n“It is finally done,” said Mayor Ana Ruiz on Monday.\n"


def incoming(tmp_path, count=20):
    """A folder of `count` articles (the extraction set's texts), as a desk would drop them."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    for text in sorted(EXTRACTION.glob("*.txt"))[:count]:
        shutil.copyfile(text, folder / text.name)
    return folder


def table_rows(stdout):
    """The summary table's lines by file (the header and the totals line apart)."""
    lines = stdout.strip().splitlines()
    assert lines[0].split() == ["file", "slug", "quotes", "people", "unsure"], stdout
    rows = {}
    for line in lines[1:]:
        if re.fullmatch(r"\d+ added, \d+ refused", line):  # the totals: the table ends
            return rows
        rows[line.split()[0]] = line.split(None, 1)[1]
    raise AssertionError(f"no totals line:\n{stdout}")


def facts_of(seeds, slug):
    return yaml.safe_load((seeds / slug / "facts.yml").read_text(encoding="utf-8"))


def unsure(seeds, slug):
    """What one file's report lists as unsure, counted from the facts.yml written: each drafted
    entry's attribution_note and review_note, and each note of its header on what was left out."""
    text = (seeds / slug / "facts.yml").read_text(encoding="utf-8")
    facts = yaml.safe_load(text)
    entries = [facts["article"]] + [e for value in facts.values() if isinstance(value, list) for e in value]
    notes = sum(bool(e.get(note)) for e in entries if isinstance(e, dict) and e.get("review") == "draft"
                for note in ("attribution_note", "review_note"))
    left_out = text.split("\n\n")[0].split("# Left out or changed so that the build accepts this draft unedited:")
    return notes + (left_out[1].count("\n#  - ") if len(left_out) > 1 else 0)


def test_a_folder_of_twenty_goes_in_with_one_command_and_a_summary(seeds, tmp_path):
    folder = incoming(tmp_path)
    done = run_add(seeds, folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # not a terminal: no progress bar
    files = sorted(folder.glob("*.txt"))
    assert len(files) == 20
    rows = table_rows(done.stdout)
    assert list(rows) == [str(f) for f in files]  # in name order
    for file in files:
        slug, quotes, people, unsure_count = rows[str(file)].split()
        facts = facts_of(seeds, slug)
        assert slug == file.stem
        assert (int(quotes), int(people), int(unsure_count)) == (
            len(facts.get("quotes") or []), len(facts.get("people") or []), unsure(seeds, slug))
        assert (seeds / slug / "article.txt").read_bytes() == file.read_bytes()
    assert "20 added, 0 refused" in done.stdout
    assert check_archive(seeds)["articles"] == 21  # every draft passes the build's check


def test_unsure_counts_the_same_alone_and_in_a_batch(seeds, tmp_path):
    """One definition (article_facts/extract/unsure.py): the batch table's unsure count of an
    article is the number one file's report lists under `unsure (N):`, inferred speakers and
    left-out quotes included. Added in the same order both ways, so the drafts are the same."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in ("politics-budget-vote", "politics-stadium-vote", "wire-harbor-strike"):
        shutil.copyfile(EXTRACTION / f"{name}.txt", folder / f"{name}.txt")
    alone = tmp_path / "alone"
    shutil.copytree(seeds, alone)
    reported = {}
    for file in sorted(folder.glob("*.txt")):
        done = run_add(alone, file)
        assert done.returncode == 0, done.stderr
        listed = re.search(r"^unsure \((\d+)\):$", done.stdout, re.M)
        reported[str(file)] = int(listed[1]) if listed else 0
        if file.stem == "politics-stadium-vote":  # the notes the table once left out are there
            assert "speaker inferred:" in done.stdout and "  - left out: " in done.stdout
    batch = run_add(seeds, folder)
    assert batch.returncode == 0, batch.stdout + batch.stderr
    in_table = {file: int(row.split()[-1]) for file, row in table_rows(batch.stdout).items()}
    assert in_table == reported
    assert in_table[str(folder / "politics-stadium-vote.txt")] == unsure(seeds, "politics-stadium-vote") > 0


def test_one_bad_file_never_stops_the_others(seeds, tmp_path, slug):
    good = tmp_path / "bridge-opens.txt"
    good.write_text(STORY, encoding="utf-8")
    not_utf8 = tmp_path / "broken.txt"
    not_utf8.write_bytes(b"Headline\n\xff\xfe not text\n")
    empty_page = tmp_path / "empty.html"
    empty_page.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    clash = tmp_path / f"{slug}.txt"  # its folder is already in the seeds
    clash.write_text(STORY, encoding="utf-8")
    page = tmp_path / "council-budget.html"
    page.write_text(PAGE, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    before = sorted(p.name for p in seeds.iterdir())
    done = run_add(seeds, not_utf8, good, empty_page, clash, missing, page)
    assert done.returncode == 1, done.stdout + done.stderr
    rows = table_rows(done.stdout)
    assert list(rows) == [str(p) for p in (not_utf8, good, empty_page, clash, missing, page)]
    assert rows[str(good)].split()[0] == "bridge-opens"
    assert rows[str(page)].split()[0] == "council-budget"
    for refused in (not_utf8, empty_page, clash, missing):
        reason = rows[str(refused)]
        assert reason.startswith("refused: ") and "\n" not in reason
    assert "not valid UTF-8" in rows[str(not_utf8)]
    assert "already exists" in rows[str(clash)]
    assert "4 refused" in done.stdout.splitlines()[-1] and "2 added" in done.stdout.splitlines()[-1]
    # the refused files wrote nothing; the others are in, and the archive still builds
    assert sorted(p.name for p in seeds.iterdir()) == sorted(before + ["bridge-opens", "council-budget"])
    assert (seeds / slug / "article.txt").read_bytes() != STORY.encode("utf-8")
    assert (seeds / "council-budget" / "source.html").exists()
    assert check_archive(seeds)["articles"] == 3


def test_all_refused_is_status_one_and_nothing_written(seeds, tmp_path):
    bad = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in bad:
        path.write_bytes(b"\xff\n")
    before = sorted(p.name for p in seeds.iterdir())
    done = run_add(seeds, *bad)
    assert done.returncode == 1
    assert "0 added, 2 refused" in done.stdout
    assert sorted(p.name for p in seeds.iterdir()) == before


def test_options_that_name_one_article_are_refused_with_several(seeds, tmp_path):
    folder = incoming(tmp_path, 2)
    for option in (["--slug", "one"], ["--url", "https://x.example/a"], ["--headline", "One"]):
        done = run_add(seeds, folder, *option)
        assert done.returncode == 1
        assert done.stderr.strip().splitlines() == [f"Error: {option[0]} names one article: give it with one file, not several"]
    assert not (seeds / "business-bank-merger").exists()


def test_a_folder_with_no_articles_is_a_one_line_error(seeds, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("x", encoding="utf-8")
    done = run_add(seeds, tmp_path / "empty")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert "no .txt, .html or .htm files" in done.stderr


def run_on_a_terminal(args):
    """Run args with stderr on a pseudo-terminal (stdout a pipe): (exit status, stdout, what
    the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, cwd=ROOT)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    stdout = proc.stdout.read()
    proc.wait(timeout=300)
    return proc.returncode, stdout.decode("utf-8"), shown.decode("utf-8", "replace")


def test_a_progress_bar_runs_on_a_terminal(seeds, tmp_path):
    folder = incoming(tmp_path, 3)
    status, stdout, shown = run_on_a_terminal(
        [sys.executable, "-m", "build_db", "add", str(folder), "--seeds", str(seeds)])
    assert status == 0, stdout + shown
    assert "adding" in shown and "3/3" in shown and "#" in shown
    assert "adding" not in stdout and "3 added, 0 refused" in stdout  # the bar never mixes into stdout


def test_make_add_takes_a_folder_or_several_files(seeds, tmp_path):
    folder = incoming(tmp_path, 3)
    files = sorted(folder.glob("*.txt"))
    make = ["make", "--no-print-directory", "-C", str(ROOT), "add", f"SEEDS_DIR={seeds}"]
    done = subprocess.run(make + [f"ARTICLE={files[0]} {files[1]}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(table_rows(done.stdout)) == [str(files[0]), str(files[1])]
    again = subprocess.run(make + [f"ARTICLE={folder}"], capture_output=True, text=True)
    assert again.returncode != 0 and "Error 1" in again.stderr  # the first two are in already: refused
    rows = table_rows(again.stdout)
    assert [rows[str(f)].split()[0] for f in files] == ["refused:", "refused:", files[2].stem]
