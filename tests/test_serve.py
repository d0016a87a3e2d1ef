"""Preview while editing: a change in content/ or templates/ rebuilds; a failed
rebuild prints the error and the last good site goes on being served."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from queue import Empty, Queue

import pytest

from build import build
from conftest import ROOT, tree_digest
from fixtures.small_content import small_content
from sitegen.serve import Preview

REGIONS = "lists/regions.yaml"
OLD_NOTE = "渝北区执行重庆市的两份清单"


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8"), dict(err.headers)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()  # a new mtime even within the file system's clock tick
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def preview(tmp_path):
    content = small_content(tmp_path, rows=2)
    site = tmp_path / "site"
    out = io.StringIO()
    p = Preview(lambda: build(content, site, search_index=False), site, [content], port=0, out=out)
    p.content, p.log = content, out
    yield p
    p.stop()


def test_change_rebuilds_and_a_failed_build_keeps_the_last_good_site(preview):
    assert preview.poll() is None  # nothing changed yet
    assert preview.rebuild() is True, preview.log.getvalue()
    url = preview.start()
    assert preview.address[0] == "127.0.0.1"
    status, page, headers = fetch(url + "yubei/")
    assert status == 200 and OLD_NOTE in page
    assert headers["Cache-Control"] == "no-store"

    replace_in(preview.content / REGIONS, OLD_NOTE, "预览测试：改过的说明")
    assert preview.poll() is True
    assert "预览测试：改过的说明" in fetch(url + "yubei/")[1]

    good = tree_digest(preview.site_dir)
    bad = preview.content / "lists" / "chongqing" / "buyu-chuju.yaml"
    replace_in(bad, "- id: qinshu-guanxi\n  name: 亲属关系证明", "- id: qinshu-guanxi\n  name: 亲属关系证明\n   bad: [")
    assert preview.poll() is False
    log = preview.log.getvalue()
    assert f"{bad}:" in log and "YAML 格式错误" in log and "仍显示上一次成功生成的网站" in log
    assert "Traceback" not in log
    assert tree_digest(preview.site_dir) == good
    status, page, _ = fetch(url + "yubei/")
    assert status == 200 and "预览测试：改过的说明" in page  # still the last good build

    replace_in(bad, "\n   bad: [", "")
    assert preview.poll() is True
    assert preview.last_error is None


def test_a_broken_template_is_reported_and_the_site_kept(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ text }}</p>", encoding="utf-8")
    site = tmp_path / "site"

    def build_fn():  # like the real build: render everything first, then write
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True)
        html = env.get_template("page.html").render(text="好")
        site.mkdir(exist_ok=True)
        (site / "index.html").write_text(html, encoding="utf-8")

    out = io.StringIO()
    p = Preview(build_fn, site, [templates], port=0, out=out)
    assert p.rebuild() is True
    (templates / "page.html").write_text("<p>{{ text </p>", encoding="utf-8")
    assert p.poll() is False
    assert "page.html:1:1: 模板语法错误" in out.getvalue()
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>好</p>"


def test_first_build_failing_shows_the_error_in_the_browser(tmp_path):
    content = small_content(tmp_path, rows=2)
    (content / "lists" / "regions.yaml").write_text("regions: [\n", encoding="utf-8")
    site = tmp_path / "site"
    p = Preview(lambda: build(content, site, search_index=False), site, [content], port=0, out=io.StringIO())
    assert p.rebuild() is False
    url = p.start()
    try:
        status, page, _ = fetch(url)
        assert status == 503 and "网站还没有生成" in page and "regions.yaml:" in page
    finally:
        p.stop()


def test_editor_temp_files_do_not_trigger_a_build(preview):
    (preview.content / "lists" / ".regions.yaml.swp").write_text("x", encoding="utf-8")
    (preview.content / "lists" / "regions.yaml~").write_text("x", encoding="utf-8")
    assert preview.poll() is None


def test_make_serve_command(tmp_path):
    """`python build.py serve` for real: starts, rebuilds on a change, keeps
    serving through a broken file, stops on Ctrl+C (SIGINT)."""
    content = small_content(tmp_path, rows=2)
    site = tmp_path / "site"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--site", str(site), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )
    lines: list[str] = []
    queue: Queue = Queue()
    threading.Thread(target=lambda: [queue.put(line) for line in proc.stdout] + [queue.put(None)], daemon=True).start()

    def wait_for(text: str) -> str:
        while True:
            try:  # a guard against a hung process, not a measurement
                line = queue.get(timeout=120)
            except Empty:
                raise AssertionError("serve printed nothing for 120 s:\n" + "".join(lines)) from None
            if line is None:
                raise AssertionError("serve stopped early:\n" + "".join(lines))
            lines.append(line)
            if text in line:
                return line

    try:
        url = wait_for("预览地址").split()[1]
        assert url.startswith("http://127.0.0.1:")
        assert OLD_NOTE in fetch(url + "yubei/")[1]
        replace_in(content / REGIONS, OLD_NOTE, "命令行预览：改过的说明")
        wait_for("已重新生成")
        assert "命令行预览：改过的说明" in fetch(url + "yubei/")[1]
        replace_in(content / REGIONS, "level: 县级", "level: 县")
        wait_for("仍显示上一次成功生成的网站")
        report = wait_for("网站未更新")
        assert "你是不是想写" in "".join(lines) or "只能是以下之一" in "".join(lines), "".join(lines)
        assert "命令行预览：改过的说明" in fetch(url + "yubei/")[1]
        assert "Traceback" not in "".join(lines) and report
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "".join(lines)


def test_an_edit_saved_during_a_build_is_built_right_after_it(tmp_path):
    """The watcher looks again as soon as a build ends, before waiting for
    its next turn (or for a stop): the edit made during the build is built."""
    watched = tmp_path / "content"
    watched.mkdir()
    (watched / "list.yaml").write_text("a", encoding="utf-8")
    stop, builds = threading.Event(), []

    def build_fn():
        builds.append(len(builds))
        if len(builds) == 1:  # an editor saves again while this build runs, then the preview is stopped
            (watched / "list.yaml").write_text("abc", encoding="utf-8")
            stop.set()

    p = Preview(build_fn, tmp_path / "site", [watched], port=0, out=io.StringIO())
    (watched / "list.yaml").write_text("ab", encoding="utf-8")
    p.watch(stop, interval=0.1, settle=0)
    assert builds == [0, 1]
