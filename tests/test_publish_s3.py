"""`build.py publish` against a real S3 server: SeaweedFS, started here on
127.0.0.1 (tests/servers.py). What the bucket holds is read back the way a
CDN or a phone reads it: anonymous HTTP GETs and ListObjectsV2."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

import build as build_module
from conftest import ROOT, tree_digest
from servers import http_get, list_objects, seaweedfs
from sitegen import render
from sitegen.publish import swap
from sitegen.stable_index import decode_data_file

GOLDEN = ROOT / "tests" / "golden" / "content"
YEAR = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


def publish(s3, site: Path, target: str, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--site", str(site), "publish", f"{s3.remote_name}:{target}", *extra],
                          capture_output=True, text=True, env=env or s3.env(), cwd=ROOT)


def uploaded_count(done: subprocess.CompletedProcess) -> int:
    assert done.returncode == 0, done.stderr
    return int(re.search(r"上传 (\d+) 个文件", done.stdout).group(1))


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Builds of the golden content: ``full``; ``edited``, one region (重庆市)
    edited: a row's wording changed and its last retained row removed; and
    ``restyled``, the same edit with a changed stylesheet (a new hashed name
    that every page refers to)."""
    base = tmp_path_factory.mktemp("versions")
    full = base / "full"
    build_module.build(GOLDEN, full)
    content = base / "content"
    shutil.copytree(GOLDEN, content)
    buyu = content / "lists" / "chongqing" / "buyu-chuju.yaml"
    text = buyu.read_text(encoding="utf-8")
    route = re.search(r"^  route: (.+)$", text, re.M)
    buyu.write_text(text[: route.end(1)] + "（测试改动）" + text[route.end(1):], encoding="utf-8")
    baoliu = content / "lists" / "chongqing" / "baoliu.yaml"
    text = baoliu.read_text(encoding="utf-8")
    baoliu.write_text(text[: text.rindex("\n- id: ") + 1], encoding="utf-8")
    edited = base / "edited"
    build_module.build(content, edited)
    templates = base / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    with (templates / "assets" / "style.css").open("a", encoding="utf-8") as css:
        css.write(".changed{color:#000}\n")  # a rule: a comment alone is not served
    restyled = base / "restyled"
    build_module.build(content, restyled, templates=templates)
    assert {p.name for p in (restyled / "assets").glob("style.*")} != {p.name for p in (full / "assets").glob("style.*")}
    return full, edited, restyled


# ---------------------------------------------------------------- headers


def test_each_class_of_file_is_served_from_s3_with_its_documented_headers(s3, versions, tmp_path):
    full, _, _ = versions
    site = tmp_path / "site"
    shutil.copytree(full, site)
    (site / "index.html.gz").write_bytes(b"precompressed for nginx only")
    assert publish(s3, site, "headers", "--test-target").returncode == 0
    css = next(p.name for p in (site / "assets").glob("style.*.css"))
    fragment = next(p.name for p in (site / "pagefind" / "fragment").iterdir())
    expected = {  # docs/deploy.md, "缓存规则"
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "chongqing/index.html": ("text/html; charset=utf-8", "no-cache"),
        "404.html": ("text/html; charset=utf-8", "no-cache"),
        f"assets/{css}": ("text/css; charset=utf-8", YEAR),
        f"pagefind/fragment/{fragment}": ("application/octet-stream", YEAR),
        "pagefind/pagefind-entry.json": ("application/json; charset=utf-8", "no-cache"),
        "pagefind/pagefind.js": ("text/javascript; charset=utf-8", "no-cache"),
        "search/names.json": ("application/json; charset=utf-8", "no-cache"),
        "share/chongqing.png": ("image/png", "no-cache"),
        "sitemap.xml": ("application/xml; charset=utf-8", "no-cache"),
        "feed.xml": ("application/atom+xml; charset=utf-8", "no-cache"),
        "chongqing/qr.svg": ("image/svg+xml; charset=utf-8", "no-cache"),
        "data/all.csv": ("text/csv; charset=utf-8", "no-cache"),
        "favicon.ico": ("image/x-icon", "no-cache"),
    }
    for path, (ctype, cache) in expected.items():
        status, headers, body = http_get(f"{s3.endpoint}/headers/{path}")
        assert status == 200, path
        assert (headers["content-type"], headers["cache-control"]) == (ctype, cache), path
        assert body == (site / path).read_bytes(), path
    assert "index.html.gz" not in list_objects(s3.endpoint, "headers")


# ---------------------------------------------------------------- only what changed


def changed_objects(before: dict, after: dict) -> set[str]:
    return {k for k in after if k not in before or after[k]["LastModified"] != before[k]["LastModified"]}


def test_unchanged_site_uploads_nothing_and_one_region_edit_uploads_only_its_changes(s3, versions):
    full, edited, _ = versions
    assert uploaded_count(publish(s3, full, "edit/site", "--test-target")) > 0
    first = list_objects(s3.endpoint, "edit")
    assert {k.removeprefix("site/") for k in first} == set(tree_digest(full))
    time.sleep(1.2)  # LastModified has one-second steps
    assert uploaded_count(publish(s3, full, "edit/site", "--test-target")) == 0
    assert changed_objects(first, list_objects(s3.endpoint, "edit")) == set()

    old, new = tree_digest(full), tree_digest(edited)
    differ = {p for p in new if old.get(p) != new[p]}
    gone = set(old) - set(new)
    assert differ and gone
    dry = publish(s3, edited, "edit/site", "--test-target", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    listed = {line[2:]: line[0] for line in dry.stdout.splitlines() if line[:2] in ("+ ", "* ", "- ")}
    assert listed == {**{p: "+" if p not in old else "*" for p in differ}, **{p: "-" for p in gone}}
    assert changed_objects(first, list_objects(s3.endpoint, "edit")) == set()  # a dry run changes nothing

    time.sleep(1.2)
    assert uploaded_count(publish(s3, edited, "edit/site", "--test-target")) == len(differ)
    after = list_objects(s3.endpoint, "edit")
    assert {k.removeprefix("site/") for k in changed_objects(first, after)} == differ
    assert {k.removeprefix("site/") for k in after} == set(new)
    # the edit touched 重庆 and what shows it (渝北 inherits, the comparison pages,
    # the data and search files), never the national pages, plus the search entry files
    assert not any(p.startswith("quanguo/") for p in differ)
    assert {"pagefind/pagefind-entry.json", "search/names.json"} <= differ


# ---------------------------------------------------------------- placeholder and errors


def test_a_production_publish_with_the_placeholder_base_url_is_refused(s3, versions):
    full, _, _ = versions
    done = publish(s3, full, "refused")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "占位地址 https://zhengming.example.org/" in done.stderr and "--test-target" in done.stderr
    assert list_objects(s3.endpoint, "refused") == {}


def test_a_real_base_url_publishes_without_the_test_flag(s3, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(GOLDEN, content)
    settings = content / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("https://zhengming.example.org/", "https://zhengming.mzj.cq.gov.cn/"), encoding="utf-8")
    site = tmp_path / "site"
    build_module.build(content, site)
    assert uploaded_count(publish(s3, site, "real")) == len(tree_digest(site))


def test_an_unknown_remote_gives_one_chinese_message(s3, versions):
    full, _, _ = versions
    done = publish(s3, full, "x", "--test-target", env={k: v for k, v in s3.env().items() if not k.startswith(f"RCLONE_CONFIG_{s3.remote_name.upper()}")})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "失败" in done.stderr


def test_an_unbuilt_site_is_refused(s3, tmp_path):
    done = publish(s3, tmp_path, "x", "--test-target")
    assert done.returncode == 1 and "请先运行 make site" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- killed half-way


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for attr, value in attrs:
            if value and (tag, attr) in {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action"), ("iframe", "src")}:
                self.refs.append((tag, value))


def _target(page: str, value: str, base_url: str) -> str | None:
    if value.startswith(base_url):
        value = "/" + value[len(base_url):]
    parts = urlsplit(urljoin("http://site.invalid/" + page, value))
    if parts.netloc != "site.invalid" or parts.scheme != "http":
        return None  # tel:, another site
    path = unquote(parts.path)[1:]
    return path + "index.html" if path == "" or path.endswith("/") else path


def missing_references(endpoint: str, bucket: str, prefix: str, kept_pages: set[str], base_url: str) -> list[str]:
    """What a resident could hit and not find: every reference of every page
    reachable from the home page or kept from the build before, and the search
    files those pages' search data names."""
    keys = {k[len(prefix):] for k in list_objects(endpoint, bucket) if k.startswith(prefix)}
    get = lambda path: http_get(f"{endpoint}/{bucket}/{prefix}{path}")[2]  # noqa: E731
    problems, seen = [], set()
    queue = [p for p in sorted(kept_pages | {"index.html"}) if p in keys]
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        parser = _Refs()
        parser.feed(get(page).decode("utf-8"))
        for tag, value in parser.refs:
            target = _target(page, value, base_url)
            if target is None:
                continue
            if target not in keys:
                problems.append(f"{page} → {target}")
            elif target.endswith(".html") and tag == "a":
                queue.append(target)
    names = json.loads(get("search/names.json"))
    for region in names["regions"]["id"]:
        shard_path = names["urls"]["names"].format(region=region)
        if shard_path not in keys:
            problems.append(f"search/names.json → {shard_path}")
            continue
        bundle = json.loads(get(shard_path))["bundle"]
        for name in ("pagefind.js", "pagefind-entry.json"):
            if bundle + name not in keys:
                problems.append(f"{shard_path} → {bundle}{name}")
        entry = json.loads(get(bundle + "pagefind-entry.json"))
        for lang in entry["languages"].values():
            meta_path = f"{bundle}pagefind.{lang['hash']}.pf_meta"
            if meta_path not in keys:
                problems.append(f"pagefind-entry.json → {meta_path}")
                continue
            _, pages, chunks, filters, _, _ = decode_data_file(get(meta_path), meta_path)
            wanted = [f"fragment/{p[0]}.pf_fragment" for p in pages] + [f"index/{c[2]}.pf_index" for c in chunks] + [f"filter/{f[1]}.pf_filter" for f in filters]
            problems += [f"{meta_path} → {bundle}{w}" for w in wanted if bundle + w not in keys]
    return problems


def pages_of(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


KILL_AT = ("files", "pages", "search entry", "删除")  # progress lines of build.py publish


@pytest.mark.parametrize(("direction", "kill_at"), [("edit", "pages"), ("edit", "删除"), ("undo", "pages"), ("undo", "search entry")])
def test_a_publish_killed_half_way_leaves_every_reachable_page_whole(s3, versions, direction, kill_at):
    """Publish one build, then start publishing the other and kill it (the
    publish and its rclone) once it reaches a step. Either way every page
    refers to a new stylesheet; "edit" removes pages and changes others,
    "undo" brings pages back, linked from changed ones."""
    full, _, restyled = versions
    before, after = (full, restyled) if direction == "edit" else (restyled, full)
    target = f"kill-{direction}-{KILL_AT.index(kill_at)}"
    assert publish(s3, before, f"{target}/site", "--test-target").returncode == 0
    env = {**s3.env(), "RCLONE_TPSLIMIT": "40", "RCLONE_TRANSFERS": "2", "PYTHONUNBUFFERED": "1"}  # slow enough to stop inside a step
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--site", str(after), "publish", f"{s3.remote_name}:{target}/site", "--test-target"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, start_new_session=True)
    reached = False
    for line in proc.stdout:
        if line.startswith(kill_at):
            reached = True
            time.sleep(0.3)
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert reached, f"the publish never reached {kill_at!r}: {proc.stderr.read()}"
    keys = {k.removeprefix("site/") for k in list_objects(s3.endpoint, target)}
    assert keys != set(tree_digest(after)) or kill_at == "删除"  # stopped half-way, not after
    kept = pages_of(before) & pages_of(after)
    assert missing_references(s3.endpoint, target, "site/", kept, "https://zhengming.example.org/") == []


def test_a_build_swapped_in_during_a_publish_is_never_mixed_in(s3, versions, tmp_path):
    """`make site` replaces site/ while a publish runs (the real swap, which
    then deletes the old folder): every object in the bucket is still the
    first build's, and the publish either finished or says it failed."""
    full, _, restyled = versions
    site = tmp_path / "site"
    shutil.copytree(full, site)
    env = {**s3.env(), "RCLONE_TPSLIMIT": "40", "RCLONE_TRANSFERS": "2", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--site", str(site), "publish", f"{s3.remote_name}:swap/site", "--test-target"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    for line in proc.stdout:
        if line.startswith("pages"):
            break
    incoming = tmp_path / "site.new"
    shutil.copytree(restyled, incoming)
    swap(incoming, site)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0 or ("失败" in err and "Traceback" not in err), err
    first = {p: hashlib.md5((full / p).read_bytes()).hexdigest() for p in tree_digest(full)}
    objects = {k.removeprefix("site/"): v["ETag"].strip('"') for k, v in list_objects(s3.endpoint, "swap").items()}
    assert objects and all(first.get(path) == etag for path, etag in objects.items())
