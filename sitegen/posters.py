"""Notice-board posters (A4, A3, the 两张清单 A3) and hand-out slips (告知单): the print pages.

Type size and page splits are decided here from each row's text and the sizes print.css uses
(the *_K factors mirror it); sitegen/pdf.py checks in Chromium that no sheet outgrew its paper.
Everything printed comes from the model: where a list gives no date or 文号 it says 原文未载明.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import ClassVar

from . import pdfcache, urls
from .model import ANSWER, KIND_SLUG, LIST_NAME, NOT_ISSUED, RETAINED, Entry, PublishedList, RegionView, Resolved
from .pages import _DEFAULT_LABEL, HotlineView, Link, Page, few_words, hotline_view, href, make_page, shown_instead
from .plan import Feature, Output, page

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Paper:
    key: str  # file-name suffix and CSS modifier: a4, a3, a6, a6x4
    label: str  # what the print dialog calls it
    width_mm: float
    height_mm: float
    pad_mm: float  # .sheet padding (print.css)
    unit_pt: float  # fine print and slip text size: print.css --f, the slip's --u
    name_min_pt: float = 0.0  # posters: the smallest row-name size allowed
    unit_max_pt: float = 0.0  # posters: the largest unit tried

    @property
    def inner_width_pt(self) -> float:
        return (self.width_mm - 2 * self.pad_mm) * PT_PER_MM

    @property
    def inner_height_pt(self) -> float:
        return (self.height_mm - 2 * self.pad_mm) * PT_PER_MM


# Row names of at least 18 pt on A3, read at 2 m from a 公示栏; A4 is read closer.
A4 = Paper("a4", "A4", 210, 297, 10, 12, name_min_pt=12, unit_max_pt=28)
A3 = Paper("a3", "A3", 297, 420, 12, 13, name_min_pt=18, unit_max_pt=40)
A6 = Paper("a6", "A6", 105, 148, 6, 11)
A6X4 = Paper("a6x4", "A4", 210, 297, 0, 11)  # the A6 slip page at #a6x4: four slips on an A4 sheet
POSTER_PAPERS = (A4, A3)
# The row-name sizes (pt) print.css has a .poster--u<tenths> class for (a test checks they agree).
POSTER_UNITS = tuple(x / 2 for x in range(24, 48)) + tuple(float(x) for x in range(24, 41))
BOTH = (NOT_ISSUED, RETAINED)
BOTH_SLUG = "liangzhang"  # the 两张清单 sheet: print/<region>/liangzhang-a3.html
BOTH_PAPERS = (A3,)
BOTH_LEAD = {
    NOT_ISSUED: "以下证明，社区（居委会、村委会）不予出具。去哪里办，见不予出具清单海报、告知单，或扫码查看。",
    RETAINED: "以下证明由社区（居委会、村委会）依法出具。用途、依据，见依法出具清单海报、告知单，或扫码查看。",
}

# Poster sizes in units of --u (the row-name size), as print.css sets them.
HEAD_K = {"region": 1.2, "title": 2.4, "sub": 1.0, "warning": 1.0}  # warning: the 测试地址 line
HEAD_LINE = {"region": 1.3, "title": 1.2, "sub": 1.3, "warning": 1.3}
HEAD_RULE_K, HEAD_RULE_PT = 0.6, 1.5  # padding and margin under the header; its rule
CAPTION_K = 0.85  # the QR code's caption, in --f
QR_MM = {"a4": 26, "a3": 36}
LEAD_K, LEAD_LINE, LEAD_GAP_K = 0.9, 1.35, 0.4
NOTE_K, NOTE_LINE, NOTE_BOX_K, NOTE_BOX_PT = 0.8, 1.35, 1.0, 2.0  # inherited-list note; its box
SECTION_K, SECTION_LINE, SECTION_GAP_K = 1.5, 1.25, 0.5  # a 两张清单 section heading, space above it
ROW_WHERE_K, ROW_EXTRA_K, ROW_LINE_K, ROW_NO_K = 0.9, 0.8, 1.25, 1.7
ROW_PAD_K, ROW_RULE_PT = 0.35, 0.75  # padding and margin under a row; its dotted rule
COL_GAP_K = 1.2
HOTLINE_BOX_K, HOTLINE_BOX_PT = 1.3, 4.0  # margin above and padding; borders
HOTLINE_LABEL_K, HOTLINE_NUMBER_K = 1.0, 2.6  # 举报电话 over the number (line-heights 1.3, 1.1)
HOTLINE_TEXT_K, HOTLINE_TEXT_LINE, HOTLINE_GAP_K = 0.85, 1.35, 1.0
TEXT_LINE = 1.4  # line-height of running text (footer, slips)
FOOT_K, SMALL_K = 0.3, 0.85  # margin above the citation lines, and their size, in --f
MADE_SAMPLE = "（PDF 生成于 2099年12月31日）"  # the longest that `make posters` adds to the print date
QR_CAPTION = "扫码查看清单"
DISCLAIMER = "本海报按清单原文整理，不代替原文件。"
SAFETY_K = 0.5  # kept free on every column and slip, for rounding
SAMPLE_BASE = "https://zhengming." + "w" * 40 + ".example.org/"  # the longest site address allowed for

# Slip sizes in units of the slip's --u, and the scales (percent) tried, largest first.
SLIP_SCALES = (100, 90, 80)
SLIP_K = {"head": 0.85, "answer": 1.1, "name": 1.5, "text": 1.0, "fine": 0.8}
SLIP_LINE = {"head": 1.3, "answer": 1.3, "name": 1.25, "text": TEXT_LINE, "fine": TEXT_LINE}
SLIP_GAP_K = 0.35  # space above each paragraph
SLIP_NUMBER_K = 2.2 * 1.15
SLIP_QR_MM = 24
SLIP_FOOT_GAP_K = 0.8  # between the hotline text and the QR code

# Chromium never starts a line with the first, nor ends one with the second.
NO_LINE_START = frozenset("，。、：；！？）》」』】〕〉”’…,.:;!?)]}%")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")


@lru_cache(maxsize=None)
def _em(ch: str) -> float:
    """A character's advance in em: CJK, full and ambiguous width 1, anything else at most 0.6."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.6


def _can_break(before: str, after: str) -> bool:
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    # within Latin letters, digits or a web address only as a last resort (overflow-wrap: anywhere)
    return not (before.isascii() and after.isascii() and not before.isspace() and not after.isspace())


def line_count(segments: tuple[tuple[str, float], ...], width_pt: float) -> int:
    """Lines the text takes at this width: filled character by character, broken only where
    Chromium may break (a 1 % margin covers rounding)."""
    widths = [_em(ch) * size for text, size in segments for ch in text]
    width = width_pt * 0.99
    if sum(widths) <= width:
        return 1
    text = "".join(text for text, _ in segments)
    breaks = "0" + "".join("1" if _can_break(a, b) else "0" for a, b in zip(text, text[1:]))  # before each
    lines, start, used = 1, 0, 0.0
    for i, w in enumerate(widths):
        if used + w > width and i > start:
            brk = breaks.rfind("1", start + 2, i + 1)  # the last allowed break after the line's second character
            if brk < 0:
                brk = start + 1 if breaks[start + 1] == "1" else i  # none: the text overflows the line
            lines += 1
            start = brk
            used = sum(widths[start:i])
        used += w
    return lines


def same_lines(address: str) -> str:
    """A text that takes as many lines as ``address`` after any text (line_count): where it has
    only ASCII letters, digits and signs (a web address), each is 0.6 em wide and no line breaks
    between two of them, so only its length and first character count; slips of addresses of
    one length share block_pt's measure."""
    if not address.isascii() or any(ch.isspace() for ch in address):
        return address
    return address[:1] + "x" * (len(address) - 1)


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


@dataclass(frozen=True)
class Section:
    heading: str  # "" on a one-list poster; the list's heading on the 两张清单 sheet
    lead: str  # what the list means for a resident, in the list's own column names
    note: str  # whose list it is, when the region inherits it
    rows: tuple[PosterRow, ...]  # as laid out: () once they are split into columns
    columns: tuple[tuple[PosterRow, ...], ...] = ()


@dataclass(frozen=True)
class Sheet:
    number: int
    of: int
    continued: bool
    sections: tuple[Section, ...]

    @property
    def numbering(self) -> str:
        return f"（第 {self.number} 张，共 {self.of} 张）" if self.of > 1 else ""


@dataclass(frozen=True)
class PosterBody:
    paper: Paper
    region_full_name: str
    heading: str  # 社区不予出具的证明
    sub: str  # the list's name and its row count
    warning: str  # 测试地址 while base_url is a placeholder, else ""
    cited: tuple[str, ...]  # the footer's lines for each list it prints (print_citation)
    hotline: HotlineView
    hotline_when: str  # when to call, for this list
    qr: str  # link to the region page's QR code file (sitegen/wechat.py writes it)
    qr_url: str
    qr_caption: str
    disclaimer: str
    back: Link
    foot: tuple[str, ...]  # the footer's lines, its address and print date at their longest (for layout)
    unit: str = ""  # once laid out: print.css class of the poster unit, e.g. u180 (18 pt row names)
    sheets: tuple[Sheet, ...] = ()  # once laid out
    key: str = ""  # what the page prints, as a key of the PDF cache (sitegen/pdfcache.py)
    pdfs: tuple[Link, ...] = ()  # its PDF, once `make posters` has made it

    @property
    def pages(self) -> int:
        return len(self.sheets)

    @property
    def pages_note(self) -> str:
        return "，每张都可以单独张贴" if self.pages > 1 else ""

    @property
    def ways(self) -> tuple[tuple[str, str], ...]:  # (way, label) of each PDF made: one, as printed
        return (("", f"PDF：{self.paper.label}"),)


@dataclass(frozen=True)
class SlipBody:
    paper: ClassVar[Paper] = A6  # the same page prints four to an A4 sheet at #a6x4 (``fourup``)
    fourup: ClassVar[Paper] = A6X4
    copies: ClassVar[int] = 4  # slips in the page, of which A6 shows the first
    pages: ClassVar[int] = 1
    ways: ClassVar = (("", "PDF：A6 一张"), (A6X4.key, "PDF：A4 一张印 4 份"))  # (way, label) of each PDF made
    fourup_link: Link  # to #a6x4 on the page itself
    single_link: Link  # back to one A6 slip
    scale: int  # percent, print.css .slip--k<scale>
    region_full_name: str
    answer: str  # 本社区不予出具 / 本社区依法出具
    name: str
    paragraphs: tuple[tuple[str, str], ...]  # (size: text / fine, text) between the name and the foot
    hotline_lead: str
    hotline: HotlineView
    qr: str  # link to the item page's QR code file (sitegen/wechat.py writes it)
    qr_url: str
    back: Link
    key: str = ""  # as PosterBody's
    pdfs: tuple[Link, ...] = ()  # its PDFs (A6, four on A4), once `make posters` has made them


@dataclass(frozen=True)
class PrintIndexBody:
    region_name: str
    posters: tuple[Link, ...]
    slips: tuple[tuple[str, tuple[tuple[str, Link, Link], ...]], ...]  # (heading, ((name, a6, a6x4), …))
    back: Link


def poster_url(region_id: str, kinds: tuple[str, ...], paper: Paper) -> str:
    """One list's poster (<list file>-<paper>.html), or both lists' (liangzhang-a3.html)."""
    return urls.poster(region_id, KIND_SLUG[kinds[0]] if len(kinds) == 1 else BOTH_SLUG, paper.key)


def poster_name(kinds: tuple[str, ...]) -> str:
    return "两张清单（不予出具、依法出具）" if len(kinds) > 1 else LIST_NAME[kinds[0]]


# ------------------------------------------------------------------ texts


def cn_date(iso: str) -> str:
    """2020-04-28 → 2020年4月28日 (a date the document gives; never made up)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m else iso


def print_citation(lst: PublishedList) -> tuple[str, ...]:
    """A list's lines in a poster's footer: 清单：its title, issuer, 文号 and date (or 原文未载明);
    载于：the source document it was transcribed from, 依据：its basis; and the source's note, or ""."""
    said = (("发布机关", lst.issuer), ("文号", lst.doc_number), ("日期", cn_date(lst.date)))
    issued = "　".join(value for _, value in said if value)
    missing = "、".join(label for label, value in said if not value)
    if missing:
        issued += ("；" if issued else "") + missing + "原文未载明"
    s = lst.source
    carried = f"{s.issuer}《{s.title.strip('《》')}》" if s.title else s.issuer
    carried += "，".join([""] + [p for p in (s.doc_number, cn_date(s.date), s.part) if p])
    return f"清单：《{lst.title}》　{issued}", f"载于：{carried}　依据：{'、'.join(lst.basis)}", s.note


def inherited_text(view: RegionView, kind: str) -> str:
    """Whose list the poster prints when not the region's own, and which rows (marked *)
    a farther list adds because the nearer one leaves them out."""
    parts = view.parts(kind)  # the nearest list, then the farther lists' rows it leaves out
    nearest = parts[0].inherited_from
    shown = shown_instead(view.region, kind, parts[0].entries[0], shows="本海报印的是", short=True) if nearest else ""
    if len(parts) == 1:
        return shown
    farther = "、".join(
        f"{(p.inherited_from or view.region).name}的清单（{p.list.doc_number or p.list.title}）" for p in parts[1:]
    )
    nearer = (nearest or view.region).name
    return f"{shown}标“*”的项目，{nearer}公布的清单没有收录；{farther}仍然适用于{view.region.name}，这些项目按它办理。"


def lead_text(entries: tuple[Entry, ...], kind: str) -> str:
    """What the list means, in the words of the list's own columns."""
    if kind == NOT_ISSUED:
        return "以下证明，社区（居委会、村委会）不予出具；每项后面是清单所列的办事途径。"
    lst = entries[0].list
    keys = [key for key in ("requested_by", "clauses") if any(getattr(e.row, key) for e in entries)]
    extra = [lst.columns.get(key, _DEFAULT_LABEL.get(key, "依据")) for key in keys]
    purpose = lst.columns.get("purpose", _DEFAULT_LABEL["purpose"])
    brackets = f"，括号里是{'和'.join(extra)}" if extra else ""
    return f"以下证明由社区（居委会、村委会）依法出具；每项后面是{purpose}{brackets}。"


def row_extra(entry: Entry, limit_only: bool = False) -> str:
    """A row's words in brackets: a not-issued row's exceptions; a retained row's requesting
    unit, basis and limit (``limit_only``, on the 两张清单 sheet: the limit)."""
    row, cols = entry.row, entry.list.columns
    if entry.kind == NOT_ISSUED:
        return "；".join(exc.text for exc in row.exceptions)
    if limit_only:
        return row.limits
    parts = []
    if row.requested_by:
        parts.append(f"{cols.get('requested_by', _DEFAULT_LABEL['requested_by'])}：{row.requested_by}")
    if row.clauses:
        parts.append(f"{cols.get('clauses', '依据')}：{''.join(row.clauses)}")
    if row.limits and row.limits not in row.purpose:
        parts.append(row.limits)
    return "；".join(p.removesuffix("。") for p in parts)


def row_texts(entries: tuple[Entry, ...], names_only: bool = False) -> tuple[PosterRow, ...]:
    """The rows as a poster prints them; ``names_only`` (the 两张清单 sheet): names and limits."""
    nearest = entries[0].list.id  # a row from a farther list is marked *
    one_list = all(e.list.id == nearest for e in entries)
    return tuple(
        PosterRow(
            e.row.number if one_list else i,
            e.row.name + ("" if e.list.id == nearest else "*"),
            "" if names_only else few_words(e),
            row_extra(e, limit_only=names_only),
        )
        for i, e in enumerate(entries, 1)
    )


# ------------------------------------------------------------------ layout


@lru_cache(maxsize=65536)  # regions that inherit a list share its rows
def row_height_pt(row: PosterRow, u: float, width_pt: float) -> float:
    segments = (
        (row.name + ("：" if row.where else ""), u),
        (row.where, ROW_WHERE_K * u),
        ((f"（{row.extra}）" if row.extra else ""), ROW_EXTRA_K * u),
    )
    return line_count(segments, width_pt - ROW_NO_K * u) * ROW_LINE_K * u + ROW_PAD_K * u + ROW_RULE_PT


def _greedy(heights: list[float], limit: float) -> list[int]:
    """Column break points packing rows in order into columns of ``limit``."""
    cuts, used = [0], 0.0
    for i, h in enumerate(heights):
        if used + h > limit and used > 0:
            cuts.append(i)
            used = 0.0
        used += h
    return cuts + [len(heights)]


def plan_sheets(heights: list[float], capacity_pt: float) -> list[list[tuple[int, int]]]:
    """Rows (their heights) → sheets of two columns, each as (first, end) row indexes: as few
    sheets as fit, then the columns as even as possible (the lowest tallest column that needs
    no more columns). A row taller than a column gets one of its own; sitegen.pdf then reports
    its sheet."""
    if not heights:
        return [[(0, 0), (0, 0)]]
    columns = len(_greedy(heights, capacity_pt)) - 1
    columns += columns % 2
    lo, hi = max(heights), max(capacity_pt, max(heights))
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if len(_greedy(heights, mid)) - 1 <= columns:
            hi = mid
        else:
            lo = mid
    cuts = _greedy(heights, hi)
    cols = list(zip(cuts, cuts[1:]))
    cols += [(len(heights), len(heights))] * (columns - len(cols))
    return [cols[i : i + 2] for i in range(0, columns, 2)]


def sheet_overhead(u: float, body: PosterBody, split: bool) -> float:
    """Height (pt) of what every sheet prints besides its sections: header, hotline box, footer;
    ``split``: with the title and numbering of a list's later sheets, at their longest."""
    w, f = body.paper.inner_width_pt, body.paper.unit_pt
    qr = QR_MM[body.paper.key] * PT_PER_MM
    more = ("（续）", "（第 99 张，共 99 张）") if split else ("", "")
    heads = (body.region_full_name, body.heading + more[0], body.sub + more[1], body.warning)
    titles = sum(block_pt(t, HEAD_K[key] * u, HEAD_LINE[key], w - qr - u) for t, key in zip(heads, HEAD_K))
    head = max(titles, qr + block_pt(QR_CAPTION, CAPTION_K * f, 1.3, qr)) + HEAD_RULE_K * u + HEAD_RULE_PT
    label_w = sum(_em(ch) * (HOTLINE_LABEL_K * u) for ch in "举报电话")
    call_w = max(label_w, sum(_em(ch) * (HOTLINE_NUMBER_K * u * 1.04) for ch in body.hotline.number))
    call = HOTLINE_LABEL_K * u * 1.3 + HOTLINE_NUMBER_K * u * 1.1
    text_w = w - 1.2 * u - HOTLINE_BOX_PT - call_w - HOTLINE_GAP_K * u
    texts = (body.hotline_when, body.hotline.fallback_note or body.hotline.label)
    side = sum(block_pt(t, HOTLINE_TEXT_K * u, HOTLINE_TEXT_LINE, text_w) for t in texts)
    hotline = max(call, side) + HOTLINE_BOX_K * u + HOTLINE_BOX_PT
    foot = FOOT_K * f + sum(block_pt(t, SMALL_K * f, TEXT_LINE, w) for t in body.foot)
    return head + hotline + foot


def section_overhead(paper: Paper, u: float, part: Section) -> float:
    """Height (pt) of a section's heading, lead and note above its rows."""
    w = paper.inner_width_pt
    heading = block_pt(part.heading, SECTION_K * u, SECTION_LINE, w)
    height = heading + block_pt(part.lead, LEAD_K * u, LEAD_LINE, w) + (LEAD_GAP_K * u if part.lead else 0)
    if part.note:
        note = block_pt(part.note, NOTE_K * u, NOTE_LINE, w - u - NOTE_BOX_PT)
        height += note + NOTE_BOX_K * u + NOTE_BOX_PT
    return height


def sheets_at(u: float, body: PosterBody, parts: tuple[Section, ...], strict=True):
    """Each sheet's columns at poster unit ``u``, a (first, end) row-index pair per column of
    each section: one list splits over as many sheets as it needs; the 两张清单 sheet (a section
    a list) is one sheet, or None where it outgrows the paper (if ``strict``)."""
    paper = body.paper
    width = (paper.inner_width_pt - COL_GAP_K * u) / 2
    room = paper.inner_height_pt - sheet_overhead(u, body, len(parts) == 1) - SAFETY_K * u
    heights = [[row_height_pt(r, u, width) for r in part.rows] for part in parts]
    if len(parts) == 1:
        (part,), (hs,) = parts, heights
        capacity = max(room - section_overhead(paper, u, part), paper.inner_height_pt / 4)
        return [[cols] for cols in plan_sheets(hs, capacity)]
    planned = []
    for i, (part, hs) in enumerate(zip(parts, heights)):
        cols = plan_sheets(hs, sum(hs) + 1)[0]  # two columns, however tall
        tallest = max(sum(hs[a:b]) for a, b in cols)
        room -= section_overhead(paper, u, part) + tallest + (SECTION_GAP_K * u if i else 0)
        planned.append(cols)
    return None if room < 0 and strict else [planned]


@lru_cache(maxsize=256)  # a region's poster page, print index and region page ask the same
def fit_poster(body: PosterBody, parts: tuple[Section, ...], must=False):
    """(unit, sheets) at the largest poster unit at which the rows take no more sheets than at
    the paper's smallest row-name size. A 两张清单 sheet too tall even then: None, or (``must``) that
    sheet, which sitegen.pdf reports instead of printing."""
    units = [u for u in POSTER_UNITS if body.paper.name_min_pt <= u <= body.paper.unit_max_pt]
    least = sheets_at(units[0], body, parts, strict=not must)
    if least is None:
        return None

    def more_sheets(u: float) -> bool:
        at = sheets_at(u, body, parts)
        return at is None or len(at) > len(least)

    unit = units[bisect_left(units, True, lo=1, key=more_sheets) - 1]  # the last that fits as few
    best = sheets_at(unit, body, parts, strict=False)
    sheets = []
    for i, planned in enumerate(best, 1):
        sections = tuple(replace(p, rows=(), columns=tuple(p.rows[a:b] for a, b in cols))
                         for p, cols in zip(parts, planned))
        sheets.append(Sheet(i, len(best), i > 1 and len(parts) == 1, sections))
    return unit, tuple(sheets)


# ------------------------------------------------------------------ pages


def poster_body(view: RegionView, kinds: tuple[str, ...], paper: Paper, base_url: str | None):
    """A poster, laid out; None for a 两张清单 sheet that does not fit one sheet. ``base_url``
    None: laid out for the longest address and the 测试地址 line (posters_of)."""
    by_kind = {kind: view.of_kind(kind) for kind in kinds}
    if not all(by_kind.values()):
        return None
    rid = view.region.id
    entries = tuple(e for kind in kinds for e in by_kind[kind])
    lists = {e.list.id: e.list for e in entries}.values()
    cited = tuple(t for lst in lists for t in print_citation(lst) if t)
    hotline = hotline_view(view)
    both = len(kinds) > 1
    parts = tuple(
        Section(
            f"{n}、{ANSWER[kind]}的证明（共 {len(by_kind[kind])} 项）" if both else "",
            BOTH_LEAD[kind] if both else lead_text(by_kind[kind], kind),
            inherited_text(view, kind),
            row_texts(by_kind[kind], names_only=both),
        )
        for n, kind in zip("一二", kinds)
    )
    url = poster_url(rid, kinds, paper)
    address = urls.absolute(base_url or SAMPLE_BASE, urls.region(rid))
    longest = max(address, urls.absolute(SAMPLE_BASE, urls.region(rid)), key=len)
    foot = [*cited, f"打印日期：____年__月__日{MADE_SAMPLE}　{DISCLAIMER}", f"网址：{longest}"]
    when = hotline.when
    if kinds == (RETAINED,):  # the number is for units that still demand a not-issued certificate
        when = "以上证明由社区依法出具。" + when.replace("仍要求", "要求")
    body = PosterBody(
        paper, view.region.full_name,
        "社区证明事项两张清单" if both else f"{ANSWER[kinds[0]]}的证明",
        "、".join(LIST_NAME[k] for k in kinds) if both else f"{LIST_NAME[kinds[0]]}，共 {len(entries)} 项",
        "测试地址，请勿张贴：本页的二维码和网址是示例地址。" if urls.is_placeholder(base_url or SAMPLE_BASE) else "",
        cited, hotline, when, href(url, urls.qr(urls.region(rid))), address, QR_CAPTION, DISCLAIMER,
        Link(href(url, urls.region(rid)), f"返回{view.region.name}的清单"), tuple(foot),
    )
    layout = fit_poster(body, parts, must=base_url is not None)
    if layout is None:
        return None
    unit_pt, sheets = layout
    return replace(body, unit=f"u{round(unit_pt * 10)}", sheets=sheets)  # .poster--u<tenths of a point>


def slip_height_pt(body: SlipBody, scale: int) -> float:
    """The slip's content height at a scale (percent), as print.css lays it out."""
    u = A6.unit_pt * scale / 100
    w = A6.inner_width_pt
    gap = SLIP_GAP_K * u

    def para(size: str, text: str, width: float = w, spaced: bool = True) -> float:
        if not text:
            return 0.0
        return block_pt(text, SLIP_K[size] * u, SLIP_LINE[size], width) + (gap if spaced else 0)

    height = para("head", f"{body.region_full_name}　告知单", spaced=False) + para("answer", body.answer)
    height += para("name", body.name, spaced=False) + sum(para(size, text) for size, text in body.paragraphs)
    qr = SLIP_QR_MM * PT_PER_MM
    side = w - qr - SLIP_FOOT_GAP_K * u
    fallback = body.hotline.fallback_note or body.hotline.label
    call = para("text", body.hotline_lead, side, spaced=False) + SLIP_NUMBER_K * u
    call += para("fine", fallback, side)
    foot = max(call, qr) + gap + 1.5  # padding and rule above the footer
    tail = para("fine", "打印日期：____年__月__日" + MADE_SAMPLE) + para("fine", f"扫码或访问：{same_lines(body.qr_url)}")
    return height + gap + foot + tail + SAFETY_K * u


_FACTS = ("purpose", "requested_by", "issued_by", "method")  # a retained row's columns on its slip


def slip_body(view: RegionView, entry: Entry, base_url: str) -> SlipBody:
    """What the item's slip says, at the largest type that fits A6."""
    rid, row, lst, short = view.region.id, entry.row, entry.list, entry.row.short_name
    url, item = urls.slip(rid, entry.certificate.id), urls.item(rid, entry.certificate.id)
    cited = f"《{lst.title}》（{'、'.join(lst.basis)}）。"
    if entry.kind == NOT_ISSUED:
        names = {e.certificate.id: e.row.name for e in view.entries}
        bring = f"办事途径原文列出的证件材料：{'、'.join(row.documents)}。" if row.documents else ""
        offices = f"请到{'、'.join(row.offices)}办理。" if row.offices else ""
        text = [offices, f"注意：{row.limits}" if row.limits else "", bring or "要带什么，以下面的办事途径原文为准。"]
        for exc in row.exceptions:
            see = [names[t] for t in exc.see if t in names]
            text.append(f"例外：{exc.text}" + (f"（见依法出具清单：{'、'.join(see)}）" if see else ""))
        fine = [f"办事途径（原文）：{row.route}" if row.route else "", f"依据：{cited}"]
        answer, lead = "本社区不予出具", "如有单位仍要求您开具此证明，请拨打举报电话："
    else:
        clauses, limits = "".join(row.clauses), "" if row.limits in row.purpose else row.limits
        text = [f"{lst.columns.get(k, _DEFAULT_LABEL[k])}：{getattr(row, k)}" for k in _FACTS if getattr(row, k)]
        bring = "需携带：清单原文没有写明到社区开具此证明需要带什么材料，请先向社区（村）问清楚。"
        text += [f"注意：{limits}" if limits else "", bring]
        fine = [f"依据：{clauses}　清单：{cited}" if clauses else f"依据：{cited}"]
        answer = "本社区依法出具"
        lead = "这项证明由社区依法出具。如有单位要求您到社区开具不予出具清单上的证明，请拨打举报电话："
    paragraphs = tuple(("text", t) for t in text if t) + tuple(("fine", t) for t in fine if t)
    body = SlipBody(
        scale=SLIP_SCALES[-1], region_full_name=view.region.full_name, name=row.name,
        fourup_link=Link(href(url, urls.slip(rid, entry.certificate.id, fourup=True)), "改为一张 A4 纸印 4 份"),
        single_link=Link(href(url, url), "改为 A6 纸印 1 份"),
        qr=href(url, urls.qr(item)), qr_url=urls.absolute(base_url, item), hotline=hotline_view(view),
        back=Link(href(url, item), f"返回“{short}”页面"), answer=answer, paragraphs=paragraphs, hotline_lead=lead,
    )
    # The largest type that fits. Text too long even for the smallest is printed anyway, never
    # cut: the sheet outgrows A6 and `make posters` names it.
    scale = next((k for k in SLIP_SCALES if slip_height_pt(body, k) <= A6.inner_height_pt), SLIP_SCALES[-1])
    return replace(body, scale=scale)


# ------------------------------------------------------------------ PDFs


def pdf_url(page_url: str, way: str = "") -> str:
    """A print page's PDF, beside it: print/<region>/<name>.pdf, a slip's four-up <cert>-a6x4.pdf."""
    stem = page_url.removesuffix(".html")
    return (stem.removesuffix(f"-{A6.key}") + f"-{way}" if way else stem) + ".pdf"


def _cached_pdf(key: str, way: str, context) -> bytes:
    return pdfcache.read(key, way)


def posters_of(view: RegionView) -> list[tuple[tuple[str, ...], Paper]]:
    """(kinds, paper) of each poster a region has: each list it shows in both sizes, and the
    两张清单 sheet where both lists fit one, whatever the site's address."""
    found = [((kind,), paper) for kind in BOTH if view.of_kind(kind) for paper in POSTER_PAPERS]
    found += [(BOTH, paper) for paper in BOTH_PAPERS if poster_body(view, BOTH, paper, None) is not None]
    return found


class RegionPrint:
    """A region's print pages: its posters, a slip for each item and their index. Each body is
    made and keyed once for its page, the index and its PDFs' outputs; the print style and the
    PDF cache's file names are read once. One of these for each Print.region_outputs call (the
    writer makes a region's files together)."""

    def __init__(self, resolved: Resolved, view: RegionView):
        self.resolved, self.view, self.rid = resolved, view, view.region.id
        self.style, self.pdfs, self.found = pdfcache.style_digest(), pdfcache.cached(), posters_of(view)
        self.poster = lru_cache(maxsize=None)(self._poster)  # (kinds, paper)
        self.slips: dict[str, SlipBody] = {}  # by certificate id

    def _keyed(self, body, url: str, template: str):
        """The body with its PDF cache key, and links to the PDFs the cache has of it."""
        key = pdfcache.key_of(template, body, self.style)
        pdfs = tuple(Link(href(url, pdf_url(url, way)), label) for way, label in body.ways
                     if pdfcache.has(key, way, self.pdfs))
        return replace(body, key=key, pdfs=pdfs)

    def _poster(self, kinds: tuple[str, ...], paper: Paper) -> PosterBody:
        body = poster_body(self.view, kinds, paper, self.resolved.content.site["base_url"])
        return self._keyed(body, poster_url(self.rid, kinds, paper), "print/poster.html")

    def slip(self, entry: Entry) -> SlipBody:
        """The item's slip, keyed: made once for its page and its PDFs' outputs."""
        cid = entry.certificate.id
        if cid not in self.slips:
            body = slip_body(self.view, entry, self.resolved.content.site["base_url"])
            self.slips[cid] = self._keyed(body, urls.slip(self.rid, cid), "print/slip.html")
        return self.slips[cid]

    def printed(self, kinds: tuple[str, ...], paper: Paper) -> bool:
        """Whether `make posters` has printed the poster as it is now (no cache: no key made)."""
        return bool(self.pdfs) and bool(self.poster(kinds, paper).pdfs)

    def poster_page(self, url: str, kinds: tuple[str, ...], paper: Paper) -> Page:
        """A poster's print page."""
        body, what, region = self.poster(kinds, paper), poster_name(kinds), self.view.region
        title = f"{region.name}｜{what}｜{paper.label} 海报"
        description = f"{region.full_name}{what}，{paper.label} 纸 {body.pages} 张，张贴在社区公示栏。"
        return make_page(self.resolved, url, "print/poster.html", title, description, body,
                         crumbs=None, noindex=True)

    def slip_page(self, url: str, entry: Entry) -> Page:
        """An item's slip page: it prints one A6 slip, and at #a6x4 four on an A4 sheet."""
        short, region = entry.row.short_name, self.view.region
        description = f"{region.full_name}：{ANSWER[entry.kind]}{short}。打印后递给居民。"
        title = f"{region.name}｜{short}｜告知单（A6，或一张 A4 印 4 份）"
        return make_page(self.resolved, url, "print/slip.html", title, description, self.slip(entry),
                         crumbs=None, noindex=True)

    def index_page(self, url: str) -> Page:
        """The region's print index: its posters (and their PDFs), and each item's slips."""
        rid, view = self.rid, self.view
        posters, pdfs = [], []
        for kinds, paper in self.found:
            what, page_url = f"{poster_name(kinds)}（{paper.label}", poster_url(rid, kinds, paper)
            note = f"{paper.label} 纸 {self.poster(kinds, paper).pages} 张"
            posters.append(Link(href(url, page_url), f"{what} 海报）", note=note))
            if self.printed(kinds, paper):
                pdfs.append(Link(href(url, pdf_url(page_url)), f"下载 PDF：{what}）", note="已生成，可直接打印"))
        slips = []
        for kind in BOTH:
            entries = view.of_kind(kind)
            a6 = [Link(href(url, urls.slip(rid, e.certificate.id)), "A6 一张") for e in entries]
            a6x4 = [Link(href(url, urls.slip(rid, e.certificate.id, True)), "A4 一张印 4 份") for e in entries]
            if entries:
                slips.append((f"{ANSWER[kind]}的证明", tuple(zip([e.row.name for e in entries], a6, a6x4))))
        region = Link(href(url, urls.region(rid)), view.region.name)
        title = f"{view.region.name}｜打印：公示栏海报和告知单"
        description = f"{view.region.full_name}的两张清单海报（A4、A3）和每项证明的告知单（A6）。"
        body = PrintIndexBody(view.region.name, tuple(posters + pdfs), tuple(slips), region)
        crumbs = ((urls.region(rid), view.region.name),)
        return make_page(self.resolved, url, "print/index.html", title, description, body,
                         crumbs=crumbs, noindex=True)


class Print(Feature):
    """Each region's posters, its slips (one an item), their print index and cached PDFs."""

    name = "print"

    def region_outputs(self, resolved: Resolved, view: RegionView) -> list:
        rid, own, made = view.region.id, frozenset({view.region.id}), RegionPrint(resolved, view)
        own_page = partial(page, regions=own, listed=False)  # shows this region only; not in the sitemap
        out = [own_page(poster_url(rid, k, p), made.poster_page, k, p) for k, p in made.found]
        out += [own_page(urls.slip(rid, e.certificate.id), made.slip_page, e) for e in view.entries]
        out.append(own_page(urls.print_index(rid), made.index_page))
        if made.pdfs:  # the cached PDF of each page whose content has one (a changed page: none)
            bodies = [(poster_url(rid, k, p), made.poster(k, p)) for k, p in made.found]
            for url, body in bodies + [(urls.slip(rid, e.certificate.id), made.slip(e)) for e in view.entries]:
                for way, _ in body.ways:
                    if pdfcache.has(body.key, way, made.pdfs):
                        out.append(Output(pdf_url(url, way), partial(_cached_pdf, body.key, way), own))
        return out

    def region_links(self, resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
        rid, made = view.region.id, RegionPrint(resolved, view)
        links, pdfs = [], []
        for kinds, paper in made.found:
            what, url = f"{poster_name(kinds)}（{paper.label}）", poster_url(rid, kinds, paper)
            links.append((url, f"公示栏海报：{what}", f"{paper.label} 纸，张贴用"))
            if made.printed(kinds, paper):  # for a phone
                pdfs.append((pdf_url(url), f"下载海报 PDF：{what}", "已生成，可直接打印"))
        return links + pdfs + [(urls.print_index(rid), "告知单：每项证明一张，可递给居民", "A6 大小，或一张 A4 印 4 份")]

    def item_links(self, entry: Entry) -> list[tuple[str, str, str]]:
        what = "去哪里办、带什么、依据、举报电话" if entry.kind == NOT_ISSUED else "用途、限制、依据"
        return [
            (urls.slip(entry.region.id, entry.certificate.id), "打印告知单（A6 一张）", f"递给居民：{what}"),
            (urls.slip(entry.region.id, entry.certificate.id, True), "打印告知单（A4 一张印 4 份）", "沿虚线剪开"),
        ]


FEATURE = Print()
