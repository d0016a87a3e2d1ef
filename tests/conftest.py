"""Shared fixtures: the real site built once, and throwaway content folders."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build import build  # noqa: E402

CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real content/ built (with the search index) into a temp folder."""
    site = tmp_path_factory.mktemp("built") / "site"
    build(CONTENT, site)
    return site


def item_page_count(content: Path = CONTENT) -> int:
    """How many item pages (certificate × region) the content makes: tests
    compare with this instead of pinning today's number."""
    from build import check

    return sum(len(view.entries) for view in check(content).views)


def copy_content(dest: Path) -> Path:
    """A writable copy of the real content folder."""
    target = dest / "content"
    shutil.copytree(CONTENT, target)
    return target


def run_build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, cwd=cwd)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file's path and content hash: 'byte-identical' made checkable."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
