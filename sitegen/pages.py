"""What each page shows, decided here so templates only display.

Each ``*_page`` function turns resolved data into a typed context: plain
dataclasses with ready-made links (relative to the page, so the site works
under any base path and from file://), texts and CSS modifier classes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from . import scale, steps, urls
from .model import ANSWER, LEVELS, LIST_NAME, NOT_ISSUED, RETAINED, STATUS_CLASS, Entry, Hotline, ListPart, PublishedList, Region, RegionView, Resolved
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
class Citation:
    """Where a list comes from, as a resident would show it to a clerk. The
    source is the document this site's text was taken from (for the national
    list a province's copy, named as such: source_label says so)."""

    list_title: str
    issuer: str
    doc_number: str
    date: str
    basis: tuple[str, ...]
    source_title: str
    source_issuer: str
    source_doc_number: str
    source_date: str
    source_part: str
    source_note: str
    source_url: str = ""  # the document's web address, when the list records one
    source_label: str = "本站文本取自"


@dataclass(frozen=True)
class HotlineView:
    number: str
    label: str  # as configured: 12345政务服务便民热线
    name: str  # the label without a leading copy of the number: 政务服务便民热线
    tel: str
    when: str
    fallback_note: str  # non-empty when the documents here give no local number
    region_note: str
    heading: str = "举报电话"  # "" in an item page's answer block
    variant: str = "section"  # CSS modifier: section / answer


@dataclass(frozen=True)
class Page:
    url: str  # relative to the site root, e.g. chongqing/qinshu-guanxi/
    root: str  # prefix from this page back to the site root: "../../"
    title: str
    description: str
    base_url: str  # content/site.yaml's: where the site is published
    template: str
    breadcrumbs: tuple[Link, ...] = ()
    body: object = None
    pagefind: bool = False  # index this page for search
    share_image: str = urls.share_image()  # site path of the share-card picture
    jsonld: str = ""  # schema.org JSON-LD, already made safe for a <script> element (sitegen/opendata.py)
    noindex: bool = False  # ask search engines not to index it (print pages); left out of sitemap.xml

    @property
    def home(self) -> str:
        """The link from this page to the home page."""
        return self.root or "./"

    @property
    def canonical(self) -> str:
        """This page's public address."""
        return urls.absolute(self.base_url, self.url)

    @property
    def share_image_url(self) -> str:
        """The share-card picture's public address (og:image)."""
        return urls.absolute(self.base_url, self.share_image)

    @property
    def share_image_href(self) -> str:
        """The link from this page to its share-card picture."""
        return self.root + self.share_image


@dataclass(frozen=True)
class Related:
    """A row of the same region linked from this one (exception, see-also,
    or the way back), with a fact quoted from the other row."""

    link: Link
    lead: str  # plain words before the link: 例外： / 这是 …
    after: str  # plain words after it: ，社区可以开 …
    said_label: str
    said: str  # verbatim from the linked row (its purpose) or from the route (the exception)
    asker: str = ""  # the linked retained row's 用证单位, verbatim: who asks for it


@dataclass(frozen=True)
class ItemBody:
    region_name: str
    region_full_name: str
    name: str  # as published
    short_name: str
    status: str  # CSS modifier
    answer: str  # 社区不予出具 / 社区依法出具 (the list's term)
    verdict: str  # the same in plain words
    term: str  # the list's term, explained
    covers: str  # the bracketed other names, shown small under the heading
    next_line: tuple[Piece, ...]  # one line of what to do next
    limits: str
    not_issued: bool  # where to go and what to bring; else how the community issues it
    inherited_note: str
    offices: tuple[str, ...]
    route: str
    documents: tuple[str, ...]
    steps: tuple[Step, ...]  # what to do, clause by clause, quoted
    exceptions: tuple[str, ...]  # route exceptions no retained row on this site covers
    related: tuple[Related, ...]  # retained rows this not-issued row points to, or not-issued rows pointing here
    related_heading: str
    call: HotlineView  # the tap-to-call line of the answer block
    retained_facts: tuple[tuple[str, str, str], ...]  # (plain label, column label, value) for retained rows
    call_note: str  # beside the tap-to-call number in the answer block
    clauses: tuple[str, ...]
    note: str
    note_label: str
    citation: Citation
    hotline: HotlineView
    other_names: tuple[str, ...]
    former_names: tuple[str, ...]
    other_regions: tuple[Link, ...]
    compare: Link
    region_link: Link
    search_terms: str  # hidden text for the search index: residents' words
    qr: str  # link to this page's QR code picture
    extra_links: tuple[Link, ...] = ()  # 打印和下载 (each feature's item_links, sitegen/features.py)


@dataclass(frozen=True)
class LeftOut:
    """Rows of a farther list (the national one) that the region's list does
    not include but that still apply there, shown apart under their own citation."""

    note: str
    rows: tuple[Link, ...]
    citation: Citation


@dataclass(frozen=True)
class ListSection:
    kind: str
    heading: str
    status: str
    rows: tuple[Link, ...]
    citation: Citation | None
    inherited_note: str
    empty_note: str
    left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True)
class RegionBody:
    name: str
    full_name: str
    note: str
    inherits_note: str
    sections: tuple[ListSection, ...]
    hotline: HotlineView
    call: HotlineView  # the compact tap-to-call line near the top
    parent: Link | None
    children: tuple[Link, ...]
    search: Link
    index_az: Link
    hotline_page: Link
    qr: str  # link to this page's QR code picture
    extra_links: tuple[Link, ...] = ()  # 打印和下载 (each feature's region_links, sitegen/features.py)


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
    national: tuple[Link, ...]
    search: Link
    national_hotline: HotlineView
    region_filters: tuple[tuple[str, str], ...] = ()  # (id, full_name): the search form's region menu


@dataclass(frozen=True)
class SearchBody:
    regions: tuple[Link, ...]  # region full names → A–Z index (region page on a big site), for the no-JS fallback
    region_filters: tuple[tuple[str, str], ...]  # (id, full_name)
    fallback_note: str
    letters: tuple[tuple[Link, ...], ...] = ()  # per region (as ``regions``): its A–Z index at each initial


@dataclass(frozen=True)
class IndexBody:
    """The A–Z list of a region's certificates with every other name: the way
    to every page without JavaScript."""

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


def root_of(url: str) -> str:
    return "../" * url.split("?", 1)[0].count("/")


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for the site's own clean relative paths ("" is the
    root), without its abspath calls: a page makes dozens of links."""
    to = path.split("/") if path else []
    here = start.split("/") if start else []
    same = 0
    for a, b in zip(to, here):
        if a != b:
            break
        same += 1
    return "/".join([".."] * (len(here) - same) + to[same:]) or "."


def href(from_url: str, to_url: str) -> str:
    """The shortest relative link from one page's URL to another's."""
    path, _, query = to_url.partition("?")
    here = from_url.split("?", 1)[0]
    here = here[: here.rfind("/")] if "/" in here else ""  # a page's folder: "a/b/" → "a/b", "print/x/y.html" → "print/x"
    rel = _relpath(path.rstrip("/"), here)
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel + ("?" + query if query else "")


def citation(lst: PublishedList) -> Citation:
    s = lst.source
    return Citation(lst.title, lst.issuer, lst.doc_number, lst.date, lst.basis, s.title, s.issuer, s.doc_number, s.date, s.part, s.note, s.url)


def shown_instead(region: Region, kind: str, entry: Entry, shows: str = "这里显示", short: bool = False) -> str:
    """Why a region's page shows another region's list, saying only what the
    documents here establish: a list named but not held, or none here at all.
    ``short``: the named list by its attachment only (a poster's one line)."""
    whose = entry.inherited_from.name if entry.inherited_from else ""
    doc = f"（{entry.list.doc_number}）" if entry.list.doc_number else f"（{entry.list.title}）"
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
    line: Hotline = view.hotline
    fallback = ""
    if view.hotline_is_fallback:
        where = f"{view.region.name}本地的" if view.ancestors else "其他"
        fallback = f"本站收录的文件中没有{where}举报电话号码，所以这里显示全国统一的{line.label}。"
    return HotlineView(
        number=line.number,
        label=line.label,
        name=line.name,
        tel=f"tel:{line.number}",
        when="如有单位仍要求您到社区开具不予出具清单上的证明，可以拨打此电话反映。",
        fallback_note=fallback,
        region_note=line.note,
    )


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
    number = f"（{part.list.doc_number}）" if part.list.doc_number else f"（{part.list.title}）"
    return (f"{nearer}公布的{LIST_NAME[part.list.kind]}没有收录下面 {len(part.entries)} 项；"
            f"{farther}的清单{number}仍然适用于{region.name}，这些证明按{farther}的清单办理：")


def inherited_note(entry: Entry, view: RegionView | None = None) -> str:
    if entry.inherited_from is None:
        return ""
    parts = view.parts(entry.kind) if view is not None else ()
    if parts and parts[0].list.id != entry.list.id:
        nearer = (parts[0].inherited_from or view.region).name
        number = f"（{entry.list.doc_number}）" if entry.list.doc_number else f"（{entry.list.title}）"
        return f"{nearer}公布的清单没有收录这一项；{entry.inherited_from.name}的清单{number}仍然适用于{entry.region.name}，这里是它的规定。"
    return shown_instead(entry.region, entry.kind, entry)


def next_words(entry: Entry) -> str:
    """The answer block's next step as plain text (region lists)."""
    if entry.kind == RETAINED:
        return "用途：" + entry.row.purpose
    line = steps.next_line(steps.steps(entry.row, entry.certificate), entry.certificate)
    return "".join(p.text for p in line) if line else few_words(entry)


# Retained rows' columns in plain words; the list's own column name is shown beside.
_PLAIN_LABEL = {
    "requested_by": "谁要这个证明",
    "issued_by": "谁开",
    "category": "类别",
    "matters": "办什么事用",
    "purpose": "用来做什么",
    "method": "怎么开",
}


def related(url: str, view: RegionView, entry: Entry) -> tuple[Related, ...]:
    """Exception pairs both ways within one region: a not-issued row names the
    retained rows that cover its exceptions (and its see-also rows); a
    retained row names every not-issued row that points to it."""
    region_entries = {e.certificate.id: e for e in view.entries}

    def link(e: Entry) -> Link:
        return Link(href(url, urls.item(view.region.id, e.certificate.id)), e.row.short_name, status=STATUS_CLASS[e.kind], status_text=VERDICT[e.kind])

    out: list[Related] = []
    if entry.kind == NOT_ISSUED:
        for exc in entry.row.exceptions:
            for t in exc.see:
                if t in region_entries:
                    e = region_entries[t]
                    out.append(Related(link(e), "例外：", "，社区可以开", "例外原文", exc.text, e.row.requested_by))
        for t in entry.row.see_also:
            if t in region_entries:
                e = region_entries[t]
                out.append(Related(link(e), "另有：", "，社区可以开", e.list.columns.get("purpose", "证明用途"), e.row.purpose, e.row.requested_by))
        return tuple(out)
    for e in view.of_kind(NOT_ISSUED):
        for exc in e.row.exceptions:
            if entry.certificate.id in exc.see:
                out.append(Related(link(e), "这是", "的例外；一般的社区不开", "例外原文", exc.text))
        if entry.certificate.id in e.row.see_also:
            out.append(Related(link(e), "相关：", "，社区不开", "", ""))
    return tuple(out)


def bracketed(row) -> str:
    """The other names a published name carries in its brackets, verbatim."""
    rest = row.name[len(row.short_name):].strip()
    return "包括：" + rest[1:-1] if len(rest) > 2 else ""


def other_names(entry: Entry) -> tuple[str, ...]:
    seen: list[str] = []
    for name in entry.row.covers + entry.certificate.also_called:
        if name != entry.row.short_name and name not in seen:
            seen.append(name)
    return tuple(seen)


# ------------------------------------------------------------------ pages


def site_title(resolved: Resolved) -> str:
    return resolved.content.site["title"]


def item_page(resolved: Resolved, view: RegionView, entry: Entry) -> Page:
    from .features import item_links  # here, not at the top: the features import this module
    from .opendata import item_jsonld

    url = urls.item(view.region.id, entry.certificate.id)
    row = entry.row
    cols = entry.list.columns
    region_entries = {e.certificate.id: e for e in view.entries}
    # exceptions no retained row on this site covers (the covered ones are in `related`, with their link)
    exceptions = tuple(exc.text for exc in row.exceptions if not any(t in region_entries for t in exc.see))
    facts = []
    if entry.kind == RETAINED:
        for key in ("requested_by", "issued_by", "category", "matters", "purpose", "method"):
            value = getattr(row, key)
            if value:
                facts.append((_PLAIN_LABEL[key], cols.get(key, _DEFAULT_LABEL[key]), value))
    found = steps.steps(row, entry.certificate) if entry.kind == NOT_ISSUED else ()
    if entry.kind == NOT_ISSUED:
        next_line = steps.next_line(found, entry.certificate) or (Piece("看下面的办事途径原文。"),)
    else:
        next_line = steps.retained_next_line(row, cols)
    others = []
    for e in scale.other_entries(resolved, view, entry.certificate.id):  # nearby regions only at national scale
        if e.region.id == view.region.id:
            continue
        others.append(Link(href(url, urls.item(e.region.id, e.certificate.id)), e.region.full_name, status=STATUS_CLASS[e.kind], status_text=SHORT_VERDICT[e.kind]))
    answer = ANSWER[entry.kind]
    short = row.short_name
    names = other_names(entry)
    body = ItemBody(
        region_name=view.region.name,
        region_full_name=view.region.full_name,
        name=row.name,
        short_name=short,
        status=STATUS_CLASS[entry.kind],
        answer=answer,
        verdict=VERDICT[entry.kind],
        term=TERM[entry.kind],
        covers=bracketed(row),
        next_line=next_line,
        limits=row.limits,
        not_issued=entry.kind == NOT_ISSUED,
        inherited_note=inherited_note(entry, view),
        offices=row.offices,
        route=row.route,
        documents=row.documents,
        steps=found,
        exceptions=exceptions,
        related=related(url, view, entry),
        related_heading="例外" if entry.kind == NOT_ISSUED else "和哪些证明有关",
        call=replace(hotline_view(view), heading="", variant="answer", when="", fallback_note=""),
        retained_facts=tuple(facts),
        call_note="有单位非要您到社区开这个证明，可以打这个电话反映。" if entry.kind == NOT_ISSUED else "",
        clauses=row.clauses,
        note=row.note,
        note_label=cols.get("note", "备注"),
        citation=citation(entry.list),
        hotline=hotline_view(view),
        other_names=names,
        former_names=row.former_names,
        other_regions=tuple(others),
        compare=Link(href(url, urls.certificate(entry.certificate.id)), f"{short}：各地对比"),
        region_link=Link(href(url, urls.region(view.region.id)), f"{view.region.name}的全部清单"),
        search_terms=" ".join(dict.fromkeys(names + row.former_names + entry.certificate.keywords)),
        qr=href(url, urls.qr(url)),
        extra_links=tuple(Link(href(url, u), t, note=n) for u, t, n in item_links(entry)),
    )
    title = f"{view.region.name}｜{short}：{answer}"
    if entry.kind == NOT_ISSUED:
        desc = f"{view.region.full_name}社区不予出具{short}。去哪里办：{few_words(entry)}。依据：{'、'.join(entry.list.basis)}。"
    else:
        desc = f"{view.region.full_name}社区依法出具{short}，用途：{row.purpose}"
    return Page(
        url=url,
        root=root_of(url),
        title=title,
        description=desc,
        base_url=resolved.content.site["base_url"],
        template="item.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"), Link(href(url, urls.region(view.region.id)), view.region.full_name)),
        body=body,
        pagefind=True,
        jsonld=item_jsonld(resolved, entry, view),
        share_image=urls.share_image(view.region.id),
    )


_DEFAULT_LABEL = {
    "requested_by": "要求提供证明单位",
    "issued_by": "开具单位",
    "category": "证明类别",
    "matters": "涉及办事事项名称",
    "purpose": "证明用途",
    "method": "证明方式",
}


def region_page(resolved: Resolved, view: RegionView) -> Page:
    from .features import region_links  # here, not at the top: the features import this module

    url = urls.region(view.region.id)
    sections = []
    for kind in (NOT_ISSUED, RETAINED):
        parts = view.parts(kind)
        entries = parts[0].entries if parts else ()
        lst = parts[0].list if parts else None
        inherited = ""
        if parts and parts[0].inherited_from is not None:
            inherited = shown_instead(view.region, kind, parts[0].entries[0])
        empty = ""
        if not entries:
            empty = missing_list(view.region, kind)

        def links(part_entries) -> tuple[Link, ...]:
            return tuple(
                Link(href(url, urls.item(view.region.id, e.certificate.id)), e.row.name, note=next_words(e), status=STATUS_CLASS[kind], status_text=SHORT_VERDICT[kind])
                for e in part_entries
            )

        left_out = tuple(LeftOut(left_out_note(view.region, parts[0], p), links(p.entries), citation(p.list)) for p in parts[1:])
        sections.append(ListSection(kind, SECTION_HEADING[kind], STATUS_CLASS[kind], links(entries), citation(lst) if lst else None, inherited, empty, left_out))
    parent = None
    if view.ancestors:
        p = view.ancestors[-1]
        parent = Link(href(url, urls.region(p.id)), p.name)
    inherits = ""  # each section says whose list it shows, and why
    body = RegionBody(
        name=view.region.name,
        full_name=view.region.full_name,
        note=view.region.note,
        inherits_note=inherits,
        sections=tuple(sections),
        hotline=hotline_view(view),
        call=replace(hotline_view(view), heading="", variant="answer", when="", fallback_note=""),
        parent=parent,
        children=tuple(Link(href(url, urls.region(c.id)), c.name) for c in view.children),
        search=Link(href(url, urls.search(view.region.full_name)), f"在{view.region.name}的清单中搜索"),
        index_az=Link(href(url, urls.index_az(view.region.id)), "按名称查找（全部证明及其他叫法）"),
        hotline_page=Link(href(url, urls.hotline(view.region.id)), "举报电话"),
        qr=href(url, urls.qr(url)),
        extra_links=tuple(Link(href(url, u), t, note=n) for u, t, n in region_links(resolved, view)),
    )
    counts = "，".join(f"{s.heading} {len(s.rows)} 项" for s in sections if s.rows)
    return Page(
        url=url,
        root=root_of(url),
        title=f"{view.region.name}｜社区证明事项清单",
        description=f"{view.region.full_name}：{counts}。哪些证明社区不再开、去哪里办、举报电话。",
        base_url=resolved.content.site["base_url"],
        template="region.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"),),
        body=body,
        share_image=urls.share_image(view.region.id),
    )


def certificate_page(resolved: Resolved, cert_id: str) -> Page:
    url = urls.certificate(cert_id)
    entries = resolved.by_certificate[cert_id]
    cert = entries[0].certificate
    # A region "differs" when its status or its route text is not what most regions say.
    def key(e: Entry) -> tuple[str, str]:
        return (e.kind, e.row.route or e.row.purpose)

    counts: dict[tuple[str, str], int] = {}
    for e in entries:
        counts[key(e)] = counts.get(key(e), 0) + 1
    common = max(counts, key=lambda k: counts[k])
    rows = tuple(
        CompareRow(
            region=Link(href(url, urls.item(e.region.id, cert_id)), e.region.full_name),
            status=STATUS_CLASS[e.kind],
            answer=VERDICT[e.kind],
            route=e.row.route or e.row.purpose,
            route_label="办事途径（原文）" if e.row.route else "用途（原文）",
            own_name=e.row.name if e.row.name != cert.name else "",
            differs=key(e) != common and len(counts) > 1,
            inherited_note=f"显示{e.inherited_from.name}的清单" if e.inherited_from else "",
            variant="differs" if key(e) != common and len(counts) > 1 else "same",
        )
        for e in entries
    )
    kinds = {e.kind for e in entries}
    if len(kinds) > 1:
        differs = "各地规定不同：有的地区社区可以开（依法出具），有的地区社区不开（不予出具）。标“不同”的地区与多数地区不一样。"
    elif len(counts) > 1:
        differs = "各地都是同一结论，但办事途径的文字有差别；标“不同”的地区与多数地区不一样。"
    else:
        differs = "各地规定相同。"
    names = tuple(dict.fromkeys(n for e in entries for n in other_names(e)))
    return Page(
        url=url,
        root=root_of(url),
        title=f"{cert.name}：各地对比",
        description=f"{cert.name}在各地是否由社区出具、去哪里办，逐地对比。{differs}",
        base_url=resolved.content.site["base_url"],
        template="certificate.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"),),
        body=CertificateBody(cert.name, names, rows, differs),
    )


INTRO = (
    "2020年起，民政部等六部门（民发〔2020〕20号）规定：居委会、村委会只出具有法律法规依据的证明。"
    "各地据此公布两张清单：一张“不予出具”清单，写明这些证明社区不再开、应当去哪里办；"
    "一张“保留（依法出具）”清单，写明社区仍然开哪些证明、给谁用、依据是什么。"
    "本站按各地公布的原文整理这两张清单。如果有单位要求您到社区开具不予出具清单上的证明，可以拨打举报电话反映。"
)


def home_page(resolved: Resolved) -> Page:
    url = urls.home()
    national = resolved.views[0]
    return Page(
        url=url,
        root="",
        title=site_title(resolved),
        description=resolved.content.site.get("description", ""),
        base_url=resolved.content.site["base_url"],
        template="home.html",
        body=HomeBody(
            intro=INTRO,
            regions=tuple(Link(urls.region(v.region.id), v.region.full_name, note=v.region.level) for v in resolved.views),
            national=tuple(Link(urls.item(national.region.id, e.certificate.id), e.row.name, note=next_words(e), status=STATUS_CLASS[e.kind], status_text=SHORT_VERDICT[e.kind]) for e in national.entries),
            search=Link(urls.search(), "搜索"),
            national_hotline=hotline_view(national),
            region_filters=region_filters(resolved),
        ),
    )


def search_page(resolved: Resolved) -> Page:
    url = urls.search()
    return Page(
        url=url,
        root=root_of(url),
        title=f"搜索证明｜{site_title(resolved)}",
        description="输入窗口让您开的证明名称，例如 无房证明、单身证明、户口证明。",
        base_url=resolved.content.site["base_url"],
        template="search.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"),),
        body=search_body(resolved, url),
    )


def _menu_views(resolved: Resolved) -> list[RegionView]:
    if not scale.nearby_only(resolved):
        return list(resolved.views)
    return [v for v in resolved.views if LEVELS.index(v.region.level) <= 1]


def region_filters(resolved: Resolved) -> tuple[tuple[str, str], ...]:
    """(id, full name) of the regions a search form's menu lists: every region
    on a small site, the country and the provinces at national scale."""
    return tuple((v.region.id, v.region.full_name) for v in _menu_views(resolved))


def search_body(resolved: Resolved, url: str) -> SearchBody:
    """Every region in the menu and the no-JS list, on a small site. At national
    scale (thousands of regions: a 650 KB page) only the country and the
    provinces; a county is chosen by typing it, by ?region= (search.js adds it
    to the menu from the search data), or without JS through its province's page."""
    if not scale.nearby_only(resolved):
        return SearchBody(
            regions=tuple(Link(href(url, urls.index_az(v.region.id)), v.region.full_name) for v in resolved.views),
            region_filters=region_filters(resolved),
            fallback_note="不用搜索也能找到：选择地区，按名称的拼音首字母找到证明（也列出常见的其他叫法）。",
            letters=tuple(tuple(Link(href(url, urls.index_az(v.region.id)) + "#" + anchor, key) for key, anchor, _ in az_groups(v)) for v in resolved.views),
        )
    return SearchBody(
        regions=tuple(Link(href(url, urls.region(v.region.id)), v.region.full_name) for v in _menu_views(resolved)),
        region_filters=region_filters(resolved),
        fallback_note="不用搜索也能找到：选择省（区、市），再选市、县，在地区页面按名称的拼音首字母找到证明。也可以在搜索框里输入地名，例如“渝北 无房证明”。",
    )


def index_page(resolved: Resolved, view: RegionView) -> Page:
    url = urls.index_az(view.region.id)
    return Page(
        url=url,
        root=root_of(url),
        title=f"{view.region.name}｜按名称查找证明",
        description=f"{view.region.full_name}全部证明及其他叫法，按名称拼音首字母排列。",
        base_url=resolved.content.site["base_url"],
        template="index_az.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"), Link(href(url, urls.region(view.region.id)), view.region.name)),
        body=IndexBody(
            view.region.name,
            az_groups(view),
            Link(href(url, urls.search(view.region.full_name)), "搜索"),
            Link(href(url, urls.region(view.region.id)), "按清单查看（不予出具、依法出具）"),
        ),
    )


def az_groups(view: RegionView) -> tuple[tuple[str, str, tuple[Link, ...]], ...]:
    """A region's names by pinyin initial: (initial, its anchor on the A–Z
    page, links relative to that page). The search page's no-JS fallback
    links to each initial's anchor."""
    url = urls.index_az(view.region.id)
    names: list[tuple[str, Link]] = []
    for e in view.entries:
        target = href(url, urls.item(view.region.id, e.certificate.id))
        names.append((e.row.name, Link(target, e.row.name, status=STATUS_CLASS[e.kind], status_text=SHORT_VERDICT[e.kind])))
        for other in dict.fromkeys(other_names(e) + e.row.former_names):
            names.append((other, Link(target, other, note=f"见 {e.row.short_name}", status=STATUS_CLASS[e.kind], status_text=SHORT_VERDICT[e.kind])))
    names.sort(key=lambda pair: (_group_key(pair[0]) == "#", _group_key(pair[0]), pair[0].encode("gb2312", "replace"), pair[0]))
    groups: dict[str, list[Link]] = {}
    for name, link in names:
        groups.setdefault(_group_key(name), []).append(link)
    return tuple((k, "az-" + (k if k != "#" else "other"), tuple(v)) for k, v in groups.items())


# Where each pinyin initial starts in GB2312's first level, whose 3,755 common
# characters are in pinyin order: an A–Z for Chinese names without a dictionary.
_GB2312_INITIALS = ((0xB0A1, "A"), (0xB0C5, "B"), (0xB2C1, "C"), (0xB4EE, "D"), (0xB6EA, "E"), (0xB7A2, "F"), (0xB8C1, "G"), (0xB9FE, "H"), (0xBBF7, "J"), (0xBFA6, "K"), (0xC0AC, "L"), (0xC2E8, "M"), (0xC4C3, "N"), (0xC5B6, "O"), (0xC5BE, "P"), (0xC6DA, "Q"), (0xC8BB, "R"), (0xC8F6, "S"), (0xCBFA, "T"), (0xCDDA, "W"), (0xCEF4, "X"), (0xD1B9, "Y"), (0xD4D1, "Z"))


@lru_cache(maxsize=65536)  # every region's index sorts mostly the same names
def _group_key(name: str) -> str:
    """The pinyin initial of a name's first character (A–Z; "#" for anything else)."""
    first = name.lstrip("《(（“")[:1]
    if first.isascii() and first.isalpha():
        return first.upper()
    try:
        code = int.from_bytes(first.encode("gb2312"), "big")
    except UnicodeEncodeError:
        return "#"
    if not 0xB0A1 <= code <= 0xD7F9:  # GB2312 level 2 is in radical order
        return "#"
    return [letter for start, letter in _GB2312_INITIALS if code >= start][-1]


def hotline_page(resolved: Resolved, view: RegionView) -> Page:
    url = urls.hotline(view.region.id)
    return Page(
        url=url,
        root=root_of(url),
        title=f"{view.region.name}｜举报电话：被要求开不该开的证明",
        description=f"{view.region.full_name}：有单位要求您到社区开具不予出具的证明时，打这个电话。",
        base_url=resolved.content.site["base_url"],
        template="hotline.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"), Link(href(url, urls.region(view.region.id)), view.region.name)),
        body=HotlinePageBody(
            view.region.name,
            hotline_view(view),
            tuple(Link(href(url, urls.item(view.region.id, e.certificate.id)), e.row.name) for e in view.of_kind(NOT_ISSUED)),
        ),
    )
