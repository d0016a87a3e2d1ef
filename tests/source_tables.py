"""Read the list tables straight out of the five government documents.

This is deliberately independent of the site's own loader: it parses the
documents' text (``../shared/sources/``) with nothing but their table layout, so
the tests can compare what the documents publish with what ``content/lists/``
holds.  Every table is returned as a list of rows, each row a list of cells,
whitespace-free (the documents were extracted from PDF/Word and carry stray
line breaks and spaces inside words: "农村土地 承包经营 权办理变 更事项证 明").
"""
from __future__ import annotations

import re
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"

SHAANXI = "000_1eafb20ae9fb7107.txt"
GUANGXI = "001_00f4098c67a0a0ac.txt"
PANZHIHUA = "002_28443f554196a4d1.txt"
CHONGQING = "003_8c137975a14580ff.txt"
YUNNAN = "004_99e5a56b067ebebe.txt"


def squeeze(text: str) -> str:
    """Drop every whitespace character: the documents' breaks are layout only."""
    return re.sub(r"\s+", "", text)


def read(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


def between(text: str, start: str, end: str | None) -> str:
    """The text after the *last* ``start`` up to the next ``end``."""
    i = text.rindex(start) + len(start)
    if end is None:
        return text[i:]
    return text[i : text.index(end, i)]


def _tab_cells(section: str) -> list[str]:
    """Cells of a tab-laid-out table; a row number glued to the previous cell
    by a blank line ("…补办\\n\\n2\\n") becomes a cell of its own."""
    cells: list[str] = []
    for raw in section.split("\t"):
        m = re.match(r"(?s)^(.*\S)\s*\n\s*\n\s*(\d{1,2})\s*$", raw)
        if m:
            cells.extend([m.group(1), m.group(2)])
        else:
            cells.append(raw)
    return [squeeze(c) for c in cells]


def _rows(cells: list[str], header: list[str]) -> list[list[str]]:
    while cells and cells[0] == "":
        cells.pop(0)
    n = len(header)
    assert cells[:n] == header, (cells[:n], header)
    body = cells[n:]
    while body and body[-1] == "":
        body.pop()
    assert len(body) % n == 0, f"{len(body)} cells do not make rows of {n}"
    rows = [body[i : i + n] for i in range(0, len(body), n)]
    for number, row in enumerate(rows, 1):
        assert row[0] == str(number), f"row {number} starts with {row[0]!r}"
    return rows


def shaanxi_not_issued() -> list[list[str]]:
    """陕西: 序号, 证明名称, 办事途径 (20 rows)."""
    section = read(SHAANXI).split("\n附件\n")[-1]
    section = section.split("（第一批）", 1)[1]
    return _rows(_tab_cells(section), ["序号", "证明名称", "办事途径"])


def guangxi_not_issued() -> list[list[str]]:
    """广西 附件1: one row per line, tab-separated, header repeated per page."""
    section = between(read(GUANGXI), "（民发〔2020〕20号文件公布）", "附件 3")
    rows = []
    for line in section.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append([squeeze(p) for p in parts])
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    return rows


def guangxi_template_rows() -> list[list[str]]:
    """广西 附件3: the retained-list template; its only row is marked 示例."""
    section = between(read(GUANGXI), "附件 3", "填报人及联系方式")
    return [
        [squeeze(p) for p in line.split("\t")]
        for line in section.splitlines()
        if line.startswith("示例\t")
    ]


def panzhihua_not_issued() -> list[list[str]]:
    section = between(
        read(PANZHIHUA),
        "攀枝花市不应由基层群众性自治组织出具证明事项清单（第一批）\n",
        "\n附件2\n",
    )
    return _rows(_tab_cells(section), ["序号", "证明名称", "办事途径"])


def panzhihua_retained() -> list[list[str]]:
    section = read(PANZHIHUA).split(
        "攀枝花市保留的基层群众性自治组织出具证明事项清单（第一批）\n"
    )[-1]
    return _rows(
        _tab_cells(section),
        ["序号", "证明材料", "证明类别", "用证单位", "开具单位", "证明用途"],
    )


def chongqing_not_issued() -> list[list[str]]:
    section = between(
        read(CHONGQING), "（第一批）\n", "说明：本清单对民发〔2020〕20号负面清单20项"
    )
    return _rows(_tab_cells(section), ["序号", "证明名称", "办事途径", "备注"])


def chongqing_retained() -> list[list[str]]:
    section = between(
        read(CHONGQING), "证明事项清单\n", "说明：本清单对民发［2020］20号负面清单中6种"
    )
    return _rows(
        _tab_cells(section),
        ["序号", "事项名称", "要求提供证明单位", "证明用途", "依据", "证明方式", "备注"],
    )


def split_clauses(cell: str) -> list[str]:
    """"1.《…》第五条。2.《…》" → ["1.《…》第五条。", "2.《…》"]."""
    parts = re.split(r"(?<=[。）)\]】])(?=\d+\.)", cell)
    return [p for p in parts if p]


def raw_clauses(name: str, start: str, end: str) -> str:
    return between(read(name), start, end)
