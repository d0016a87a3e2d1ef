"""Publish the built site/ to object storage (OSS, COS, OBS, any S3) or any other
rclone remote: ``python build.py publish remote:path`` (docs/deploy.md).

``rclone check`` finds the changed files (size and MD5); they are uploaded one
``rclone copy`` per step of sitegen/hosting.py and header set, deletions last,
so a publish stopped at any moment leaves no page without what it refers to.
site/ is read through one descriptor, so a build swapped in meanwhile cannot mix in.
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
class UploadPlan:
    batches: tuple[Batch, ...]
    deletions: tuple[tuple[str, ...], ...]  # pages first, then the rest
    new: frozenset[str]
    unchanged: int


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


def refuse_placeholder(site: Path, test_target: bool) -> None:
    """Refuse a site built with a placeholder base_url (its home page's canonical address)."""
    home = site / urls.file_for(urls.home())
    match = re.search(r'<link rel="canonical" href="([^"]*)"', home.read_text(encoding="utf-8", errors="replace"))
    if not match:
        raise PublishFailed(f"{home}：找不到网站地址（canonical），请重新运行 make site")
    base = html.unescape(match.group(1))
    if urls.is_placeholder(base) and not test_target:
        raise PublishFailed(
            f"不能发布到正式网站：网站地址 base_url 还是占位地址 {base}，二维码、分享卡片和 sitemap 都会指向一个不存在的网站。"
            "请在 content/site.yaml 里把 base_url 改成正式网址，运行 make site，再发布。"
            "只是发布到测试环境的话，加 --test-target（make publish TO=… TEST=1）。"
        )


def _rclone(args: list[str], keep: tuple[int, ...]) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # rclone's default of 4 parallel transfers suits big files; a site is many small ones
    env.setdefault("RCLONE_TRANSFERS", "16")
    env.setdefault("RCLONE_CHECKERS", "16")
    return subprocess.run(args + ["--log-level", "ERROR"], capture_output=True, text=True, env=env, pass_fds=keep)


def _last_lines(text: str, n: int = 8) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-n:]) or "（rclone 没有说明原因）"


def compare(site: Path, remote: str, rclone: str, keep: tuple[int, ...] = ()) -> dict[str, str]:
    """Every path on either side → NEW, CHANGED, GONE or SAME (rclone check:
    sizes and MD5 hashes, with the remote's from its listing)."""
    done = _rclone([rclone, "check", str(site), remote, "--combined", "-",
                    "--exclude", f"*{hosting.PRECOMPRESSED}", "--fast-list"], keep)
    states: dict[str, str] = {}
    errors = []
    for line in done.stdout.splitlines():
        mark, _, path = line.partition(" ")
        if mark == "!":
            errors.append(path)
        elif mark in (NEW, CHANGED, GONE, SAME):
            states[path] = mark
    # rclone check exits 1 when the two sides differ; anything it could not compare is an error
    differ = any(s != SAME for s in states.values())
    if errors or done.returncode not in (0, 1) or (done.returncode == 1 and not differ):
        raise PublishFailed(f"比较本地网站和 {remote} 失败：\n{_last_lines(done.stderr)}")
    return states


def plan(site: Path, states: dict[str, str]) -> UploadPlan:
    """What to upload, in which order and with which headers, and what to delete."""
    groups: dict[tuple[int, int, str, str], list[str]] = {}
    for path, state in states.items():
        if state not in (NEW, CHANGED) or not hosting.published(path):
            continue
        rule = hosting.rule_for(path)
        # within the pages step, pages new to the remote before changed ones
        sub = 0 if rule.step != hosting.PAGES or state == NEW else 1
        groups.setdefault((hosting.STEPS.index(rule.step), sub, hosting.content_type(path), rule.cache), []).append(path)
    batches = tuple(
        Batch(hosting.STEPS[step], ctype, cache, tuple(sorted(paths)), sum((site / p).stat().st_size for p in paths))
        for (step, _sub, ctype, cache), paths in sorted(groups.items())
    )
    gone = sorted(p for p, s in states.items() if s == GONE)
    pages = tuple(p for p in gone if hosting.rule_for(p).step == hosting.PAGES)
    rest = tuple(p for p in gone if hosting.rule_for(p).step != hosting.PAGES)
    new = frozenset(p for p, s in states.items() if s == NEW)
    return UploadPlan(batches, tuple(d for d in (pages, rest) if d), new, sum(1 for s in states.values() if s == SAME))


def describe(plan_: UploadPlan) -> list[str]:
    """The dry run's listing: each change, in the order a publish makes it."""
    lines = []
    for batch in plan_.batches:
        lines.append(f"# {batch.step}：{len(batch.paths)} 个 {batch.content_type} · Cache-Control: {batch.cache}")
        lines += [f"{NEW if p in plan_.new else CHANGED} {p}" for p in batch.paths]
    for paths in plan_.deletions:
        lines.append(f"# 删除：{len(paths)} 个")
        lines += [f"{GONE} {p}" for p in paths]
    uploads = sum(len(b.paths) for b in plan_.batches)
    upload_bytes = sum(b.bytes for b in plan_.batches)
    deleted = sum(len(d) for d in plan_.deletions)
    lines.append(f"# 共上传 {uploads} 个（{upload_bytes} 字节），删除 {deleted} 个，{plan_.unchanged} 个没有变化")
    return lines


def upload(site: Path, remote: str, plan_: UploadPlan, rclone: str, progress=print, keep: tuple[int, ...] = ()) -> Report:
    report = Report(unchanged=plan_.unchanged)
    steps = [(b.step, b.paths, f"{b.step}：上传 {len(b.paths)} 个（{b.content_type}）",
              ["copy", str(site), remote, "--no-traverse", "--no-check-dest",
               "--header-upload", f"Content-Type: {b.content_type}", "--header-upload", f"Cache-Control: {b.cache}"])
             for b in plan_.batches]
    steps += [("delete", paths, f"删除：{len(paths)} 个新版本里没有的文件", ["delete", remote, "--fast-list"])
              for paths in plan_.deletions]
    with tempfile.TemporaryDirectory(prefix="publish-") as scratch:
        listing = Path(scratch) / "files.txt"
        for step, paths, saying, args in steps:
            progress(saying)
            listing.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
            started = time.perf_counter()
            done = _rclone([rclone, *args, "--files-from-raw", str(listing)], keep)
            if done.returncode != 0:
                what = "删除旧文件" if step == "delete" else f"上传（{step}）"
                raise PublishFailed(f"{what}失败（rclone 退出码 {done.returncode}）：\n{_last_lines(done.stderr)}")
            report.seconds[step] = round(report.seconds.get(step, 0) + time.perf_counter() - started, 3)
        report.objects = sum(len(b.paths) for b in plan_.batches)
        report.bytes = sum(b.bytes for b in plan_.batches)
        report.deleted = sum(len(d) for d in plan_.deletions)
    return report


def publish(site: Path, remote: str, test_target: bool = False, dry_run: bool = False,
            progress=print) -> Report | UploadPlan:
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
    if isinstance(result, UploadPlan):
        print("\n".join(describe(result)))
        return 0
    steps = " ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
    print(f"已发布到 {args.remote}：上传 {result.objects} 个文件（{result.bytes} 字节），删除 {result.deleted} 个，"
          f"{result.unchanged} 个没有变化 ({steps})")
    return 0
