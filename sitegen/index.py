"""Stage 5, index: run Pagefind's extended binary (it segments Chinese) over
the freshly rendered folder, before anything is published."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .stable_index import stabilise


class IndexFailed(Exception):
    pass


def index(out: Path) -> str:
    """Build out/pagefind/ in place; return Pagefind's summary output."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(out), "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (out / "pagefind" / "pagefind.js").exists():
        raise IndexFailed(f"pagefind 建立索引失败 (pagefind failed, exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    stabilise(out / "pagefind")
    return done.stdout
