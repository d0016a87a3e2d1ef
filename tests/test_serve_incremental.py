"""The preview's incremental builder checks an edit as a full build does and
leaves the site as a full build leaves it."""
from __future__ import annotations

import json
from functools import partial

import pytest

import build as build_module
from conftest import ROOT, tree_digest
from fixtures.small_content import small_content
from sitegen import urls
from sitegen.incremental import Builder
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
