"""The README's promises stay true: its two commands exist, its policy example is valid."""

from __future__ import annotations

import re

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
