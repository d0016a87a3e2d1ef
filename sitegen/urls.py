"""Every public URL the site has, in one place.

URLs are built only from ids (never from row numbers), so links in 公众号 menus
and printed QR codes never break; docs/wechat.md lists the patterns (tested).
Paths are relative to the base URL; a page's ends in "/" (its index.html).
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

# pattern name → pattern; {region} and {cert} are ids from content/lists/.
PATTERNS = {
    "home": "",
    "region": "{region}/",
    "item": "{region}/{cert}/",
    "certificate": "zhengming/{cert}/",
    "search": "search/",
    "search_region": "search/?region={region}",
    "hotline": "{region}/jubao/",
    "embed": "{region}/embed/",
    "index_az": "{region}/suoyin/",
    "changes": "{region}/biangeng/",
    "data": "data/",
    "print_index": "print/{region}/",
    "site_page": "pages/{slug}/",
}

# file name → pattern, for the files beside the pages: {list} is a list's id,
# {kind} a list's slug (buyu-chuju, baoliu), {paper} a paper's key (a4, a3),
# {version} the data format's version, {page} any page's path.
FILES = {
    "qr": "{page}qr.svg",
    "share_image": "share/{region}.png",
    "share_site": "share/site.png",
    "feed": "feed.xml",
    "region_feed": "{region}/biangeng/feed.xml",
    "all_json": "data/all.json",
    "all_csv": "data/all.csv",
    "region_json": "data/regions/{region}.json",
    "list_csv": "data/lists/{list}.csv",
    "schema": "schema/data-{version}.schema.json",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "search_names": "search/names.json",
    "search_shard": "search/names/{region}.json",
    "search_tolerance": "search/tolerance.json",
    "poster": "print/{region}/{kind}-{paper}.html",
    "slip": "print/{region}/{cert}-a6.html",
    "not_found": "404.html",  # what a web server or bucket shows for a missing address (docs/deploy.md)
    "favicon": "favicon.ico",  # where browsers look for the site's icon when a page names none
}
PRINT = "print"  # the folder of the print pages (and of their PDFs)
FOURUP = "a6x4"  # the fragment at which a slip page prints four slips on an A4 sheet

# Folders at the top level that a region id must not take …
RESERVED_REGION_IDS = frozenset({"search", "zhengming", "assets", "pagefind", "print", "data", "schema", "qr", "share", "pages"})
# … and folders inside a region that a certificate id must not take.
RESERVED_CERT_IDS = frozenset({"jubao", "embed", "suoyin", "print", "qr", "biangeng", "data"})


def home() -> str:
    return PATTERNS["home"]


def site_page(slug: str) -> str:
    """A page staff write in Markdown (content/pages/<slug>.md)."""
    return PATTERNS["site_page"].format(slug=slug)


def region(region_id: str) -> str:
    return PATTERNS["region"].format(region=region_id)


def item(region_id: str, cert_id: str) -> str:
    return PATTERNS["item"].format(region=region_id, cert=cert_id)


def certificate(cert_id: str) -> str:
    return PATTERNS["certificate"].format(cert=cert_id)


def search(region_id: str | None = None) -> str:
    if region_id is None:
        return PATTERNS["search"]
    return PATTERNS["search_region"].format(region=quote(region_id))


def hotline(region_id: str) -> str:
    return PATTERNS["hotline"].format(region=region_id)


def embed(region_id: str) -> str:
    return PATTERNS["embed"].format(region=region_id)


def index_az(region_id: str) -> str:
    return PATTERNS["index_az"].format(region=region_id)


def changes(region_id: str) -> str:
    """A region's 变更记录: every version of its lists."""
    return PATTERNS["changes"].format(region=region_id)


def data() -> str:
    """The 数据下载 page."""
    return PATTERNS["data"]


def print_index(region_id: str) -> str:
    """A region's print pages: posters and slips."""
    return PATTERNS["print_index"].format(region=region_id)


def poster(region_id: str, kind_slug: str, paper_key: str) -> str:
    return FILES["poster"].format(region=region_id, kind=kind_slug, paper=paper_key)


def slip(region_id: str, cert_id: str, fourup: bool = False) -> str:
    """An item's slip: one page that prints one A6 slip, and at ``#a6x4``
    four of them on an A4 sheet (print.css switches on ``:target``)."""
    page = FILES["slip"].format(region=region_id, cert=cert_id)
    return f"{page}#{FOURUP}" if fourup else page


def qr(url: str) -> str:
    """The QR code file of a page: beside its index.html."""
    return FILES["qr"].format(page=url.split("?", 1)[0])


def share_image(region_id: str | None = None) -> str:
    """The share-card picture of a region (or of the whole site)."""
    return FILES["share_image"].format(region=region_id) if region_id else FILES["share_site"]


def feed(region_id: str | None = None) -> str:
    """The Atom feed of a region's list changes (or of the whole site's)."""
    return FILES["region_feed"].format(region=region_id) if region_id else FILES["feed"]


def region_json(region_id: str) -> str:
    return FILES["region_json"].format(region=region_id)


def list_csv(list_id: str) -> str:
    return FILES["list_csv"].format(list=list_id)


def schema(version: str) -> str:
    return FILES["schema"].format(version=version)


def search_shard(region_id: str) -> str:
    """A region's part of the search data."""
    return FILES["search_shard"].format(region=region_id)


def absolute(base_url: str, path: str) -> str:
    """The public address of a site path (``base_url`` ends in "/"): the one place a
    path becomes a full address."""
    return base_url + path


def base_path(base_url: str) -> str:
    """The path of the site below its host: "/" or "/zhengming/" (for the 404 page,
    shown at any depth, where relative links cannot work)."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def file_for(url: str) -> str:
    """The file in site/ that serves a URL path."""
    path = url.split("?", 1)[0]
    return path + "index.html" if path.endswith("/") or path == "" else path


# The base_url content/site.yaml ships with; names reserved for examples and tests
# (RFC 2606, RFC 6761) can never be a real site either.
PLACEHOLDER_BASE_URL = "https://zhengming.example.org/"
_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
_RESERVED_TLDS = ("example", "test", "invalid", "localhost")


def is_placeholder(base_url: str) -> bool:
    """True while ``base_url`` is not a real public address (publishing refuses it,
    posters say 测试地址)."""
    host = (urlsplit(base_url.strip()).hostname or "").rstrip(".").lower()
    labels = host.split(".")
    return not host or ".".join(labels[-2:]) in _EXAMPLE_DOMAINS or labels[-1] in _RESERVED_TLDS
