"""Notice-board posters and hand-out slips (告知单): HTML print pages under print/.

Every document in our sources orders the two lists posted in the community's
notice board. For each region and each list it shows (its own, or the one it
inherits — the poster then says whose list it is) this writes an A4 and an A3
portrait poster, and where a region shows both lists and they fit, one A3
两张清单 sheet with both; for each certificate × region a slip page that
prints as one A6 slip, or (at ``#a6x4``) as an A4 sheet with four copies of
it to cut apart. ``sitegen.pdf`` (``make posters``) prints these pages to
PDF with headless Chromium, the slip page both ways; the PDFs are kept in
the PDF cache (sitegen/pdfcache.py) and every build puts them back.

Type size and page splits are decided here, in Python, never by the
browser's luck: every row's height is worked out from its text — lines
filled character by character (CJK 1 em wide, anything else at most 0.6 em)
and broken only where Chromium may break them — with the sizes print.css
uses (the ``*_K`` factors below mirror it); rows are packed in order into two
columns per sheet, and the columns balanced. A poster takes the largest type
step (POSTER_UNITS) at which its rows need no more sheets than at the
paper's smallest row-name size. Each sheet is a box one paper tall; ``sitegen.pdf``
checks in the real browser that no sheet grew past its paper before it writes
a PDF, so a wrong estimate stops the print run instead of leaving a stray
half row on a second page.

QR codes are the SVG files sitegen/wechat.py writes for each region and item
page (a poster points at the region page, a slip at its item page), linked as
images: encoding each URL once and sharing the file keeps national-scale
builds fast and the print pages small.

Everything printed comes from the data model; nothing here invents an office,
a document or a date: where a list gives no date or 文号 the poster says
原文未载明. The site build stays byte-identical: the pages carry a blank
"打印日期：____年__月__日" line; only PDFs made by ``make posters`` are stamped
with the day they were made.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from . import pdfcache, urls
from .model import ANSWER, LIST_NAME, NOT_ISSUED, RETAINED, Entry, PublishedList, RegionView, Resolved
from .plan import Feature, Output, page
from .pages import _DEFAULT_LABEL, HotlineView, Link, Page, few_words, hotline_view, href, root_of, shown_instead

PRINT = urls.PRINT  # where sitegen/pdf.py finds the print pages
# File names of the two lists, as in content/lists/<region>/.
KIND_SLUG = {NOT_ISSUED: "buyu-chuju", RETAINED: "baoliu"}
UNSTATED = "原文未载明"
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Paper:
    key: str  # file-name suffix and CSS modifier: a4, a3, a6, a6x4
    label: str  # what the print dialog calls it
    width_mm: float
    height_mm: float
    pad_mm: float  # .sheet padding (print.css)
    unit_pt: float  # fine print (footer) and slip text size, print.css --f and the slip's --u
    name_min_pt: float = 0.0  # posters: the smallest row-name size allowed
    unit_max_pt: float = 0.0  # posters: the largest poster unit tried

    @property
    def inner_width_pt(self) -> float:
        return (self.width_mm - 2 * self.pad_mm) * PT_PER_MM

    @property
    def inner_height_pt(self) -> float:
        return (self.height_mm - 2 * self.pad_mm) * PT_PER_MM


# Posters are read on a notice board. A row name at 18 pt (6.4 mm) on A3 is
# about 11 arcminutes at 2 m, the distance people stand from a 公示栏; A4 is
# read closer, at 12 pt or more. Within those floors each poster takes the
# largest type its rows still fit at (POSTER_UNITS), so the text fills the
# sheet; a list is split over sheets only when it does not fit at the floor.
A4 = Paper("a4", "A4", 210, 297, 10, 12, name_min_pt=12, unit_max_pt=28)
A3 = Paper("a3", "A3", 297, 420, 12, 13, name_min_pt=18, unit_max_pt=40)
A6 = Paper("a6", "A6", 105, 148, 6, 11)
A6X4 = Paper("a6x4", "A4", 210, 297, 0, 11)  # four A6 slips on one A4 sheet: the A6 slip page at #a6x4 (slip_url)
POSTER_PAPERS = (A4, A3)
# The poster unit (row-name size, pt) steps print.css has a class for
# (.poster--u<tenths>); a test checks the two agree.
POSTER_UNITS = tuple(x / 2 for x in range(24, 48)) + tuple(float(x) for x in range(24, 41))

# ---- poster sizes in units of --u (the row-name size), as print.css sets them ----
HEAD_K = {"region": 1.2, "title": 2.4, "sub": 1.0, "warning": 1.0}  # warning: the 测试地址 line
HEAD_LINE = {"region": 1.3, "title": 1.2, "sub": 1.3, "warning": 1.3}
HEAD_RULE_K, HEAD_RULE_PT = 0.6, 1.5  # padding and margin under the header; its rule
CAPTION_K = 0.85  # the QR code's caption, in --f
QR_MM = {"a4": 26, "a3": 36}
LEAD_K, LEAD_LINE, LEAD_GAP_K = 0.9, 1.35, 0.4  # what the list means, under the header
NOTE_K, NOTE_LINE, NOTE_BOX_K, NOTE_BOX_PT = 0.8, 1.35, 1.0, 2.0  # inherited-list note: padding and margin; borders
SECTION_K, SECTION_LINE, SECTION_GAP_K = 1.5, 1.25, 0.5  # a 两张清单 section heading and the space above it
ROW_WHERE_K, ROW_EXTRA_K = 0.9, 0.8
ROW_LINE_K = 1.25  # a row's line box (line-height), in u
ROW_PAD_K, ROW_RULE_PT = 0.35, 0.75  # padding and margin under a row; its dotted rule
ROW_NO_K = 1.7  # the hanging row number
COL_GAP_K = 1.2
HOTLINE_BOX_K, HOTLINE_BOX_PT = 1.3, 4.0  # margin above and padding (.5 + .4 + .4); borders
HOTLINE_LABEL_K, HOTLINE_NUMBER_K = 1.0, 2.6  # 举报电话 over the number (line-heights 1.3, 1.1)
HOTLINE_TEXT_K, HOTLINE_TEXT_LINE = 0.85, 1.35
HOTLINE_GAP_K = 1.0  # between the number and the text beside it
TEXT_LINE = 1.4  # line-height of running text (footer, slips)
FOOT_K = 0.3  # margin above the citation lines, in --f
SMALL_K = 0.85  # the footer's fine print: citation, print date, address, in --f
# What `make posters` adds to the print-date line (sitegen/pdf.py), at its longest.
MADE_SAMPLE = "（PDF 生成于 2099年12月31日）"
QR_CAPTION = "扫码查看清单"
DISCLAIMER = "本海报按清单原文整理，不代替原文件。"
SAFETY_K = 0.5  # kept free on every column and slip, for rounding

# Slip sizes (in units of the slip's --u), and the scales tried, largest first.
SLIP_SCALES = (100, 90, 80)
SLIP_K = {"head": 0.85, "answer": 1.1, "name": 1.5, "text": 1.0, "fine": 0.8}
SLIP_LINE = {"head": 1.3, "answer": 1.3, "name": 1.25, "text": TEXT_LINE, "fine": TEXT_LINE}
SLIP_GAP_K = 0.35  # space above each paragraph
SLIP_NUMBER_K = 2.2 * 1.15
SLIP_QR_MM = 24
SLIP_FOOT_GAP_K = 0.8  # between the hotline text and the QR code


# ------------------------------------------------------------------ estimating


@lru_cache(maxsize=None)
def _em(ch: str) -> float:
    """Advance of a character in em: CJK and full-width 1, anything else at
    most 0.6 (ambiguous-width characters count as wide)."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.6


# Characters a line may not start with, and may not end with (Chromium's
# line breaker moves a character to the next line rather than break there).
NO_LINE_START = frozenset("，。、：；！？）》」』】〕〉”’…,.:;!?)]}%")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")


def _can_break(before: str, after: str) -> bool:
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    # inside a run of Latin letters, digits or a web address (no space) only as
    # a last resort (print.css: overflow-wrap: anywhere); line_count forces it
    return not (before.isascii() and after.isascii() and not before.isspace() and not after.isspace())


def text_width_pt(segments: tuple[tuple[str, float], ...]) -> float:
    return sum(_em(ch) * size for text, size in segments for ch in text)


def line_count(segments: tuple[tuple[str, float], ...], width_pt: float) -> int:
    """How many lines the text takes at this width: lines filled character by
    character, broken only where the line-start and line-end rules allow (a
    1% margin covers rounding)."""
    chars = [(ch, _em(ch) * size) for text, size in segments for ch in text]
    width = width_pt * 0.99
    if sum(w for _, w in chars) <= width:
        return 1
    lines, start, used = 1, 0, 0.0
    for i, (ch, w) in enumerate(chars):
        if used + w > width and i > start:
            brk = i
            while brk > start + 1 and not _can_break(chars[brk - 1][0], chars[brk][0]):
                brk -= 1
            if brk == start + 1 and not _can_break(chars[start][0], chars[brk][0]):
                brk = i  # no allowed break on this line: the text overflows it
            lines += 1
            start = brk
            used = sum(cw for _, cw in chars[start:i])
        used += w
    return lines


@lru_cache(maxsize=65536)  # slips of many regions share texts, and each slip tries several scales
def block_pt(text: str, size_pt: float, line: float, width_pt: float) -> float:
    if not text:
        return 0.0
    return line_count(((text, size_pt),), width_pt) * size_pt * line


# ------------------------------------------------------------------ what is printed


@dataclass(frozen=True)
class PosterRow:
    number: int
    name: str
    where: str  # where to go in a few words; purpose for retained rows
    extra: str  # exceptions; for retained rows who asks for it, the basis and the limit
    height_pt: float


@dataclass(frozen=True)
class Section:
    """One list on a sheet: its rows in two columns, under what the list means."""

    heading: str  # "" on a one-list poster; the list's heading on the 两张清单 sheet
    lead: str  # what the list means for a resident, in the list's own column names
    note: str  # whose list it is, when the region inherits it
    columns: tuple[tuple[PosterRow, ...], ...]


@dataclass(frozen=True)
class Sheet:
    number: int
    of: int
    continued: bool
    sections: tuple[Section, ...]

    @property
    def numbering(self) -> str:
        """（第 2 张，共 3 张） under the heading of a poster of several sheets."""
        return f"（第 {self.number} 张，共 {self.of} 张）" if self.of > 1 else ""


@dataclass(frozen=True)
class PrintCitation:
    list_title: str
    issued: str  # issuer, 文号, date — or 原文未载明
    carried_in: str  # the source document it was transcribed from
    basis: str
    note: str


@dataclass(frozen=True)
class PosterBody:
    paper: Paper
    unit: str  # print.css class of the poster unit, e.g. u180 (18 pt row names)
    region_name: str
    region_full_name: str
    heading: str  # 社区不予出具的证明
    sub: str  # the list's name and its row count
    warning: str  # 测试地址 while base_url is the placeholder, else ""
    citations: tuple[PrintCitation, ...]
    hotline: HotlineView
    hotline_when: str  # when to call, for this list
    qr: str  # link to the region page's QR code file (sitegen/wechat.py writes it)
    qr_url: str
    qr_caption: str
    disclaimer: str
    sheets: tuple[Sheet, ...]
    back: Link
    key: str = ""  # what the page prints, as a key of the PDF cache (sitegen/pdfcache.py)
    pdfs: tuple[Link, ...] = ()  # its PDF, once `make posters` has made it

    @property
    def pages(self) -> int:
        return len(self.sheets)

    @property
    def pages_note(self) -> str:
        return "，每张都可以单独张贴" if self.pages > 1 else ""


@dataclass(frozen=True)
class SlipBody:
    paper: Paper  # A6; the same page prints four to an A4 sheet at #a6x4 (``fourup``)
    fourup: Paper
    fourup_link: Link  # to #a6x4 on the page itself
    single_link: Link  # back to one A6 slip
    copies: int  # slips in the page: 4, of which A6 shows the first
    scale: int  # percent, print.css .slip--k<scale>
    region_full_name: str
    answer: str  # 本社区不予出具 / 本社区依法出具
    name: str
    go_to: str  # 请到…办理 (offices named by the list), or ""
    bring: str  # the papers the route lists, or where to read what to bring
    exceptions: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]  # retained rows: (column label, value)
    limits: str
    route: str  # 办事途径, verbatim
    basis: str  # 依据：…
    hotline_lead: str
    hotline: HotlineView
    qr: str  # link to the item page's QR code file (sitegen/wechat.py writes it)
    qr_url: str
    back: Link
    pages: int = 1  # one sheet: an A6 page, or (at #a6x4) one A4 page with four copies
    pages_note: str = ""  # said of a poster of several sheets
    key: str = ""  # what the page prints, as a key of the PDF cache (sitegen/pdfcache.py)
    pdfs: tuple[Link, ...] = ()  # its PDFs (A6, four on A4), once `make posters` has made them


@dataclass(frozen=True)
class PrintIndexBody:
    region_name: str
    posters: tuple[Link, ...]
    slips: tuple[tuple[str, tuple[tuple[str, Link, Link], ...]], ...]  # (heading, ((name, a6, a6x4), …))
    back: Link


# ------------------------------------------------------------------ urls


def poster_url(region_id: str, kinds: tuple[str, ...], paper: Paper) -> str:
    """One list's poster (<list file>-<paper>.html), or both lists' (liangzhang-a3.html)."""
    return urls.poster(region_id, KIND_SLUG[kinds[0]] if len(kinds) == 1 else BOTH_SLUG, paper.key)


def slip_url(region_id: str, cert_id: str, paper: Paper = A6) -> str:
    """An item's slip is one page that prints both ways: one A6 slip, and at
    ``#a6x4`` four of them on an A4 sheet (see ``urls.slip``)."""
    return urls.slip(region_id, cert_id, fourup=paper is not A6)


def index_url(region_id: str) -> str:
    return urls.print_index(region_id)


# ------------------------------------------------------------------ texts


def cn_date(iso: str) -> str:
    """2020-04-28 → 2020年4月28日 (a date the document gives; never made up)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not m:
        return iso
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"


def print_citation(lst: PublishedList) -> PrintCitation:
    parts = [p for p in (lst.issuer, lst.doc_number, cn_date(lst.date)) if p]
    missing = [label for label, value in (("发布机关", lst.issuer), ("文号", lst.doc_number), ("日期", lst.date)) if not value]
    issued = "　".join(parts)
    if missing:
        issued += ("；" if issued else "") + "、".join(missing) + UNSTATED
    s = lst.source
    carried = f"{s.issuer}《{s.title.strip('《》')}》" if s.title else s.issuer
    carried += "，".join([""] + [p for p in (s.doc_number, cn_date(s.date), s.part) if p])
    return PrintCitation(lst.title, issued, carried, "、".join(lst.basis), s.note)


def inherited_text(view: RegionView, entries: tuple[Entry, ...], kind: str) -> str:
    sources = list(dict.fromkeys(e.inherited_from.name for e in entries if e.inherited_from is not None))
    if not sources:
        return ""
    if all(e.inherited_from is not None for e in entries):
        return shown_instead(view.region, kind, entries[0], shows="本海报印的是", short=True)
    parts = view.parts(kind)  # the nearest list, then the farther lists' rows it leaves out
    nearer = (parts[0].inherited_from or view.region).name
    farther = "、".join(f"{(p.inherited_from or view.region).name}的清单（{p.list.doc_number or p.list.title}）" for p in parts[1:])
    return f"标“*”的项目，{nearer}公布的清单没有收录；{farther}仍然适用于{view.region.name}，这些项目按它办理。"


def lead_text(entries: tuple[Entry, ...], kind: str) -> str:
    """What the list means, in the words of the list's own columns."""
    if kind == NOT_ISSUED:
        return "以下证明，社区（居委会、村委会）不予出具；每项后面是清单所列的办事途径。"
    lst = entries[0].list
    labels = [lst.columns.get("purpose", _DEFAULT_LABEL["purpose"])]
    extra = [lst.columns.get(key, _DEFAULT_LABEL.get(key, "依据")) for key in ("requested_by", "clauses") if any(getattr(e.row, key) for e in entries)]
    said = f"每项后面是{labels[0]}" + (f"，括号里是{'和'.join(extra)}" if extra else "")
    return f"以下证明由社区（居委会、村委会）依法出具；{said}。"


def hotline_when(hotline: HotlineView, kind: str) -> str:
    """When to call, for the list on the poster: the number is for reporting
    units that still demand a not-issued certificate (site.yaml's note on it)."""
    if kind == RETAINED:
        return "以上证明由社区依法出具。" + hotline.when.replace("仍要求", "要求")
    return hotline.when


RETAINED_SLIP_CALL = "如有单位要求您到社区开具不予出具清单上的证明，请拨打举报电话："


def row_extra(entry: Entry) -> str:
    row = entry.row
    if entry.kind == NOT_ISSUED:
        return "；".join(exc.text for exc in row.exceptions)
    cols = entry.list.columns
    parts = []
    if row.requested_by:
        parts.append(f"{cols.get('requested_by', _DEFAULT_LABEL['requested_by'])}：{row.requested_by}")
    if row.clauses:
        parts.append(f"{cols.get('clauses', '依据')}：{''.join(row.clauses)}")
    if row.limits and row.limits not in row.purpose:
        parts.append(row.limits)
    return "；".join(p.removesuffix("。") for p in parts)


# ------------------------------------------------------------------ posters


@dataclass(frozen=True)
class RowText:
    number: int
    name: str
    where: str
    extra: str


def row_texts(entries: tuple[Entry, ...], names_only: bool = False) -> tuple[RowText, ...]:
    """The rows as a poster prints them; ``names_only`` (the 两张清单 sheet):
    each name with only the limit the list puts on it (the exceptions of a
    not-issued row, the 仅用于… of a retained one)."""
    one_list = len({e.list.id for e in entries}) == 1
    mixed = any(e.inherited_from for e in entries) and not all(e.inherited_from for e in entries)
    return tuple(
        RowText(
            e.row.number if one_list else i,
            e.row.name + ("*" if mixed and e.inherited_from else ""),
            "" if names_only else few_words(e),
            row_limit(e) if names_only else row_extra(e),
        )
        for i, e in enumerate(entries, 1)
    )


def row_limit(entry: Entry) -> str:
    row = entry.row
    if entry.kind == NOT_ISSUED:
        return "；".join(exc.text for exc in row.exceptions)
    return row.limits


@lru_cache(maxsize=65536)  # regions that inherit a list share its rows
def row_height_pt(row: RowText, u: float, width_pt: float) -> float:
    segments = ((row.name + ("：" if row.where else ""), u), (row.where, ROW_WHERE_K * u), ((f"（{row.extra}）" if row.extra else ""), ROW_EXTRA_K * u))
    return line_count(segments, width_pt - ROW_NO_K * u) * ROW_LINE_K * u + ROW_PAD_K * u + ROW_RULE_PT


def column_width_pt(paper: Paper, u: float) -> float:
    return (paper.inner_width_pt - COL_GAP_K * u) / 2


def _greedy(heights: list[float], limit: float) -> list[int]:
    """Column break points packing rows in order into columns of ``limit``."""
    cuts, used = [0], 0.0
    for i, h in enumerate(heights):
        if used + h > limit and used > 0:
            cuts.append(i)
            used = 0.0
        used += h
    return cuts + [len(heights)]


def _balanced(heights: list[float], columns: int, hi: float) -> list[int]:
    """Cut points into at most ``columns`` columns with the lowest tallest column."""
    lo = max(heights)
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if len(_greedy(heights, mid)) - 1 <= columns:
            hi = mid
        else:
            lo = mid
    return _greedy(heights, hi)


def plan_sheets(rows: tuple[PosterRow, ...], capacity_pt: float) -> list[list[tuple[PosterRow, ...]]]:
    """Rows → sheets of two columns: as few sheets as fit, then columns as
    even as possible (the smallest column height that still needs no more
    columns), so a long list splits on purpose into balanced sheets.

    A row taller than a whole column (only absurd data does that) gets a
    column of its own; its sheet then outgrows the paper, and ``sitegen.pdf``
    names it instead of printing it. The site build itself never fails here."""
    heights = [r.height_pt for r in rows]
    if not heights:
        return [[(), ()]]
    columns = len(_greedy(heights, capacity_pt)) - 1
    columns += columns % 2
    cuts = _balanced(heights, columns, max(capacity_pt, max(heights)))
    cols = [tuple(rows[a:b]) for a, b in zip(cuts, cuts[1:])]
    cols += [()] * (columns - len(cols))
    return [cols[i : i + 2] for i in range(0, columns, 2)]


def two_columns(rows: tuple[PosterRow, ...]) -> tuple[tuple[PosterRow, ...], tuple[PosterRow, ...]]:
    """Rows in two balanced columns, however tall (a 两张清单 section)."""
    heights = [r.height_pt for r in rows]
    cuts = _balanced(heights, 2, sum(heights) + 1) if heights else [0, 0]
    cols = [tuple(rows[a:b]) for a, b in zip(cuts, cuts[1:])] + [(), ()]
    return cols[0], cols[1]


def sheet_overhead(paper: Paper, u: float, texts: dict) -> dict[str, float]:
    """Heights (pt) of what every sheet prints besides its sections, as
    print.css lays them out: header (with the 测试地址 line), hotline box, footer."""
    w, f = paper.inner_width_pt, paper.unit_pt
    qr = QR_MM[paper.key] * PT_PER_MM
    title_w = w - qr - u
    titles = sum(block_pt(texts[key], HEAD_K[key] * u, HEAD_LINE[key], title_w) for key in ("region", "title", "sub", "warning"))
    parts = {"head": max(titles, qr + block_pt(QR_CAPTION, CAPTION_K * f, 1.3, qr)) + HEAD_RULE_K * u + HEAD_RULE_PT}
    call_w = max(text_width_pt((("举报电话", HOTLINE_LABEL_K * u),)), text_width_pt(((texts["number"], HOTLINE_NUMBER_K * u * 1.04),)))
    call = HOTLINE_LABEL_K * u * 1.3 + HOTLINE_NUMBER_K * u * 1.1
    text_w = w - 1.2 * u - HOTLINE_BOX_PT - call_w - HOTLINE_GAP_K * u
    side = sum(block_pt(t, HOTLINE_TEXT_K * u, HOTLINE_TEXT_LINE, text_w) for t in (texts["when"], texts["fallback"]))
    parts["hotline"] = max(call, side) + HOTLINE_BOX_K * u + HOTLINE_BOX_PT
    parts["foot"] = FOOT_K * f + sum(block_pt(t, SMALL_K * f, TEXT_LINE, w) for t in texts["foot"])
    return parts


def section_overhead(paper: Paper, u: float, heading: str, lead: str, note: str) -> float:
    """Height (pt) of a section's heading, lead and note above its rows."""
    w = paper.inner_width_pt
    height = block_pt(heading, SECTION_K * u, SECTION_LINE, w) + block_pt(lead, LEAD_K * u, LEAD_LINE, w) + (LEAD_GAP_K * u if lead else 0)
    if note:
        height += block_pt(note, NOTE_K * u, NOTE_LINE, w - u - NOTE_BOX_PT) + NOTE_BOX_K * u + NOTE_BOX_PT
    return height


@dataclass(frozen=True)
class SectionText:
    heading: str
    lead: str
    note: str
    rows: tuple[RowText, ...]


@dataclass(frozen=True)
class PosterLayout:
    unit_pt: float
    sheets: tuple[Sheet, ...]
    overhead: dict  # heights besides the sections (sheet_overhead), for checking the estimate


def _sheets_at(paper: Paper, u: float, texts: dict, parts: tuple[SectionText, ...], one_sheet: bool, strict: bool = True) -> list[tuple[Section, ...]] | None:
    """The sheets at poster unit ``u``: one list splits over as many sheets as
    it needs; the 两张清单 sheet is one sheet or nothing (None)."""
    width = column_width_pt(paper, u)
    room = paper.inner_height_pt - sum(sheet_overhead(paper, u, texts).values()) - SAFETY_K * u
    if not one_sheet:
        (part,) = parts
        rows = tuple(PosterRow(r.number, r.name, r.where, r.extra, row_height_pt(r, u, width)) for r in part.rows)
        capacity = max(room - section_overhead(paper, u, "", part.lead, part.note), paper.inner_height_pt / 4)
        return [(Section("", part.lead, part.note, tuple(cols)),) for cols in plan_sheets(rows, capacity)]
    sections = []
    for i, part in enumerate(parts):
        rows = tuple(PosterRow(r.number, r.name, r.where, r.extra, row_height_pt(r, u, width)) for r in part.rows)
        cols = two_columns(rows)
        room -= section_overhead(paper, u, part.heading, part.lead, part.note) + max(sum(r.height_pt for r in c) for c in cols) + (SECTION_GAP_K * u if i else 0)
        sections.append(Section(part.heading, part.lead, part.note, cols))
    return [tuple(sections)] if room >= 0 or not strict else None


def fit_poster(paper: Paper, texts: dict, parts: tuple[SectionText, ...], one_sheet: bool = False, must: bool = False) -> PosterLayout | None:
    """The largest poster unit at which the rows take no more sheets than at
    the paper's smallest row-name size (for 两张清单: still fit one sheet;
    None if they do not, unless ``must``: then the sheet at the smallest size,
    too tall, which ``sitegen.pdf`` reports instead of printing)."""
    units = [u for u in POSTER_UNITS if paper.name_min_pt <= u <= paper.unit_max_pt]
    floor = _sheets_at(paper, units[0], texts, parts, one_sheet)
    if floor is None:
        if not must:
            return None
        u = units[0]
        (sections,) = _sheets_at(paper, u, texts, parts, one_sheet, strict=False)
        return PosterLayout(u, (Sheet(1, 1, False, sections),), sheet_overhead(paper, u, texts))

    def fits(u: float) -> bool:
        at = _sheets_at(paper, u, texts, parts, one_sheet)
        return at is not None and len(at) <= len(floor)

    lo, hi = 0, len(units) - 1  # units[lo] fits; find the last that does
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(units[mid]):
            lo = mid
        else:
            hi = mid - 1
    u = units[lo]
    plan = _sheets_at(paper, u, texts, parts, one_sheet)
    sheets = tuple(Sheet(i, len(plan), i > 1 and not one_sheet, sections) for i, sections in enumerate(plan, 1))
    return PosterLayout(u, sheets, sheet_overhead(paper, u, texts))


def unit_class(unit_pt: float) -> str:
    return f"u{round(unit_pt * 10)}"


# The longest site address a poster's layout allows for, a placeholder one.
SAMPLE_BASE = "https://zhengming." + "w" * 40 + ".example.org/"


def placeholder_warning(base_url: str) -> str:
    if not urls.is_placeholder(base_url):
        return ""
    return "测试地址，请勿张贴：本页的二维码和网址是示例地址。"


def cite_lines(c: PrintCitation) -> tuple[str, str, str]:
    """The citation as the poster prints it (print/poster.html), line by line."""
    return (f"清单：《{c.list_title}》　{c.issued}", f"载于：{c.carried_in}　依据：{c.basis}", c.note)


@dataclass(frozen=True)
class PosterPlan:
    """What a poster prints and how it is laid out."""

    kinds: tuple[str, ...]  # one list, or both (两张清单)
    heading: str
    sub: str
    citations: tuple[PrintCitation, ...]
    hotline: HotlineView
    hotline_when: str
    warning: str
    layout: PosterLayout


_recent_plans: dict[tuple, tuple[RegionView, PosterPlan | None]] = {}


def poster_plan(view: RegionView, kinds: tuple[str, ...], paper: Paper, base_url: str) -> PosterPlan | None:
    """What a poster prints and how its rows split into sheets and columns
    (None: a 两张清单 sheet whose lists do not fit one sheet). Worked out
    once for a region's poster page and its print index and region links:
    the few last ones are remembered, by the very view object they were made from."""
    key = (id(view), kinds, paper.key, base_url)
    hit = _recent_plans.get(key)
    if hit is not None and hit[0] is view:
        return hit[1]
    if len(_recent_plans) >= 32:
        _recent_plans.clear()
    plan = _poster_plan(view, kinds, paper, base_url)
    _recent_plans[key] = (view, plan)
    return plan


BOTH = (NOT_ISSUED, RETAINED)
BOTH_SLUG = "liangzhang"  # the 两张清单 sheet: print/<region>/liangzhang-a3.html
BOTH_TITLE = "社区证明事项两张清单"
BOTH_PAPERS = (A3,)
BOTH_LEAD = {
    NOT_ISSUED: "以下证明，社区（居委会、村委会）不予出具。去哪里办，见不予出具清单海报、告知单，或扫码查看。",
    RETAINED: "以下证明由社区（居委会、村委会）依法出具。用途、依据，见依法出具清单海报、告知单，或扫码查看。",
}


def _poster_plan(view: RegionView, kinds: tuple[str, ...], paper: Paper, base_url: str) -> PosterPlan | None:
    by_kind = {kind: view.of_kind(kind) for kind in kinds}
    if not all(by_kind.values()):
        return None
    entries = tuple(e for kind in kinds for e in by_kind[kind])
    lists = {e.list.id: e.list for e in entries}  # in order of first use
    citations = tuple(print_citation(lst) for lst in lists.values())
    hotline = hotline_view(view)
    both = len(kinds) > 1
    parts = tuple(
        SectionText(
            f"{n}、{ANSWER[kind]}的证明（共 {len(by_kind[kind])} 项）" if both else "",
            BOTH_LEAD[kind] if both else lead_text(by_kind[kind], kind),
            inherited_text(view, by_kind[kind], kind),
            row_texts(by_kind[kind], names_only=both),
        )
        for n, kind in zip("一二", kinds)
    )
    heading = BOTH_TITLE if both else f"{ANSWER[kinds[0]]}的证明"
    sub = "、".join(LIST_NAME[k] for k in kinds) if both else f"{LIST_NAME[kinds[0]]}，共 {len(entries)} 项"
    when = hotline.when if both else hotline_when(hotline, kinds[0])
    # base_url None: the longest address and the 测试地址 band (posters_of)
    warning = placeholder_warning(base_url or SAMPLE_BASE)
    address = urls.absolute(base_url or SAMPLE_BASE, urls.region(view.region.id))
    texts = {
        "region": view.region.full_name,
        "title": heading + ("" if both else "（续）"),
        "sub": sub + ("" if both else "（第 99 张，共 99 张）"),
        "warning": warning,
        "number": hotline.number,
        "when": when,
        "fallback": hotline.fallback_note or hotline.label,
        "foot": [t for c in citations for t in cite_lines(c) if t]
        + [f"打印日期：____年__月__日{MADE_SAMPLE}　{DISCLAIMER}", f"网址：{max(address, urls.absolute(SAMPLE_BASE, urls.region(view.region.id)), key=len)}"],
    }
    layout = fit_poster(paper, texts, parts, one_sheet=both, must=base_url is not None)
    if layout is None:
        return None
    return PosterPlan(kinds, heading, sub, citations, hotline, when, warning, layout)


def poster_page(resolved: Resolved, view: RegionView, kinds: tuple[str, ...], paper: Paper) -> Page:
    url = poster_url(view.region.id, kinds, paper)
    base = resolved.content.site["base_url"]
    plan = poster_plan(view, kinds, paper, base)
    body = PosterBody(
        paper=paper,
        unit=unit_class(plan.layout.unit_pt),
        region_name=view.region.name,
        region_full_name=view.region.full_name,
        heading=plan.heading,
        sub=plan.sub,
        warning=plan.warning,
        citations=plan.citations,
        hotline=plan.hotline,
        hotline_when=plan.hotline_when,
        qr=href(url, urls.qr(urls.region(view.region.id))),
        qr_url=urls.absolute(base, urls.region(view.region.id)),
        qr_caption=QR_CAPTION,
        disclaimer=DISCLAIMER,
        sheets=plan.layout.sheets,
        back=Link(href(url, urls.region(view.region.id)), f"返回{view.region.name}的清单"),
    )
    what = poster_name(kinds)
    title = f"{view.region.name}｜{what}｜{paper.label} 海报"
    description = f"{view.region.full_name}{what}，{paper.label} 纸 {len(plan.layout.sheets)} 张，张贴在社区公示栏。"
    return print_page(resolved, url, title, description, "print/poster.html", with_pdfs(body, url, "print/poster.html"))


def poster_name(kinds: tuple[str, ...]) -> str:
    return "两张清单（不予出具、依法出具）" if len(kinds) > 1 else LIST_NAME[kinds[0]]


# ------------------------------------------------------------------ slips


def slip_texts(view: RegionView, entry: Entry) -> dict:
    row, lst = entry.row, entry.list
    region_entries = {e.certificate.id: e for e in view.entries}
    texts: dict = {"exceptions": (), "facts": (), "go_to": "", "limits": row.limits}
    if entry.kind == NOT_ISSUED:
        texts["answer"] = "本社区不予出具"
        if row.offices:
            texts["go_to"] = f"请到{'、'.join(row.offices)}办理。"
        if row.documents:
            texts["bring"] = "办事途径原文列出的证件材料：" + "、".join(row.documents) + "。"
        else:
            texts["bring"] = "要带什么，以下面的办事途径原文为准。"
        exceptions = []
        for exc in row.exceptions:
            see = [region_entries[t].row.name for t in exc.see if t in region_entries]
            exceptions.append(exc.text + (f"（见依法出具清单：{'、'.join(see)}）" if see else ""))
        texts["exceptions"] = tuple(exceptions)
        texts["route"] = row.route
        texts["basis"] = f"依据：《{lst.title}》（{'、'.join(lst.basis)}）。"
        texts["hotline_lead"] = "如有单位仍要求您开具此证明，请拨打举报电话："
    else:
        texts["answer"] = "本社区依法出具"
        facts = []
        for key in ("purpose", "requested_by", "issued_by", "method"):
            value = getattr(row, key)
            if value:
                facts.append((lst.columns.get(key, _DEFAULT_LABEL[key]), value))
        texts["facts"] = tuple(facts)
        if texts["limits"] and texts["limits"] in row.purpose:
            texts["limits"] = ""
        texts["bring"] = "需携带：清单原文没有写明到社区开具此证明需要带什么材料，请先向社区（村）问清楚。"
        texts["route"] = ""
        clauses = "".join(row.clauses)
        texts["basis"] = f"依据：{clauses}　清单：《{lst.title}》（{'、'.join(lst.basis)}）。" if clauses else f"依据：《{lst.title}》（{'、'.join(lst.basis)}）。"
        texts["hotline_lead"] = "这项证明由社区依法出具。" + RETAINED_SLIP_CALL
    return texts


def slip_height_pt(texts: dict, scale: int) -> float:
    """The slip's content height at a scale (percent), as print.css lays it out."""
    u = A6.unit_pt * scale / 100
    w = A6.inner_width_pt
    gap = SLIP_GAP_K * u

    def para(size: str, text: str, width: float = w, spaced: bool = True) -> float:
        if not text:
            return 0.0
        return block_pt(text, SLIP_K[size] * u, SLIP_LINE[size], width) + (gap if spaced else 0)

    body = para("head", texts["head"], spaced=False) + para("answer", texts["answer"]) + para("name", texts["name"], spaced=False)
    body += sum(para("text", t) for t in (texts["go_to"], *(f"{label}：{value}" for label, value in texts["facts"])))
    body += para("text", f"注意：{texts['limits']}" if texts["limits"] else "") + para("text", texts["bring"])
    body += sum(para("text", f"例外：{t}") for t in texts["exceptions"])
    body += para("fine", f"办事途径（原文）：{texts['route']}" if texts["route"] else "") + para("fine", texts["basis"])
    qr = SLIP_QR_MM * PT_PER_MM
    side = w - qr - SLIP_FOOT_GAP_K * u
    call = para("text", texts["hotline_lead"], side, spaced=False) + SLIP_NUMBER_K * u + para("fine", texts["fallback"], side)
    foot = max(call, qr) + gap + 1.5  # padding and rule above the footer
    tail = para("fine", "打印日期：____年__月__日" + MADE_SAMPLE) + para("fine", texts["url"])
    return body + gap + foot + tail + SAFETY_K * u


def slip_pages(resolved: Resolved, view: RegionView, entry: Entry) -> list[Page]:
    """The item's slip: one page, which prints as one A6 slip, and at #a6x4
    as four on an A4 sheet (slip_url). Its texts and type size are worked out
    once for both."""
    url = slip_url(view.region.id, entry.certificate.id)
    base = resolved.content.site["base_url"]
    item = urls.item(view.region.id, entry.certificate.id)
    qr_target = urls.absolute(base, item)
    hotline = hotline_view(view)
    texts = slip_texts(view, entry)
    texts.update(
        head=f"{view.region.full_name}　告知单",
        name=entry.row.name,
        fallback=hotline.fallback_note or hotline.label,
        url=f"扫码或访问：{qr_target}",
    )
    # The largest type that fits. Text too long even for the smallest is printed
    # anyway, never cut: the sheet outgrows A6 and `make posters` names it.
    scale = next((k for k in SLIP_SCALES if slip_height_pt(texts, k) <= A6.inner_height_pt), SLIP_SCALES[-1])
    short = entry.row.short_name
    body = SlipBody(
        paper=A6,
        fourup=A6X4,
        fourup_link=Link(href(url, slip_url(view.region.id, entry.certificate.id, A6X4)), "改为一张 A4 纸印 4 份"),
        single_link=Link(href(url, url), "改为 A6 纸印 1 份"),
        copies=4,
        scale=scale,
        region_full_name=view.region.full_name,
        answer=texts["answer"],
        name=entry.row.name,
        go_to=texts["go_to"],
        bring=texts["bring"],
        exceptions=texts["exceptions"],
        facts=texts["facts"],
        limits=texts["limits"],
        route=texts["route"],
        basis=texts["basis"],
        hotline_lead=texts["hotline_lead"],
        hotline=hotline,
        qr=href(url, urls.qr(item)),
        qr_url=qr_target,
        back=Link(href(url, item), f"返回“{short}”页面"),
    )
    description = f"{view.region.full_name}：{ANSWER[entry.kind]}{short}。打印后递给居民。"
    title = f"{view.region.name}｜{short}｜告知单（A6，或一张 A4 印 4 份）"
    return [print_page(resolved, url, title, description, "print/slip.html", with_pdfs(body, url, "print/slip.html"))]


# ------------------------------------------------------------------ PDFs


def pdf_ways(body) -> tuple[tuple[str, str], ...]:
    """(way, label) of each PDF a print page makes: a poster one, a slip page
    two (one A6 slip, and at #a6x4 four on an A4 sheet)."""
    if isinstance(body, SlipBody):
        return (("", "PDF：A6 一张"), (body.fourup.key, "PDF：A4 一张印 4 份"))
    return (("", f"PDF：{body.paper.label}"),)


def pdf_url(page_url: str, way: str = "") -> str:
    """Where `make posters` puts a print page's PDF: beside it, named as the
    page (print/<region>/<name>.pdf), a slip's four-to-a-sheet one <cert>-a6x4.pdf."""
    stem = page_url.removesuffix(".html")
    return (stem.removesuffix(f"-{A6.key}") + f"-{way}" if way else stem) + ".pdf"


def with_pdfs(body, url: str, template: str):
    """The body with its cache key, and links to its PDFs where the cache has them."""
    key = pdfcache.key_of(template, body)
    pdfs = tuple(Link(href(url, pdf_url(url, way)), label) for way, label in pdf_ways(body) if pdfcache.has(key, way))
    return replace(body, key=key, pdfs=pdfs)


def pdf_outputs(resolved: Resolved, view: RegionView) -> list[Output]:
    """The cached PDF of each of the region's print pages whose content has
    one, beside its page (a changed page has a new key, so none)."""
    if not pdfcache.cached():
        return []
    rid, own = view.region.id, frozenset({view.region.id})
    pages = [poster_page(resolved, view, kinds, paper) for kinds, paper in posters_of(view)]
    pages += [slip_page(resolved, view, e) for e in view.entries]
    return [
        Output(pdf_url(p.url, way), partial(_cached_pdf, p.body.key, way), own)
        for p in pages
        for way, _ in pdf_ways(p.body)
        if pdfcache.has(p.body.key, way)
    ]


def _cached_pdf(key: str, way: str, context) -> bytes:
    return pdfcache.read(key, way)


def print_page(resolved: Resolved, url: str, title: str, description: str, template: str, body, breadcrumbs: tuple[Link, ...] = ()) -> Page:
    return Page(url=url, root=root_of(url), title=title, description=description, base_url=resolved.content.site["base_url"], template=template, body=body, breadcrumbs=breadcrumbs, noindex=True)


# ------------------------------------------------------------------ index and links


def posters_of(view: RegionView) -> list[tuple[tuple[str, ...], Paper]]:
    """(kinds, paper) of each poster a region has: one per list it shows and
    size, and the 两张清单 sheet where both lists fit one (decided for the
    longest site address and the 测试地址 band, so it does not depend on
    base_url: region pages link it without knowing the site's address)."""
    found = [((kind,), paper) for kind in BOTH if view.of_kind(kind) for paper in POSTER_PAPERS]
    found += [(BOTH, paper) for paper in BOTH_PAPERS if poster_plan(view, BOTH, paper, None) is not None]
    return found


def index_page(resolved: Resolved, view: RegionView) -> Page:
    url = index_url(view.region.id)
    base = resolved.content.site["base_url"]
    posters = tuple(
        Link(
            href(url, poster_url(view.region.id, kinds, paper)),
            f"{poster_name(kinds)}（{paper.label} 海报）",
            note=f"{paper.label} 纸 {len(poster_plan(view, kinds, paper, base).layout.sheets)} 张",
        )
        for kinds, paper in posters_of(view)
    )
    if pdfcache.cached():
        posters += tuple(
            Link(href(url, pdf_url(poster_url(view.region.id, kinds, paper))), f"下载 PDF：{poster_name(kinds)}（{paper.label}）", note="已生成，可直接打印")
            for kinds, paper in posters_of(view)
            if poster_page(resolved, view, kinds, paper).body.pdfs
        )
    slips = []
    for kind in BOTH:
        items = tuple(
            (
                e.row.name,
                Link(href(url, slip_url(view.region.id, e.certificate.id, A6)), "A6 一张"),
                Link(href(url, slip_url(view.region.id, e.certificate.id, A6X4)), "A4 一张印 4 份"),
            )
            for e in view.of_kind(kind)
        )
        if items:
            slips.append((f"{ANSWER[kind]}的证明", items))
    region = Link(href(url, urls.region(view.region.id)), view.region.name)
    title = f"{view.region.name}｜打印：公示栏海报和告知单"
    description = f"{view.region.full_name}的两张清单海报（A4、A3）和每项证明的告知单（A6）。"
    body = PrintIndexBody(view.region.name, posters, tuple(slips), region)
    return print_page(resolved, url, title, description, "print/index.html", body, (Link(href(url, urls.home()), "首页"), region))


def region_links(resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
    links = [(poster_url(view.region.id, kinds, paper), f"公示栏海报：{poster_name(kinds)}（{paper.label}）", f"{paper.label} 纸，张贴用") for kinds, paper in posters_of(view)]
    if pdfcache.cached():  # posters `make posters` has printed: their PDFs, for a phone
        for kinds, paper in posters_of(view):
            body = poster_page(resolved, view, kinds, paper).body
            links += [(pdf_url(poster_url(view.region.id, kinds, paper)), f"下载海报 PDF：{poster_name(kinds)}（{paper.label}）", "已生成，可直接打印") for _ in body.pdfs]
    links.append((index_url(view.region.id), "告知单：每项证明一张，可递给居民", "A6 大小，或一张 A4 印 4 份"))
    return links


def item_links(entry: Entry) -> list[tuple[str, str, str]]:
    what = "去哪里办、带什么、依据、举报电话" if entry.kind == NOT_ISSUED else "用途、限制、依据"
    return [
        (slip_url(entry.region.id, entry.certificate.id, A6), "打印告知单（A6 一张）", f"递给居民：{what}"),
        (slip_url(entry.region.id, entry.certificate.id, A6X4), "打印告知单（A4 一张印 4 份）", "沿虚线剪开"),
    ]


def slip_page(resolved: Resolved, view: RegionView, entry: Entry) -> Page:
    (page,) = slip_pages(resolved, view, entry)
    return page


class Print(Feature):
    """Each region's posters, its slips (one an item) and their print index."""

    name = "print"

    def region_outputs(self, resolved: Resolved, view: RegionView) -> list:
        rid, own = view.region.id, frozenset({view.region.id})
        out = [page(poster_url(rid, kinds, paper), poster_page, resolved, view, kinds, paper, regions=own, listed=False) for kinds, paper in posters_of(view)]
        out += [page(slip_url(rid, e.certificate.id), slip_page, resolved, view, e, regions=own, listed=False) for e in view.entries]
        out.append(page(index_url(rid), index_page, resolved, view, regions=own, listed=False))
        out += pdf_outputs(resolved, view)
        return out

    def region_links(self, resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
        return region_links(resolved, view)

    def item_links(self, entry: Entry) -> list[tuple[str, str, str]]:
        return item_links(entry)


FEATURE = Print()
