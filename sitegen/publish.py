"""Stage 7, publish: swap the finished build in for site/ in one step.

A build writes into a fresh sibling folder (site.new-*), which takes site/'s
place in one renameat2(RENAME_EXCHANGE) when every stage has succeeded: a
reader sees the old site or the new one. One build of a folder at a time
(``Staging``); it removes what killed builds left.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

from .problems import BuildError, Problem, shown

LOCK_WAIT = 15 * 60  # seconds a build waits for another (a national build takes ~3 minutes)
SCRATCH_ROOT = Path("/dev/shm")
_SCRATCH = re.compile(r"zhengming-index-([0-9]+)-")
SITE_UMASK = 0o022  # files 0644, folders 0755: readable by a web server whatever the builder's umask


def scratch_prefix() -> str:
    """The start of a build's scratch folder name: with the process id, so a later
    build can tell a killed build's scratch from a running one's."""
    return f"zhengming-index-{os.getpid()}-"


class Staging:
    """An empty folder beside ``site`` (same file system) to build into, made once no
    other build of that folder runs: a flock on the folder holding site/, which the
    kernel drops when a build is killed. ``publish`` or ``discard`` gives it back."""

    def __init__(self, site: Path, wait: float = LOCK_WAIT):
        self.site = site
        site.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = _lock(site.parent.resolve(), wait)
        self._umask = os.umask(SITE_UMASK)  # children (workers, Pagefind) inherit it
        try:
            remove_stale(site)
            self.path = Path(tempfile.mkdtemp(prefix=f"{site.name}.new-", dir=site.parent))
        except BaseException:
            self._release()
            raise

    def publish(self) -> None:
        """Make the folder the new site/; remove the old one afterwards."""
        try:
            # a process started before the build (a kept Pagefind) wrote with the old umask
            swap(self.path, self.site, fix=self._umask != SITE_UMASK)
        finally:
            self._release()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.umask(self._umask)
            os.close(self._fd)  # closing the only descriptor releases the flock
            self._fd = None


def _lock(folder: Path, wait: float) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    deadline, said = time.monotonic() + wait, False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            os.close(fd)
            minutes = int(wait // 60)
            raise BuildError([Problem(shown(folder), 1, 1, "", f"另一个生成已经进行了 {minutes} 分钟以上还没结束，"
                                      "本次没有生成；请确认它是否卡住 (another build holds the lock)")])
        if not said:
            print(f"{shown(folder)}：另一个生成正在进行，等它完成后再继续…… (another build of this folder is running; waiting)",
                  file=sys.stderr, flush=True)
            said = True
        time.sleep(0.2)


def remove_stale(site: Path) -> list[Path]:
    """Remove site.new-*/site.old-* beside ``site`` and index scratch of processes
    that no longer run (call with the lock held); what was removed."""
    removed = [p for p in site.parent.glob(f"{site.name}.*-*")
               if p.name.startswith((f"{site.name}.new-", f"{site.name}.old-"))]
    if SCRATCH_ROOT.is_dir():
        for path in SCRATCH_ROOT.glob("zhengming-index-*"):
            found = _SCRATCH.match(path.name)
            if found and not _alive(int(found.group(1))):
                removed.append(path)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) where libc has it."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap(build: Path, site: Path, fix: bool = True) -> None:
    """Make ``build`` the new ``site`` (folders 0755 and files 0644 first if ``fix``);
    remove the old one afterwards."""
    build.chmod(0o755)
    if fix:
        fix_modes(build)
    if not site.exists():
        os.rename(build, site)
        return
    if _exchange(build, site):
        old = build  # after the exchange the build path holds the old site
    else:  # two renames: a moment without site/, but never a mixed one
        old = site.with_name(f"{site.name}.old-{os.getpid()}")
        os.rename(site, old)
        os.rename(build, site)
    shutil.rmtree(old, ignore_errors=True)


def fix_modes(tree: Path) -> None:
    """Folders 0755, files 0644 (a file that was executable 0755) under ``tree``."""
    for folder, dirs, files in os.walk(tree):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                os.chmod(path, 0o755 if mode & 0o100 else 0o644)
