"""What each page shows, decided here so templates only display: each ``*_page``
function turns resolved data into a Page whose body is a frozen dataclass with
ready-made links (relative to the page: the site works under any base path and
from file://), texts and CSS modifier classes."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby

from pypinyin import lazy_pinyin

from . import scale, steps, urls
from .model import ANSWER, LEVELS, LIST_NAME, NOT_ISSUED, RETAINED, STATUS_CLASS
from .model import Entry, ListPart, PublishedList, Region, RegionView, Resolved, Row
from .steps import Piece, Step

# The verdict in plain words; the list's own term (ANSWER) is shown beside it.
VERDICT = {NOT_ISSUED: "社区不开这个证明", RETAINED: "社区可以开这个证明"}
SECTION_HEADING = {NOT_ISSUED: "社区不开的证明（不予出具清单）", RETAINED: "社区可以开的证明（保留清单）"}
SHORT_VERDICT = {NOT_ISSUED: "社区不开", RETAINED: "社区可以开"}  # tags in lists
TERM = {NOT_ISSUED: "清单用语：不予出具（社区不开）", RETAINED: "清单用语：依法出具（社区按规定开）"}


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    note: str = ""  # a few words shown after the link
    status: str = ""  # CSS modifier: not-issued / retained
    status_text: str = ""


@dataclass(frozen=True)
class HotlineView:
    number: str
    label: str  # as configured: 12345政务服务便民热线
    name: str  # the label without a leading copy of the number: 政务服务便民热线
    tel: str
    when: str
    fallback_note: str  # non-empty when the documents here give no local number
    region_note: str


@dataclass(frozen=True)
class Page:
    """A page ready to render: every link relative to it, every address made (make_page)."""

    url: str  # relative to the site root, e.g. chongqing/qinshu-guanxi/
    root: str  # prefix from this page back to the site root: "../../"
    home: str  # the link from this page to the home page
    title: str
    description: str
    canonical: str  # this page's public address
    template: str
    share_image_url: str  # the share-card picture's public address (og:image)
    share_image_href: str  # the link from this page to that picture
    breadcrumbs: tuple[Link, ...] = ()
    body: object = None
    pagefind: bool = False  # index this page for search
    jsonld: str = ""  # schema.org JSON-LD, already made safe for a <script> element (sitegen/opendata.py)
    noindex: bool = False  # ask search engines not to index it (print pages); left out of sitemap.xml


@dataclass(frozen=True)
class Footer:
    """Every page's footer, its links relative to the page (sitegen/render.py makes it)."""

    tel: str  # the national hotline's tel: link
    number: str
    hotline_name: str
    search: str
    pages: tuple[Link, ...]  # content/pages/


def footer(site: dict, root: str) -> Footer:
    line = site["national_hotline"]
    pages = tuple(Link(root + p["url"], p["title"]) for p in site["pages"])
    return Footer(f"tel:{line.number}", line.number, line.name, root + urls.search(), pages)


@dataclass(frozen=True)
class Related:
    """A row of the same region linked from this one (exception, see-also, or the way
    back), with a fact quoted from the other row."""

    link: Link
    lead: str  # plain words before the link: 例外： / 这是 …
    after: str  # plain words after it: ，社区可以开 …
    said_label: str
    said: str  # verbatim from the linked row (its purpose) or from the route (the exception)
    asker: str = ""  # the linked retained row's 用证单位, verbatim: who asks for it


@dataclass(frozen=True)
class ItemBody:
    region: Region
    row: Row  # as published: name, short_name, route, clauses, note, former_names shown verbatim
    status: str  # CSS modifier
    answer: str  # 社区不予出具 / 社区依法出具 (the list's term)
    verdict: str  # the same in plain words
    term: str  # the list's term, explained
    covers: str  # the bracketed other names, shown small under the heading
    next_line: tuple[Piece, ...]  # one line of what to do next
    limits: str
    not_issued: bool  # where to go and what to bring; else how the community issues it
    inherited_note: str
    steps: tuple[Step, ...]  # what to do, clause by clause, quoted
    exceptions: tuple[str, ...]  # route exceptions no retained row on this site covers
    related: tuple[Related, ...]  # retained rows this not-issued row points to, or not-issued rows pointing here
    related_heading: str
    retained_facts: tuple[tuple[str, str, str], ...]  # (plain label, column label, value) for retained rows
    note_label: str
    citation: PublishedList
    hotline: HotlineView
    other_names: tuple[str, ...]
    other_regions: tuple[Link, ...]
    compare: Link
    region_link: Link
    search_terms: str  # hidden text for the search index: residents' words
    qr: str  # link to this page's QR code picture
    extra_links: tuple[Link, ...] = ()  # 打印和下载 (each feature's item_links, sitegen/plan.py)


@dataclass(frozen=True)
class LeftOut:
    """Rows of a farther list (the national one) that the region's list does not
    include but that still apply there, shown apart under their own citation."""

    note: str
    rows: tuple[Link, ...]
    citation: PublishedList


@dataclass(frozen=True)
class ListSection:
    heading: str
    status: str
    rows: tuple[Link, ...]
    citation: PublishedList | None  # the list and where it comes from (components/citation.html)
    inherited_note: str
    empty_note: str
    left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True)
class RegionBody:
    region: Region  # its full name and note shown verbatim
    sections: tuple[ListSection, ...]
    hotline: HotlineView
    relatives: tuple[tuple[str, Link], ...]  # (上级 / 下级, the region)
    search: Link
    index_az: Link
    hotline_page: Link
    qr: str  # link to this page's QR code picture
    extra_links: tuple[Link, ...] = ()  # 打印和下载 (each feature's region_links, sitegen/plan.py)


@dataclass(frozen=True)
class CompareRow:
    region: Link
    status: str
    answer: str
    route: str  # route, or purpose for retained rows
    route_label: str  # 办事途径原文 / 用途
    own_name: str  # the region's name for it, when not the certificate's
    differs: bool
    inherited_note: str
    variant: str = "same"  # CSS modifier: same / differs


@dataclass(frozen=True)
class CertificateBody:
    name: str
    other_names: tuple[str, ...]
    rows: tuple[CompareRow, ...]
    differs_note: str


@dataclass(frozen=True)
class HomeBody:
    intro: str
    regions: tuple[Link, ...]
    national_heading: str  # the national list, by its 文号
    national: tuple[Link, ...]
    search_action: str  # the search form's action without JavaScript (the search page's A–Z lists)
    national_hotline: HotlineView
    region_filters: tuple[Link, ...] = ()  # the search form's region menu


@dataclass(frozen=True)
class SearchBody:
    regions: tuple[tuple[Link, tuple[Link, ...]], ...]  # the no-JS list: (region, its A–Z initials)
    region_filters: tuple[Link, ...]
    fallback_note: str


@dataclass(frozen=True)
class IndexBody:
    """The A–Z list of a region's certificates with every other name: the way to
    every page without JavaScript."""

    region_name: str
    groups: tuple[tuple[str, str, tuple[Link, ...]], ...]  # (initial, anchor, links)
    search: Link
    lists: Link  # the region page


@dataclass(frozen=True)
class HotlinePageBody:
    region_name: str
    hotline: HotlineView
    not_issued: tuple[Link, ...]


# ------------------------------------------------------------------ helpers


def href(from_url: str, to_url: str) -> str:
    """The shortest relative link from one page's URL to another's (posixpath.relpath
    for the site's own clean paths, without its abspath calls: a page makes dozens)."""
    path, _, query = to_url.partition("?")
    here = from_url.split("?", 1)[0].split("/")[:-1]  # "a/b/" → a, b; "print/x/y.html" → print, x
    to = path.rstrip("/").split("/") if path.rstrip("/") else []
    same = len(os.path.commonprefix([here, to]))
    rel = "/".join([".."] * (len(here) - same) + to[same:]) or "."
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel + ("?" + query if query else "")


def make_page(resolved: Resolved, url: str, template: str, title: str, description: str, body,
              crumbs: tuple[tuple[str, str], ...] | None = (), root: str | None = None,
              share_image: str = urls.share_image(), **fields) -> Page:
    """The page at ``url``: its breadcrumbs are 首页 and then ``crumbs`` ((site path,
    text) …), or none when ``crumbs`` is None; every link relative to the page.
    ``root``: the way back to the site root, if not from ``url`` (the 404 page)."""
    trail = () if crumbs is None else ((urls.home(), "首页"), *crumbs)
    root = "../" * url.split("?", 1)[0].count("/") if root is None else root
    base = resolved.content.site["base_url"]
    return Page(
        url=url, root=root, home=root or "./", template=template, body=body, **fields,
        title=title, description=description, canonical=urls.absolute(base, url),
        share_image_url=urls.absolute(base, share_image), share_image_href=root + share_image,
        breadcrumbs=tuple(Link(href(url, path), text) for path, text in trail),
    )


def row_link(url: str, entry: Entry, text: str = "", note: str = "", said: dict = SHORT_VERDICT) -> Link:
    """A link from the page at ``url`` to an entry's item page, tagged with its status
    in the words of ``said``."""
    target = href(url, urls.item(entry.region.id, entry.certificate.id))
    return Link(target, text or entry.row.name, note, STATUS_CLASS[entry.kind], said[entry.kind])


def shown_instead(region: Region, kind: str, entry: Entry, shows: str = "这里显示", short: bool = False) -> str:
    """Why a region's page shows another region's list, saying only what the
    documents here establish: a list named but not held, or none here at all.
    ``short``: the named list by its attachment only (a poster's one line)."""
    whose = entry.inherited_from.name if entry.inherited_from else ""
    doc = f"（{entry.list.doc_number or entry.list.title}）"
    elsewhere = region.elsewhere_of(kind)
    if elsewhere and short:
        return f"{region.name}的{kind}清单（{elsewhere.part}）不在本站收录的文件中，{shows}{whose}的清单。"
    if elsewhere:
        return (
            f"{region.name}公布了自己的{LIST_NAME[kind]}《{elsewhere.title}》（{elsewhere.source_title}{elsewhere.part}），"
            f"但本站收录的文件中没有这份附件的内容。{shows}{whose}的清单{doc}。"
        )
    return f"本站收录的文件中没有{region.name}自己的{LIST_NAME[kind]}，{shows}{whose}的清单{doc}。"


def missing_list(region: Region, kind: str) -> str:
    """A region page's section when no list of that kind applies."""
    elsewhere = region.elsewhere_of(kind)
    if elsewhere:
        return f"{region.name}公布了《{elsewhere.title}》（{elsewhere.source_title}{elsewhere.part}），但本站收录的文件中没有它的内容。"
    return f"本站收录的文件中没有{region.name}（或其上级地区）的{LIST_NAME[kind]}。"


def hotline_view(view: RegionView) -> HotlineView:
    line = view.hotline
    fallback = ""
    if view.hotline_is_fallback:
        where = f"{view.region.name}本地的" if view.ancestors else "其他"
        fallback = f"本站收录的文件中没有{where}举报电话号码，所以这里显示全国统一的{line.label}。"
    when = "如有单位仍要求您到社区开具不予出具清单上的证明，可以拨打此电话反映。"
    return HotlineView(line.number, line.label, line.name, f"tel:{line.number}", when, fallback, line.note)


def few_words(entry: Entry) -> str:
    """Where to go in a few words (region lists, posters)."""
    row = entry.row
    if entry.kind == RETAINED:
        return row.purpose
    if row.offices:
        return "、".join(row.offices)
    if row.documents:
        return "凭" + "、".join(row.documents[:3]) + ("等" if len(row.documents) > 3 else "")
    return row.route if len(row.route) <= 40 else row.route[:38] + "…"


def left_out_note(region: Region, nearest: ListPart, part: ListPart) -> str:
    """Says plainly that the nearer list leaves these rows out and the farther
    list still applies (e.g. 湖北省's list without 健在证明, under 民发〔2020〕20号)."""
    nearer = (nearest.inherited_from or region).name
    farther = part.inherited_from.name if part.inherited_from else region.name
    number = f"（{part.list.doc_number or part.list.title}）"
    return (f"{nearer}公布的{LIST_NAME[part.list.kind]}没有收录下面 {len(part.entries)} 项；"
            f"{farther}的清单{number}仍然适用于{region.name}，这些证明按{farther}的清单办理：")


def inherited_note(entry: Entry, view: RegionView) -> str:
    if entry.inherited_from is None:
        return ""
    parts = view.parts(entry.kind)
    if parts and parts[0].list.id != entry.list.id:
        nearer = (parts[0].inherited_from or view.region).name
        number = f"（{entry.list.doc_number or entry.list.title}）"
        return f"{nearer}公布的清单没有收录这一项；{entry.inherited_from.name}的清单{number}仍然适用于{entry.region.name}，这里是它的规定。"
    return shown_instead(entry.region, entry.kind, entry)


def next_words(entry: Entry) -> str:
    """The answer block's next step as plain text (region lists)."""
    if entry.kind == RETAINED:
        return "用途：" + entry.row.purpose
    line = steps.next_line(steps.steps(entry.row, entry.certificate), entry.certificate)
    return "".join(p.text for p in line) if line else few_words(entry)


# Retained rows' columns: (plain words, the list's usual name for the column, shown beside them).
_COLUMNS = {
    "requested_by": ("谁要这个证明", "要求提供证明单位"),
    "issued_by": ("谁开", "开具单位"),
    "category": ("类别", "证明类别"),
    "matters": ("办什么事用", "涉及办事事项名称"),
    "purpose": ("用来做什么", "证明用途"),
    "method": ("怎么开", "证明方式"),
}
_DEFAULT_LABEL = {key: label for key, (_, label) in _COLUMNS.items()}


def related(url: str, view: RegionView, entry: Entry) -> tuple[Related, ...]:
    """Exception pairs both ways within one region: a not-issued row names the
    retained rows that cover its exceptions (and its see-also rows); a
    retained row names every not-issued row that points to it."""
    here = {e.certificate.id: e for e in view.entries}

    def link(e: Entry) -> Link:
        return row_link(url, e, e.row.short_name, said=VERDICT)

    out: list[Related] = []
    if entry.kind == NOT_ISSUED:
        for exc in entry.row.exceptions:
            for e in (here[t] for t in exc.see if t in here):
                out.append(Related(link(e), "例外：", "，社区可以开", "例外原文", exc.text, e.row.requested_by))
        for e in (here[t] for t in entry.row.see_also if t in here):
            purpose = e.list.columns.get("purpose", "证明用途")
            out.append(Related(link(e), "另有：", "，社区可以开", purpose, e.row.purpose, e.row.requested_by))
        return tuple(out)
    for e in view.of_kind(NOT_ISSUED):
        for exc in e.row.exceptions:
            if entry.certificate.id in exc.see:
                out.append(Related(link(e), "这是", "的例外；一般的社区不开", "例外原文", exc.text))
        if entry.certificate.id in e.row.see_also:
            out.append(Related(link(e), "相关：", "，社区不开", "", ""))
    return tuple(out)


def other_names(entry: Entry) -> tuple[str, ...]:
    names = entry.row.covers + entry.certificate.also_called
    return tuple(dict.fromkeys(n for n in names if n != entry.row.short_name))


def _links(url: str, targets) -> tuple[Link, ...]:
    """Links from the page at ``url`` to each (site path, text, note)."""
    return tuple(Link(href(url, path), text, note=note) for path, text, note in targets)


# ------------------------------------------------------------------ pages


def item_page(url: str, resolved: Resolved, view: RegionView, entry: Entry, features=()) -> Page:
    """``features``: those whose item_links the page lists under 打印和下载."""
    from .opendata import item_jsonld  # here, not at the top: opendata imports this module

    region, row, cols = view.region, entry.row, entry.list.columns
    here = {e.certificate.id for e in view.entries}
    not_issued, short, answer, names = entry.kind == NOT_ISSUED, row.short_name, ANSWER[entry.kind], other_names(entry)
    found, facts = (), ()
    if not_issued:
        found = steps.steps(row, entry.certificate)
        next_line = steps.next_line(found, entry.certificate) or (Piece("看下面的办事途径原文。"),)
        desc = f"{region.full_name}社区不予出具{short}。去哪里办：{few_words(entry)}。依据：{'、'.join(entry.list.basis)}。"
    else:
        next_line = steps.retained_next_line(row, cols)
        shown = [(key, plain, label) for key, (plain, label) in _COLUMNS.items() if getattr(row, key)]
        facts = tuple((plain, cols.get(key, label), getattr(row, key)) for key, plain, label in shown)
        desc = f"{region.full_name}社区依法出具{short}，用途：{row.purpose}"
    others = scale.other_entries(resolved, view, entry.certificate.id)  # nearby regions only at national scale
    rest = row.name[len(short):].strip()  # the other names a published name carries in its brackets
    body = ItemBody(
        region=region,
        row=row,
        status=STATUS_CLASS[entry.kind],
        answer=answer,
        verdict=VERDICT[entry.kind],
        term=TERM[entry.kind],
        covers="包括：" + rest[1:-1] if len(rest) > 2 else "",
        next_line=next_line,
        limits=row.limits,
        not_issued=not_issued,
        inherited_note=inherited_note(entry, view),
        steps=found,
        # the exceptions a retained row here covers are in `related`, with their link
        exceptions=tuple(exc.text for exc in row.exceptions if not any(t in here for t in exc.see)),
        related=related(url, view, entry),
        related_heading="例外" if not_issued else "和哪些证明有关",
        retained_facts=facts,
        note_label=cols.get("note", "备注"),
        citation=entry.list,
        hotline=hotline_view(view),
        other_names=names,
        other_regions=tuple(row_link(url, e, e.region.full_name) for e in others if e.region.id != region.id),
        compare=Link(href(url, urls.certificate(entry.certificate.id)), f"{short}：各地对比"),
        region_link=Link(href(url, urls.region(region.id)), f"{region.name}的全部清单"),
        search_terms=" ".join(dict.fromkeys(names + row.former_names + entry.certificate.keywords)),
        qr=href(url, urls.qr(url)),
        extra_links=_links(url, [link for f in features for link in f.item_links(entry)]),
    )
    return make_page(
        resolved, url, "item.html", f"{region.name}｜{short}：{answer}", desc, body, ((urls.region(region.id), region.full_name),),
        pagefind=True, jsonld=item_jsonld(resolved, entry, view), share_image=urls.share_image(region.id),
    )


def _section(url: str, view: RegionView, kind: str) -> ListSection:
    """A region page's list of ``kind``: the nearest list's rows, then any farther
    list's rows that it leaves out."""
    parts = view.parts(kind)
    if not parts:
        return ListSection(SECTION_HEADING[kind], STATUS_CLASS[kind], (), None, "", missing_list(view.region, kind))
    first = parts[0]
    inherited = shown_instead(view.region, kind, first.entries[0]) if first.inherited_from is not None else ""
    empty = "" if first.entries else missing_list(view.region, kind)

    def rows(part: ListPart) -> tuple[Link, ...]:
        return tuple(row_link(url, e, note=next_words(e)) for e in part.entries)

    left_out = tuple(LeftOut(left_out_note(view.region, first, p), rows(p), p.list) for p in parts[1:])
    return ListSection(SECTION_HEADING[kind], STATUS_CLASS[kind], rows(first), first.list, inherited, empty, left_out)


def region_page(url: str, resolved: Resolved, view: RegionView, features=()) -> Page:
    """``features``: those whose region_links the page lists under 打印和下载."""
    region = view.region
    sections = tuple(_section(url, view, kind) for kind in (NOT_ISSUED, RETAINED))
    relatives = [("上级", p) for p in view.ancestors[-1:]] + [("下级", c) for c in view.children]
    body = RegionBody(
        region=region,
        sections=sections,
        hotline=hotline_view(view),
        relatives=tuple((word, Link(href(url, urls.region(r.id)), r.name)) for word, r in relatives),
        search=Link(href(url, urls.search(region.full_name)), f"在{region.name}的清单中搜索"),
        index_az=Link(href(url, urls.index_az(region.id)), "按名称查找（全部证明及其他叫法）"),
        hotline_page=Link(href(url, urls.hotline(region.id)), "举报电话"),
        qr=href(url, urls.qr(url)),
        extra_links=_links(url, [link for f in features for link in f.region_links(resolved, view)]),
    )
    counts = "，".join(f"{s.heading} {len(s.rows)} 项" for s in sections if s.rows)
    title, desc = f"{region.name}｜社区证明事项清单", f"{region.full_name}：{counts}。哪些证明社区不再开、去哪里办、举报电话。"
    return make_page(resolved, url, "region.html", title, desc, body, share_image=urls.share_image(region.id))


def certificate_page(url: str, resolved: Resolved, cert_id: str) -> Page:
    entries = resolved.by_certificate[cert_id]
    cert = entries[0].certificate

    def key(e: Entry) -> tuple[str, str]:  # a region "differs" when its status or route is not what most say
        return (e.kind, e.row.route or e.row.purpose)

    counts = Counter(key(e) for e in entries)
    common = max(counts, key=counts.get)
    rows = tuple(
        CompareRow(
            region=Link(href(url, urls.item(e.region.id, cert_id)), e.region.full_name),
            status=STATUS_CLASS[e.kind],
            answer=VERDICT[e.kind],
            route=e.row.route or e.row.purpose,
            route_label="办事途径（原文）" if e.row.route else "用途（原文）",
            own_name=e.row.name if e.row.name != cert.name else "",
            differs=key(e) != common,
            inherited_note=f"显示{e.inherited_from.name}的清单" if e.inherited_from else "",
            variant="differs" if key(e) != common else "same",
        )
        for e in entries
    )
    if len({e.kind for e in entries}) > 1:
        differs = "各地规定不同：有的地区社区可以开（依法出具），有的地区社区不开（不予出具）。标“不同”的地区与多数地区不一样。"
    elif len(counts) > 1:
        differs = "各地都是同一结论，但办事途径的文字有差别；标“不同”的地区与多数地区不一样。"
    else:
        differs = "各地规定相同。"
    names = tuple(dict.fromkeys(n for e in entries for n in other_names(e)))
    body = CertificateBody(cert.name, names, rows, differs)
    desc = f"{cert.name}在各地是否由社区出具、去哪里办，逐地对比。{differs}"
    return make_page(resolved, url, "certificate.html", f"{cert.name}：各地对比", desc, body)


INTRO = (
    "2020年起，民政部等六部门（民发〔2020〕20号）规定：居委会、村委会只出具有法律法规依据的证明。"
    "各地据此公布两张清单：一张“不予出具”清单，写明这些证明社区不再开、应当去哪里办；"
    "一张“保留（依法出具）”清单，写明社区仍然开哪些证明、给谁用、依据是什么。"
    "本站按各地公布的原文整理这两张清单。如果有单位要求您到社区开具不予出具清单上的证明，可以拨打举报电话反映。"
)


def home_page(url: str, resolved: Resolved) -> Page:
    site, national = resolved.content.site, resolved.views[0]
    lists = [p.list for p in national.parts(NOT_ISSUED)]
    number = f"（{lists[0].doc_number or lists[0].title}）" if lists else ""
    body = HomeBody(
        intro=INTRO,
        regions=tuple(Link(href(url, urls.region(v.region.id)), v.region.full_name) for v in resolved.views),
        national_heading=f"全国不予出具清单{number}",
        national=tuple(row_link(url, e, note=next_words(e)) for e in national.entries),
        search_action=href(url, urls.search()) + "#fallback",
        national_hotline=hotline_view(national),
        region_filters=region_filters(resolved, url),
    )
    return make_page(resolved, url, "home.html", site["title"], site.get("description", ""), body, crumbs=None)


def _menu(resolved: Resolved, url: str) -> list[tuple[RegionView, Link]]:
    """The regions a search form's menu lists, each linked to where the form answers
    without JavaScript: every region to its A–Z index on a small site; at national scale
    only the country and the provinces, to their region pages."""
    if not scale.nearby_only(resolved):
        return [(v, Link(href(url, urls.index_az(v.region.id)), v.region.full_name)) for v in resolved.views]
    shown = [v for v in resolved.views if LEVELS.index(v.region.level) <= 1]
    return [(v, Link(href(url, urls.region(v.region.id)), v.region.full_name)) for v in shown]


def region_filters(resolved: Resolved, url: str) -> tuple[Link, ...]:
    """A search form's menu (_menu), each A–Z index opened at its initials."""
    at = "" if scale.nearby_only(resolved) else "#az"
    return tuple(replace(link, href=link.href + at) for _, link in _menu(resolved, url))


def search_page(url: str, resolved: Resolved) -> Page:
    """The search page and its no-JS list (_menu): at national scale (a 650 KB page) a
    county is chosen by typing it, by ?region= (search.js adds it to the menu) or
    without JS through its province."""
    menu = _menu(resolved, url)
    if scale.nearby_only(resolved):
        note = "不用搜索也能找到：选择省（区、市），再选市、县，在地区页面按名称的拼音首字母找到证明。也可以在搜索框里输入地名，例如“渝北 无房证明”。"
        regions = tuple((link, ()) for _, link in menu)
    else:
        note = "不用搜索也能找到：选择地区，按名称的拼音首字母找到证明（也列出常见的其他叫法）。"
        regions = tuple((link, tuple(Link(f"{link.href}#{anchor}", key) for key, anchor, _ in az_groups(v)))
                        for v, link in menu)
    body = SearchBody(regions, region_filters(resolved, url), note)
    desc = "输入窗口让您开的证明名称，例如 无房证明、单身证明、户口证明。"
    return make_page(resolved, url, "search.html", f"搜索证明｜{resolved.content.site['title']}", desc, body)


def index_page(url: str, resolved: Resolved, view: RegionView) -> Page:
    region = view.region
    body = IndexBody(
        region.name,
        az_groups(view),
        Link(href(url, urls.search(region.full_name)), "搜索证明"),
        Link(href(url, urls.region(region.id)), "按清单查看（不予出具、依法出具）"),
    )
    title, desc = f"{region.name}｜按名称查找证明", f"{region.full_name}全部证明及其他叫法，按名称拼音首字母排列。"
    return make_page(resolved, url, "index_az.html", title, desc, body, ((urls.region(region.id), region.name),))


def az_groups(view: RegionView) -> tuple[tuple[str, str, tuple[Link, ...]], ...]:
    """A region's names by pinyin initial: (initial, its anchor on the A–Z page, links
    relative to that page). The search page's no-JS fallback links to each anchor."""
    url = urls.index_az(view.region.id)
    names: list[tuple[str, Link]] = []
    for e in view.entries:
        names.append((e.row.name, row_link(url, e)))
        for other in dict.fromkeys(other_names(e) + e.row.former_names):
            names.append((other, row_link(url, e, other, note=f"见 {e.row.short_name}")))
    names.sort(key=lambda pair: (_reading(pair[0])[0] == "#", _reading(pair[0]), pair[0]))
    groups = groupby(names, key=lambda pair: _reading(pair[0])[0])
    return tuple((k, "az-" + (k if k != "#" else "other"), tuple(link for _, link in group)) for k, group in groups)


@lru_cache(maxsize=65536)  # every region's index sorts mostly the same names
def _reading(name: str) -> tuple[str, tuple[str, ...]]:
    """A name's A–Z letter ("#" when it starts with neither a letter nor a Chinese
    character) and its pinyin, for sorting: pypinyin reads by phrase (重庆 chóng)."""
    syllables = tuple(lazy_pinyin(name.lstrip("《(（“"), errors=lambda text: list(text)))
    first = syllables[0][:1] if syllables else ""
    return (first.upper() if first.isascii() and first.isalpha() else "#"), syllables


def hotline_page(url: str, resolved: Resolved, view: RegionView) -> Page:
    region = view.region
    body = HotlinePageBody(region.name, hotline_view(view), tuple(row_link(url, e) for e in view.of_kind(NOT_ISSUED)))
    title = f"{region.name}｜举报电话：被要求开不该开的证明"
    desc = f"{region.full_name}：有单位要求您到社区开具不予出具的证明时，打这个电话。"
    return make_page(resolved, url, "hotline.html", title, desc, body, ((urls.region(region.id), region.name),))
