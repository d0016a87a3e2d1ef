"""sitemap.xml: every page that is its own canonical page and may be indexed.

Made from the plan (``Plan.finish``: the outputs whose ``sitemap`` names their
page), not by reading the written files back. Above 50,000 URLs (the sitemaps.org limit) the
sitemap is an index over sitemap-1.xml, sitemap-2.xml …
"""
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


def _urlset(locs: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_text(u)}</loc></url>" for u in locs]
    return "\n".join(lines + ["</urlset>"]) + "\n"


def files(base: str, locs, limit: int = LIMIT) -> list[tuple[str, bytes]]:
    """(path, bytes) of sitemap.xml (and its parts) for ``locs``."""
    locs = sorted(set(u for u in locs if u))
    if len(locs) <= limit:
        return [(SITEMAP, _urlset(locs).encode("utf-8"))]
    parts = [(f"sitemap-{n}.xml", _urlset(locs[start : start + limit]).encode("utf-8")) for n, start in enumerate(range(0, len(locs), limit), 1)]
    index = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index += [f"<sitemap><loc>{xml_text(urls.absolute(base, name))}</loc></sitemap>" for name, _ in parts]
    return [(SITEMAP, ("\n".join(index + ["</sitemapindex>"]) + "\n").encode("utf-8"))] + parts
