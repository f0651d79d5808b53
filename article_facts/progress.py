"""What a full build shows while it runs, on a terminal only: articles parsed and written (a
count that updates in place), then each phase after the rows (indexes, search, counts,
exports). A 100,000-article build takes minutes; without this it says nothing until the end.
Logs, pipes and library callers get nothing (QUIET)."""
import sys
import time

PHASES = ("indexes", "search", "counts", "exports")


class Quiet:
    """The default: no output at all."""

    def article(self):
        pass

    def phase(self, name):
        pass

    def close(self):
        pass


QUIET = Quiet()


class Terminal:
    """Progress lines on a terminal stream (stderr): the article count is redrawn at most
    every INTERVAL seconds, so drawing costs nothing next to the build."""

    INTERVAL = 0.1

    def __init__(self, total, stream):
        self.total, self.stream = total, stream
        self.done = 0
        self.started = self.drawn = time.monotonic()
        self.open_line = False

    def write(self, text):
        self.stream.write(text)
        self.stream.flush()

    def article(self):
        self.done += 1
        now = time.monotonic()
        if now - self.drawn >= self.INTERVAL or self.done == self.total or self.done == 1:
            self.drawn = now
            percent = 100 * self.done // max(self.total, 1)
            self.write(f"\r\x1b[Karticles parsed and written: {self.done:,} of {self.total:,} ({percent}%)")
            self.open_line = True

    def end_line(self):
        if self.open_line:
            self.write("\n")
            self.open_line = False

    def phase(self, name):
        self.end_line()
        self.write(f"{name}...\n")

    def close(self):
        """After the build, or when it fails: the error starts on a line of its own."""
        self.end_line()


def build_progress(total, stream=None):
    """Terminal progress when the stream (stderr by default) is a terminal, else QUIET."""
    stream = sys.stderr if stream is None else stream
    try:
        on_terminal = stream.isatty()
    except (AttributeError, ValueError):  # closed or not a file
        on_terminal = False
    return Terminal(total, stream) if on_terminal else QUIET
