"""Files a web server or bucket expects at the site's root: the 404 page (its links
start from the base URL's path, as it is served at any depth; left out of the
sitemap) and the plain /favicon.ico browsers ask for by themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import urls
from .model import Resolved
from .pages import Link, Page, make_page
from .plan import NO_REGION, Feature, Output, constant, page
from .render import ASSETS


@dataclass(frozen=True)
class NotFoundBody:
    heading: str
    text: tuple[str, ...]
    links: tuple[Link, ...]


def not_found_page(url: str, resolved: Resolved) -> Page:
    site = resolved.content.site
    root = urls.base_path(site["base_url"])
    body = NotFoundBody(
        heading="没有找到这个页面",
        text=("网址可能输错了，或者这个页面已经不在这个地址。", "可以回到首页选择您所在的地区，或者直接搜索证明的名称。"),
        links=(Link(root, "回到首页"), Link(root + urls.search(), "搜索证明")),
    )
    title = f"没有这个页面｜{site['title']}"
    return make_page(resolved, url, "not_found.html", title, "这个网址没有页面。", body, None, root, noindex=True)


class HostFiles(Feature):
    """The 404 page and /favicon.ico."""

    name = "host files"

    def site_outputs(self, resolved: Resolved) -> list[Output]:
        return [
            page(urls.FILES["not_found"], not_found_page, resolved, regions=NO_REGION, listed=False),
            Output(urls.FILES["favicon"], constant((ASSETS / "favicon.ico").read_bytes()), NO_REGION),
        ]


FEATURE = HostFiles()
