"""The project's imports read top-down: each package imports only the packages below it (the table
here is the layering), and no modules import each other in a circle. Read from the code's own import
statements, module level and inside functions alike."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each package and the project packages it may import. Council logic is at the bottom and imports
# none of them; the entry points (webserver, deploy, evaluation) are at the top and nothing imports them.
MAY_IMPORT: dict[str, set[str]] = {
    "community_safety": set(),
    "rasa_patches": set(),
    "web_security": {"community_safety"},
    "nlu": {"community_safety"},
    "rasa_sdk_plugins": {"community_safety"},
    "bot": {"community_safety", "nlu", "web_security"},
    "staff": {"community_safety", "web_security"},
    "actions": {"community_safety", "nlu", "rasa_patches"},
    "webserver": {"community_safety", "bot", "staff"},
    "deploy": {"community_safety", "rasa_patches", "rasa_sdk_plugins"},
    "evaluation": {"community_safety", "nlu", "staff", "deploy", "bot"},
}


def project_modules() -> dict[str, Path]:
    found = {}
    for package in MAY_IMPORT:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules this file imports (``from a.b import c`` is a.b.c when that is a module)."""
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            named.update(f"{node.module}.{alias.name}" for alias in node.names)
            named.add(node.module)
    return {name for name in named if name in modules}


def test_every_package_of_the_project_has_its_place_in_the_layering():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"}
    assert packages == set(MAY_IMPORT), "add the new package to MAY_IMPORT, below what imports it"


def test_each_package_imports_only_the_packages_below_it():
    modules = project_modules()
    wrong = []
    for name, path in modules.items():
        package = name.split(".")[0]
        for imported in imports_of(path, modules):
            other = imported.split(".")[0]
            if other != package and other not in MAY_IMPORT[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert wrong == []


def test_council_logic_imports_no_channel_app_or_entry_point():
    modules = project_modules()
    for name, path in modules.items():
        if name.startswith("community_safety"):
            assert all(i.startswith("community_safety") for i in imports_of(path, modules)), name


def test_no_modules_import_each_other_in_a_circle():
    modules = project_modules()
    graph = {name: imports_of(path, modules) for name, path in modules.items()}
    # A package's __init__ importing its own modules to register them (the staff views' blueprint)
    # is how Flask blueprints are put together, not a circle of meaning.
    for name, imported in graph.items():
        if modules[name].name == "__init__.py":
            graph[name] = {i for i in imported if not i.startswith(f"{name}.")}
    circles = _strongly_connected(graph)
    assert circles == [], circles


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of two or more modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_circle_finder_finds_a_circle():
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []
