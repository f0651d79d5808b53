"""Reading seeds files: the article text exactly as stored, and facts.yml parsed strictly."""
from pathlib import Path

import yaml

from .errors import BuildError


def read_bytes(path):
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise BuildError(f"{path}: missing")
    except OSError as e:
        raise BuildError(f"{path}: cannot read: {e.strerror}")


def read_article(path):
    """The article text exactly as stored: strict UTF-8, not empty."""
    data = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BuildError(f"{path}: not valid UTF-8 (byte {e.start})")
    if not text.strip():
        raise BuildError(f"{path}: article is empty")
    return text


class UniqueKeyLoader(yaml.CSafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (PyYAML keeps the last)
    and reads unquoted dates as text, so a date is always what the curator typed."""

    yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
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


def load_facts(path):
    """Parse facts.yml; YAML errors become one line with the line number."""
    try:
        facts = yaml.load(read_bytes(path).decode("utf-8"), Loader=UniqueKeyLoader)
    except UnicodeDecodeError as e:
        raise BuildError(f"{path}: not valid UTF-8 (byte {e.start})")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise BuildError(f"{path}: invalid YAML at {where}: {problem}")
    except (ValueError, TypeError) as e:  # a tagged value PyYAML cannot convert (!!int foo)
        raise BuildError(f"{path}: invalid YAML value: {str(e).splitlines()[0]}")
    if not isinstance(facts, dict):
        raise BuildError(f"{path}: expected a mapping of sections at the top level")
    return facts
