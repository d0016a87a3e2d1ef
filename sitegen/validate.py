"""Stage 2, validate: check every loaded file against the JSON Schemas in
content/schema/ and against each other (ids, references, verbatim extracts),
collect *all* problems, then either raise them together or build the model.
"""
from __future__ import annotations

import datetime
import difflib
import json
import re
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import jsonschema

from . import sitepages, tables, urls
from .forks import fork_map
from .history import supersedes_of, version_problems
from .load import Document, Loaded, items_of
from .model import (
    LEVELS, RETAINED, Certificate, Content, Exception_, Hotline, ListElsewhere, PublishedList, Region, Row, Source,
    by_region,
)
from .problems import ContentError, Problem
from .sources import copy_problems

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "content" / "schema"
_TYPE_NAMES = {"string": "文字", "array": "列表（每项以“- ”开头）", "object": "字段表（键: 值）", "integer": "整数",
               "number": "数字", "boolean": "是/否", "null": "空"}
# the JSON type of a loaded value (load.py makes only these Python types)
_JSON_TYPE = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object"}
NOT_BLANK = r"^\s*\S[\s\S]*$"  # a text field's pattern: at least one character that is not a space
# What an editor fills by quoting a row's own text, and the fields the quote must stand in.
QUOTED_FROM = {"offices": ("route",), "documents": ("route",), "covers": ("name", "note"), "former_names": ("note",),
               "exceptions": ("route",), "limits": ("note", "purpose")}
ROW_TEXTS = ("note", "route", "category", "requested_by", "issued_by", "matters", "purpose", "method", "limits")
ROW_LISTS = ("covers", "former_names", "offices", "documents", "clauses", "see_also")


def _pattern(validator, pattern, instance, schema):
    """``pattern`` as JSON Schema means it: a final ``$`` is the end of the value
    (Python's ``$`` also matches before a final newline)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    if validator.is_type(instance, "string") and not re.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=None)
def schema(name: str) -> jsonschema.protocols.Validator:
    with open(SCHEMA_DIR / f"{name}.schema.json", encoding="utf-8") as f:
        data = json.load(f)
    return jsonschema.validators.extend(jsonschema.validators.validator_for(data), {"pattern": _pattern})(data)


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"；你是不是想写 “{close[0]}”？ (did you mean {close[0]!r}?)" if close else ""


def quoted(key: str, value, row: dict) -> bool:
    """Whether ``value`` (of the row's field ``key``) stands verbatim in the row's text it quotes."""
    if key not in QUOTED_FROM:
        return True
    if key == "exceptions":
        if not isinstance(value, dict):
            return False
        value = value.get("text", "")
    return value in "".join(row.get(f, "") for f in QUOTED_FROM[key])


def _schema_messages(error: jsonschema.ValidationError) -> list[tuple[tuple, str]]:
    """(path of the offending field, Chinese-first message) for one error;
    one per unknown key, a column label typed as a key (办事途径: …) told its field name."""
    path = tuple(error.absolute_path)
    v, want = error.validator, error.validator_value
    if v == "additionalProperties":
        allowed = error.schema.get("properties", {}).keys()
        out = []
        for name in sorted(set(error.instance) - set(allowed)) or ["?"]:
            key = tables.key_for_label(name)
            hint = f"；“{name}”是表格的栏目名，这里要写字段名 “{key}” (the field is {key!r})" if key in allowed else suggest(name, allowed)
            out.append((path + (name, "<key>"), f"未知字段 “{name}”{hint} (unknown field)"))
        return out
    if v == "required":
        missing = error.message.split("'")[1]
        return [(path + (missing,), f"缺少必填字段 “{missing}” (required field missing)")]
    if v == "type":
        want = want if isinstance(want, str) else want[0]
        got = _TYPE_NAMES[_JSON_TYPE.get(type(error.instance), "null")]
        return [(path, f"应为{_TYPE_NAMES.get(want, want)}，实际是{got} (expected {want})")]
    if v == "minLength" or (v == "pattern" and want == NOT_BLANK):
        return [(path, "不能为空 (must not be empty)")]
    if v == "pattern":
        desc = error.schema.get("description", "")
        spaced = isinstance(error.instance, str) and error.instance != error.instance.strip()
        edge = "（开头或末尾多了空格或换行）" if spaced else ""
        return [(path, f"格式不对{edge}：{desc or want} (does not match {want})")]
    if v == "enum":
        return [(path, f"只能是以下之一：{'、'.join(map(str, want))}{suggest(error.instance, want)} (must be one of {want})")]
    messages = {
        "minItems": f"至少要有 {want} 项 (needs at least {want} item(s))",
        "maxLength": f"太长，最多 {want} 个字符 (longer than {want})",
        "propertyNames": f"栏目名不对 (unknown column key): {error.instance}",
    }
    return [(path, messages.get(v, f"不符合格式要求 (schema: {error.message})"))]


def check_schema(doc: Document, name: str) -> list[Problem]:
    errors = schema(name).iter_errors(doc.data)  # allOf / if / then report their subschemas' errors
    return [doc.problem(path, message) for error in errors for path, message in _schema_messages(error)]


def _t(values) -> tuple[str, ...]:
    return tuple(values or ())


def validate(loaded: Loaded, map=fork_map) -> Content:
    """Every problem of every file in one report (``ContentError``), else the model.
    ``map(f, docs)``: how each file is checked against its schema."""
    problems = list(loaded.problems)
    core = ((loaded.site, "site"), (loaded.regions, "regions"), (loaded.certificates, "certificates"))
    docs = [(d, n) for d, n in core if d is not None] + [(d, "list") for d in loaded.lists + loaded.history]
    schema_ok = {}
    # each file against its schema: on every core for a national data set (the longest part of this stage there)
    for (doc, _name), found in zip(docs, map(lambda d: check_schema(*d), docs)):
        problems.extend(found)
        schema_ok[doc.path] = not found

    # Lists are checked against the ids regions.yaml and certificates.yaml give
    # even when those files have problems of their own: all reported in one run.
    valid = {n: d is not None and schema_ok[d.path] for d, n in core}
    regions = _regions(loaded.regions, problems) if valid["regions"] else ()
    certificates = _certificates(loaded.certificates, problems) if valid["certificates"] else ()
    region_ids, cert_ids = _ids(loaded.regions, "regions"), _ids(loaded.certificates, "certificates")

    lists: list[PublishedList] = []
    seen_kind: dict[tuple[str, str], str] = {}
    # a list, compared and never hashed: a file failing its schema may name a list as its region
    versioned = [(d.data.get("region"), d.data.get("kind")) for d in loaded.history if isinstance(d.data, dict)]
    # A region with a list we could not read cannot be cross-checked without
    # reporting knock-on errors that vanish once the first one is fixed.
    incomplete = {key.split("/")[0] for key in loaded.unreadable}
    for doc in loaded.lists:
        problems.extend(_undated(doc, versioned, datetime.date.today().isoformat()))
        if not schema_ok[doc.path]:
            problems.extend(_unknown_row_ids(doc, cert_ids))  # in the same run as the file's other problems
            incomplete.add(doc.key.split("/")[0])
            if isinstance(doc.data, dict) and isinstance(doc.data.get("region"), str):
                incomplete.add(doc.data["region"])
            continue
        lst = _list(doc, region_ids, cert_ids, problems)
        key = (lst.region, lst.kind)
        if key in seen_kind:
            problems.append(doc.problem(("kind",), f"地区 {lst.region} 已有一份“{lst.kind}”清单：{seen_kind[key]}；"
                                                   f"一个地区每种清单只能有一份 (duplicate list for this region and kind)"))
        seen_kind.setdefault(key, doc.path)
        lists.append(lst)
    for doc in loaded.lists + loaded.history:
        if schema_ok[doc.path]:
            problems.extend(copy_problems(doc, loaded.content_dir))

    _cross_list_checks(loaded, lists, problems, incomplete)
    history = tuple(_list(doc, region_ids, cert_ids, problems) for doc in loaded.history if schema_ok[doc.path])
    problems.extend(version_problems(loaded, lists, history, incomplete))
    pages, page_problems = sitepages.read(loaded.content_dir)
    problems.extend(page_problems)
    if problems:
        raise ContentError(problems)
    site = dict(loaded.site.data)
    site["national_hotline"] = Hotline(**site["national_hotline"])
    site["pages"] = sitepages.footer_links(pages)  # every page's footer links to them
    return Content(site=site, regions=regions, certificates=certificates, lists=tuple(lists), history=history, pages=pages)


def _ids(doc: Document | None, key: str) -> set[str] | None:
    """The ids a regions or certificates file gives, read leniently; None when it gives none."""
    items = items_of(doc, key)
    return None if items is None else {i["id"] for i in items if isinstance(i.get("id"), str)}


def _undated(doc: Document, versioned: list[tuple], today: str) -> list[Problem]:
    """A list with no date (its own or its source's) must say when this site first
    published it, or the change feed has no date to give it an entry. (A list
    with earlier versions needs a real date: sitegen/history.py says so.)"""
    d = doc.data if isinstance(doc.data, dict) else None
    source = d.get("source") if d is not None else None
    if d is None or d.get("date") or d.get("published_on_site") or (d.get("region"), d.get("kind")) in versioned:
        return []
    if isinstance(source, dict) and source.get("date"):
        return []
    at = next((key for key in ("kind", "region") if key in d), None)
    line, col = doc.where((at, "<key>")) if at else (1, 1)
    return [Problem(doc.path, line, col, "published_on_site",
                    f"原文没有日期（没有 date，source 也没有 date），订阅（Atom）无法为这份清单排一条记录：请在这一行下面加一行 "
                    f"published_on_site: '{today}'（本站第一次发布这份清单的日期；实际发布晚于今天的，写发布那天）。"
                    f"原文有日期的，写 date，不要推测 (undated list: add published_on_site)")]


def _regions(doc: Document, problems: list[Problem]) -> tuple[Region, ...]:
    out = []
    seen: set[str] = set()
    items = doc.data["regions"]
    level_of = {r["id"]: r["level"] for r in items}
    for i, r in enumerate(items):
        at = ("regions", i)

        def problem(tail: tuple, message: str) -> None:
            problems.append(doc.problem(at + tail, message))

        if r["id"] in seen:
            problem(("id",), f"地区 id 重复 (duplicate id): {r['id']}")
        seen.add(r["id"])
        if r["id"] in urls.RESERVED_REGION_IDS:
            problem(("id",), f"“{r['id']}” 是网站保留的网址，不能用作地区 id (reserved)")
        parent = r.get("parent")
        if r["level"] == "全国":
            if parent:
                problem(("parent",), "全国不能有上级地区 (the national level has no parent)")
        elif not parent:
            problem((), "缺少必填字段 “parent”：除全国外每个地区都要写上级地区 (parent required)")
        elif parent not in level_of:
            problem(("parent",), f"上级地区 “{parent}” 不存在{suggest(parent, level_of)} (unknown region)")
        elif LEVELS.index(level_of[parent]) >= LEVELS.index(r["level"]):
            problem(("level",), f"层级不对：{r['level']} 的上级 {parent} 是 {level_of[parent]} (level must be below its parent's)")
        elsewhere = []
        for j, e in enumerate(r.get("published_elsewhere", [])):  # lists the site does not hold
            s = e["source"]
            for what, value in (("清单名称", e["title"]), ("附件号", s["part"])):
                if value not in s["quote"]:  # the quote saying so must name the list and its part
                    problem(("published_elsewhere", j, "source", "quote"),
                            f"原句中没有逐字出现{what}“{value}” (the quote must name the list and its part)")
            elsewhere.append(ListElsewhere(e["kind"], e["title"], s["title"], s["part"], s["quote"]))
        hotline = Hotline(**r["hotline"]) if r.get("hotline") else None
        out.append(Region(r["id"], r["name"], r["full_name"], r["level"], parent, hotline, r.get("note", ""), tuple(elsewhere)))
    if sum(1 for r in items if r["level"] == "全国") != 1:
        problems.append(doc.problem(("regions",), "必须有且只有一个 level: 全国 的地区 (exactly one national region)"))
    return tuple(out)


def _certificates(doc: Document, problems: list[Problem]) -> tuple[Certificate, ...]:
    out = []
    seen: set[str] = set()
    for i, c in enumerate(doc.data["certificates"]):
        at = ("certificates", i)
        if c["id"] in seen:
            problems.append(doc.problem(at + ("id",), f"证明 id 重复 (duplicate id): {c['id']}"))
        seen.add(c["id"])
        if c["id"].startswith("todo-"):
            problems.append(doc.problem(at + ("id",), f"“{c['id']}” 是导入时暂写的 id：请给“{c['name']}”起一个拼音 id"
                                                      f"（网址的一部分，发布后不要再改），清单文件中的 {c['id']} 一起改掉 (placeholder id)"))
        if c["id"] in urls.RESERVED_CERT_IDS:
            problems.append(doc.problem(at + ("id",), f"“{c['id']}” 是网站保留的网址，不能用作证明 id (reserved)"))
        for j, name in enumerate(c.get("not_for", [])):
            if name not in c.get("also_called", []):
                problems.append(doc.problem(at + ("not_for", j), f"“{name}” 不在本证明的 also_called 中 (not_for names must be among also_called)"))
        out.append(Certificate(c["id"], c["name"], _t(c.get("also_called")), _t(c.get("keywords")),
                               c.get("documents_show", ""), _t(c.get("not_for"))))
    return tuple(out)


def _unknown_id_message(cert_id: str, cert_ids: set[str]) -> str:
    if cert_id.startswith("todo-"):
        return (f"“{cert_id}” 是导入时暂写的 id：同一个证明改了名字的，改成导入时提示的 id；新的证明，"
                f"在 certificates.yaml 中新增它并起一个拼音 id (placeholder id)")
    return f"证明 id “{cert_id}” 不在 certificates.yaml 中{suggest(cert_id, cert_ids)} (unknown certificate id)"


def _unknown_row_ids(doc: Document, cert_ids: set[str] | None) -> list[Problem]:
    """Rows whose id is not a certificate (read leniently, for a file that
    failed its schema too: whatever rows have a text id)."""
    rows = doc.data.get("rows") if isinstance(doc.data, dict) and cert_ids is not None else None
    out = []
    for i, r in enumerate(rows if isinstance(rows, list) else []):
        if isinstance(r, dict) and isinstance(r.get("id"), str) and r["id"] not in cert_ids:
            out.append(doc.problem(("rows", i, "id"), _unknown_id_message(r["id"], cert_ids)))
    return out


def _list(doc: Document, region_ids: set[str] | None, cert_ids: set[str] | None, problems: list[Problem]) -> PublishedList:
    d = doc.data
    if region_ids is not None and d["region"] not in region_ids:
        problems.append(doc.problem(("region",), f"地区 “{d['region']}” 不在 regions.yaml 中{suggest(d['region'], region_ids)} (unknown region)"))
    problems.extend(_unknown_row_ids(doc, cert_ids))
    rows = []
    seen: dict[str, int] = {}
    for i, r in enumerate(d["rows"]):
        at = ("rows", i)
        if r["id"] in seen:
            problems.append(doc.problem(at + ("id",), f"同一清单中 id “{r['id']}” 重复（第 {seen[r['id']] + 1} 行已用）(duplicate id in this list)"))
        seen.setdefault(r["id"], i)
        if d["kind"] == RETAINED and r.get("route"):
            problems.append(doc.problem(at + ("route",), "保留清单的行不写办事途径，请用 purpose/requested_by 等栏 (route is for not-issued rows)"))
        for key, where_text in (("offices", "办事途径"), ("documents", "办事途径"), ("covers", "名称或备注"), ("former_names", "备注")):
            for j, value in enumerate(r.get(key, [])):
                if not quoted(key, value, r):
                    problems.append(doc.problem(at + (key, j), f"“{value}” 没有逐字出现在本行{where_text}中；只能摘录原文，不能改写 "
                                                               f"(must be quoted verbatim from the row)"))
        for j, exc in enumerate(r.get("exceptions", [])):
            if not quoted("exceptions", exc, r):
                problems.append(doc.problem(at + ("exceptions", j, "text"), f"“{exc['text']}” 没有逐字出现在本行办事途径中 "
                                                                            f"(must be quoted verbatim from route)"))
        if r.get("limits") and not quoted("limits", r["limits"], r):
            problems.append(doc.problem(at + ("limits",), "使用限制须逐字摘自本行备注或证明用途 (limits must be quoted from note or purpose)"))
        rows.append(Row(
            id=r["id"], number=i + 1, name=r["name"],
            exceptions=tuple(Exception_(e["text"], _t(e.get("see"))) for e in r.get("exceptions", [])),
            **{key: r.get(key, "") for key in ROW_TEXTS}, **{key: _t(r.get(key)) for key in ROW_LISTS},
        ))
    source = Source(**{f.name: d["source"].get(f.name, "") for f in fields(Source)})
    return PublishedList(
        id=doc.key, region=d["region"], kind=d["kind"], title=d["title"], batch=d.get("batch", ""), issuer=d.get("issuer", ""),
        doc_number=d.get("doc_number", ""), date=d.get("date", ""), basis=_t(d["basis"]), columns=dict(d.get("columns", {})),
        source=source, rows=tuple(rows), path=doc.path, supersedes=supersedes_of(d),
        published_on_site=d.get("published_on_site", ""),
    )


def _cross_list_checks(loaded: Loaded, lists: list[PublishedList], problems: list[Problem], incomplete: set[str]) -> None:
    """A region's two lists must not name one certificate twice, and every
    exception link must reach a retained row of the same region."""
    by_path = {d.path: d for d in loaded.lists}
    for region, region_lists in by_region(lists).items():
        first: dict[str, PublishedList] = {}
        retained_ids = {row.id for lst in region_lists if lst.kind == RETAINED for row in lst.rows}
        for lst in region_lists:
            doc = by_path[lst.path]
            for i, row in enumerate(lst.rows):
                other = first.get(row.id)
                if other is not None and other is not lst:
                    problems.append(doc.problem(("rows", i, "id"), f"“{row.id}” 已在本地区另一份清单 {other.path} 中出现；"
                                                                   f"同一证明在一个地区只能有一种状态 (one page per certificate and region)"))
                first.setdefault(row.id, lst)
                if region in incomplete or lst.id.split("/")[0] in incomplete:
                    continue
                links = [(("rows", i, "exceptions", j, "see", k), t) for j, exc in enumerate(row.exceptions) for k, t in enumerate(exc.see)]
                links += [(("rows", i, "see_also", k), t) for k, t in enumerate(row.see_also)]
                for at, target in links:
                    if target not in retained_ids:
                        problems.append(doc.problem(at, f"本地区保留清单中没有 id 为 “{target}” 的证明{suggest(target, retained_ids)} (dangling reference)"))
