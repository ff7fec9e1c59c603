"""Names that are not regular files: never replaced on output, refused before reading on input.

A named pipe given as a case file used to hang every command; `-o FIFO --force` replaced the
pipe (or, as root, a device) with a regular file. Every pipe, socket and device here is made
in a temporary folder, never a real system path.
"""

from __future__ import annotations

import os
import socket
import stat

import pytest

from conftest import ROOT, run_adieu

CASE = ROOT / "examples" / "late-payer.yaml"
TIMEOUT = 30


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path):
    path = tmp_path / "socket.md"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


def device(tmp_path, name: str, major: int, minor: int):
    path = tmp_path / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("cannot make a device node here (not root, or no CAP_MKNOD)")
    return path


def assert_refused_once(done, path, what: str):
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [f"adieu: {path}: {what}"]
    assert "--force" not in done.stderr


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_named_pipe_as_output_is_refused_and_left_in_place(fifo, force):
    done = run_adieu("memo", CASE, "-o", fifo, *force, timeout=TIMEOUT)
    assert_refused_once(done, fifo, "is a named pipe (FIFO), not a regular file: documents are written to regular "
                                    "files only (or, without -o, to the terminal)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == [fifo.name], "no temporary file left behind"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_socket_as_output_is_refused_and_left_in_place(unix_socket, force):
    done = run_adieu("memo", CASE, "-o", unix_socket, *force, timeout=TIMEOUT)
    assert_refused_once(done, unix_socket, "is a socket, not a regular file: documents are written to regular "
                                           "files only (or, without -o, to the terminal)")
    assert stat.S_ISSOCK(os.lstat(unix_socket).st_mode)


def test_a_null_device_is_written_through_never_replaced(tmp_path):
    null = device(tmp_path, "null", *divmod(os.stat(os.devnull).st_rdev, 256))
    done = run_adieu("memo", CASE, "-o", null, "--force", timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode) and os.lstat(null).st_rdev == os.stat(os.devnull).st_rdev
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_another_device_is_refused_with_or_without_force(tmp_path):
    zero = device(tmp_path, "zero", 1, 5)
    done = run_adieu("memo", CASE, "-o", zero, "--force", timeout=TIMEOUT)
    assert_refused_once(done, zero, "is a device, not a regular file: documents are written to regular files only "
                                    "(or, without -o, to the terminal)")
    assert stat.S_ISCHR(os.lstat(zero).st_mode)


def test_a_symlink_to_a_file_replaces_the_file_and_keeps_the_link(tmp_path):
    target = tmp_path / "memo.md"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target.name)
    done = run_adieu("memo", CASE, "-o", link, "--force", timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize("command", [
    lambda path: ("assess", path),
    lambda path: ("assess", CASE, "--policy", path),
    lambda path: ("memo", path, "-o", path.parent / "memo.md"),
    lambda path: ("portfolio", path),
], ids=["case", "policy", "memo-case", "portfolio-csv"])
def test_a_named_pipe_as_input_is_refused_before_it_is_opened(fifo, command):
    done = run_adieu(*command(fifo), timeout=TIMEOUT)  # a hang raises TimeoutExpired
    assert_refused_once(done, fifo, "is a named pipe (FIFO), expected a regular file")


def test_a_device_as_input_is_refused(tmp_path):
    zero = device(tmp_path, "zero.yaml", 1, 5)
    done = run_adieu("assess", zero, timeout=TIMEOUT)
    assert_refused_once(done, zero, "is a device, expected a regular file")


def test_a_stray_named_pipe_in_a_portfolio_folder_is_one_skipped_row(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "a.yaml").write_text(CASE.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(folder / "b.yaml")
    done = run_adieu("portfolio", folder, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [f"adieu: {folder / 'b.yaml'}: is a named pipe (FIFO), expected a regular file "
                                        f"(row skipped)"]
    assert "1 client" in done.stdout


def test_a_named_pipe_as_saved_session_is_refused(fifo, knowledge):
    # In-process: `interview --resume` needs a terminal before it reads the session.
    from expert.errors import InputError
    from expert.interview.session import load_session

    with pytest.raises(InputError) as refused:
        load_session(fifo, knowledge)  # would block forever on open() if it were opened
    assert str(refused.value) == f"{fifo}: is a named pipe (FIFO), expected a regular file"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_broken_symbolic_link_as_output_is_refused_and_left_in_place(tmp_path, force):
    link = tmp_path / "memo.md"
    link.symlink_to(tmp_path / "gone.md")
    done = run_adieu("memo", CASE, "-o", link, *force, timeout=TIMEOUT)
    assert_refused_once(done, link, "is a broken symbolic link, not a regular file: remove it or write to "
                                    "another name")
    assert link.is_symlink() and not (tmp_path / "gone.md").exists()
