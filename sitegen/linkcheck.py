"""Check a built site's links: ``python -m sitegen.linkcheck site/``.

Every internal link, asset and form target must point at a file that exists (a
URL ending in "/" at its index.html) and a ``#fragment`` at an id there; no page
loads anything from another host or has a ``javascript:`` link; every page can
be reached from the home page (404.html excepted). Each problem names the page,
line and column; the exit status is 1 when there are problems.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# (tag, attribute) pairs that load something the page needs, and those a reader follows
ASSET_ATTRS = {("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("video", "src"), ("audio", "src"),
               ("iframe", "src"), ("embed", "src"), ("object", "data"), ("input", "src"), ("video", "poster")}
NAV_ATTRS = {("a", "href"), ("area", "href"), ("form", "action")}
SKIP_SCHEMES = ("tel", "mailto", "sms", "weixin", "data")
LINK_ASSET_RELS = ("stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon")
NOT_PAGES = ("404.html",)  # reached by mistake, not by links
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FAKE = "http://site.invalid/"


@dataclass(frozen=True, order=True)
class Problem:
    page: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}:{self.column}: {self.message}"


@dataclass
class Ref:
    tag: str
    attr: str
    value: str
    line: int
    column: int
    rel: str = ""


class _Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.refs: list[Ref] = []
        self.ids: set[str] = set()
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        line, col = self.getpos()
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr, value in attrs:
            if value is None:
                continue
            if (tag, attr) in ASSET_ATTRS or (tag, attr) in NAV_ATTRS:
                self.refs.append(Ref(tag, attr, value, line, col + 1, (a.get("rel") or "").lower()))
            elif attr == "srcset":
                for part in value.split(","):
                    if part.strip():
                        self.refs.append(Ref(tag, "srcset", part.split()[0], line, col + 1))
            elif tag == "meta" and attr == "content" and (a.get("http-equiv") or "").lower() == "refresh":
                m = re.search(r"url\s*=\s*(\S+)", value, re.I)
                if m:
                    self.refs.append(Ref("a", "href", m.group(1).strip("'\""), line, col + 1))

    handle_startendtag = handle_starttag


def _climb(path: str) -> int:
    """How many folders a relative path climbs above its start, at most."""
    depth = most = 0
    for part in path.split("/")[:-1]:
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        most = max(most, -depth)
    return most


def target_of(page_rel: str, value: str, base_url: str = "") -> tuple[str | None, str, str]:
    """(file below site/ or None for "not ours", fragment, why-not-ours)."""
    value = value.strip()
    if base_url and value.startswith(base_url):
        value = "/" + value[len(base_url):]
    parts = urlsplit(value)
    if parts.scheme in SKIP_SCHEMES:
        return None, "", "skip"
    if parts.scheme == "javascript":
        return None, "", "javascript"
    if parts.scheme or parts.netloc:
        return None, "", "external"
    if not parts.path.startswith("/") and _climb(parts.path) > page_rel.count("/"):
        return None, "", "above-root"  # a web server forgives it at its root, but not below a path or from a file
    resolved = urlsplit(urljoin(_FAKE + page_rel, value))
    path = unquote(resolved.path)[1:]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(resolved.fragment), ""


def check(site: Path, base_url: str = "", files=None) -> list[Problem]:
    """Every problem of the built ``site``. ``files``: the paths of the plan
    (``sitegen.plan.Plan``): the pages checked and the files a link may reach
    are the planned ones (and the index stage's pagefind/ folder), and a
    planned file missing from ``site`` is a problem; None: the files found in ``site``."""
    site = Path(site)
    problems: list[Problem] = []
    found = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    planned = found if files is None else set(files)
    problems += [Problem(rel, 1, 1, "计划中的文件没有生成 (planned file missing)") for rel in sorted(planned - found)]
    reachable = planned | {rel for rel in found if rel.startswith("pagefind/")}
    pages = {rel: site / rel for rel in sorted(planned & found) if rel.endswith(".html") and not rel.startswith("pagefind/")}
    parsed = {rel: _Page(path.read_text(encoding="utf-8", errors="replace")) for rel, path in pages.items()}
    links: dict[str, set[str]] = {rel: set() for rel in pages}
    for rel, page in parsed.items():
        for ref in page.refs:
            if not ref.value.strip():
                problems.append(Problem(rel, ref.line, ref.column, f"空链接 (empty {ref.attr})"))
                continue
            rels = ref.rel.split()
            if ref.tag == "link" and {"canonical", "alternate"} & set(rels) and not ref.value.startswith(base_url or "\0"):
                continue  # the public address of the page; checked when it starts with base_url
            path, fragment, why = target_of(rel, ref.value, base_url)
            is_asset = (ref.tag, ref.attr) in ASSET_ATTRS or ref.attr == "srcset"
            if ref.tag == "link" and not set(LINK_ASSET_RELS) & set(rels):
                is_asset = False
            say = ""
            if why == "javascript":
                say = f"不允许 javascript: 链接 (javascript: URL): {ref.value[:80]}"
            elif why == "above-root":
                say = f"链接跳出了网站根目录 (relative link climbs above the site root): {ref.value[:120]}"
            elif why == "external" and is_asset:
                say = f"页面从其他网站加载资源，不允许 (asset from another host): {ref.value[:120]}"
            elif not why and path not in reachable:
                hint = "（链接到文件夹要以 / 结尾）" if (site / path).is_dir() else ""
                say = f"链接的文件不存在{hint} (broken link): {ref.value[:120]} → {path}"
            elif not why and fragment and path in parsed and fragment not in parsed[path].ids:
                say = f"目标页面上没有 id=“{fragment}” (missing anchor): {ref.value[:120]}"
            if say:
                problems.append(Problem(rel, ref.line, ref.column, say))
            if not why and not is_asset and path in links:
                links[rel].add(path)
    problems += _css_problems(site, sorted(r for r in planned & found if r.endswith(".css")), reachable)
    problems += _unreachable(links, parsed)
    return sorted(set(problems))


def _css_problems(site: Path, sheets: list[str], reachable: set[str]) -> list[Problem]:
    problems = []
    for rel in sheets:
        text = (site / rel).read_text(encoding="utf-8", errors="replace")
        for m in _CSS_URL.finditer(text):
            value = m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            path, _, why = target_of(rel, value)
            if why == "external":
                problems.append(Problem(rel, line, col, f"样式表从其他网站加载资源，不允许 (asset from another host): {value[:120]}"))
            elif not why and path and path not in reachable:
                problems.append(Problem(rel, line, col, f"样式表引用的文件不存在 (broken url()): {value[:120]}"))
    return problems


def _unreachable(links: dict[str, set[str]], parsed: dict) -> list[Problem]:
    if "index.html" not in links:
        return [Problem("index.html", 1, 1, "没有首页 (no index.html)")]
    seen, queue = {"index.html"}, deque(["index.html"])
    while queue:
        for nxt in links[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return [
        Problem(rel, 1, 1, "从首页点不到这个页面 (not reachable from the home page)")
        for rel in links
        if rel not in seen and rel.rsplit("/", 1)[-1] not in NOT_PAGES
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检查生成的网站：失效链接、缺失资源、从首页点不到的页面")
    parser.add_argument("site", type=Path, nargs="?", default=Path("site"))
    parser.add_argument("--base-url", default="", help="网站正式地址（content/site.yaml 的 base_url）：以它开头的链接按站内链接检查")
    parser.add_argument("--content", type=Path, help="按这个内容文件夹的输出计划检查（计划中的每个文件都应生成）(check against the plan of this content)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}: 不是生成好的网站（没有 index.html）(not a built site)", file=sys.stderr)
        return 1
    files = None
    if args.content:
        from .features import every
        from .load import load
        from .cascade import resolve
        from .plan import Plan
        from .validate import validate

        plan = Plan(resolve(validate(load(args.content.resolve(), args.content.resolve().parent))), every())
        files = [o.path for o in plan] + [o.path for o in plan.finish([])]
    problems = check(args.site, args.base_url, files)
    for p in problems:
        print(p)
    pages = sum(1 for _ in args.site.rglob("*.html"))
    if problems:
        print(f"共 {len(problems)} 个链接问题（检查了 {pages} 个页面）({len(problems)} problem(s))", file=sys.stderr)
        return 1
    print(f"链接检查通过：{pages} 个页面，没有失效链接，每个页面都能从首页点到 (links OK)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
