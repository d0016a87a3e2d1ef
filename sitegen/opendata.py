"""Open data: all.json and all.csv, each region's JSON and its lists as CSV
(every version), the data format's JSON Schema, the Atom feeds, robots.txt,
schema.org JSON-LD for item pages, and the 数据下载 and 变更记录 pages.
Nothing depends on the build time: two builds are byte-identical."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from functools import lru_cache, partial
from pathlib import Path

from markupsafe import Markup

from . import history, scale, tables, urls
from .model import ANSWER, KINDS, LEVELS, LIST_NAME, NOT_ISSUED, STATUS_CLASS
from .model import Entry, PublishedList, Region, RegionView, Resolved, Row
from .pages import Link, Page, hotline_view, href, make_page, other_names, row_link
from .pieces import Pieces
from .plan import EVERY_REGION, NO_REGION, Feature, Output, constant, page
from .sitemap import SITEMAP

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


# ------------------------------------------------------------------ JSON


def _enc(data) -> bytes:
    # compact separators keep json's C encoder (indent= switches to the pure-Python one)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _published(obj, *leave_out: str) -> dict:
    """A model dataclass's fields in their declared order (the schema, with no other
    properties allowed, is their list); an unknown date ("") is null."""
    data = {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in leave_out}
    if "date" in data:
        data["date"] = data["date"] or None
    return data


def row_data(row: Row) -> dict:
    return _published(row, "see_also") | {"exceptions": [_published(e) for e in row.exceptions]}


def list_data(lst: PublishedList, base: str) -> dict:
    return {
        "id": lst.id, "region": lst.region, "kind": lst.kind, "title": lst.title, "batch": lst.batch,
        "issuer": lst.issuer, "doc_number": lst.doc_number, "date": lst.date or None,
        "version_date": lst.version_date or None, "basis": lst.basis, "columns": lst.columns,
        "source": _published(lst.source),
        "supersedes": [_published(x) for x in lst.supersedes],
        "csv": urls.absolute(base, urls.list_csv(lst.id)),
        "row_count": len(lst.rows),
        "rows": [row_data(r) for r in lst.rows],
    }


def region_data(region: Region, base: str) -> dict:
    return _published(region, "hotline", "elsewhere") | {
        "hotline": _published(region.hotline) if region.hotline else None,
        "url": urls.absolute(base, urls.region(region.id)),
        "changes_url": urls.absolute(base, urls.changes(region.id)),
        "json": urls.absolute(base, urls.region_json(region.id)),
    }


def change_data(change: history.Change, base: str) -> dict:
    old = change.old
    previous = None if old is None else {
        "list": old.list.id if old.list else None,
        "doc_number": old.list.doc_number if old.list else old.superseded.doc_number,
        "date": old.date or None,
    }
    return {
        "region": change.region, "kind": change.kind, "list": change.new.list.id, "date": change.date or None,
        "previous": previous, "summary": change.summary(),
        "added": [r.id for r in change.added], "removed": [r.id for r in change.removed],
        "reworded": [{"id": w.new.id, "fields": [f.key for f in w.fields]} for w in change.reworded],
        "replaced": [{"id": r.id, "former_names": list(r.former_names)} for r in change.replaced],
        "carried": [r.id for r in change.carried], "dropped": list(change.dropped),
        "url": urls.absolute(base, urls.changes(change.region)) + "#" + change.new.anchor,
    }


def _header(resolved: Resolved, scope: str) -> dict:
    site = resolved.content.site
    return {
        "$schema": urls.absolute(site["base_url"], urls.schema(schema_version())),
        "schema_version": schema_version(),
        "scope": scope,
        "site": {"title": site["title"], "base_url": site["base_url"], "national_hotline": _published(site["national_hotline"])},
    }


def _changes(resolved: Resolved, context) -> list[history.Change]:
    """Every list's changes in content order; a list's are remade only when it
    or one of its region's earlier versions is a new object (sitegen/pieces.py)."""
    c = resolved.content
    made = context.pieces.remembered(
        "changes", c.lists, lambda lst: history.changes(history.chain(c, lst)),
        key=lambda lst: (lst, *c.earlier.get(lst.region, ())),
    )
    return [ch for chs in made for ch in chs]


def _array(pieces: list[bytes]) -> list[bytes]:
    out = [b"["]
    for i, piece in enumerate(pieces):
        out += (b",", piece) if i else (piece,)
    return out + [b"]"]


def _all_json(resolved: Resolved, context) -> list[bytes]:
    """all.json in parts, written one after the other (tens of MB at national
    scale: never joined in memory); each region's, list's and change's part is
    remembered across builds (sitegen/pieces.py)."""
    c, base = resolved.content, resolved.content.site["base_url"]
    remembered = context.pieces.remembered
    every = sorted(_changes(resolved, context), key=lambda ch: ch.date or "9999")  # undated last, stable
    certificates = [_published(x, "documents_show", "not_for") for x in c.certificates]
    values = {k: [_enc(v)] for k, v in _header(resolved, "all").items()}
    values["regions"] = _array(remembered(f"region {base}", c.regions, lambda r: _enc(region_data(r, base))))
    values["certificates"] = [_enc(certificates)]
    values["lists"] = _array(remembered(f"list {base}", c.lists, lambda lst: _enc(list_data(lst, base))))
    values["earlier_versions"] = _array(remembered(f"history {base}", c.history, lambda lst: _enc(list_data(lst, base))))
    values["changes"] = _array(remembered(f"change {base}", every, lambda ch: _enc(change_data(ch, base))))
    out = [b"{"]
    for i, (key, parts) in enumerate(values.items()):
        out += [b"," if i else b"", _enc(key), b":", *parts]
    return out + [b"}\n"]


def _region_json(resolved: Resolved, view: RegionView, own: list[history.Change], context) -> bytes:
    base, rid = resolved.content.site["base_url"], view.region.id
    nearest = {kind: parts[0].list.id if parts else None for kind in KINDS for parts in [view.parts(kind)]}
    data = _header(resolved, "region") | {
        "region": region_data(view.region, base),
        "hotline": _published(view.hotline) | {"is_fallback": view.hotline_is_fallback},
        "lists": [list_data(lst, base) for lst in view.own_lists],
        "earlier_versions": [list_data(lst, base) for lst in resolved.content.earlier.get(rid, ())],
        "entries": [
            {
                "certificate": e.certificate.id, "name": e.row.name, "kind": e.kind, "answer": ANSWER[e.kind],
                "list": e.list.id, "number": e.row.number,
                "inherited_from": e.inherited_from.id if e.inherited_from else None,
                "left_out_of": nearest[e.kind] if nearest[e.kind] != e.list.id else None,
                "url": urls.absolute(base, urls.item(rid, e.certificate.id)),
            }
            for e in view.entries
        ],
        "changes": [change_data(ch, base) for ch in own],
    }
    return _enc(data) + b"\n"


# ------------------------------------------------------------------ CSV

# all.csv: every current row in one table, in generic column names
ALL_FIELDS = ("name", "route", "note", "category", "requested_by", "issued_by", "matters", "purpose", "clauses", "method")
ALL_HEADER = (
    "地区id", "地区", "清单id", "清单种类", "清单标题", tables.NUMBER, tables.ID,
    *(tables.DEFAULT_LABELS[k] for k in ALL_FIELDS),
)


def _all_csv(resolved: Resolved, context) -> list[bytes]:
    """all.csv in parts; each list's lines are remembered across builds."""
    names = {r.id: r.full_name for r in resolved.content.regions}

    def lines(lst: PublishedList) -> bytes:
        first = [lst.region, names.get(lst.region, ""), lst.id, lst.kind, lst.title]
        return tables.csv_bytes(
            [first + [str(row.number), row.id] + [tables.cell(row, k) for k in ALL_FIELDS] for row in lst.rows]
        )

    return [tables.csv_bytes([ALL_HEADER], bom=True), *context.pieces.remembered("csv", resolved.content.lists, lines)]


def _list_csv(lst: PublishedList, context) -> bytes:
    header, rows = tables.list_to_rows(lst)
    return tables.csv_bytes([header, *rows], bom=True)


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


def _given(**fields) -> dict:
    """The fields that have a value (schema.org leaves unknown facts out)."""
    return {k: v for k, v in fields.items() if v}


def item_jsonld(resolved: Resolved, entry: Entry, view: RegionView) -> Markup:
    """schema.org ``GovernmentService`` for a certificate × region page (``view``: its region's)."""
    url = urls.absolute(resolved.content.site["base_url"], urls.item(entry.region.id, entry.certificate.id))
    row, lst, line = entry.row, entry.list, hotline_view(view)
    data = {"@context": "https://schema.org", "@type": "GovernmentService", "@id": url + "#service", "url": url, "name": row.name}
    data |= _given(alternateName=list(dict.fromkeys(other_names(entry) + row.former_names)))
    data["serviceType"] = LIST_NAME[entry.kind]
    data["description"] = f"{ANSWER[entry.kind]}。" + (f"办事途径：{row.route}" if row.route else f"证明用途：{row.purpose}")
    data["areaServed"] = {"@type": "AdministrativeArea", "name": entry.region.full_name}
    data["jurisdiction"] = {"@type": "AdministrativeArea", "name": (entry.inherited_from or entry.region).full_name}
    providers = row.offices if entry.kind == NOT_ISSUED else tuple(x for x in (row.issued_by,) if x)
    data |= _given(provider=[_org(name) for name in providers])  # only where the list names one
    phone = {"@type": "ContactPoint", "telephone": line.number, "name": line.label}
    phone |= _given(description=line.fallback_note or line.region_note)
    data["availableChannel"] = {"@type": "ServiceChannel", "name": line.label, "servicePhone": phone}
    s = lst.source
    source = {"@type": "CreativeWork", "name": s.title, "publisher": _org(s.issuer)}
    source |= _given(identifier=s.doc_number, datePublished=s.date)
    published = {"@type": "CreativeWork", "name": lst.title, "isPartOf": source}
    published |= _given(identifier=lst.doc_number, publisher=lst.issuer and _org(lst.issuer), datePublished=lst.date)
    data["subjectOf"] = published
    return safe_json(data)


# ------------------------------------------------------------------ pages


@dataclass(frozen=True)
class VersionView:
    """A version on the 变更记录 page and its ``change`` from the one before
    (None: a document known only by what a later list says of it)."""

    version: history.Version
    change: history.Change | None
    summary: str  # the change in a line, or what is known of a document the site lacks
    date_note: str  # what the date is: 清单日期 / 来源文件日期 / 原文未载明日期
    facts: tuple[tuple[str, str], ...]  # (label, value): 文号, 来源文件 …
    current: bool = False
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
    rows: dict[str, Link]  # row id → its item page, for each row this region shows now


@dataclass(frozen=True)
class RegionData:
    name: str
    json: Link
    csvs: tuple[Link, ...]
    changes: Link


@dataclass(frozen=True)
class DataBody:
    version: str
    whole: tuple[Link, ...]
    schema: Link
    regions: tuple[RegionData, ...]
    regions_note: str  # at national scale the table holds the country and the provinces only
    fields: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (group, ((field, description), …))
    feed: Link  # the site's Atom feed, announced in the page head too
    sitemap: Link


def changes_page(url: str, resolved: Resolved, view: RegionView, chains: dict,
                 own: list[history.Change]) -> Page:
    """A region's 变更记录: ``chains`` (kind → its list's versions) and ``own``, their changes."""
    rid = view.region.id
    by_new = {ch.new.anchor: ch for ch in own}
    sections, inherited = [], []
    for kind in KINDS:
        chain = chains.get(kind)
        if not chain:
            source = next((e.inherited_from for e in view.of_kind(kind) if e.inherited_from), None)
            if source is not None:
                inherited.append(Link(href(url, urls.changes(source.id)), f"{source.name}的变更记录", note=f"{view.region.name}沿用{source.name}的{LIST_NAME[kind]}"))
            continue
        versions = []
        for version in chain:
            lst, s = version.list, version.superseded
            if lst is None:
                versions.append(VersionView(
                    version, None, "本站来源文件中没有这份文件本身，只有后来的清单对它的记载：见上面一个版本的备注和说明。",
                    date_note="" if version.date else "本站来源文件没有这份文件，也没有写明它的日期",
                    facts=tuple((k, v) for k, v in (("文号", s.doc_number), ("部分", s.part)) if v),
                ))
                continue
            ch = by_new[version.anchor]
            versions.append(VersionView(
                version, ch, ch.summary(),
                date_note="清单日期" if lst.date else ("来源文件日期" if lst.source.date else ""),
                facts=tuple((k, v) for k, v in (("文号", lst.doc_number), ("发布机关", lst.issuer), ("依据", "、".join(lst.basis)),
                                                ("来源文件", history.source_text(lst.source))) if v),
                current=lst is chain[-1].list,
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
        rows={e.certificate.id: row_link(url, e, said=ANSWER) for e in view.entries},
    )
    desc = f"{view.region.full_name}社区证明事项清单的各个版本，以及每次新增、删除和改写了哪些证明。"
    return make_page(resolved, url, "changes.html", f"{name}｜清单变更记录", desc, body, ((urls.region(rid), name),))


@lru_cache(maxsize=None)
def _schema_fields() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The field documentation on the 数据下载 page, read from the schema itself."""
    defs = json.loads(_schema_text())["$defs"]
    groups = (("list", "清单（lists、earlier_versions 中的每一项）"), ("row", "清单的一行（rows 中的每一项）"), ("entry", "地区文件 entries 中的每一项"), ("change", "变化（changes 中的每一项）"))
    return tuple((title, tuple((k, v.get("description", "")) for k, v in defs[name]["properties"].items())) for name, title in groups)


def data_page(url: str, resolved: Resolved) -> Page:
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
        version=version,
        whole=(
            Link(href(url, urls.FILES["all_json"]), "全部数据（JSON）", note=f"{len(resolved.content.regions)} 个地区，{len(resolved.content.lists)} 份现行清单及历史版本、变更记录"),
            Link(href(url, urls.FILES["all_csv"]), "全部清单行（CSV 表格）", note=f"{rows} 行，每行一种证明在一份现行清单中的原文"),
        ),
        schema=Link(href(url, urls.schema(version)), f"数据格式（JSON Schema，版本 {version}）"),
        regions=tuple(regions),
        regions_note="这里列出全国和各省（区、市）的数据；市、县的数据在各自地区页面的“打印、分享和下载”里，也都在上面的全部数据中。" if big else "",
        fields=_schema_fields(),
        feed=Link(href(url, urls.feed()), "各地清单的变化（Atom 订阅）"),
        sitemap=Link(href(url, SITEMAP), "网站地图（sitemap.xml）"),
    )
    desc = "各地社区证明事项清单的开放数据：JSON 和 CSV 下载、数据格式说明、变更记录订阅。"
    return make_page(resolved, url, "data.html", f"数据下载｜{resolved.content.site['title']}", desc, body)


def applicable_lists(view: RegionView) -> list[PublishedList]:
    """The lists whose rows apply in a region (its own and inherited), in page order."""
    return list({e.list.id: e.list for e in view.entries}.values())


# ------------------------------------------------------------------ Atom


def feed_date(ch: history.Change) -> str:
    """The version's own date, or for an undated list the day this site first
    published it (labelled so in the entry's title)."""
    return ch.date or ch.new.list.published_on_site


def atom(resolved: Resolved, changes, context, self_path: str, title: str, alternate: str, limit=None, pieces=None) -> bytes:
    """An Atom 1.0 document (RFC 4287, templates/feed.xml) of ``changes`` (the
    ``limit`` newest), newest first, each entry remembered in ``pieces`` if given.
    Every date is a list version's own, never the build's."""
    site, base, names = resolved.content.site, resolved.content.site["base_url"], resolved.tree.regions
    dated = sorted((ch for ch in changes if feed_date(ch)), key=feed_date, reverse=True)[:limit]  # stable
    newest = feed_date(dated[0]) if dated else max((lst.version_date for lst in resolved.content.lists), default="")
    entry = context.env.get_template("feed_entry.xml").module.entry

    def made(ch: history.Change) -> Markup:
        when = ch.date or f"{history.UNDATED}；本站 {feed_date(ch)} 起收录"
        heading = f"{names[ch.region].name}{LIST_NAME[ch.kind]}（{when}）：{ch.summary()}"
        link = urls.absolute(base, urls.changes(ch.region)) + "#" + ch.new.anchor
        return entry(ch, heading, link, feed_date(ch) + CHINA_TIME)

    return context.env.get_template("feed.xml").render(
        site=site, title=title, self_url=urls.absolute(base, self_path), alternate=urls.absolute(base, alternate),
        updated=(newest or "1970-01-01") + CHINA_TIME,
        entries=(pieces or Pieces()).remembered(f"entry {base}", dated, made),
    ).encode("utf-8")


def _site_feed(resolved: Resolved, context) -> bytes:
    title = f"{resolved.content.site['title']}：清单变化"
    return atom(resolved, _changes(resolved, context), context, urls.feed(), title, urls.data(), FEED_LIMIT, context.pieces)


def _region_feed(resolved: Resolved, view: RegionView, own: list, context) -> bytes:
    rid = view.region.id
    return atom(resolved, own, context, urls.feed(rid), f"{view.region.name}社区证明事项清单：变化", urls.changes(rid))


# ------------------------------------------------------------------ outputs


class OpenData(Feature):
    """The whole-site data files, the 数据下载 page, and each region's JSON,
    lists as CSV (every version), change feed and 变更记录 page."""

    name = "open data"

    def site_outputs(self, resolved: Resolved) -> list[Output]:
        robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(resolved.content.site['base_url'], SITEMAP)}\n"
        return [
            Output(urls.schema(schema_version()), constant(_schema_text().encode("utf-8")), NO_REGION),
            Output(urls.FILES["all_json"], partial(_all_json, resolved)),
            Output(urls.FILES["all_csv"], partial(_all_csv, resolved)),
            Output(urls.feed(), partial(_site_feed, resolved)),
            Output(urls.FILES["robots"], constant(robots.encode("utf-8")), NO_REGION),
            page(urls.data(), data_page, resolved, regions=EVERY_REGION),
        ]

    def region_outputs(self, resolved: Resolved, view: RegionView) -> list[Output]:
        rid, own_region = view.region.id, frozenset({view.region.id})
        chains = {lst.kind: history.chain(resolved.content, lst) for lst in view.own_lists}
        own = [ch for kind in KINDS if kind in chains for ch in history.changes(chains[kind])]
        out = [Output(urls.region_json(rid), partial(_region_json, resolved, view, own), own_region)]
        if own:
            out.append(Output(urls.feed(rid), partial(_region_feed, resolved, view, own), own_region))
        for lst in view.own_lists + tuple(resolved.content.earlier.get(rid, ())):
            out.append(Output(urls.list_csv(lst.id), partial(_list_csv, lst), own_region))
        out.append(page(urls.changes(rid), changes_page, resolved, view, chains, own, regions=own_region))
        return out

    def region_links(self, resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
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


FEATURE = OpenData()
