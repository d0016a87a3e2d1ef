"""Notice-board posters and hand-out slips, printed for real.

The print pages that prove each point go through sitegen.pdf — the same code
`make posters` runs, one headless Chromium — and poppler's tools read the PDFs
back: the paper size, the page count, every row name and the hotline in the
text, the list's citation, a CJK font embedded by name and no character drawn
as a missing-glyph box. Every poster is printed; of the slips, the tightest
fit of each list kind in each region (every slip page's text is read in its
HTML, and its characters checked against the print font). Some posters and
slips are rendered to PNG under out/posters/ for a person to look at, and
their QR codes are decoded.

What the pages must say comes from the YAML lists through the cascade (which
test_cascade.py checks) and from the issues: A4 595×842 pt, A3 842×1191 pt,
A6 298×420 pt; on a notice-board poster every row name at least 18 pt on A3
and 12 pt on A4 (measured in the PDF with pdftotext -bbox), and no large
blank patch (measured on a rendering).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from build import build, check
from conftest import CONTENT, ROOT
from sitegen import pdfcache, posters, urls
from sitegen.pages import HotlineView, Link
from sitegen.pdf import PrintFailed, jobs, print_site

pytestmark = pytest.mark.browser

# The sizes the issue states, in PDF points (1/72 in), portrait.
PAPER_PT = {"a4": (595, 842), "a3": (842, 1191), "a6": (298, 420), "a6x4": (595, 842)}
LIST_FILE = {"不予出具": "buyu-chuju", "保留": "baoliu"}  # content/lists/<region>/<file>.yaml
BOTH_FILE = "liangzhang"  # the 两张清单 sheet: both lists on one A3
NAME_MIN_PT = {"a4": 12, "a3": 18}  # the smallest row-name size a poster may print
PRINT_DAY = dt.date(2025, 6, 3)
REVIEW = ROOT / "out" / "posters"  # git-ignored: PNGs for a person to look at


def squeeze(text: str) -> str:
    return "".join(text.split())


@dataclass
class Printed:
    path: Path
    pages: int
    size: tuple[float, float]
    page_texts: list[str]  # pdftotext -raw, one per page
    fonts: list[dict]  # pdffonts rows

    @property
    def text(self) -> str:
        return squeeze("".join(self.page_texts))


def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def pdffonts(pdf: Path) -> list[dict]:
    """pdffonts' table as dicts (columns found from the dashes under the header)."""
    lines = run("pdffonts", str(pdf)).splitlines()
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]
    keys = [lines[0][a:b].strip() for a, b in spans[:-1]] + [lines[0][spans[-1][0] :].strip()]
    return [{k: line[a : b + 1].strip() for k, (a, b) in zip(keys, spans)} for line in lines[2:]]


def read_pdf(pdf: Path) -> Printed:
    info = run("pdfinfo", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    w, h = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()
    texts = run("pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-").split("\f")[:pages]
    return Printed(pdf, pages, (float(w), float(h)), texts, pdffonts(pdf))


@pytest.fixture(scope="module", autouse=True)
def pdf_cache(tmp_path_factory):
    """A PDF cache of this module's own: every PDF here is printed by these tests."""
    folder = tmp_path_factory.mktemp("pdf-cache")
    before = os.environ.get(pdfcache.FOLDER_ENV)
    os.environ[pdfcache.FOLDER_ENV] = str(folder)
    yield folder
    if before is None:
        del os.environ[pdfcache.FOLDER_ENV]
    else:
        os.environ[pdfcache.FOLDER_ENV] = before


@pytest.fixture(scope="module")
def resolved():
    return check(CONTENT)


# Slip pages printed whatever their fit: the ones the tests below look at closely.
NAMED_SLIPS = ("print/chongqing/qinshu-guanxi-a6.html", "print/chongqing/falv-yuanzhu-jingji-a6.html", "print/chongqing/wu-fanzui-a6.html")


def proving_pages(resolved) -> list[str]:
    """The print pages printed here: every poster; of the slips, in each region and for each
    list kind the one the layout estimate leaves least room on (the first a wrong estimate
    would push off its A6 sheet), and NAMED_SLIPS. What every slip says is read in its page."""
    pages = [posters.poster_url(view.region.id, kinds, paper) for view in resolved.views for kinds, paper in posters.posters_of(view)]
    for view in resolved.views:
        made = posters.RegionPrint(resolved, view)
        for kind in LIST_FILE:
            slips = [made.slip_page(urls.slip(view.region.id, e.certificate.id), e) for e in view.of_kind(kind)]
            if slips:
                pages.append(max(slips, key=lambda p: posters.slip_height_pt(p.body, p.body.scale)).url)
    return sorted(set(pages) | set(NAMED_SLIPS))


@pytest.fixture(scope="module")
def printed(built_site, resolved, tmp_path_factory) -> dict[str, Printed]:
    """The proving pages of the built site as PDF (one browser, one run), read back by poppler."""
    out = tmp_path_factory.mktemp("pdf")
    only = "^(" + "|".join(re.escape(page) for page in proving_pages(resolved)) + ")$"
    done = print_site(built_site, out, only, day=PRINT_DAY).jobs
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read_pdf, [job.pdf for job in done]))
    return {p.path.relative_to(out).as_posix(): p for p in results}


@pytest.fixture(scope="module")
def slip_soups(built_site, resolved) -> dict[str, BeautifulSoup]:
    """Every slip page of the built site, parsed once."""
    found = {}
    for view in resolved.views:
        for entry in view.entries:
            rel = f"print/{view.region.id}/{entry.certificate.id}-a6.html"
            found[rel] = BeautifulSoup((built_site / rel).read_text(encoding="utf-8"), "html.parser")
    return found


def expected_pdfs(resolved, built_site: Path) -> dict[str, tuple]:
    """Which PDFs must exist: per region, each list it shows × A4/A3, the
    两张清单 A3 where the region shows both lists and the build made one,
    and per certificate it shows an A6 slip and an A4 sheet of four; with
    what they print."""
    want = {}
    for view in resolved.views:
        for kind, file in LIST_FILE.items():
            entries = view.of_kind(kind)
            if entries:
                for size in ("a4", "a3"):
                    want[f"print/{view.region.id}/{file}-{size}.pdf"] = ("poster", view, kind, entries)
        both = f"print/{view.region.id}/{BOTH_FILE}-a3"
        if (built_site / f"{both}.html").exists():
            assert view.of_kind("不予出具") and view.of_kind("保留"), f"{both}: the region does not show both lists"
            want[f"{both}.pdf"] = ("both", view, "", view.entries)
        for entry in view.entries:
            for size in ("a6", "a6x4"):
                want[f"print/{view.region.id}/{entry.certificate.id}-{size}.pdf"] = ("slip", view, entry)
    return want


def size_of(rel: str) -> str:
    return rel.rsplit("-", 1)[1].removesuffix(".pdf")


def page_of(rel: str) -> str:
    """The print page a PDF was printed from: a slip's two PDFs come from one
    page (<name>-a6.html, and its #a6x4 for four to a sheet)."""
    return rel.removesuffix("-a6x4.pdf") + "-a6.html" if rel.endswith("-a6x4.pdf") else rel.replace(".pdf", ".html")


# ------------------------------------------------------------------ size, pages, text


def test_every_list_and_every_certificate_is_printed(printed, resolved, built_site, tmp_path):
    """`make posters` makes every PDF expected (its jobs); the proving ones are printed here."""
    want = expected_pdfs(resolved, built_site)
    assert sorted(job.pdf.relative_to(tmp_path).as_posix() for job in jobs(built_site, tmp_path)) == sorted(want)
    assert set(printed) <= set(want) and {size_of(rel) for rel in printed} == set(PAPER_PT)


def test_every_pdf_is_on_its_stated_paper(printed):
    for rel, pdf in printed.items():
        w, h = PAPER_PT[size_of(rel)]
        assert abs(pdf.size[0] - w) <= 1 and abs(pdf.size[1] - h) <= 1, f"{rel}: {pdf.size} pt, want {w}×{h}"


def test_page_counts_are_the_planned_ones(printed, built_site):
    for rel, pdf in printed.items():
        html = built_site / page_of(rel)
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        sheets = soup.select("section.sheet, div.sheet")
        assert pdf.pages == len(sheets) == int(soup.html["data-sheets"]), rel
        if size_of(rel) in ("a6", "a6x4") or BOTH_FILE in rel:
            assert pdf.pages == 1, f"{rel}: {pdf.pages} pages"  # a slip, and the 两张清单, are one sheet
        for number, page in enumerate(pdf.page_texts[1:], 2):  # a split list says so on every later sheet
            assert "（续）" in squeeze(page) and f"第{number}张，共{pdf.pages}张" in squeeze(page), rel
        if pdf.pages > 1:
            assert "（续）" not in squeeze(pdf.page_texts[0])


def test_posters_carry_every_row_whole_on_one_page_and_the_hotline(printed, resolved, built_site):
    for rel, want in expected_pdfs(resolved, built_site).items():
        if want[0] not in ("poster", "both"):
            continue
        _, view, kind, entries = want
        pdf = printed[rel]
        pages = [squeeze(t) for t in pdf.page_texts]
        for entry in entries:
            row = entry.row
            marked = entry.list.id != view.parts(entry.kind)[0].list.id  # a farther list's row: marked *
            name = squeeze(row.name) + ("*" if marked else "")
            if want[0] == "both":  # names, each with the limit its list puts on it
                says = "（" + squeeze(row.exceptions[0].text) if row.exceptions else ("（" + squeeze(row.limits) if entry.kind == "保留" and row.limits else "")
                head = name
            elif kind == "保留":
                says = row.purpose  # what a retained row is for
                head = f"{name}："
            else:  # where to go, or what to show instead, or the route itself
                says = row.offices[0] if row.offices else ("凭" + row.documents[0] if row.documents else row.route)
                head = f"{name}："
            # the row's name and what it says, together on exactly one page
            on = [i for i, page in enumerate(pages) if head in page]
            assert len(on) >= 1, f"{rel}: {row.name} not printed"
            assert any(page.split(head, 1)[1].startswith(squeeze(says)[:10]) for page in (pages[i] for i in on)), f"{rel}: {row.name} is not followed by {says[:10]}"
        for page in pages:  # every sheet stands alone on the notice board
            assert f"举报电话{view.hotline.number}" in page, rel
            assert view.region.full_name in page and "扫码查看清单" in page
        assert "本站收录的文件中没有" in pdf.text  # the honest note: the region published no hotline


def test_posters_cite_the_list_and_never_invent_a_date(printed, resolved, built_site):
    for rel, want in expected_pdfs(resolved, built_site).items():
        if want[0] not in ("poster", "both"):
            continue
        _, view, kind, entries = want
        text = printed[rel].text
        for lst in {e.list.id: e.list for e in entries}.values():
            assert squeeze(f"《{lst.title}》") in text
            for value, label in ((lst.issuer, "发布机关"), (lst.doc_number, "文号"), (lst.date, "日期")):
                if value:
                    shown = value if label != "日期" else "{}年{}月{}日".format(*map(int, value.split("-")))
                    assert squeeze(shown) in text, f"{rel}: {label} {value}"
                else:
                    assert re.search(f"{label}[^。；]*原文未载明", text), f"{rel}: no {label}, and it does not say so"
            for doc in lst.basis:
                assert doc in text
        for of_kind in ([e for e in entries if e.kind == k] for k in LIST_FILE):
            if of_kind and all(e.inherited_from is not None for e in of_kind):  # the region has no list of its own
                assert f"本海报印的是{of_kind[0].inherited_from.name}的清单" in text, rel
    chongqing = printed["print/chongqing/buyu-chuju-a4.pdf"].text
    assert "发布机关、文号、日期原文未载明" in chongqing  # 重庆's list names none of them
    assert "2020年12月3日" in chongqing  # … but the 渝北 plan that carries it is dated


def says_what_the_list_says(rel: str, text: str, view, entry, copies: int) -> None:
    row = entry.row
    assert text.count(f"{view.region.full_name}告知单") == copies, rel
    assert text.count(squeeze(row.name)) >= copies
    assert view.hotline.number in text and "如有单位" in text
    if entry.kind == "不予出具":
        assert "本社区不予出具" in text and "如有单位仍要求您开具此证明，请拨打举报电话" in text
        for office in row.offices:
            assert f"请到{squeeze('、'.join(row.offices))}办理" in text, rel
        for document in row.documents:
            assert squeeze(document) in text
        # what the route lists, never "需携带" (a list of papers may prove something else than the resident needs)
        assert "需携带" not in text
        lead = "办事途径原文列出的证件材料" if row.documents else "要带什么，以下面的办事途径原文为准"
        assert lead in text, rel
        for exc in row.exceptions:
            assert f"例外：{squeeze(exc.text)}" in text
        assert squeeze(row.route) in text, f"{rel}: 办事途径 not verbatim"
    else:
        assert "本社区依法出具" in text and "这项证明由社区依法出具。如有单位要求您到社区开具不予出具清单上的证明" in text
        assert "仍要求" not in text  # the not-issued wording does not fit a certificate the 社区 issues
        assert squeeze(row.purpose) in text
        if row.limits:
            assert squeeze(row.limits) in text
        assert "清单原文没有写明到社区开具此证明需要带什么材料" in text  # honest: the lists do not say
        for clause in row.clauses:
            assert squeeze(clause) in text
    assert squeeze(entry.list.title) in text


def slip_text(soup: BeautifulSoup) -> str:
    return squeeze("".join(slip.get_text() for slip in soup.select(".slip")))


def test_slips_say_what_the_list_says(printed, slip_soups, resolved, built_site):
    """Every slip page (four copies of the slip in it), and every slip printed: one on A6, four
    on the A4 sheet."""
    for rel, want in expected_pdfs(resolved, built_site).items():
        if want[0] != "slip":
            continue
        _, view, entry = want
        if rel.endswith("-a6.pdf"):
            says_what_the_list_says(rel, slip_text(slip_soups[page_of(rel)]), view, entry, 4)
        if rel in printed:
            says_what_the_list_says(rel, printed[rel].text, view, entry, 4 if rel.endswith("-a6x4.pdf") else 1)


def test_each_list_kind_has_its_own_wording(printed, resolved, built_site):
    """The 依法出具 poster says what the 社区 issues, for whom (the list's
    requesting unit) and on what basis, and calls the hotline only about the
    not-issued list; the 不予出具 poster says where to go instead."""
    for rel, want in expected_pdfs(resolved, built_site).items():
        if want[0] != "poster":
            continue
        _, view, kind, entries = want
        text = printed[rel].text
        if kind == "保留":
            assert "以下证明由社区（居委会、村委会）依法出具" in text, rel
            assert "以上证明由社区依法出具。如有单位要求您到社区开具不予出具清单上的证明，可以拨打此电话反映" in text, rel
            assert "仍要求" not in text and "不予出具；" not in text, rel
            for e in entries:
                if e.row.requested_by:
                    label = e.list.columns.get("requested_by", "要求提供证明单位")
                    assert squeeze(f"{label}：{e.row.requested_by}") in text, f"{rel}: {e.row.name}"
                for clause in e.row.clauses:
                    assert squeeze(clause).removesuffix("。") in text, f"{rel}: {clause}"
        else:
            assert "以下证明，社区（居委会、村委会）不予出具；每项后面是清单所列的办事途径" in text, rel
            assert squeeze(view.hotline.number) in text and "如有单位仍要求您到社区开具不予出具清单上的证明" in text, rel


def test_placeholder_address_is_marked_on_every_sheet(printed, resolved, built_site):
    """While base_url is the example address every poster sheet says 测试地址
    in white on black under its title; with a real address none does."""
    assert urls.is_placeholder(resolved.content.site["base_url"])  # the content as shipped
    for rel, entries, pdf in poster_pdfs(printed, resolved, built_site):
        for page in pdf.page_texts:
            assert "测试地址，请勿张贴" in squeeze(page), rel
    real = replace(resolved, content=replace(resolved.content, site={**resolved.content.site, "base_url": "https://zhengming.gov.cn/"}))
    for view in real.views:
        made = posters.RegionPrint(real, view)
        for kinds, paper in made.found:
            body = made.poster(kinds, paper)
            assert body.warning == "" and body.qr_url.startswith("https://zhengming.gov.cn/")


@pytest.mark.parametrize("base, placeholder", [("https://zhengming.example.org/", True), ("https://example.com/x/", True), ("http://localhost.example/", True), ("https://zhengming.gov.cn/", False), ("https://mz.cq.gov.cn/zm/", False)])
def test_is_placeholder(base, placeholder):
    assert urls.is_placeholder(base) is placeholder


def test_print_date_is_blank_in_html_and_stamped_in_pdf(printed, built_site):
    html = (built_site / "print/chongqing/buyu-chuju-a4.html").read_text(encoding="utf-8")
    assert "打印日期：____年__月__日" in html and "生成于" not in html
    for rel in ("print/chongqing/buyu-chuju-a4.pdf", "print/chongqing/wu-fanzui-a6.pdf"):
        assert "打印日期：____年__月__日（PDF生成于2025年6月3日）" in printed[rel].text


# ------------------------------------------------------------------ type


@lru_cache(maxsize=None)  # the size checks below read the same pages
def word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, width, height) of every word pdftotext finds on a page."""
    xml = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    return [
        (html_unescape(w), float(x2) - float(x1), float(y2) - float(y1))
        for x1, y1, x2, y2, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)
    ]


def html_unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def wide(word: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in "WF" for ch in word)


def em(word: str, width: float) -> float:
    """Font size of a word of full-width characters: each is 1 em wide."""
    return width / len(word)


def sizes_on(pdf: Path, page: int) -> list[tuple[str, float]]:
    """(word, font size) of every word on a page: a word of full-width
    characters by its width; any other by its box height, over the height a
    full-width word of the same size has on that page (pdftotext's boxes are
    the font's ascent to descent, the same for every word of one size)."""
    boxes = word_boxes(pdf, page)
    ratios = sorted(h / em(w, width) for w, width, h in boxes if len(w) >= 2 and wide(w))
    ratio = ratios[len(ratios) // 2]
    return [(w, em(w, width) if wide(w) else h / ratio) for w, width, h in boxes]


def poster_pdfs(printed, resolved, built_site):
    for rel, want in expected_pdfs(resolved, built_site).items():
        if want[0] in ("poster", "both"):
            yield rel, want[3], printed[rel]


def name_sizes(pdf: Printed, entries, names_alone: bool) -> list[float]:
    """The size of each row name printed (pt), from its last word on the line
    (pdftotext -bbox splits words where the size changes): a poster prints
    each name followed by "：", the 两张清单 sheet names alone."""
    ends = {squeeze(e.row.name) for e in entries}
    sizes = []
    for page in range(1, pdf.pages + 1):
        for word, size in sizes_on(pdf.path, page):
            part = word.removesuffix("：").removesuffix("*")  # * marks a farther list's row
            if len(part) >= 2 and (word.endswith("：") or (names_alone and not part.startswith("（"))) and any(name.endswith(part) for name in ends):
                sizes.append(size)
    return sizes


def test_row_names_are_at_least_the_papers_floor_in_every_poster(printed, resolved, built_site):
    """Row names ≥ 18 pt on A3 and ≥ 12 pt on A4 (larger when rows are few):
    measured on every row of every poster PDF, one word per row at least."""
    smallest = {}
    for rel, entries, pdf in poster_pdfs(printed, resolved, built_site):
        sizes = name_sizes(pdf, entries, BOTH_FILE in rel)
        assert len(sizes) >= len(entries), f"{rel}: {len(sizes)} row names measured, {len(entries)} rows"
        smallest[rel] = min(sizes)
        assert smallest[rel] >= NAME_MIN_PT[size_of(rel)] - 0.05, f"{rel}: a row name at {smallest[rel]:.1f} pt"


def test_verdict_and_hotline_read_from_two_metres(printed, resolved, built_site):
    """The verdict (the poster's title) and the hotline number at least twice
    the row-name floor: 24 pt on A4, 36 pt on A3 (12.7 mm, ~22 arcminutes at 2 m)."""
    for rel, entries, pdf in poster_pdfs(printed, resolved, built_site):
        floor = 2 * NAME_MIN_PT[size_of(rel)]
        for page in range(1, pdf.pages + 1):
            words = dict(sizes_on(pdf.path, page))
            title = next(w for w in words if w.startswith(("社区不予出具的证明", "社区依法出具的证明", "社区证明事项两张清单")))
            assert words[title] >= floor, f"{rel}: title {words[title]:.1f} pt"
            number = next(v for v in resolved.views if v.region.id == rel.split("/")[1]).hotline.number
            assert words.get(number, 0) >= floor, f"{rel}: hotline number {words.get(number, 0):.1f} pt"


def pgm(pdf: Path, page: int, dpi: int) -> tuple[int, int, bytes]:
    """A page rendered in grey (pdftoppm's PGM: 'P5 w h 255' then a byte a pixel)."""
    data = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, check=True).stdout
    magic, w, h, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    return int(w), int(h), pixels[: int(w) * int(h)]


def blank_share(pdf: Path, page: int, pad_mm: float, dpi: int = 25, cell_mm: float = 10) -> float:
    """Share of the printable area in blank patches: the area inside the
    margins cut into cells half the width and 10 mm tall; a cell with no ink
    at all is blank. A half-empty column or sheet shows; the space between
    rows does not."""
    w, h, px = pgm(pdf, page, dpi)
    mm = dpi / 25.4
    x0, x1, y0, y1 = round(pad_mm * mm), w - round(pad_mm * mm), round(pad_mm * mm), h - round(pad_mm * mm)
    mid, step = (x0 + x1) // 2, max(1, round(cell_mm * mm))
    cells = [(y, a, b) for y in range(y0, y1 - step + 1, step) for a, b in ((x0, mid), (mid, x1))]
    blank = [c for c in cells if all(min(px[r * w + c[1] : r * w + c[2]]) > 200 for r in range(c[0], c[0] + step))]
    return len(blank) / len(cells)


BLANK_MAX = 0.2  # 重庆's 保留 A3 before type was sized to the sheet: 0.48


def test_posters_fill_their_sheets(printed, resolved, built_site):
    pads = {"a4": posters.A4.pad_mm, "a3": posters.A3.pad_mm}
    for rel, entries, pdf in poster_pdfs(printed, resolved, built_site):
        for page in range(1, pdf.pages + 1):
            share = blank_share(pdf.path, page, pads[size_of(rel)])
            assert share <= BLANK_MAX, f"{rel} sheet {page}: {share:.0%} of it blank"


def test_blank_check_sees_a_half_empty_sheet(doctored):
    """The blank check, on a poster whose rows are cut to three at the same type size."""
    _, out = doctored
    assert blank_share(out / "print/quanguo/buyu-chuju-a4.pdf", 1, posters.A4.pad_mm) > BLANK_MAX


def test_print_css_has_every_poster_unit():
    css = (ROOT / "templates/assets/print.css").read_text(encoding="utf-8")
    found = {int(n) / 10: float(pt) for n, pt in re.findall(r"\.poster--u(\d+) \{ --u: ([\d.]+)pt \}", css)}
    assert found == {u: u for u in posters.POSTER_UNITS}


@lru_cache(maxsize=None)
def charset(postscript_name: str) -> frozenset[int]:
    """The code points an installed font has glyphs for (fontconfig)."""
    for line in run("fc-list", "-f", "%{postscriptname}|%{file}|%{index}\n").splitlines():
        name, path, index = line.split("|")
        if name == postscript_name:
            ranges = run("fc-query", "-i", index, "-f", "%{charset}", path).split()
            points = set()
            for r in ranges:
                lo, _, hi = r.partition("-")
                points.update(range(int(lo, 16), int(hi or lo, 16) + 1))
            return frozenset(points)
    return frozenset()


def missing_glyphs(pdf: Printed) -> set[str]:
    """Characters in the text that no embedded font has a glyph for."""
    fonts = {f["name"].split("+", 1)[-1] for f in pdf.fonts}
    covered = frozenset().union(*(charset(name) for name in fonts)) if fonts else frozenset()
    return {ch for ch in pdf.text if ord(ch) not in covered}


def glyphs_shown(pdf: Path) -> list[int]:
    """Glyph ids of every character drawn (the fonts are Identity-H: two bytes
    a glyph), from the page content streams. Glyph 0 is the missing-glyph box."""
    data = pdf.read_bytes()
    shown = []
    for m in re.finditer(rb"stream\r?\n", data):
        if b"/Length1" in data[max(0, m.start() - 300) : m.start()]:
            continue  # an embedded font program, not page content
        try:
            content = zlib.decompress(data[m.end() : data.find(b"endstream", m.end())])
        except zlib.error:
            continue
        for block in re.findall(rb"\bBT\b(.*?)\bET\b", content, re.S):
            for hexes in re.findall(rb"<([0-9A-Fa-f]+)>", block):
                shown += [int(hexes[i : i + 4], 16) for i in range(0, len(hexes), 4)]
    return shown


def test_cjk_font_embedded_and_no_missing_glyphs(printed):
    for rel, pdf in printed.items():
        assert pdf.fonts, f"{rel}: no fonts"
        for font in pdf.fonts:
            # one CJK TrueType font, embedded (subset), with a Unicode map; nothing
            # fell back to another font or to synthetic (Type 3) bold
            assert re.fullmatch(r"[A-Z]{6}\+WenQuanYiMicroHei", font["name"]), f"{rel}: {font}"
            assert (font["type"], font["emb"], font["uni"]) == ("CID TrueType", "yes", "yes"), f"{rel}: {font}"
        glyphs = glyphs_shown(pdf.path)
        assert len(glyphs) >= len(pdf.text) and 0 not in glyphs, f"{rel}: {glyphs.count(0)} missing-glyph boxes"
        assert not missing_glyphs(pdf), f"{rel}: not in the font: {missing_glyphs(pdf)}"


def test_slips_not_printed_here_are_in_the_print_font(slip_soups):
    """Every character every slip shows has a glyph in the font the PDFs above embed."""
    font = charset("WenQuanYiMicroHei")
    assert font
    for rel, soup in slip_soups.items():
        assert not {ch for ch in slip_text(soup) if ord(ch) not in font}, rel


def three_rows(html: str) -> str:
    rows = re.findall(r'<li class="prow".*?</li>\n', html, re.S)
    for row in rows[3:]:
        html = html.replace(row, "", 1)
    return html


def six_rows_more(html: str) -> str:
    rows = re.findall(r'<li class="prow".*?</li>', html, re.S)
    return html.replace(rows[-1], rows[-1] + "".join(rows[:6]))


BOXES = "\ue000\u0378\U0010fffd"  # characters no font has
DOCTORED = {  # print pages changed so that a check must see it
    "print/chongqing/wu-fanzui-a6.html": lambda html: html.replace("无犯罪记录证明</h1>", f"无犯罪记录证明{BOXES}</h1>"),
    "print/quanguo/buyu-chuju-a4.html": three_rows,  # a half-empty sheet
    "print/yunnan/buyu-chuju-a4.html": six_rows_more,  # a sheet that overflows
}


@pytest.fixture(scope="module")
def doctored(built_site, tmp_path_factory) -> tuple[str, Path]:
    """The DOCTORED pages in a site of their own (and the stylesheets), printed in one run:
    what the run reported, and the folder the PDFs went to. Not the build's pages any more:
    no key, so they are neither taken from nor kept in the PDF cache."""
    site = tmp_path_factory.mktemp("doctored") / "site"
    shutil.copytree(built_site / "assets", site / "assets")
    for rel, change in DOCTORED.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        html = re.sub(r'data-key="[0-9a-f]*"', 'data-key=""', (built_site / rel).read_text(encoding="utf-8"))
        (site / rel).write_text(change(html), encoding="utf-8")
    try:
        print_site(site, site.parent / "out", day=PRINT_DAY)
    except PrintFailed as err:
        return str(err), site.parent / "out"
    return "", site.parent / "out"


def test_missing_glyph_checks_catch_real_boxes(doctored):
    """The checks above, on a slip that really has three characters no font has."""
    _, out = doctored
    pdf = read_pdf(out / "print/chongqing/wu-fanzui-a6.pdf")
    assert glyphs_shown(pdf.path).count(0) == 3
    # the text check sees them too (pdftotext maps all three boxes to one of them)
    assert missing_glyphs(pdf) and missing_glyphs(pdf) <= set(BOXES)


# ------------------------------------------------------------------ look and scan


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.parametrize(
    "rel, dpi, url",
    [
        ("print/chongqing/buyu-chuju-a3.pdf", 60, "chongqing/"),
        ("print/chongqing/buyu-chuju-a4.pdf", 72, "chongqing/"),
        ("print/yunnan/buyu-chuju-a4.pdf", 72, "yunnan/"),
        ("print/chongqing/baoliu-a3.pdf", 60, "chongqing/"),
        ("print/panzhihua/liangzhang-a3.pdf", 60, "panzhihua/"),
        ("print/chongqing/qinshu-guanxi-a6.pdf", 110, "chongqing/qinshu-guanxi/"),
        ("print/chongqing/falv-yuanzhu-jingji-a6x4.pdf", 60, "chongqing/falv-yuanzhu-jingji/"),
    ],
)
def test_png_for_review_and_qr_code_leads_to_the_page(printed, resolved, tmp_path, rel, dpi, url):
    pdf = printed[rel]
    REVIEW.mkdir(parents=True, exist_ok=True)
    stem = REVIEW / rel.removeprefix("print/").replace("/", "_").removesuffix(".pdf")
    run("pdftoppm", "-r", str(dpi), "-png", str(pdf.path), str(stem))
    pngs = sorted(REVIEW.glob(stem.name + "-*.png"))
    assert len(pngs) == pdf.pages
    w_pt, h_pt = PAPER_PT[size_of(rel)]
    w, h = png_size(pngs[0])
    assert abs(w - w_pt * dpi / 72) <= 2 and abs(h - h_pt * dpi / 72) <= 2
    # the QR code, rendered sharp enough, decodes to the page it promises
    sharp = tmp_path / "qr"
    run("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-gray", "-png", str(pdf.path), str(sharp))
    decoded = set(run("zbarimg", "-q", "--raw", str(next(tmp_path.glob("qr*.png")))).split())
    assert decoded == {resolved.content.site["base_url"] + url}


# ------------------------------------------------------------------ safety net and links


def test_a_sheet_that_overflows_stops_the_print_run(doctored):
    said, out = doctored
    assert re.fullmatch(r"print/yunnan/buyu-chuju-a4\.html: 第 1 张超出 A4 纸.*", said), said  # only that page
    assert not (out / "print/yunnan/buyu-chuju-a4.pdf").exists()
    assert (out / "print/quanguo/buyu-chuju-a4.pdf").exists()  # the other pages printed


def links(site: Path, url: str) -> set[str]:
    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {urljoin(f"http://site/{url}", a["href"]).removeprefix("http://site/") for a in soup.select("main a[href]")}


def test_region_pages_link_their_posters_and_item_pages_their_slips(built_site, resolved, slip_soups):
    for view in resolved.views:
        found = links(built_site, f"{view.region.id}/")
        for kind, file in LIST_FILE.items():
            for size in ("a4", "a3"):
                poster = f"print/{view.region.id}/{file}-{size}.html"
                assert (poster in found) == bool(view.of_kind(kind)), f"{view.region.id}: {poster}"
        assert f"print/{view.region.id}/" in found
        both = f"print/{view.region.id}/{BOTH_FILE}-a3.html"
        assert (both in found) == (built_site / both).exists(), f"{view.region.id}: {both}"
        index = links(built_site, f"print/{view.region.id}/")
        for entry in view.entries:
            # one slip page, printed as it is (A6) or at #a6x4 (four to an A4 sheet)
            page = f"print/{view.region.id}/{entry.certificate.id}-a6.html"
            slips = {page, page + "#a6x4"}
            assert slips <= links(built_site, f"{view.region.id}/{entry.certificate.id}/")
            assert slips <= index
            assert slip_soups[page].select_one("#a6x4 .sheet") and len(slip_soups[page].select(".slip")) == 4
            assert not (built_site / page.replace("-a6.html", "-a6x4.html")).exists()


def fewest_columns(heights: list[float], capacity: float) -> int:
    """The fewest columns the rows fit in, in order (dynamic programming)."""
    best = [0] + [len(heights) + 1] * len(heights)
    for end in range(1, len(heights) + 1):
        for start in range(end):
            if sum(heights[start:end]) <= capacity:
                best[end] = min(best[end], best[start] + 1)
    return best[-1]


def lowest_tallest_column(heights: list[float], columns: int) -> float:
    """The least height of the tallest column over every split into ``columns``."""
    n = len(heights)
    best = {(0, 0): 0.0}
    for k in range(1, columns + 1):
        for end in range(n + 1):
            options = [max(best[(k - 1, start)], sum(heights[start:end])) for start in range(end + 1) if (k - 1, start) in best]
            if options:
                best[(k, end)] = min(options)
    return best[(columns, n)]


@pytest.mark.parametrize(
    "heights, capacity",
    [([50.0] * 30, 400.0), ([10, 300, 20, 20, 280, 5, 90, 90], 310.0), ([100.0], 120.0), ([60.0] * 9, 190.0), ([40, 55, 70, 30, 90, 25, 60, 45, 80, 35], 200.0)],
)
def test_page_plan_keeps_order_uses_fewest_sheets_and_balances(heights, capacity):
    sheets = posters.plan_sheets(heights, capacity)
    columns = [c for sheet in sheets for c in sheet]
    assert all(len(sheet) == 2 for sheet in sheets)
    assert [i for a, b in columns for i in range(a, b)] == list(range(len(heights)))
    tallest = max(sum(heights[a:b]) for a, b in columns)
    assert tallest <= capacity
    assert len(sheets) == -(-fewest_columns(heights, capacity) // 2)
    assert tallest <= lowest_tallest_column(heights, len(columns)) + 0.5  # as even as the sheets allow


def test_make_posters_command(built_site, tmp_path):
    """What `make posters` runs, on one page: a PDF, a summary line, exit 0."""
    done = subprocess.run(
        [sys.executable, "-m", "sitegen.pdf", "--site", str(built_site), "--out", str(tmp_path), "--only", r"yubei/baoliu-a4\.html", "--date", "2025-06-03"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "已生成 1 个 PDF，共 1 页" in done.stdout
    assert "测试地址" in done.stderr and "base_url" in done.stderr  # the content ships the example address
    assert read_pdf(tmp_path / "print/yubei/baoliu-a4.pdf").pages == 1


@pytest.mark.parametrize("where", ["missing-site", "missing-folder/site"])
def test_make_posters_without_a_site_says_so(tmp_path, where):
    """No traceback and no scratch folder left behind, whether or not the site's folder exists."""
    site = tmp_path / where
    done = subprocess.run([sys.executable, "-m", "sitegen.pdf", "--site", str(site)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{site} 不存在：请先生成网站" in done.stderr
    assert list(tmp_path.iterdir()) == []


def synthetic_poster(rows: int, paper=posters.A3):
    when = "如有单位仍要求您到社区开具不予出具清单上的证明，可以拨打此电话反映。"
    hotline = HotlineView("12345", "", "", "tel:12345", when, "", "")
    body = posters.PosterBody(
        paper, "某省某市", "社区不予出具的证明", "不予出具证明事项清单，共 99 项", "", (), hotline, when, "qr.svg",
        "https://zhengming.example.org/", "", "", Link("../", ""), foot=("清单：《某清单》",),
    )
    row = posters.PosterRow(1, "居民身份信息证明（户籍证明）", "凭居民户口簿、居民身份证、出入境证件", "")
    return body, (posters.Section("", "以下证明，社区不予出具。", "", (row,) * rows),)


@pytest.mark.parametrize("rows", [3, 12, 30, 80, 200])
def test_type_grows_to_fill_and_a_list_splits_only_when_it_must(rows):
    """The unit chosen is the largest at which the rows need no more sheets
    than at the paper's floor; more sheets only when the floor needs them."""
    body, parts = synthetic_poster(rows)
    unit, sheets = posters.fit_poster(body, parts)
    units = [u for u in posters.POSTER_UNITS if body.paper.name_min_pt <= u <= body.paper.unit_max_pt]
    at_floor = posters.sheets_at(units[0], body, parts)
    assert len(sheets) == len(at_floor)
    if unit < units[-1]:
        bigger = units[units.index(unit) + 1]
        assert len(posters.sheets_at(bigger, body, parts)) > len(at_floor)
    if rows <= 12:
        assert len(sheets) == 1 and unit > body.paper.name_min_pt
    counts = [sum(len(c) for c in sheet.sections[0].columns) for sheet in sheets]
    assert sum(counts) == rows and max(counts) - min(counts) <= max(2, rows // 10)  # balanced sheets


# ------------------------------------------------------------------ the PDF cache

GOLDEN = ROOT / "tests" / "golden" / "content"


def pdf_links(site: Path, url: str) -> set[str]:
    return {href for href in links(site, url) if href.endswith(".pdf")}


def test_pdfs_survive_later_builds_and_are_linked(tmp_path, monkeypatch):
    """make posters, then make site: the PDF is back beside its page (the build
    swapped in a fresh folder), and the poster page, the region's print page
    and the region page link it. After an edit that changes the poster, the
    stale PDF is neither linked nor served."""
    monkeypatch.setenv(pdfcache.FOLDER_ENV, str(tmp_path / "cache"))
    site = tmp_path / "site"
    build(GOLDEN, site, search_index=False)
    poster = "print/chongqing/buyu-chuju-a4"
    assert not pdf_links(site, "chongqing/")  # nothing printed yet: nothing linked
    done = print_site(site, only=poster + r"\.html", day=PRINT_DAY)
    assert (done.printed, done.delivered) == (1, 1) and (site / f"{poster}.pdf").exists()
    made = (site / f"{poster}.pdf").read_bytes()

    build(GOLDEN, site, search_index=False)  # a later build: a fresh folder swapped in
    assert (site / f"{poster}.pdf").read_bytes() == made
    assert pdf_links(site, "chongqing/") == {f"{poster}.pdf"}
    assert pdf_links(site, "print/chongqing/") == {f"{poster}.pdf"}
    page = BeautifulSoup((site / f"{poster}.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in page.select("a[href$='.pdf']")] == ["buyu-chuju-a4.pdf"]
    assert not (site / "print/chongqing/buyu-chuju-a3.pdf").exists()  # never printed
    again = print_site(site, only=poster + r"\.html", day=PRINT_DAY)
    assert (again.printed, again.reused) == (0, 1)  # the cache has it: not printed twice

    content = tmp_path / "content"
    shutil.copytree(GOLDEN, content)
    lists = content / "lists/chongqing/buyu-chuju.yaml"
    text = lists.read_text(encoding="utf-8")
    row = text.index("id: shenfen-xinxi")  # the row shows its documents: one fewer
    lists.write_text(text[:row] + text[row:].replace("  - 居民户口簿\n", "", 1), encoding="utf-8")
    build(content, site, search_index=False)
    assert "凭居民户口簿" not in (site / f"{poster}.html").read_text(encoding="utf-8")
    assert not (site / f"{poster}.pdf").exists() and not pdf_links(site, "chongqing/")


def test_posters_while_the_site_is_rebuilt_lose_no_file(tmp_path, monkeypatch):
    """make posters beside make serve: builds swap site/ while the pages are
    printed; every page still gets its PDF, and after the next build every
    print page of the site has its PDF beside it."""
    monkeypatch.setenv(pdfcache.FOLDER_ENV, str(tmp_path / "cache"))
    site = tmp_path / "site"
    build(GOLDEN, site, search_index=False)
    result: dict = {}

    def make_posters():
        try:
            result["done"] = print_site(site, only=r"print/chongqing/", day=PRINT_DAY)
        except BaseException as err:  # reported below
            result["error"] = err

    printer = threading.Thread(target=make_posters)
    printer.start()
    builds = 0
    while printer.is_alive() or builds < 2:
        build(GOLDEN, site, search_index=False)
        builds += 1
    printer.join()
    assert "error" not in result, result.get("error")
    done = result["done"]
    assert done.printed == len(done.jobs) > 0
    build(GOLDEN, site, search_index=False)
    pages = [job.pdf.relative_to(site) for job in done.jobs]
    missing = [str(p) for p in pages if not (site / p).exists()]
    assert not missing, f"{len(missing)} of {len(pages)} PDFs lost: {missing[:5]}"


def test_the_pdf_key_follows_the_print_style_as_it_is_now(tmp_path):
    """One process (a long `make serve`) sees an edit of print.css or a print template:
    the key of every print page changes, so no PDF of the old style is linked."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "print", templates / "print")
    css = templates / "assets" / "print.css"
    css.parent.mkdir()
    shutil.copy(ROOT / "templates" / "assets" / "print.css", css)
    paths = (templates / "print", css)
    assert pdfcache.style_digest(paths) == pdfcache.style_digest()  # the copy is the real style
    keys = [pdfcache.key_of("print/slip.html", "body", pdfcache.style_digest(paths))]
    css.write_text(css.read_text(encoding="utf-8") + "\n.slip{margin:0}\n", encoding="utf-8")
    keys.append(pdfcache.key_of("print/slip.html", "body", pdfcache.style_digest(paths)))
    (templates / "print" / "slip.html").write_text("{# changed #}", encoding="utf-8")
    keys.append(pdfcache.key_of("print/slip.html", "body", pdfcache.style_digest(paths)))
    assert len(set(keys)) == 3
