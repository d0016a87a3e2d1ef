"""One failure formatter (sitegen/problems.py): whatever stops a build that a
user can cause — content, a template, the search index, the output folder —
comes out of `build.py`, `build.py check` and `build.py serve` alike as
`file:line:col: …` in Chinese, with exit 1, no traceback, and the published
site/ exactly as it was.

Each test breaks a real copy of the program (build.py, sitegen/, templates/)
in a temp folder and runs its build.py as a subprocess on the golden content."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, tree_digest

GOLDEN_CONTENT = ROOT / "tests" / "golden" / "content"
SUMMARY = "共 1 个问题，网站未更新 (1 problem(s); site/ left unchanged)"


@pytest.fixture
def program(tmp_path) -> Path:
    """A copy of the program beside a published site/ (any files: a failed
    build must leave them as they are)."""
    copy = tmp_path / "program"
    ignore = shutil.ignore_patterns("__pycache__")
    copy.mkdir()
    shutil.copy2(ROOT / "build.py", copy)
    for folder in ("sitegen", "templates", "content/schema"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    shutil.copytree(GOLDEN_CONTENT, copy / "golden")
    (copy / "site" / "chongqing").mkdir(parents=True)
    (copy / "site" / "index.html").write_text("<!doctype html><title>已发布</title>", encoding="utf-8")
    (copy / "site" / "chongqing" / "index.html").write_text("<!doctype html><title>重庆</title>", encoding="utf-8")
    return copy


def run(program: Path, *args: str, site: Path | None = None) -> subprocess.CompletedProcess:
    site = site or program / "site"
    return subprocess.run([sys.executable, str(program / "build.py"), "--content", str(program / "golden"), "--site", str(site), *args],
                          capture_output=True, text=True, cwd=program, timeout=300)


def assert_reported(done: subprocess.CompletedProcess, where: str, words: str) -> str:
    """Exit 1, no traceback, one problem line at ``where`` (a regex for
    file:line; a folder, having no lines, is shown at line 1) saying ``words``,
    then the summary; returns the problem line."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[1] == SUMMARY, done.stderr
    assert re.match(rf"{where}:\d+: ", lines[0]), lines[0]  # file:line:column
    assert words in lines[0], lines[0]
    return lines[0]


def assert_untouched(program: Path, before: dict[str, str]) -> None:
    assert tree_digest(program / "site") == before
    assert sorted(p.name for p in program.iterdir() if p.name.startswith("site.")) == []


def break_line(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in a template; the line number it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.fast
def test_template_syntax_error(program):
    before = tree_digest(program / "site")
    line = break_line(program / "templates" / "item.html", "{% if body.not_issued %}", "{% if %}")
    done = run(program)
    assert_reported(done, rf"templates/item\.html:{line}", "模板语法错误")
    assert_untouched(program, before)


def test_template_error_while_rendering(program):
    before = tree_digest(program / "site")
    line = break_line(program / "templates" / "region.html", "{{ body.region.full_name }}社区证明事项清单", "{{ body.region.full_name.no_such_field }}")
    done = run(program)
    problem = assert_reported(done, rf"templates/region\.html:{line}", "模板错误")
    assert "no_such_field" in problem and "生成页面" in problem
    assert_untouched(program, before)


def test_template_error_in_an_included_component(program):
    before = tree_digest(program / "site")
    line = break_line(program / "templates" / "components" / "hotline.html", "{{ params.number }}", "{{ params.number | no_such_filter }}")
    done = run(program)
    assert_reported(done, rf"templates/components/hotline\.html:{line}", "模板语法错误")
    assert_untouched(program, before)


def test_unwritable_output_folder(program, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    done = run(program, site=blocker / "site")
    assert_reported(done, re.escape(blocker.as_posix()) + ":1", "无法写入输出文件夹")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_failing_search_index(program):
    """A Pagefind that fails (a stand-in binary, found first on the copy's import path)."""
    before = tree_digest(program / "site")
    fake = program / "pagefind_bin_extended"
    fake.mkdir()
    (fake / "__init__.py").write_text("", encoding="utf-8")
    binary = fake / "pagefind_extended"
    binary.write_text("#!/bin/sh\necho 'Error: disk on fire' >&2\nexit 1\n", encoding="utf-8")
    binary.chmod(0o755)
    done = run(program)
    problem = assert_reported(done, r"site/pagefind:1", "pagefind 建立索引失败")
    assert "disk on fire" in problem
    assert_untouched(program, before)


def test_content_error_is_told_alike_by_build_and_check(program):
    before = tree_digest(program / "site")
    listed = sorted((program / "golden" / "lists").rglob("*.yaml"))
    target = next(p for p in listed if "route:" in p.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"route: .*", "route: ''", text, count=1), encoding="utf-8")
    built, checked = run(program), run(program, "check")
    assert built.returncode == checked.returncode == 1
    assert "Traceback" not in built.stderr + checked.stderr
    assert built.stderr == checked.stderr
    assert re.match(r"\S+\.yaml:\d+:\d+: ", built.stderr), built.stderr
    assert_untouched(program, before)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_tells_a_template_error_as_the_build_does(program):
    line = break_line(program / "templates" / "item.html", "{% if body.not_issued %}", "{% if %}")
    expected = run(program).stderr.splitlines()[0]
    proc = subprocess.Popen([sys.executable, str(program / "build.py"), "--content", str(program / "golden"), "--site", str(program / "site"),
                             "serve", "--port", str(free_port())], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=program)
    try:
        said = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = proc.stdout.readline()
            said.append(text.rstrip("\n"))
            if "预览地址" in text or not text:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert expected.startswith(f"templates/item.html:{line}:")
    assert expected in said, said
    assert not any("Traceback" in s for s in said), said
