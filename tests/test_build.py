"""The build as a whole: deterministic output, atomic publish."""
from __future__ import annotations

import pytest

import build as build_module
from conftest import CONTENT, run_build, tree_digest
from sitegen import index as index_module
from sitegen.index import IndexFailed


def test_two_builds_are_byte_identical(built_site, tmp_path):
    again = tmp_path / "site"
    build_module.build(CONTENT, again)
    assert tree_digest(again) == tree_digest(built_site)


def test_build_replaces_previous_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", encoding="utf-8")
    done = run_build("--site", str(site))
    assert done.returncode == 0, done.stderr
    assert not (site / "stale.html").exists()
    assert (site / "index.html").exists() and (site / "pagefind" / "pagefind.js").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "temporary build folders left behind"


def test_failure_in_index_stage_leaves_site_untouched(built_site, tmp_path, monkeypatch):
    site = tmp_path / "site"
    build_module.build(CONTENT, site)
    before = tree_digest(site)

    def broken_index(out):
        (out / "partial.txt").write_text("half", encoding="utf-8")
        raise IndexFailed("pagefind crashed")

    with pytest.raises(IndexFailed):
        build_module.build(CONTENT, site, indexer=broken_index)
    assert tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_pagefind_failure_is_a_clean_error(tmp_path, monkeypatch):
    """The real index stage reports a failing pagefind run (here: an empty site)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IndexFailed) as err:
        index_module.index(empty)
    assert "pagefind" in str(err.value)
