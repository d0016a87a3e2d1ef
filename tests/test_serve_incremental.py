"""The preview's incremental builder checks an edit as a full build does and
leaves the site as a full build leaves it."""
from __future__ import annotations

import json
import sys
from functools import partial

import pytest

import build as build_module
from conftest import ROOT, tree_digest
from fixtures.small_content import small_content
from sitegen import bundles, urls
from sitegen.incremental import Builder
from sitegen.model import Sizes
from sitegen.problems import ContentError


@pytest.fixture
def builder(tmp_path):
    content = small_content(tmp_path, rows=3)
    state = Builder(content, tmp_path / "site", ROOT, full=partial(build_module.build), search_index=False, code=lambda: "fixed")
    state.build()
    yield state
    state.close()


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_source_copy_named_by_an_edit_is_checked(builder):
    """An edited list naming a local copy of its source that is not there is
    refused, as `make site` refuses it; the site stays as it was."""
    before = tree_digest(builder.site)
    path = builder.content / "lists" / "chongqing" / "buyu-chuju.yaml"
    edit(path, "source:\n", "source:\n  copy: 没有这个文件.pdf\n")
    with pytest.raises(ContentError) as err:
        builder.build()
    assert "buyu-chuju.yaml:" in err.value.report() and "找不到本地副本" in err.value.report()
    assert tree_digest(builder.site) == before


def test_an_editors_swap_file_does_not_turn_an_edit_into_a_full_build(builder, tmp_path):
    path = builder.content / "lists" / "chongqing" / "buyu-chuju.yaml"
    (path.parent / ".buyu-chuju.yaml.swp").write_bytes(b"vim was here")
    row = path.read_text(encoding="utf-8").split("  name: ", 1)[1].split("\n", 1)[0]
    edit(path, f"  name: {row}\n", f"  name: {row}（预览）\n")
    builder.build()
    assert builder.last["changed"] == ["lists/chongqing/buyu-chuju.yaml"], builder.why_full
    build_module.build(builder.content, tmp_path / "full", search_index=False)
    assert tree_digest(builder.site) == tree_digest(tmp_path / "full")


def rename_row(path, new: str) -> str:
    """Give the list's first row the name ``new``; its old name."""
    head, rows = path.read_text(encoding="utf-8").split("\nrows:", 1)
    old = rows.split("  name: ", 1)[1].split("\n", 1)[0]
    path.write_text(head + "\nrows:" + rows.replace(f"  name: {old}\n", f"  name: {new}\n", 1), encoding="utf-8")
    return old


def tables(site) -> dict:
    return json.loads((site / urls.FILES["search_tolerance"]).read_text(encoding="utf-8"))


@pytest.mark.fast
def test_a_name_with_new_characters_remakes_the_tolerance_tables(builder, tmp_path):
    """A row renamed with characters no name had: the tables gain them (and the
    search core the name), as a full build of the same content has them; renamed
    back, they are what they were."""
    before = tree_digest(builder.site)
    path = builder.content / "lists" / "chongqing" / "buyu-chuju.yaml"
    old = rename_row(path, "鼋鼍证明")
    builder.build()
    assert builder.last["changed"] == ["lists/chongqing/buyu-chuju.yaml"], builder.why_full
    assert any("鼋" in chars for chars in tables(builder.site)["py"].values())
    assert "鼋鼍证明" in (builder.site / urls.FILES["search_names"]).read_text(encoding="utf-8")
    build_module.build(builder.content, tmp_path / "full", search_index=False)
    assert tree_digest(builder.site) == tree_digest(tmp_path / "full")

    rename_row(path, old)
    builder.build()
    assert builder.last["changed"] == ["lists/chongqing/buyu-chuju.yaml"], builder.why_full
    assert tree_digest(builder.site) == before


# A Pagefind that fails when a marker file is there: the real one, its requests
# passed on by this script. The first request after the marker appears removes
# it and ends the process, as a Pagefind that crashed; the process ``make serve``
# keeps ready between edits fails as one started later does.
FAILING_PAGEFIND = """#!{python}
import os, subprocess, sys
real = subprocess.Popen([{binary!r}, *sys.argv[1:]], stdin=subprocess.PIPE)
pending = b""
while chunk := os.read(0, 65536):
    *requests, pending = (pending + chunk).split(b",")
    for request in requests:
        try:
            os.remove({marker!r})
        except FileNotFoundError:
            real.stdin.write(request + b",")
            real.stdin.flush()
        else:
            print("disk on fire", file=sys.stderr)
            real.kill()
            sys.exit(1)
real.stdin.close()
sys.exit(real.wait())
"""
PER_CITY = Sizes(bundle_per_city_from=0)  # two bundles: 全国's and 重庆's (with 渝北's pages)


@pytest.fixture
def failing_index(tmp_path):
    """A builder with the search index, on a Pagefind that fails once a marker
    file is there: (the builder, the marker)."""
    marker, program = tmp_path / "fail-next-request", tmp_path / "pagefind"
    program.write_text(FAILING_PAGEFIND.format(python=sys.executable, binary=bundles.pagefind_binary(), marker=str(marker)), encoding="utf-8")
    program.chmod(0o755)
    content = small_content(tmp_path, rows=3)
    state = Builder(content, tmp_path / "site", ROOT, full=partial(build_module.build, sizes=PER_CITY), code=lambda: "fixed", pagefind=bundles.Indexer(jobs=2, binary=str(program)))
    state.build()
    state.pagefind.warmed()  # the process kept ready has made its first index: the marker is for an edit's
    yield state, marker
    state.close()


def edit_both_bundles(content) -> None:
    """Rename a row of 全国's list and one of 重庆's: both bundles are re-indexed."""
    rename_row(content / "lists" / "quanguo" / "buyu-chuju.yaml", "全国预览证明")
    rename_row(content / "lists" / "chongqing" / "buyu-chuju.yaml", "重庆预览证明")


def split(digest: dict[str, str]) -> tuple[dict, dict]:
    """(the search bundles' files, every other file) of a ``tree_digest``."""
    found = {rel: h for rel, h in digest.items() if rel.startswith(bundles.PREFIX + "/")}
    return found, {rel: h for rel, h in digest.items() if rel not in found}


@pytest.mark.fast
def test_an_edit_made_while_the_last_edits_index_fails_builds_in_full(failing_index, tmp_path):
    """The search index of an edit fails in the background while the next edit
    is made: that edit is built in full, and the site is a full build's, search
    bundles and all (the failed edit's bundles too, which the second edit's
    re-index alone would not remake)."""
    builder, marker = failing_index
    marker.touch()
    edit_both_bundles(builder.content)
    builder.build()
    assert builder.last["bundles"] == ["pagefind/chongqing", "pagefind/quanguo"], builder.why_full
    edit(builder.content / "lists" / "chongqing" / "buyu-chuju.yaml", "  note: 包括", "  note: 预览：包括")  # 重庆's bundle only
    result = builder.build()
    builder.indexed()
    assert not marker.exists(), "the first edit's re-index ran, and failed"
    full = build_module.build(builder.content, tmp_path / "full", sizes=PER_CITY)
    assert tree_digest(builder.site) == tree_digest(tmp_path / "full")
    assert builder.last == {} and (result.pages, result.files) == (full.pages, full.files)
    assert "the search index of the last edit failed" in builder.why_full and "disk on fire" in builder.why_full
    assert not list(tmp_path.glob("site.new-*")), "no staging folder left behind"


@pytest.mark.fast
def test_a_failed_index_swaps_in_no_bundle_and_the_next_build_is_full(failing_index, tmp_path):
    """An edit's pages are in site/ at once; when their index fails, no bundle
    is swapped in (not the one that was indexed, nor part of one) and nothing
    is left beside site/. The next build, with nothing changed, is a full one."""
    builder, marker = failing_index
    searched_before, _ = split(tree_digest(builder.site))
    marker.touch()
    edit_both_bundles(builder.content)
    builder.build()
    builder.indexed()
    assert not marker.exists(), "the edit's re-index ran, and failed"
    searched, pages = split(tree_digest(builder.site))
    assert searched == searched_before
    build_module.build(builder.content, tmp_path / "pages", search_index=False, sizes=PER_CITY)
    assert pages == tree_digest(tmp_path / "pages")
    assert not list(tmp_path.glob("site.new-*")), "no staging folder left behind"

    builder.build()
    assert builder.last == {} and "the search index of the last edit failed" in builder.why_full
    build_module.build(builder.content, tmp_path / "full", sizes=PER_CITY)
    assert tree_digest(builder.site) == tree_digest(tmp_path / "full")
