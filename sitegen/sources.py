"""A list's source document as the clerk has it: a citation (issuer, title,
文号, date, web address) and optionally a copy of the file in content/sources/
(PDF, DOCX or TXT) whose SHA-256 the list records. Every build checks the copy
is there and unchanged; the message gives its actual hash to write in.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .load import Document
from .problems import Problem

FOLDER = "sources"  # below content/


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def copy_problems(doc: Document, content_dir: Path | None) -> list[Problem]:
    """Problems with the local copy a list file's ``source`` names (none when
    it names none). ``doc`` has passed the list schema."""
    source = doc.data.get("source") or {}
    name, recorded = source.get("copy"), source.get("sha256")

    def problem(key: str, message: str) -> Problem:
        return doc.problem(("source", key), message)

    if not name:
        if recorded:
            return [problem("sha256", "写了 sha256 却没有写 copy（本地副本的文件名）；没有副本就把 sha256 也删掉 (sha256 without copy)")]
        return []
    if content_dir is None:
        return []
    path = content_dir / FOLDER / name
    if not path.is_file():
        return [problem("copy", f"找不到本地副本 content/{FOLDER}/{name}：请把原文件（PDF、DOCX 或 TXT）放进 content/{FOLDER}/，文件名和这里写的一样 (copy not found)")]
    actual = sha256_of(path)
    if not recorded:
        return [problem("copy", f"缺少 sha256：核对 content/{FOLDER}/{name} 确是这份原文件后，在 copy 下面写一行 sha256: {actual} (sha256 missing)")]
    if recorded != actual:
        return [problem("sha256", f"content/{FOLDER}/{name} 与记录的不一致（记录的 sha256 是 {recorded[:12]}…，文件现在是 {actual[:12]}…）：副本被改动或换掉了。"
                        f"如果换上的确是正确的原文件，把 sha256 改成 {actual} (copy changed since it was recorded)")]
    return []
