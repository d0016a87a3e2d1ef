"""Stage 6, publish: swap the finished build in for site/ in one step.

Everything is written into a fresh sibling folder first (site.new-*); only when
every stage has succeeded does that folder take site/'s place. On Linux the
swap is a single renameat2(RENAME_EXCHANGE), so a reader (or a web server)
sees either the old site or the new one, never a half. A failed build never
reaches this stage, so the published site/ stays exactly as it was.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def fresh_dir(site: Path) -> Path:
    """An empty folder beside site/ to build into (same file system)."""
    site.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{site.name}.new-", dir=site.parent))


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
    build.chmod(0o755)
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


def discard(build: Path) -> None:
    shutil.rmtree(build, ignore_errors=True)
