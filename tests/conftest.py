"""Shared fixtures: the shipped rule base, and running the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from expert.advisor import Advisor

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return Advisor()


@pytest.fixture(scope="session")
def knowledge(advisor):
    return advisor.knowledge


def run_adieu(*args, cwd=None, input=None, timeout=60) -> subprocess.CompletedProcess:
    """Run `python -m expert ARGS` as a user would, capturing its output."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("ADIEU_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "expert", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, input=input, timeout=timeout, env=env)


@pytest.fixture
def adieu():
    return run_adieu
