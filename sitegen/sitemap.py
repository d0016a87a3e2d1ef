"""sitemap.xml: every page that is its own canonical page and may be indexed.

Made by the render stage from the pages it writes (``loc`` of each), not by
reading the written files back: at national scale that meant opening ~350,000
pages once more, and an incremental build, which writes only a few pages,
could not have done it at all. Above 50,000 URLs (the sitemaps.org limit) the
sitemap is an index over sitemap-1.xml, sitemap-2.xml …
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from . import urls

SITEMAP = urls.FILES["sitemap"]
LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for XML content or a double-quoted attribute."""
    return escape(_XML_ILLEGAL.sub("", text), {'"': "&quot;"})


def loc(page, base: str) -> str:
    """The page's absolute URL if it belongs in the sitemap, else ""."""
    own = urls.absolute(base, page.url)
    return own if not page.noindex and page.canonical == own else ""


def _urlset(locs: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_text(u)}</loc></url>" for u in locs]
    return "\n".join(lines + ["</urlset>"]) + "\n"


def write(out: Path, base: str, locs, limit: int = LIMIT) -> list[str]:
    """Write sitemap.xml (and its parts) for ``locs``; return the files written."""
    locs = sorted(set(u for u in locs if u))
    if len(locs) <= limit:
        (out / SITEMAP).write_text(_urlset(locs), encoding="utf-8")
        return [SITEMAP]
    written = []
    for n, start in enumerate(range(0, len(locs), limit), 1):
        name = f"sitemap-{n}.xml"
        (out / name).write_text(_urlset(locs[start : start + limit]), encoding="utf-8")
        written.append(name)
    index = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index += [f"<sitemap><loc>{xml_text(urls.absolute(base, name))}</loc></sitemap>" for name in written]
    (out / SITEMAP).write_text("\n".join(index + ["</sitemapindex>"]) + "\n", encoding="utf-8")
    return [SITEMAP] + written
