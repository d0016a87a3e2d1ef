"""HTML conformance (the Nu HTML Checker) and the first-round-trip budget."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, item_page_count

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BUDGET = 14 * 1024  # one TCP initial window, roughly


def test_nu_html_checker_finds_no_errors(built_site):
    if not VNU.exists():
        pytest.fail("node_modules/vnu-jar missing: run `make test` (npm ci)")
    if not shutil.which("java"):
        pytest.fail("java missing: run `make test` (installs default-jre-headless)")
    pages = sorted(str(p) for p in built_site.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) > 250
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages], capture_output=True, text=True)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    errors = [(m.get("url", "").rsplit("/site/", 1)[-1], m.get("message")) for m in messages if m.get("type") == "error"]
    assert errors == []


def item_pages(site):
    for path in sorted(site.glob("*/*/index.html")):
        html = path.read_text(encoding="utf-8")
        if 'data-pagefind-body' in html:
            yield path, html


def test_item_pages_fit_in_14_kb_gzip(built_site):
    sizes = {}
    for path, html in item_pages(built_site):
        total = len(gzip.compress(html.encode("utf-8"), 9))
        for ref in re.findall(r'<(?:link rel="stylesheet" href|script[^>]*src)="([^"]+)"', html):
            total += len(gzip.compress((path.parent / ref).resolve().read_bytes(), 9))
        sizes[path.relative_to(built_site).as_posix()] = total
    assert len(sizes) == item_page_count()
    too_big = {k: v for k, v in sizes.items() if v > BUDGET}
    assert too_big == {}, f"largest: {max(sizes.values())} bytes"
