"""One build at a time, and nothing left behind by a killed one: a build
killed mid-render (SIGKILL, SIGTERM) leaves its site.new-* folder and its
/dev/shm scratch; the next build of the same site removes them. A second
build started while one runs waits for it (saying so) instead of racing it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

GOLDEN_CONTENT = ROOT / "tests" / "golden" / "content"
SHM = Path("/dev/shm")


def start_build(site: Path, content: Path = GOLDEN_CONTENT) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--site", str(site)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def rendering(site: Path) -> bool:
    """A site.new-* folder beside ``site`` already holds pages."""
    return any(any(p.rglob("*.html")) for p in site.parent.glob(f"{site.name}.new-*"))


def left_beside(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name != site.name)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_next_build_removes_what_a_killed_build_left(tmp_path, sig):
    site = tmp_path / "site"
    proc = start_build(site)
    wait_for(lambda: rendering(site))
    os.killpg(proc.pid, sig)
    proc.wait(timeout=30)
    assert left_beside(site), "the kill came too late to leave anything: the test proves nothing"
    # scratch of a build that no longer runs, named as a build names it (publish.scratch_prefix)
    stale = SHM / f"zhengming-index-{proc.pid}-test"
    if SHM.is_dir():
        stale.mkdir()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(GOLDEN_CONTENT), "--site", str(site)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert left_beside(site) == []
    assert not stale.exists()
    assert (site / "index.html").is_file()


def test_running_builds_scratch_is_kept(tmp_path):
    """Scratch named with a live process's id is another build's: kept."""
    if not SHM.is_dir():
        pytest.fail("/dev/shm is missing: the build's scratch cleanup cannot be tested here")
    mine = SHM / f"zhengming-index-{os.getpid()}-test"
    mine.mkdir()
    try:
        from sitegen.publish import remove_stale

        assert mine not in remove_stale(tmp_path / "site")
        assert mine.is_dir()
    finally:
        mine.rmdir()


def test_second_build_waits_for_the_first(tmp_path):
    """The lock held (as a running build holds it): a build says it waits,
    writes nothing beside site/ meanwhile, and builds once the lock is free."""
    import fcntl

    site = tmp_path / "site"
    holder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    second = start_build(site)
    try:
        first_line = second.stderr.readline()  # blocks until the build says something
        assert "另一个生成正在进行" in first_line
        time.sleep(1)
        assert second.poll() is None and left_beside(site) == []
    finally:
        os.close(holder)
    try:
        out, err = second.communicate(timeout=300)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
    assert second.returncode == 0, err
    assert (site / "index.html").is_file() and left_beside(site) == []


def test_two_builds_at_once_both_finish_cleanly(tmp_path):
    site = tmp_path / "site"
    builds = [start_build(site) for _ in range(2)]
    try:
        results = [b.communicate(timeout=300) for b in builds]
    finally:
        for b in builds:
            if b.poll() is None:
                os.killpg(b.pid, signal.SIGKILL)
    assert [b.returncode for b in builds] == [0, 0], results
    assert (site / "index.html").is_file() and left_beside(site) == []


def test_site_is_readable_by_a_web_server_whatever_the_umask(tmp_path):
    """Built under umask 077 (the builder's files private by default), the
    site is still 0755 folders and 0644 files, Pagefind's output included."""
    import stat

    site = tmp_path / "site"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(GOLDEN_CONTENT), "--site", str(site)],
                          capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(0o077))
    assert done.returncode == 0, done.stderr
    modes = {p.relative_to(site).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in [site, *site.rglob("*")]}
    assert any(rel.startswith("pagefind/") for rel in modes)
    wrong = {rel: oct(m) for rel, m in modes.items() if m != (0o755 if (site / rel).is_dir() else 0o644)}
    assert wrong == {}
