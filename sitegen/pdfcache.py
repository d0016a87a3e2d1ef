"""PDFs of the print pages, kept across builds under each page's key.

The key is a hash of what a page prints (its body, the print templates and print.css), so a
page whose content changed has no PDF and a stale one is never served. Every build links the
cached PDFs back beside their pages (sitegen/posters.py). The folder is .cache/pdf/ (or
$SITEGEN_PDF_CACHE); deleting it is always safe: the next ``make posters`` prints everything.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER_ENV = "SITEGEN_PDF_CACHE"
PRINT_STYLE = (ROOT / "templates" / "print", ROOT / "templates" / "assets" / "print.css")


def folder() -> Path:
    return Path(os.environ.get(FOLDER_ENV) or ROOT / ".cache" / "pdf")


@lru_cache(maxsize=4)
def _names(path: str, mtime_ns: int) -> frozenset[str]:
    return frozenset(name for name in os.listdir(path) if name.endswith(".pdf"))


def cached() -> frozenset[str]:
    """File names of the PDFs in the cache (read again when it changes)."""
    path = os.fspath(folder())
    try:
        return _names(path, os.stat(path).st_mtime_ns)
    except FileNotFoundError:
        return frozenset()


def file_name(key: str, way: str = "") -> str:
    """A page's PDF, printed as it is or (``way``: a fragment, a6x4) the other way."""
    return f"{key}-{way}.pdf" if way else f"{key}.pdf"


def has(key: str, way: str = "", names: frozenset[str] | None = None) -> bool:
    """Whether the cache holds the PDF; ``names``: cached() as read once for many pages."""
    return bool(key) and file_name(key, way) in (cached() if names is None else names)


def style_digest(paths: tuple[Path, ...] = PRINT_STYLE) -> bytes:
    """The print templates and print.css as they are now (read again each time: a long
    `make serve` sees an edit); a region's print pages share one."""
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.digest()


def key_of(template: str, body, style: bytes) -> str:
    """The key of a page: its frozen body's repr (every text, size and link), template and
    ``style`` (style_digest)."""
    digest = hashlib.sha256(style)
    digest.update(template.encode() + b"\0" + repr(body).encode())
    return digest.hexdigest()[:24]


def store(data: bytes, key: str, way: str = "") -> None:
    """Write a PDF into the cache in one step (a half-written file is never seen)."""
    folder().mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".new-", dir=folder())
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder() / file_name(key, way))


def read(key: str, way: str = "") -> bytes:
    return (folder() / file_name(key, way)).read_bytes()


def link_into(key: str, way: str, target: Path) -> bool:
    """Put the cached PDF at ``target`` (a hard link, else a copy); False if not cached."""
    source = folder() / file_name(key, way)
    if not key or not source.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return True
