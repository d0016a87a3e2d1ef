"""Self-hosting: Debian's nginx, started here on a free local port with the
server block `make nginx-config` prints, serving a built site after
`make precompress`; the responses are checked as a phone receives them."""
from __future__ import annotations

import contextlib
import gzip
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from servers import free_port, http_get, stop

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
YEAR = "public, max-age=31536000, immutable"


@contextlib.contextmanager
def nginx(server_block: str, prefix: Path):
    if not Path(NGINX).is_file():
        raise AssertionError("nginx is missing: run `make test`, which installs Debian's nginx")
    prefix.mkdir(parents=True, exist_ok=True)
    temps = "".join(f"    {name}_temp_path {prefix / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        "daemon off;\nuser root;\nworker_processes 1;\n"
        f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    access_log off;\n{temps}{server_block}}}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")], stderr=subprocess.PIPE, start_new_session=True)
    try:
        port = int(re.search(r"listen (\d+);", server_block).group(1))
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"nginx exited: {proc.stderr.read().decode(errors='replace')}")
            try:
                http_get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc, signal.SIGQUIT)  # nginx's graceful stop


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The golden site, precompressed, behind nginx: (base URL, site folder)."""
    site = tmp_path_factory.mktemp("nginx") / "site"
    shutil.copytree(ROOT / "tests" / "golden" / "expected", site)
    run = lambda *args: subprocess.run([sys.executable, str(ROOT / "build.py"), "--site", str(site), *args], capture_output=True, text=True, cwd=ROOT, check=True)  # noqa: E731
    assert "已压缩" in run("precompress").stdout
    config = run("nginx-config", "--port", str(free_port())).stdout
    assert f'root "{site.resolve()}";' in config
    with nginx(config, tmp_path_factory.mktemp("nginx-prefix")) as base:
        yield base, site


def test_pages_and_files_carry_their_documented_headers(served):
    base, site = served
    css = next(p.name for p in (site / "assets").glob("style.*.css"))
    fragment = next(p.name for p in (site / "pagefind" / "fragment").iterdir())
    expected = {  # docs/deploy.md, "缓存规则"
        "/": ("text/html; charset=utf-8", "no-cache", "index.html"),
        "/chongqing/": ("text/html; charset=utf-8", "no-cache", "chongqing/index.html"),
        f"/assets/{css}": ("text/css; charset=utf-8", YEAR, f"assets/{css}"),
        f"/pagefind/fragment/{fragment}": ("application/octet-stream", YEAR, f"pagefind/fragment/{fragment}"),
        "/pagefind/pagefind-entry.json": ("application/json; charset=utf-8", "no-cache", "pagefind/pagefind-entry.json"),
        "/pagefind/pagefind.js": ("text/javascript; charset=utf-8", "no-cache", "pagefind/pagefind.js"),
        "/search/names.json": ("application/json; charset=utf-8", "no-cache", "search/names.json"),
        "/share/chongqing.png": ("image/png", "no-cache", "share/chongqing.png"),
        "/sitemap.xml": ("application/xml; charset=utf-8", "no-cache", "sitemap.xml"),
        "/feed.xml": ("application/atom+xml; charset=utf-8", "no-cache", "feed.xml"),
        "/data/all.csv": ("text/csv; charset=utf-8", "no-cache", "data/all.csv"),
        "/favicon.ico": ("image/x-icon", "no-cache", "favicon.ico"),
    }
    for url, (ctype, cache, file) in expected.items():
        status, headers, body = http_get(base + url)
        assert status == 200, url
        assert (headers["content-type"], headers["cache-control"]) == (ctype, cache), url
        assert headers["x-content-type-options"] == "nosniff"
        assert body == (site / file).read_bytes(), url


def _policy(text: str) -> dict[str, set[str]]:
    return {d.split()[0]: set(d.split()[1:]) for d in text.split(";") if d.strip()}


def test_the_csp_header_allows_no_more_than_pages_need_and_all_they_need(served):
    """The header is a real response header, and every page's own <meta>
    policy asks for nothing the header forbids (both apply in a browser)."""
    base, site = served
    header = _policy(http_get(base + "/")[1]["content-security-policy"])
    assert header["default-src"] == {"'self'"} and header["object-src"] == {"'none'"}
    for page in site.rglob("*.html"):
        meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page.read_text(encoding="utf-8"))
        if not meta:
            continue
        for directive, sources in _policy(meta.group(1)).items():
            allowed = header.get(directive, header["default-src"])
            assert sources <= allowed or sources == {"'none'"}, (page, directive)


def test_precompressed_files_are_served_as_they_are(served):
    base, site = served
    status, headers, body = http_get(base + "/chongqing/", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert body == (site / "chongqing" / "index.html.gz").read_bytes()  # the file itself, not compressed again
    assert gzip.decompress(body) == (site / "chongqing" / "index.html").read_bytes()
    assert "accept-encoding" in headers["vary"].lower()
    plain = http_get(base + "/chongqing/")
    assert "content-encoding" not in plain[1] and plain[2] == (site / "chongqing" / "index.html").read_bytes()


def test_missing_addresses_and_folders_get_the_404_page_and_no_listing(served):
    base, site = served
    for url in ("/no-such-page/", "/chongqing/no-such-item/", "/assets/", "/pagefind/", "/.hidden"):
        status, headers, body = http_get(base + url)
        assert status == 404, url
        assert body == (site / "404.html").read_bytes(), url
        assert headers["cache-control"] == "no-cache"


def test_a_folder_without_its_slash_redirects_to_it(served):
    base, _ = served
    import http.client

    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/chongqing")
    response = conn.getresponse()
    assert response.status == 301 and response.getheader("Location") == "/chongqing/"
    conn.close()
