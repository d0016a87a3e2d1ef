"""Turn a list table from Word/WPS/Excel into a content/lists YAML file
(``make import FILE=清单.xlsx REGION=湖北省 KIND=不予出具 [COPY=原文件.pdf]``).

Every character of every cell is kept; only what copying a table does to it is
undone (line breaks inside a cell, a row split over two lines, repeated headers).
Each row gets its certificate id from the table, the list being updated,
certificates.yaml or another list with the same name, else ``todo-N``.
Updating a list keeps its header fields and what an editor quoted into a row.
"""
from __future__ import annotations

import datetime
import difflib
import itertools
import re
import shutil
import sys
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from . import tables, vocabulary
from .load import SOURCE_COPIES, Document, Loaded, Unreadable, items_of, load, read_text, shown_path
from .model import KIND_SLUG, KINDS, NOT_ISSUED, RETAINED
from .problems import Problem
from .sources import FOLDER, sha256_of
from .validate import quoted, suggest

KIND_ALIASES = {
    "不予出具": NOT_ISSUED, "不予出具清单": NOT_ISSUED, "不应出具": NOT_ISSUED, "buyu-chuju": NOT_ISSUED,
    "保留": RETAINED, "依法出具": RETAINED, "保留清单": RETAINED, "依法出具清单": RETAINED, "baoliu": RETAINED,
}
REQUIRED = {NOT_ISSUED: ("name", "route"), RETAINED: ("name", "purpose")}
# What an editor adds to a row by quoting the row's own text (sitegen/validate.py's QUOTED_FROM).
CURATED = ("covers", "former_names", "offices", "documents", "exceptions", "limits")
# What the import quotes into a new row, named as the note asking the clerk to review it names it.
REVIEWED = {
    "offices": "办理机构", "documents": "证件材料", "exceptions": "例外", "covers": "也包括", "former_names": "原名称",
}
ROW_ORDER = (
    "id", "name", "covers", "category", "requested_by", "issued_by", "matters", "route", "offices",
    "documents", "exceptions", "see_also", "purpose", "clauses", "method", "note", "former_names", "limits",
)
HEADER_ORDER = (
    "region", "kind", "title", "batch", "issuer", "doc_number", "date", "published_on_site", "basis", "columns", "source",
)
NEAR = 0.75  # how alike two names (without the final 证明) must be to be offered as "did you mean"


class Refused(Exception):
    """Nothing was written (import, new-region): each problem says why, a Problem
    at its file:line or a line about the command's arguments."""

    def __init__(self, problems: list[Problem | str]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))

    def report(self) -> int:
        """Print the problems and that nothing was written; the command's exit status."""
        for p in self.problems:
            print(p, file=sys.stderr)
        print("没有写任何文件 (nothing written)", file=sys.stderr)
        return 1


@dataclass(frozen=True)
class Result:
    data: dict  # the list file's data
    text: str  # the YAML written
    path: Path
    region_name: str
    problems: list[Problem]  # rows or cells not imported, ids missing
    notes: list[str]  # what was done to the table (joins, skipped headers)
    certificates: list[dict]  # new certificates.yaml entries (todo ids)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# ------------------------------------------------------------------ cell text

_SPACE = re.compile(r"\s+")
_LATIN = re.compile(r"[A-Za-z0-9]")
# a clause starts with its number ("1.", "2、", "３．") after a line break or the end of a clause (。；）】)
_CLAUSE = re.compile(r"(?:\n\s*|(?<=[。；;）)\]】]))(?=[0-9０-９]{1,2}[.．、](?![0-9]))")


def _keeps_space(before: str, after: str) -> bool:
    """A space is text only between two Latin words ("Windows 10"); next to
    Chinese, punctuation or between two numbers it is the PDF's layout."""
    return bool(_LATIN.match(before) and _LATIN.match(after)) and (before.isalpha() or after.isalpha())


def join_lines(text: str) -> str:
    """A cell as the document prints it: the layout's line breaks and spaces go,
    between two Latin words they become one space."""
    text = text.strip()
    return _SPACE.sub(lambda m: " " if _keeps_space(text[m.start() - 1], text[m.end()]) else "", text)


def split_clauses(text: str) -> list[str]:
    """依据 as one cell → its numbered clauses ("1.《…》第五条。2.《…》")."""
    return [c for c in (join_lines(part) for part in _CLAUSE.split(text.strip())) if c]


# How a cell's text becomes its field's value (else join_lines): 依据 its clauses, an id without spaces.
CONVERT = {"clauses": split_clauses, tables.ID: tables.squeeze}


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class TableRow:
    line: int
    number: str
    cells: dict[str, str]  # field key → raw text (pieces joined with "\n")


def find_header(lines: list, kind: str, shown: str) -> tuple[int, list[str], list[str | None]]:
    """Index of the header line, its labels and the field key of each column; Refused
    for a column unknown or doubled, or one the kind of list needs missing."""
    for i, (number, cells) in enumerate(lines):
        labels = [tables.squeeze(c) for c in cells]
        keys = [tables.key_for_label(label) for label in labels]
        if "name" not in keys or not (keys[:1] == [tables.NUMBER] or sum(k is not None for k in keys) >= 2):
            continue
        problems, first = [], {}
        for col, (label, key) in enumerate(zip(labels, keys), 1):
            if label and key is None:
                known = "、".join(tables.LABEL_KEYS)
                message = f"不认识的栏目 “{label}”{suggest(label, tables.LABEL_KEYS)}；能用的栏目：{known} (unknown column)"
                problems.append(Problem(shown, number, col, label, message))
            elif key in first:
                message = f"栏目 “{label}” 和 “{first[key]}” 是同一栏，只能留一个 (two columns for {key})"
                problems.append(Problem(shown, number, col, label, message))
            elif key:
                first[key] = label
        if problems:
            raise Refused(problems)
        for key in REQUIRED[kind]:
            if key not in keys:
                other = RETAINED if kind == NOT_ISSUED else NOT_ISSUED
                message = (f"表头里没有“{tables.DEFAULT_LABELS[key]}”栏：{kind}清单必须有这一栏；"
                           f"如果这是{other}清单，请用 --kind {other} (column {key} missing)")
                raise Refused([Problem(shown, number, 1, "", message)])
        return i, labels, keys
    raise Refused([Problem(shown, 1, 1, "", f"找不到表头：表格要有一行栏目名，如 序号、证明名称、办事途径 "
                                                   f"(no header row with {tables.NUMBER}/证明名称 found)")])


def table_rows(lines: list, kind: str, shown: str, problems: list[Problem], notes: list[str]):
    """The rows of the table (pieces joined), the label of each field's
    column and its column number."""
    start, header, keys = find_header(lines, kind, shown)
    for number, cells in lines[:start]:
        if any(c.strip() for c in cells):
            notes.append(f"第 {number} 行在表头之前，没有导入：{join_lines(' '.join(cells))[:40]}")
    number_col = keys.index(tables.NUMBER) if tables.NUMBER in keys else None
    rows: list[TableRow] = []
    last = None  # the row a piece without 序号 is joined onto
    for line, raw in lines[start + 1:]:
        cells = [tables.unprotect(c) for c in raw]
        if not any(c.strip() for c in cells):
            continue
        if [tables.squeeze(c) for c in cells[: len(header)]] == header:
            notes.append(f"第 {line} 行是重复的表头（换页），已跳过")
            continue
        extra = [(col, c) for col, c in enumerate(cells, 1) if col > len(keys) and c.strip()]
        if extra:
            col, text = extra[0]
            message = f"这一格在表头的栏目之外：“{join_lines(text)[:30]}”；这一行没有导入 (cell outside the table's columns; row skipped)"
            problems.append(Problem(shown, line, col, "", message))
            continue
        number = ""
        if number_col is not None and number_col < len(cells):
            number = unicodedata.normalize("NFKC", cells[number_col]).strip().rstrip(".、")
        values = {key: text for key, text in zip(keys, cells)  # a short row has no more cells
                  if key not in (None, tables.NUMBER) and text.strip()}
        if number_col is not None and not number:
            if last is not None:
                for key, text in values.items():
                    last.cells[key] = last.cells[key] + "\n" + text if key in last.cells else text
                notes.append(f"第 {line} 行没有序号，已接到第 {last.line} 行（序号 {last.number}）的后面")
            else:
                message = "这一行没有序号，前面也没有可以接上的行，没有导入 (no 序号; row skipped)"
                problems.append(Problem(shown, line, number_col + 1, tables.NUMBER, message))
            continue
        if number_col is not None and not number.isdigit():
            message = (f"序号 “{join_lines(cells[number_col])[:30]}” 不是数字，这一行没有导入（示例行或表格外的说明？）"
                       f"(序号 is not a number; row skipped)")
            problems.append(Problem(shown, line, number_col + 1, tables.NUMBER, message))
            last = None  # pieces below it are not joined onto the row above
            continue
        last = TableRow(line, number, values)
        rows.append(last)
    numbered = [r for r in rows if r.number]  # every row, or none when the table has no 序号
    for row, expected in zip(numbered, [1, *(int(r.number) + 1 for r in numbered)]):
        if int(row.number) != expected:
            notes.append(f"第 {row.line} 行：序号是 {row.number}，按顺序应为 {expected}（网站按表格中的先后顺序编号）")
    labels = {key: label for key, label in zip(keys, header) if key not in (None, tables.NUMBER, tables.ID)}
    return rows, labels, {key: i + 1 for i, key in enumerate(keys) if key}


# ------------------------------------------------------------------ ids and what content/ already says


@dataclass(frozen=True)
class Known:
    """What content/ already says, for ids and for the file being updated."""

    cert_names: dict[str, str]  # certificate name → id
    also_called: dict[str, set[str]]  # other name → ids
    rows_named: dict[str, list[dict]]  # squeezed 证明名称 in any list → the rows (with their quotes)
    by_route: dict[str, dict]  # squeezed 办事途径 → a row that has it
    vocab: vocabulary.Vocabulary  # offices, documents, exceptions editors have quoted
    existing: Document | None  # the list being updated
    old_rows: dict[str, dict]  # its rows that have an id, by id
    sources: dict[str, dict]  # sha256 of a local copy → a source block already in content
    taken: set[str]  # ids in the region's other list: one certificate, one status


def find_region(value: str, regions: list[dict]) -> dict | None:
    """The region whose id, name or full name is exactly ``value``."""
    return next((r for r in regions if value in (r.get("id"), r.get("name"), r.get("full_name"))), None)


def known(loaded: Loaded, region: str, kind: str) -> Known:
    cert_names, also = {}, {}
    for c in items_of(loaded.certificates, "certificates") or []:
        if not isinstance(c.get("id"), str):
            continue
        cert_names[tables.squeeze(str(c.get("name", "")))] = c["id"]
        for other in c.get("also_called") or []:
            also.setdefault(tables.squeeze(str(other)), set()).add(c["id"])
    rows_named, by_route, existing, old_rows, sources, taken = {}, {}, None, {}, {}, set()
    for doc in loaded.lists:
        d = doc.data if isinstance(doc.data, dict) else {}
        rows = [r for r in d.get("rows") or [] if isinstance(r, dict) and isinstance(r.get("id"), str)]
        for r in rows:
            if isinstance(r.get("name"), str):
                rows_named.setdefault(tables.squeeze(r["name"]), []).append(r)
                if isinstance(r.get("route"), str):
                    by_route.setdefault(tables.squeeze(r["route"]), r)
        if isinstance(d.get("source"), dict) and isinstance(d["source"].get("sha256"), str):
            sources.setdefault(d["source"]["sha256"], d["source"])
        if d.get("region") == region and d.get("kind") == kind and existing is None:
            existing, old_rows = doc, {r["id"]: r for r in rows}
        elif d.get("region") == region:
            taken.update(r["id"] for r in rows)
    vocab = vocabulary.of_rows(r for named in rows_named.values() for r in named)
    return Known(cert_names, also, rows_named, by_route, vocab, existing, old_rows, sources, taken)


def near_misses(name: str, k: Known, n: int = 3) -> list[tuple[str, str, float]]:
    """(id, name, similarity) of the known certificates whose name (or another
    name they go by) is closest to ``name``, best first."""
    def stem(text: str) -> str:
        return re.sub(r"证明$", "", re.split(r"[（(]", text, maxsplit=1)[0]) or text

    key = stem(tables.squeeze(name))
    best: dict[str, tuple[float, str]] = {}
    names = list(k.cert_names.items()) + [(o, i) for o, ids in k.also_called.items() for i in ids]
    names += [(other, r["id"]) for other, rows in k.rows_named.items() for r in rows]
    for other, cid in names:
        ratio = difflib.SequenceMatcher(None, key, stem(other)).ratio()
        if ratio >= NEAR and ratio > best.get(cid, (0.0, ""))[0]:
            best[cid] = (ratio, other)
    by_id = {i: c for c, i in k.cert_names.items()}
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:n]
    return [(cid, by_id.get(cid, other), ratio) for cid, (ratio, other) in ranked]


def find_ids(name: str, k: Known) -> set[str]:
    """The certificate ids a row name may stand for: one when it is sure."""
    key = tables.squeeze(name)
    for r in k.old_rows.values():
        if tables.squeeze(str(r.get("name", ""))) == key:
            return {r["id"]}
    if key in k.cert_names:
        return {k.cert_names[key]}
    ids = {r["id"] for r in k.rows_named.get(key, [])}
    if len(ids) == 1:
        return ids
    short = re.split(r"[（(]", key, maxsplit=1)[0]
    if short and short in k.cert_names:
        return {k.cert_names[short]}
    candidates = ids or k.also_called.get(key, set()) or k.also_called.get(short, set())
    free = candidates - k.taken  # the region's other list has the rest
    return free if len(free) == 1 else candidates


# ------------------------------------------------------------------ quotes: found in the route, or kept from the old row


def fill_quotes(new: dict, k: Known, number: str, notes: list[str]) -> None:
    """Fill a new row's offices, documents, exceptions (and covers, former
    names) with what stands verbatim in its own text: from a row elsewhere
    with the same 办事途径 (or name), else from the words editors have quoted
    before; a note asks the clerk to review them, saying where they came from."""
    if "route" not in new:
        return
    same = k.by_route.get(tables.squeeze(new["route"]))
    if same is not None:
        for key in ("offices", "documents", "exceptions"):
            kept = [v for v in same.get(key) or [] if quoted(key, v, new)]
            if kept:  # an exception's see: names the other region's rows
                new[key] = [{"text": v["text"]} for v in kept] if key == "exceptions" else kept
        how = "与已有清单中办事途径相同的行"
    else:
        found = asdict(vocabulary.find(new["route"], k.vocab))
        found["exceptions"] = [{"text": t} for t in found["exceptions"]]
        new.update((key, values) for key, values in found.items() if values)
        how = "办事途径原文中已知的机构、证件名称"
    named = k.rows_named.get(tables.squeeze(new["name"]), [{}])[0]
    for key in ("covers", "former_names"):
        source = same if same is not None and same.get(key) else named
        kept = [v for v in source.get(key) or [] if quoted(key, v, new)]
        if kept:
            new[key] = kept
    said = [f"{label} {'、'.join(v['text'] if isinstance(v, dict) else v for v in new[key])}"
            for key, label in REVIEWED.items() if key in new]
    if said:
        notes.append(f"请核对 序号 {number} {new['name']}：{'；'.join(said)}（摘自本行原文，依据：{how}）")


def keep_curated(new: dict, old: dict, notes: list[str]) -> None:
    """Carry an editor's quotes over to the new row while the quoted text still
    stands in it; fields neither columns nor quotes (see_also …) are kept."""
    for key, value in old.items():
        if key not in new and key not in CURATED and key not in tables.DEFAULT_LABELS and key != tables.ID:
            new[key] = value
    for key in CURATED:
        if key not in old:
            continue
        values = old[key] if isinstance(old[key], list) else [old[key]]
        kept = [v for v in values if quoted(key, v, new)]
        if kept:
            new[key] = kept if isinstance(old[key], list) else old[key]
        for v in values:
            if v not in kept:
                text = v.get("text", v) if isinstance(v, dict) else v
                notes.append(f"{new['id']}：“{text}” 不再出现在新的原文中，{key} 中的这一项已去掉")


# ------------------------------------------------------------------ writing YAML


def dump_yaml(data) -> str:
    """YAML as a clerk would write it: block style, Chinese as is, no line folding."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)


def to_yaml(data: dict, comment: list[str], todo: list[str]) -> str:
    """The list file: its comment lines, the header in the usual field order, the lines a
    clerk fills in, then each row a blank line apart (fields this module does not know last)."""
    header = {k: data[k] for k in HEADER_ORDER if k in data} | data
    del header["rows"]
    rows = ("\n" + dump_yaml([{k: row[k] for k in ROW_ORDER if k in row} | row]) for row in data["rows"])
    head = "".join(line + "\n" for line in comment) + dump_yaml(header)
    return head + "".join(line + "\n" for line in [*todo, "rows:"]) + "".join(rows)


# What a list file needs besides its rows, commented out: a clerk fills these
# in from the document (import and new-region --list write them).
HEADER_TODO = (
    "# title: 清单标题，按原文照录（必填）",
    "# batch: 第一批",
    "# issuer: 发布机关",
    "# doc_number: 文号，如 攀民政〔2021〕5号",
    "# date: '2021-01-31'      # 写成 年-月-日",
    "# basis:                  # 清单所依据的文件文号（必填，至少一个）",
    "# - 民发〔2020〕20号",
)
SOURCE_TODO = (
    "# source:                 # 清单出自哪个文件（必填）：照原文件填写，原文没有的项就不写",
    "#   title: 原文件标题（必填）",
    "#   issuer: 印发机关（必填）",
    "#   doc_number: 原文件文号，如 鄂民政发〔2020〕32号",
    "#   date: '2021-01-31'     # 原文件日期，写成 年-月-日",
    "#   url: https://…         # 原文件在政府网站上的网址",
    "#   part: 附件1            # 清单在原文件中的位置",
    "#   （原文件的本地副本：导入时加 COPY=原文件.pdf，会放进 content/sources/ 并在这里记下 copy 和 sha256）",
)


def _columns(labels: dict[str, str], out_rows: list[dict], old: dict | None, notes: list[str]) -> dict[str, str]:
    """The list's column labels. A header word other than the national
    template's (事项名称 for 证明名称) is read as that column and said so; an
    existing list keeps the labels it publishes."""
    used = {key: label for key, label in labels.items() if key != tables.ID and any(key in r for r in out_rows)}
    kept = dict(old.get("columns") or {}) if old else {}
    for key, label in used.items():
        default = tables.DEFAULT_LABELS[key]
        if kept.get(key, label) != label:
            notes.append(f"表头 “{label}” 读作 {key}（{default}）；清单原有的栏名 “{kept[key]}” 保持不变，网站和下载表格仍用它")
        elif label != default and key not in kept:
            notes.append(f"表头 “{label}” 读作 {key}（{default}）；网站和下载表格会用 “{label}” 作栏名——"
                         f"如果原文件写的不是 “{label}”，请在清单文件的 columns 中改正")
    return {**used, **kept}


# ------------------------------------------------------------------ the command


def resolve_kind(value: str) -> str:
    kind = KIND_ALIASES.get(value.strip())
    if kind is None:
        message = f"清单种类只能是 {' 或 '.join(KINDS)}{suggest(value, KIND_ALIASES)} (kind must be one of {KINDS})"
        raise Refused([Problem("--kind", 1, 1, "kind", message)])
    return kind


def copy_of(document: Path, content: Path, root: Path) -> tuple[str, str]:
    """(name in content/sources/, SHA-256) the document's file will have there;
    an error when it is not a PDF/DOCX/TXT file or another file has that name."""
    if document.suffix.lower() not in SOURCE_COPIES or not document.is_file():
        message = "原文件要是一个 PDF、DOCX 或 TXT 文件 (--copy must be an existing .pdf/.docx/.txt file)"
        raise Refused([Problem(str(document), 1, 1, "source.copy", message)])
    target = content / FOLDER / document.name
    sha = sha256_of(document)
    if target.exists() and sha256_of(target) != sha:
        message = ("content/sources/ 里已有一个同名但内容不同的文件；请给这份原文件换个文件名再导入 "
                   "(a different file of that name is kept already)")
        raise Refused([Problem(shown_path(target.resolve(), root), 1, 1, "source.copy", message)])
    return document.name, sha


def _assign_id(data: dict, k: Known, used: dict, todo_ids, new_certs: list, problem) -> None:
    """Give ``data`` its certificate id: found, or the next of ``todo_ids``, said why."""
    ids = find_ids(data["name"], k)
    found = next(iter(ids)) if len(ids) == 1 else None
    if found is not None and found not in used:
        data[tables.ID] = found
        return
    todo = data[tables.ID] = next(todo_ids)
    if found is not None:
        other = used[found]
        problem(f"“{data['name']}” 和第 {other.line} 行（序号 {other.number}）都对应证明 id “{found}”；一份清单中一个证明只能出现一次，"
                f"请核对这两行；这一行暂写 id: {todo} (two rows for one certificate)")
        return
    near = [(cid, name, ratio) for cid, name, ratio in near_misses(data["name"], k) if cid not in used]
    if near:
        ranked = "；".join(f"{i}. {cid}（{name}，相似 {ratio:.0%}）" for i, (cid, name, ratio) in enumerate(near, 1))
        problem(f"“{data['name']}” 不在 certificates.yaml 中，最接近的是：{ranked}。如果是同一个证明改了名字，"
                f"把清单文件中的 id: {todo} 改成它的 id（如 {near[0][0]}）；如果确是新的证明，在 certificates.yaml 中新增一条，"
                f"id 用拼音 (not a known certificate; did you mean {near[0][0]}?)")
    else:
        new_certs.append({"id": todo, "name": data["name"]})
        how = f"可能是 {'、'.join(sorted(ids))} 中的一个" if ids else "certificates.yaml 中没有这个证明"
        problem(f"“{data['name']}” 是新的证明（{how}）：已在 certificates.yaml 末尾新增 id: {todo}；请给它起一个拼音 id"
                f"（网址的一部分，如 jiaofei-piaoju），在 certificates.yaml 和清单文件中把 {todo} 一起改掉 (new certificate scaffolded)")


def import_table(path: Path, region: str, kind: str, content: Path, root: Path,
                 copy: tuple[str, str] | None = None) -> Result:
    """Read the table and build the list file's data and text (writes nothing).
    ``copy``: (name in content/sources/, sha256) of the document's file."""
    kind = resolve_kind(kind)
    loaded = load(content, root)
    regions = items_of(loaded.regions, "regions") or []
    reg = find_region(region, regions)
    if reg is None:
        names = [str(r.get(f)) for r in regions for f in ("id", "name", "full_name") if r.get(f)]
        message = f"地区 “{region}” 不在 regions.yaml 中{suggest(region, names)}；新地区请先运行 make new-region NAME=… ID=… (unknown region)"
        raise Refused([Problem(shown_path(content / "lists" / "regions.yaml", root), 1, 1, "region", message)])
    region_name = reg.get("full_name") or reg.get("name") or reg["id"]
    k = known(loaded, reg["id"], kind)
    shown = shown_path(path.resolve(), root)
    if not path.is_file():
        raise Refused([Problem(shown, 1, 1, "", "找不到这个文件 (file not found)")])
    problems: list[Problem] = []
    try:
        lines, notes = tables.read_table(path)
    except Unreadable as exc:
        raise Refused([Problem(shown, exc.line, exc.column, "", exc.message)]) from None
    rows, labels, col_of = table_rows(lines, kind, shown, problems, notes)

    # read as the loader reads (a pipe or a huge file is skipped: make check names it)
    text = "".join(read_text(p, "")[0] or "" for p in (content / "lists").rglob("*.yaml"))
    last_todo = max((int(n) for n in re.findall(r"\btodo-([0-9]+)\b", text)), default=0)
    todo_ids = (f"todo-{n}" for n in itertools.count(last_todo + 1))  # todo ids stay unique
    out_rows, used, names, new_certs = [], {}, {}, []
    name_col, name_label = col_of["name"], tables.DEFAULT_LABELS["name"]
    for row in rows:
        def problem(message: str) -> None:
            problems.append(Problem(shown, row.line, name_col, name_label, message))

        data = {key: CONVERT.get(key, join_lines)(raw) for key, raw in row.cells.items()}
        empty = next((key for key in REQUIRED[kind] if not data.get(key)), None)
        if empty is not None:
            label = tables.DEFAULT_LABELS[empty]
            message = f"第 {row.number} 项缺少“{label}”，这一行没有导入 ({empty} is empty; row skipped)"
            problems.append(Problem(shown, row.line, col_of[empty], label, message))
            continue
        key = tables.squeeze(data["name"])
        if key in names:
            first = names[key]
            problem(f"“{data['name']}” 重复：第 {first.line} 行（序号 {first.number}）已是这个证明；这一行没有导入 (duplicate row)")
            continue
        names[key] = row
        if not data.get(tables.ID):
            _assign_id(data, k, used, todo_ids, new_certs, problem)
        used.setdefault(data[tables.ID], row)
        if data[tables.ID] in k.old_rows:
            keep_curated(data, k.old_rows[data[tables.ID]], notes)
        else:
            fill_quotes(data, k, row.number or str(row.line), notes)
        out_rows.append(data)
    if not out_rows:
        problems.append(Problem(shown, 1, 1, "", "表格中没有读到任何一行清单，没有写文件 (no rows read; nothing written)"))
        raise Refused(problems)

    old = k.existing.data if k.existing else None
    if old is not None:
        target = root / k.existing.path
        old_lines = target.read_text(encoding="utf-8").splitlines()
        comment = list(itertools.takewhile(lambda line: line.startswith("#"), old_lines))
        data = {key: value for key, value in old.items() if key != "rows"}  # title, source, supersedes …
    else:
        target = content / "lists" / reg["id"] / f"{KIND_SLUG[kind]}.yaml"
        comment = [
            "# yaml-language-server: $schema=../../schema/list.schema.json",
            f"# {region_name}：{kind}清单，从 {path.name} 导入（make import）。",
            "# 导入只填了表格中的各栏。请按原文件补全下面以 “# ” 开头的必填项（去掉 “# ”），",
            "# 补全之前 make check 会指出缺什么；原文没有载明的项（文号、日期）就不写。",
        ]
        # the day the site first carries it: dates its feed entry if the document gives no date
        published = datetime.date.today().isoformat()
        data = {"region": reg["id"], "kind": kind, "published_on_site": published}
    data["columns"] = _columns(labels, out_rows, old, notes)
    todo = [] if "title" in data else list(HEADER_TODO)  # imported again before the clerk filled it in: kept
    if copy:
        name, sha = copy
        if isinstance(data.get("source"), dict):
            data["source"] = {**data["source"], "copy": name, "sha256": sha}
        elif sha in k.sources:
            data["source"] = dict(k.sources[sha])
            notes.append(f"source 照抄了已收录同一原文件（{name}）的清单的来源信息，请核对")
        else:  # the block a clerk fills in, with the copy and its hash filled
            head = "source:                   # 清单出自哪个文件（必填）：照原文件填写，原文没有的项就不写"
            todo += [head, *SOURCE_TODO[1:-1], f"  copy: {name}", f"  sha256: '{sha}'"]
    elif "source" not in data:
        todo += SOURCE_TODO
    data["rows"] = out_rows
    return Result(data, to_yaml(data, comment, todo), target, region_name, problems, notes, new_certs)


def scaffold_certificates(content: Path, entries: list[dict], region_name: str) -> Path:
    """Append new certificates (with their todo ids) to certificates.yaml."""
    path = content / "lists" / "certificates.yaml"
    block = [
        "",
        f"# 导入{region_name}的清单时新增（make import）。请给每个证明起一个拼音 id（小写字母、数字、连字符，",
        "# 是网址的一部分，发布后不要再改），清单文件里的同一个 todo-N 一起改掉；also_called、keywords 以后可以补。",
    ]
    text = path.read_text(encoding="utf-8").rstrip("\n")
    write_atomic(path, "\n".join([text, *block]) + "\n" + dump_yaml(entries))
    return path


def add_arguments(parser) -> None:
    parser.add_argument("file", type=Path, help="表格文件：.xlsx、.csv 或制表符分隔的 .txt")
    parser.add_argument("--region", required=True, help="地区 id 或名称（要和 regions.yaml 中的完全一样），如 chongqing 或 重庆市")
    parser.add_argument("--kind", required=True, help="清单种类：不予出具 或 保留")
    parser.add_argument("--copy", type=Path, help="原文件（PDF、DOCX 或 TXT）：复制到 content/sources/，在 source 中记下文件名和 sha256")
    parser.add_argument("--output", type=Path, help="写到这个文件（默认 content/lists/<地区>/…yaml；“-” 表示只显示不写）")


def command(args, content: Path, root: Path) -> int:
    """The ``import`` command: exit 0 when every row was imported with its id,
    1 when a row or cell could not be read or a row needs an id (the file is
    still written) or nothing could be written."""
    try:
        kept = copy_of(args.copy, content, root) if args.copy else None
        result = import_table(args.file, args.region, args.kind, content, root, kept)
    except Refused as refused:
        return refused.report()
    target = args.output or result.path
    for note in result.notes:
        print(f"提示：{note}")
    for p in result.problems:
        print(p, file=sys.stderr)
    if str(target) == "-":
        sys.stdout.write(result.text)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, result.text)
        rows = len(result.data["rows"])
        print(f"已写入 {shown_path(target.resolve(), root)}：{rows} 行 (wrote {rows} rows)")
        if args.copy:
            placed = content / FOLDER / args.copy.name
            if not placed.exists():
                placed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(args.copy, placed)
            print(f"原文件已放在 {shown_path(placed.resolve(), root)}，sha256 已记录")
        if result.certificates:
            where = shown_path(scaffold_certificates(content, result.certificates, result.region_name).resolve(), root)
            names = "、".join(e["name"] for e in result.certificates)
            print(f"已在 {where} 末尾新增 {len(result.certificates)} 个证明：{names}（id 待改）")
        print("下一步：按上面的提示核对、补全清单文件，然后 make check 检查，make serve 预览")
    if result.problems:
        print(f"共 {len(result.problems)} 个问题，请看上面的说明 ({len(result.problems)} problem(s))", file=sys.stderr)
        return 1
    return 0
