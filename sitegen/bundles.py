"""Which regions share a Pagefind bundle, and the index stage that builds them.

One index over the whole country is too big to build and to download, so a
search in a region loads only its bundle (site/pagefind/<group>/). ``Indexer``
builds a layout's bundles from only the item pages, on several Pagefind service
processes (sitegen/pagefind_service.py), or only some of them.
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

from .cascade import ancestors
from .model import LEVELS, Region
from .pagefind_service import PagefindService, ServiceFailed, write_files
from .publish import scratch_prefix
from .stable_index import stabilise_files

PREFIX = "pagefind"  # bundles live in site/pagefind/<group>/
DEPTHS = {"country": 0, "province": 1, "city": 2, "county": 3}
WARM_PAGE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预热</title></head>'
             "<body><main data-pagefind-body><h1>社区证明</h1></main></body></html>")


def pagefind_binary() -> str:
    """The Pagefind extended binary (it segments Chinese), called directly:
    ``python -m pagefind`` would add an interpreter start per bundle."""
    import pagefind_bin_extended

    return str(Path(pagefind_bin_extended.__file__).parent / "pagefind_extended")


def layout(regions: list[Region], depth: str = "city", prefix: str = PREFIX) -> dict[str, list[str]]:
    """Bundle folder (relative to the site) → ids of the regions it indexes: each
    region goes to the bundle of its ancestor at ``depth`` (or its own, above it)."""
    by_id = {r.id: r for r in regions}
    groups: dict[str, list[str]] = {}
    for r in regions:
        groups.setdefault(bundle_of([*ancestors(r, by_id), r], depth, prefix), []).append(r.id)
    return groups


def bundle_of(chain: list[Region], depth: str = "city", prefix: str = PREFIX) -> str:
    """The bundle folder of the last region of ``chain`` (全国 first) in ``layout(…, depth)``."""
    want = DEPTHS[depth]
    at = [a for a in chain if LEVELS.index(a.level) <= want]
    return f"{prefix}/{at[-1].id}" if want > 0 else prefix


class IndexFailed(Exception):
    """Pagefind could not index a bundle; the message is for the user."""


@dataclass(frozen=True)
class BundleRun:
    seconds: float
    pages: int


@dataclass(frozen=True)
class IndexStats:
    bundles: list[BundleRun] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the Pagefind processes


class Indexer:
    """Build the bundles of one layout, ``jobs`` Pagefind processes at a time.

    ``pages``: region id → the pages to index (relative to the site);
    ``binary``: the Pagefind program to run (``pagefind_binary()`` if None)."""

    def __init__(self, bundles: dict[str, list[str]] | None = None, jobs: int | None = None,
                 pages: dict[str, list[str]] | None = None, binary: str | None = None):
        self.jobs = jobs or max(1, min(len(os.sched_getaffinity(0)), 8))
        self.binary = binary or pagefind_binary()
        self.use(bundles or {}, pages)
        self.last = IndexStats()
        self.kept: list[PagefindService] = []  # service processes kept between calls (``warm``)
        self._warming: threading.Thread | None = None

    def use(self, bundles: dict[str, list[str]], pages: dict[str, list[str]] | None) -> None:
        """Build this layout from these pages from now on."""
        self.bundles, self.listing = bundles, pages or {}
        self.bundle_of = {r: b for b, rs in bundles.items() for r in rs}

    def warm(self) -> None:
        """Keep a Pagefind process between calls from now on (an edit is then
        re-indexed without a start-up); it makes its first index now, in the background."""
        if self.kept:
            return
        service = PagefindService(self.binary)
        self.kept.append(service)

        def first_page() -> None:
            with tempfile.TemporaryDirectory() as tmp:
                (Path(tmp) / "index.html").write_text(WARM_PAGE, encoding="utf-8")
                try:
                    service.index_files(Path(tmp))
                except ServiceFailed:  # a broken process: calls will start their own
                    self.kept.remove(service)
                    service.close()

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

    def __call__(self, out: Path) -> IndexStats:
        """The index stage of a full build: every bundle, into ``out``."""
        return self.index(out, out, list(self.bundles))

    def index(self, site: Path, out: Path, bundles: list[str]) -> IndexStats:
        """Index ``bundles`` from ``site``'s pages into ``out``/<bundle>, without touching ``site``:
        ``jobs`` at a time, each on an idle service process, so a process builds bundle after
        bundle. Processes kept by ``warm`` are kept; the others end here. Their CPU time is counted."""
        self.warmed()
        started, children_before = time.perf_counter(), _children_cpu()
        root, copy = _scratch(out)
        idle: queue.SimpleQueue[PagefindService] = queue.SimpleQueue()
        for service in self.kept:
            idle.put(service)
        used: dict[PagefindService, float] = {}  # process → its CPU time when first taken

        def run(bundle: str) -> BundleRun:
            try:
                service = idle.get_nowait()
            except queue.Empty:
                service = PagefindService(self.binary)
            used.setdefault(service, service.cpu_seconds())
            try:
                return self._bundle(service, bundle, site, root / bundle.replace("/", "__"), copy, out)
            finally:
                idle.put(service)

        pool = ThreadPoolExecutor(self.jobs)
        futures = [pool.submit(run, b) for b in sorted(bundles, key=lambda b: -len(self.bundles[b]))]  # biggest first
        try:
            runs = [f.result() for f in futures]  # the first failure is raised
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(root, ignore_errors=True)
            cpu = sum(service.cpu_seconds() - before for service, before in used.items())
            for service in set(used) | set(self.kept):
                if service not in self.kept or not service.alive():
                    service.close()
            self.kept = [service for service in self.kept if service.alive()]
        cpu = round(cpu or _children_cpu() - children_before, 2)  # no /proc: the processes ended above
        self.last = IndexStats(runs, round(time.perf_counter() - started, 3), cpu)
        return self.last

    def _bundle(self, service: PagefindService, bundle: str, site: Path, tree: Path, copy: bool, out: Path) -> BundleRun:
        """One bundle into ``out``/<bundle>, indexed from ``tree``, a scratch folder of only its
        item pages (Pagefind parses every HTML file below its --site, even those it leaves out)."""
        start, name = time.perf_counter(), Path(bundle).name
        try:
            _fill(tree, [p for r in self.bundles[bundle] for p in self.listing.get(r, ())], site, copy)
            pages, files = service.index_files(tree)
        except ServiceFailed as err:
            raise IndexFailed(f"pagefind 建立索引失败 (pagefind failed for {name}): {err}") from None
        finally:
            shutil.rmtree(tree, ignore_errors=True)
        if not pages or "pagefind.js" not in files:  # as the command line, which exits 1 on no pages
            raise IndexFailed(f"pagefind 建立索引失败：没有找到可索引的页面 (pagefind found no pages for {name})")
        files = stabilise_files(files)
        write_files(out / bundle, files)
        entry = json.loads(files["pagefind-entry.json"].decode("utf-8"))
        counted = sum(lang.get("page_count", 0) for lang in entry["languages"].values())
        return BundleRun(round(time.perf_counter() - start, 3), counted)


def _scratch(out: Path) -> tuple[Path, bool]:
    """(a new folder for bundles' scratch trees, whether pages are copied there
    rather than hard-linked): in /dev/shm if any, where a copy costs less than a link on disk."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix=scratch_prefix(), dir=shm)), True  # a killed build's is removed by the next
    scratch = out / ".bundles"
    scratch.mkdir(exist_ok=True)
    return scratch, False


def _fill(tree: Path, pages: list[str], site: Path, copy: bool) -> None:
    """Put ``pages`` (relative to ``site``) into ``tree``: hard links, or copies if ``copy``."""
    tree.mkdir(parents=True)
    for rel in pages:
        target = tree / rel
        target.parent.mkdir(parents=True, exist_ok=True)  # an item page has a folder of its own
        if copy:
            _copy(site / rel, target)
        else:
            os.link(site / rel, target)


def _copy(source: Path, target: Path) -> None:
    """``shutil.copyfile`` without its checks and file objects (half the CPU a page)."""
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
