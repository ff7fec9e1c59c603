"""Rule-base loops: found before a rule base is used, and bounded while a case runs.

A rule that concludes a finding its own conditions need, or rules that conclude each other's
conditions, would fire forever: each firing asserts a finding that matches again. The checker
refuses such a rule base (`derivation_loops`), naming each rule of the loop where it is
written; the engine also stops one case after a number of firings set in data
(`firing_limit`: knowledge/engine.yaml), so that no rule base can hang a command.
"""

from __future__ import annotations

from . import conditions
from .errors import KnowledgeError
from .files import read_document
from .knowledge import Knowledge

ENGINE_FILE = "engine.yaml"
LIMIT_KEY = "max_firings_per_case"
DEFAULT_LIMIT = 10_000  # a rule base without engine.yaml; the shipped one fires about thirty rules a case
LIMIT_RANGE = (1, 1_000_000)


def derivation_graph(knowledge: Knowledge) -> dict:
    """rule id -> ids of the rules whose conditions need the finding it concludes."""
    graph = {rule.id: [] for rule in knowledge.rules}
    for rule in knowledge.rules:
        finding = rule.conclusion.get("finding")
        if finding is None:
            continue
        category, severity = knowledge.findings[finding].category, rule.conclusion.get("severity")
        graph[rule.id] = [other.id for other in knowledge.rules
                          if any(c.kind == "finding" and conditions.matches(c, finding, severity, category)
                                 for c in other.conditions)]
    return graph


def derivation_loops(knowledge: Knowledge) -> list:
    """(first rule, message), one per loop: the message names the rules in order, with file:line."""
    graph = derivation_graph(knowledge)
    rules = {rule.id: rule for rule in knowledge.rules}
    problems = []
    for loop in _cycles(graph):
        first = rules[loop[0]]
        if len(loop) == 1:
            message = (f"rule '{first.id}' concludes {_finding(first)}, which its own conditions need: "
                       f"it would fire forever")
        else:
            steps = ", ".join(f"'{rules[a].id}' ({rules[a].file}:{rules[a].line}) concludes {_finding(rules[a])} "
                              f"needed by '{rules[b].id}'" for a, b in zip(loop, loop[1:] + loop[:1]))
            message = f"rules conclude each other's conditions in a loop and would fire forever: {steps}"
        problems.append((first, message))
    return problems


def _finding(rule) -> str:
    return f"finding '{rule.conclusion['finding']}'"


def _cycles(graph: dict) -> list:
    """One cycle per strongly connected component that loops (Tarjan), as rule ids in the
    order they feed each other, starting from the first rule of the file order."""
    order = list(graph)
    position = {node: i for i, node in enumerate(order)}
    index, low, stack, on_stack, components = {}, {}, [], set(), []
    counter = 0
    for root in order:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(set(component))
    return [_path_through(graph, component, min(component, key=position.get)) for component in
            sorted(components, key=lambda c: min(position[n] for n in c))]


def _path_through(graph: dict, component: set, start: str) -> list:
    """The shortest cycle from `start` back to itself inside its component (breadth first)."""
    if start in graph[start]:
        return [start]
    parents, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in graph[node]:
                if successor == start:
                    path = [node]
                    while parents[path[-1]] is not None:
                        path.append(parents[path[-1]])
                    return path[::-1]
                if successor in component and successor not in parents:
                    parents[successor] = node
                    following.append(successor)
        frontier = following
    return [start]


def firing_limit(knowledge: Knowledge) -> int:
    """The most rule firings one case may take (knowledge/engine.yaml), past which the
    engine stops the case with an error rather than loop."""
    path = knowledge.root / ENGINE_FILE
    if not path.exists():
        return DEFAULT_LIMIT
    doc = read_document(path)
    value = doc.data.get(LIMIT_KEY) if isinstance(doc.data, dict) else None
    low, high = LIMIT_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        line = doc.line(LIMIT_KEY) if isinstance(doc.data, dict) and LIMIT_KEY in doc.data else None
        raise KnowledgeError(path, f"expected a whole number from {low:,} to {high:,} (the most rule firings "
                                   f"one case may take)", key=LIMIT_KEY, line=line)
    unknown = sorted(set(doc.data) - {LIMIT_KEY}, key=str)
    if unknown:
        raise KnowledgeError(path, f"unknown setting (expected {LIMIT_KEY})", key=str(unknown[0]),
                             line=doc.line(unknown[0]))
    return value
