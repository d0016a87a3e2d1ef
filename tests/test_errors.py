"""Bad input: a clear path:line:col message in Chinese first, exit 1, and the
previously published site/ left byte-identical (MkDocs-style: each case builds
throwaway content from the real files plus one edit)."""
from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_content, run_build, tree_digest


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("published") / "site"
    done = run_build("--site", str(site))
    assert done.returncode == 0, done.stderr
    return site


def edit(content: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(content: Path, rel: str, needle: str, nth: int = 1) -> int:
    lines = (content / rel).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    return hits[nth - 1]


CQ = "lists/chongqing/buyu-chuju.yaml"
CQR = "lists/chongqing/baoliu.yaml"
PZH = "lists/panzhihua/buyu-chuju.yaml"

CASES = {
    # name: (file, old, new, needle for the expected line, expected field, expected message part)
    "broken yaml": (CQ, "- id: yangquan\n  name: 居民养犬证明", "- id: yangquan\n  name: 居民养犬证明\n   bad: [", "bad: [", "", "YAML 格式错误"),
    "missing required field": (PZH, "  route: 由街道（乡镇）社区戒毒社区康复机构出具。\n", "", "- id: jiedu-kangfu", "rows[5].route", "缺少必填字段 “route”"),
    "empty field": (PZH, "  route: 由街道（乡镇）社区戒毒社区康复机构出具。\n", "  route: ' '\n", "route: ' '", "rows[5].route", "不能为空"),
    "duplicate id": (CQ, "- id: jianzai\n", "- id: chusheng\n", ("- id: chusheng", 2), "rows[9].id", "重复"),
    "dangling exception reference": (CQ, "    - qinshu-budongchan-gongzheng", "    - qinshu-budongchan-gongzhen", "- qinshu-budongchan-gongzhen", "rows[0].exceptions[0].see[0]", "你是不是想写 “qinshu-budongchan-gongzheng”"),
    "unknown certificate id": (CQ, "- id: yangquan\n", "- id: yangqun\n", "- id: yangqun", "rows[3].id", "你是不是想写 “yangquan”"),
    "unknown region": (CQR, "region: chongqing", "region: chongqin", "region: chongqin", "region", "你是不是想写 “chongqing”"),
    "unknown field": (CQ, "  route: 无法律法规依据，不再由基层群众性自治组织出具此项证明\n  note: 渝府办发〔2018〕56号附件2《取消清单》第16项", "  rout: x\n  route: 无法律法规依据，不再由基层群众性自治组织出具此项证明\n  note: 渝府办发〔2018〕56号附件2《取消清单》第16项", "rout: x", "rows[21].rout", "未知字段 “rout”"),
    "invented office": (CQ, "  offices:\n  - 公安派出所", "  offices:\n  - 街道办事处", "- 街道办事处", "rows[0].offices[0]", "没有逐字出现"),
    "wrong kind": (CQR, "kind: 保留", "kind: 保存", "kind: 保存", "kind", "只能是以下之一：不予出具、保留"),
    "region written as a list": (CQR, "region: chongqing", "region: [chongqing]", "region: [chongqing]", "region", "应为文字"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_and_site_untouched(name, published, tmp_path):
    rel, old, new, needle, field, message = CASES[name]
    content = copy_content(tmp_path)
    edit(content, rel, old, new)
    before = tree_digest(published)
    done = run_build("--content", str(content), "--site", str(published))
    assert done.returncode == 1, done.stdout + done.stderr
    line = line_of(content, rel, *needle) if isinstance(needle, tuple) else line_of(content, rel, needle)
    shown = str(content / rel)
    pattern = re.escape(f"{shown}:{line}:") + r"\d+: " + (re.escape(field) + ": " if field else "") + ".*" + re.escape(message)
    assert re.search(pattern, done.stderr), done.stderr
    assert "网站未更新" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_digest(published) == before
    assert not list(published.parent.glob("site.new-*")), "half-built folder left behind"


def test_all_problems_reported_in_one_run(tmp_path):
    content = copy_content(tmp_path)
    edit(content, CQ, "- id: yangquan\n", "- id: yangqun\n")
    edit(content, PZH, "  route: 由街道（乡镇）社区戒毒社区康复机构出具。\n", "")
    edit(content, CQR, "kind: 保留", "kind: 保存")
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1
    assert "yangqun" in done.stderr and "rows[5].route" in done.stderr and "kind" in done.stderr
    assert "共 3 个问题" in done.stderr


def test_check_reports_core_files_and_lists_in_one_run(tmp_path):
    """certificates.yaml and regions.yaml failing their schemas do not hide
    the list files' problems: the lists are still checked against the ids
    those files give."""
    content = golden_copy(tmp_path)
    edit(content, "lists/certificates.yaml", "  name: 居民养犬证明\n", "  nmae: 居民养犬证明\n")
    edit(content, "lists/regions.yaml", "  level: 省级\n", "  level: 省份\n")
    edit(content, CQ, "- id: yangquan\n", "- id: yangqun\n")
    edit(content, CQ, "  offices:\n  - 公安派出所", "  offices:\n  - 街道办事处")
    edit(content, CQR, "kind: 保留", "kind: 保存")
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    expected = [
        ("lists/certificates.yaml", line_of(content, "lists/certificates.yaml", "nmae: 居民养犬证明"), "未知字段 “nmae”"),
        ("lists/certificates.yaml", line_of(content, "lists/certificates.yaml", "- id: yangquan"), "缺少必填字段 “name”"),
        ("lists/regions.yaml", line_of(content, "lists/regions.yaml", "level: 省份"), "只能是以下之一"),
        (CQ, line_of(content, CQ, "- id: yangqun"), "你是不是想写 “yangquan”"),
        (CQ, line_of(content, CQ, "- 街道办事处"), "没有逐字出现"),
        (CQR, line_of(content, CQR, "kind: 保存"), "只能是以下之一"),
    ]
    for rel, line, message in expected:
        assert re.search(re.escape(f"{content / rel}:{line}:") + r"\d+: .*" + re.escape(message), done.stderr), (rel, message, done.stderr)
    problems = done.stderr.strip().splitlines()[:-1]
    assert f"共 {len(problems)} 个问题" in done.stderr and len(problems) == len(expected), done.stderr


def test_an_undated_list_is_told_the_line_to_add(tmp_path):
    """A list whose document gives no date, written by hand without
    published_on_site: check and build refuse it, naming the line to add;
    with that line added as told, its feed entry is dated by it."""
    content = golden_copy(tmp_path)
    edit(content, CQR, "  date: '2020-12-03'\n", "")
    site = tmp_path / "site"
    for command in (["check"], ["--site", str(site)]):
        done = run_build("--content", str(content), *command)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        told = re.search(re.escape(f"{content / CQR}:") + r"(\d+):1: published_on_site: .*加一行 (published_on_site: '(\d{4}-\d{2}-\d{2})')", done.stderr)
        assert told, done.stderr
        assert int(told[1]) == line_of(content, CQR, "kind: 保留")
    assert not site.exists()
    lines = (content / CQR).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(int(told[1]), told[2] + "\n")
    (content / CQR).write_text("".join(lines), encoding="utf-8")
    done = run_build("--content", str(content), "--site", str(site))
    assert done.returncode == 0, done.stderr
    feed = (site / "chongqing" / "biangeng" / "feed.xml").read_text(encoding="utf-8")
    entry = next(e for e in feed.split("<entry>")[1:] if "保留" in e)
    assert f"<published>{told[3]}T" in entry and f"原文未载明日期；本站 {told[3]} 起收录" in entry


def test_check_passes_on_real_content():
    done = run_build("check")
    assert done.returncode == 0, done.stderr
    lists = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "content" / "lists").glob("*/*.yaml")]
    assert f"{len(lists)} 份清单，{sum(len(d['rows']) for d in lists)} 行" in done.stdout, done.stdout


def test_missing_file_is_reported(tmp_path):
    content = copy_content(tmp_path)
    (content / "lists" / "certificates.yaml").unlink()
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1
    assert "certificates.yaml:1:1: 缺少这个文件" in done.stderr


def test_duplicate_key_is_reported(tmp_path):
    content = copy_content(tmp_path)
    edit(content, CQR, "kind: 保留\n", "kind: 保留\nkind: 保留\n")
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1
    second = line_of(content, CQR, "kind: 保留", 2)
    assert f"{content / CQR}:{second}:1: kind: 字段重复出现" in done.stderr


def test_second_list_of_same_kind_is_rejected(tmp_path):
    content = copy_content(tmp_path)
    (content / "lists" / "chongqing" / "copy.yaml").write_text((content / CQR).read_text(encoding="utf-8"), encoding="utf-8")
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1
    assert "已有一份“保留”清单" in done.stderr


# ---------------------------------------------------------------- careless and hostile input
#
# Each case of tests/bad_inputs/*.yaml (and each generated one below) is built
# from a copy of the golden content, by build.py in its own process under a
# 10 s timeout and a 1 GB memory limit: exit 1, one Chinese message naming file
# and line, no traceback, the published site/ unchanged, nothing left behind.

BAD_INPUTS = Path(__file__).resolve().parent / "bad_inputs"
GOLDEN_CONTENT = ROOT / "tests" / "golden" / "content"
LIMIT_SECONDS = 10
LIMIT_BYTES = 1024 ** 3


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run_limited(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """build.py with the corpus's limits: a hang or a runaway allocation fails the test."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=LIMIT_SECONDS, preexec_fn=_limited)


@pytest.fixture(scope="module")
def golden_published(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("golden-published") / "site"
    done = run_build("--content", str(GOLDEN_CONTENT), "--site", str(site))
    assert done.returncode == 0, done.stderr
    return site


def _corpus() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(BAD_INPUTS.glob("*.yaml"))}


CORPUS = _corpus()


def _apply(content: Path, case: dict) -> int:
    """Write the case's file (``text``) or edit a golden one (``replace``: the
    problem is expected on the edit's first line); the line expected."""
    path = content / case["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if "replace" in case:
        old, new = case["replace"]
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {case['file']}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text[: text.index(old)].count("\n") + 1
    path.write_text(case["text"], encoding="utf-8")
    return case["line"]


def assert_refused(done: subprocess.CompletedProcess, shown: str, line: int, message: str, field: str = "", closing: str = "网站未更新") -> None:
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out, out
    pattern = re.escape(f"{shown}:{line}:") + r"\d+: " + (re.escape(field) + ": " if field else "") + ".*" + re.escape(message)
    assert re.search(pattern, done.stderr), f"want {shown}:{line}: … {message}\n{done.stderr}"
    assert closing in done.stderr


def build_refused(content: Path, site: Path, rel: str, line: int, message: str, field: str = "") -> None:
    before = tree_digest(site)
    done = run_limited("--content", str(content), "--site", str(site))
    assert_refused(done, str(content / rel), line, message, field)
    assert tree_digest(site) == before
    assert not [p.name for p in site.parent.iterdir() if p.name != site.name], "build left something beside site/"


def golden_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(GOLDEN_CONTENT, content)
    return content


@pytest.mark.parametrize("name", CORPUS)
def test_bad_input_corpus(name, golden_published, tmp_path):
    case = CORPUS[name]
    content = golden_copy(tmp_path)
    line = _apply(content, case)
    build_refused(content, golden_published, case["file"], line, case["message"], case.get("field", ""))


def _deep_flow(content: Path) -> None:
    (content / "lists/chongqing/deep.yaml").write_text("a: " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")


def _long_text(content: Path) -> None:
    (content / "lists/chongqing/long.yaml").write_text("region: chongqing\ntitle: " + "长" * 1_000_000 + "\n", encoding="utf-8")


def _huge_file(content: Path) -> None:
    row = "- id: shouyang\n  name: 国内公民办理收养证明\n  purpose: " + "收养" * 100 + "\n"
    (content / "lists/chongqing/huge.yaml").write_text("rows:\n" + row * 30_000, encoding="utf-8")


def _folder_named_yaml(content: Path) -> None:
    (content / "lists/chongqing/xinde.yaml").mkdir()


def _fifo(content: Path) -> None:
    os.mkfifo(content / "lists/chongqing/xinde.yaml")


def _device(content: Path) -> None:
    (content / "lists/chongqing/xinde.yaml").symlink_to("/dev/zero")


def _symlink_loop(content: Path) -> None:
    (content / "lists/chongqing/loop").symlink_to(content / "lists")


GENERATED = {
    # name: (make the bad input, file, line, message)
    "200,000-deep flow nesting": (_deep_flow, "lists/chongqing/deep.yaml", 1, "嵌套太深"),
    "1,000,000-character text": (_long_text, "lists/chongqing/long.yaml", 2, "这一项文字太长"),
    "9 MB file": (_huge_file, "lists/chongqing/huge.yaml", 1, "文件太大"),
    "folder named x.yaml": (_folder_named_yaml, "lists/chongqing/xinde.yaml", 1, "这是一个文件夹"),
    "pipe named x.yaml": (_fifo, "lists/chongqing/xinde.yaml", 1, "这不是普通文件"),
    "link to /dev/zero": (_device, "lists/chongqing/xinde.yaml", 1, "这不是普通文件"),
}


@pytest.mark.parametrize("name", GENERATED)
def test_generated_bad_input(name, golden_published, tmp_path):
    make, rel, line, message = GENERATED[name]
    content = golden_copy(tmp_path)
    make(content)
    build_refused(content, golden_published, rel, line, message)


def test_symlink_loop_in_content_is_walked_once(tmp_path):
    content = golden_copy(tmp_path)
    _symlink_loop(content)
    done = run_limited("--content", str(content), "check")
    assert done.returncode == 0, done.stderr


def test_every_schema_pattern_is_anchored():
    """A pattern is a search in JSON Schema: each one of the content schemas
    states both ends. (data.schema.json describes the published open data, not
    input; its URL patterns check only the scheme, and it is versioned.)"""
    for path in sorted((ROOT / "content" / "schema").glob("*.schema.json")):
        if path.name == "data.schema.json":
            continue
        for pattern in re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")):
            assert pattern.startswith("^") and pattern.endswith("$"), f"{path.name}: {pattern}"


# ---------------------------------------------------------------- import: a table file read with limits


def _xlsx(path: Path, rows: int = 3, dimension: str = "") -> Path:
    """A workbook saved by openpyxl whose first sheet's XML is replaced by
    ``rows`` rows (序号, 证明名称, 办事途径), declaring ``dimension`` if given."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    book.create_sheet().append(["序号"])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n - 1 if n > 1 else "序号"}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>{"居民养犬证明" if n > 1 else "证明名称"}</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>{"向公安机关申请" if n > 1 else "办事途径"}</t></is></c></row>'
        for n in range(1, rows + 1)
    )
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"{dimension}<sheetData>{cells}</sheetData></worksheet>")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item))
    plain.unlink()
    return path


def _bomb(path: Path, megabytes: int) -> Path:
    """A workbook with one more part of ``megabytes`` of spaces: a few KB packed."""
    import zipfile

    _xlsx(path.with_suffix(".base.xlsx"))
    with zipfile.ZipFile(path.with_suffix(".base.xlsx")) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        with out.open("xl/media/padding.xml", "w") as f:
            block = b" " * (1024 * 1024)
            for _ in range(megabytes):
                f.write(block)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


IMPORTS = {
    # name: (make the file in a folder, expected line, expected message)
    "xlsx declaring a huge sheet": (lambda d: _xlsx(d / "huge.xlsx", dimension='<dimension ref="A1:XFD1048576"/>'), 1, "声明有 1,048,576 行 × 16,384 栏"),
    "xlsx inflating to 101 MB": (lambda d: _bomb(d / "bomb.xlsx", 101), 1, "解压后有 101 MB"),
    "xlsx part inflating 1000-fold": (lambda d: _bomb(d / "ratio.xlsx", 2), 1, "压缩比异常"),
    "xlsx of 5,001 rows declaring none": (lambda d: _xlsx(d / "rows.xlsx", rows=5_001), 1, "这个 Excel 表格有 5,001 行以上"),
    "xlsx that is no zip": (lambda d: _write(d / "fake.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 600), 1, "这不是有效的 .xlsx 文件"),
    "UTF-16 CSV cut mid-character": (lambda d: _write(d / "cut.csv", "序号,证明名称\n1,养犬".encode("utf-16") + b"\x00"), 1, "UTF-16"),
    "UTF-16 CSV without BOM": (lambda d: _write(d / "le.csv", "序号,证明名称\n".encode("utf-16-le")), 1, "没有 BOM 的 UTF-16"),
    "binary file named .csv": (lambda d: _write(d / "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), 1, "这不是文字表格"),
    "xlsx named .csv": (lambda d: _write(d / "book.csv", (d / _xlsx(d / "real.xlsx").name).read_bytes()), 1, "这其实是一个 Excel（.xlsx）文件"),
    "neither UTF-8 nor GBK": (lambda d: _write(d / "mixed.csv", "序号,证明名称\n1,养犬\n".encode() + b"\xff\xff\xff\n"), 3, "文件编码认不出来"),
    "131,073-character cell": (lambda d: _write(d / "long.csv", ("序号,证明名称\n1," + "长" * 131_073 + "\n").encode()), 2, "有一格太长"),
    "20,000-character cell": (lambda d: _write(d / "cell.csv", ("序号,证明名称\n1," + "长" * 20_000 + "\n").encode()), 2, "这一格有 20,000 个字"),
    "200 columns": (lambda d: _write(d / "wide.csv", (",".join(["序号", "证明名称"] + ["x"] * 198) + "\n").encode()), 1, "超过 100 栏"),
    "21 MB CSV": (lambda d: _write(d / "big.csv", b"1,a\n" * (21 * 256 * 1024)), 1, "文件太大"),
    "old .xls workbook": (lambda d: _write(d / "old.xls", b"\xd0\xcf\x11\xe0"), 1, "不能直接读取 .xls 文件"),
    "folder named .csv": (lambda d: (d / "folder.csv").mkdir() or d / "folder.csv", 1, "找不到这个文件"),
    "pipe named .csv": (lambda d: os.mkfifo(d / "pipe.csv") or d / "pipe.csv", 1, "找不到这个文件"),
}


@pytest.mark.parametrize("name", IMPORTS)
def test_bad_table_import(name, tmp_path):
    make, line, message = IMPORTS[name]
    files = tmp_path / "files"
    files.mkdir()
    path = make(files)
    content = golden_copy(tmp_path)
    before = tree_digest(content)
    done = run_limited("--content", str(content), "import", str(path), "--region", "chongqing", "--kind", "不予出具")
    assert_refused(done, str(path), line, message, closing="没有写任何文件")
    assert tree_digest(content) == before


# ---------------------------------------------------------------- CSV downloads: no cell runs as a formula


def test_csv_header_from_column_labels_is_guarded(tmp_path):
    """A column label is content too: one written as a formula reaches the
    CSV header as text (a leading apostrophe), as every other cell does."""
    import csv

    from build import build

    content = golden_copy(tmp_path)
    formula = '=HYPERLINK("http://example.com/","点这里")'
    path = content / "lists/chongqing/baoliu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  purpose: 证明用途\n", f"  purpose: '{formula}'\n", 1), encoding="utf-8")
    site = tmp_path / "site"
    build(content, site, search_index=False)
    with open(site / "data/lists/chongqing/baoliu.csv", encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    cells = [c for row in table for c in row]
    assert "'" + formula in table[0]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


# ---------------------------------------------------------------- long names in pictures and QR codes


def test_share_picture_of_a_very_long_name_is_cut_to_fit():
    import io
    import time

    from PIL import Image

    from sitegen.wechat import SHARE_SIZE, share_png

    started = time.monotonic()
    png = share_png("长" * 1_000_000, "题" * 10_000)
    assert time.monotonic() - started < 5
    assert Image.open(io.BytesIO(png)).size == (SHARE_SIZE, SHARE_SIZE)


def test_longest_address_the_schemas_allow_fits_a_qr_code():
    """base_url (200 characters at most) + region id + certificate id (60 each):
    every page address a valid site can have is encodable."""
    import json

    from sitegen import urls
    from sitegen.qr import qr_svg

    schema = json.loads((ROOT / "content/schema/site.schema.json").read_text(encoding="utf-8"))
    longest = schema["properties"]["base_url"]["maxLength"]
    base = "https://" + "a" * (longest - len("https://") - 1) + "/"
    assert len(base) == longest
    url = urls.absolute(base, urls.item("r" * 60, "c" * 60))
    assert qr_svg(url).startswith("<svg")


# ---------------------------------------------------------------- commands: a message, never a traceback

COMMANDS = {
    # name: (arguments, exit status, expected message)
    "site under a file": (["--site", "/dev/null/site"], 1, "/dev/null:1:1: 无法写入输出文件夹"),
    "site where nothing can be made": (["--site", "/proc/zhengming-site"], 1, "无法写入输出文件夹"),
    "content folder missing": (["--content", "/nonexistent-content", "check"], 1, "site.yaml:1:1: 缺少这个文件"),
    "import written where nothing can be": (["import", str(ROOT / "tests/fixtures/chongqing-buyu-chuju.csv"), "--region", "chongqing", "--kind", "不予出具", "--output", "/proc/x.yaml"], 1, "无法读写"),
    "import of a file that is not there": (["import", "/nonexistent.csv", "--region", "chongqing", "--kind", "不予出具"], 1, "/nonexistent.csv:1:1: 找不到这个文件"),
    "serve on a port that cannot be": (["serve", "--port", "99999"], 2, "端口要写 1 到 65535 之间的数字"),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_command_failure_is_a_message(name):
    args, status, message = COMMANDS[name]
    done = run_limited(*args)
    out = done.stdout + done.stderr
    assert done.returncode == status, out
    assert "Traceback" not in out and message in done.stderr, out


def _doc_key(message: str) -> str:
    """The fixed words a message starts with (before a name, a number or a quote)."""
    return re.split(r"[“（：，(0-9]|U\+", message)[0].strip()


def test_error_table_in_docs_covers_the_corpus():
    table = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    messages = [c["message"] for c in CORPUS.values()] + [m for *_, m in GENERATED.values()] + [m for *_, m in IMPORTS.values()]
    missing = sorted({_doc_key(m) for m in messages if _doc_key(m) not in table})
    assert all(len(_doc_key(m)) >= 2 for m in messages)
    assert missing == []


def test_nesting_is_refused_exactly_when_deeper_than_the_limit():
    """Every mix of block maps and lists (YAML's dumper and compact "- - x"
    forms) from 1 to 30 levels: refused as too deep exactly above MAX_DEPTH."""
    import random

    from sitegen import load

    rng = random.Random(22)

    def nest(depth: int):
        value = "叶"
        for _ in range(depth):
            value = {"k": value} if rng.random() < 0.5 else [value]
        return value

    def real_depth(text: str) -> int:
        depth = best = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                best = max(best, depth)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        return best

    for depth in range(1, 31):
        for _ in range(20):
            for text in (yaml.safe_dump(nest(depth), allow_unicode=True, default_flow_style=False, indent=rng.choice([2, 4])),
                         "- " * depth + "x\n"):
                refused = any("嵌套太深" in p.message for p in load.parse(text, "x.yaml")[1])
                assert refused == (real_depth(text) > load.MAX_DEPTH), text
