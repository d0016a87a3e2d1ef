"""Pagefind's service mode (``pagefind_extended --service``), spoken directly.

One process builds any number of indexes, one after another, with the same
files as the command line, sparing each bundle Pagefind's start-up. Each message
is a base64-encoded JSON object and a comma, on stdin; each answer the same, on
stdout. Pagefind's own Python API polls every 0.1 s; this waits on the pipe.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
from pathlib import Path

from .render import write_bytes


class ServiceFailed(Exception):
    pass


class PagefindService:
    def __init__(self, binary: str):
        self._stderr = tempfile.TemporaryFile()  # Pagefind's notes; read back when something fails
        self._proc = subprocess.Popen([binary, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._stderr)
        self._last_id = 0

    def call(self, payload: dict) -> dict:
        """Send one request and return its answer's payload."""
        self._last_id += 1
        message = {"message_id": self._last_id, "payload": payload}
        try:
            self._proc.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
            self._proc.stdin.flush()
        except BrokenPipeError:
            raise ServiceFailed(self._failure("the service stopped")) from None
        answer = self._read_answer()
        if answer.get("message_id") != self._last_id:
            got = answer.get("message_id")
            raise ServiceFailed(self._failure(f"an answer to message {got}, not {self._last_id}"))
        body = answer["payload"]
        if body.get("type") == "Error":
            raise ServiceFailed(self._failure(body.get("message", "")))
        return body

    def _read_answer(self) -> dict:
        data = bytearray()  # one request is in flight at a time, so one answer comes back
        while not data.endswith(b","):
            chunk = self._proc.stdout.read1(65536)
            if not chunk:
                raise ServiceFailed(self._failure("the service stopped"))
            data += chunk
        return json.loads(base64.b64decode(bytes(data[:-1])))

    def index_files(self, folder: Path) -> tuple[int, dict[str, bytes]]:
        """(pages indexed, the index's files: relative path → bytes) of the pages in ``folder``.
        Written by the caller: Pagefind 1.5.2's ``WriteFiles`` answers before its writes finish (#1271)."""
        index_id = self.call({"type": "NewIndex", "config": None})["index_id"]
        try:
            added = self.call({"type": "AddDir", "index_id": index_id, "path": str(folder), "glob": "**/*.html"})
            files = self.call({"type": "GetFiles", "index_id": index_id})["files"]
        finally:
            if self.alive():
                self.call({"type": "DeleteIndex", "index_id": index_id})  # its memory, before the next bundle
        return added["page_count"], {file["path"]: base64.b64decode(file["content"]) for file in files}

    def alive(self) -> bool:
        return self._proc.poll() is None

    @property
    def pid(self) -> int:
        return self._proc.pid

    def cpu_seconds(self) -> float:
        """CPU seconds the process has used so far (Linux /proc; 0.0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def _failure(self, what: str) -> str:
        self._stderr.seek(0)
        notes = self._stderr.read().decode("utf-8", "replace").strip()
        return f"{what}\n{notes}" if notes else what

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._stderr.close()


def write_files(output: Path, files: dict[str, bytes]) -> None:
    """Write an index's files (relative path → bytes) below ``output``."""
    made = set()
    for name, data in files.items():
        path = output / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        write_bytes(path, data)
