"""The import graph: no cycle between packages of survey/, and errors.py needs no feature.

Imports are read from the source (module level and inside functions alike), not from a running
interpreter: an import hidden in a function still ties two packages together.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import survey

SURVEY = Path(survey.__file__).resolve().parent
#: The composition root: it may import every feature, and no feature may import it.
ROOTS = {"survey", "survey.cli", "survey.models"}

Graph = dict[str, dict[str, list[str]]]


def _module_name(path: Path) -> str:
    parts = path.relative_to(SURVEY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Return every module an AST imports (absolute names), with the line of each import."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # "from survey import signals" imports the module survey.signals, not survey.
                name = f"{base}.{alias.name}"
                found.append((name if _is_module(name) else base, node.lineno))
    return found


def _is_module(name: str) -> bool:
    path = SURVEY.parent.joinpath(*name.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def _node(module: str) -> str | None:
    """Return the graph node of a module: its package under survey/, or the module itself."""
    parts = module.split(".")
    if parts[0] != "survey":
        return None
    if len(parts) == 1 or module in ROOTS:
        return module
    if (SURVEY / parts[1]).is_dir():
        return f"survey.{parts[1]}"
    if (SURVEY / f"{parts[1]}.py").is_file():
        return f"survey.{parts[1]}"
    return None


def import_graph() -> Graph:
    """Return node -> imported node -> the places ("file:line") that import it."""
    graph: Graph = defaultdict(lambda: defaultdict(list))
    for path in sorted(SURVEY.rglob("*.py")):
        module = _module_name(path)
        source = _node(module)
        assert source is not None, module
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line in _imported(tree, module, path.name == "__init__.py"):
            target = _node(name)
            if target is not None and target != source:
                graph[source][target].append(f"{path.relative_to(SURVEY.parent)}:{line}")
    return graph


def _reachable(graph: Graph, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), {}):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def cycles(graph: Graph) -> list[list[str]]:
    """Return the groups of nodes that import one another, directly or not, sorted."""
    reach = {node: _reachable(graph, node) for node in graph}
    groups = {
        frozenset({node} | {other for other in reach[node] if node in reach.get(other, ())})
        for node in graph
        if node in reach[node]
    }
    return sorted(sorted(group) for group in groups)


def _explain(graph: Graph, group: list[str]) -> str:
    lines = [" <-> ".join(group)]
    for source in group:
        for target in group:
            if target in graph.get(source, {}):
                lines.append(f"  {source} -> {target}: {', '.join(graph[source][target])}")
    return "\n".join(lines)


def test_no_import_cycle_between_packages() -> None:
    graph = import_graph()
    # The root modules create the app from every feature (and the `survey` script creates
    # the app); that no feature imports them is checked below.
    found = cycles({node: edges for node, edges in graph.items() if node not in ROOTS})
    assert found == [], "import cycles:\n" + "\n".join(_explain(graph, g) for g in found)


def test_no_feature_imports_the_composition_root() -> None:
    graph = import_graph()
    offenders = {
        f"{source} -> {root}: {', '.join(graph[source][root])}"
        for source in graph
        if source not in ROOTS
        for root in ROOTS
        if root in graph[source]
    }
    assert offenders == set()


def test_errors_depends_on_no_feature() -> None:
    graph = import_graph()
    features = {name for name in graph["survey.errors"] if (SURVEY / name.split(".")[1]).is_dir()}
    assert features == set(), dict(graph["survey.errors"])


def test_the_checker_sees_imports_inside_functions_and_cycles() -> None:
    source = (
        "def f():\n    from survey.webhooks.services import x\n\n"
        "from .. import signals\nfrom survey import create_app\n"
    )
    found = _imported(ast.parse(source), "survey.responding.services", is_package=False)
    assert sorted(found) == [("survey", 5), ("survey.signals", 4), ("survey.webhooks.services", 2)]
    assert [_node(name) for name, _ in sorted(found)] == [
        "survey",
        "survey.signals",
        "survey.webhooks",
    ]
    graph: Graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert cycles(graph) == [["a", "b", "c"]]
