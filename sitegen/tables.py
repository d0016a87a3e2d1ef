"""One published list as a table in the documents' own columns, for the CSV
downloads (sitegen/opendata.py) and the spreadsheet import (sitegen/importer.py),
so that export → import is a round trip; ``read_table`` reads a clerk's .xlsx
or CSV, its sizes checked first.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .load import Unreadable, read_regular
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

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")  # a cell starting so is guarded

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
    return LABEL_KEYS.get(label) or LABEL_KEYS.get(re.split(r"[（(]", label, maxsplit=1)[0])


def cell(row: Row, key: str) -> str:
    value = getattr(row, key)
    return "\n".join(value) if isinstance(value, tuple) else value


def columns_for(lst: PublishedList) -> list[tuple[str, str]]:
    """(field key, column label) of every document column of ``lst``, in order:
    a retained list's as the region published them, then any field a row fills
    that they do not name (default label), so no published text is left out."""
    if lst.kind == NOT_ISSUED:
        keys = list(NOT_ISSUED_KEYS)
    else:
        keys = [k for k in lst.columns if k in RETAINED_KEYS]
        if "name" not in keys:
            keys.insert(0, "name")
        keys += [k for k in RETAINED_KEYS if k not in keys and any(cell(r, k) for r in lst.rows)]
    return [(k, lst.columns.get(k, DEFAULT_LABELS[k])) for k in keys]


def list_to_rows(lst: PublishedList) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of one list: 序号, the document's columns, id."""
    cols = columns_for(lst)
    header = [NUMBER] + [label for _, label in cols] + [ID]
    rows = [[str(row.number)] + [cell(row, key) for key, _ in cols] + [row.id] for row in lst.rows]
    return header, rows


def csv_bytes(rows, bom: bool = False) -> bytes:
    """CSV lines of ``rows`` (header included), UTF-8, CRLF; a cell a spreadsheet
    would run as a formula gets a leading apostrophe; ``bom`` (which Excel and
    WPS need) at the start of a file."""
    buf = io.StringIO()
    buf.write("\ufeff" if bom else "")
    guarded = ([("'" + c if c.startswith(FORMULA_START) else c) for c in row] for row in rows)
    csv.writer(buf, lineterminator="\r\n").writerows(guarded)
    return buf.getvalue().encode("utf-8")


def unprotect(text: str) -> str:
    """Undo ``csv_bytes``' guard against spreadsheet formulas (the import does)."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


# ------------------------------------------------------------------ reading a table file
#
# A clerk's spreadsheet is read only after its declared sizes are checked: an
# xlsx is a zip archive whose parts can inflate a thousandfold and whose sheet
# can declare a million rows by sixteen thousand columns in a few bytes. The
# limits are far above any real list (the longest, 广西's, has ~60 rows of
# 9 columns; a cell ~300 characters) and are listed in docs/editing.md.

MAX_TABLE_BYTES = 20 * 1024 * 1024  # the file as saved
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an xlsx's parts, inflated
MAX_RATIO = 200  # how much one xlsx part may inflate (real sheets ~10×)
MAX_ROWS = 5_000
MAX_COLUMNS = 100
MAX_CELL = 10_000  # characters, as for a value in a list file (sitegen/load.py MAX_TEXT)

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')


def read_table(path: Path) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """(line number, cells) of every row of the first sheet (xlsx) or of the
    CSV / tab-separated text, and notes on how it was read (its encoding)."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".doc", ".docx", ".wps"):
        raise Unreadable(f"不能直接读取 {suffix} 文件：请在 Excel/WPS 中“另存为” .xlsx 或 .csv 后再导入 (save as .xlsx or .csv)")
    data = read_regular(path, MAX_TABLE_BYTES)
    notes = []
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"PK\x03\x04"):
        raise Unreadable("这其实是一个 Excel（.xlsx）文件：请把文件名的扩展名改成 .xlsx 再导入 (a zip/xlsx file named as text)")
    else:
        text, encoding = decode(data)
        notes = [f"文件是 {encoding} 编码，已按 {encoding} 读取"] if encoding != "UTF-8" else []
        rows = _delimited_rows(text)
    lines = []
    for count, (line, cells) in enumerate(rows, 1):
        if count > MAX_ROWS:
            raise Unreadable(f"表格超过 {MAX_ROWS:,} 行：一份清单不会这么长，请检查是不是选错了文件 (more than {MAX_ROWS} rows)", line)
        if len(cells) > MAX_COLUMNS:
            raise Unreadable(f"这一行超过 {MAX_COLUMNS} 栏：请检查是不是选错了文件 (more than {MAX_COLUMNS} columns)", line, MAX_COLUMNS + 1)
        for col, value in enumerate(cells, 1):
            if len(value) > MAX_CELL:
                raise Unreadable(f"这一格有 {len(value):,} 个字，一格最多 {MAX_CELL:,} 个字：请检查是不是把整份文件粘贴进了一格 (cell longer than {MAX_CELL} characters)", line, col)
        lines.append((line, cells))
    return lines, notes


def decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV/TXT file and the encoding it was in (Excel and WPS on
    Chinese Windows save "CSV" as GBK and "Unicode text" as UTF-16)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise Unreadable(f"文件是 UTF-16（“Unicode”）编码，但第 {exc.start} 个字节处不完整，可能没有保存完整；请重新另存为 UTF-8 的 CSV (broken UTF-16)") from None
    if b"\x00" in data:
        raise Unreadable("这不是文字表格：文件里有空字节（二进制文件，或没有 BOM 的 UTF-16）；请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx (binary data, not a CSV)")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable("文件编码认不出来（既不是 UTF-8，也不是 GBK）：请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx (unknown encoding)", line) from None


def _delimited_rows(text: str):
    """(line, cells) of CSV, or of tab-separated text when its first lines have more tabs than commas."""
    sample = "\n".join(text.splitlines()[:20])
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:  # a cell past csv's own limit (131,072 characters), a NUL
        raise Unreadable(f"第 {reader.line_num} 行读不出来：有一格太长（一格最多 {MAX_CELL:,} 个字），或引号没有配对 (unreadable row: {exc})", reader.line_num) from None


def _xlsx_rows(data: bytes):
    """(line, cells) of the first sheet, once its sizes are checked."""
    _check_workbook(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            yield number, [_xlsx_text(v) for v in values]
        book.close()
    except Exception as exc:  # a broken or password-protected workbook
        raise Unreadable(f"无法打开这个 Excel 文件，请在 Excel/WPS 中重新另存为 .xlsx (cannot open workbook: {type(exc).__name__}: {exc})") from None


def _check_workbook(data: bytes) -> None:
    """Refuse an xlsx whose parts or first sheet are larger than any list
    before openpyxl inflates a byte of it."""
    import zipfile

    from openpyxl.utils import range_boundaries

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Unreadable("这不是有效的 .xlsx 文件（也许是改了扩展名的 .xls 或其他文件）：请在 Excel/WPS 中另存为 .xlsx (not a zip/xlsx file)") from None
    unpacked = sum(p.file_size for p in parts)
    if len(parts) > 10_000 or unpacked > MAX_UNPACKED_BYTES:
        raise Unreadable(f"这个 Excel 文件解压后有 {unpacked / 1048576:,.0f} MB，一份清单不会这么大（最多 {MAX_UNPACKED_BYTES // 1048576} MB）：请检查文件 (xlsx inflates to more than {MAX_UNPACKED_BYTES // 1048576} MB)")
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise Unreadable(f"这个 Excel 文件中的 {part.filename} 压缩比异常（{part.file_size // max(part.compress_size, 1):,} 倍），不像是正常保存的表格：请在 Excel/WPS 中重新另存为 .xlsx (suspicious compression ratio)")
        if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", part.filename):
            continue
        with archive.open(part) as f:
            head = f.read(64 * 1024)
            found = _DIMENSION.search(head)
            if found:
                _, _, columns, rows = range_boundaries(found.group(1).decode())
                if rows > MAX_ROWS or columns > MAX_COLUMNS:
                    raise Unreadable(f"这个 Excel 表格声明有 {rows:,} 行 × {columns:,} 栏（{part.filename}），一份清单最多 {MAX_ROWS:,} 行、{MAX_COLUMNS} 栏：请删掉表格外多余的行和栏，或复制到新表格后再导入 (sheet declares {rows} rows × {columns} columns)")
            rows = _count_rows(head, f)
        if rows > MAX_ROWS:
            raise Unreadable(f"这个 Excel 表格有 {rows:,} 行以上（{part.filename}），一份清单最多 {MAX_ROWS:,} 行：请检查是不是选错了文件 (more than {MAX_ROWS} rows)")


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(head: bytes, rest) -> int:
    """Rows in a sheet's XML, counted in 1 MB pieces by a regular expression
    (far cheaper than openpyxl reading each row), stopping past MAX_ROWS."""
    count, carry, chunk = 0, b"", head
    while chunk:
        chunk = carry + chunk
        cut = chunk.rfind(b"<")  # a tag split between pieces is counted with the next
        cut = cut if cut > 0 else len(chunk)
        count += len(_ROW.findall(chunk, 0, cut))
        if count > MAX_ROWS:
            break
        carry, chunk = chunk[cut:], rest.read(1 << 20)
    return count + len(_ROW.findall(carry)) if count <= MAX_ROWS else count


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
