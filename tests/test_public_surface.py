"""The serving wing uses Datasette's public surface only (issue 16): no private Datasette name,
nothing from `datasette.views`, no reading of Datasette's own files or tracebacks.

A source scan, by AST, of everything we ship: a name starting with an underscore imported
from datasette, an import of datasette's `views` modules, `pm.hook` (calling hooks is
Datasette's job), Datasette's package path (`datasette.__file__`), traceback inspection, and,
in the serving wing (plugins/, article_facts/web/, serve.py), any `._name` attribute on
anything but our own `self`.
"""
import ast

import pytest

from conftest import ROOT

SHIPPED = sorted([ROOT / "build_db.py", *ROOT.glob("plugins/*.py"), *ROOT.glob("article_facts/**/*.py")])
NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}  # public, underscored so as not to clash
SERVING = {p for p in SHIPPED if p.parent.name in ("plugins", "web") or p.name == "serve.py"}


def problems(path, serving):
    """The private-surface uses in one file: [(line, what)]."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "datasette":
            parts = node.module.split(".")
            if "views" in parts or any(p.startswith("_") for p in parts):
                found.append((node.lineno, f"from {node.module} import"))
            found += [(node.lineno, f"imports {a.name} from {node.module}") for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")
                      or node.module == "datasette.app" and a.name != "Datasette"
                      or node.module == "datasette.facets" and a.name != "Facet"]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names
                      if a.name.startswith("datasette.") and ("views" in a.name.split(".") or "._" in a.name)]
        elif isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if node.attr == "hook" and (owner == "pm" or getattr(node.value, "attr", None) == "pm"):
                found.append((node.lineno, "pm.hook"))
            if node.attr == "__file__" and owner and owner.startswith("datasette"):
                found.append((node.lineno, "Datasette's package path"))
            if node.attr in ("extract_tb", "walk_tb", "tb_frame"):
                found.append((node.lineno, f"traceback inspection ({node.attr})"))
            if (serving and node.attr.startswith("_") and not node.attr.startswith("__") and owner != "self"
                    and node.attr not in NAMEDTUPLE_API):
                found.append((node.lineno, f"private attribute .{node.attr}"))
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_datasette_names(path):
    assert problems(path, path in SERVING) == []


@pytest.mark.parametrize("source,count", [
    ("from datasette.views.table import TableView", 1),
    ("from datasette.app import DEFAULT_SETTINGS as D, _x", 2),
    ("from datasette.app import Datasette", 0),
    ("routes = datasette._routes()", 1),
    ("datasette.pm.hook.actor_from_request", 1),
    ("pm.hook.actor_from_request(datasette=ds)", 1),
    ("import traceback\ntraceback.extract_tb(e.__traceback__)", 1),
    ("text = open(datasette.__file__).read()", 1),
    ("self._cache = {}", 0),
    ("from datasette import hookimpl, Response", 0),
    ("from datasette.facets import ColumnFacet", 1),
    ("from datasette.facets import Facet", 0),
    ("url = parts._replace(query='')", 0),
])
def test_the_scan_finds_what_it_looks_for(tmp_path, source, count):
    """The scan itself: each private use above is found (so a clean result means something)."""
    path = tmp_path / "sample.py"
    path.write_text(source + "\n", encoding="utf-8")
    assert len(problems(path, serving=True)) == count, problems(path, serving=True)
