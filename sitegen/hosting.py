"""How each file of the built site is served, one table for sitegen/deploy.py
and sitegen/nginx.py: Content-Type, Cache-Control and the publish step that
uploads it (docs/deploy.md explains each rule).

A file whose name carries a hash of its content is cached a year; every other
file is revalidated (``no-cache``), so a phone never shows last week's list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import index, urls

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# The steps of a publish, in order: what pages refer to, pages, then files naming other files.
FILES, PAGES = "files", "pages"
STEPS = (FILES, PAGES, "search runtime", "search entry", "search loader", "search shards", "search names",
         "feeds and sitemap")

# The most any page may need; a page's <meta> policy can only narrow it. Sent as a
# header where the server can (nginx, a CDN).
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")

_HEX = "[0-9a-f]"
_BUNDLE = r"pagefind(?:/[^/]+)*/"  # site/pagefind/ or, at national scale, site/pagefind/<city>/


def _path_regex(pattern: str) -> str:
    """A regex for a sitegen path pattern such as "search/names/{region}.json"."""
    return re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(pattern))


@dataclass(frozen=True)
class Rule:
    name: str  # what the files are, as the dry run and docs say it
    pattern: str  # regex matching the whole path below site/ ("a/b.html", no leading /)
    cache: str
    step: str


# First match wins.
RULES = (
    Rule("hashed asset", rf"assets/[^/]+\.{_HEX}{{10}}\.[a-z0-9]+", IMMUTABLE, FILES),
    Rule("search index file", rf"{_BUNDLE}(?:fragment|index|filter)/[^/]+\.pf_(?:fragment|index|filter)", IMMUTABLE, FILES),
    Rule("search meta file", rf"{_BUNDLE}pagefind\.[^/]+\.pf_meta", IMMUTABLE, FILES),
    Rule("page", r"(?:.*/)?[^/]+\.html", REVALIDATE, PAGES),
    Rule("search runtime", rf"{_BUNDLE}(?:pagefind-(?!entry\.json$)[^/]+|wasm\.[^/]+\.pagefind)", REVALIDATE, "search runtime"),
    Rule("search entry", rf"{_BUNDLE}pagefind-entry\.json", REVALIDATE, "search entry"),
    Rule("search loader", rf"{_BUNDLE}pagefind\.js", REVALIDATE, "search loader"),
    Rule("search names shard", _path_regex(index.SHARD_PATTERN), REVALIDATE, "search shards"),
    Rule("search names", _path_regex(index.NAMES_FILE), REVALIDATE, "search names"),
    Rule("feed", r"(?:.*/)?feed\.xml", REVALIDATE, "feeds and sitemap"),
    Rule("sitemap", r"sitemap(?:-\d+)?\.xml|robots\.txt", REVALIDATE, "feeds and sitemap"),
    Rule("share card", _path_regex(urls.share_image("{region}")), REVALIDATE, FILES),
    Rule("file", r".+", REVALIDATE, FILES),  # data downloads, QR codes, print PDFs, favicon.ico
)
_COMPILED = tuple((re.compile(rule.pattern), rule) for rule in RULES)

# Content-Type by extension (any other file, Pagefind's included, is application/octet-stream);
# text types are sent with charset=utf-8.
TYPES = {
    "html": "text/html", "css": "text/css", "js": "text/javascript", "json": "application/json",
    "csv": "text/csv", "xml": "application/xml", "svg": "image/svg+xml", "txt": "text/plain",
    "png": "image/png", "ico": "image/x-icon", "pdf": "application/pdf",
}
FEED_TYPE = "application/atom+xml"  # feed.xml (an .xml file that is not the sitemap)
TEXT_TYPES = ("text/html", "text/css", "text/javascript", "application/json", "text/csv", "application/xml",
              "image/svg+xml", "text/plain", FEED_TYPE)
# Written for nginx's gzip_static beside the file they compress; never uploaded.
PRECOMPRESSED = ".gz"


def rule_for(path: str) -> Rule:
    for regex, rule in _COMPILED:
        if regex.fullmatch(path):
            return rule
    raise AssertionError("the last rule matches every path")


def media_type(path: str) -> str:
    """The Content-Type without parameters."""
    if path == "feed.xml" or path.endswith("/feed.xml"):
        return FEED_TYPE
    name = path.rsplit("/", 1)[-1]
    return TYPES.get(name.rsplit(".", 1)[-1].lower() if "." in name else "", "application/octet-stream")


def content_type(path: str) -> str:
    kind = media_type(path)
    return f"{kind}; charset=utf-8" if kind in TEXT_TYPES else kind


def published(path: str) -> bool:
    """Whether ``path`` (below site/) is part of what a publish uploads."""
    return not path.endswith(PRECOMPRESSED)
