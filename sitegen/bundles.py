"""Search-index layout at national scale: which regions share a Pagefind bundle.

One Pagefind index over ~110,000 pages takes minutes and ~11 GB to build and
makes a phone download most of it for a broad query. Splitting the site into
bundles (``pagefind --site <site> --output-subdir pagefind/<group> --glob
"{<region>,…}/**/*.html"``) keeps every bundle small: a search inside a region
loads only its bundle, a national query a small national one or several merged
(Pagefind's ``mergeIndex``). bench/national.py measures the layouts; the
figures and the recommendation are in bench/README.md.

``layout`` groups regions by their ancestor at one level (country, province,
city or county); ``sitegen.index.bundle_layout`` chooses the site's layout.
``Indexer`` builds the bundles of a layout, several Pagefind service processes
at a time, each building bundle after bundle (sitegen/pagefind_service.py),
from only the pages Pagefind indexes (the item pages, which carry
data-pagefind-body), and can rebuild only the bundles whose pages changed
(incremental builds) without touching the published site until all succeeded.
It is the build's index stage (``sitegen.index.index``).
"""
from __future__ import annotations

import json
import os
import queue
import resource
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .model import LEVELS, Region
from .pagefind_service import PagefindService, ServiceFailed, write_files
from .publish import scratch_prefix
from .stable_index import stabilise_files

PREFIX = "pagefind"  # bundles live in site/pagefind/<group>/
DEPTHS = {"country": 0, "province": 1, "city": 2, "county": 3}


def binary() -> str:
    """The Pagefind extended binary (it segments Chinese), called directly:
    going through ``python -m pagefind`` adds an interpreter start per bundle."""
    import pagefind_bin_extended

    return str(Path(pagefind_bin_extended.__file__).parent / "pagefind_extended")


def layout(regions: list[Region], depth: str = "city", prefix: str = PREFIX) -> dict[str, list[str]]:
    """Bundle folder (relative to the site) → ids of the regions it indexes.

    Each region goes to the bundle of its ancestor at ``depth`` (or of itself if
    it stands at or above that level); the national region gets a bundle of its
    own unless ``depth`` is "country"."""
    by_id = {r.id: r for r in regions}
    groups: dict[str, list[str]] = {}
    for r in regions:
        chain = [r]
        while chain[-1].parent is not None:
            chain.append(by_id[chain[-1].parent])
        groups.setdefault(bundle_of(chain[::-1], depth, prefix), []).append(r.id)
    return groups


def glob_for(region_ids: list[str]) -> str:
    ids = sorted(region_ids)
    return ("{" + ",".join(ids) + "}" if len(ids) > 1 else ids[0]) + "/**/*.html"


class IndexFailed(Exception):
    pass


@dataclass
class BundleRun:
    bundle: str
    regions: int
    seconds: float
    pages: int = 0


@dataclass
class IndexStats:
    bundles: list[BundleRun] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the Pagefind processes

    @property
    def pages(self) -> int:
        return sum(b.pages for b in self.bundles)


def _page_count(entry_json: bytes) -> int:
    """Pages in a bundle, as its pagefind-entry.json counts them."""
    entry = json.loads(entry_json.decode("utf-8"))
    return sum(lang.get("page_count", 0) for lang in entry["languages"].values())


def run_pagefind(site: Path, output: Path, region_ids: list[str], whole_site: bool = False, service: PagefindService | None = None) -> BundleRun:
    """Index the pages of ``region_ids`` under ``site`` into the folder ``output``,
    through ``service`` (a Pagefind service process; a new one if None)."""
    start = time.perf_counter()
    if output.exists():
        shutil.rmtree(output)
    own = service is None
    service = service or PagefindService(binary())
    try:
        pages, files = service.index_files(site, "**/*.html" if whole_site else glob_for(region_ids))
    except ServiceFailed as err:
        raise IndexFailed(f"pagefind 建立索引失败 (pagefind failed for {output.name}): {err}") from None
    finally:
        if own:
            service.close()
    if not pages or "pagefind.js" not in files:  # as the command line, which exits 1 on no pages
        raise IndexFailed(f"pagefind 建立索引失败：没有找到可索引的页面 (pagefind found no pages for {output.name})")
    files = stabilise_files(files)
    write_files(output, files)
    return BundleRun(output.name, len(region_ids), round(time.perf_counter() - start, 3), _page_count(files["pagefind-entry.json"]))


def bundle_of(chain: list[Region], depth: str = "city", prefix: str = PREFIX) -> str:
    """The bundle folder of the last region of ``chain`` (全国 first, down to
    it) in ``layout(…, depth)``."""
    want = DEPTHS[depth]
    at = [a for a in chain if LEVELS.index(a.level) <= want]
    return f"{prefix}/{at[-1].id}" if want > 0 else prefix


class Indexer:
    """Build the bundles of one layout, ``jobs`` Pagefind processes at a time.

    ``pages``: region id → the pages to index (relative to the site)."""

    def __init__(self, bundles: dict[str, list[str]] | None = None, jobs: int | None = None, pages: dict[str, list[str]] | None = None):
        self.jobs = jobs or max(1, min(len(os.sched_getaffinity(0)), 8))
        self.use(bundles or {}, pages)
        self.last = IndexStats()
        self._idle: queue.SimpleQueue[PagefindService] = queue.SimpleQueue()
        self.kept: list[PagefindService] = []  # service processes kept between calls (``warm``)
        self._warming: threading.Thread | None = None

    def use(self, bundles: dict[str, list[str]], pages: dict[str, list[str]] | None) -> None:
        """Build this layout from these pages from now on."""
        self.bundles, self.listing = bundles, pages or {}
        self.bundle_of = {r: b for b, rs in bundles.items() for r in rs}

    def warm(self) -> None:
        """From now on keep a Pagefind service process between calls, ready:
        a builder that lives on (incremental builds) then re-indexes an edit
        without the start-up a fresh process spends on its first page. The
        process makes that first index now, in the background."""
        if self.kept:
            return
        service = PagefindService(binary())
        self.kept.append(service)

        def first_page() -> None:
            with tempfile.TemporaryDirectory() as tmp:
                page = Path(tmp) / "site" / "index.html"
                page.parent.mkdir()
                page.write_text('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预热</title></head><body><main data-pagefind-body><h1>社区证明</h1></main></body></html>', encoding="utf-8")
                try:
                    service.index_folder(page.parent, Path(tmp) / "out")
                except ServiceFailed:
                    return  # a broken process: calls will start their own
            self._idle.put(service)

        self._warming = threading.Thread(target=first_page, daemon=True)
        self._warming.start()

    def warmed(self) -> None:
        """Wait until the process ``warm`` started has made its first index."""
        if self._warming is not None:
            self._warming.join()

    def close(self) -> None:
        """End the service processes kept by ``warm``."""
        self.warmed()
        for service in self.kept:
            service.close()
        self.kept.clear()
        self._idle = queue.SimpleQueue()

    def _run_all(self, work: list[tuple], job=None) -> IndexStats:
        """``job(service, *w)`` (default ``run_pagefind``) for each ``w`` in
        ``work``, ``jobs`` at a time (``_Jobs``)."""
        jobs = _Jobs(self)
        try:
            for w in sorted(work, key=lambda w: -len(w[2])):  # biggest bundles first, so no long one starts last
                jobs.submit(job, w)
            return jobs.finish()
        finally:
            jobs.close()

    def __call__(self, out: Path) -> IndexStats:
        """The index stage of a full build: every bundle, into ``out``.

        Pagefind walks and parses every HTML file below ``--site``, also with a
        ``--glob`` and also pages without data-pagefind-body, which it then
        leaves out. So each bundle is indexed from a scratch folder of only its
        item pages (page URLs stay the same: they are relative to that
        folder; ``_scratch``), made and removed by the thread that runs
        Pagefind on it (the same bundles, byte for byte, and faster:
        docs/search.md)."""
        scratch, copy = _scratch(out)
        try:
            work = [(scratch / bundle.replace("/", "__"), out / bundle, regions, [p for r in regions for p in self.listing.get(r, ())], copy) for bundle, regions in self.bundles.items()]
            return self._run_all(work, lambda service, *w: _index_pages(out, *w, service=service))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def reindex(self, site: Path, staged: Path, changed_pages: dict[str, list[str]], scratch: Path) -> list[str]:
        """Rebuild the bundles holding changed pages, without touching ``site``.

        ``changed_pages`` maps region id → page files (relative) already written
        under ``staged`` with their new content. Each affected bundle is indexed
        into ``staged``/<bundle> from a scratch tree made as in a full build
        (the bundle's pages from ``site``, the changed ones from ``staged``), so
        it comes out byte for byte as a full build makes it (tested). Returns
        the bundle folders to swap in."""
        affected = sorted({self.bundle_of[region] for region in changed_pages})
        changed = {rel for rels in changed_pages.values() for rel in rels}
        root, copy = _scratch(staged)
        try:
            work = []
            for bundle in affected:
                regions = self.bundles[bundle]
                pages = [p for r in regions for p in self.listing.get(r, ())]
                sources = {rel: staged / rel for rel in pages if rel in changed}
                work.append((root / bundle.replace("/", "__"), staged / bundle, regions, pages, copy, sources))
            self._run_all(work, lambda service, *w: _index_pages(site, *w, service=service))
        finally:
            shutil.rmtree(root, ignore_errors=True)
        return affected


def _scratch(out: Path) -> tuple[Path, bool]:
    """(a new folder for bundles' scratch trees, whether pages are copied there
    rather than hard-linked). In memory (/dev/shm) where there is one: a copy
    into memory costs less than a hard link on disk and its removal
    (bench/README.md)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix=scratch_prefix(), dir=shm)), True  # a killed build's is removed by the next
    scratch = out / ".bundles"
    scratch.mkdir(exist_ok=True)
    return scratch, False


def _index_pages(site: Path, tree: Path, output: Path, region_ids: list[str], pages: list[str], copy: bool = False, sources: dict[str, Path] | None = None, service: PagefindService | None = None) -> BundleRun:
    """Put ``pages`` (relative to ``site``; ``sources`` names another file for
    some) into ``tree`` (hard links, or copies if ``copy``), index it into
    ``output``, remove ``tree``."""
    try:
        tree.mkdir(parents=True)
        made: set[Path] = set()
        for rel in pages:
            target = tree / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            source = sources.get(rel, site / rel) if sources else site / rel
            if copy:
                _copy(source, target)
            else:
                os.link(source, target)
        return run_pagefind(tree, output, region_ids, whole_site=True, service=service)
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _copy(source: Path, target: Path) -> None:
    """``shutil.copyfile`` without its checks and file objects (bench/README.md:
    half the CPU a page, for every item page of the country)."""
    src = os.open(source, os.O_RDONLY)
    try:
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            size, done = os.fstat(src).st_size, 0
            while done < size:
                sent = os.sendfile(dst, src, done, size - done)
                if sent == 0:
                    break  # the file shrank while being copied
                done += sent
        finally:
            os.close(dst)
    finally:
        os.close(src)


class _Jobs:
    """Bundles being built on a thread pool, ``indexer.jobs`` at a time, each
    by a Pagefind service process taken from an idle
    queue and put back after, so each process builds bundle after bundle (a
    process per bundle would pay Pagefind's start-up each time:
    sitegen/pagefind_service.py). Processes
    kept by ``Indexer.warm`` are used first and kept; the others end in
    ``close``, and their CPU time is counted."""

    def __init__(self, indexer: Indexer):
        self.indexer = indexer
        self.started, self.ended_cpu = time.perf_counter(), _children_cpu()
        self.ready = _take_all(indexer._idle)
        self.idle: queue.SimpleQueue[PagefindService] = queue.SimpleQueue()
        for service in self.ready:
            self.idle.put(service)
        self.used: dict[PagefindService, float] = {}  # process → its CPU time when first taken
        self.pool = ThreadPoolExecutor(indexer.jobs)
        self.futures: list = []

    def submit(self, job, w: tuple) -> None:
        self.futures.append(self.pool.submit(self._one, job, w))

    def _one(self, job, w: tuple) -> BundleRun:
        try:
            service = self.idle.get_nowait()
        except queue.Empty:
            service = PagefindService(binary())
        self.used.setdefault(service, service.cpu_seconds())
        try:
            return job(service, *w) if job else run_pagefind(*w, service=service)
        finally:
            self.idle.put(service)

    def finish(self) -> IndexStats:
        """Wait for every bundle (the first failure is raised), then ``close``."""
        runs = [f.result() for f in self.futures]
        self.close()
        self.indexer.last = IndexStats(runs, round(time.perf_counter() - self.started, 3), self.cpu)
        return self.indexer.last

    def close(self) -> None:
        if self.pool is None:
            return
        for f in self.futures:
            f.cancel()
        self.pool.shutdown(wait=True)
        self.pool = None
        cpu = sum(service.cpu_seconds() - before for service, before in self.used.items())
        kept = self.indexer.kept
        for service in set(self.ready) | set(self.used):
            if service in kept and service.alive():
                self.indexer._idle.put(service)
            else:
                service.close()
                if service in kept:
                    kept.remove(service)
        self.cpu = round(cpu or _children_cpu() - self.ended_cpu, 2)  # no /proc: the processes ended above


def _take_all(q: queue.SimpleQueue) -> list:
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
