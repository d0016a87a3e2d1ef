"""Every public URL the site has, in one place.

Links in 公众号 menus and printed QR codes must never break, so URLs are built
only from ids (never from row numbers). docs/wechat.md lists these patterns and
a test checks the two agree. Paths are relative to the site's base URL and end
in "/" (served as index.html).
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
}

# Folders at the top level that a region id must not take …
RESERVED_REGION_IDS = frozenset({"search", "zhengming", "assets", "pagefind", "print", "data", "schema", "qr", "share"})
# … and folders inside a region that a certificate id must not take.
RESERVED_CERT_IDS = frozenset({"jubao", "embed", "suoyin", "print", "qr", "biangeng", "data"})


def home() -> str:
    return PATTERNS["home"]


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


def qr(url: str) -> str:
    """The QR code file of a page: beside its index.html."""
    return url.split("?", 1)[0] + "qr.svg"


def share_image(region_id: str | None = None) -> str:
    """The share-card picture of a region (or of the whole site)."""
    return f"share/{region_id or 'site'}.png"


def file_for(url: str) -> str:
    """The file in site/ that serves a URL path."""
    path = url.split("?", 1)[0]
    return path + "index.html" if path.endswith("/") or path == "" else path


def relative(from_url: str, to_url: str) -> str:
    """A link from one page to another that works from file:// and any base."""
    depth = from_url.split("?", 1)[0].count("/")
    return "../" * depth + to_url if (depth or to_url) else "./"


# The base_url content/site.yaml ships with. Any address under a name reserved
# for examples and tests (RFC 2606, RFC 6761) can never be a real site either.
PLACEHOLDER_BASE_URL = "https://zhengming.example.org/"
_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
_RESERVED_TLDS = ("example", "test", "invalid", "localhost")


def is_placeholder(base_url: str) -> bool:
    """True while ``base_url`` is not a real public address: the shipped
    placeholder, or any name reserved for examples and tests. The one place
    that knows; publishing refuses it and posters say 测试地址 (docs/deploy.md)."""
    host = (urlsplit(base_url.strip()).hostname or "").rstrip(".").lower()
    if not host:
        return True
    return host.rsplit(".", 1)[-1] in _RESERVED_TLDS or any(host == d or host.endswith("." + d) for d in _EXAMPLE_DOMAINS)
