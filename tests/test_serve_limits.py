"""The preview server under careless or hostile clients: a folder is never
listed, a silent connection is closed, and idle connections cannot take a
thread each (they wait in the listen queue; the server recovers)."""
from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen import serve


@pytest.fixture
def preview(tmp_path):
    site = tmp_path / "site"
    (site / "chongqing" / "notes").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>首页</title>", encoding="utf-8")
    (site / "chongqing" / "notes" / "secret.txt").write_text("x", encoding="utf-8")
    p = serve.Preview(lambda: None, site, [], port=0, out=open("/dev/null", "w"), connections=2, timeout=1.0)
    p.start()
    yield p
    p.stop()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def test_folder_without_index_page_is_not_listed(preview):
    status, body = get(preview.url + "chongqing/notes/")
    assert status == 404
    assert "secret.txt" not in body and "Directory listing" not in body
    assert get(preview.url)[0] == 200


def test_silent_connection_is_closed(preview):
    with socket.create_connection(preview.address, timeout=10) as s:
        started = time.monotonic()
        assert s.recv(1024) == b""  # closed by the server, not by our timeout
        assert time.monotonic() - started < 5


def test_idle_connections_take_at_most_the_bounded_threads(preview):
    before = threading.active_count()
    idle = [socket.create_connection(preview.address, timeout=10) for _ in range(6)]
    try:
        time.sleep(0.5)
        assert threading.active_count() <= before + 2
    finally:
        for s in idle:
            s.close()
    assert get(preview.url)[0] == 200  # served once the idle ones are gone


def test_serve_reports_a_pipe_in_content_instead_of_hanging(tmp_path):
    """A pipe named like a list file: the preview says what it is and serves,
    where reading it to hash it for the next rebuild waited forever."""
    import os
    import shutil
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "golden" / "content", content)
    os.mkfifo(content / "lists" / "chongqing" / "xinde.yaml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--site", str(tmp_path / "site"), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()  # a hung preview prints nothing: read aside, wait a bounded time
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("预览地址" in line for line in seen):
            time.sleep(0.1)
        out = "".join(seen)
        assert "xinde.yaml:1:1: 这不是普通文件" in out, out
        assert "预览地址" in out and "Traceback" not in out
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
