"""Open data: downloads, schema.org JSON-LD, sitemap, robots.txt, the change
feed, and the 数据下载 and 变更记录 pages.

What a build writes (paths relative to the site root):

- ``data/all.json`` and ``data/all.csv``: the whole data set (every region,
  certificate, current list, earlier version and change; the CSV: every row of
  every current list in one table).
- ``data/regions/<region>.json``: one region — its own lists and their earlier
  versions, every certificate that applies there (inherited ones included),
  its hotline and its changes.
- ``data/lists/<list id>.csv``: each list version as published, in the
  documents' own columns (``sitegen/tables.py``; UTF-8 with BOM).
- ``schema/data-<version>.schema.json``: the JSON Schema of the JSON files,
  copied from ``content/schema/data.schema.json`` (its ``$id`` holds the version).
- ``feed.xml`` (latest changes of every list) and ``<region>/biangeng/feed.xml``
  (that region's own lists): Atom, each entry dated by its list version's date.
- ``sitemap.xml`` (split into a sitemap index above 50,000 pages) and
  ``robots.txt``, both from ``site.yaml``'s ``base_url``.

Nothing depends on the build time, so two builds are byte-identical.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from markupsafe import Markup
from markupsafe import escape as html_escape

from . import history, scale, tables, urls
from .pieces import Pieces
from .plan import EVERY_REGION, NO_REGION, Feature, Output, page
from .sitemap import SITEMAP, xml_text
from .model import ANSWER, KINDS, LEVELS, LIST_NAME, NOT_ISSUED, STATUS_CLASS, Entry, PublishedList, Region, RegionView, Resolved, Row
from .pages import Link, Page, hotline_view, href, other_names, root_of

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "content" / "schema" / "data.schema.json"

FEED_LIMIT = 100  # entries in the site-wide feed; each region's feed has all of its own
CHINA_TIME = "T00:00:00+08:00"  # a list's date is a day in China; Atom wants a time




@lru_cache(maxsize=None)
def _schema_text() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema_version() -> str:
    """The data format's version, read from the published schema's ``$id``."""
    found = re.search(r"-(\d+\.\d+\.\d+)\.schema\.json$", json.loads(_schema_text())["$id"])
    if not found:
        raise ValueError(f"{SCHEMA_FILE}: $id must end in -<major.minor.patch>.schema.json")
    return found.group(1)


def schema_path() -> str:
    return urls.schema(schema_version())


# ------------------------------------------------------------------ JSON


def _date(value: str) -> str | None:
    return value or None


def row_data(row: Row) -> dict:
    return {
        "id": row.id, "number": row.number, "name": row.name, "covers": list(row.covers), "former_names": list(row.former_names),
        "note": row.note, "route": row.route, "offices": list(row.offices), "documents": list(row.documents),
        "exceptions": [{"text": e.text, "see": list(e.see)} for e in row.exceptions],
        "category": row.category, "requested_by": row.requested_by, "issued_by": row.issued_by, "matters": row.matters,
        "purpose": row.purpose, "clauses": list(row.clauses), "method": row.method, "limits": row.limits,
    }


def list_data(lst: PublishedList, base: str) -> dict:
    s = lst.source
    return {
        "id": lst.id, "region": lst.region, "kind": lst.kind, "title": lst.title, "batch": lst.batch, "issuer": lst.issuer,
        "doc_number": lst.doc_number, "date": _date(lst.date), "version_date": _date(lst.version_date), "basis": list(lst.basis),
        "columns": dict(lst.columns),
        "source": {
            "title": s.title, "issuer": s.issuer, "doc_number": s.doc_number, "date": _date(s.date), "part": s.part, "note": s.note,
            "url": s.url, "copy": s.copy, "sha256": s.sha256,
        },
        "supersedes": [
            {"doc_number": x.doc_number, "title": x.title, "part": x.part, "date": _date(x.date), "note": x.note, "dropped": list(x.dropped)}
            for x in lst.supersedes
        ],
        "csv": urls.absolute(base, urls.list_csv(lst.id)),
        "row_count": len(lst.rows),
        "rows": [row_data(r) for r in lst.rows],
    }


def region_data(region: Region, base: str) -> dict:
    h = region.hotline
    return {
        "id": region.id, "name": region.name, "full_name": region.full_name, "level": region.level, "parent": region.parent,
        "note": region.note, "hotline": {"number": h.number, "label": h.label, "note": h.note} if h else None,
        "url": urls.absolute(base, urls.region(region.id)), "changes_url": urls.absolute(base, urls.changes(region.id)), "json": urls.absolute(base, urls.region_json(region.id)),
    }


def change_data(change: history.Change, base: str) -> dict:
    old = change.old
    previous = None
    if old is not None:
        previous = {
            "list": old.list.id if old.list else None,
            "doc_number": old.list.doc_number if old.list else old.superseded.doc_number,
            "date": _date(old.date),
        }
    return {
        "region": change.region, "kind": change.kind, "list": change.new.list.id, "date": _date(change.date), "previous": previous,
        "summary": change.summary(),
        "added": [r.id for r in change.added], "removed": [r.id for r in change.removed],
        "reworded": [{"id": w.new.id, "fields": [f.key for f in w.fields]} for w in change.reworded],
        "replaced": [{"id": r.row.id, "former_names": list(r.old_names)} for r in change.replaced],
        "carried": [r.id for r in change.carried], "dropped": list(change.dropped),
        "url": urls.absolute(base, urls.changes(change.region)) + "#" + change.new.anchor,
    }


def _header(resolved: Resolved, scope: str) -> dict:
    site = resolved.content.site
    line = site["national_hotline"]
    return {
        "$schema": urls.absolute(site["base_url"], schema_path()),
        "schema_version": schema_version(),
        "scope": scope,
        "site": {"title": site["title"], "base_url": site["base_url"], "national_hotline": {"number": line.number, "label": line.label, "note": line.note}},
    }


def all_data(resolved: Resolved, changes: dict) -> dict:
    """all.json as one dict: the plain statement of its format. The build
    writes the same bytes from remembered pieces (``all_json_parts``); the
    tests compare the two."""
    c, base = resolved.content, resolved.content.site["base_url"]
    return _header(resolved, "all") | {
        "regions": [region_data(r, base) for r in c.regions],
        "certificates": [{"id": x.id, "name": x.name, "also_called": list(x.also_called), "keywords": list(x.keywords)} for x in c.certificates],
        "lists": [list_data(lst, base) for lst in c.lists],
        "earlier_versions": [list_data(lst, base) for lst in c.history],
        "changes": [change_data(ch, base) for ch in _by_date(x for chs in changes.values() for x in chs)],
    }


def one_region_data(resolved: Resolved, view: RegionView, changes: dict) -> dict:
    base = resolved.content.site["base_url"]
    rid = view.region.id
    line = view.hotline
    nearest = {kind: parts[0].list.id if parts else None for kind in KINDS for parts in [view.parts(kind)]}  # see left_out_of
    return _header(resolved, "region") | {
        "region": region_data(view.region, base),
        "hotline": {"number": line.number, "label": line.label, "note": line.note, "is_fallback": view.hotline_is_fallback},
        "lists": [list_data(lst, base) for lst in view.own_lists],
        "earlier_versions": [list_data(lst, base) for lst in history.earlier_of(resolved.content, rid)],
        "entries": [
            {
                "certificate": e.certificate.id, "name": e.row.name, "kind": e.kind, "answer": ANSWER[e.kind], "list": e.list.id,
                "number": e.row.number, "inherited_from": e.inherited_from.id if e.inherited_from else None,
                "left_out_of": nearest[e.kind] if nearest[e.kind] != e.list.id else None,
                "url": urls.absolute(base, urls.item(rid, e.certificate.id)),
            }
            for e in view.entries
        ],
        "changes": [change_data(ch, base) for kind in KINDS for ch in changes.get((rid, kind), ())],
    }


def _by_date(changes) -> list[history.Change]:
    """Oldest first; undated last; ties in content order (stable sort)."""
    return sorted(changes, key=lambda ch: ch.date or "9999")


# ------------------------------------------------------------------ CSV

# The whole data set in one table: every current row, in generic column names.
ALL_COLUMNS = (("region", "地区id"), ("region_name", "地区"), ("list", "清单id"), ("kind", "清单种类"), ("title", "清单标题"), ("number", tables.NUMBER), ("id", tables.ID))
ALL_FIELDS = ("name", "route", "note", "category", "requested_by", "issued_by", "matters", "purpose", "clauses", "method")


def all_rows(resolved: Resolved) -> tuple[list[str], list[list[str]]]:
    """all.csv as one table (the build writes it in pieces: ``all_csv_parts``)."""
    names = {r.id: r.full_name for r in resolved.content.regions}
    return ALL_HEADER, [row for lst in resolved.content.lists for row in _all_rows_of(lst, names.get(lst.region, ""))]


ALL_HEADER = [label for _, label in ALL_COLUMNS] + [tables.DEFAULT_LABELS[k] for k in ALL_FIELDS]


def _all_rows_of(lst: PublishedList, region_name: str) -> list[list[str]]:
    return [[lst.region, region_name, lst.id, lst.kind, lst.title, str(row.number), row.id] + [tables.cell(row, k) for k in ALL_FIELDS] for row in lst.rows]


# ------------------------------------------------------------------ all.json and all.csv, remade in pieces

def _dumps(data) -> str:
    # compact separators keep json's C encoder (indent= switches to the pure-Python one)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _change_owners(ch: history.Change) -> tuple:
    """What a change's JSON is made of: its two versions' lists or superseded documents."""
    return tuple(getattr(v, part) for v in (ch.old, ch.new) if v is not None for part in ("list", "superseded"))


def _array(pieces: list[bytes]) -> list[bytes]:
    out = [b"["]
    for i, piece in enumerate(pieces):
        out += (b",", piece) if i else (piece,)
    return out + [b"]"]


def all_json_parts(resolved: Resolved, changes: dict, pieces: Pieces | None = None) -> list[bytes]:
    """``_dumps(all_data(resolved, changes))`` encoded, in parts to write one
    after the other (tens of MB at national scale: never joined in memory),
    from the pieces an earlier build made (sitegen/pieces.py)."""
    c, base = resolved.content, resolved.content.site["base_url"]
    remembered = (pieces or Pieces()).remembered

    def enc(data) -> bytes:
        return _dumps(data).encode("utf-8")

    values = {k: [enc(v)] for k, v in _header(resolved, "all").items()}
    values["regions"] = _array(remembered(f"region {base}", c.regions, lambda r: enc(region_data(r, base))))
    values["certificates"] = [enc([{"id": x.id, "name": x.name, "also_called": list(x.also_called), "keywords": list(x.keywords)} for x in c.certificates])]
    values["lists"] = _array(remembered(f"list {base}", c.lists, lambda lst: enc(list_data(lst, base))))
    values["earlier_versions"] = _array(remembered(f"history {base}", c.history, lambda lst: enc(list_data(lst, base))))
    every = _by_date(x for chs in changes.values() for x in chs)
    values["changes"] = _array(remembered(f"change {base}", every, lambda ch: enc(change_data(ch, base)), key=_change_owners))
    out = [b"{"]
    for i, (key, parts) in enumerate(values.items()):
        out += [b"," if i else b"", enc(key), b":", *parts]
    return out + [b"}"]


def all_csv_parts(resolved: Resolved, pieces: Pieces | None = None) -> list[bytes]:
    """``tables.csv_text(*all_rows(resolved))`` encoded, in parts, from remembered pieces."""
    names = {r.id: r.full_name for r in resolved.content.regions}
    rows = (pieces or Pieces()).remembered("csv", resolved.content.lists, lambda lst: tables.csv_rows_text(_all_rows_of(lst, names.get(lst.region, ""))).encode("utf-8"))
    return [tables.csv_text(ALL_HEADER, []).encode("utf-8"), *rows]


# ------------------------------------------------------------------ JSON-LD


def safe_json(data) -> Markup:
    """JSON that can stand inside a <script> element: <, > and & (and the JS
    line separators) written as \\u escapes, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch in ("&", "<", ">", "\u2028", "\u2029"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return Markup(text)  # safe: escaped just above


def _org(name: str) -> dict:
    return {"@type": "GovernmentOrganization", "name": name}


def item_jsonld(resolved: Resolved, entry: Entry, view: RegionView | None = None) -> Markup:
    """schema.org ``GovernmentService`` for a certificate × region page."""
    view = view or resolved.view(entry.region.id)
    base = resolved.content.site["base_url"]
    url = urls.absolute(base, urls.item(entry.region.id, entry.certificate.id))
    row, lst = entry.row, entry.list
    line = hotline_view(view)
    jurisdiction = entry.inherited_from or entry.region
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "@id": url + "#service",
        "url": url,
        "name": row.name,
    }
    names = list(dict.fromkeys(other_names(entry) + row.former_names))
    if names:
        data["alternateName"] = names
    data["serviceType"] = LIST_NAME[entry.kind]
    data["description"] = f"{ANSWER[entry.kind]}。" + (f"办事途径：{row.route}" if row.route else f"证明用途：{row.purpose}")
    data["areaServed"] = {"@type": "AdministrativeArea", "name": entry.region.full_name}
    data["jurisdiction"] = {"@type": "AdministrativeArea", "name": jurisdiction.full_name}
    providers = row.offices if entry.kind == NOT_ISSUED else tuple(x for x in (row.issued_by,) if x)
    if providers:  # only where the list names one
        data["provider"] = [_org(name) for name in providers]
    phone = {"@type": "ContactPoint", "telephone": line.number, "name": line.label}
    if line.fallback_note or line.region_note:
        phone["description"] = line.fallback_note or line.region_note
    data["availableChannel"] = {"@type": "ServiceChannel", "name": line.label, "servicePhone": phone}
    s = lst.source
    source = {"@type": "CreativeWork", "name": s.title, "publisher": _org(s.issuer)}
    if s.doc_number:
        source["identifier"] = s.doc_number
    if s.date:
        source["datePublished"] = s.date
    published = {"@type": "CreativeWork", "name": lst.title, "isPartOf": source}
    if lst.doc_number:
        published["identifier"] = lst.doc_number
    if lst.issuer:
        published["publisher"] = _org(lst.issuer)
    if lst.date:
        published["datePublished"] = lst.date
    data["subjectOf"] = published
    return safe_json(data)


# ------------------------------------------------------------------ pages


@dataclass(frozen=True)
class Segment:
    """A piece of a character diff: ``tag`` is "" (unchanged), "del" or "ins"."""

    tag: str
    label: str  # said by screen readers before a changed piece: 删去 / 新增
    text: str


@dataclass(frozen=True)
class FieldView:
    label: str
    old_text: str  # the old value, or （空）
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class RowView:
    link: Link  # href "" when the region has no page for it now
    fields: tuple[FieldView, ...] = ()
    names: tuple[str, ...] = ()  # older names this row covers
    note: str = ""  # the row's 备注, verbatim


@dataclass(frozen=True)
class VersionView:
    anchor: str
    date_text: str
    date_note: str  # what the date is: 清单日期 / 来源文件日期 / 原文未载明日期
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value): 文号, 来源文件 …
    current: bool
    summary: str
    added: tuple[RowView, ...] = ()
    removed: tuple[RowView, ...] = ()
    reworded: tuple[RowView, ...] = ()
    details: tuple[FieldView, ...] = ()
    replaced: tuple[RowView, ...] = ()
    carried: tuple[RowView, ...] = ()
    unmapped: tuple[RowView, ...] = ()
    dropped: tuple[str, ...] = ()
    note: str = ""  # this list's own 说明 about the document it superseded, verbatim
    csv: Link | None = None


@dataclass(frozen=True)
class ListHistory:
    heading: str
    status: str
    versions: tuple[VersionView, ...]  # newest first


@dataclass(frozen=True)
class ChangesBody:
    region_name: str
    intro: str
    lists: tuple[ListHistory, ...]
    inherited: tuple[Link, ...]  # kinds this region takes from an ancestor: link to that region's 变更记录
    feed: Link | None
    site_feed: Link


@dataclass(frozen=True)
class RegionData:
    name: str
    json: Link
    csvs: tuple[Link, ...]
    changes: Link


@dataclass(frozen=True)
class DataBody:
    intro: tuple[str, ...]
    version: str
    whole: tuple[Link, ...]
    schema: Link
    regions: tuple[RegionData, ...]
    regions_note: str  # at national scale the table holds the country and the provinces only
    fields: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (group, ((field, description), …))
    csv_notes: tuple[str, ...]
    feed: Link  # the site's Atom feed, announced in the page head
    feeds: tuple[Link, ...]


# how a diff piece is marked up: (element, words a screen reader says before it)
_SEGMENT = {"same": ("", ""), "del": ("del", "删去"), "ins": ("ins", "新增")}


def _field(f: history.FieldChange) -> FieldView:
    segments = tuple(Segment(*_SEGMENT[op], text) for op, text in f.segments)
    return FieldView(f.label, f.old or "（空）", segments)


def _version_facts(lst: PublishedList) -> tuple[tuple[str, str], ...]:
    s = lst.source
    facts = [("文号", lst.doc_number), ("发布机关", lst.issuer), ("依据", "、".join(lst.basis))]
    facts.append(("来源文件", "，".join(p for p in (f"{s.issuer}《{s.title}》", s.doc_number, s.date, s.part) if p)))
    return tuple((k, v) for k, v in facts if v)


def changes_page(resolved: Resolved, view: RegionView, changes: dict, chains: dict) -> Page:
    url = urls.changes(view.region.id)
    rid = view.region.id
    current = {e.certificate.id: e for e in view.entries}

    def row_link(row: Row) -> Link:
        e = current.get(row.id)
        if e is None:
            return Link("", row.name)
        return Link(href(url, urls.item(rid, row.id)), row.name, status=STATUS_CLASS[e.kind], status_text=ANSWER[e.kind])

    sections, inherited = [], []
    for kind in KINDS:
        chain = chains.get((rid, kind))
        if not chain:
            source = next((e.inherited_from for e in view.of_kind(kind) if e.inherited_from), None)
            if source is not None:
                inherited.append(Link(href(url, urls.changes(source.id)), f"{source.name}的变更记录", note=f"{view.region.name}沿用{source.name}的{LIST_NAME[kind]}"))
            continue
        by_new = {ch.new.anchor: ch for ch in changes[(rid, kind)]}
        versions = []
        for version in chain:
            if version.list is None:
                s = version.superseded
                versions.append(VersionView(
                    anchor=version.anchor, date_text=version.date_text, date_note="" if version.date else "本站来源文件没有这份文件，也没有写明它的日期",
                    title=version.title, facts=tuple((k, v) for k, v in (("文号", s.doc_number), ("部分", s.part)) if v), current=False,
                    summary="本站来源文件中没有这份文件本身，只有后来的清单对它的记载：见上面一个版本的备注和说明。",
                ))
                continue
            lst = version.list
            ch = by_new[version.anchor]
            versions.append(VersionView(
                anchor=version.anchor,
                date_text=version.date_text,
                date_note="清单日期" if lst.date else ("来源文件日期" if lst.source.date else ""),
                title=lst.title,
                facts=_version_facts(lst),
                current=lst is chain[-1].list,
                summary=ch.summary(),
                added=tuple(RowView(row_link(r)) for r in ch.added),
                removed=tuple(RowView(row_link(r)) for r in ch.removed),
                reworded=tuple(RowView(row_link(w.new), tuple(_field(f) for f in w.fields)) for w in ch.reworded),
                details=tuple(_field(f) for f in ch.details),
                replaced=tuple(RowView(row_link(r.row), names=r.old_names, note=r.row.note) for r in ch.replaced),
                carried=tuple(RowView(row_link(r), note=r.note) for r in ch.carried),
                unmapped=tuple(RowView(row_link(r)) for r in ch.unmapped),
                dropped=ch.dropped,
                note=ch.old.superseded.note if ch.from_superseded else "",
                csv=Link(href(url, urls.list_csv(lst.id)), f"这一版本的表格（CSV，{len(lst.rows)} 项）"),
            ))
        sections.append(ListHistory(LIST_NAME[kind], STATUS_CLASS[kind], tuple(reversed(versions))))
    name = view.region.name
    if sections:
        intro = f"{name}清单的各个版本，新的在前：每个版本的日期、出处，以及与上一版本相比新增、删除和改写了哪些证明。日期按清单原文；原文没有写明的，注明“{history.UNDATED}”。"
    else:
        intro = f"本站收录的文件中没有{name}自己的清单，这里显示上级地区的清单；清单的变化见下面上级地区的变更记录。"
    body = ChangesBody(
        region_name=name,
        intro=intro,
        lists=tuple(sections),
        inherited=tuple(inherited),
        feed=Link(href(url, urls.feed(rid)), f"订阅{name}清单的变化（Atom）") if sections else None,
        site_feed=Link(href(url, urls.feed()), "订阅各地清单的变化（Atom）"),
    )
    return Page(
        url=url,
        root=root_of(url),
        title=f"{name}｜清单变更记录",
        description=f"{view.region.full_name}社区证明事项清单的各个版本，以及每次新增、删除和改写了哪些证明。",
        base_url=resolved.content.site["base_url"],
        template="changes.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"), Link(href(url, urls.region(rid)), name)),
        body=body,
    )


def _schema_fields() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The field documentation on the 数据下载 page, read from the schema itself."""
    defs = json.loads(_schema_text())["$defs"]
    groups = (("list", "清单（lists、earlier_versions 中的每一项）"), ("row", "清单的一行（rows 中的每一项）"), ("entry", "地区文件 entries 中的每一项"), ("change", "变化（changes 中的每一项）"))
    return tuple((title, tuple((k, v.get("description", "")) for k, v in defs[name]["properties"].items())) for name, title in groups)


def data_page(resolved: Resolved) -> Page:
    url = urls.data()
    version = schema_version()
    names = {r.id: r.name for r in resolved.content.regions}
    regions = []
    # thousands of regions would make a page of megabytes (and remade on every edit): country and provinces only
    big = scale.nearby_only(resolved)
    for view in (v for v in resolved.views if not big or LEVELS.index(v.region.level) <= 1):
        lists = applicable_lists(view)
        csvs = tuple(
            Link(href(url, urls.list_csv(lst.id)), f"{LIST_NAME[lst.kind]}（CSV）", note=f"{len(lst.rows)} 项" + ("" if lst.region == view.region.id else f"，沿用{names.get(lst.region, lst.region)}的清单"))
            for lst in lists
        )
        regions.append(RegionData(view.region.full_name, Link(href(url, urls.region_json(view.region.id)), "JSON"), csvs, Link(href(url, urls.changes(view.region.id)), "变更记录")))
    rows = sum(len(lst.rows) for lst in resolved.content.lists)
    body = DataBody(
        intro=(
            "这里的数据就是本站页面所用的数据：各地公布的社区证明事项清单，按原文逐字整理，供记者、研究者和其他网站、应用直接使用，不必从网页上抓取。引用时请注明各清单的原文件（每份清单的 source 字段）。",
            "JSON 文件的格式由公开的 JSON Schema 描述，下面也逐项列出了字段含义。格式有版本号：只增加字段时升次版本号，改动字段时升主版本号，旧版本的格式文件继续保留。",
        ),
        version=version,
        whole=(
            Link(href(url, urls.FILES["all_json"]), "全部数据（JSON）", note=f"{len(resolved.content.regions)} 个地区，{len(resolved.content.lists)} 份现行清单及历史版本、变更记录"),
            Link(href(url, urls.FILES["all_csv"]), "全部清单行（CSV 表格）", note=f"{rows} 行，每行一种证明在一份现行清单中的原文"),
        ),
        schema=Link(href(url, schema_path()), f"数据格式（JSON Schema，版本 {version}）"),
        regions=tuple(regions),
        regions_note="这里列出全国和各省（区、市）的数据；市、县的数据在各自地区页面的“打印、分享和下载”里，也都在上面的全部数据中。" if big else "",
        fields=_schema_fields(),
        csv_notes=(
            "CSV 文件是 UTF-8 编码（带 BOM），可以直接用 Excel 或 WPS 打开；每份清单的表格使用该清单原文的栏名，最后一栏 id 是本站的证明编号。",
            "一个格子里有多条内容（如“依据”的各条）时，各条之间换行。",
            "以 = + - @ 或单引号开头的格子，前面加了一个单引号，防止表格软件把它当作公式；读取时去掉这个单引号即得原文。",
        ),
        feed=Link(href(url, urls.feed()), "各地清单的变化（Atom 订阅）"),
        feeds=(Link(href(url, urls.feed()), "各地清单的变化（Atom 订阅）"), Link(href(url, SITEMAP), "网站地图（sitemap.xml）")),
    )
    return Page(
        url=url,
        root=root_of(url),
        title=f"数据下载｜{resolved.content.site['title']}",
        description="各地社区证明事项清单的开放数据：JSON 和 CSV 下载、数据格式说明、变更记录订阅。",
        base_url=resolved.content.site["base_url"],
        template="data.html",
        breadcrumbs=(Link(href(url, urls.home()), "首页"),),
        body=body,
    )


def applicable_lists(view: RegionView) -> list[PublishedList]:
    """The lists whose rows apply in a region (its own and inherited), in page order."""
    return list({e.list.id: e.list for e in view.entries}.values())


def region_links(view: RegionView) -> list[tuple[str, str, str]]:
    rid = view.region.id
    links = [(urls.changes(rid), "清单变更记录", "各个版本，新增、删除和改写了哪些证明")]
    left_out = {p.list.id: (parts[0], p) for kind in KINDS for parts in [view.parts(kind)] for p in parts[1:]}
    for lst in applicable_lists(view):
        note = f"{len(lst.rows)} 项，可用 Excel 或 WPS 打开"
        owner = next((a.name for a in view.ancestors if a.id == lst.region), lst.region)
        if lst.id in left_out:
            nearest, part = left_out[lst.id]
            names = "、".join(e.row.short_name for e in part.entries[:3]) + ("等" if len(part.entries) > 3 else "")
            note += f"（{owner}的清单：{(nearest.inherited_from or view.region).name}公布的清单没有收录其中的{names}，这 {len(part.entries)} 项仍按{owner}的清单适用于{view.region.name}）"
        elif lst.region != rid:
            note += f"（{owner}的清单，{view.region.name}沿用）"
        links.append((urls.list_csv(lst.id), f"下载{LIST_NAME[lst.kind]}（CSV 表格）", note))
    links.append((urls.region_json(rid), f"下载{view.region.name}的数据（JSON）", "供开发者和研究者使用"))
    links.append((urls.data(), "数据下载（全部地区）", "数据格式说明"))
    return links


# ------------------------------------------------------------------ Atom

_x = xml_text  # text for XML content or a double-quoted attribute


def _entry_html(ch: history.Change) -> str:
    """The entry's content: what changed, as escaped HTML (names and old → new)."""
    e = html_escape
    parts = [f"<p>{e(ch.summary())}</p>"]
    for title, rows in (("新增", ch.added), ("删除", ch.removed)):
        if rows:
            parts.append(f"<p>{title}：</p><ul>" + "".join(f"<li>{e(r.name)}</li>" for r in rows) + "</ul>")
    if ch.reworded:
        items = []
        for w in ch.reworded:
            fields = "".join(f"<li>{e(f.label)}：原为“{e(f.old)}”，现为“{e(f.new)}”</li>" for f in w.fields)
            items.append(f"<li>{e(w.new.name)}<ul>{fields}</ul></li>")
        parts.append("<p>改写：</p><ul>" + "".join(items) + "</ul>")
    if ch.details:
        parts.append("<p>清单信息：</p><ul>" + "".join(f"<li>{e(f.label)}：原为“{e(f.old)}”，现为“{e(f.new)}”</li>" for f in ch.details) + "</ul>")
    if ch.replaced:
        parts.append("<p>涵盖旧文件中的名称：</p><ul>" + "".join(f"<li>{e(r.row.name)}：{e('、'.join(r.old_names))}</li>" for r in ch.replaced) + "</ul>")
    if ch.dropped:
        parts.append("<p>旧文件中未列入本清单：</p><ul>" + "".join(f"<li>{e(n)}</li>" for n in ch.dropped) + "</ul>")
    return "".join(str(p) for p in parts)


def feed_date(ch: history.Change) -> str:
    """The date a feed entry carries: the version's own, or for an undated
    list the day this site first published it (labelled so in the title)."""
    if ch.date:
        return ch.date
    return ch.new.list.published_on_site if ch.new.list else ""


def _entry_title(ch: history.Change, names: dict[str, str]) -> str:
    when = ch.date or f"{history.UNDATED}；本站 {feed_date(ch)} 起收录"
    return f"{names[ch.region]}{LIST_NAME[ch.kind]}（{when}）：{ch.summary()}"


def atom(resolved: Resolved, changes: list[history.Change], self_path: str, title: str, alternate: str, names: dict[str, str]) -> str:
    """An Atom 1.0 document (RFC 4287) of ``changes``, newest first. Every date
    is a list version's own; the feed's ``updated`` is its newest entry's."""
    site = resolved.content.site
    base = site["base_url"]
    dated = [ch for ch in changes if feed_date(ch)]
    dated.sort(key=feed_date, reverse=True)  # stable: same-day changes keep content order
    newest = feed_date(dated[0]) if dated else max((lst.version_date for lst in resolved.content.lists), default="") or "1970-01-01"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<title>{_x(title)}</title>",
        f"<subtitle>{_x('各地社区证明事项清单的新版本：新增、删除和改写了哪些证明。日期按清单原文。')}</subtitle>",
        f'<link rel="self" type="application/atom+xml" href="{_x(urls.absolute(base, self_path))}"/>',
        f'<link rel="alternate" type="text/html" href="{_x(urls.absolute(base, alternate))}"/>',
        f"<id>{_x(urls.absolute(base, self_path))}</id>",
        f"<updated>{newest}{CHINA_TIME}</updated>",
        f"<author><name>{_x(site['title'])}</name><uri>{_x(base)}</uri></author>",
    ]
    for ch in dated:
        link = urls.absolute(base, urls.changes(ch.region)) + "#" + ch.new.anchor
        out += [
            "<entry>",
            f"<title>{_x(_entry_title(ch, names))}</title>",
            f'<link rel="alternate" type="text/html" href="{_x(link)}"/>',
            f"<id>{_x(link)}</id>",
            f"<updated>{feed_date(ch)}{CHINA_TIME}</updated>",
            f"<published>{feed_date(ch)}{CHINA_TIME}</published>",
            f"<summary type=\"text\">{_x(ch.summary())}</summary>",
            f'<content type="html">{_x(_entry_html(ch))}</content>',
            "</entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ robots


def robots_txt(base: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(base, SITEMAP)}\n"


# ------------------------------------------------------------------ outputs


def _names(resolved: Resolved) -> dict[str, str]:
    return {r.id: r.name for r in resolved.content.regions}


def _text(text: str, context) -> bytes:
    return text.encode("utf-8")  # as is: CSV keeps its CRLF


def _all_json(resolved: Resolved, context) -> list[bytes]:
    return all_json_parts(resolved, history.changes(resolved.content), context.pieces) + [b"\n"]


def _all_csv(resolved: Resolved, context) -> list[bytes]:
    return ["\ufeff".encode("utf-8"), *all_csv_parts(resolved, context.pieces)]


def _feed(resolved: Resolved, context) -> bytes:
    every = [ch for chs in history.changes(resolved.content).values() for ch in chs]
    latest = sorted((ch for ch in every if feed_date(ch)), key=feed_date, reverse=True)[:FEED_LIMIT]
    return atom(resolved, latest, urls.feed(), f"{resolved.content.site['title']}：清单变化", urls.data(), _names(resolved)).encode("utf-8")


def _region_json(resolved: Resolved, view: RegionView, changes: dict, context) -> bytes:
    return (_dumps(one_region_data(resolved, view, changes)) + "\n").encode("utf-8")


def _region_feed(resolved: Resolved, view: RegionView, own: list, context) -> bytes:
    rid = view.region.id
    return atom(resolved, own, urls.feed(rid), f"{view.region.name}社区证明事项清单：变化", urls.changes(rid), _names(resolved)).encode("utf-8")


def _list_csv(lst: PublishedList, context) -> bytes:
    header, rows = tables.list_to_rows(lst)
    return ("\ufeff" + tables.csv_text(header, rows)).encode("utf-8")


class OpenData(Feature):
    """The whole-site data files, the 数据下载 page, and each region's JSON,
    lists as CSV (every version), change feed and 变更记录 page."""

    name = "open data"

    def site_outputs(self, resolved: Resolved) -> list[Output]:
        base = resolved.content.site["base_url"]
        return [
            Output(schema_path(), partial(_text, _schema_text()), NO_REGION),
            Output(urls.FILES["all_json"], partial(_all_json, resolved)),
            Output(urls.FILES["all_csv"], partial(_all_csv, resolved)),
            Output(urls.feed(), partial(_feed, resolved)),
            Output(urls.FILES["robots"], partial(_text, robots_txt(base)), NO_REGION),
            page(urls.data(), data_page, resolved, regions=EVERY_REGION),
        ]

    def region_outputs(self, resolved: Resolved, view: RegionView) -> list[Output]:
        rid, own_region = view.region.id, frozenset({view.region.id})
        changes = history.changes(resolved.content, {rid})
        chains = history.versions(resolved.content, {rid})
        out = [Output(urls.region_json(rid), partial(_region_json, resolved, view, changes), own_region)]
        own = [ch for kind in KINDS for ch in changes.get((rid, kind), ())]
        if own:
            out.append(Output(urls.feed(rid), partial(_region_feed, resolved, view, own), own_region))
        for lst in view.own_lists + tuple(history.earlier_of(resolved.content, rid)):
            out.append(Output(urls.list_csv(lst.id), partial(_list_csv, lst), own_region))
        out.append(page(urls.changes(rid), changes_page, resolved, view, changes, chains, regions=own_region))
        return out

    def region_links(self, resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
        return region_links(view)


FEATURE = OpenData()
