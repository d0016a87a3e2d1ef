"""Add a region: ``make new-region NAME=湖北省 ID=hubei`` (``build.py new-region 湖北省 --id hubei``).

The regions.yaml entry (with comments saying what to do next) goes after the
parent's last sub-region; the region shows its parent's lists until it has its
own. ``--list 不予出具`` (or 保留) also writes a commented list file to fill in.
If the new entry would make regions.yaml invalid, the old file is put back.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

from .importer import HEADER_TODO, SOURCE_TODO, Refused, dump_yaml, find_region, resolve_kind, write_atomic
from .load import Document, items_of, load, shown_path
from .model import KIND_SLUG, LEVELS
from .problems import ContentError, Problem
from .urls import RESERVED_REGION_IDS
from .validate import suggest, validate

ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def plan(args, doc: Document) -> dict:
    """The new entry from the command's arguments, or Refused saying what to change
    (at its line of regions.yaml where what the file holds is in the way)."""
    regions = items_of(doc, "regions")

    def at(region: dict, key: str, message: str) -> Refused:
        return Refused([doc.problem(("regions", doc.data["regions"].index(region), key), message)])

    name, region_id, parent, level = args.name.strip(), args.region_id, args.parent, args.level
    if not name:
        raise Refused(["请写地区名称，如 湖北省 (name is empty)"])
    same = find_region(name, regions)
    if same is not None:
        key = next(f for f in ("name", "full_name", "id") if same.get(f) == name)
        raise at(same, key, f"地区 “{name}” 已经在 regions.yaml 中 (region exists)")
    if not region_id:
        raise Refused([f"请用 --id 给 “{name}” 起一个拼音 id（小写字母、数字、连字符，如 hubei、wuhan），它会成为网址的一部分，发布后不要再改 (--id required)"])
    if not ID.match(region_id) or len(region_id) > 60:
        raise Refused([f"id “{region_id}” 格式不对：只能用小写字母、数字和连字符，以字母开头，如 hubei (bad id)"])
    if region_id in RESERVED_REGION_IDS:
        raise Refused([f"“{region_id}” 是网站保留的网址，不能用作地区 id (reserved)"])
    taken = next((r for r in regions if r.get("id") == region_id), None)
    if taken is not None:
        raise at(taken, "id", f"id “{region_id}” 已被 {taken.get('name')} 使用 (id exists)")
    national = next((r for r in regions if r.get("level") == LEVELS[0]), None)
    if parent:
        up = find_region(parent, regions)
        if up is None:
            names = [str(r.get(f)) for r in regions for f in ("id", "name")]
            raise Refused([f"上级地区 “{parent}” 不在 regions.yaml 中{suggest(parent, names)} (unknown parent)"])
    elif national is not None:
        up = national
    else:
        message = "regions.yaml 中没有全国（level: 全国），请用 --parent 指定上级地区 (no national region)"
        raise Refused([doc.problem(("regions",), message)])
    up_level = up.get("level")
    if up_level not in LEVELS or up_level == LEVELS[-1]:
        raise at(up, "level", f"{up.get('name')} 是{up_level}，不能再有下级地区 (parent has no lower level)")
    if level is None:
        level = LEVELS[LEVELS.index(up_level) + 1]
    elif level not in LEVELS[1:]:
        raise Refused([f"层级只能是 {'、'.join(LEVELS[1:])}{suggest(level, LEVELS[1:])} (bad level)"])
    elif LEVELS.index(level) <= LEVELS.index(up_level):
        raise Refused([f"层级不对：{level} 不能是{up_level} {up.get('name')} 的下级 (level must be below the parent's)"])
    full_name = args.full_name or (name if up is national else f"{up.get('full_name', '')}{name}")
    return {"id": region_id, "name": name, "full_name": full_name, "level": level, "parent": up["id"], "parent_name": up.get("name", up["id"])}


def entry_text(new: dict) -> str:
    """The regions.yaml entry, with comments a clerk can follow."""
    fields = {key: new[key] for key in ("id", "name", "full_name", "level", "parent")}
    return "\n".join([
        "",
        f"# {new['full_name']}：用 make new-region 添加。没有本地清单时，网站显示{new['parent_name']}的清单并注明。",
        f"# 有了本地清单的表格后：make import FILE=表格.xlsx REGION={new['id']} KIND=不予出具（或 保留）",
        dump_yaml([fields]).rstrip("\n"),
        "  # note: 关于本地区清单的说明，如“本站来源文件中没有本地区的清单”（写了会显示在地区页上）",
        "  # hotline:          # 只有来源文件公布了举报电话时才写；不写就显示 12345 并注明本地区未公布",
        "  #   number: '电话号码，只写数字和连字符'",
        "  #   label: 电话名称，如 某某区民政局举报电话",
        "  #   note: 出自哪个文件、何时拨打",
        "",
    ])


def list_skeleton(new: dict, kind: str) -> str:
    """A commented list file to fill in by hand."""
    if kind == "不予出具":
        columns = ["  name: 证明名称", "  route: 办事途径", "  # note: 备注"]
        example = [
            "# - id: qinshu-guanxi       # certificates.yaml 中的证明 id（网址的一部分）",
            "#   name: 亲属关系证明        # 证明名称，按原文逐字照录（括号也照录）",
            "#   route: 办事途径原文，逐字照录",
            "#   note: 备注原文（没有就不写）",
        ]
    else:
        columns = ["  name: 证明材料", "  requested_by: 用证单位", "  purpose: 证明用途", "  # clauses: 依据"]
        example = [
            "# - id: jianhu              # certificates.yaml 中的证明 id（网址的一部分）",
            "#   name: 证明名称，按原文逐字照录",
            "#   requested_by: 用证单位原文",
            "#   purpose: 证明用途原文（必填）",
            "#   clauses:               # 依据，逐条照录（原文没有就不写）",
            "#   - 1.《……》第……条。",
        ]
    return "\n".join([
        "# yaml-language-server: $schema=../../schema/list.schema.json",
        f"# {new['full_name']}：{kind}清单。按原文件填写；原文没有载明的项（文号、日期）就不写，不要推测。",
        "# 以 “# ” 开头的是说明或待填项：填好后去掉行首的 “# ”。填好之前 make check 会指出缺什么，网站不会更新。",
        "# 有表格（Word/WPS/Excel）时，用 make import 导入更快，也不会抄错。",
        f"region: {new['id']}",
        f"kind: {kind}",
        f"published_on_site: '{datetime.date.today().isoformat()}'   # 本站第一次发布这份清单的日期：原文没有日期时，订阅（Atom）用它",
        *HEADER_TODO,
        "columns:                  # 各栏在原文中的栏名",
        *columns,
        *SOURCE_TODO,
        "rows:",
        *example,
        "",
    ])


def insert_at(text: str, regions_doc, parent_id: str) -> int:
    """Character offset where the entry goes: before the first region after
    the parent's subtree (and before the comments that introduce it)."""
    items = [r if isinstance(r, dict) else {} for r in regions_doc.data["regions"]]
    below, size = {parent_id}, 0  # the parent and every region under it, a level more each round
    while len(below) != size:
        size = len(below)
        below |= {r.get("id") for r in items if r.get("parent") in below}
    start = next(i for i, r in enumerate(items) if r.get("id") == parent_id)
    after = next((i for i in range(start + 1, len(items)) if items[i].get("id") not in below), None)
    lines = text.splitlines(keepends=True)
    if after is None:
        return len(text)
    line = regions_doc.where(("regions", after))[0] - 1  # 0-based line of "- id:"
    while line > 0 and (lines[line - 1].startswith("#") or not lines[line - 1].strip()):
        line -= 1
    return sum(len(x) for x in lines[:line])


def write_region(content: Path, root: Path, new: dict, regions_doc: Document) -> None:
    """Insert the entry; put regions.yaml back as it was if the entry makes it invalid."""
    path = content / "lists" / "regions.yaml"
    old = path.read_text(encoding="utf-8")
    at = insert_at(old, regions_doc, new["parent"])
    after = old[at:].lstrip("\n")
    write_atomic(path, old[:at].rstrip("\n") + "\n" + entry_text(new) + ("\n" + after if after else ""))
    try:
        validate(load(content, root))
    except ContentError as err:
        problems = [p for p in err.problems if p.path.endswith("regions.yaml")]
        if problems:
            write_atomic(path, old)
            message = "写入后 regions.yaml 不合格，已恢复原文件 (entry rejected; regions.yaml restored):"
            raise Refused([message, *problems]) from None


def new_region(args, content: Path, root: Path) -> None:
    """Write the region's entry and, for each ``--list``, a list file to fill in."""
    loaded = load(content, root)
    if items_of(loaded.regions, "regions") is None:
        unreadable = [p for p in loaded.problems if p.path.endswith("regions.yaml")]
        raise Refused(["regions.yaml 现在无法读取，请先修好它 (regions.yaml is unreadable)", *unreadable])
    new = plan(args, loaded.regions)
    kinds = [resolve_kind(k) for k in args.lists]
    targets = [content / "lists" / new["id"] / f"{KIND_SLUG[k]}.yaml" for k in kinds]
    message = "这个文件已经存在，没有覆盖 (file exists)"
    existing = [Problem(shown_path(t, root), 1, 1, "", message) for t in targets if t.exists()]
    if existing:
        raise Refused(existing)
    write_region(content, root, new, loaded.regions)
    for kind, target in zip(kinds, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, list_skeleton(new, kind))
    print(f"已添加地区 {new['full_name']}（id: {new['id']}，{new['level']}，上级 {new['parent_name']}）到 {loaded.regions.path}")
    print(f"网址：{new['id']}/ ；没有本地清单时显示{new['parent_name']}的清单。")
    for t in targets:
        print(f"已写清单模板 {shown_path(t, root)}：按原文件填好以 “# ” 开头的必填项；填好之前网站不会更新。")


def add_arguments(parser) -> None:
    parser.add_argument("name", help="地区名称，如 湖北省、武汉市、江岸区")
    parser.add_argument("--id", dest="region_id", help="拼音 id（网址的一部分），如 hubei")
    parser.add_argument("--parent", help="上级地区 id 或名称（默认 全国）")
    parser.add_argument("--level", help="省级 / 市级 / 县级（默认比上级低一级）")
    parser.add_argument("--full-name", dest="full_name", help="全称（默认 上级全称 + 名称，如 湖北省武汉市）")
    parser.add_argument("--list", dest="lists", action="append", default=[], metavar="KIND", help="同时写一份清单模板：不予出具 或 保留（可写两次）")


def command(args, content: Path, root: Path) -> int:
    try:
        new_region(args, content, root)
    except Refused as refused:  # also a bad --list kind
        return refused.report()
    return 0
