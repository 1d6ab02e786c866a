"""The package's architecture, checked from its source: imports run one way between the layers
(core <- report <- sheets <- render <- files <- excel <- cli), no module reaches another package's
private names, core never touches Excel or openpyxl, and no two gdfit modules import each other,
even through a function-local import.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "addin" / "gdfit"

# Lower rank = lower layer. The top-level ``gdfit`` module is the lazy facade: it imports no gdfit
# module (its exports are strings), so anything may read ``gdfit.__version__`` from it.
LAYERS = {"gdfit": 0, "gdfit.__main__": 7, "gdfit.core": 0, "gdfit.datasets": 0, "gdfit.report": 1,
          "gdfit.sheets": 2, "gdfit.render": 3, "gdfit.files": 4, "gdfit.excel": 5, "gdfit.cli": 6,
          "gdfit.cli_text": 6}
CORE_FORBIDDEN = ("openpyxl", "xlwings", "win32com", "pythoncom", "python_calamine")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    parts = module.split(".")
    return next(".".join(parts[:n]) for n in (2, 1) if ".".join(parts[:n]) in LAYERS)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) for every import in ``source``, function-local ones included,
    ``if TYPE_CHECKING:`` blocks left out (they never run)."""
    package = module if is_package else module.rsplit(".", 1)[0]
    found: list[tuple[str, list[str], int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, [], child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                found.append((base, [a.name for a in child.names], child.lineno))
            visit(child)

    visit(ast.parse(source, module))
    return found


def gdfit_targets(module: str, names: list[str]) -> list[str]:
    """The gdfit modules an import statement loads: ``from a.b import c`` loads a.b.c when c is a module."""
    if not module.startswith("gdfit"):
        return []
    submodules = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return submodules or [module]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for module, names, _ in imports(path):
            edges[name].update(t for t in gdfit_targets(module, names) if t in MODULES and t != name)
    return edges


def test_every_module_belongs_to_a_layer():
    assert {layer(m) for m in MODULES} <= set(LAYERS)


def test_imports_follow_the_layer_order():
    wrong = []
    for name, path in MODULES.items():
        for module, names, line in imports(path):
            for target in gdfit_targets(module, names):
                if target in MODULES and LAYERS[layer(target)] > LAYERS[layer(name)]:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line} {layer(name)} imports {target}")
    assert wrong == []


def test_core_never_imports_excel_or_workbook_libraries():
    wrong = [f"{MODULES[name].relative_to(PACKAGE)}:{line} imports {module}"
             for name in MODULES if layer(name) in ("gdfit.core", "gdfit.datasets")
             for module, _, line in imports(MODULES[name]) if module.split(".")[0] in CORE_FORBIDDEN]
    assert wrong == []


def test_no_private_name_crosses_a_package():
    wrong = []
    for name, path in MODULES.items():
        own_package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for module, names, line in imports(path):
            if not module.startswith("gdfit"):
                continue
            target_package = module if module in MODULES and MODULES[module].name == "__init__.py" \
                else module.rsplit(".", 1)[0]
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and target_package != own_package:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} takes {private} from {module}")
    assert wrong == []


def test_no_import_loops_between_gdfit_modules():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def strongly_connect(v: str) -> None:  # Tarjan's algorithm, recursive: the graph is small
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strongly_connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for v in edges:
        if v not in index:
            strongly_connect(v)
    assert loops == []


@pytest.mark.parametrize("source, expected", [
    ("from gdfit.report.model import Report\n", ["gdfit.report.model"]),
    ("def f():\n    from gdfit.files import book\n", ["gdfit.files.book"]),
    ("from ..report import a1\n", ["gdfit.report.a1"]),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from gdfit.files.book import x\n", []),
])
def test_the_checker_sees_top_level_and_local_imports_but_not_type_checking(source, expected):
    # The checks above can only fail if the parser finds the imports; this proves it does.
    found = [t for m, n, _ in imports_in(source, "gdfit.core.data", False) for t in gdfit_targets(m, n)]
    assert found == expected
