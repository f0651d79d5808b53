"""A full build (`build_db.py --seeds ... --db ...`) shows its progress on a terminal:
articles parsed and written, then each phase (indexes, search, counts, exports); and says
nothing of it when stderr is not a terminal (logs, pipes, make test). The terminal is a real
pseudo-terminal (pty) around a real build_db.py process."""
import subprocess
import sys

from conftest import ROOT, run_add
from test_add_many import run_on_a_terminal

SAMPLES = ROOT / "tests" / "archive_samples"


def three_articles(seeds):
    """The seed and the archive samples' first two texts, added with their drafts."""
    done = run_add(seeds, *sorted(SAMPLES.glob("*.txt"))[:2])
    assert done.returncode == 0, done.stdout + done.stderr
    return seeds


def final_lines(shown):
    """The terminal's lines as they are left (the pty ends lines with \r\n; a line redrawn in
    place with \r and erase-to-end shows its last drawing)."""
    return [line.rsplit("\r", 1)[-1].replace("\x1b[K", "") for line in shown.replace("\r\n", "\n").split("\n")
            if line]


def build_command(seeds, db):
    return [sys.executable, "-m", "build_db", "--seeds", str(seeds), "--db", str(db)]


def test_a_build_on_a_terminal_shows_articles_then_phases(seeds, tmp_path):
    three_articles(seeds)
    status, stdout, shown = run_on_a_terminal(build_command(seeds, tmp_path / "facts.db"))
    assert status == 0, stdout + shown
    assert stdout.startswith(f"built {tmp_path / 'facts.db'}: 3 articles")
    lines = final_lines(shown)
    assert lines == ["articles parsed and written: 3 of 3 (100%)", "indexes...", "search...", "counts...", "exports..."]
    assert "articles parsed and written: 1 of 3 (33%)" in shown  # drawn as it goes, not only at the end


def test_a_build_is_quiet_when_stderr_is_not_a_terminal(seeds, tmp_path):
    three_articles(seeds)
    done = subprocess.run(build_command(seeds, tmp_path / "facts.db"), capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [f"built {tmp_path / 'facts.db'}: 3 articles, " + done.stdout.split(": 3 articles, ")[1].strip()]


def test_a_failed_build_on_a_terminal_puts_its_error_on_a_line_of_its_own(seeds, tmp_path, slug):
    three_articles(seeds)
    last = sorted(p for p in seeds.iterdir() if p.is_dir())[-1]
    (last / "facts.yml").write_text("article: [not, a, mapping]\n", encoding="utf-8")
    status, stdout, shown = run_on_a_terminal(build_command(seeds, tmp_path / "facts.db"))
    assert status == 1 and stdout == ""
    error = [line for line in final_lines(shown) if "Error:" in line]
    assert len(error) == 1 and error[0].startswith("Error: ") and str(last.name) in error[0], shown
    assert not (tmp_path / "facts.db").exists()
