"""The README's promises stay true: its two commands exist, its policy example is valid."""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT
from expert.policy import load_policy

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_exactly_the_two_fresh_machine_commands_and_make_has_them():
    block = README.split("## On a fresh machine")[1].split("```sh")[1].split("```")[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_policy_example_is_a_valid_policy(knowledge, tmp_path):
    example = README.split("```yaml")[1].split("```")[0]
    path = tmp_path / "policy.yaml"
    path.write_text(re.sub(r"^ {2}", "", example, flags=re.M), encoding="utf-8")
    policy = load_policy(knowledge, path)
    assert policy.number("max_revenue_share") == 15
    assert policy.red_lines == (("abusive_to_staff", "rude"),)



def test_make_builds_the_engine_pinned_in_pyproject_with_the_python_313_alias_at_O2():
    dry_run = subprocess.run(["make", "-n", "test", "VENV=.venv-dry-run"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    pin = re.search(r'"(durable-rules==[^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    build = " ".join(line for line in dry_run.splitlines() if "--no-binary durable-rules" in line)
    assert "CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject -O2'" in build
    assert pin in dry_run and "--no-cache-dir" in build
