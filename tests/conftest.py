"""Shared fixtures: the shipped rule base, and running the CLI in this process (`adieu`) or,
where the process itself is the point (console script, signals, hangs), in a subprocess."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from expert.advisor import Advisor

ROOT = Path(__file__).resolve().parent.parent

# The second tier (`pytest -m slow`, which .ci/run runs after `make test`, with the properties'
# full counts: tests/strategies.py): tests whose point is a real terminal, a signal or a real
# process, and the fuzzing. `make test` skips them, and runs in one worker per CPU (xdist).
SLOW_MODULES = {
    "test_interview_e2e.py",   # the interview in a pseudo-terminal (pexpect)
    "test_atomic_writes.py",   # writers killed and interrupted mid-write
    "test_fuzz.py",            # documents fuzzed with hypothesis
    "test_bad_inputs.py",      # every bad input in its own process, under a timeout
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


# The parties of a case built in a test: a letter needs names and e-mail addresses.
PARTIES = {"client": {"name": "Client SA", "contact": "Mme Claire Petit", "email": "claire@client.example"},
           "provider": {"name": "Atelier", "signatory": "Jean Martin", "email": "jean@atelier.example"}}


def plain(text: str) -> str:
    """A document on one line, apostrophes and no-break spaces as typed: the wording is
    checked here, the typography in test_print.py."""
    return " ".join(text.replace("’", "'").split())


@pytest.fixture(scope="module")
def documents():
    from expert.documents import Documents

    return Documents()
@pytest.fixture(scope="session", autouse=True)
def english_locale():
    """Every test reads the program in the default locale (English), whatever the locale of
    the machine that runs it (session-wide, before any fixture runs a command); a test of
    another language sets LANG itself."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("LC_ALL", "LC_MESSAGES"):
            patch.delenv(name, raising=False)
        patch.setenv("LANG", "C.UTF-8")
        yield


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


def run_here(*args, cwd=None, input=None, timeout=None) -> subprocess.CompletedProcess:
    """Run `adieu ARGS` through cli.main in this process, with what a subprocess would give:
    the exit status, and stdout and stderr as text (newlines as text mode reads them)."""
    from expert.cli import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stderr = io.StringIO()
    stdin = io.StringIO(input or "")
    previous = os.getcwd()
    debug = os.environ.pop("ADIEU_DEBUG", None)
    try:
        os.chdir(cwd or ROOT)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            real_stdin, sys.stdin = sys.stdin, stdin
            try:
                status = main([str(arg) for arg in args])
            except SystemExit as exit_:   # --help
                status = exit_.code or 0
            finally:
                sys.stdin = real_stdin
    finally:
        os.chdir(previous)
        if debug is not None:
            os.environ["ADIEU_DEBUG"] = debug
    stdout.flush()
    out = stdout.buffer.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return subprocess.CompletedProcess(["adieu", *map(str, args)], status, out, stderr.getvalue())


@pytest.fixture
def adieu():
    """The CLI, in-process: `adieu(*args, cwd=..., input=...)` -> CompletedProcess."""
    return run_here
