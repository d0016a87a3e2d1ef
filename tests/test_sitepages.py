"""Pages staff write in Markdown (content/pages/*.md): rendered with raw HTML
off and without images, linked from the footer of every page."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from build import build
from conftest import CONTENT, ROOT, run_build
from fixtures.small_content import small_content


def test_every_page_links_to_the_staff_pages(built_site):
    slugs = sorted(p.stem.split("-", 1)[-1] for p in (CONTENT / "pages").glob("*.md"))
    assert slugs, "content/pages/ has the site's own pages"
    for slug in slugs:
        assert (built_site / "pages" / slug / "index.html").is_file()
    pages = [p for p in built_site.rglob("index.html") if p.relative_to(built_site).parts[0] not in ("print", "pagefind")]
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        footer = soup.select_one("footer")
        linked = {(path.parent / a["href"]).resolve() for a in footer.select("a[href]")} if footer else set()
        for slug in slugs:
            assert (built_site / "pages" / slug).resolve() in linked, f"{path}: footer lacks pages/{slug}/"


def test_markdown_is_escaped_and_loads_nothing(tmp_path):
    content = small_content(tmp_path, rows=2)
    (content / "pages" / "9-test.md").write_text(
        "# 测试页\n\n<script>alert(1)</script> <b>粗</b>\n\n![图](https://example.com/a.png)\n\n[点我](javascript:alert(1)) [原文](https://www.mca.gov.cn/)\n",
        encoding="utf-8")
    site = tmp_path / "site"
    build(content, site, search_index=False)
    html = (site / "pages" / "test" / "index.html").read_text(encoding="utf-8")
    main = BeautifulSoup(html, "html.parser").select_one("main")
    assert main.select_one("h1").get_text() == "测试页"
    assert not main.select("script, b, img")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(main) and "&lt;b&gt;粗&lt;/b&gt;" in str(main)
    hrefs = [a["href"] for a in main.select("a[href]")]
    # an image is only a link (nothing is loaded); the javascript: link is not made a link
    assert hrefs == ["https://example.com/a.png", "https://www.mca.gov.cn/"]
    assert "测试页" in BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser").select_one("footer").get_text()


def test_a_page_without_a_title_is_named_with_its_file(tmp_path):
    content = small_content(tmp_path, rows=2)
    (content / "pages" / "4-notitle.md").write_text("没有标题\n", encoding="utf-8")
    (content / "pages" / "Bad Name.md").write_text("# x\n", encoding="utf-8")
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1
    assert f"{content / 'pages' / '4-notitle.md'}:1:1: 第一行要写页面标题" in done.stderr or "content/pages/4-notitle.md:1:1: 第一行要写页面标题" in done.stderr, done.stderr
    assert "Bad Name.md:1:1: 文件名只能用小写拼音字母" in done.stderr


def test_a_page_file_that_cannot_be_read_is_told_not_waited_on(tmp_path):
    """A pipe named *.md would block a plain read for ever; a GBK file is named as one."""
    content = small_content(tmp_path, rows=2)
    os.mkfifo(content / "pages" / "5-pipe.md")
    (content / "pages" / "6-gbk.md").write_bytes("# 关于\n本站\n".encode("gbk"))
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content), "check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "5-pipe.md:1:1: 这不是普通文件" in done.stderr, done.stderr
    assert "6-gbk.md:1:" in done.stderr and "GBK" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
