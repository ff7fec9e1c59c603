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


# A case stored by a rule that then has nothing to fire (here: it waits for a fact that never
# comes), its state deleted: in a fresh process, the first such state freed uninitialised
# memory and aborted the process (durable-rules 2.0.28, state.c), unless the ruleset was primed.
NOTHING_FIRES = """
import sys
from expert.durable_adapter import Ruleset, encode
for round in range(3):
    ruleset = Ruleset(f"waiting{round}", {"wait": {"all": [{"c": {"t": "case"}}, {"x": {"t": "never"}}]}})
    assert ruleset.fired({"t": "case", "sid": "1", "n": round}, "1") == []
    ruleset.close()
print("ok")
"""


def test_deleting_a_case_that_fired_nothing_does_not_abort_the_process():
    import os
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, "-c", NOTHING_FIRES], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr[-500:]


def test_the_adapters_own_rule_name_cannot_be_taken():
    import pytest

    with pytest.raises(ValueError):
        durable_adapter.Ruleset("taken", {durable_adapter.PRIMER: {"all": [{"m": {"t": "case"}}]}})
