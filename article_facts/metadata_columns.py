"""metadata.yml's `columns:` blocks, written from the declaration in contract.py.

Datasette reads metadata.yml itself, so the column descriptions are kept in it, generated:
`make metadata` rewrites each table's and view's `columns:` block in the contract's column
order and leaves every other byte of the file as written (the queries, facets and comments
other people edit). An entry whose description is already right keeps its line as written
(quoting, anchors and aliases included). tests/test_contract.py fails when the file and the
contract disagree.

Why not a round-trip YAML library: ruamel.yaml rewrites `[{counted: kind}]` as
`[counted: kind]` and would touch lines this does not own. PyYAML's node positions say
exactly which lines each block holds.
"""
import sys
from pathlib import Path

import yaml

from .contract import DATABASE_NAME, column_descriptions


def described(metadata):
    """table -> {column: description} as a parsed metadata.yml says them."""
    tables = metadata["databases"][DATABASE_NAME]["tables"]
    return {name: dict(table.get("columns") or {}) for name, table in tables.items()}


def value_of(mapping, key):
    """The (key node, value node) of key in a composed YAML mapping, or (None, None)."""
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return key_node, value_node
    return None, None


def last_line(lines, node):
    """The last line (0-based) holding a node's text: a block ends where the next token starts."""
    mark = node.end_mark
    return mark.line - 1 if not lines[mark.line][:mark.column].strip() else mark.line


def entry_end(lines, key_node, value_node):
    """The line after a `key: value` entry. An alias (`review: *review`) is one line: its node
    is the anchor's, with the anchor's marks."""
    if value_node.start_mark.line < key_node.start_mark.line:
        return key_node.start_mark.line + 1
    return last_line(lines, value_node) + 1


def new_entry(indent, column, description):
    """One `column: description` line, quoted as YAML needs."""
    text = yaml.safe_dump({column: description}, width=float("inf"), allow_unicode=True, default_flow_style=False)
    return [indent + line + "\n" for line in text.splitlines()]


def rewritten(text):
    """metadata.yml's text with every contract table's and view's `columns:` block as the
    contract describes it."""
    lines = text.splitlines(keepends=True)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    _, databases = value_of(root, "databases")
    _, database = value_of(databases, DATABASE_NAME)
    _, tables = value_of(database, "tables")
    edits = []  # (first line, last line + 1, new lines), applied from the end
    for table, descriptions in column_descriptions().items():
        table_key, table_node = value_of(tables, table)
        if table_node is None:
            raise ValueError(f"metadata.yml: table {table} is not described (add it with its description)")
        columns_key, columns_node = value_of(table_node, "columns")
        indent = " " * (table_node.start_mark.column + 2)
        existing = {}
        if columns_node is not None and isinstance(columns_node, yaml.MappingNode):
            for key_node, value_node in columns_node.value:
                existing[key_node.value] = (value_node, lines[key_node.start_mark.line:entry_end(lines, key_node, value_node)])
            indent = " " * columns_node.start_mark.column
        block = []
        for column, description in descriptions.items():
            value_node, written = existing.get(column, (None, None))
            if isinstance(value_node, yaml.ScalarNode) and value_node.value == description:
                block += written
            else:
                block += new_entry(indent, column, description)
        if columns_node is not None and isinstance(columns_node, yaml.MappingNode) and columns_node.value:
            first = columns_node.value[0][0].start_mark.line
            edits.append((first, entry_end(lines, *columns_node.value[-1]), block))
        elif columns_key is not None:  # `columns:` with nothing or a scalar under it
            edits.append((columns_key.start_mark.line, last_line(lines, columns_node) + 1,
                          [" " * columns_key.start_mark.column + "columns:\n"] + block))
        else:
            after = last_line(lines, table_node) + 1
            edits.append((after, after, [" " * table_node.start_mark.column + "columns:\n"] + block))
    for first, end, block in sorted(edits, reverse=True):
        lines[first:end] = block
    result = "".join(lines)
    if described(yaml.safe_load(result)) != {**described(yaml.safe_load(text)), **column_descriptions()}:
        raise ValueError("metadata.yml: the rewritten columns do not read back as the contract's")
    return result


def main(argv=None):
    """python -m article_facts.metadata_columns [metadata.yml]: rewrite the file in place."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "metadata.yml")
    text = path.read_text(encoding="utf-8")
    result = rewritten(text)
    if result == text:
        print(f"{path}: column descriptions already match article_facts/contract.py")
        return
    path.write_text(result, encoding="utf-8")
    print(f"{path}: column descriptions rewritten from article_facts/contract.py")


if __name__ == "__main__":
    main()
