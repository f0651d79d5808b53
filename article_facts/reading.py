"""Reading seeds files: the article text exactly as stored, and facts.yml parsed strictly."""
import yaml

from .errors import BuildError
from .safe_files import read_seed_file
from .safe_text import check_article_text, check_yaml_text

# facts.yml needs 4 levels (sections, entries, fields, names); deeper input is a mistake or an
# attack on the recursive YAML composer.
MAX_YAML_DEPTH = 20


def read_bytes(path):
    """A regular file inside the seeds folder, at most MAX_FILE_BYTES (see safe_files)."""
    return read_seed_file(path)


def read_article(path):
    """The article text exactly as stored: strict UTF-8, not empty."""
    data = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BuildError("not_utf8", f"not valid UTF-8 (byte {e.start})", file=path)
    if not text.strip():
        raise BuildError("empty_article", "article is empty", file=path)
    check_article_text(path, text)
    return text


class UniqueKeyLoader(yaml.CSafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (PyYAML keeps the last)
    and reads unquoted dates as text, so a date is always what the curator typed."""

    yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):  # !!map 3, !!set x: PyYAML's own error
            return super().construct_mapping(node, deep=deep)
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool, type(None))):
                continue  # PyYAML itself reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node, deep=False):
        """A tagged value PyYAML cannot convert (!!bool maybe, !!int '', !!timestamp x) is a
        YAML error at its line, not a Python exception."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            shown = repr(node.value) if isinstance(node, yaml.ScalarNode) else f"a {node.id}"
            raise BadValue(None, None, f"{shown} is not a valid {tag}", node.start_mark) from None


class BadValue(yaml.constructor.ConstructorError):
    """A value its YAML tag cannot hold."""


def check_structure(text):
    """Refuse anchors and aliases (an alias bomb expands exponentially; facts.yml never needs
    them) and nesting deeper than MAX_YAML_DEPTH, from the parser's flat event stream before
    anything is composed (libyaml composes in C, out of reach of a Python override). The loop
    is yaml.parse's, inlined: it sees every scalar of the file, a tenth of the build."""
    loader = UniqueKeyLoader(text)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:  # most events: one test
                if event.anchor is not None:
                    refuse_anchor(event)
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                refuse_anchor(event)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise yaml.composer.ComposerError(
                        None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def refuse_anchor(event):
    raise yaml.composer.ComposerError(
        None, None, "anchors (&name) and aliases (*name) are not allowed", event.start_mark
    )


def load_facts(path):
    """Parse facts.yml; YAML errors become one line with the line number."""
    try:
        text = read_bytes(path).decode("utf-8")
        check_structure(text)
        facts = yaml.load(text, Loader=UniqueKeyLoader)
    except UnicodeDecodeError as e:
        raise BuildError("not_utf8", f"not valid UTF-8 (byte {e.start})", file=path)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        what = "invalid YAML value" if isinstance(e, BadValue) else "invalid YAML"
        raise BuildError("invalid_yaml", f"{what} at {where}: {problem}", file=path)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as e:
        # a tagged value PyYAML cannot convert, found after construct_object (!!set [1])
        raise BuildError("invalid_yaml", f"invalid YAML value: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=path)
    except RecursionError:
        raise BuildError("invalid_yaml", "invalid YAML: nested too deeply", file=path)
    if not isinstance(facts, dict):
        raise BuildError("not_a_mapping", "expected a mapping of sections at the top level", file=path)
    check_yaml_text(path, facts)
    return facts
