"""Ready for WeChat menus: documented URL patterns match the build, share cards,
cache-safe asset names."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

import build as build_module
from conftest import CONTENT, ROOT
from sitegen import qr, urls, wechat
from sitegen.render import TEMPLATES

DOC = ROOT / "docs" / "wechat.md"


def documented_patterns() -> dict[str, str]:
    """name → pattern from the table in docs/wechat.md."""
    out = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*[^|]*?\s([a-z_]+)\s*\|\s*`\{base\}([^`]*)`\s*\|", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_doc_and_code_share_the_url_patterns():
    assert documented_patterns() == urls.PATTERNS


def test_every_documented_pattern_exists_in_the_built_site(built_site):
    for name, pattern in urls.PATTERNS.items():
        if "{" not in pattern or name == "search_region":
            path = pattern
        else:
            path = pattern.format(region="chongqing", cert="qinshu-guanxi", slug="guanyu")
        target = built_site / urls.file_for(path)
        assert target.exists(), f"{name}: {path}"


def test_menu_urls_fit_wechat_limit(built_site):
    base = "https://zhengming.example.org/"
    for region_dir in built_site.iterdir():
        if (region_dir / "embed" / "index.html").exists():
            soup = BeautifulSoup((region_dir / "embed" / "index.html").read_text(encoding="utf-8"), "html.parser")
            full_name = soup.select_one('input[name="region"]')["value"]
            for url in (base + urls.embed(region_dir.name), base + urls.search(full_name)):
                assert len(url.encode("utf-8")) <= 1024
    assert urls.search("四川省攀枝花市") == "search/?region=" + quote("四川省攀枝花市")


def pages_of(site: Path):
    for path in sorted(site.rglob("index.html")):
        if "pagefind" in path.parts:
            continue
        yield path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_has_a_share_card(built_site):
    base = "https://zhengming.example.org/"
    for path, soup in pages_of(built_site):
        assert soup.title and soup.title.get_text(strip=True), path
        assert soup.find("meta", attrs={"name": "description"})["content"].strip(), path
        og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
        for key in ("og:title", "og:description", "og:url", "og:image"):
            assert og.get(key), f"{path}: {key}"
        assert og["og:image"].startswith(base + "share/") and og["og:image"].endswith(".png")
        image = built_site / og["og:image"][len(base):]
        assert image.exists(), og["og:image"]
        first_img = soup.body.find("img")
        assert first_img is not None and first_img["src"].endswith(og["og:image"][len(base):]), f"{path}: share image is not the first image"


def test_share_images_are_small_square_pngs(built_site):
    images = sorted((built_site / "share").glob("*.png"))
    assert len(images) >= 9
    for image in images:
        data = image.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (300, 300)
        assert len(data) < 10_000


def test_item_titles_say_region_certificate_and_answer(built_site):
    soup = BeautifulSoup((built_site / "chongqing/qinshu-guanxi/index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text() == "重庆市｜亲属关系证明：社区不予出具"
    soup = BeautifulSoup((built_site / "panzhihua/menpai/index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text() == "攀枝花市｜门牌号变更证明：社区依法出具"


def stylesheet_names(site: Path) -> set[str]:
    """The names the pages link style.css by (not print.css or noscript.css)."""
    names = set()
    for _, soup in pages_of(site):
        for link in soup.find_all("link", rel="stylesheet"):
            names.add(link["href"].rsplit("/", 1)[-1])
    return {n for n in names if n.startswith("style.")}


def test_changing_css_changes_its_name_everywhere(built_site, tmp_path):
    (old_name,) = stylesheet_names(built_site)
    assert re.fullmatch(r"style\.[0-9a-f]{10}\.css", old_name)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    css = templates / "assets" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.changed{color:#000}\n", encoding="utf-8")
    site = tmp_path / "site"
    build_module.build(CONTENT, site, search_index=False, templates=templates)
    (new_name,) = stylesheet_names(site)
    assert new_name != old_name and re.fullmatch(r"style\.[0-9a-f]{10}\.css", new_name)
    assert (site / "assets" / new_name).read_text(encoding="utf-8").endswith(".changed{color:#000}")
    assert not (site / "assets" / old_name).exists()
    for path in site.rglob("*.html"):
        assert old_name not in path.read_text(encoding="utf-8"), path


MISSING = {
    # what is missing: (where the build is told to find it, what the one line says)
    "font": (wechat.FONT_ENV, "找不到中文字体"),
    "QR library": (qr.LIBRARY_ENV, "找不到 libqrencode"),
}


@pytest.mark.fast
@pytest.mark.parametrize("missing", MISSING)
def test_a_missing_font_or_qr_library_is_one_chinese_line(missing, tmp_path):
    """build.py told to use a font or libqrencode file that is not there: exit 1,
    the file and what to install on one line, no traceback, no site written."""
    env_name, words = MISSING[missing]
    absent = tmp_path / "not-installed"
    site = tmp_path / "site"
    env = os.environ | {env_name: str(absent)}
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(ROOT / "tests/golden/content"), "--site", str(site)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    problem, summary = done.stderr.splitlines()
    assert problem.startswith(f"{absent}:1:1: {words}"), problem
    assert summary.startswith("共 1 个问题，网站未更新"), summary
    assert not site.exists()
