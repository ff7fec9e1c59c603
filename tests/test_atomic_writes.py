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
        assert all(re.fullmatch(r"\.memo\.md\.[0-9]+-\w+\.tmp", name) for name in leftovers), leftovers


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
            # The null device (a closed standard stream is reopened on it) is no file of the user's.
            if WRITES.search(line) and "os.devnull" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


# -- the unnamed file really is used, and what kill -9 leaves is cleared ------------------------

def test_the_unnamed_temporary_file_is_linked_in_place_without_a_fallback(tmp_path, monkeypatch):
    import expert.files as files

    def no_fallback(*args):
        raise AssertionError("write_atomic fell back to a named temporary file")

    monkeypatch.setattr(files, "_write_named", no_fallback)
    if not files._write_unnamed(tmp_path / "probe", b"", 0o644, False):
        pytest.skip("no O_TMPFILE on this file system")
    write_atomic(tmp_path / "memo.md", "new\n")
    write_atomic(tmp_path / "memo.md", "newer\n", force=True)
    assert (tmp_path / "memo.md").read_text(encoding="utf-8") == "newer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.md", "probe"]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_later_write_removes_the_temporary_files_a_killed_writer_left(tmp_path):
    import expert.files as files

    stale = tmp_path / f".memo.md.{dead_pid()}-1a2b3c4d.tmp"
    alive = tmp_path / f".letter.txt.{os.getppid()}-5e6f7a8b.tmp"  # a writer still running: kept
    mine = tmp_path / ".notes.tmp"  # not of our naming: kept
    for path in (stale, alive, mine):
        path.write_text("partial", encoding="utf-8")
    files._swept.clear()
    write_atomic(tmp_path / "other.md", "x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, mine.name, "other.md"])


@needs_proc
def test_kill_9_during_a_long_portfolio_out_leaves_nothing_once_run_again(tmp_path):
    rows = ["client_name,client_email,provider_name,payment_behaviour,notice_period_days,language"]
    rows += [f"Client {i},c{i}@example.com,Studio,{'unpaid_invoices' if i % 2 else 'often_late'},{i % 90},fr"
             for i in range(4000)]
    book = tmp_path / "book.csv"
    book.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    planted = out / f".000001-client-0.memo.md.{dead_pid()}-deadbeef.tmp"  # as a kill -9 leaves it
    planted.write_text("half a me", encoding="utf-8")
    command = [sys.executable, "-m", "expert", "portfolio", str(book), "--out", str(out), "--force"]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(os.listdir(out)) < 200 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert not planted.exists(), "the first write in the folder removes what a dead writer left"
    written = [n for n in os.listdir(out) if not n.endswith(".tmp")]
    assert len(written) >= 100, "the run was killed mid-review"
    ending = (out / sorted(written)[0]).read_text(encoding="utf-8")[-200:]
    # A later run writing to that folder (here a short book, to keep the test quick) clears
    # whatever .tmp the kill left; every file under an output's name is whole.
    book.write_text("\n".join(rows[:3]) + "\n", encoding="utf-8")
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    names = os.listdir(out)
    assert [n for n in names if n.endswith(".tmp")] == []
    for name in written:
        text = (out / name).read_text(encoding="utf-8")
        assert text.endswith("\n"), name
    assert ending.endswith("\n")
