"""Helpers for browser tests: serve a built site on 127.0.0.1 and drive
Debian's Chromium through Playwright (never a downloaded browser)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from sitegen.pdf import CHROMIUM_FLAGS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The same headless flags the PDF printer uses, plus no QUIC on this closed network.
FLAGS = [*CHROMIUM_FLAGS, "--disable-quic"]
OUT = Path(__file__).resolve().parent.parent / "out"

# WeChat's built-in browsers (from WeChat's own user-agent strings)
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
    "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
WECHAT_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """Launch Debian's Chromium headless. Playwright gives every launch a fresh,
    empty profile folder (its own --user-data-dir) and removes it afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Every URL a page asked for, to prove nothing leaves 127.0.0.1."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))

    def foreign(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(("http://127.0.0.1:", "data:", "blob:", "about:"))]
