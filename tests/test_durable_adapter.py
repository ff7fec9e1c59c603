"""The adapter to durable-rules' private parts holds only for the version it was read in."""

from __future__ import annotations

import ast
from pathlib import Path

from expert import durable_adapter

EXPERT = Path(durable_adapter.__file__).parent


def test_the_installed_durable_rules_is_the_version_the_adapter_was_checked_with():
    assert durable_adapter.installed_version() == durable_adapter.CHECKED_VERSION, (
        "durable-rules changed: read again the private parts listed in expert/durable_adapter.py's "
        "docstring, then update CHECKED_VERSION")


def test_only_the_adapter_imports_durable_rules():
    importers = []
    for path in sorted(EXPERT.glob("**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] in ("durable", "durable_rules_engine") for name in names):
                importers.append(path.name)
    assert set(importers) == {"durable_adapter.py"}


def test_a_rule_id_is_read_from_an_activation_with_or_without_decoding():
    assert durable_adapter.rule_of('{"pays_late":{"c":{"t":"case"}}}') == "pays_late"
    assert durable_adapter.rule_of('{"odd\\"id":{"c":{"t":"case"}}}') == 'odd"id'
    assert durable_adapter.bound_number('{"r":{"f0":{"n":12,"sid":"1"}}}', '"f0":{"n":') == 12
    assert durable_adapter.bound_number('{"r":{"f0":{"sid":"1","n":12}}}', '"f0":{"n":') is None
