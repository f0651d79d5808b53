"""The one exception the build raises for bad seeds."""
import re

# Characters that would break the one-line message or hide its text: controls and line or
# paragraph separators, lone surrogates (not printable as UTF-8), bidirectional overrides.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(message):
    r"""The message with every such character written as an escape (\n, \x00, \u2028)."""
    return UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)


class BuildError(Exception):
    """A problem with the seeds, already phrased as one line naming the file and the entry.
    Values quoted from the seeds cannot break the line: unprintable characters are escaped."""

    def __init__(self, message):
        super().__init__(one_line(str(message)))
