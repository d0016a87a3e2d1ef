"""Spreadsheet import: each source document's tables, pasted into CSV/xlsx the
way a clerk would (tests/fixtures/, made from ../shared/sources/ by
tests/fixtures/make_fixtures.py), become exactly the rows in content/lists/;
export → import is a round trip; tables it cannot read are reported with
file:line:column."""
from __future__ import annotations

import csv
import hashlib
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import source_tables as src
from conftest import CONTENT, ROOT, copy_content, run_build
from fixtures.small_content import small_content
from sitegen import tables
from sitegen.cascade import resolve
from sitegen.importer import Refused, import_table, join_lines, split_clauses
from sitegen.load import load, parse
from sitegen.validate import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CASES = [
    # fixture, --region as a clerk might type it, --kind, the list file it must reproduce
    ("shaanxi-buyu-chuju.csv", "shaanxi", "不予出具", "shaanxi/buyu-chuju.yaml"),
    ("guangxi-buyu-chuju.csv", "广西壮族自治区", "不予出具", "guangxi/buyu-chuju.yaml"),
    ("guangxi-buyu-chuju.csv", "quanguo", "不予出具", "quanguo/buyu-chuju.yaml"),  # the national text is transcribed from 广西 附件1
    ("panzhihua-buyu-chuju.xlsx", "攀枝花市", "不予出具", "panzhihua/buyu-chuju.yaml"),
    ("panzhihua-baoliu.txt", "panzhihua", "保留", "panzhihua/baoliu.yaml"),
    ("chongqing-buyu-chuju.csv", "重庆市", "不予出具", "chongqing/buyu-chuju.yaml"),
    ("chongqing-baoliu.csv", "chongqing", "依法出具", "chongqing/baoliu.yaml"),
]
IDS = [f"{c[0]}->{c[3]}" for c in CASES]
DOCUMENT_KEYS = ("name", "route", "note", "category", "requested_by", "issued_by", "matters", "purpose", "clauses", "method")


def data_of(text: str) -> dict:
    """A YAML text read by the site's own loader."""
    doc, problems = parse(text, "x.yaml")
    assert not problems, problems
    return doc.data


def current(list_file: str) -> dict:
    return data_of((CONTENT / "lists" / list_file).read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture,region,kind,list_file", CASES, ids=IDS)
def test_pasted_table_reproduces_the_list_file(fixture, region, kind, list_file):
    result = import_table(FIXTURES / fixture, region, kind, CONTENT, ROOT)
    assert result.problems == []
    assert result.path == CONTENT / "lists" / list_file
    assert data_of(result.text) == current(list_file)


@pytest.mark.parametrize("fixture,region,kind,list_file", CASES, ids=IDS)
def test_pasted_table_into_a_region_without_the_list(fixture, region, kind, list_file, tmp_path):
    """A first import (no list file yet): every document column and every
    certificate id comes out right; header fields are left for the clerk."""
    content = copy_content(tmp_path)
    (content / "lists" / list_file).unlink()
    result = import_table(FIXTURES / fixture, region, kind, content, tmp_path)
    assert result.problems == []
    assert result.path == content / "lists" / list_file
    ours, theirs = data_of(result.text), current(list_file)
    assert ours["region"] == theirs["region"] and ours["kind"] == theirs["kind"]
    assert ours["columns"] == theirs["columns"]
    assert "title" not in ours and "source" not in ours  # never guessed
    assert [r["id"] for r in ours["rows"]] == [r["id"] for r in theirs["rows"]]
    for mine, orig in zip(ours["rows"], theirs["rows"]):
        assert {k: mine.get(k) for k in DOCUMENT_KEYS} == {k: orig.get(k) for k in DOCUMENT_KEYS}, orig["id"]
    assert "# title: 清单标题" in result.text and "# source:" in result.text


def test_importing_again_before_filling_in_keeps_what_to_fill_in(tmp_path):
    """docs/editing.md: fix the cell in Excel and import again. The second import updates
    the file the first wrote; the header lines still to fill in (title, basis …) stay."""
    content = small_content(tmp_path, rows=None)
    (content / "lists" / "chongqing" / "buyu-chuju.yaml").unlink()
    command = ("--content", str(content), "import", str(FIXTURES / "chongqing-buyu-chuju.csv"), "--region", "重庆市", "--kind", "不予出具")
    target = content / "lists" / "chongqing" / "buyu-chuju.yaml"
    assert run_build(*command).returncode == 0
    first = target.read_text(encoding="utf-8")
    assert run_build(*command).returncode == 0
    second = target.read_text(encoding="utf-8")
    to_fill = [line for line in first.splitlines() if line.startswith("# ") and ":" in line]
    assert any(line.startswith("# title:") for line in to_fill) and any(line.startswith("# basis:") for line in to_fill)
    assert [line for line in second.splitlines() if line in to_fill] == to_fill
    assert data_of(second) == data_of(first)


def test_a_pipe_among_the_list_files_does_not_hold_up_an_import(tmp_path):
    """A pipe named *.yaml under content/lists/ (make check names it) is not read for ever."""
    content = small_content(tmp_path, rows=None)
    os.mkfifo(content / "lists" / "chongqing" / "x.yaml")
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(content), "import",
               str(FIXTURES / "chongqing-buyu-chuju.csv"), "--region", "重庆市", "--kind", "不予出具", "--output", "-"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "rows:" in done.stdout


def test_import_command_writes_a_file_the_build_accepts(tmp_path):
    content = copy_content(tmp_path)
    target = content / "lists" / "chongqing" / "buyu-chuju.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("公安派出所在核实后", "公安派出所核实后"), encoding="utf-8")
    done = run_build("--content", str(content), "import", str(FIXTURES / "chongqing-buyu-chuju.csv"), "--region", "重庆市", "--kind", "不予出具")
    assert done.returncode == 0, done.stderr
    assert "已写入" in done.stdout and "30 行" in done.stdout
    assert "第 4 行没有序号，已接到第 3 行（序号 2）的后面" in done.stdout  # what the paste did is said
    assert data_of(target.read_text(encoding="utf-8")) == current("chongqing/buyu-chuju.yaml")
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schema/list.schema.json\n")
    check = run_build("--content", str(content), "check")
    assert check.returncode == 0, check.stderr


def test_first_import_tells_what_to_fill_in(tmp_path):
    """The document's own file is kept in content/sources/ with its hash; what
    the clerk must copy from the document (title, issuer …) is left to fill in."""
    content = copy_content(tmp_path)
    (content / "lists" / "panzhihua" / "baoliu.yaml").unlink()
    document = tmp_path / "攀民政〔2021〕5号.txt"
    document.write_text("攀枝花市民政局文件（测试用的原文件副本）\n", encoding="utf-8")
    done = run_build("--content", str(content), "import", str(FIXTURES / "panzhihua-baoliu.txt"), "--region", "panzhihua", "--kind", "保留",
                     "--copy", str(document))
    assert done.returncode == 0, done.stderr
    kept = content / "sources" / document.name
    assert kept.read_bytes() == document.read_bytes()
    written = data_of((content / "lists" / "panzhihua" / "baoliu.yaml").read_text(encoding="utf-8"))
    assert written["source"] == {"copy": document.name, "sha256": hashlib.sha256(document.read_bytes()).hexdigest()}
    check = run_build("--content", str(content), "check")
    assert check.returncode == 1
    shown = content / "lists" / "panzhihua" / "baoliu.yaml"
    for field in ("title", "basis", "source.title", "source.issuer"):
        assert f"{field}: 缺少必填字段 “{field.split('.')[-1]}”" in check.stderr, check.stderr
    assert f"{shown}:" in check.stderr


def test_a_kept_copy_is_checked_against_its_hash(tmp_path):
    content = copy_content(tmp_path)
    lst = content / "lists" / "panzhihua" / "buyu-chuju.yaml"
    (content / "sources").mkdir()
    copy = content / "sources" / "通知.pdf"
    copy.write_bytes(b"%PDF-1.4 test copy")
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    text = lst.read_text(encoding="utf-8")
    lst.write_text(text.replace("source:\n", "source:\n  copy: 通知.pdf\n  sha256: " + "a" * 64 + "\n", 1), encoding="utf-8")
    check = run_build("--content", str(content), "check")
    assert check.returncode == 1
    line = next(i for i, t in enumerate(lst.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("  sha256:"))
    assert f"{lst}:{line}:11: source.sha256: content/sources/通知.pdf 与记录的不一致" in check.stderr, check.stderr
    assert digest in check.stderr  # the hash to write in, once the clerk has checked the file
    lst.write_text(text.replace("source:\n", f"source:\n  copy: 通知.pdf\n  sha256: {digest}\n", 1), encoding="utf-8")
    assert run_build("--content", str(content), "check").returncode == 0
    copy.unlink()
    check = run_build("--content", str(content), "check")
    assert check.returncode == 1 and "找不到本地副本 content/sources/通知.pdf" in check.stderr


def test_guangxi_template_example_row_is_reported_not_imported(tmp_path):
    with pytest.raises(Refused) as failed:
        import_table(FIXTURES / "guangxi-baoliu-template.csv", "guangxi", "保留", CONTENT, ROOT)
    messages = [str(p) for p in failed.value.problems]
    assert any(m.startswith("tests/fixtures/guangxi-baoliu-template.csv:2:1: 序号: 序号 “示例” 不是数字") for m in messages), messages
    content = copy_content(tmp_path)
    done = run_build("--content", str(content), "import", str(FIXTURES / "guangxi-baoliu-template.csv"), "--region", "guangxi", "--kind", "保留")
    assert done.returncode == 1 and "没有写任何文件" in done.stderr
    assert not (content / "lists" / "guangxi" / "baoliu.yaml").exists()


def exported(lst, path: Path) -> Path:
    header, rows = tables.list_to_rows(lst)
    path.write_bytes(tables.csv_bytes([header, *rows], bom=True))
    return path


@pytest.fixture(scope="module")
def real_lists():
    return resolve(validate(load(CONTENT, ROOT))).content.lists


def test_export_then_import_is_a_round_trip(real_lists, tmp_path):
    assert {lst.id for lst in real_lists} == {p.relative_to(CONTENT / "lists").with_suffix("").as_posix() for p in (CONTENT / "lists").glob("*/*.yaml")}
    for lst in real_lists:
        csv_file = exported(lst, tmp_path / f"{lst.id.replace('/', '-')}.csv")
        result = import_table(csv_file, lst.region, lst.kind, CONTENT, ROOT)
        assert result.problems == [], lst.id
        assert data_of(result.text) == current(f"{lst.id}.yaml"), lst.id


def test_export_then_import_into_an_empty_region_keeps_ids_and_text(real_lists, tmp_path):
    content = copy_content(tmp_path)
    for lst in real_lists:
        (content / "lists" / f"{lst.id}.yaml").unlink()
    for lst in real_lists:
        result = import_table(exported(lst, tmp_path / "t.csv"), lst.region, lst.kind, content, tmp_path)
        rows = data_of(result.text)["rows"]
        assert [r["id"] for r in rows] == [r.id for r in lst.rows]
        for mine, row in zip(rows, lst.rows):
            for key in DOCUMENT_KEYS:
                want = getattr(row, key)
                assert mine.get(key, [] if key == "clauses" else "") == (list(want) if key == "clauses" else want), (lst.id, row.id, key)


def test_excel_unicode_text_and_gbk_are_read(tmp_path):
    source = (FIXTURES / "chongqing-baoliu.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(source.splitlines(keepends=True)))
    utf16 = tmp_path / "unicode.txt"  # Excel "Unicode 文本": UTF-16 with BOM, tab-separated
    with open(utf16, "w", encoding="utf-16", newline="") as f:
        csv.writer(f, delimiter="\t", lineterminator="\r\n").writerows(rows)
    result = import_table(utf16, "chongqing", "保留", CONTENT, ROOT)
    assert data_of(result.text) == current("chongqing/baoliu.yaml")
    assert any("UTF-16" in n for n in result.notes)


# ------------------------------------------------------------------ what the paste does to a cell


@pytest.mark.parametrize("raw,joined", [
    ("户口登记项目内容\n变更申请证明", "户口登记项目内容变更申请证明"),
    ("居民身份信息证明\n\n（户籍证明）", "居民身份信息证明（户籍证明）"),
    ("疾病状况证明 (急诊证明、 意外伤害证明)", "疾病状况证明(急诊证明、意外伤害证明)"),
    ("渝府办发〔2018) 56号", "渝府办发〔2018)56号"),
    ("用 Microsoft\nExcel 2016 打开", "用Microsoft Excel 2016打开"),
    ("  <b>不变</b>  ", "<b>不变</b>"),  # markup is text: kept verbatim (the page escapes it)
])
def test_join_lines(raw, joined):
    assert join_lines(raw) == joined


def test_clauses_split_at_their_numbers_only():
    cell = "1.《中国公民收养子女登记办法》第五条。2.《国务院关于修改部分行政法规的决定》（国务院令第709号）。"
    assert split_clauses(cell) == ["1.《中国公民收养子女登记办法》第五条。", "2.《国务院关于修改部分行政法规的决定》（国务院令第709号）。"]
    assert split_clauses("1.《公证法》第十一条\n2.《重庆市城乡规划条例》第四十八条、四十九条") == ["1.《公证法》第十一条", "2.《重庆市城乡规划条例》第四十八条、四十九条"]
    assert split_clauses("《征兵工作条例》第\n2.5条") == ["《征兵工作条例》第2.5条"]  # 2.5 is not a clause number


# ------------------------------------------------------------------ tables it cannot read


def write_table(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def problems_of(path: Path, region="chongqing", kind="不予出具") -> list[str]:
    try:
        result = import_table(path, region, kind, CONTENT, ROOT)
    except Refused as failed:
        return [str(p) for p in failed.problems]
    return [str(p) for p in result.problems]


def test_unknown_column_is_named_with_a_suggestion(tmp_path):
    path = write_table(tmp_path / "t.csv", [["序号", "证明名称", "办理途经", "备注"], ["1", "亲属关系证明", "x", ""]])
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:1:3: 办理途经: 不认识的栏目 “办理途经”；你是不是想写 “办理途径”？")


def test_wrong_kind_is_explained(tmp_path):
    path = write_table(tmp_path / "t.csv", [["序号", "证明材料", "用证单位", "证明用途"], ["1", "门牌号变更证明", "市自然资源和规划局", "办理房产交易登记"]])
    (message,) = problems_of(path, kind="不予出具")
    assert "没有“办事途径”栏" in message and "--kind 保留" in message


def test_unreadable_rows_are_reported_and_the_rest_imported(tmp_path):
    path = write_table(tmp_path / "t.csv", [
        ["序号", "证明名称", "办事途径", "备注"],
        ["1", "亲属关系证明", "相关部门通过信息共享核对", ""],  # reworded: 公安派出所 no longer in it
        ["2", "居民养犬证明", "", ""],  # no 办事途径
        ["3", "健在证明", "信息共享核对", "", "多出来的一格"],  # a cell outside the columns
        ["4", "不存在的证明", "某部门", ""],  # no certificate of that name
        ["说明：以上为第一批", "", "", ""],
    ])
    messages = problems_of(path)
    shown = str(path)
    assert f"{shown}:3:3: 办事途径: 第 2 项缺少“办事途径”，这一行没有导入" in "\n".join(messages)
    assert any(m.startswith(f"{shown}:4:5: 这一格在表头的栏目之外") for m in messages)
    assert any(m.startswith(f"{shown}:5:2: 证明名称: “不存在的证明” 是新的证明") and "todo-1" in m for m in messages)
    assert any(m.startswith(f"{shown}:6:1: 序号: 序号 “说明：以上为第一批” 不是数字") for m in messages)
    assert len(messages) == 4
    result = import_table(path, "chongqing", "不予出具", CONTENT, ROOT)
    rows = data_of(result.text)["rows"]
    assert [r["id"] for r in rows] == ["qinshu-guanxi", "todo-1"]
    # the editor's quotes that no longer stand in the reworded route are dropped, and that is said
    assert "offices" not in rows[0] and "exceptions" not in rows[0]
    assert any("“公安派出所” 不再出现在新的原文中" in n for n in result.notes)
    assert "former_names" not in rows[0]  # 备注 is empty now
    done = run_build("--content", str(copy_content(tmp_path)), "import", str(path), "--region", "chongqing", "--kind", "不予出具", "--output", "-")
    assert done.returncode == 1 and "共 4 个问题" in done.stderr and "rows:" in done.stdout


def test_a_piece_without_a_row_above_is_reported(tmp_path):
    path = write_table(tmp_path / "t.csv", [["序号", "证明名称", "办事途径"], ["", "（户籍证明）", ""], ["1", "出生证明", "x"]])
    assert any(m.startswith(f"{path}:2:1: 序号: 这一行没有序号") for m in problems_of(path))


@pytest.mark.parametrize("args,message", [
    (["--region", "chongqin", "--kind", "不予出具"], "你是不是想写 “chongqing”"),
    (["--region", "chongqing", "--kind", "保存"], "清单种类只能是 不予出具 或 保留"),
])
def test_bad_region_or_kind(args, message):
    done = run_build("import", str(FIXTURES / "chongqing-baoliu.csv"), *args)
    assert done.returncode == 1 and message in done.stderr and "没有写任何文件" in done.stderr


def test_old_excel_file_is_explained(tmp_path):
    path = tmp_path / "清单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    (message,) = problems_of(path)
    assert "另存为” .xlsx 或 .csv" in message


@pytest.mark.skipif(not src.SOURCES.is_dir(), reason=f"{src.SOURCES} is absent: cannot regenerate the fixtures from the source documents")
def test_fixtures_are_what_the_generator_makes(tmp_path):
    """The committed fixtures come from the source documents (not from content/)."""
    copy = tmp_path / "fixtures"
    copy.mkdir()
    shutil.copy(FIXTURES / "make_fixtures.py", copy)
    runpy.run_path(str(copy / "make_fixtures.py"), run_name="__main__")
    made = sorted(p.name for p in copy.iterdir() if p.suffix in (".csv", ".txt", ".xlsx"))
    # hubei-* are made by make_hubei.py from content/'s national list (a test table, not a source document)
    committed = [p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".txt", ".xlsx") and not p.name.startswith("hubei-")]
    assert made == sorted(committed)
    for name in made:
        if name.endswith(".xlsx"):  # a workbook stores its creation time: compare the cells
            assert xlsx_cells(copy / name) == xlsx_cells(FIXTURES / name)
        else:
            assert (copy / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def xlsx_cells(path: Path) -> list[tuple]:
    import openpyxl

    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_two_columns_for_one_field_are_reported(tmp_path):
    path = write_table(tmp_path / "t.csv", [["序号", "证明名称", "证明材料", "办事途径"], ["1", "亲属关系证明", "亲属证明", "x"]])
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:1:3: 证明材料: 栏目 “证明材料” 和 “证明名称” 是同一栏")


def test_the_published_csv_downloads_import_back(built_site):
    """The round trip through the site itself: each list's CSV download
    (data/lists/…csv, as a journalist or a clerk in another office gets it)
    imports back to the same YAML data."""
    downloads = sorted((built_site / "data" / "lists").rglob("*.csv"))
    published = (CONTENT / "lists").glob("*/*.yaml")  # every current list (earlier versions are checked in test_history.py)
    assert {p.relative_to(CONTENT / "lists").as_posix()[:-5] for p in published} <= {d.relative_to(built_site / "data" / "lists").as_posix()[:-4] for d in downloads}
    downloads = [d for d in downloads if "history" not in d.parts]
    for csv_file in downloads:
        list_id = csv_file.relative_to(built_site / "data" / "lists").with_suffix("").as_posix()
        data = current(f"{list_id}.yaml")
        result = import_table(csv_file, data["region"], data["kind"], CONTENT, ROOT)
        assert result.problems == [], list_id
        assert data_of(result.text) == data, list_id


def test_a_region_name_must_be_exact(tmp_path):
    """湖南省 is not steered to a region with a similar name: an error with suggestions
    (content with a few regions: 湖北省 is new there even once a clerk has added it)."""
    content = small_content(tmp_path, rows=None)
    assert run_build("--content", str(content), "new-region", "湖北省", "--id", "hubei").returncode == 0
    path = write_table(tmp_path / "t.csv", [["序号", "证明名称", "办事途径"], ["1", "亲属关系证明", "x"]])
    done = run_build("--content", str(content), "import", str(path), "--region", "湖南省", "--kind", "不予出具")
    assert done.returncode == 1 and "没有写任何文件" in done.stderr
    assert f"{content / 'lists' / 'regions.yaml'}:1:1: region: 地区 “湖南省” 不在 regions.yaml 中" in done.stderr, done.stderr
    assert "你是不是想写" in done.stderr and "make new-region" in done.stderr
    assert not (content / "lists" / "hubei" / "buyu-chuju.yaml").exists()


def test_a_duplicated_row_is_reported_as_a_duplicate(tmp_path):
    path = write_table(tmp_path / "t.csv", [["序号", "证明名称", "办事途径"], ["1", "出生证明", "a"], ["2", "健在证明", "b"], ["3", "出生证明", "a"]])
    messages = problems_of(path)
    assert messages == [f"{path}:4:2: 证明名称: “出生证明” 重复：第 2 行（序号 1）已是这个证明；这一行没有导入 (duplicate row)"]


def test_a_header_synonym_is_reported_and_keeps_published_labels(tmp_path):
    """事项名称 is read as 证明名称; the list's published column names stay."""
    path = write_table(tmp_path / "t.csv", [["序号", "事项名称", "办理途径"], ["1", "亲属关系证明", "相关部门核对"]])
    result = import_table(path, "chongqing", "不予出具", CONTENT, ROOT)
    assert data_of(result.text)["columns"] == current("chongqing/buyu-chuju.yaml")["columns"]
    assert any("表头 “事项名称” 读作 name（证明名称）" in n and "保持不变" in n for n in result.notes), result.notes


def test_a_new_certificate_name_yaml_would_misread_is_written_quoted(tmp_path):
    """certificates.yaml stays readable whatever the table calls a new certificate."""
    content = copy_content(tmp_path)
    name = "*临时救助证明"  # a leading * is a YAML alias
    path = write_table(tmp_path / "t.csv", [["序号", "证明名称", "办事途径"], ["1", name, "x"]])
    done = run_build("--content", str(content), "import", str(path), "--region", "chongqing", "--kind", "不予出具")
    assert done.returncode == 1 and "是新的证明" in done.stderr and "已写入" in done.stdout
    certs = yaml.safe_load((content / "lists" / "certificates.yaml").read_text(encoding="utf-8"))["certificates"]
    assert certs[-1]["name"] == name
