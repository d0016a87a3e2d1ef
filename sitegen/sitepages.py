"""Pages staff write in Markdown: content/pages/*.md (关于本站, 使用说明,
联系与纠错), each at pages/<name>/ and linked from every page's footer.

A file's first line is its title (``# 关于本站``); a leading number in the file
name orders the footer and is not part of the address (1-guanyu.md →
pages/guanyu/). The text is rendered with markdown-it-py with raw HTML off —
``<b>`` or ``<script>`` in a file shows as text — and without images, so a
page never loads anything from another host; links to javascript: and
similar addresses are refused by markdown-it itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from . import urls
from .load import read_text, shown_path
from .pages import make_page
from .plan import NO_REGION, Feature, Output, page
from .problems import Problem

FOLDER = "pages"  # below content/
_NAME = re.compile(r"^(?:[0-9]+-)?([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.md$")


@dataclass(frozen=True)
class SitePage:
    slug: str  # pages/<slug>/
    title: str
    text: str  # the Markdown below the title
    path: str  # as shown in messages


@dataclass(frozen=True)
class SitePageBody:
    title: str
    html: Markup


def read(content_dir: Path | None) -> tuple[tuple[SitePage, ...], list[Problem]]:
    if content_dir is None or not (content_dir / FOLDER).is_dir():
        return (), []
    root = content_dir.parent  # paths in messages: content/pages/….md
    pages, problems, seen = [], [], {}
    for path in sorted((content_dir / FOLDER).glob("*.md")):
        shown = shown_path(path, root)
        m = _NAME.match(path.name)
        if not m:
            problems.append(Problem(shown, 1, 1, "", "文件名只能用小写拼音字母、数字和连字符，如 1-guanyu.md（开头的数字决定页脚中的先后）(bad page file name)"))
            continue
        text, unreadable = read_text(path, shown)  # a pipe, a huge file or GBK: told, not read
        if text is None:
            problems += unreadable
            continue
        first, _, rest = text.lstrip("\ufeff").partition("\n")
        if not first.startswith("# ") or not first[2:].strip():
            problems.append(Problem(shown, 1, 1, "", "第一行要写页面标题，如 “# 关于本站” (the first line must be the title)"))
            continue
        slug = m.group(1)
        if slug in seen:
            problems.append(Problem(shown, 1, 1, "", f"和 {seen[slug]} 是同一个网址 pages/{slug}/，请改一个文件名 (two files for one page)"))
            continue
        seen[slug] = shown
        pages.append(SitePage(slug, first[2:].strip(), rest, shown))
    return tuple(pages), problems


def footer_links(pages: tuple[SitePage, ...]) -> tuple[dict, ...]:
    """What base.html's footer shows: (site path, title) of every page."""
    return tuple({"url": urls.site_page(p.slug), "title": p.title} for p in pages)


def site_page(url: str, resolved, p: SitePage):
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
    body = SitePageBody(p.title, Markup(md.render(p.text)))
    title = f"{p.title}｜{resolved.content.site['title']}"
    return make_page(resolved, url, "page.html", title, p.title, body)


class SitePages(Feature):
    """The pages staff write in content/pages/."""

    name = "site pages"

    def site_outputs(self, resolved) -> list[Output]:
        return [page(urls.site_page(p.slug), site_page, resolved, p, regions=NO_REGION) for p in resolved.content.pages]


FEATURE = SitePages()
