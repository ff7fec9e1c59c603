"""Nothing the user has is lost: a write killed half-way leaves the old file or the new one.

A child process writes a large file through files.write_atomic, slowed down to a megabyte at a
time so that the test can kill it mid-write; the target must then hold its old content (or not
exist), and nothing must be left that could pass for output.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from expert.errors import OutputExists
from expert.files import write_atomic

SIZE = 64 * 1024 * 1024
CHILD = """
import os, sys, time
from expert.files import write_atomic

if sys.argv[3] == "named":          # the portable way: a hidden temporary file, then a rename
    del os.O_TMPFILE
real_write, announced = os.write, []

def slow_write(fd, data):          # a megabyte at a time, so that the kill lands mid-write
    written = real_write(fd, bytes(data[:1 << 20]))
    if not announced:
        announced.append(1)
        print("writing", flush=True)
    time.sleep(0.005)
    return written

os.write = slow_write
write_atomic(sys.argv[1], b"N" * int(sys.argv[2]), force=True)
print("done", flush=True)
"""


def start_writer(target: Path, way: str) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(SIZE), way], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "writing\n", child.stderr.read()
    return child


def bytes_being_written(child: subprocess.Popen, folder: Path) -> int:
    """Size of the file the child has open in `folder` (named or not): proof it is mid-write."""
    for _ in range(200):
        for fd in os.listdir(f"/proc/{child.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{child.pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(str(folder)):
                size = os.stat(f"/proc/{child.pid}/fd/{fd}").st_size
                if size:
                    return size
        time.sleep(0.01)
    return 0


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc to watch the child")


@needs_proc
@pytest.mark.parametrize("way", ["unnamed", "named"])
def test_write_killed_midway_leaves_the_old_file_intact(tmp_path, way):
    target = tmp_path / "memo.md"
    target.write_text("the memo the user already had\n", encoding="utf-8")
    child = start_writer(target, way)
    written = bytes_being_written(child, tmp_path)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert 0 < written < SIZE, "the child was killed while writing"
    assert target.read_text(encoding="utf-8") == "the memo the user already had\n"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p != target)
    if way == "unnamed":
        assert leftovers == [], "the unnamed file vanishes with the process"
    else:  # kill -9 cannot be caught: a hidden .tmp may stay, never under an output's name
        assert all(re.fullmatch(r"\.memo\.md\.\w+\.tmp", name) for name in leftovers), leftovers


@needs_proc
def test_new_file_killed_midway_does_not_appear(tmp_path):
    target = tmp_path / "letter.eml"
    child = start_writer(target, "unnamed")
    assert bytes_being_written(child, tmp_path) > 0
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert list(tmp_path.iterdir()) == []


@needs_proc
@pytest.mark.parametrize("way", ["unnamed", "named"])
def test_ctrl_c_midway_keeps_the_old_file_and_leaves_nothing(tmp_path, way):
    target = tmp_path / "case.yaml"
    target.write_text("answers: {}\n", encoding="utf-8")
    child = start_writer(target, way)
    assert bytes_being_written(child, tmp_path) > 0
    child.send_signal(signal.SIGINT)
    _, errors = child.communicate(timeout=30)
    assert child.returncode != 0 and "KeyboardInterrupt" in errors
    assert target.read_text(encoding="utf-8") == "answers: {}\n"
    assert list(tmp_path.iterdir()) == [target]


@needs_proc
@pytest.mark.parametrize("way", ["unnamed", "named"])
def test_finished_write_replaces_the_file_whole(tmp_path, way):
    target = tmp_path / "memo.md"
    target.write_text("old\n", encoding="utf-8")
    child = start_writer(target, way)
    out, errors = child.communicate(timeout=120)
    assert out == "done\n", errors
    assert target.stat().st_size == SIZE
    assert list(tmp_path.iterdir()) == [target]


def test_existing_file_is_kept_without_force(tmp_path):
    target = tmp_path / "memo.md"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputExists, match="already exists"):
        write_atomic(target, "theirs\n")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert list(tmp_path.iterdir()) == [target]


def test_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "private.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    write_atomic(target, "new\n", force=True)
    assert (target.read_text(encoding="utf-8"), target.stat().st_mode & 0o777) == ("new\n", 0o600)


WRITES = re.compile(r"\.write_(text|bytes)\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|os\.(open|replace|rename)\(|"
                    r"shutil\.(copy\w*|move)\(|mkstemp\(|NamedTemporaryFile\(")


def test_every_file_the_package_writes_goes_through_write_atomic():
    offenders = []
    for path in sorted((ROOT / "expert").rglob("*.py")):
        if path.name == "files.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITES.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
