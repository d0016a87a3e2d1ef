"""sitemap.xml: every page that is its own canonical page and may be indexed, from
the plan (``Plan.finish``); above 50,000 URLs (the sitemaps.org limit) an index over
sitemap-1.xml, sitemap-2.xml …"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

from . import urls

SITEMAP = urls.FILES["sitemap"]
LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for XML content or a double-quoted attribute."""
    return escape(_XML_ILLEGAL.sub("", text), {'"': "&quot;"})


def _document(root: str, tag: str, locs: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<{tag}><loc>{xml_text(u)}</loc></{tag}>" for u in locs]
    return ("\n".join(lines + [f"</{root}>"]) + "\n").encode("utf-8")


def files(base: str, locs, limit: int = LIMIT) -> list[tuple[str, bytes]]:
    """(path, bytes) of sitemap.xml (and its parts) for ``locs``."""
    locs = sorted(set(u for u in locs if u))
    if len(locs) <= limit:
        return [(SITEMAP, _document("urlset", "url", locs))]
    starts = range(0, len(locs), limit)
    parts = [(f"sitemap-{n}.xml", _document("urlset", "url", locs[i : i + limit])) for n, i in enumerate(starts, 1)]
    return [(SITEMAP, _document("sitemapindex", "sitemap", [urls.absolute(base, name) for name, _ in parts]))] + parts
