"""The package's shape: no import circle in expert/, however deep or lazy the import."""

from __future__ import annotations

import ast
from pathlib import Path

EXPERT = Path(__file__).resolve().parent.parent / "expert"


def _module_name(path: Path) -> str:
    parts = path.relative_to(EXPERT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node, parents) -> bool:
    return any(isinstance(p, ast.If) and "TYPE_CHECKING" in ast.unparse(p.test) for p in parents)


def imports() -> dict:
    """expert module -> the expert modules it imports anywhere (function bodies included;
    `if TYPE_CHECKING:` blocks left out: they never run)."""
    graph = {}
    modules = {_module_name(p): p for p in EXPERT.glob("**/*.py")}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()

        def visit(node, parents):
            for child in ast.iter_child_nodes(node):
                targets = []
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        anchor = package.split(".")[:len(package.split(".")) - child.level + 1]
                        base = ".".join(anchor + ([base] if base else []))
                    targets = [base] + [f"{base}.{alias.name}" for alias in child.names]
                if targets and not _type_checking_only(child, parents):
                    found.update(t for t in targets if t in modules and t != name)
                visit(child, parents + [child])

        visit(ast.parse(path.read_text(encoding="utf-8")), [])
        graph[name] = found
    return graph


def cycles(graph: dict) -> list:
    """Each import circle once, as the list of modules around it."""
    found, state, stack = [], {}, []

    def walk(module):
        state[module] = "open"
        stack.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                found.append(stack[stack.index(other):] + [other])
            elif other not in state:
                walk(other)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module)
    return found


def test_no_module_of_expert_imports_a_module_that_imports_it_back():
    graph = imports()
    assert "expert.knowledge" in graph and "expert.conditions" in graph["expert.knowledge"]
    assert cycles(graph) == [], "\n".join(" -> ".join(c) for c in cycles(graph))


def test_the_cycle_finder_finds_a_circle_through_a_third_module():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def _shipped_words() -> set:
    """The ids of the shipped rule base that no English sentence uses by chance: every id
    with an underscore (factors, findings, values such as exit_now, settings) and the
    outcome attributes. `red_lines` is left out: it is also the type of setting the policy
    loader knows (policy.yaml's `type: red_lines`), engine vocabulary rather than domain."""
    from expert.knowledge import load_knowledge

    k = load_knowledge()
    ids = set(k.factors) | set(k.findings) | set(k.categories) | set(k.severities) | set(k.settings)
    ids |= {value for outcome in k.outcomes.values() for value in outcome.values if isinstance(value, str)}
    ids |= {value for factor in k.factors.values() for value in factor.values if isinstance(value, str)}
    return {word for word in ids if "_" in word} - {"red_lines"} | set(k.outcomes)


def test_no_python_file_outside_tests_names_a_word_of_the_shipped_rule_base():
    """The engine is generic: every factor, finding, outcome, category, severity and setting
    is named only in knowledge/ and templates/ (string literals and names are both read)."""
    import re

    words = _shipped_words()
    found = []
    for path in sorted(EXPERT.glob("**/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                named = set(re.findall(r"[a-z][a-z0-9_]*", node.value)) & words
                found += [f"{path.name}:{node.lineno}: {w}" for w in sorted(named)]
            elif isinstance(node, (ast.Name, ast.Attribute)):
                name = node.id if isinstance(node, ast.Name) else node.attr
                if name in words:
                    found.append(f"{path.name}:{node.lineno}: {name}")
    assert found == []
