"""Print the built print pages (posters and slips) to PDF with headless Chromium.

    python -m sitegen.pdf [--site site] [--out DIR] [--only PATTERN] [--date YYYY-MM-DD] [--jobs N] [--again]

``make posters`` runs this after building site/: Debian's Chromium (through Playwright) prints
every page under <site>/print/, a slip page twice (<name>-a6.pdf, and at #a6x4 <name>-a6x4.pdf).
Each PDF is kept in the PDF cache (sitegen/pdfcache.py) under its page's key, and put beside
its page (or under --out); a page the cache has is not printed again unless --again. Pages are
printed from a hard-linked snapshot, so a build swapping site/ meanwhile takes nothing away.
A sheet taller than its paper, or a PDF with other than the planned page count, fails the run.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import pdfcache
from .posters import A3, A4, A6, A6X4, Paper, pdf_url
from .problems import ArgumentParser
from .urls import PRINT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
PAPERS = {p.key: p for p in (A4, A3, A6, A6X4)}
PX_PER_MM = 96 / 25.4
# what a print page's <html> says: its paper, sheets, the paper it also prints on, its PDF cache key
PRINT_PAGE = r'data-paper="([a-z0-9]+)" data-sheets="(\d+)"(?: data-fourup="([a-z0-9]+)")?(?: data-key="([0-9a-f]*)")?'
CST = dt.timezone(dt.timedelta(hours=8))  # China has one time zone and no DST
PLACEHOLDER_NOTE = (
    "注意：网站地址（content/site.yaml 的 base_url）还是示例地址，每张海报都印着“测试地址，请勿张贴”，"
    "二维码也指向示例地址。正式张贴前请填写正式网址，再运行 make posters。 (base_url is a placeholder)"
)


class PrintFailed(Exception):
    pass


@dataclass(frozen=True)
class Job:
    html: Path
    pdf: Path  # where it goes: beside its page in the site, or under --out
    rel: str  # print/<region>/<name>.html, with #fragment for a page's other way to print
    paper: Paper
    pages: int
    fragment: str = ""  # the element made :target before printing ("a6x4": a slip four to a sheet)
    slips: int = 0  # slips that must show (1 on A6, 4 four to a sheet); 0: a poster
    key: str = ""  # the page's key in the PDF cache ("": not kept there)


def page_head(html: Path) -> re.Match | None:
    """What a print page's <html> says (PRINT_PAGE), or None: not a print page, or none there."""
    try:
        with html.open(encoding="utf-8") as f:
            return re.search(PRINT_PAGE, f.read(400))
    except FileNotFoundError:
        return None


def jobs(site: Path, out: Path, only: str = "") -> list[Job]:
    """Every print page in the built site (its <html> names a paper), a slip page twice."""
    found = []
    for html in sorted((site / PRINT).rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if only and not re.search(only, rel):
            continue
        m = page_head(html)
        if not m:
            continue  # an index page, not a print page
        paper, sheets, fourup, key = PAPERS[m[1]], int(m[2]), m[3], m[4] or ""
        found.append(Job(html, out / pdf_url(rel), rel, paper, sheets, slips=1 if fourup else 0, key=key))
        if fourup:  # the page printed the other way: its PDF named as the page links it
            pdf = out / pdf_url(rel, fourup)
            found.append(Job(html, pdf, f"{rel}#{fourup}", PAPERS[fourup], sheets, fourup, slips=4, key=key))
    return found


_CHECK = """async ([limit, stamp, fragment]) => {
  // the way to print: a fragment makes its element :target (print.css); none clears it
  location.hash = '';
  if (fragment) location.hash = fragment;
  await document.fonts.ready;
  document.querySelectorAll('[data-made]').forEach(e => { e.textContent = stamp; });
  const sheets = Array.from(document.querySelectorAll('.sheet'));
  const heights = sheets.map(s => s.getBoundingClientRect().height);
  const slips = Array.from(document.querySelectorAll('.slip')).filter(s => s.getClientRects().length).length;
  return {count: sheets.length, over: heights.map((h, i) => [i + 1, h]).filter(([i, h]) => h > limit), slips};
}"""


async def _print_one(page, job: Job, stamp: str, folder: list[Path]) -> list[str]:
    # After a tab's first page of a folder, the next are written into the same document: the
    # same base URL without a navigation per file.
    if folder == [job.html.parent]:
        await page.set_content(job.html.read_text(encoding="utf-8"), wait_until="load")
    else:
        await page.goto(job.html.resolve().as_uri(), wait_until="load")
        folder[:] = [job.html.parent]
    limit = job.paper.height_mm * PX_PER_MM + 1  # one px for rounding
    found = await page.evaluate(_CHECK, [limit, stamp, job.fragment])
    problems = []
    if found["count"] != job.pages:
        problems.append(f"{job.rel}: {found['count']} 张纸，计划 {job.pages} 张 (sheets in page ≠ plan)")
    if job.slips and found["slips"] != job.slips:
        problems.append(f"{job.rel}: 显示 {found['slips']} 份告知单，应为 {job.slips} 份 (slips shown ≠ plan)")
    for number, height in found["over"]:
        problems.append(
            f"{job.rel}: 第 {number} 张超出 {job.paper.label} 纸：{height / PX_PER_MM:.1f} mm > {job.paper.height_mm} mm，"
            f"文字太长一张放不下，或 sitegen/posters.py 的分页估算有误 (sheet {number} is taller than its paper)"
        )
    if problems:
        return problems
    data = await page.pdf(prefer_css_page_size=True, print_background=True)
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))  # Skia writes each page object uncompressed
    if count != job.pages:
        return [f"{job.rel}: PDF 有 {count} 页，计划 {job.pages} 页 (PDF page count ≠ plan)"]
    if job.key:
        pdfcache.store(data, job.key, job.fragment)
    else:  # a page not from a build (no key): straight to where it goes
        job.pdf.parent.mkdir(parents=True, exist_ok=True)
        job.pdf.write_bytes(data)
    return []


async def _print_all(todo: list[Job], stamp: str, tabs: int) -> list[str]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise PrintFailed("没有安装 Playwright：请用 make posters（会安装 requirements-test.txt） (playwright missing)") from None
    problems: list[str] = []
    queue = list(reversed(todo))

    async def worker(browser) -> None:
        # a context per tab: its own renderer process, so the tabs really print in parallel
        page = await (await browser.new_context()).new_page()
        await page.emulate_media(media="print")
        folder: list[Path] = []
        while queue:
            job = queue.pop()
            try:
                problems.extend(await _print_one(page, job, stamp, folder))
            except Exception as err:  # report the file, keep printing the rest
                problems.append(f"{job.rel}: {err}")

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        try:
            await asyncio.gather(*(worker(browser) for _ in range(max(1, tabs))))
        finally:
            await browser.close()
    return problems


def snapshot(site: Path) -> Path:
    """The site's print pages, styles and QR codes hard-linked into a scratch folder, all from
    one build: walked through one handle on the folder, and again if a build swapped it."""
    for _ in range(5):
        try:
            fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            raise PrintFailed(f"{site} 不存在：请先生成网站 (site missing; build it first)") from None
        scratch = Path(tempfile.mkdtemp(prefix=f".{site.name}.print-", dir=site.parent))
        try:
            for folder, _dirs, files, dir_fd in os.fwalk(".", dir_fd=fd):
                rel = Path(folder)
                wanted = [f for f in files if rel.parts[:1] in ((PRINT,), ("assets",)) or f == "qr.svg"]
                if wanted:
                    (scratch / rel).mkdir(parents=True, exist_ok=True)
                for name in wanted:
                    try:
                        os.link(name, scratch / rel / name, src_dir_fd=dir_fd)
                    except FileNotFoundError:
                        raise
                    except OSError:
                        shutil.copyfile(f"/proc/self/fd/{dir_fd}/{name}", scratch / rel / name)
            return scratch
        except FileNotFoundError:  # the tree went away under the walk: a new site/ is in
            shutil.rmtree(scratch, ignore_errors=True)
        finally:
            os.close(fd)
    raise PrintFailed(f"{site} 一直在重建，无法取得完整的打印页 (site/ kept changing)")


@dataclass(frozen=True)
class Printed:
    jobs: list[Job]
    printed: int  # printed now
    reused: int  # taken from the cache
    delivered: int  # put beside their pages (or under --out)
    placeholder: bool = False  # the posters carry the 测试地址 line (base_url is an example address)


def print_site(site: Path, out: Path | None = None, only="", day: dt.date | None = None, tabs=2, again=False):
    """Print every print page of a built site; PrintFailed lists every page that could not be
    printed as planned. A cached PDF goes into the current site/ only beside a page that still
    has its key (or under ``out``)."""
    if not Path(CHROMIUM).exists():
        raise PrintFailed(f"找不到 {CHROMIUM}：请安装 chromium（make test 或 make posters 会安装） (chromium not installed)")
    scratch = snapshot(site)
    try:
        todo = jobs(scratch, out or site, only)
        if not todo:
            raise PrintFailed(f"{site / PRINT} 里没有打印页：请先生成网站 (no print pages; build the site first)")
        fresh = [job for job in todo if again or not pdfcache.has(job.key, job.fragment)]
        poster = next((job for job in todo if not job.slips), None)
        placeholder = poster is not None and 'class="poster__warning"' in poster.html.read_text(encoding="utf-8")
        day = day or dt.datetime.now(CST).date()
        stamp = f"（PDF 生成于 {day.year}年{day.month}月{day.day}日）"
        problems = asyncio.run(_print_all(fresh, stamp, tabs)) if fresh else []
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if problems:
        raise PrintFailed("\n".join(sorted(problems)))
    delivered = 0
    for job in todo:
        if not job.key:
            delivered += job.pdf.exists()
            continue
        now = page_head(site / job.rel.split("#", 1)[0])  # the page in site/ as it is now
        if out is not None or (now is not None and now[4] == job.key):
            delivered += pdfcache.link_into(job.key, job.fragment, job.pdf)
    return Printed(todo, len(fresh), len(todo) - len(fresh), delivered, placeholder)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site/)")
    parser.add_argument("--out", type=Path, default=None, help="where the PDFs go (default: the site folder)")
    parser.add_argument("--only", default="", help="only pages whose path matches this regular expression")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="the date stamped on the PDFs (default: today, UTC+8)")
    parser.add_argument("--jobs", type=int, default=2, help="browser tabs printing at once (default: 2)")
    parser.add_argument("--again", action="store_true", help="print pages again even when the PDF cache has them")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        re.compile(args.only)
        done = print_site(args.site, args.out, args.only, args.date, args.jobs, args.again)
    except re.error as err:
        print(f"--only 不是有效的正则表达式：{err} (bad pattern)", file=sys.stderr)
        return 2
    except PrintFailed as err:
        print(f"{err}\n打印失败 (printing failed)", file=sys.stderr)
        return 1
    pages, where = sum(job.pages for job in done.jobs), (args.out or args.site) / PRINT
    print(
        f"已生成 {len(done.jobs)} 个 PDF，共 {pages} 页（新印 {done.printed} 个，沿用缓存 {done.reused} 个），"
        f"{done.delivered} 个放入 {where}/ ({time.perf_counter() - start:.1f}s)"
    )
    if done.placeholder:
        print(PLACEHOLDER_NOTE, file=sys.stderr)
    if done.delivered < len(done.jobs):
        print(
            f"{len(done.jobs) - done.delivered} 个打印页在打印期间已被新的构建改写：这些 PDF 留在缓存里，"
            "下次 make posters 会印新的 (pages rebuilt meanwhile)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
