"""The resolve stage alone: lookup order and 'nearest wins' (Eleventy-style)."""
from __future__ import annotations

import pytest

from conftest import CONTENT, ROOT, copy_content
from sitegen.cascade import lookup_order, resolve
from sitegen.load import load
from sitegen.model import NOT_ISSUED, RETAINED
from sitegen.validate import validate

pytestmark = pytest.mark.fast  # in `make test-fast`


@pytest.fixture(scope="module")
def resolved():
    return resolve(validate(load(CONTENT, ROOT)))


def view_of(resolved, region_id: str):
    return next(v for v in resolved.views if v.region.id == region_id)


def entry_of(resolved, region_id: str, cert_id: str):
    return next(e for e in view_of(resolved, region_id).entries if e.certificate.id == cert_id)


def test_lookup_order_is_nearest_first(resolved):
    by_id = {r.id: r for r in resolved.content.regions}
    assert [r.id for r in lookup_order(by_id["yubei"], by_id)] == ["yubei", "chongqing", "quanguo"]
    assert [r.id for r in lookup_order(by_id["panzhihua"], by_id)] == ["panzhihua", "sichuan", "quanguo"]
    assert [r.id for r in lookup_order(by_id["quanguo"], by_id)] == ["quanguo"]


def test_region_without_lists_shows_national_list(resolved):
    view = view_of(resolved, "yunnan")
    assert view.own_lists == ()
    assert {e.inherited_from.id for e in view.entries} == {"quanguo"}
    assert [e.row.name for e in view.entries] == [e.row.name for e in view_of(resolved, "quanguo").entries]


def test_region_with_own_list_keeps_its_wording(resolved):
    shaanxi = entry_of(resolved, "shaanxi", "jianzai")
    guangxi = entry_of(resolved, "guangxi", "jianzai")
    assert shaanxi.inherited_from is None and guangxi.inherited_from is None
    assert "公安部门" not in shaanxi.row.route and "公安部门" in guangxi.row.route


def test_county_inherits_city_lists_in_order(resolved):
    yubei = view_of(resolved, "yubei")
    chongqing = view_of(resolved, "chongqing")
    assert [e.certificate.id for e in yubei.entries] == [e.certificate.id for e in chongqing.entries]
    assert yubei.of_kind(NOT_ISSUED) and yubei.of_kind(RETAINED)
    assert {e.inherited_from.id for e in yubei.entries} == {"chongqing"}


def test_hotline_falls_back_to_12345(resolved):
    for view in resolved.views:
        assert view.hotline.number == "12345"
        assert view.hotline_is_fallback


def test_nearest_region_wins_over_ancestor(tmp_path):
    """A county that publishes its own row for a certificate overrides the
    city's, and still inherits the rest."""
    content = copy_content(tmp_path)
    (content / "lists" / "yubei").mkdir()
    (content / "lists" / "yubei" / "baoliu.yaml").write_text(
        """region: yubei
kind: 保留
published_on_site: '2026-12-01'
title: 测试清单
basis: [民发〔2020〕20号]
source: {title: 测试, issuer: 测试}
rows:
- id: jianzai
  name: 健在证明（测试）
  purpose: 测试用途
""",
        encoding="utf-8",
    )
    (content / "lists" / "regions.yaml").write_text(
        (content / "lists" / "regions.yaml").read_text(encoding="utf-8")
        + "\n- id: xiaoqu\n  name: 某街道\n  full_name: 重庆市渝北区某街道\n  level: 县级\n  parent: chongqing\n",
        encoding="utf-8",
    )
    resolved = resolve(validate(load(content, tmp_path)))
    own = entry_of(resolved, "yubei", "jianzai")
    assert own.inherited_from is None and own.kind == RETAINED and own.row.name == "健在证明（测试）"
    assert entry_of(resolved, "yubei", "siwang").inherited_from.id == "chongqing"
    assert entry_of(resolved, "chongqing", "jianzai").kind == NOT_ISSUED  # the parent is unaffected
    # one moved from not-issued to retained, none lost
    assert {e.certificate.id for e in view_of(resolved, "yubei").entries} == {e.certificate.id for e in view_of(resolved, "chongqing").entries}
    assert view_of(resolved, "xiaoqu").entries[0].inherited_from.id == "chongqing"
