"""The house rules a newcomer relies on, checked: every module says what it holds, every public
function and class says what it does, and no name is defined in two modules."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import sheetsync

PACKAGE = Path(sheetsync.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def test_every_module_opens_with_a_docstring():
    missing = [str(p.relative_to(PACKAGE)) for p in MODULES if ast.get_docstring(_tree(p)) is None]
    assert not missing, missing


def test_every_public_function_and_class_has_a_docstring():
    missing = []
    for path in MODULES:
        for node in _tree(path).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith(
                "_"
            ):
                if ast.get_docstring(node) is None:
                    missing.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert not missing, "\n".join(missing)


def test_no_public_name_is_defined_in_two_modules():
    where = defaultdict(list)
    for path in MODULES:
        for node in _tree(path).body:
            names = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in names:
                if not name.startswith("__") and name not in ("main", "cli"):
                    where[name].append(str(path.relative_to(PACKAGE)))
    twice = {name: places for name, places in where.items() if len(places) > 1}
    assert not twice, twice
