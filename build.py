#!/usr/bin/env python3
"""Build the community-certificate list site from content/lists/.

    .venv/bin/python build.py            build site/ (load → validate → resolve → plan → write → index → publish)
    .venv/bin/python build.py check      validate content only; print every problem; exit 1 if any
    .venv/bin/python build.py plan       print every file the site will hold: path, part, regions, how it is made
    .venv/bin/python build.py serve      preview on 127.0.0.1, rebuilding when content or templates change
    .venv/bin/python build.py import FILE.xlsx --region ID --kind 不予出具|保留   a list table → content/lists YAML
    .venv/bin/python build.py new-region 湖北省 --id hubei   add a region (it shows its parent's lists until it has its own)
    .venv/bin/python build.py publish remote:path [--dry-run]   upload site/ to object storage with rclone (docs/deploy.md)
    .venv/bin/python build.py nginx-config [--port 8080]   print an nginx server block for site/; precompress: .gz files for it

(`make site` creates .venv/ with the pinned packages; `make check`, `make serve`,
`make import …` and `make new-region …` run these commands with it.)

The build reads every file before writing anything, renders into a fresh
folder, and swaps it in for site/ only when every stage has passed: a failed
build leaves the published site/ exactly as it was.
"""
from __future__ import annotations

import argparse
import contextlib
import operator
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def missing_module(exc: ModuleNotFoundError) -> str:
    """What to do when a package is not installed: the commands are meant to be
    run through make (or .venv/bin/python), whose virtualenv has them all."""
    return (f"缺少 Python 包 “{exc.name}”：请在项目文件夹中先运行 make site（它会装好需要的程序），"
            f"再用 make check、make serve、make import … 或 .venv/bin/python build.py … 运行，"
            f"不要直接用 python 或 python3 (missing module {exc.name!r}: run `make site`, then use make or .venv/bin/python)")


try:
    from sitegen import forks
    from sitegen.cascade import resolve
    from sitegen.features import every
    from sitegen.index import index
    from sitegen.load import load
    from sitegen.model import Content, Resolved, Sizes
    from sitegen.pieces import Pieces
    from sitegen.plan import Plan
    from sitegen.problems import ArgumentParser, describe
    from sitegen.publish import Staging
    from sitegen.render import TEMPLATES, Context, write
    from sitegen.validate import validate
except ModuleNotFoundError as exc:  # run with a Python that lacks the project's packages
    if __name__ != "__main__":
        raise
    sys.exit(missing_module(exc))

ROOT = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
SITE = ROOT / "site"


@dataclass
class BuildResult:
    pages: int = 0
    files: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # what the build knew, for a builder that lives on (sitegen/incremental.py)
    core: tuple = ()  # the site, regions and certificates files as read
    valid: Content | None = None
    resolved: Resolved | None = None
    plan: Plan | None = None
    render_seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per feature


class Stopwatch:
    """Seconds per stage, each from the end of the stage before."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, stage: str, less: float = 0.0) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.last - less, 3)
        self.last = now


def check(content: Path = CONTENT, root: Path = ROOT, sizes: Sizes = Sizes()):
    """Stages 1–3 only: everything a build checks before it writes a byte."""
    return resolve(validate(load(content, root)), sizes)


def read(content: Path, root: Path = ROOT):
    """Stage 1, load every file: (validated content, the site/regions/certificates
    files as read, seconds it took). Stage 2 raises ContentError with every problem."""
    start = time.perf_counter()
    loaded = load(content, root)
    return validate(loaded), (loaded.site, loaded.regions, loaded.certificates), time.perf_counter() - start


def build(content: Path = CONTENT, site: Path = SITE, root: Path = ROOT, search_index: bool = True, *, templates: Path = TEMPLATES,
          features=every, indexer=index, map=map, isolate=operator.call, pieces: Pieces | None = None, sizes: Sizes = Sizes()) -> BuildResult:
    """load → validate → resolve → plan → write → index → publish.

    Speed is handed in, the stages never ask for it: ``isolate(read, …)`` may
    run stages 1–2 in a child process (``forks.in_child``: the parse leaves no
    heap behind), ``map`` may write on every core (``forks.Workers``),
    ``indexer(resolved, out)`` is the index stage, and ``pieces`` (parts of
    whole-site files, sitegen/pieces.py) may be kept by a builder that lives on.
    ``sizes``: from how many regions on the site is built as the country's.
    ``features(templates)``: what to plan (sitegen/features.py), pages from ``templates``."""
    clock = Stopwatch()
    valid, core, load_s = isolate(read, content, root)  # 1–2. load and validate every file
    clock.seconds["load"] = round(load_s, 3)
    clock.lap("validate", less=load_s)  # with the trip back from a child
    resolved = resolve(valid, sizes)  # 3. national → province → city → county inheritance
    clock.lap("resolve")
    plan = Plan(resolved, features(templates))  # 4. every file the site will hold
    clock.lap("plan")
    stage = Staging(site)  # the lock on site/'s folder, held until publish or discard
    try:
        written = write(plan, stage.path, Context(valid.site, templates, pieces), map=map)  # 5. into a fresh folder
        clock.lap("write")
        if search_index:
            indexer(resolved, stage.path)  # 6. Pagefind bundles of the item pages
        clock.lap("index")
    except BaseException:
        stage.discard()
        raise
    stage.publish()  # 7. swap it in for site/
    clock.lap("publish")
    return BuildResult(written.pages, len(written.files), clock.seconds, core, valid, resolved, plan, written.seconds)


def fast(content: Path = CONTENT, site: Path = SITE, **options) -> BuildResult:
    """``build`` with the machinery that pays off on a big site: content read
    in a child process, pages written on every core."""
    return build(content, site, isolate=forks.in_child, map=forks.Workers(), **options)


def serve(port: int, content: Path = CONTENT, site: Path = SITE) -> None:
    from sitegen.incremental import Builder
    from sitegen.serve import serve_and_watch

    with contextlib.closing(Builder(content, site, ROOT, full=fast)) as builder:
        serve_and_watch(builder.build, site, [content, ROOT / "templates"], port)


def port_number(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) < 65536:  # 0: any free port
        raise argparse.ArgumentTypeError(f"端口要写 1 到 65535 之间的数字，如 8000 (port must be 1-65535): {text}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=CONTENT, help="content folder (default: content/)")
    parser.add_argument("--site", type=Path, default=SITE, help="output folder (default: site/)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("build", help="build site/ (default)")
    sub.add_parser("check", help="validate content/lists/ and report every problem")
    sub.add_parser("plan", help="print every file the site will hold")
    p_serve = sub.add_parser("serve", help="preview on 127.0.0.1 and rebuild on change")
    p_serve.add_argument("--port", type=port_number, default=8000)
    from sitegen import deploy, importer, nginx, scaffold

    importer.add_arguments(sub.add_parser("import", help="表格（xlsx/csv）导入为清单 YAML (import a list table)"))
    scaffold.add_arguments(sub.add_parser("new-region", help="新增地区：写 regions.yaml 条目和清单模板 (scaffold a region)"))
    deploy.add_arguments(sub.add_parser("publish", help="发布 site/ 到对象存储或其他 rclone 目标 (docs/deploy.md)"))
    nginx.add_arguments(sub.add_parser("nginx-config", help="打印 site/ 的 nginx server 配置"), sub.add_parser("precompress", help="给 site/ 的文本文件写 .gz（nginx gzip_static）"))
    on_site = {"publish": deploy.command, "nginx-config": nginx.config_command, "precompress": nginx.precompress_command}
    on_content = {"import": importer.command, "new-region": scaffold.command}
    args = parser.parse_args(argv)
    try:
        if args.command in on_site:
            return on_site[args.command](args, args.site.resolve())
        if args.command in on_content:
            return on_content[args.command](args, args.content.resolve(), ROOT)
        if args.command == "check":
            resolved = check(args.content.resolve())
            rows = sum(len(lst.rows) for lst in resolved.content.lists)
            print(f"内容检查通过：{len(resolved.content.lists)} 份清单，{rows} 行 (content OK)")
            return 0
        if args.command == "plan":
            for line in Plan(check(args.content.resolve()), every()).describe():
                print(line)
            return 0
        if args.command == "serve":
            serve(args.port, args.content.resolve(), args.site.resolve())
            return 0
        result = fast(args.content.resolve(), args.site.resolve())
    except Exception as err:  # content, template, index and output failures: file:line, Chinese first
        failure = describe(err, args.site.resolve())
        if failure is None:
            raise
        print(failure.report(), file=sys.stderr)
        return 1
    stages = " ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
    print(f"已生成 site/：{result.pages} 个页面，{result.files} 个文件 ({stages})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ModuleNotFoundError as exc:  # a package imported on first use (openpyxl for .xlsx)
        sys.exit(missing_module(exc))
