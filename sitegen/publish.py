"""Stage 6, publish: swap the finished build in for site/ in one step.

Everything is written into a fresh sibling folder first (site.new-*); only when
every stage has succeeded does that folder take site/'s place. On Linux the
swap is a single renameat2(RENAME_EXCHANGE), so a reader (or a web server)
sees either the old site or the new one, never a half. A failed build never
reaches this stage, so the published site/ stays exactly as it was.

One build at a time: ``fresh_dir`` takes a lock on the folder that holds
site/ (flock, so the kernel drops it when a build is killed) and
``publish``/``discard`` give it back; a second build waits for the first,
saying so. Holding the lock, a build removes what killed builds left: their
site.new-*/site.old-* folders and their index scratch in /dev/shm (named
with the builder's process id, removed once that process is gone).
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

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
LOCK_WAIT = 15 * 60  # seconds a build waits for another (a national build takes ~3 minutes)
SCRATCH_ROOT = Path("/dev/shm")
_SCRATCH = re.compile(r"zhengming-index-([0-9]+)-")

_held: dict[Path, Path] = {}  # build folder → the folder locked for it
_locks: dict[Path, list[int]] = {}  # locked folder → [descriptor, builds of this process holding it, umask before]
SITE_UMASK = 0o022  # files 0644, folders 0755: readable by a web server whatever the builder's umask


def scratch_prefix() -> str:
    """The name a build's scratch folder starts with: it carries the process id,
    so a later build can tell a killed build's scratch from a running one's."""
    return f"zhengming-index-{os.getpid()}-"


def fresh_dir(site: Path) -> Path:
    """An empty folder beside site/ to build into (same file system), once no
    other build of this folder runs; what killed builds left is removed first."""
    site.parent.mkdir(parents=True, exist_ok=True)
    folder = site.parent.resolve()
    if folder in _locks:  # this process holds it already (a build that never published or discarded)
        _locks[folder][1] += 1
    else:
        _locks[folder] = [_lock(folder), 1, os.umask(SITE_UMASK)]  # children (workers, Pagefind) inherit it
    try:
        remove_stale(site)
        out = Path(tempfile.mkdtemp(prefix=f"{site.name}.new-", dir=site.parent))
    except BaseException:
        _release(folder)
        raise
    _held[out] = folder
    return out


def _lock(folder: Path) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    print(f"{shown(folder)}：另一个生成正在进行，等它完成后再继续…… (another build of this folder is running; waiting)", file=sys.stderr, flush=True)
    deadline = time.monotonic() + LOCK_WAIT
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            continue
    os.close(fd)
    raise BuildError([Problem(shown(folder), 1, 1, "", f"另一个生成已经进行了 {LOCK_WAIT // 60} 分钟以上还没结束，本次没有生成；请确认它是否卡住 (another build holds the lock)")])


def _unlock(build: Path) -> None:
    folder = _held.pop(build, None)
    if folder is not None:
        _release(folder)


def _release(folder: Path) -> None:
    lock = _locks[folder]
    lock[1] -= 1
    if lock[1] == 0:
        del _locks[folder]
        os.umask(lock[2])
        os.close(lock[0])  # closing the only descriptor releases the flock


def remove_stale(site: Path) -> list[Path]:
    """Remove site.new-*/site.old-* beside ``site`` and index scratch of
    processes that no longer run (call with the lock held); what was removed."""
    removed = []
    for path in site.parent.glob(f"{site.name}.*-*"):
        if path.name.startswith((f"{site.name}.new-", f"{site.name}.old-")) and path not in _held:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if SCRATCH_ROOT.is_dir():
        for path in SCRATCH_ROOT.glob("zhengming-index-*"):
            found = _SCRATCH.match(path.name)
            if found and not _alive(int(found.group(1))):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
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
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    res = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return res == 0


def publish(build: Path, site: Path) -> None:
    """Make ``build`` the new ``site``; remove the old one afterwards."""
    try:
        build.chmod(0o755)
        folder = _held.get(build)
        if folder is None or _locks[folder][2] != SITE_UMASK:
            fix_modes(build)  # a process started before the build (a kept Pagefind) wrote with another umask
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
    finally:
        _unlock(build)


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


def discard(build: Path) -> None:
    shutil.rmtree(build, ignore_errors=True)
    _unlock(build)
