"""A mistake on the command line is one Chinese line naming the argument,
exit 2, no English usage block and no traceback — from build.py and from the
poster printer alike."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, run_build


@pytest.mark.fast
@pytest.mark.parametrize(
    "args, said",
    [
        (["serve", "--port", "x"], "参数 --port：端口要写"),
        (["import"], "缺少必须写的参数：file, --region, --kind"),
        (["nonsense"], "参数 command 的值 'nonsense' 不在可选范围内"),
        (["--bogus"], "不认识的参数：--bogus"),
        (["serve", "--port"], "参数 --port 后面要写一个值"),
    ],
)
def test_a_command_line_mistake_is_one_chinese_line(args, said, tmp_path):
    done = run_build("--site", str(tmp_path / "site"), *args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], done.stderr
    assert "usage:" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.fast
def test_the_poster_printer_says_it_the_same_way(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sitegen.pdf", "--jobs", "two"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "参数 --jobs 的值 'two' 格式不对" in done.stderr, done.stderr
