"""Ready for WeChat official-account menus: each region page and item page has a
``qr.svg`` beside it (the page's public address), each region (and the site) a
small share picture (``share/<region>.png``: WeChat without its JS-SDK takes a
page's first large image for the share card, so base.html puts it first), and
``/<region>/embed/`` leads with search and the 不予出具 list, for a 公众号 menu.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Iterator

from . import urls
from .model import ANSWER, NOT_ISSUED, Entry, Region, RegionView, Resolved
from .pages import HotlineView, Link, Page, few_words, hotline_view, href, make_page, row_link
from .plan import NO_REGION, Feature, Output, page
from .problems import BuildError, Problem
from .qr import qr_svg

# Debian's fonts-noto-cjk (installed by the Makefile); index 2 of the .ttc is Simplified Chinese.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
FONT_ENV = "SITEGEN_FONT"  # a CJK font file to draw with instead (its first face), where Debian's is not
SHARE_SIZE = 300  # WeChat picks images of at least 300×300 px


@lru_cache(maxsize=None)
def _font(size: int, files: tuple[tuple[str, int], ...]):
    from PIL import ImageFont

    for path, index in files:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=index)
    message = f"找不到中文字体：请安装 fonts-noto-cjk（make site 会自动安装），或用环境变量 {FONT_ENV} 指定字体文件 (no CJK font)"
    raise BuildError([Problem(files[0][0], 1, 1, "", message)])


def _fit(draw, text: str, max_width: int, start: int, files: tuple[tuple[str, int], ...]):
    """(font, text) drawn within ``max_width``: the largest size from ``start``
    down to 12 px that holds the whole text, else 12 px and the text cut
    short with “…” (a name can be 40 characters, a site title longer)."""
    text = text[:200]  # ~20 characters fit at 12 px: never measure more (Pillow refuses a huge line)
    for size in range(start, 11, -2):
        font = _font(size, files)
        if draw.textlength(text, font=font) <= max_width:
            return font, text
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return font, text + "…"


def share_png(title: str, subtitle: str) -> bytes:
    """A small, deterministic PNG: a blue band, the region name, the site name."""
    from PIL import Image, ImageDraw

    chosen = os.environ.get(FONT_ENV)
    files = ((chosen, 0),) if chosen else FONT_CANDIDATES
    title, subtitle = (" ".join(text.split()) for text in (title, subtitle))  # Pillow measures one line only
    img = Image.new("P", (SHARE_SIZE, SHARE_SIZE), 0)
    img.putpalette([255, 255, 255, 11, 79, 156, 26, 26, 26, 155, 28, 28] + [0] * (256 - 4) * 3)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, SHARE_SIZE, 92), fill=1)
    draw.text((20, 24), "社区证明", font=_font(36, files), fill=0)
    font, title = _fit(draw, title, SHARE_SIZE - 40, 44, files)
    draw.text((20, 120), title, font=font, fill=2)
    draw.rectangle((20, 190, 80, 196), fill=3)
    sub, subtitle = _fit(draw, subtitle, SHARE_SIZE - 40, 22, files)
    draw.text((20, 214), subtitle, font=sub, fill=2)
    out = io.BytesIO()
    img.save(out, format="PNG", bits=2)  # four colours; optimize=True costs more time than the bytes it saves
    return out.getvalue()


def _svg(url: str, title: str, context) -> bytes:
    return qr_svg(url, title=title).encode()


def _share(title: str, subtitle: str, context) -> bytes:
    return share_png(title, subtitle)


@dataclass(frozen=True)
class EmbedBody:
    region: Region
    search_action: str
    inherited_note: str
    rows: tuple[Link, ...]
    lists: Link  # the region page
    hotline: HotlineView


def embed_page(url: str, resolved: Resolved, view: RegionView) -> Page:
    region = view.region
    entries = view.of_kind(NOT_ISSUED)
    whose = entries[0].inherited_from if entries else None
    body = EmbedBody(
        region=region,
        search_action=href(url, urls.search()),
        inherited_note=f"{region.name}执行{whose.name}的清单。" if whose else "",
        rows=tuple(row_link(url, e, note=few_words(e), said=ANSWER) for e in entries),
        lists=Link(href(url, urls.region(region.id)), f"{region.name}全部清单（含社区依法出具的证明）"),
        hotline=hotline_view(view),
    )
    title, desc = f"{region.name}｜社区不再开的证明，去哪里办", f"{region.full_name}：搜索证明，查看社区不予出具的证明和办理途径。"
    return make_page(resolved, url, "embed.html", title, desc, body, crumbs=None, share_image=urls.share_image(region.id))


class WeChat(Feature):
    """The site's share picture; each region's share picture, embed page and
    QR codes (of its page and of each item page)."""

    name = "wechat"

    def site_outputs(self, resolved: Resolved) -> list[Output]:
        """The share picture of pages that belong to no region (home, search, A–Z)."""
        return [Output(urls.share_image(), partial(_share, "查社区证明", resolved.content.site["title"]), NO_REGION)]

    def region_outputs(self, resolved: Resolved, view: RegionView) -> Iterator[Output]:
        base, rid, own = resolved.content.site["base_url"], view.region.id, frozenset({view.region.id})
        region_url = urls.region(rid)
        yield Output(urls.share_image(rid), partial(_share, view.region.name, resolved.content.site["title"]), own)
        yield Output(urls.qr(region_url), partial(_svg, urls.absolute(base, region_url), view.region.full_name), own)
        for entry in view.entries:
            url = urls.item(rid, entry.certificate.id)
            yield Output(urls.qr(url), partial(_svg, urls.absolute(base, url), f"{view.region.name}｜{entry.row.short_name}"), own)
        yield page(urls.embed(rid), embed_page, resolved, view, regions=own)

    def region_links(self, resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
        rid = view.region.id
        return [(urls.embed(rid), "公众号菜单版（先搜索，再看不予出具清单）", ""),
                (urls.qr(urls.region(rid)), "本页二维码（SVG，可用于海报和文章）", "")]

    def item_links(self, entry: Entry) -> list[tuple[str, str, str]]:
        return [(urls.qr(urls.item(entry.region.id, entry.certificate.id)), "下载本页的二维码图片（可打印、可转发）", "")]


FEATURE = WeChat()
