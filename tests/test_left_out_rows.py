"""A row the nearer list leaves out still applies from the farther list (湖北省's
test table drops 健在证明; 民发〔2020〕20号 still covers it). The posters must print it
and say where it comes from — on the province's own poster and on the poster of a
county that inherits the province's list — never claim it is the nearer list's."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from build import build, check
from fixtures.small_content import dump, small_content

pytestmark = pytest.mark.fast


@pytest.fixture(scope="module")
def site_and_content(tmp_path_factory):
    """重庆's 不予出具 list without one row the national list has; 渝北 inherits 重庆's lists."""
    tmp = tmp_path_factory.mktemp("leftout")
    content = small_content(tmp, rows=None)
    national = yaml.safe_load((content / "lists" / "quanguo" / "buyu-chuju.yaml").read_text(encoding="utf-8"))
    path = content / "lists" / "chongqing" / "buyu-chuju.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    national_ids = {r["id"] for r in national["rows"]}
    dropped = next(r for r in data["rows"] if r["id"] in national_ids)
    data["rows"] = [r for r in data["rows"] if r is not dropped]
    path.write_text(dump(data), encoding="utf-8")
    site = tmp / "site"
    build(content, site, search_index=False)
    return site, check(content), dropped["id"]


def text_of(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def national_name(resolved, cert_id: str) -> str:
    view = next(v for v in resolved.views if v.region.id == "quanguo")
    return next(e.row.name for e in view.entries if e.certificate.id == cert_id)


@pytest.mark.parametrize("region", ["chongqing", "yubei"])
def test_poster_marks_the_left_out_row_and_names_the_list_it_comes_from(site_and_content, region):
    site, resolved, cert_id = site_and_content
    name = national_name(resolved, cert_id)
    view = next(v for v in resolved.views if v.region.id == region)
    assert any(e.certificate.id == cert_id for e in view.entries), "the national row no longer applies"
    posters = sorted((site / "print" / region).glob("buyu-chuju-a*.html"))
    assert posters, f"no 不予出具 poster for {region}"
    for poster in posters:
        text = text_of(poster)
        assert f"{name}*：" in text, f"{poster.name}: {name} not printed with its mark"
        assert "标“*”的项目，重庆市公布的清单没有收录" in text, poster.name
        assert f"全国的清单（民发〔2020〕20号）仍然适用于{view.region.name}" in text, poster.name
        starred = re.findall(r"(\S+)\*：", text)
        assert starred == [name], f"{poster.name}: starred {starred}"
