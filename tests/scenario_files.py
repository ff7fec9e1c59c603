"""The scenario files of tests/scenarios: one situation from the articles each."""

from __future__ import annotations

from pathlib import Path

import yaml

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def scenario_paths() -> list:
    return sorted(SCENARIOS.glob("*.yaml"))


def load_scenario(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
