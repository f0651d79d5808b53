"""facts.yml as text to edit in place: ruamel.yaml's round-trip parse says where every section,
entry and key is (line and column), and an edit replaces, inserts or removes only the lines of
the keys and entries it touches. Every other byte stays as written: comments, key order,
quoting, folded and wrapped values, `null`s, the file's own indentation.

A whole-file round-trip dump would not: on the seeds and on a fresh draft ruamel re-wraps long
values, writes `null` as nothing and re-indents sequences (43 to 812 changed lines for one
accepted entry). So ruamel parses, and the edit is spliced; `Edit.result()` then parses the new
text again and checks that it holds exactly the data the edit meant (the edited tree), or
refuses the edit.
"""
import io
import json

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..errors import BuildError


def round_trip():
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 20  # a new value is written on one line, never wrapped
    return yaml


def load(text, path):
    """The round-trip tree of a facts.yml text; invalid YAML is a one-line BuildError."""
    try:
        data = round_trip().load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise BuildError("invalid_yaml", f"invalid YAML{where}: {getattr(e, 'problem', None) or e}", file=path)
    if not isinstance(data, CommentedMap):
        raise BuildError("not_a_mapping", "expected a mapping of sections at the top level", file=path)
    return data


def plain(node):
    """The tree as plain dicts, lists and scalars (what the build's loader sees)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    return node


def scalar(value):
    """One value as YAML text on one line, the way ruamel writes it (plain when it can be,
    quoted otherwise); a list of strings as a flow list."""
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    out = io.StringIO()
    round_trip().dump({"k": value}, out)
    text = out.getvalue()
    if text.count("\n") != 1 or not text.startswith("k: "):
        return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars
    return text[3:].rstrip("\n")


def blank_or_comment(line):
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


class Edit:
    """Edits of one facts.yml text. The tree (`data`) is changed alongside the lines, and
    result() checks that the new text parses to it."""

    def __init__(self, text, path):
        self.path = path
        self.original = text
        self.data = load(text, path)
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        # line edits are queued as (start, end, new lines) on the original numbering
        self.splices = []

    # --- where things are -------------------------------------------------------------

    def section_end(self, section):
        """The line just past a section's content: the next top-level key, less the blank and
        comment lines before it (those introduce the next section)."""
        keys = list(self.data.keys())
        index = keys.index(section)
        end = self.data.lc.key(keys[index + 1])[0] if index + 1 < len(keys) else len(self.lines)
        return self.trim(self.data.lc.key(section)[0] + 1, end)

    def trim(self, start, end):
        while end > start and blank_or_comment(self.lines[end - 1]):
            end -= 1
        return end

    def entry(self, section, index):
        """The mapping of an entry (the article's mapping when index is None)."""
        node = self.data.get(section)
        if index is None:
            if not isinstance(node, CommentedMap):
                raise self.error(section, None, "is not a mapping")
            return node
        if not isinstance(node, CommentedSeq) or not 0 <= index < len(node) or not isinstance(node[index], CommentedMap):
            raise self.error(section, index, "no such entry (the file changed: reload the page)")
        if node.fa.flow_style() or node[index].fa.flow_style():
            raise self.error(section, index, "written in flow style ({...}): edit it by hand")
        return node[index]

    def entry_lines(self, section, index):
        """(first line, line past the end) of a list entry, the `- ` line included."""
        seq = self.data[section]
        start = seq.lc.item(index)[0]
        end = seq.lc.item(index + 1)[0] if index + 1 < len(seq) else self.section_end(section)
        return start, self.trim(start + 1, end)

    def key_lines(self, section, index, key):
        """(first line, line past the end) of one key and its value inside an entry."""
        entry = self.entry(section, index)
        keys = list(entry.keys())
        start = entry.lc.key(key)[0]
        position = keys.index(key)
        if position + 1 < len(keys):
            end = entry.lc.key(keys[position + 1])[0]
        elif index is None:
            end = self.section_end(section)
        else:
            end = self.entry_lines(section, index)[1]
        return start, self.trim(start + 1, end)

    def error(self, section, index, text):
        return BuildError("cannot_edit", text, file=self.path, section=section, entry=index)

    # --- edits ------------------------------------------------------------------------

    def set_fields(self, section, index, changes):
        """Set (value) or remove (None) keys of one entry. A new key takes the place of the
        first removed one, else goes before `review`, else after the entry's last key."""
        entry = self.entry(section, index)
        indent = " " * entry.lc.key(next(iter(entry)))[1]
        where = {key: self.key_lines(section, index, key) for key in entry}  # before any change
        removed = [where[key][0] for key, value in changes.items() if value is None and key in entry]
        if removed:
            at = min(removed)
        elif "review" in entry:
            at = where["review"][0]
        else:
            at = where[list(entry)[-1]][1]
        added = []
        for key, value in changes.items():
            if key in entry:
                start, end = where[key]
                self.splices.append((start, end, [] if value is None else [f"{indent}{key}: {scalar(value)}\n"]))
            elif value is not None:
                added.append(f"{indent}{key}: {scalar(value)}\n")
        if added:
            self.splices.append((at, at, added))
        for key, value in changes.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value

    def remove_entry(self, section, index):
        self.entry(section, index)
        seq = self.data[section]
        start, end = self.entry_lines(section, index)
        self.splices.append((start, end, []))
        if len(seq) == 1:  # the section's last entry: `section:` becomes `section: []`
            line = self.data.lc.key(section)[0]
            self.splices.append((line, line + 1, [self.lines[line].replace(f"{section}:", f"{section}: []", 1)]))
        del seq[index]

    def append_entry(self, section, fields):
        """A new entry at the end of a section's list, in the file's indentation."""
        seq = self.data.get(section)
        if not isinstance(seq, CommentedSeq) or seq.fa.flow_style():
            raise self.error(section, None, "is not a block list: edit it by hand")
        if not seq:
            raise self.error(section, None, "is empty: add the first entry by hand")
        dash = " " * (seq.lc.item(0)[1] - 2)
        inside = dash + "  "
        lines = [f"{dash if i == 0 else inside}{'- ' if i == 0 else ''}{key}: {scalar(value)}\n"
                 for i, (key, value) in enumerate(fields.items())]
        end = self.section_end(section)
        self.splices.append((end, end, lines))
        seq.append(CommentedMap(fields))

    # --- the result ---------------------------------------------------------------------

    def result(self):
        """The new text; a BuildError when it does not parse to the edited tree."""
        lines = list(self.lines)
        taken = set()
        for start, end, new in sorted(self.splices, key=lambda s: (s[0], s[1]), reverse=True):
            if any(line in taken for line in range(start, end)):
                raise BuildError("cannot_edit", "two edits of the same lines at once", file=self.path)
            taken.update(range(start, end))
            lines[start:end] = new
        text = "".join(lines)
        if plain(load(text, self.path)) != plain(self.data):
            raise BuildError("cannot_edit", "the edit could not be written in place: edit the file by hand",
                             file=self.path)
        return text
