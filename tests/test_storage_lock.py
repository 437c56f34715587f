"""Single-writer lock and crash safety, with real child processes."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.storage.models import ProjectMeta
from app.storage.project import Project, ProjectLockedError

REPO = Path(__file__).resolve().parent.parent
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _child(code: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )


def _readline(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        assert proc.stderr is not None
        raise AssertionError("child ended early: " + proc.stderr.read())
    return line.strip()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = Project.create(tmp_path / "lock.smartrec", ProjectMeta(state_under_review="Kenya"))
    p.add_draft(text="start")
    p.close()
    return p.path


def test_second_open_in_same_process_is_locked(path: Path) -> None:
    first = Project.open(path)
    with pytest.raises(ProjectLockedError, match="already open in another SMARTrec window") as info:
        Project.open(path)
    assert info.value.pid == os.getpid()
    with pytest.raises(ProjectLockedError):
        Project.create(path, ProjectMeta(), overwrite=True)  # no clobbering an open project
    assert [d.text for d in first.drafts()] == ["start"]
    first.close()
    second = Project.open(path)
    assert not second.read_only
    second.close()


def test_second_open_from_another_process(path: Path) -> None:
    proc = _child(
        """
        import sys
        from app.storage.project import Project
        p = Project.open(sys.argv[1])
        print("open", flush=True)
        sys.stdin.readline()
        p.close()
        print("closed", flush=True)
        """,
        str(path),
    )
    try:
        assert _readline(proc) == "open"
        with pytest.raises(ProjectLockedError) as info:
            Project.open(path)
        assert info.value.pid == proc.pid
        assert f"process {proc.pid}" in str(info.value)
        viewer = Project.open(path, read_only=True)  # viewing is still possible
        assert viewer.read_only
        viewer.close()
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert _readline(proc) == "closed"
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        proc.wait(timeout=60)
    p = Project.open(path)
    assert [d.text for d in p.drafts()] == ["start"]
    p.close()


def test_save_copy_refuses_to_overwrite_a_project_open_elsewhere(
    path: Path, tmp_path: Path
) -> None:
    other = Project.create(tmp_path / "other.smartrec", ProjectMeta())
    mine = Project.open(path)
    with pytest.raises(ProjectLockedError):
        mine.save_copy(other.path)
    other.close()
    mine.save_copy(other.path)
    mine.close()


@POSIX_ONLY
def test_kill_9_keeps_every_committed_change(path: Path) -> None:
    proc = _child(
        """
        import sys
        from app.storage.project import Project
        p = Project.open(sys.argv[1])
        draft_id = p.drafts()[0].id
        i = 0
        while True:
            i += 1
            with p.transaction():  # text and snapshot commit together or not at all
                p.update_draft(draft_id, text=f"iteration {i} " + "x" * (i % 50))
                p.add_snapshot(draft_id, f"iteration {i}", i % 100)
            print(i, flush=True)
        """,
        str(path),
    )
    try:
        last = 0
        for _ in range(25):
            last = int(_readline(proc))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    # The dead process never checkpointed: its commits are only in the -wal file.
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    p = Project.open(path)  # the dead child's lock is not stale
    text = p.drafts()[0].text
    committed = int(text.split()[1])
    assert committed >= last
    assert text == f"iteration {committed} " + "x" * (committed % 50)
    assert p.history(p.drafts()[0].id)[-1].text == f"iteration {committed}"
    p.update_draft(p.drafts()[0].id, text="after the crash")
    p.close()
    p = Project.open(path)
    assert p.drafts()[0].text == "after the crash"
    p.close()


@POSIX_ONLY
def test_pid_file_fallback_without_os_locks(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some network shares refuse flock(); then the pid/host in the lock file decides."""
    import json
    import socket

    from app.storage import lock as lock_mod

    def no_os_lock(fd: int) -> bool:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lock_mod, "_try_os_lock", no_os_lock)
    first = Project.open(path)
    with pytest.raises(ProjectLockedError):
        Project.open(path)
    first.close()

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=60)
    lock_file = path.with_name(path.name + ".lock")
    lock_file.write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname()}))
    p = Project.open(path)  # a dead pid on this host is a stale lock
    p.close()

    lock_file.write_text(json.dumps({"pid": 1, "host": "another-machine"}))
    with pytest.raises(ProjectLockedError, match="another-machine"):
        Project.open(path)


@POSIX_ONLY
def test_symlinked_path_meets_the_same_lock(path: Path, tmp_path: Path) -> None:
    other_dir = tmp_path / "elsewhere"
    other_dir.mkdir()
    link = other_dir / "alias.smartrec"
    link.symlink_to(path)
    first = Project.open(path)
    with pytest.raises(ProjectLockedError):
        Project.open(link)
    first.close()
    Project.open(link).close()
