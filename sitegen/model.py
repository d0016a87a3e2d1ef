"""What a region, a published list and a row are.

Plain frozen dataclasses: the loader builds them from ``content/lists/`` once
the YAML has passed validation; every later stage only reads them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

NOT_ISSUED = "不予出具"
RETAINED = "保留"
KINDS = (NOT_ISSUED, RETAINED)

# What a resident reads as the one-line answer, by list kind.
ANSWER = {NOT_ISSUED: "社区不予出具", RETAINED: "社区依法出具"}
# The CSS modifier for that answer (templates pick colour by class, not logic).
STATUS_CLASS = {NOT_ISSUED: "not-issued", RETAINED: "retained"}
# Long names of the two lists, as the documents call them.
LIST_NAME = {NOT_ISSUED: "不予出具证明事项清单", RETAINED: "保留（依法出具）证明事项清单"}
KIND_SLUG = {NOT_ISSUED: "buyu-chuju", RETAINED: "baoliu"}  # a list's file name in content/lists/<region>/

LEVELS = ("全国", "省级", "市级", "县级")


@dataclass(frozen=True)
class Hotline:
    number: str
    label: str
    note: str = ""

    @property
    def name(self) -> str:
        """The label without a leading copy of the number (12345政务服务便民热线 → 政务服务便民热线),
        for showing beside the number."""
        return self.label.removeprefix(self.number).strip() or self.label


@dataclass(frozen=True)
class ListElsewhere:
    """A list a region published that this site does not (yet) hold, known
    from a document that is on the site (e.g. 云南's 附件3): named, never shown."""

    kind: str  # NOT_ISSUED or RETAINED
    title: str  # the list's title, verbatim
    source_title: str  # the document that names it
    part: str  # 附件3 …
    quote: str  # the sentence of the document that says it was published, verbatim


@dataclass(frozen=True)
class Region:
    id: str
    name: str  # short name, e.g. 攀枝花市
    full_name: str  # e.g. 四川省攀枝花市 (the search filter value)
    level: str  # one of LEVELS
    parent: str | None
    hotline: Hotline | None
    note: str
    elsewhere: tuple[ListElsewhere, ...] = ()  # lists published but not on this site

    def elsewhere_of(self, kind: str) -> ListElsewhere | None:
        return next((e for e in self.elsewhere if e.kind == kind), None)


@dataclass(frozen=True)
class Certificate:
    """One certificate, the same across regions (its id is its URL)."""

    id: str
    name: str
    also_called: tuple[str, ...]  # what residents and clerks call it
    keywords: tuple[str, ...]  # lost documents, purposes: what leads here
    # When the documents a route lists prove something other than what some
    # of the names imply (a 无房证明 seeker, a never-married 单身证明 seeker):
    documents_show: str = ""  # what the listed documents show, in plain words
    not_for: tuple[str, ...] = ()  # the names (from also_called) they do not serve


@dataclass(frozen=True)
class Source:
    """The document a list was published in (or carried by), cited by what a
    clerk has in hand: issuer, title, 文号, date, web address, and optionally a
    copy of the file kept in content/sources/ with its SHA-256."""

    title: str
    issuer: str
    doc_number: str
    date: str
    part: str  # 附件1 …
    note: str
    url: str = ""  # where the document is published on the web ("" when not recorded)
    copy: str = ""  # file name in content/sources/ ("" when no copy is kept)
    sha256: str = ""  # of that copy, checked by validation


@dataclass(frozen=True)
class Exception_:
    text: str  # verbatim from the route, e.g. 不动产登记情况、公证办理情况除外
    see: tuple[str, ...]  # ids of retained rows in the same region


@dataclass(frozen=True)
class Row:
    """One certificate in one published list, as published."""

    id: str
    number: int  # 序号 in the list (display only; never in a URL)
    name: str  # verbatim, brackets included
    covers: tuple[str, ...]  # other names the row covers (brackets, 备注)
    former_names: tuple[str, ...]  # older names this row replaces (重庆 备注)
    note: str  # 备注, verbatim
    # not-issued rows
    route: str  # 办事途径, verbatim
    offices: tuple[str, ...]
    documents: tuple[str, ...]
    exceptions: tuple[Exception_, ...]
    # retained rows
    category: str  # 证明类别
    requested_by: str  # 用证单位 / 要求提供证明单位
    issued_by: str  # 开具单位
    matters: str  # 涉及办事事项名称
    purpose: str  # 证明用途
    clauses: tuple[str, ...]  # 依据, item by item
    method: str  # 证明方式
    limits: str  # the limit a resident must know, verbatim from note/purpose
    see_also: tuple[str, ...] = ()  # not-issued rows: retained rows of the same region a resident asking for this may need

    @property
    def short_name(self) -> str:
        for bracket in ("（", "("):
            if bracket in self.name and not self.name.startswith(bracket):
                return self.name.split(bracket, 1)[0]
        return self.name


@dataclass(frozen=True)
class Superseded:
    """An earlier document a list replaced, known only from what the list
    publishes about it (e.g. 重庆's 备注 naming 渝府办发〔2018〕56号 items)."""

    doc_number: str
    title: str
    part: str  # 附件2 …
    date: str  # "" when the sources do not give it (原文未载明日期)
    note: str  # the list's 说明 about it, verbatim
    dropped: tuple[str, ...]  # its items the new list does not carry, verbatim from note


@dataclass(frozen=True)
class PublishedList:
    id: str  # file path below content/lists without .yaml: chongqing/buyu-chuju
    region: str
    kind: str  # NOT_ISSUED or RETAINED
    title: str
    batch: str
    issuer: str
    doc_number: str
    date: str
    basis: tuple[str, ...]  # 文号 of the documents the list rests on
    columns: dict[str, str]  # column labels as the region published them
    source: Source
    rows: tuple[Row, ...]
    path: str  # the list's file, as problems name it
    supersedes: tuple[Superseded, ...] = ()  # earlier documents this list replaced
    published_on_site: str = ""  # when this site first published it: dates the feed entry of an undated list

    @property
    def version_date(self) -> str:
        """The date this version of the list carries: its own, else its source's."""
        return self.date or self.source.date


@dataclass(frozen=True)
class Content:
    """Everything loaded and validated: the input of the resolve stage."""

    site: dict
    regions: tuple[Region, ...]
    certificates: tuple[Certificate, ...]
    lists: tuple[PublishedList, ...]
    history: tuple[PublishedList, ...] = ()  # earlier versions (content/lists/<region>/history/)
    pages: tuple = ()  # sitepages.SitePage: content/pages/*.md

    @cached_property
    def earlier(self) -> dict[str, list[PublishedList]]:
        """Region id → its earlier list versions, in content order (made once)."""
        return by_region(self.history)


def by_region(lists) -> dict[str, list[PublishedList]]:
    out: dict[str, list[PublishedList]] = {}
    for lst in lists:
        out.setdefault(lst.region, []).append(lst)
    return out


# ---- resolved (the cascade's output) ----


@dataclass(frozen=True)
class Entry:
    """A certificate as it applies in a region: the page /{region}/{cert}/."""

    region: Region
    certificate: Certificate
    row: Row
    list: PublishedList
    inherited_from: Region | None  # None: the region published this row itself

    @property
    def kind(self) -> str:
        return self.list.kind


@dataclass(frozen=True)
class ListPart:
    """The rows of one kind a region takes from one published list. A region's
    first part is the nearest list (its own, or the one it inherits); any
    further part holds rows of a farther list — in the end the national one —
    that the nearer list leaves out, which still apply there."""

    list: PublishedList
    inherited_from: Region | None  # None: the region's own list
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class RegionView:
    region: Region
    ancestors: tuple[Region, ...]  # nearest last: 全国, 四川省
    children: tuple[Region, ...]
    entries: tuple[Entry, ...]  # not-issued first, then retained, each in list order
    own_lists: tuple[PublishedList, ...]
    hotline: Hotline
    hotline_is_fallback: bool

    def of_kind(self, kind: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == kind)

    def parts(self, kind: str) -> tuple[ListPart, ...]:
        """This kind's entries grouped by the list they come from, nearest first."""
        groups: dict[str, list[Entry]] = {}
        for e in self.of_kind(kind):
            groups.setdefault(e.list.id, []).append(e)
        return tuple(ListPart(g[0].list, g[0].inherited_from, tuple(g)) for g in groups.values())


@dataclass(frozen=True)
class Sizes:
    """From how many regions on the site is built as the whole country's."""

    nearby_only_above: int = 60  # above: an item page lists only nearby regions (sitegen/scale.py)
    bundle_per_city_from: int = 100  # from here: one Pagefind bundle per city (sitegen/index.py, docs/search.md)


@dataclass(frozen=True)
class Resolved:
    content: Content
    views: tuple[RegionView, ...]  # in regions.yaml order
    sizes: Sizes = Sizes()

    @cached_property
    def by_certificate(self) -> dict[str, tuple[Entry, ...]]:
        """Certificate id → its entry in each region that has it, in regions.yaml order (made once)."""
        found: dict[str, list[Entry]] = {}
        for entry in (e for view in self.views for e in view.entries):
            found.setdefault(entry.certificate.id, []).append(entry)
        return {cert: tuple(entries) for cert, entries in found.items()}

    @cached_property
    def tree(self):
        """The regions' tree and entries by certificate, made once (sitegen/scale.py)."""
        from .scale import RegionTree

        return RegionTree(self)
