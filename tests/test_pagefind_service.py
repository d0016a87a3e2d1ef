"""sitegen/pagefind_service.py: the real Pagefind binary, in service mode."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from sitegen import bundles
from sitegen.pagefind_service import PagefindService, ServiceFailed, write_files
from sitegen.stable_index import stabilise_files


def _pages(folder: Path, names: list[str]) -> Path:
    for i, name in enumerate(names):
        page = folder / f"p{i}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}</title></head>'
                        f'<body><main data-pagefind-body><h1>{name}</h1><p>请到{name}的办理部门办理。</p></main></body></html>', encoding="utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    """An index folder's files as the service returns them: relative path → bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_service_writes_what_the_command_line_writes(tmp_path):
    site = _pages(tmp_path / "site", ["死亡证明", "出生证明", "无犯罪记录证明"])
    service = PagefindService(bundles.pagefind_binary())
    try:
        (pages_a, a), (pages_b, b) = service.index_files(site), service.index_files(site)  # the same process, twice
    finally:
        service.close()
    assert pages_a == pages_b == 3
    subprocess.run([bundles.pagefind_binary(), "--site", str(site), "--output-path", str(tmp_path / "cli"), "--quiet"], check=True, capture_output=True)
    assert stabilise_files(a) == stabilise_files(_files(tmp_path / "cli")) == stabilise_files(b)


def test_stabilised_files_written_once_are_what_a_written_folder_stabilises_to(tmp_path):
    """The build stabilises a bundle's files before writing them
    (``stabilise_files``): the tree written is the one a folder of Pagefind's
    files stabilises to, with no filter or meta file left from Pagefind's order."""
    site = _pages(tmp_path / "site", ["死亡证明", "出生证明", "无犯罪记录证明", "亲属关系证明"])
    service = PagefindService(bundles.pagefind_binary())
    try:
        pages, files = service.index_files(site)
    finally:
        service.close()
    assert pages == 4
    write_files(tmp_path / "folder", files)
    write_files(tmp_path / "memory", stabilise_files(files))
    assert _files(tmp_path / "memory") == stabilise_files(_files(tmp_path / "folder"))
    assert len(list((tmp_path / "memory").rglob("*.pf_meta"))) == 1
    assert len(list((tmp_path / "folder").rglob("*.pf_meta"))) == 1  # Pagefind's own, under its own name


def test_a_meta_file_not_laid_out_as_pagefind_writes_it_is_refused(tmp_path):
    """Stable bytes rest on Pagefind's CBOR layout (definite lengths): a meta file
    written another way stops the build rather than being rewritten differently."""
    site = _pages(tmp_path / "site", ["死亡证明", "出生证明"])
    service = PagefindService(bundles.pagefind_binary())
    try:
        _, files = service.index_files(site)
    finally:
        service.close()
    (meta,) = (name for name in files if name.endswith(".pf_meta"))
    raw = gzip.decompress(files[meta])
    head = len(b"pagefind_dcd")
    assert raw[head] == 0x86  # an array of six, its length in the head
    files[meta] = gzip.compress(raw[:head] + b"\x9f" + raw[head + 1 :] + b"\xff")  # the same array, indefinite
    with pytest.raises(ValueError, match="unexpected Pagefind meta layout"):
        stabilise_files(files)


def test_a_failing_request_is_an_error_and_a_dead_service_says_so(tmp_path):
    service = PagefindService(bundles.pagefind_binary())
    try:
        with pytest.raises(ServiceFailed):
            service.call({"type": "AddDir", "index_id": 999, "path": str(tmp_path), "glob": "**/*.html"})  # no such index
        assert service.alive()
        os.kill(service.pid, signal.SIGKILL)  # the process dies under the builder
        while service.alive():
            time.sleep(0.01)
        with pytest.raises(ServiceFailed, match="stopped"):
            service.index_files(tmp_path)
    finally:
        service.close()


def test_a_warm_indexer_keeps_one_ready_process_between_calls(tmp_path):
    site = tmp_path / "site"
    for region in ("r1", "r2"):
        _pages(site / region, [f"{region}死亡证明", f"{region}出生证明"])
    pages = {r: [f"{r}/p{i}/index.html" for i in range(2)] for r in ("r1", "r2")}
    indexer = bundles.Indexer({"pagefind/r1": ["r1"], "pagefind/r2": ["r2"]}, jobs=1, pages=pages)
    indexer.warm()
    try:
        indexer.warmed()
        (kept,) = indexer.kept
        assert kept.alive()
        stats = indexer(site)
        assert [b.pages for b in stats.bundles] == [2, 2] and stats.cpu_seconds > 0
        assert indexer.kept == [kept] and kept.alive()  # used for both bundles, and kept
    finally:
        indexer.close()
    assert not kept.alive()
