"""The build as a whole: deterministic output, atomic publish."""
from __future__ import annotations

import pytest

import build as build_module
from conftest import CONTENT, run_build, tree_digest
from sitegen import bundles
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


def test_failure_in_index_stage_leaves_site_untouched(built_site, tmp_path):
    site = tmp_path / "site"
    build_module.build(CONTENT, site)
    before = tree_digest(site)

    def broken_index(resolved, out):
        (out / "partial.txt").write_text("half", encoding="utf-8")
        raise IndexFailed("pagefind crashed")

    with pytest.raises(IndexFailed):
        build_module.build(CONTENT, site, indexer=broken_index)
    assert tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_pagefind_failure_is_a_clean_error(tmp_path):
    """The real index stage reports a failing pagefind run (here: a binary that exits at once)."""
    empty = tmp_path / "empty"
    resolved = build_module.check(CONTENT)
    for pages in index_module.item_pages(resolved).values():
        for rel in pages:
            (empty / rel).parent.mkdir(parents=True, exist_ok=True)
            (empty / rel).write_text("<!doctype html><title>x</title>", encoding="utf-8")
    with pytest.raises(IndexFailed) as err:
        index_module.index(resolved, empty, bundles.Indexer(binary="/bin/false"))
    assert "pagefind" in str(err.value)


def test_the_plan_lists_every_file_the_build_writes(built_site, tmp_path):
    """`python build.py plan` prints one line per file: every file of the built
    site but the index stage's Pagefind bundles, and nothing else."""
    done = run_build("plan")
    assert done.returncode == 0, done.stderr
    planned = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert len(planned) == len(set(planned))
    built = {p for p in tree_digest(built_site) if not p.startswith("pagefind/")}
    assert set(planned) == built
    by_path = {line.split("\t")[0]: line.split("\t") for line in done.stdout.splitlines()}
    assert by_path["index.html"][3] == "sitegen.pages.home_page → template"
    assert by_path["sitemap.xml"][1] == "sitemap"


def test_two_outputs_with_one_path_fail_the_build(tmp_path):
    """Pelican's writer refuses to write one path twice; so does ours, for any file."""
    from sitegen.features import every
    from sitegen.plan import DuplicateOutput, Feature, Output, Plan, constant
    from sitegen.render import Context, write

    class Clash(Feature):
        name = "clash"

        def site_outputs(self, resolved):
            return [Output("data/all.csv", constant(b"x"))]

    resolved = build_module.check(CONTENT)
    with pytest.raises(DuplicateOutput) as err:
        write(Plan(resolved, every() + (Clash(),)), tmp_path, Context(resolved.content.site))
    assert "data/all.csv" in str(err.value) and "open data:site" in str(err.value) and "clash:site" in str(err.value)


def test_the_link_check_reads_the_plan(built_site, tmp_path):
    """The link check takes the plan's files as the site: every planned file
    was written and every link reaches one; a planned file that is missing is
    reported once, where it should be (the links to it are the plan's)."""
    import shutil

    from sitegen.features import every
    from sitegen.linkcheck import check
    from sitegen.plan import Plan

    resolved = build_module.check(CONTENT)
    plan = Plan(resolved, every())
    files = [o.path for o in plan] + ["sitemap.xml"]
    base = resolved.content.site["base_url"]
    assert check(built_site, base, files) == []
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    gone = next(p for p in files if p.startswith(f"{resolved.views[1].region.id}/") and p.endswith("/index.html") and p.count("/") == 2)
    (site / gone).unlink()
    problems = [str(p) for p in check(site, base, files)]
    assert problems == [f"{gone}:1:1: 计划中的文件没有生成 (planned file missing)"]
