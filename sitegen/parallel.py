"""Stage 4 on every core: the render stage split by region.

``render_parallel`` writes exactly the files that
``render(all_pages(resolved), out, site, resolved=resolved)`` writes, byte for
byte (tests/test_bench.py compares the two trees):

- The parent has the resolved model, compiles every template and copies the
  assets once, then forks. Workers inherit all of it copy-on-write: a worker
  gets a task number and sends back file names and titles; the model and the
  pages are never pickled. ``gc.freeze()`` keeps the collector from touching
  (and so copying) the inherited objects.
- Tasks: groups of regions (each region's pages, plus the page sources and
  file writers marked ``@extras.by_region`` for those regions); groups of
  certificate comparison pages; the home and search pages; every unmarked
  page source as one task, since it needs the whole site (these go first, so a
  long one does not finish last alone). Then, as in ``render``, once every
  page is written, every unmarked file writer as one task, and the
  ``@extras.model_only`` writers in the parent itself, so that what they
  remember between builds stays in the process that builds incrementally.
- A small site renders in one process (``worth_it``): forking and starting the
  workers costs more than it saves for a few hundred pages.
"""
from __future__ import annotations

import gc
import multiprocessing
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import extras, scale, sitemap, urls
from .forks import cores, name_of
from .model import Resolved
from .pages import certificate_page, home_page, region_pages, search_page
from .render import TEMPLATES, DuplicateOutput, copy_assets, environment, forget_folders, write_page

PARALLEL_FROM_PAGES = 2000  # below this a single process is faster (see bench/README.md)
REGIONS_PER_TASK = 40
CERTIFICATES_PER_TASK = 4


@dataclass
class RenderStats:
    pages: int = 0
    files: list[str] = field(default_factory=list)
    workers: int = 1
    task_seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per part (page kinds, each extra), summed over workers


def page_estimate(resolved: Resolved) -> int:
    """Pages the core page functions make (extras' pages not counted)."""
    return 2 + len(resolved.by_certificate) + sum(3 + len(v.entries) for v in resolved.views)


def worth_it(resolved: Resolved) -> bool:
    return cores() > 1 and "fork" in multiprocessing.get_all_start_methods() and page_estimate(resolved) >= PARALLEL_FROM_PAGES


def subset(resolved: Resolved, views) -> Resolved:
    """The model with only some regions in ``views`` (for @extras.by_region functions)."""
    return replace(resolved, views=tuple(views))


# Set in the parent just before forking; workers read it (inherited, never pickled).
_job: dict = {}


def _tasks(resolved: Resolved) -> tuple[list[tuple], list[tuple]]:
    """Two rounds: every page (and the @by_region writers), then the other
    file writers, which may read the finished pages as in ``render``."""
    pages: list[tuple] = [("source", i) for i, s in enumerate(extras.PAGE_SOURCES) if s not in extras.BY_REGION]
    certs = list(resolved.by_certificate)
    pages += [("certificates", i, i + CERTIFICATES_PER_TASK) for i in range(0, len(certs), CERTIFICATES_PER_TASK)]
    pages += [("regions", i, i + REGIONS_PER_TASK) for i in range(0, len(resolved.views), REGIONS_PER_TASK)]
    pages.append(("site",))
    writers = [("writer", i) for i, w in enumerate(extras.FILE_WRITERS) if w not in extras.BY_REGION and w not in extras.MODEL_ONLY]
    return pages, writers


def _write(pages) -> list[tuple[str, str, str]]:
    env, out, site, assets = _job["env"], _job["out"], _job["site"], _job["assets"]
    done = []
    for page in pages:
        rel = urls.file_for(page.url)
        write_page(env, page, out / rel, site, assets)
        done.append((rel, page.title, sitemap.loc(page, site["base_url"])))
    return done


def _run(number: int) -> tuple[int, list[tuple[str, str, str]], dict[int, list[str]], dict[str, float]]:
    """One task in a worker: (task number, pages written, files per writer, CPU seconds per part)."""
    resolved: Resolved = _job["resolved"]
    task = _job["tasks"][number]
    pages: list[tuple[str, str, str]] = []
    files: dict[int, list[str]] = {}
    seconds: dict[str, float] = {}
    start = time.process_time()

    def lap(name: str) -> None:
        nonlocal start
        now = time.process_time()
        seconds[name] = seconds.get(name, 0.0) + now - start
        start = now

    kind = task[0]
    if kind == "writer":
        writer = extras.FILE_WRITERS[task[1]]
        files[task[1]] = list(writer(resolved, _job["out"], _job["assets"]))
        lap(name_of(writer))
    elif kind == "source":
        source = extras.PAGE_SOURCES[task[1]]
        pages += _write(source(resolved))
        lap(name_of(source))
    elif kind == "certificates":
        certs = list(resolved.by_certificate)[task[1] : task[2]]
        pages += _write(certificate_page(resolved, c) for c in certs)
        lap("certificate pages")
    elif kind == "site":
        pages += _write([home_page(resolved), search_page(resolved)])
        lap("home and search pages")
    else:  # a group of regions
        views = resolved.views[task[1] : task[2]]
        pages += _write(p for v in views for p in region_pages(resolved, v))
        lap("region and item pages")
        part = subset(resolved, views)
        for source in extras.PAGE_SOURCES:
            if source in extras.BY_REGION:
                pages += _write(source(part))
                lap(name_of(source))
        for i, writer in enumerate(extras.FILE_WRITERS):
            if writer in extras.BY_REGION:
                files[i] = list(writer(part, _job["out"], _job["assets"]))
                lap(name_of(writer))
    return number, pages, files, seconds


BIG_CONTENT_FILES = 200  # list files from which build.py reads content in a child process


def big_content(content: Path) -> bool:
    lists = content / "lists"
    return lists.is_dir() and sum(1 for _ in lists.glob("*/*.yaml")) >= BIG_CONTENT_FILES


def render_parallel(resolved: Resolved, out: Path, site: dict, templates: Path | None = None, workers: int | None = None) -> RenderStats:
    """Render the whole site into ``out`` with ``workers`` forked processes."""
    templates = templates or TEMPLATES
    extras.load_features()
    env = environment(templates)
    forget_folders()
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        env.get_template(name)  # compile once, before forking
    assets = copy_assets(out, templates / "assets")
    if scale.nearby_only(resolved):
        scale.index_of(resolved)  # built once here, inherited by the workers
    first, second = _tasks(resolved)
    tasks = first + second
    stats = RenderStats(workers=workers or min(cores(), 8))
    _job.update(resolved=resolved, out=out, site=site, env=env, assets=assets, tasks=tasks)
    results: list = [None] * len(tasks)
    gc.collect()
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(stats.workers) as pool:

            def collect(running) -> None:
                for number, pages, files, seconds in running:
                    results[number] = (pages, files)
                    for name, s in seconds.items():
                        stats.task_seconds[name] = round(stats.task_seconds.get(name, 0.0) + s, 3)

            running = pool.imap_unordered(_run, range(len(first)))  # the workers start on the pages now
            # meanwhile the @model_only writers run here, in the parent: they
            # read only the model, and what they remember (sitegen/pieces.py)
            # is then at hand for incremental builds
            for i, writer in enumerate(extras.FILE_WRITERS):
                if writer in extras.MODEL_ONLY and writer not in extras.BY_REGION:
                    start = time.process_time()
                    results.append(([], {i: list(writer(resolved, out, assets))}))
                    stats.task_seconds[name_of(writer)] = round(time.process_time() - start, 3)
            collect(running)
            collect(pool.imap_unordered(_run, range(len(first), len(tasks))))  # the writers that may read the pages
    finally:
        gc.unfreeze()
        _job.clear()
    written: dict[str, str] = {}
    locs = []
    per_writer: dict[int, list[str]] = {}
    for pages, files in results:  # task order, so duplicates are reported the same way every time
        for rel, title, loc in pages:
            if rel in written:
                raise DuplicateOutput(f"两个页面写到同一个文件 {rel}: {written[rel]} / {title}")
            written[rel] = title
            locs.append(loc)
        for i, names in files.items():
            per_writer.setdefault(i, []).extend(names)
    stats.pages = len(written)
    stats.files = sorted(written) + sorted(assets.values())
    for i in range(len(extras.FILE_WRITERS)):
        stats.files.extend(dict.fromkeys(per_writer.get(i, [])))
    stats.files += sitemap.write(out, site["base_url"], locs)
    last.clear()
    last.append(stats)
    return stats


last: list[RenderStats] = []  # the latest parallel render's figures (bench/national.py prints them)
