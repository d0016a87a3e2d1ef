"""Notice-board posters and hand-out slips, printed for real.

Every print page of the built site goes through sitegen.pdf — the same code
`make posters` runs, one headless Chromium — and poppler's tools read the PDFs
back: the paper size, the page count, every row name and the hotline in the
text, the list's citation, a CJK font embedded by name and no character drawn
as a missing-glyph box. Some posters and slips are rendered to PNG under
out/posters/ for a person to look at, and their QR codes are decoded.

What the pages must say comes from the YAML lists through the cascade (which
test_cascade.py checks) and from the issue: A4 595×842 pt, A3 842×1191 pt,
A6 298×420 pt, one A3 sheet for 重庆's 30 rows, body text ≥ 12 pt on A4.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from build import check
from conftest import CONTENT, ROOT
from sitegen import posters
from sitegen.pages import few_words
from sitegen.pdf import PrintFailed, print_pdfs

pytestmark = pytest.mark.browser

# The sizes the issue states, in PDF points (1/72 in), portrait.
PAPER_PT = {"a4": (595, 842), "a3": (842, 1191), "a6": (298, 420), "a6x4": (595, 842)}
LIST_FILE = {"不予出具": "buyu-chuju", "保留": "baoliu"}  # content/lists/<region>/<file>.yaml
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


@pytest.fixture(scope="module")
def resolved():
    return check(CONTENT)


@pytest.fixture(scope="module")
def printed(built_site, tmp_path_factory) -> dict[str, Printed]:
    """Every print page of the built site as PDF (one browser), read back by poppler."""
    out = tmp_path_factory.mktemp("pdf")
    done = print_pdfs(built_site, out, day=PRINT_DAY)
    assert done, "no print pages were found in the built site"
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read_pdf, [job.pdf for job in done]))
    return {p.path.relative_to(out).as_posix(): p for p in results}


def expected_pdfs(resolved) -> dict[str, tuple]:
    """Which PDFs must exist: per region, each list it shows × A4/A3, and per
    certificate it shows an A6 slip and an A4 sheet of four; with what they print."""
    want = {}
    for view in resolved.views:
        for kind, file in LIST_FILE.items():
            entries = view.of_kind(kind)
            if entries:
                for size in ("a4", "a3"):
                    want[f"print/{view.region.id}/{file}-{size}.pdf"] = ("poster", view, kind, entries)
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


def test_every_list_and_every_certificate_is_printed(printed, resolved):
    want = expected_pdfs(resolved)
    assert sorted(printed) == sorted(want)
    assert len(printed) > 400  # 22 posters, 201 slips and 201 sheets of four today


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
        if size_of(rel) in ("a6", "a6x4", "a3"):
            # a slip is one page; every list we have fits one A3 sheet (重庆's 30 rows too)
            assert pdf.pages == 1, f"{rel}: {pdf.pages} pages"
    # 重庆's 30 rows do not fit one A4 sheet at 12 pt: split on purpose, with （续）.
    cq = printed["print/chongqing/buyu-chuju-a4.pdf"]
    assert cq.pages == 2
    assert "社区不予出具的证明（续）" in squeeze(cq.page_texts[1]) and "（续）" not in squeeze(cq.page_texts[0])
    assert "第2张，共2张" in squeeze(cq.page_texts[1])


def test_posters_carry_every_row_whole_on_one_page_and_the_hotline(printed, resolved):
    for rel, want in expected_pdfs(resolved).items():
        if want[0] != "poster":
            continue
        _, view, kind, entries = want
        pdf = printed[rel]
        pages = [squeeze(t) for t in pdf.page_texts]
        for entry in entries:
            row = entry.row
            name = squeeze(row.name)
            if kind == "保留":
                says = row.purpose  # what a retained row is for
            else:  # where to go, or what to show instead, or the route itself
                says = row.offices[0] if row.offices else ("凭" + row.documents[0] if row.documents else row.route)
            # the row's name and what it says, together on exactly one page
            on = [i for i, page in enumerate(pages) if f"{name}：" in page]
            assert len(on) == 1, f"{rel}: {row.name} on pages {on}"
            after = pages[on[0]].split(f"{name}：", 1)[1]
            assert after.startswith(squeeze(says)[:10]), f"{rel}: {row.name} is followed by {after[:30]}"
        for page in pages:  # every sheet stands alone on the notice board
            assert f"举报电话{view.hotline.number}" in page, rel
            assert view.region.full_name in page and "扫码查看清单" in page
        assert "本站收录的文件中没有" in pdf.text  # the honest note: the region published no hotline


def test_posters_cite_the_list_and_never_invent_a_date(printed, resolved):
    for rel, want in expected_pdfs(resolved).items():
        if want[0] != "poster":
            continue
        _, view, kind, entries = want
        text = printed[rel].text
        lst = entries[0].list
        assert squeeze(f"《{lst.title}》") in text
        for value, label in ((lst.issuer, "发布机关"), (lst.doc_number, "文号"), (lst.date, "日期")):
            if value:
                shown = value if label != "日期" else "{}年{}月{}日".format(*map(int, value.split("-")))
                assert squeeze(shown) in text, f"{rel}: {label} {value}"
            else:
                assert re.search(f"{label}[^。；]*原文未载明", text), f"{rel}: no {label}, and it does not say so"
        for doc in lst.basis:
            assert doc in text
        if entries[0].inherited_from is not None:
            assert f"本海报印的是{entries[0].inherited_from.name}的清单" in text, rel
    chongqing = printed["print/chongqing/buyu-chuju-a4.pdf"].text
    assert "发布机关、文号、日期原文未载明" in chongqing  # 重庆's list names none of them
    assert "2020年12月3日" in chongqing  # … but the 渝北 plan that carries it is dated


def test_slips_say_what_the_list_says(printed, resolved):
    for rel, want in expected_pdfs(resolved).items():
        if want[0] != "slip":
            continue
        _, view, entry = want
        row = entry.row
        text = printed[rel].text
        copies = 4 if rel.endswith("-a6x4.pdf") else 1
        assert text.count(f"{view.region.full_name}告知单") == copies, rel
        assert text.count(squeeze(row.name)) >= copies
        assert view.hotline.number in text and "如有单位" in text
        if entry.kind == "不予出具":
            assert "本社区不予出具" in text and "如有单位仍要求您开具此证明，请拨打举报电话" in text
            for office in row.offices:
                assert f"请到{squeeze('、'.join(row.offices))}办理" in text, rel
            for document in row.documents:
                assert squeeze(document) in text
            if not row.documents:
                assert "办事途径原文没有列出需要带的证件材料" in text
            for exc in row.exceptions:
                assert f"例外：{squeeze(exc.text)}" in text
            assert squeeze(row.route) in text, f"{rel}: 办事途径 not verbatim"
        else:
            assert "本社区依法出具" in text
            assert squeeze(row.purpose) in text
            if row.limits:
                assert squeeze(row.limits) in text
            assert "清单原文没有写明到社区开具此证明需要带什么材料" in text  # honest: the lists do not say
            for clause in row.clauses:
                assert squeeze(clause) in text
        assert squeeze(entry.list.title) in text


def test_print_date_is_blank_in_html_and_stamped_in_pdf(printed, built_site):
    html = (built_site / "print/chongqing/buyu-chuju-a4.html").read_text(encoding="utf-8")
    assert "打印日期：____年__月__日" in html and "生成于" not in html
    for rel in ("print/chongqing/buyu-chuju-a4.pdf", "print/chongqing/wu-fanzui-a6.pdf"):
        assert "打印日期：____年__月__日（PDF生成于2025年6月3日）" in printed[rel].text


# ------------------------------------------------------------------ type


def word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, width, height) of every word pdftotext finds on a page."""
    xml = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    return [
        (html_unescape(w), float(x2) - float(x1), float(y2) - float(y1))
        for x1, y1, x2, y2, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)
    ]


def html_unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def em(word: str, width: float) -> float:
    """Font size of a word of full-width characters: each is 1 em wide."""
    return width / len(word)


@pytest.mark.parametrize("rel, body_pt", [("print/chongqing/buyu-chuju-a4.pdf", 12), ("print/panzhihua/baoliu-a4.pdf", 12), ("print/chongqing/buyu-chuju-a3.pdf", 15)])
def test_body_text_size_and_a_large_hotline(printed, resolved, rel, body_pt):
    pdf = printed[rel].path
    region = rel.split("/")[1]
    rows = resolved.view(region).of_kind("保留" if "baoliu" in rel else "不予出具")
    row_words = {squeeze(e.row.name) for e in rows} | {squeeze(few_words(e)) for e in rows}
    sizes, number_h, label = [], 0.0, None
    for word, width, height in word_boxes(pdf, 1):
        if len(word) >= 2 and all(ord(c) > 0x2E80 for c in word) and any(word in r for r in row_words):
            sizes.append(em(word, width))
        if word == "12345":
            number_h = height
        if word == "举报电话":
            label = height
    assert len(sizes) > 10
    assert min(sizes) >= body_pt - 0.05, f"{rel}: row text at {min(sizes):.1f} pt"
    assert label and number_h >= 2 * label, "the hotline number is not in large type"


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


def one_page_site(built_site: Path, tmp_path: Path, rel: str, change) -> Path:
    """A site holding only the stylesheets and one print page, changed by ``change``."""
    site = tmp_path / "site"
    shutil.copytree(built_site / "assets", site / "assets")
    page = site / rel
    page.parent.mkdir(parents=True)
    page.write_text(change((built_site / rel).read_text(encoding="utf-8")), encoding="utf-8")
    return site


def test_missing_glyph_checks_catch_real_boxes(built_site, tmp_path):
    """The checks above, on a slip that really has three characters no font has."""
    boxes = "\ue000\u0378\U0010fffd"
    site = one_page_site(built_site, tmp_path, "print/chongqing/wu-fanzui-a6.html", lambda html: html.replace("无犯罪记录证明</h1>", f"无犯罪记录证明{boxes}</h1>"))
    print_pdfs(site, tmp_path / "out", day=PRINT_DAY)
    pdf = read_pdf(tmp_path / "out/print/chongqing/wu-fanzui-a6.pdf")
    assert glyphs_shown(pdf.path).count(0) == 3
    # the text check sees them too (pdftotext maps all three boxes to one of them)
    assert missing_glyphs(pdf) and missing_glyphs(pdf) <= set(boxes)


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


def six_rows_more(html: str) -> str:
    rows = re.findall(r'<li class="prow".*?</li>', html, re.S)
    return html.replace(rows[-1], rows[-1] + "".join(rows[:6]))


def test_a_sheet_that_overflows_stops_the_print_run(built_site, tmp_path):
    site = one_page_site(built_site, tmp_path, "print/yunnan/buyu-chuju-a4.html", six_rows_more)
    with pytest.raises(PrintFailed, match=r"print/yunnan/buyu-chuju-a4\.html: 第 1 张超出 A4 纸"):
        print_pdfs(site, tmp_path / "out", day=PRINT_DAY)
    assert not (tmp_path / "out/print/yunnan/buyu-chuju-a4.pdf").exists()


def links(site: Path, url: str) -> set[str]:
    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {urljoin(f"http://site/{url}", a["href"]).removeprefix("http://site/") for a in soup.select("main a[href]")}


def test_region_pages_link_their_posters_and_item_pages_their_slips(built_site, resolved):
    for view in resolved.views:
        found = links(built_site, f"{view.region.id}/")
        for kind, file in LIST_FILE.items():
            for size in ("a4", "a3"):
                poster = f"print/{view.region.id}/{file}-{size}.html"
                assert (poster in found) == bool(view.of_kind(kind)), f"{view.region.id}: {poster}"
        assert f"print/{view.region.id}/" in found
        index = links(built_site, f"print/{view.region.id}/")
        for entry in view.entries:
            # one slip page, printed as it is (A6) or at #a6x4 (four to an A4 sheet)
            page = f"print/{view.region.id}/{entry.certificate.id}-a6.html"
            slips = {page, page + "#a6x4"}
            assert slips <= links(built_site, f"{view.region.id}/{entry.certificate.id}/")
            assert slips <= index
            soup = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
            assert soup.select_one("#a6x4 .sheet") and len(soup.select(".slip")) == 4
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
    rows = tuple(posters.PosterRow(i, f"r{i}", "", "", h) for i, h in enumerate(heights))
    sheets = posters.plan_sheets(rows, capacity)
    columns = [c for sheet in sheets for c in sheet]
    assert all(len(sheet) == 2 for sheet in sheets)
    assert [r for c in columns for r in c] == list(rows)
    tallest = max(sum(r.height_pt for r in c) for c in columns)
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
    assert read_pdf(tmp_path / "print/yubei/baoliu-a4.pdf").pages == 1
