"""One published list as a table: the columns the documents use.

Shared by the CSV downloads (sitegen/opendata.py) and the spreadsheet import
(staff tools), so that export → import is a round trip agreed in code:

- ``list_to_rows(lst)`` gives (header, rows). The header is ``序号``, then the
  region's own column labels (``PublishedList.columns``, e.g. 证明名称/办事途径/备注,
  or 证明材料/证明类别/用证单位/开具单位/证明用途, or 事项名称/要求提供证明单位/
  证明用途/依据/证明方式/备注), then ``id``. List-valued fields (依据 clauses)
  are joined with a newline.
- ``columns_for(lst)`` gives the same columns as (field key, label) pairs, and
  ``label_keys(lst)`` the reverse mapping an importer needs.
- ``write_csv`` / ``read_csv`` are the file format: UTF-8 with BOM (so Excel
  and WPS open it correctly), CRLF rows, and a cell that a spreadsheet would
  run as a formula (starting with = + - @, a tab or CR) — or that starts with
  an apostrophe — gets one leading apostrophe, which ``read_csv`` removes again.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .model import NOT_ISSUED, PublishedList, Row

NUMBER = "序号"
ID = "id"

# Labels used when a list does not name a column itself (the national template's words).
DEFAULT_LABELS = {
    "name": "证明名称",
    "route": "办事途径",
    "note": "备注",
    "category": "证明类别",
    "requested_by": "要求提供证明单位",
    "issued_by": "开具单位",
    "matters": "涉及办事事项名称",
    "purpose": "证明用途",
    "clauses": "依据",
    "method": "证明方式",
}
# The document columns of each kind of list, in the national template's order.
NOT_ISSUED_KEYS = ("name", "route", "note")
RETAINED_KEYS = ("name", "category", "requested_by", "issued_by", "matters", "purpose", "clauses", "method", "note")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
FORMULA_START = _FORMULA_START  # the importer undoes the guard too

# Import: every column label a document or a clerk uses → field key. The
# regions' own labels (重庆 事项名称, 攀枝花 证明材料/用证单位) and 广西's template
# (证明材料名称, 涉及办事事项名称, 法律法规依据, 证明索要单位) included.
LABEL_KEYS = {
    NUMBER: NUMBER, "编号": NUMBER, ID: ID,
    **{label: key for key, label in DEFAULT_LABELS.items()},
    "名称": "name", "证明事项": "name", "证明事项名称": "name", "证明材料": "name", "证明材料名称": "name", "事项名称": "name",
    "途径": "route", "办理途径": "route",
    "说明": "note",
    "类别": "category",
    "用证单位": "requested_by", "证明索要单位": "requested_by", "索要单位": "requested_by",
    "出具单位": "issued_by",
    "办事事项": "matters", "涉及办事事项": "matters",
    "用途": "purpose",
    "法律法规依据": "clauses", "法律依据": "clauses", "设定依据": "clauses",
    "方式": "method",
}


def squeeze(text: str) -> str:
    """Text without any whitespace (how labels compare: 证明 名称 = 证明名称)."""
    return re.sub(r"\s+", "", text)


def key_for_label(label: str) -> str | None:
    """The field a column label stands for; a bracketed remark is ignored
    (广西's "法律法规依据 (需明确到具体条款内容)")."""
    label = squeeze(label).strip("*＊")
    if label in LABEL_KEYS:
        return LABEL_KEYS[label]
    return LABEL_KEYS.get(re.split(r"[（(]", label, maxsplit=1)[0])


def cell(row: Row, key: str) -> str:
    value = getattr(row, key)
    return "\n".join(value) if isinstance(value, tuple) else value


def columns_for(lst: PublishedList) -> list[tuple[str, str]]:
    """(field key, column label) of every document column of ``lst``, in order.

    Not-issued lists: 证明名称, 办事途径, 备注 (labels as the region wrote them).
    Retained lists: the columns the region published, in its order; a field a
    row fills but the list's ``columns`` does not name is added with its
    default label, so no published text is left out.
    """
    if lst.kind == NOT_ISSUED:
        keys = list(NOT_ISSUED_KEYS)
    else:
        keys = [k for k in lst.columns if k in RETAINED_KEYS]
        if "name" not in keys:
            keys.insert(0, "name")
        keys += [k for k in RETAINED_KEYS if k not in keys and any(cell(r, k) for r in lst.rows)]
    return [(k, lst.columns.get(k, DEFAULT_LABELS[k])) for k in keys]


def label_keys(lst: PublishedList) -> dict[str, str]:
    """Column label → field key (the reverse of ``columns_for``)."""
    return {label: key for key, label in columns_for(lst)}


def list_to_rows(lst: PublishedList) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of one list: 序号, the document's columns, id."""
    cols = columns_for(lst)
    header = [NUMBER] + [label for _, label in cols] + [ID]
    rows = [[str(row.number)] + [cell(row, key) for key, _ in cols] + [row.id] for row in lst.rows]
    return header, rows


def _protect(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unprotect(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """The CSV document (without the BOM): CRLF line ends, quoted where needed."""
    return csv_rows_text([header], protect=False) + csv_rows_text(rows)


def csv_rows_text(rows: list[list[str]], protect: bool = True) -> str:
    """CSV lines for ``rows``, cells guarded against spreadsheet formulas."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([_protect(c) for c in row] if protect else row for row in rows)
    return buf.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + csv_text(header, rows)).encode("utf-8"))


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a file written by ``write_csv`` (or saved by Excel/WPS as CSV UTF-8)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    if not table:
        return [], []
    return table[0], [[_unprotect(c) for c in row] for row in table[1:]]
