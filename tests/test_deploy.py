"""Publishing: the placeholder base_url, the serving rules per file class, and
`build.py publish` against a real S3 server (SeaweedFS, started here)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from sitegen import hosting, urls


@pytest.mark.fast
@pytest.mark.parametrize("base_url", [
    urls.PLACEHOLDER_BASE_URL,
    "https://zhengming.example.org",
    "HTTPS://ZHENGMING.EXAMPLE.ORG/",
    "https://example.com/zhengming/",
    "http://site.test/",
    "https://a.b.invalid/",
    "http://localhost:8000/",
    "not a url",
])
def test_placeholder_and_reserved_addresses_are_placeholders(base_url):
    assert urls.is_placeholder(base_url)


@pytest.mark.fast
@pytest.mark.parametrize("base_url", [
    "https://mzj.cq.gov.cn/zhengming/",
    "https://zhengming.gxmz.gov.cn/",
    "https://examples.org/",
    "https://example.org.cn/",
])
def test_real_addresses_are_not_placeholders(base_url):
    assert not urls.is_placeholder(base_url)


# ---------------------------------------------------------------- the rules per class


def test_every_built_file_has_a_known_type_and_hashed_names_alone_are_immutable(built_site):
    """Each file of the real site gets a real Content-Type, text ones with
    charset=utf-8; the year-long cache goes to names that carry their hash."""
    hashed = re.compile(r"(^|/)assets/[^/]+\.[0-9a-f]{10}\.[a-z0-9]+$|\.pf_(fragment|index|filter|meta)$")
    for path in (p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()):
        kind = hosting.content_type(path)
        assert kind != "application/octet-stream" or path.endswith((".pagefind", ".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")), path
        if kind.startswith("text/") or "json" in kind or "xml" in kind:
            assert kind.endswith("; charset=utf-8"), path
        assert (hosting.rule_for(path).cache == "public, max-age=31536000, immutable") == bool(hashed.search(path)), path


@pytest.mark.fast
def test_steps_put_referenced_files_first_and_entries_after_what_they_name():
    order = hosting.STEPS
    step = lambda path: order.index(hosting.rule_for(path).step)  # noqa: E731
    assert step("assets/style.0123456789.css") < step("chongqing/index.html")
    assert step("data/all.csv") < step("chongqing/index.html") and step("share/chongqing.png") < step("index.html")
    assert step("pagefind/fragment/zh-cn_abc.pf_fragment") < step("index.html") < step("pagefind/pagefind-worker.js")
    assert step("pagefind/pagefind-worker.js") < step("pagefind/pagefind-entry.json") < step("pagefind/pagefind.js")
    assert step("pagefind/pagefind.js") < step("search/names/chongqing.json") < step("search/names.json")
    assert step("pagefind/chongqing/pagefind.js") == step("pagefind/pagefind.js")
    assert step("index.html") < step("sitemap.xml") and step("index.html") < step("chongqing/biangeng/feed.xml")


# ---------------------------------------------------------------- 404 page and favicon


def test_the_404_page_works_at_any_depth_and_stays_out_of_the_sitemap(built_site):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built_site / "404.html").read_text(encoding="utf-8"), "html.parser")
    base = re.search(r"<loc>(https?://[^/]+)(/[^<]*)</loc>", (built_site / "sitemap.xml").read_text(encoding="utf-8")).group(2)
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "404.html" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
    refs = [a["href"] for a in page.find_all(["a", "link"], href=True)] + [i["src"] for i in page.find_all(["img", "script"], src=True)]
    refs = [r for r in refs if not r.startswith("#") and not urlsplit(r).scheme]  # tel:, the canonical https:// address
    assert refs and all(r.startswith(base) for r in refs), refs  # absolute paths: served for any missing address
    for ref in refs:
        target = ref[len(base):]
        assert (built_site / (target + "index.html" if target.endswith("/") or not target else target)).is_file(), ref
    assert page.h1 and "没有找到" in page.h1.text


def test_the_favicon_is_an_icon_every_page_names_and_the_root_serves(built_site):
    from PIL import Image

    with Image.open(built_site / "favicon.ico") as icon:
        assert icon.format == "ICO" and (32, 32) in icon.ico.sizes()
    for page in (built_site / "index.html", built_site / "chongqing" / "index.html"):
        href = re.search(r'<link rel="icon" href="([^"]+)">', page.read_text(encoding="utf-8")).group(1)
        assert (page.parent / href).resolve().read_bytes() == (built_site / "favicon.ico").read_bytes()
