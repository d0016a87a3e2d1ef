"""Every public URL in sitegen/urls.py (datasette's url_builder habit): the
files beside the pages are documented where the page patterns are, each
pattern names a file the golden site really has, and no other module or
template puts a base URL in front of a path itself."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from sitegen import urls

pytestmark = pytest.mark.fast  # in `make test-fast`

DOC = ROOT / "docs" / "wechat.md"
GOLDEN = ROOT / "tests" / "golden" / "expected"


def documented_files() -> dict[str, str]:
    """name → pattern from docs/wechat.md's table of files beside the pages."""
    out = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*[^|]*?\s([a-z_]+)\s*\|\s*`([^`{][^`]*|\{page\}[^`]*|\{region\}[^`]*)`\s*\|$", line)
        if m and not m.group(2).startswith("{base}"):
            out[m.group(1)] = m.group(2)
    return out


def test_doc_and_code_share_the_file_patterns():
    assert documented_files() == urls.FILES


def schema_version() -> str:
    """The data format's version, from the schema's $id (read here: importing
    sitegen.opendata would register its features before the others')."""
    schema = json.loads((ROOT / "content" / "schema" / "data.schema.json").read_text(encoding="utf-8"))
    return re.search(r"-(\d+\.\d+\.\d+)\.schema\.json$", schema["$id"]).group(1)


def test_every_file_pattern_names_a_file_of_the_golden_site():
    csv = next((GOLDEN / "data" / "lists").rglob("*.csv")).relative_to(GOLDEN / "data" / "lists").as_posix()
    values = {"region": "chongqing", "cert": "qinshu-guanxi", "page": "chongqing/qinshu-guanxi/", "list": csv.removesuffix(".csv"),
              "kind": "buyu-chuju", "paper": "a4", "version": schema_version()}
    for name, pattern in urls.FILES.items():
        path = pattern.format(**values)
        assert (GOLDEN / path).is_file(), f"{name}: {path}"


def test_functions_follow_the_patterns():
    assert urls.slip("chongqing", "shouyang", fourup=True) == "print/chongqing/shouyang-a6.html#a6x4"
    assert urls.qr(urls.search("重庆市")) == "search/qr.svg"
    assert urls.feed() == "feed.xml" and urls.feed("yubei") == "yubei/biangeng/feed.xml"
    assert urls.absolute("https://x.example/", urls.item("a", "b")) == "https://x.example/a/b/"


# a base URL followed by a path: base + …, base_url"] + …, {base}{…} in an f-string
_ASSEMBLED = re.compile(r"""\bbase(?:_url)?\s*\+|\["base_url"\]\s*\+|\{base(?:_url)?\}\{|\+\s*base(?:_url)?\b""")


def test_absolute_urls_are_made_only_in_urls_py():
    found = []
    for path in sorted((ROOT / "sitegen").glob("*.py")):
        if path.name == "urls.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _ASSEMBLED.search(line):
                found.append(f"sitegen/{path.name}:{n}: {line.strip()}")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "base_url" in text:
            found.append(f"{path.relative_to(ROOT)}: uses site.base_url")
    assert not found, "\n".join(found)


def test_the_search_for_assembled_urls_finds_them():
    for line in ('url = base + urls.item(a, b)', 'canonical=site["base_url"] + url', 'f"Sitemap: {base}{SITEMAP}"'):
        assert _ASSEMBLED.search(line), line
    assert not _ASSEMBLED.search("url = urls.absolute(base, urls.item(a, b))")
