"""Link integrity: the checker finds nothing on the real site, and finds each
kind of fault in a site made to have it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, ROOT
from sitegen.linkcheck import check

BASE_URL = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))["base_url"]


def test_real_site_has_no_broken_link_and_every_page_is_reachable(built_site):
    problems = check(built_site, BASE_URL)
    assert problems == [], "\n".join(map(str, problems[:40]))
    assert len(list(built_site.rglob("*.html"))) > 100  # it did look at the whole site


def test_checker_command_on_the_real_site(built_site):
    done = subprocess.run([sys.executable, "-m", "sitegen.linkcheck", str(built_site), "--base-url", BASE_URL], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "链接检查通过" in done.stdout


def test_a_removed_page_is_found_where_it_is_linked(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    shutil.rmtree(site / "chongqing" / "yangquan")
    problems = [str(p) for p in check(site, BASE_URL)]
    region = (site / "chongqing" / "index.html").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(region, 1) if 'href="yangquan/"' in text)
    assert any(p.startswith(f"chongqing/index.html:{line}:") and "链接的文件不存在" in p and "chongqing/yangquan/index.html" in p for p in problems), problems[:10]


def write(site: Path, rel: str, text: str) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def faulty(tmp_path) -> Path:
    site = tmp_path / "site"
    write(site, "index.html", "\n".join([
        '<!doctype html><link rel="stylesheet" href="assets/style.css">',
        '<link rel="canonical" href="https://zhengming.example.org/">',
        '<a href="a/">有</a> <a href="b/">没有</a>',
        '<a href="a/#top">锚点在</a> <a href="a/#nope">锚点不在</a>',
        '<img src="https://cdn.example.com/x.png"><a href="javascript:alert(1)">坏</a>',
        '<a href="https://www.gov.cn/">外站链接可以</a> <a href="tel:12345">电话</a>',
        '<a href="a">少了斜杠</a> <link rel="stylesheet" href="assets/gone.css">',
        '<form action="search/"><input name="q"></form>',
    ]))
    write(site, "a/index.html", '<h1 id="top">A</h1><a href="../">首页</a><link rel="canonical" href="https://zhengming.example.org/zzz/">\n<a href="../../a/">多退了一层</a>')
    write(site, "search/index.html", "<p>搜索</p>")
    write(site, "c/index.html", "<p>没人链接到这里</p>")
    write(site, "404.html", "<p>找不到</p>")
    write(site, "assets/style.css", "body{background:url(bg.png)} .x{background:url('https://fonts.example.com/f.woff')}")
    return site


def at(site: Path, rel: str, snippet: str) -> str:
    """'rel:line:col' of the first character of ``snippet`` in a file (from the input, not the checker)."""
    for number, line in enumerate((site / rel).read_text(encoding="utf-8").splitlines(), 1):
        if snippet in line:
            return f"{rel}:{number}:{line.index(snippet) + 1}"
    raise AssertionError(snippet)


FAULTS = [
    # (file, where the faulty tag starts, message)
    ("index.html", '<a href="b/"', "链接的文件不存在 (broken link): b/ → b/index.html"),
    ("index.html", '<a href="a/#nope"', "目标页面上没有 id=“nope” (missing anchor): a/#nope"),
    ("index.html", "<img", "页面从其他网站加载资源，不允许 (asset from another host): https://cdn.example.com/x.png"),
    ("index.html", '<a href="javascript', "不允许 javascript: 链接 (javascript: URL): javascript:alert(1)"),
    ("index.html", '<a href="a"', "链接的文件不存在（链接到文件夹要以 / 结尾） (broken link): a → a"),
    ("index.html", '<link rel="stylesheet" href="assets/gone', "链接的文件不存在 (broken link): assets/gone.css → assets/gone.css"),
    ("a/index.html", '<link rel="canonical', "链接的文件不存在 (broken link): https://zhengming.example.org/zzz/ → zzz/index.html"),
    ("a/index.html", '<a href="../../a/"', "链接跳出了网站根目录 (relative link climbs above the site root): ../../a/"),
    ("assets/style.css", "url(bg", "样式表引用的文件不存在 (broken url()): bg.png"),
    ("assets/style.css", "url('https", "样式表从其他网站加载资源，不允许 (asset from another host): https://fonts.example.com/f.woff"),
]


def test_each_kind_of_fault_is_found_with_its_place(faulty):
    problems = [str(p) for p in check(faulty, "https://zhengming.example.org/")]
    expected = [f"{at(faulty, rel, snippet)}: {message}" for rel, snippet, message in FAULTS]
    expected.append("c/index.html:1:1: 从首页点不到这个页面 (not reachable from the home page)")
    assert sorted(problems) == sorted(expected)


def test_command_exits_non_zero_on_faults(faulty):
    done = subprocess.run([sys.executable, "-m", "sitegen.linkcheck", str(faulty)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert at(faulty, "index.html", '<a href="b/"') + ": 链接的文件不存在" in done.stdout
    assert f"共 {len(FAULTS)} 个链接问题" in done.stderr  # without --base-url the canonical link is not ours to check
