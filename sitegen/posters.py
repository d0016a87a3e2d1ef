"""Notice-board posters and hand-out slips (告知单): HTML print pages under print/.

Every document in our sources orders the two lists posted in the community's
notice board. For each region and each list it shows (its own, or the one it
inherits — the poster then says whose list it is) this writes an A4 and an A3
portrait poster; for each certificate × region a slip page that prints as
one A6 slip, or (at ``#a6x4``) as an A4 sheet with four copies of it to cut
apart. ``sitegen.pdf`` (``make posters``) prints these pages to PDF with
headless Chromium, the slip page both ways.

Page splits are decided here, in Python, never by the browser's luck: every
row's height is worked out from its text — lines filled character by
character (CJK 1 em wide, anything else at most 0.6 em) and broken only where
Chromium may break them — with the sizes print.css uses (the ``*_K`` factors
below mirror it); rows are packed in order into two columns per sheet, and
the columns balanced. Each sheet is a box one paper tall; ``sitegen.pdf``
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
from dataclasses import dataclass
from functools import lru_cache

from . import extras, urls
from .model import ANSWER, LIST_NAME, NOT_ISSUED, RETAINED, Entry, PublishedList, RegionView, Resolved
from .pages import _DEFAULT_LABEL, HotlineView, Link, Page, few_words, hotline_view, href, root_of

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
    unit_pt: float  # body text size, print.css --u

    @property
    def inner_width_pt(self) -> float:
        return (self.width_mm - 2 * self.pad_mm) * PT_PER_MM

    @property
    def inner_height_pt(self) -> float:
        return (self.height_mm - 2 * self.pad_mm) * PT_PER_MM


# A4 body text 12 pt: readable at arm's length. A3 is read from about a metre:
# its 15 pt text (16.5 pt names) is 5.3 mm tall, about 18 arcminutes at 1 m —
# the size 12 pt text has at 80 cm — and 重庆's 30 rows still fit one sheet.
A4 = Paper("a4", "A4", 210, 297, 10, 12)
A3 = Paper("a3", "A3", 297, 420, 12, 15)
A6 = Paper("a6", "A6", 105, 148, 6, 11)
A6X4 = Paper("a6x4", "A4", 210, 297, 0, 11)  # four A6 slips on one A4 sheet: the A6 slip page at #a6x4 (slip_url)
POSTER_PAPERS = (A4, A3)

# ---- sizes in units of --u, as print.css sets them (keep the two in step) ----
TEXT_LINE = 1.4  # line-height of running text
HEAD_LINE = 1.3  # line-height of the header lines
HEAD_K = {"region": 1.3, "title": 2.2, "sub": 1.0, "caption": 0.85}
HEAD_RULE_K, HEAD_RULE_PT = 0.6, 1.5  # padding and margin under the header; its rule
QR_MM = {"a4": 26, "a3": 36}
NOTE_BOX_K, NOTE_BOX_PT = 1.0, 2.0  # note: padding and margin; borders
ROW_NAME_K, ROW_WHERE_K = 1.1, 1.0
ROW_LINE_K = 1.4  # a row's line box (line-height), in u
ROW_PAD_K, ROW_RULE_PT = 0.35, 0.75  # padding and margin under a row; its dotted rule
ROW_NO_K = 1.9  # the hanging row number
COL_GAP_K = 1.5
HOTLINE_BOX_K, HOTLINE_BOX_PT = 1.6, 4.0  # margin above and padding (.6 + .5 + .5); borders
HOTLINE_LABEL_K, HOTLINE_NUMBER_K = 1.2, 3.0  # 举报电话 over the number (line-heights 1.3, 1.1)
HOTLINE_GAP_K = 1.0  # between the number and the text beside it
FOOT_K = 0.3  # margin above the citation lines
SMALL_K = 0.85  # the footer's fine print: citation, print date, address
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
    extra: str  # exceptions, or the limit of a retained row
    height_pt: float


@dataclass(frozen=True)
class Sheet:
    number: int
    of: int
    continued: bool
    columns: tuple[tuple[PosterRow, ...], ...]


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
    region_name: str
    region_full_name: str
    heading: str  # 社区不予出具的证明
    list_name: str
    count: int
    inherited_note: str
    citations: tuple[PrintCitation, ...]
    hotline: HotlineView
    qr: str  # link to the region page's QR code file (sitegen/wechat.py writes it)
    qr_url: str
    qr_caption: str
    disclaimer: str
    sheets: tuple[Sheet, ...]
    back: Link

    @property
    def pages(self) -> int:
        return len(self.sheets)


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
    bring: str  # 需携带… or what the list does not say
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


@dataclass(frozen=True)
class PrintIndexBody:
    region_name: str
    posters: tuple[Link, ...]
    slips: tuple[tuple[str, tuple[tuple[str, Link, Link], ...]], ...]  # (heading, ((name, a6, a6x4), …))
    back: Link


# ------------------------------------------------------------------ urls


def poster_url(region_id: str, kind: str, paper: Paper) -> str:
    return urls.poster(region_id, KIND_SLUG[kind], paper.key)


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
    whose = "、".join(sources)
    if all(e.inherited_from is not None for e in entries):
        return f"{view.region.name}没有发布自己的这份清单，本海报印的是{whose}的清单，同样适用于{view.region.name}。"
    return f"标“*”的项目是{view.region.name}沿用{whose}清单的项目。"


def row_extra(entry: Entry) -> str:
    if entry.kind == RETAINED:
        limits = entry.row.limits
        return limits if limits and limits not in entry.row.purpose else ""
    return "；".join(exc.text for exc in entry.row.exceptions)


# ------------------------------------------------------------------ posters


def poster_rows(entries: tuple[Entry, ...], paper: Paper) -> tuple[PosterRow, ...]:
    u = paper.unit_pt
    width = (paper.inner_width_pt - COL_GAP_K * u) / 2 - ROW_NO_K * u
    one_list = len({e.list.id for e in entries}) == 1
    mixed = any(e.inherited_from for e in entries) and not all(e.inherited_from for e in entries)
    rows = []
    for i, e in enumerate(entries, 1):
        name = e.row.name + ("*" if mixed and e.inherited_from else "")
        where, extra = few_words(e), row_extra(e)
        segments = ((name + "：", ROW_NAME_K * u), (where, ROW_WHERE_K * u), ((f"（{extra}）" if extra else ""), ROW_WHERE_K * u))
        height = line_count(segments, width) * ROW_LINE_K * u + ROW_PAD_K * u + 0.75
        rows.append(PosterRow(e.row.number if one_list else i, name, where, extra, height))
    return tuple(rows)


def _greedy(heights: list[float], limit: float) -> list[int]:
    """Column break points packing rows in order into columns of ``limit``."""
    cuts, used = [0], 0.0
    for i, h in enumerate(heights):
        if used + h > limit and used > 0:
            cuts.append(i)
            used = 0.0
        used += h
    return cuts + [len(heights)]


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
    lo, hi = max(heights), capacity_pt
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if len(_greedy(heights, mid)) - 1 <= columns:
            hi = mid
        else:
            lo = mid
    cuts = _greedy(heights, hi)
    cols = [tuple(rows[a:b]) for a, b in zip(cuts, cuts[1:])]
    cols += [()] * (columns - len(cols))
    return [cols[i : i + 2] for i in range(0, columns, 2)]


def poster_overhead(paper: Paper, texts: dict) -> dict[str, float]:
    """Heights (pt) of what every sheet prints besides the rows, as print.css
    lays them out: header, inherited-list note, hotline box, footer."""
    u, w = paper.unit_pt, paper.inner_width_pt
    qr = QR_MM[paper.key] * PT_PER_MM

    def head(key: str, text: str, width: float) -> float:
        return block_pt(text, HEAD_K[key] * u, HEAD_LINE, width)

    title_w = w - qr - u
    titles = head("region", texts["region"], title_w) + head("title", texts["heading"], title_w) + head("sub", texts["sub"], title_w)
    parts = {"head": max(titles, qr + head("caption", texts["qr_caption"], qr)) + HEAD_RULE_K * u + HEAD_RULE_PT}
    parts["note"] = 0.0
    if texts["note"]:
        parts["note"] = block_pt(texts["note"], u, TEXT_LINE, w - u - NOTE_BOX_PT) + NOTE_BOX_K * u + NOTE_BOX_PT
    call_w = max(text_width_pt((("举报电话", HOTLINE_LABEL_K * u),)), text_width_pt(((texts["number"], HOTLINE_NUMBER_K * u * 1.04),)))
    call = HOTLINE_LABEL_K * u * 1.3 + HOTLINE_NUMBER_K * u * 1.1
    text_w = w - 1.2 * u - HOTLINE_BOX_PT - call_w - HOTLINE_GAP_K * u
    side = sum(block_pt(t, u, TEXT_LINE, text_w) for t in (texts["when"], texts["fallback"]))
    parts["hotline"] = max(call, side) + HOTLINE_BOX_K * u + HOTLINE_BOX_PT
    parts["foot"] = FOOT_K * u + sum(block_pt(t, SMALL_K * u, TEXT_LINE, w) for t in texts["foot"])
    return parts


@dataclass(frozen=True)
class PosterLayout:
    entries: tuple[Entry, ...]
    citations: tuple[PrintCitation, ...]
    hotline: HotlineView
    heading: str
    note: str
    sheets: tuple[Sheet, ...]
    overhead: dict  # heights besides the rows (poster_overhead), for checking the estimate


_recent_layouts: dict[tuple, tuple[RegionView, PosterLayout]] = {}


def poster_layout(view: RegionView, kind: str, paper: Paper, base_url: str) -> PosterLayout:
    """What a poster prints and how its rows split into sheets and columns.
    Worked out once for a region's poster page and its print index (which
    gives the number of sheets): the few last ones are remembered, by the
    very view object they were made from."""
    key = (id(view), kind, paper.key, base_url)
    hit = _recent_layouts.get(key)
    if hit is not None and hit[0] is view:
        return hit[1]
    if len(_recent_layouts) >= 16:
        _recent_layouts.clear()
    layout = _poster_layout(view, kind, paper, base_url)
    _recent_layouts[key] = (view, layout)
    return layout


def _poster_layout(view: RegionView, kind: str, paper: Paper, base_url: str) -> PosterLayout:
    entries = view.of_kind(kind)
    lists = {e.list.id: e.list for e in entries}  # in order of first use
    citations = tuple(print_citation(lst) for lst in lists.values())
    hotline = hotline_view(view)
    heading = f"{ANSWER[kind]}的证明"
    note = inherited_text(view, entries, kind)
    texts = {
        "region": view.region.full_name,
        "heading": heading + "（续）",
        "sub": f"{LIST_NAME[kind]}，共 {len(entries)} 项（第 99 张，共 99 张）",
        "qr_caption": QR_CAPTION,
        "number": hotline.number,
        "note": note,
        "when": hotline.when,
        "fallback": hotline.fallback_note or hotline.label,
        "foot": [t for c in citations for t in cite_lines(c) if t]
        + [f"打印日期：____年__月__日{MADE_SAMPLE}　{DISCLAIMER}", f"网址：{urls.absolute(base_url, urls.region(view.region.id))}"],
    }
    overhead = poster_overhead(paper, texts)
    capacity = paper.inner_height_pt - sum(overhead.values()) - SAFETY_K * paper.unit_pt
    capacity = max(capacity, paper.inner_height_pt / 4)  # absurdly long headers: overflow, reported by sitegen.pdf
    plan = plan_sheets(poster_rows(entries, paper), capacity)
    sheets = tuple(Sheet(i, len(plan), i > 1, tuple(cols)) for i, cols in enumerate(plan, 1))
    return PosterLayout(entries, citations, hotline, heading, note, sheets, overhead)


def cite_lines(c: PrintCitation) -> tuple[str, str, str]:
    """The citation as the poster prints it (print/poster.html), line by line."""
    return (f"清单：《{c.list_title}》　{c.issued}", f"载于：{c.carried_in}　依据：{c.basis}", c.note)


def poster_page(resolved: Resolved, view: RegionView, kind: str, paper: Paper) -> Page:
    url = poster_url(view.region.id, kind, paper)
    base = resolved.content.site["base_url"]
    qr_target = urls.absolute(base, urls.region(view.region.id))
    layout = poster_layout(view, kind, paper, base)
    body = PosterBody(
        paper=paper,
        region_name=view.region.name,
        region_full_name=view.region.full_name,
        heading=layout.heading,
        list_name=LIST_NAME[kind],
        count=len(layout.entries),
        inherited_note=layout.note,
        citations=layout.citations,
        hotline=layout.hotline,
        qr=href(url, urls.qr(urls.region(view.region.id))),
        qr_url=qr_target,
        qr_caption=QR_CAPTION,
        disclaimer=DISCLAIMER,
        sheets=layout.sheets,
        back=Link(href(url, urls.region(view.region.id)), f"返回{view.region.name}的清单"),
    )
    title = f"{view.region.name}｜{LIST_NAME[kind]}｜{paper.label} 海报"
    description = f"{view.region.full_name}{LIST_NAME[kind]}，{paper.label} 纸 {len(layout.sheets)} 张，张贴在社区公示栏。"
    return print_page(resolved, url, title, description, "print/poster.html", body)


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
            texts["bring"] = ("需携带：" if row.offices else "可凭以下证件材料证明：") + "、".join(row.documents) + "。"
        else:
            texts["bring"] = "需携带：办事途径原文没有列出需要带的证件材料。"
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
        texts["hotline_lead"] = "如有单位要求您到社区开具不予出具清单上的证明，请拨打举报电话："
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
    return [print_page(resolved, url, title, description, "print/slip.html", body)]


def print_page(resolved: Resolved, url: str, title: str, description: str, template: str, body, breadcrumbs: tuple[Link, ...] = ()) -> Page:
    return Page(url=url, root=root_of(url), title=title, description=description, base_url=resolved.content.site["base_url"], template=template, body=body, breadcrumbs=breadcrumbs, noindex=True)


# ------------------------------------------------------------------ index and links


def posters_of(view: RegionView) -> list[tuple[str, Paper]]:
    """(kind, paper) of each poster a region has: one per list it shows and size."""
    return [(kind, paper) for kind in (NOT_ISSUED, RETAINED) if view.of_kind(kind) for paper in POSTER_PAPERS]


def index_page(resolved: Resolved, view: RegionView) -> Page:
    url = index_url(view.region.id)
    base = resolved.content.site["base_url"]
    posters = tuple(
        Link(
            href(url, poster_url(view.region.id, kind, paper)),
            f"{LIST_NAME[kind]}（{paper.label} 海报）",
            note=f"{paper.label} 纸 {len(poster_layout(view, kind, paper, base).sheets)} 张",
        )
        for kind, paper in posters_of(view)
    )
    slips = []
    for kind in (NOT_ISSUED, RETAINED):
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


def print_pages(resolved: Resolved) -> list[Page]:
    pages = []
    for view in resolved.views:
        for kind in (NOT_ISSUED, RETAINED):
            if view.of_kind(kind):
                pages.extend(poster_page(resolved, view, kind, paper) for paper in POSTER_PAPERS)
        for entry in view.entries:
            pages.extend(slip_pages(resolved, view, entry))
        pages.append(index_page(resolved, view))
    return pages


def region_links(view: RegionView) -> list[tuple[str, str, str]]:
    links = [(poster_url(view.region.id, kind, paper), f"公示栏海报：{LIST_NAME[kind]}（{paper.label}）", f"{paper.label} 纸，张贴用") for kind, paper in posters_of(view)]
    links.append((index_url(view.region.id), "告知单：每项证明一张，可递给居民", "A6 大小，或一张 A4 印 4 份"))
    return links


def item_links(entry: Entry) -> list[tuple[str, str, str]]:
    what = "去哪里办、带什么、依据、举报电话" if entry.kind == NOT_ISSUED else "用途、限制、依据"
    return [
        (slip_url(entry.region.id, entry.certificate.id, A6), "打印告知单（A6 一张）", f"递给居民：{what}"),
        (slip_url(entry.region.id, entry.certificate.id, A6X4), "打印告知单（A4 一张印 4 份）", "沿虚线剪开"),
    ]


# print_pages reads only the regions it is given (and site settings): the
# parallel render (sitegen/parallel.py) may hand it a share of them at a time.
_by_region = getattr(extras, "by_region", lambda f: f)
extras.PAGE_SOURCES.append(_by_region(print_pages))
extras.REGION_LINKS.append(region_links)
extras.ITEM_LINKS.append(item_links)
