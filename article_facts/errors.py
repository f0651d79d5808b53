"""The one exception the build raises for bad seeds, as data: what went wrong (code) and where
(file, section, entry, key, field, name), with the one-line message made from them. Code that
acts on an error (the extractor's repairs) reads these attributes, never the message."""
import re

# Characters that would break the one-line message or hide its text: controls and line or
# paragraph separators, lone surrogates (not printable as UTF-8), bidirectional overrides.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
PLACE = ("file", "section", "entry", "key", "field", "name")


def one_line(message):
    r"""The message with every such character written as an escape (\n, \x00, \u2028)."""
    return UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)


def entry_label(section, entry=None, key=None):
    """How a message names an entry: "quotes[2] (q3)", "people (ana-ruiz)", "article"."""
    index = f"[{entry}]" if entry is not None else ""
    return f"{section}{index}" + (f" ({key})" if key and isinstance(key, str) else "")


class BuildError(Exception):
    """A problem with the seeds.

    code: what is wrong ("missing_field", "not_found", ...); file: the file it is in; section,
    entry (the index in the section's list) and key (the entry's id): the entry; field: the
    facts.yml field; name: a name form or phrase the problem is about. The message is
    "{file}: {label}: {text}", label naming the entry unless the text names it itself
    (label=False); values quoted from the seeds cannot break the line (see one_line)."""

    def __init__(self, code, text, *, file=None, section=None, entry=None, key=None, field=None, name=None,
                 label=True):
        self.code, self.text, self.file = code, text, None if file is None else str(file)
        self.section, self.entry, self.key, self.field, self.name = section, entry, key, field, name
        self.label = label
        super().__init__(self.message())

    def message(self):
        parts = [self.file]
        if self.label and self.section is not None:
            parts.append(entry_label(self.section, self.entry, self.key))
        parts.append(self.text)
        return one_line(": ".join(str(part) for part in parts if part is not None and part != ""))

    def in_file(self):
        """The message without the file's name: what is wrong inside the file."""
        return BuildError(self.code, self.text, section=self.section, entry=self.entry, key=self.key,
                          field=self.field, name=self.name, label=self.label).message()

    def state(self):
        """Everything the error holds, as plain data (JSON, pickling across processes)."""
        return {"code": self.code, "text": self.text, "label": self.label,
                **{part: getattr(self, part) for part in PLACE}}

    @classmethod
    def from_state(cls, state):
        state = dict(state)
        return cls(state.pop("code"), state.pop("text"), **state)

    def __reduce__(self):  # an error raised in a worker process arrives whole
        return (self.from_state, (self.state(),))
