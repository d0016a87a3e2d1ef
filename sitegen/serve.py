"""Preview while editing: ``make serve`` / ``python build.py serve``.

Serves site/ on 127.0.0.1 only (``Cache-Control: no-store``, so a reload shows
the new build) and rebuilds when a file in content/ or templates/ changes. A
failed rebuild is reported (file:line:col, Chinese first) and the last good
site goes on being served: a build swaps in only what it finished.
"""
from __future__ import annotations

import functools
import html
import http.server
import io
import os
import signal
import stat
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Callable, Iterator

from .load import IGNORED_NAMES
from .problems import describe

HOST = "127.0.0.1"


def snapshot(dirs: list[Path]) -> dict[Path, tuple[int, int]]:
    """Every watched file's modification time and size (``watched``)."""
    return {folder / rel: stamp for folder in dirs if folder.is_dir() for rel, stamp in watched(folder)}


def watched(folder: Path) -> Iterator[tuple[str, tuple[int, int]]]:
    """(path below ``folder``, (mtime_ns, size)) of each file there the preview
    watches: regular files only (a pipe would never end if read; the loader
    reports it), an editor's scratch files left out as the loader leaves them
    out; linked folders are not entered (as ``Path.rglob``)."""
    root = os.path.join(folder, "")
    for top, _, names in os.walk(root):  # a folder removed while we look is passed over
        for name in names:
            path = os.path.join(top, name)
            try:
                st = os.stat(path)
            except OSError:  # removed while we looked, or a dangling link (the loader reports it)
                continue
            if not IGNORED_NAMES.search(name) and stat.S_ISREG(st.st_mode):
                yield path[len(root) :], (st.st_mtime_ns, st.st_size)


def describe_failure(exc: BaseException, site: Path | None = None) -> str:
    """What to tell the person editing, Chinese first: as `make site` says it
    (sitegen/problems.py), or where the program itself failed."""
    failure = describe(exc, site)
    if failure is not None:
        return failure.report()
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f"{last[0].filename}:{last[0].lineno}:1: " if last else ""
    return f"{where}生成失败 (build failed): {type(exc).__name__}: {exc}\n网站未更新 (site/ left unchanged)"


class _Server(http.server.ThreadingHTTPServer):
    """A thread a connection, at most ``connections`` at once: a flood of idle
    connections waits in the kernel's queue instead of taking a thread each."""

    daemon_threads = True

    def __init__(self, address, handler, connections: int):
        self._slots = threading.BoundedSemaphore(connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files from site/ as it is at each request; a connection silent for the
    preview's ``timeout`` is closed; a folder without an index page is 404,
    never a listing (the site has none either)."""

    def __init__(self, *args, preview: "Preview", **kwargs):
        self.preview, self.timeout = preview, preview.timeout
        super().__init__(*args, directory=str(preview.site_dir), **kwargs)

    def send_head(self):
        if self.preview.site_dir.is_dir():
            return super().send_head()
        body = (
            "<!doctype html><meta charset=utf-8><title>网站还没有生成</title>"
            "<h1>网站还没有生成</h1><p>内容有错误，改好后这里会自动更新（刷新本页）：</p>"
            f"<pre>{html.escape(self.preview.last_error or '')}</pre>"
        ).encode("utf-8")
        self.send_response(503)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path):
        self.send_error(404, "Not Found")

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):  # one line per build, not per request
        pass


class Preview:
    """The preview server and the watcher; ``poll()`` looks once, ``watch`` in a loop.
    ``connections``: served at once (more wait in the listen queue); ``timeout``:
    seconds a connection may stay silent."""

    def __init__(self, build_fn: Callable[[], object], site_dir: Path, watch_dirs: list[Path], port: int = 8000, out=None,
                 connections: int = 16, timeout: float = 10.0):
        self.build_fn, self.site_dir, self.port = build_fn, Path(site_dir), port
        self.watch_dirs = [Path(d) for d in watch_dirs]
        self.out = out or sys.stdout
        self.connections, self.timeout = connections, timeout
        self.last_error: str | None = None
        self._seen = snapshot(self.watch_dirs)
        self._server: http.server.ThreadingHTTPServer | None = None

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def rebuild(self) -> bool:
        started = time.perf_counter()
        try:
            result = self.build_fn()
        except Exception as exc:  # keep serving the last good site whatever went wrong
            self.last_error = describe_failure(exc, self.site_dir)
            self.say(f"[{time.strftime('%H:%M:%S')}] 生成失败，仍显示上一次成功生成的网站 (build failed; still serving the last good site):")
            self.say(self.last_error)
            return False
        self.last_error = None
        pages = getattr(result, "pages", None)
        count = f"{pages} 个页面，" if pages is not None else ""
        self.say(f"[{time.strftime('%H:%M:%S')}] 已重新生成：{count}用时 {time.perf_counter() - started:.1f} 秒 (rebuilt)")
        return True

    def poll(self, settle: float = 0.0) -> bool | None:
        """Rebuild if a watched file changed since the last look: True/False
        for the build's outcome, None when nothing changed. ``settle``: seconds
        the changed files must have held still (an editor may still be writing)."""
        now = snapshot(self.watch_dirs)
        if now == self._seen:
            return None
        written = dict(now.items() - self._seen.items())  # files new or changed since the last look
        held = time.time() - max((mtime for mtime, _ in written.values()), default=0) / 1e9  # seconds they held still
        if settle and held < settle:
            time.sleep(min(settle, settle - held))
            now = snapshot(self.watch_dirs)
        names = sorted({p.name for p, _ in now.items() ^ self._seen.items()})
        self._seen = now
        self.say(f"[{time.strftime('%H:%M:%S')}] 文件有改动：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}")
        return self.rebuild()

    def watch(self, stop: threading.Event, interval: float = 0.5, settle: float = 0.2) -> None:
        """Look every ``interval`` seconds until ``stop`` is set, and again at
        once after a rebuild: an edit saved during a build waits no longer."""
        while not stop.wait(interval):
            while self.poll(settle) is not None:
                pass

    def start(self) -> str:
        handler = functools.partial(_Handler, preview=self)
        self._server = _Server((HOST, self.port), handler, self.connections)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def serve_and_watch(build_fn: Callable[[], object], site_dir: Path, watch_dirs: list[Path], port: int = 8000) -> None:
    """Build once, serve site/ on 127.0.0.1:port, rebuild on every change until Ctrl+C."""
    if threading.current_thread() is threading.main_thread():
        # Ctrl+C stops the preview even when started from a shell that ignores SIGINT in background jobs
        signal.signal(signal.SIGINT, signal.default_int_handler)
    preview = Preview(build_fn, site_dir, watch_dirs, port)
    preview.rebuild()
    try:
        url = preview.start()
    except OSError as exc:
        preview.say(f"无法在 {HOST}:{port} 上启动预览（端口被占用？请换一个，如 --port {port + 1}）(cannot listen: {exc})")
        raise SystemExit(1) from None
    preview.say(f"预览地址 {url} （只在本机可以打开；改动 {'、'.join(d.name + '/' for d in preview.watch_dirs)} 中的文件会自动重新生成；按 Ctrl+C 停止）")
    try:
        preview.watch(threading.Event())
    except KeyboardInterrupt:
        preview.say("预览已停止 (stopped)")
    finally:
        preview.stop()
