"""Every row the five government documents publish is in content/lists/,
in that region's own wording. The tables are read straight from the documents
(tests/source_tables.py), not from our YAML."""
from __future__ import annotations

import pytest
import yaml

import source_tables as src
from conftest import CONTENT

pytestmark = pytest.mark.skipif(
    not src.SOURCES.is_dir(),
    reason=f"{src.SOURCES} is absent (a user's own clone without ../shared/): cannot compare with the source documents",
)


def rows_of(list_file: str) -> list[dict]:
    data = yaml.safe_load((CONTENT / "lists" / list_file).read_text(encoding="utf-8"))
    return data["rows"]


S = src.squeeze

NOT_ISSUED = [
    ("shaanxi/buyu-chuju.yaml", src.shaanxi_not_issued),
    ("guangxi/buyu-chuju.yaml", src.guangxi_not_issued),
    ("panzhihua/buyu-chuju.yaml", src.panzhihua_not_issued),
    ("chongqing/buyu-chuju.yaml", src.chongqing_not_issued),
]


@pytest.mark.parametrize("list_file,table", NOT_ISSUED, ids=[f for f, _ in NOT_ISSUED])
def test_not_issued_rows_match_the_document(list_file, table):
    ours = rows_of(list_file)
    theirs = table()
    assert len(ours) == len(theirs)
    for number, (row, cells) in enumerate(zip(ours, theirs), 1):
        assert S(row["name"]) == cells[1], f"{list_file} row {number}: name"
        assert S(row["route"]) == cells[2], f"{list_file} row {number}: 办事途径"
        if len(cells) > 3:  # 重庆's 备注 column
            assert S(row.get("note", "")) == cells[3], f"{list_file} row {number}: 备注"


def test_panzhihua_retained_rows_match_the_document():
    ours = rows_of("panzhihua/baoliu.yaml")
    theirs = src.panzhihua_retained()
    assert len(ours) == len(theirs) == 7
    for row, (_, name, category, used_by, issued_by, purpose) in zip(ours, theirs):
        assert (S(row["name"]), S(row["category"]), S(row["requested_by"]), S(row["issued_by"]), S(row["purpose"])) == (
            name, category, used_by, issued_by, purpose)


def test_chongqing_retained_rows_match_the_document():
    ours = rows_of("chongqing/baoliu.yaml")
    theirs = src.chongqing_retained()
    assert len(ours) == len(theirs) == 7
    for row, (_, name, requester, purpose, basis, method, note) in zip(ours, theirs):
        assert S(row["name"]) == name
        assert S(row["requested_by"]) == requester
        assert S(row["purpose"]) == purpose
        assert S("".join(row["clauses"])) == basis  # every clause, in order, nothing added
        assert S(row["method"]) == method
        assert S(row["note"]) == note


def test_all_104_source_rows_are_transcribed():
    counts = {
        "shaanxi": len(rows_of("shaanxi/buyu-chuju.yaml")),
        "guangxi": len(rows_of("guangxi/buyu-chuju.yaml")),
        "panzhihua": len(rows_of("panzhihua/buyu-chuju.yaml")) + len(rows_of("panzhihua/baoliu.yaml")),
        "chongqing": len(rows_of("chongqing/buyu-chuju.yaml")) + len(rows_of("chongqing/baoliu.yaml")),
    }
    assert counts == {"shaanxi": 20, "guangxi": 20, "panzhihua": 27, "chongqing": 37}
    assert sum(counts.values()) == 104


def test_guangxi_template_example_is_not_a_retained_item():
    (example,) = src.guangxi_template_rows()
    assert example[0] == "示例"
    names = {S(row["name"]) for path in (CONTENT / "lists").rglob("*.yaml") if path.parent != CONTENT / "lists"
             for row in yaml.safe_load(path.read_text(encoding="utf-8"))["rows"]}
    assert example[1] not in names
    assert not (CONTENT / "lists" / "guangxi" / "baoliu.yaml").exists()


def test_national_list_is_the_copy_labelled_as_the_national_list():
    """全国 text comes from 广西 附件1, which says 民发〔2020〕20号文件公布."""
    assert "（民发〔2020〕20号文件公布）" in src.read(src.GUANGXI)
    national = rows_of("quanguo/buyu-chuju.yaml")
    for row, cells in zip(national, src.guangxi_not_issued()):
        assert (S(row["name"]), S(row["route"])) == (cells[1], cells[2])


def test_regional_wording_differences_are_kept():
    """广西 differs from 陕西 in rows 1, 10, 13, 17, 19, 20 — both kept as published."""
    shaanxi = rows_of("shaanxi/buyu-chuju.yaml")
    guangxi = rows_of("guangxi/buyu-chuju.yaml")
    differing = [i + 1 for i, (a, b) in enumerate(zip(shaanxi, guangxi)) if S(a["route"]) != S(b["route"])]
    # rows 14–16 differ only in ASCII vs full-width punctuation in 广西's copy
    assert {1, 10, 13, 17, 19, 20} <= set(differing)


# Our transcriptions: which file of ../shared/sources/ holds the document each
# citation names, by (issuer, title) as the lists cite it. This is a development
# check of our own work; a list file records only its citation (and optionally a
# copy in content/sources/), never this folder.
TRANSCRIBED_FROM = {
    ("陕西省民政厅等六部门", "陕西省民政厅等六部门关于改进和规范基层群众性自治组织出具证明工作的通知"): "000_1eafb20ae9fb7107.txt",
    ("广西壮族自治区民政厅等六部门", "广西壮族自治区民政厅等六部门关于印发《全区改进和规范基层群众性自治组织出具证明工作实施方案》的通知"): "001_00f4098c67a0a0ac.txt",
    ("广西壮族自治区民政厅等六部门", "《全区改进和规范基层群众性自治组织出具证明工作实施方案》附件1（民发〔2020〕20号文件公布）"): "001_00f4098c67a0a0ac.txt",
    ("攀枝花市民政局", "攀枝花市民政局关于巩固社区减负“回头看”成果健全社区减负长效机制的通知"): "002_28443f554196a4d1.txt",
    ("重庆市渝北区民政局办公室", "渝北区“社区万能章”治理专项行动实施方案"): "003_8c137975a14580ff.txt",
}


def _cited(path: str) -> tuple[str, str]:
    source = yaml.safe_load((CONTENT / "lists" / path).read_text(encoding="utf-8"))["source"]
    return source["issuer"], source["title"]


# Lists a clerk added from documents that are not in ../shared/sources/ are
# checked by the build (their citation, and their copy's hash), not here.
OURS = sorted(
    rel for rel in (p.relative_to(CONTENT / "lists").as_posix() for p in (CONTENT / "lists").rglob("*/*.yaml")) if _cited(rel) in TRANSCRIBED_FROM
)


def test_every_source_document_is_cited():
    """Each of the documents we transcribed is cited by at least one list."""
    cited = {TRANSCRIBED_FROM[_cited(rel)] for rel in OURS}
    assert cited == {"000_1eafb20ae9fb7107.txt", "001_00f4098c67a0a0ac.txt", "002_28443f554196a4d1.txt", "003_8c137975a14580ff.txt"}
    for name in cited:
        assert (src.SOURCES / name).is_file(), name


@pytest.mark.parametrize("path", OURS)
def test_every_quoted_text_is_in_its_source_document(path):
    """Nothing in a list file's rows is written by us: every text is in the document."""
    data = yaml.safe_load((CONTENT / "lists" / path).read_text(encoding="utf-8"))
    document = S(src.read(TRANSCRIBED_FROM[_cited(path)]))
    for row in data["rows"]:
        for key in ("name", "route", "note", "category", "requested_by", "issued_by", "purpose", "method", "limits"):
            if key in row:
                assert S(row[key]) in document, f"{path}: {row['id']}.{key}"
        for key in ("covers", "former_names", "offices", "documents", "clauses"):
            for value in row.get(key, []):
                assert S(value) in document, f"{path}: {row['id']}.{key}: {value}"
        for exc in row.get("exceptions", []):
            assert S(exc["text"]) in document
    for number in data.get("basis", []) + [data.get("doc_number", "")]:
        assert S(number) in document or number == "民发〔2020〕20号", f"{path}: {number}"
