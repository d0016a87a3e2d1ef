#!/usr/bin/env python3
"""National scale: generate every county's lists, build them, search them.

    .venv/bin/python bench/national.py --regions 2844          # the whole country
    .venv/bin/python bench/national.py --regions 200 --json    # quick; last line is JSON

Steps, all in one run so the figures compare as ratios on a busy machine:

1. Generate a synthetic national data set (bench/synthetic.py) in the real
   content/ format: 全国 → 31 provinces → ~333 cities → N counties.
2. Hugo 0.168 renders the same item pages (bench/hugo_compare.py): the
   reference for the render stage's pages/s.
3. The real ``build()`` from build.py builds it — every page, extra and search
   bundle — with the Pagefind layout chosen by ``--layout``
   (sitegen/bundles.py). Wall seconds per stage, peak memory of the whole
   process tree (sampled from /proc every 0.1 s), site and index size.
4. One county's list is edited and the same builder rebuilds incrementally
   (sitegen/incremental.py), three times; then the same edit through the
   preview server ``make serve`` runs (sitegen/serve.py, its watcher's own
   interval and settle time included), timed until the page it serves shows
   the edit.
5. Headless Chromium (Playwright, the Debian browser) searches the real
   Pagefind bundles over HTTP on 127.0.0.1, each search in a fresh browser
   context (cold cache): in one county, in one province, and across the country.
6. With ``--publish``: ``build.py publish`` (sitegen/deploy.py) uploads the
   first build to a local S3 server (SeaweedFS, tests/servers.py), and again
   after the county's edits: objects, bytes and seconds of each.

Everything is written into one temporary folder, removed at the end (unless
``--keep``). ``--json`` prints the figures as one JSON object on the last line.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402

# Imported by use_code() from a copy of the code taken when the run starts.
build_module = hugo_compare = bundles = forks = incremental = index = resolve = load = validate = serve = None


def snapshot_code(dest: Path, root: Path = ROOT) -> Path:
    """A copy of build.py, sitegen/, templates/ and the schemas as they are now.
    Other engineers edit this tree while a long run goes on: the build must not
    pick up half an edit, and an incremental build must not take an edit to a
    template for a reason to rebuild everything."""
    code = dest / "code"
    skip = shutil.ignore_patterns("__pycache__")
    for name in ("sitegen", "templates"):
        shutil.copytree(root / name, code / name, ignore=skip)
    shutil.copytree(root / "content" / "schema", code / "content" / "schema", ignore=skip)
    shutil.copy2(root / "build.py", code / "build.py")
    return code


def use_code(code: Path) -> None:
    global build_module, hugo_compare, bundles, forks, incremental, index, resolve, load, validate, serve
    sys.path.insert(0, str(code))
    import build as build_module
    import hugo_compare
    from sitegen import bundles, forks, incremental, index, serve
    from sitegen.cascade import resolve
    from sitegen.load import load
    from sitegen.validate import validate


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
INCREMENTAL_EDITS = 3


def publish_figures(server, site: Path, name: str) -> dict:
    """One publish of ``site`` to the local S3 server: objects, bytes, seconds."""
    from sitegen import deploy

    os.environ.update(server.env())  # the remote, configured the rclone way
    t = time.perf_counter()
    report = deploy.publish(site, f"{server.remote_name}:site", test_target=True, progress=lambda line: None)
    return {f"{name}_objects": report.objects, f"{name}_mb": round(report.bytes / MB, 1), f"{name}_deleted": report.deleted,
            f"{name}_s": round(time.perf_counter() - t, 2), f"{name}_steps_s": report.seconds}
QUERY = "死亡证明"  # a certificate name; "证明" alone matches every page, so it is a broad query too
SECOND_QUERY = "无犯罪记录证明"
MB = 1024 * 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ memory


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def proc_kb(path: str, key: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Memory:
    """Peak memory of this process and everything it starts (workers, Pagefind,
    Hugo): RSS summed over processes (shared pages counted in each), PSS summed
    (shared pages split between them: the honest total), and the largest
    single process.

    RSS is read every ``interval`` (/proc/<pid>/status: ~0.03 ms), PSS every
    ``pss_interval``: /proc/<pid>/smaps_rollup walks the process's page
    tables, ~5 ms of CPU for a 600 MB worker, and read ten times a second
    from each process it took ~7 % of the machine's CPU during the render
    stage at national scale (perf), time the build then lacked. The
    sampler's own CPU time is kept (``cpu_s``) and left out of the build's.

    With each RSS reading it also notes the machine's idle CPU time
    (/proc/stat), so ``idle_between`` can say how many core-seconds went
    unused in each stage of the build."""

    def __init__(self, interval: float = 0.1, pss_interval: float = 1.0):
        self.interval, self.pss_interval = interval, pss_interval
        self.rss = self.pss = self.single = 0
        self.cpu_s = 0.0
        self.idle: list[tuple[float, float]] = []  # (time.perf_counter(), idle CPU seconds of the whole machine so far)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        start = time.thread_time()
        next_pss = 0.0
        while not self._stop.is_set():
            rss = pss = single = 0
            with_pss = time.monotonic() >= next_pss
            for pid in _descendants(me):
                r = proc_kb(f"/proc/{pid}/status", "VmRSS:")
                rss += r
                single = max(single, r)
                if with_pss:
                    pss += proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")
            if with_pss:
                next_pss = time.monotonic() + self.pss_interval
                self.pss = max(self.pss, pss)
            self.rss, self.single = max(self.rss, rss), max(self.single, single)
            self.idle.append((time.perf_counter(), _idle_seconds()))
            self.cpu_s = time.thread_time() - start
            self._stop.wait(self.interval)

    def __enter__(self) -> "Memory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def mb(self) -> dict[str, float]:
        return {"rss_mb": round(self.rss / 1024), "pss_mb": round(self.pss / 1024), "largest_process_mb": round(self.single / 1024)}

    def idle_between(self, start: float, end: float) -> float:
        """Idle core-seconds of the machine between two ``time.perf_counter()``
        readings, from the samples nearest to them (0.1 s apart)."""
        if not self.idle:
            return 0.0
        nearest = lambda t: min(self.idle, key=lambda sample: abs(sample[0] - t))[1]  # noqa: E731
        return round(max(0.0, nearest(end) - nearest(start)), 1)

    def idle_by_stage(self, start: float, seconds: dict[str, float]) -> dict[str, float]:
        """Idle core-seconds in each stage of a build that began at ``start``
        (stages follow each other in the order of ``seconds``)."""
        out = {}
        for stage, length in seconds.items():
            out[stage] = self.idle_between(start, start + length)
            start += length
        return out


def _idle_seconds() -> float:
    """Idle and I/O-wait time of all CPUs since boot, in seconds (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return (int(fields[4]) + int(fields[5])) / CLOCK_TICKS


# ------------------------------------------------------------------ sizes


def tree_size(folder: Path) -> tuple[int, int]:
    """(files, bytes) below ``folder``."""
    files = size = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.stat(os.path.join(dirpath, name)).st_size
    return files, size


def mean_page_bytes(folder: Path, limit: int = 200) -> int:
    sizes = [p.stat().st_size for _, p in zip(range(limit), folder.glob("*/index.html"))]
    return round(statistics.mean(sizes)) if sizes else 0


# ------------------------------------------------------------------ search


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


SEARCH_JS = """async ({bundles, query, filters, fragments, second}) => {
  const t0 = performance.now();
  const pf = await import(bundles[0] + "pagefind.js");
  await pf.options({basePath: bundles[0]});
  for (const b of bundles.slice(1)) await pf.mergeIndex(b);
  const r = await pf.search(query, filters ? {filters} : {});
  const data = await Promise.all(r.results.slice(0, fragments).map(x => x.data()));
  const ms = performance.now() - t0;
  let second_ms = null;
  if (second) {
    const t1 = performance.now();
    const r2 = await pf.search(second, filters ? {filters} : {});
    await Promise.all(r2.results.slice(0, fragments).map(x => x.data()));
    second_ms = performance.now() - t1;
  }
  return {ms, results: r.results.length, urls: data.map(d => d.url), second_ms};
}"""


def search_timings(site: Path, scenarios: list[dict], timeout_s: float = 120) -> list[dict]:
    """Run each scenario in a fresh browser context: (ms, bytes, results)."""
    from playwright.sync_api import sync_playwright

    (site / "bench-search.html").write_text("<!doctype html><meta charset=utf-8><title>bench</title>\n", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for sc in scenarios:
                    context = browser.new_context()
                    sizes: list[int] = []
                    page = context.new_page()
                    page.set_default_timeout(timeout_s * 1000)
                    if "page" not in sc:
                        page.goto(base + "/bench-search.html")
                    context.on("requestfinished", lambda req: sizes.append(_transfer(req)))
                    try:
                        if "page" in sc:  # the site's own search page, as a resident opens it
                            page.goto(base + sc["page"])
                            page.wait_for_selector('#results[data-state="done"]', state="attached")
                            ms = page.evaluate("performance.now()")
                            links = page.eval_on_selector_all("#results a", "as => as.map(a => a.getAttribute('href'))")
                            out = {"ms": ms, "results": len(links), "urls": links, "second_ms": None}
                        else:
                            out = page.evaluate(SEARCH_JS, {"bundles": sc["bundles"], "query": sc["query"], "filters": sc.get("filters"), "fragments": 5, "second": sc.get("second")})
                        page.wait_for_timeout(50)  # let the last requestfinished events arrive
                        results.append({"name": sc["name"], "bundles": len(sc.get("bundles", [])), "ms": round(out["ms"]), "bytes": sum(sizes), "requests": len(sizes), "results": out["results"], "second_ms": round(out["second_ms"]) if out["second_ms"] is not None else None, "first_url": (out["urls"] or [None])[0]})
                    except Exception as exc:  # a timeout is a figure too
                        results.append({"name": sc["name"], "bundles": len(sc.get("bundles", [])), "ms": None, "bytes": sum(sizes), "requests": len(sizes), "results": None, "error": str(exc).splitlines()[0][:200]})
                    context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        (site / "bench-search.html").unlink(missing_ok=True)
    return results


def _transfer(request) -> int:
    try:
        s = request.sizes()
        return s["responseBodySize"] + s["responseHeadersSize"]
    except Exception:
        return 0


def scenarios(layout: dict[str, list[str]], regions, county: str, label: str = "") -> list[dict]:
    """Searches straight against the Pagefind bundles of ``layout``: in the
    county's bundle (filtered to the county), in every bundle of its province,
    in the national region's bundle, and in all bundles merged."""
    by_id = {r.id: r for r in regions}
    bundle_of = {r: b for b, rs in layout.items() for r in rs}
    province = county
    while by_id[province].level != "省级":
        province = by_id[province].parent
    in_province = sorted({b for b, rs in layout.items() for r in rs if r == province or _under(r, province, by_id)})
    url = lambda b: f"/{b}/"  # noqa: E731
    out = [
        {"name": "county", "bundles": [url(bundle_of[county])], "query": QUERY, "filters": {"region": by_id[county].full_name}, "second": SECOND_QUERY},
        {"name": "province, its bundles merged", "bundles": [url(b) for b in in_province], "query": QUERY, "second": SECOND_QUERY},
        {"name": "national list", "bundles": [url(bundle_of["quanguo"])], "query": SECOND_QUERY, "second": QUERY},
    ]
    if len(layout) > 1:
        out.append({"name": "whole country", "bundles": [url(b) for b in sorted(layout)], "query": SECOND_QUERY})
    for sc in out:
        sc["name"] = label + sc["name"]
    return out


def page_scenarios(site: Path, regions, county: str) -> list[dict]:
    """The site's own search page (search.js, names.json, Pagefind), if the build made one."""
    if not (site / "search" / "index.html").exists() or not (site / "search" / "names.json").exists():
        return []
    by_id = {r.id: r for r in regions}
    province = county
    while by_id[province].level != "省级":
        province = by_id[province].parent
    return [
        {"name": "search page: county", "page": f"/search/?q={quote(QUERY)}&region={quote(by_id[county].full_name)}"},
        {"name": "search page: province", "page": f"/search/?q={quote(QUERY)}&region={quote(by_id[province].full_name)}"},
        {"name": "search page: all regions", "page": f"/search/?q={quote(SECOND_QUERY)}"},
    ]


def _under(region: str, ancestor: str, by_id) -> bool:
    parent = by_id[region].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = by_id[parent].parent
    return False


# ------------------------------------------------------------------ run


def cpu() -> float:
    """CPU seconds of this process and its finished children (workers, Pagefind, Hugo)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def quiet_disk() -> None:
    """Write back every dirty page before a timed step (Hugo, the build, the
    edits, the searches): the kernel writes the files of the step before (the
    data set, Hugo's ~110,000 pages, the site's 3.5 GB) in the background, on
    the same two cores, and that work is not the next step's."""
    os.sync()


def loadavg() -> float:
    return round(os.getloadavg()[0], 1)


def _prepare(counties: int, work: Path, hugo: bool):
    """The synthetic country in ``work``/content, and Hugo's project of the
    same item pages if ``hugo``: (data set, regions, seconds to generate,
    Hugo's page count or None)."""
    t = time.perf_counter()
    data = synthetic.generate(counties, work)
    seconds = round(time.perf_counter() - t, 2)
    valid = validate(load(data.content, ROOT))
    pages = hugo_compare.write_project(resolve(valid), work / "hugo") if hugo else None
    return data, list(valid.regions), seconds, pages


def run(args) -> dict:
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="national-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    code = snapshot_code(work)
    use_code(code)
    core = {}
    if args.core_only:
        from sitegen import features

        core = {"features": lambda templates: (features.Pages(templates),)}  # and no 打印和下载 links to the others
    fig: dict = {"regions_arg": args.regions, "layout": args.layout, "cores": forks.cores(), "loadavg_start": loadavg()}
    servers = contextlib.ExitStack()  # the S3 server of --publish
    try:
        # 1. data, and 2. Hugo's project from it, in a child process: a real
        # build's process has not parsed the country's YAML beforehand, and the
        # heap that leaves behind would be counted (once per forked worker) in
        # the build's memory below
        data, regions, generate_s, hugo_pages = forks.in_child(_prepare, args.regions, work, not args.no_hugo)
        fig.update(generate_s=generate_s, provinces=data.provinces, cities=data.cities, counties=data.counties, regions=data.regions, list_files=data.lists, rows=data.rows)
        layout = bundles.layout(regions, args.layout)
        _use_layout_in_search_data(args.layout)

        # 2. Hugo on the same item pages
        quiet_disk()
        if not args.no_hugo:
            project = work / "hugo"
            fig["hugo_pages"] = hugo_pages
            c = cpu()
            with Memory() as mem:
                seconds, done = hugo_compare.run(project, work / "hugo-public")
            fig["hugo_cpu_s"] = round(cpu() - c, 2)
            if done.returncode != 0:
                raise SystemExit(f"hugo failed:\n{done.stdout}\n{done.stderr}")
            fig.update(hugo_s=round(seconds, 2), hugo_pages_per_s=round(fig["hugo_pages"] / seconds), hugo_rss_mb=mem.mb()["largest_process_mb"], hugo_page_bytes=mean_page_bytes(work / "hugo-public" / synthetic.publishing_counties(data.content, data)[0]))
            # Hugo's tree is deleted only at the end: on this file system a big
            # delete slows every file created in the next minute or so.

        # 3. the real build
        quiet_disk()
        site = work / "site"
        workers = forks.Workers()
        full = partial(build_module.build, isolate=forks.in_child, map=workers, **core)  # what build.fast does
        state = incremental.Builder(data.content, site, code, full=full, code=lambda: "the code snapshot", pagefind=bundles.Indexer(jobs=args.jobs))
        indexer = state.pagefind
        c = cpu()
        with Memory() as mem:
            t = time.perf_counter()
            result = state.build()
            total = time.perf_counter() - t
        fig["build_cpu_s"] = round(cpu() - c - mem.cpu_s, 2)  # the memory sampler's thread left out
        fig["memory_sampling_cpu_s"] = round(mem.cpu_s, 2)
        fig["idle_core_s"] = mem.idle_by_stage(t, result.seconds)  # cores × seconds the machine left unused, per stage
        full_index = indexer.last  # the incremental build below replaces indexer.last
        fig.update(pages=result.pages, files=result.files, total_s=round(total, 2), **{f"{k}_s": v for k, v in result.seconds.items()})
        fig["render_pages_per_s"] = round(result.pages / result.seconds["write"]) if result.seconds.get("write") else None
        if fig.get("hugo_pages") and result.seconds.get("write"):
            # the item pages alone (the pages Hugo renders), everything else the stage makes counted as their cost
            fig["render_item_pages_per_s"] = round(fig["hugo_pages"] / result.seconds["write"])
        fig["render_parallel"] = workers.used > 1
        fig["render_workers"] = workers.used
        fig["render_task_seconds"] = result.render_seconds
        fig["render_cpu_s"] = round(sum(result.render_seconds.values()), 2)
        m = mem.mb()
        fig.update(peak_rss_mb=m["rss_mb"], peak_pss_mb=m["pss_mb"], peak_largest_process_mb=m["largest_process_mb"])
        if fig.get("hugo_pages_per_s") and fig["render_pages_per_s"]:
            fig["render_vs_hugo"] = round(fig["render_pages_per_s"] / fig["hugo_pages_per_s"], 2)
            fig["render_item_pages_vs_hugo"] = round(fig["render_item_pages_per_s"] / fig["hugo_pages_per_s"], 2)
        publishing = synthetic.publishing_counties(data.content, data)
        county = publishing[len(publishing) // 2]
        fig["item_page_bytes"] = mean_page_bytes(site / county)
        files, size = tree_size(site)
        ifiles, isize = tree_size(site / bundles.PREFIX)
        names = site / "search" / "names.json"
        fig.update(site_files=files, site_mb=round(size / MB, 1), index_files=ifiles, index_mb=round(isize / MB, 1), bundles=len(layout))
        fig["names_json_kb"] = round(names.stat().st_size / 1024) if names.exists() else None
        runs = full_index.bundles
        if runs:
            fig.update(largest_bundle_pages=max(b.pages for b in runs), median_bundle_pages=round(statistics.median(b.pages for b in runs)), median_bundle_s=round(statistics.median(b.seconds for b in runs), 2), index_pages=sum(b.pages for b in runs), index_cpu_s=full_index.cpu_seconds)

        # 6a. the first publish of the whole site
        if args.publish:
            sys.path.insert(0, str(ROOT / "tests"))
            from servers import seaweedfs

            s3 = servers.enter_context(seaweedfs(work / "seaweedfs"))
            quiet_disk()
            fig.update(publish_figures(s3, site, "publish_full"))

        # the same pages rendered by one process, for the parallel speed-up
        if args.single_render:
            from sitegen.render import Context, write

            t, c = time.perf_counter(), cpu()
            one = write(result.plan, work / "single-render", Context(result.valid.site))
            seconds = time.perf_counter() - t
            fig.update(single_render_s=round(seconds, 2), single_render_cpu_s=round(cpu() - c, 2), single_render_pages_per_s=round(one.pages / seconds))
            fig["parallel_speedup"] = round(seconds / result.seconds["write"], 2)

        # 4. one county edits its list
        quiet_disk()
        if not args.no_incremental:
            runs, cpus = [], []  # the same county edits three times (a row grows each time): the median is reported
            with Memory() as mem:
                for _ in range(INCREMENTAL_EDITS):
                    synthetic.edit_county(data.content, county)
                    t, c = time.perf_counter(), cpu()
                    again = state.build()
                    runs.append(round(time.perf_counter() - t, 2))
                    cpus.append(round(cpu() - c, 2))
            fig["incremental_runs_s"] = runs
            fig["incremental_s"] = statistics.median(runs)
            fig["incremental_cpu_s"] = statistics.median(cpus)  # this process (the memory sampler included) and its finished children
            fig["incremental_stages"] = again.seconds
            fig["incremental_render_parts"] = state.last.get("render_parts", {})
            fig["incremental_kind"] = "incremental" if state.last.get("changed") else f"full build ({state.why_full})"
            fig["incremental_pages"] = again.pages
            fig["incremental_bundles"] = state.last.get("bundles", []) if fig["incremental_kind"] == "incremental" else len(layout)
            fig["incremental_rss_mb"] = mem.mb()["rss_mb"]
            if args.publish:  # 6b. the edited county published
                quiet_disk()
                fig.update(publish_figures(s3, site, "publish_county"))
            fig.update(_serve_edit(state, data.content, site, code, county))
        state.close()  # the Pagefind process a builder keeps for edits (Indexer.warm)

        # 5. other layouts over the same pages: index cost, one bundle rebuilt
        pages = index.item_pages(state.known.resolved)
        fig["layouts"] = [_layout_row(args.layout, layout, site, full_index, fig.get("index_s"), full_index.cpu_seconds, None, county, pages)]
        alternatives = []
        for depth in args.compare_layouts:
            if depth == args.layout:
                continue
            alt = bundles.layout(regions, depth, prefix=f"pagefind-{depth}")
            alt_indexer = bundles.Indexer(alt, jobs=args.jobs, pages=pages)
            with Memory() as mem:
                alt_indexer(site)
            fig["layouts"].append(_layout_row(depth, alt, site, alt_indexer.last, alt_indexer.last.seconds, alt_indexer.last.cpu_seconds, mem.mb()["rss_mb"], county, pages))
            alternatives.append((depth, alt))

        # 6. search in headless Chromium
        quiet_disk()
        if not args.no_search:
            plan = scenarios(layout, regions, county) + page_scenarios(site, regions, county)
            for depth, alt in alternatives:
                plan += scenarios(alt, regions, county, label=f"[{depth}] ")
            found = search_timings(site, plan)
            fig["search"] = found
            first = found[0]
            fig.update(first_search_bytes=first["bytes"], first_search_ms=first["ms"])
            for sc in found[1:]:
                key = sc["name"].replace(" ", "_").replace(":", "").replace("[", "").replace("]", "")
                fig[f"{key}_search_bytes"], fig[f"{key}_search_ms"] = sc["bytes"], sc["ms"]
        fig["loadavg_end"] = loadavg()
        if (work / "hugo-public").exists():
            t = time.perf_counter()
            shutil.rmtree(work / "hugo-public")  # what publish() does to the old site/ after a swap
            fig["delete_tree_s"] = round(time.perf_counter() - t, 2)
        return fig
    finally:
        servers.close()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _layout_row(depth, layout, site: Path, stats: bundles.IndexStats, seconds, cpu_s, rss_mb, county: str, pages_of: dict) -> dict:
    """One layout's figures; rebuilds the county's bundle once (what an edit costs)."""
    folder = next(iter(layout)).split("/")[0]
    files, size = tree_size(site / folder)
    scratch = site.parent / "one-bundle"
    scratch.mkdir()
    one = bundles.Indexer(layout, jobs=1, pages=pages_of)  # the county's bundle as an edit remakes it, in a new process
    one.index(site, scratch, [one.bundle_of[county]])
    run = one.last.bundles[0]
    shutil.rmtree(scratch, ignore_errors=True)
    pages = [b.pages for b in stats.bundles] or [0]
    return {"layout": depth, "bundles": len(layout), "index_s": seconds, "index_cpu_s": cpu_s, "index_rss_mb": rss_mb, "index_mb": round(size / MB, 1), "index_files": files, "largest_bundle_pages": max(pages), "median_bundle_pages": round(statistics.median(pages)), "one_bundle_s": run.seconds, "one_bundle_pages": run.pages}


def _use_layout_in_search_data(depth: str) -> None:
    """The search data says which bundle serves each region, and the index
    stage builds that layout (``sitegen.index.bundle_layout``, ``bundle_of``);
    make both use this run's layout."""
    from sitegen import index

    index.bundle_layout = lambda regions, *_: bundles.layout(list(regions), depth)
    index.bundle_of = lambda resolved, region_id: bundles.bundle_of(resolved.tree.chain(region_id), depth) + "/"


SERVE_EDITS = 3


def _serve_edit(builder, content: Path, site: Path, code: Path, county: str) -> dict:
    """An edit as ``make serve`` shows it: the preview server and its watcher
    (sitegen/serve.py, its interval and settle time as ``serve_and_watch``
    uses them) run on the builder; a county's row is edited and the page is
    fetched over HTTP until it shows the edit. Seconds from the file written
    to the page served, median of SERVE_EDITS."""
    import urllib.request

    stop = threading.Event()
    preview = serve.Preview(builder.build, site, [content, code / "templates"], port=0, out=open(os.devnull, "w"))
    preview.start()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)  # as serve_and_watch watches
    watcher.start()
    runs = []
    try:
        for n in range(SERVE_EDITS):
            mark = f"（预览测试 {n}）"
            row = synthetic.edit_row(content / "lists" / county / "buyu-chuju.yaml", text=mark)
            t = time.perf_counter()
            url = preview.url + quote(f"{county}/{row}/")
            while time.perf_counter() - t < 60:
                with urllib.request.urlopen(url) as answer:
                    if mark in answer.read().decode("utf-8"):
                        break
                time.sleep(0.02)
            runs.append(round(time.perf_counter() - t, 2))
    finally:
        stop.set()
        watcher.join()
        preview.stop()
    return {"serve_edit_runs_s": runs, "serve_edit_s": statistics.median(runs), "serve_kind": "incremental" if builder.last.get("changed") else f"full build ({builder.why_full})"}


# ------------------------------------------------------------------ output


ROWS = [
    ("counties / regions", lambda f: f"{f['counties']} / {f['regions']} ({f['provinces']} provinces, {f['cities']} cities)"),
    ("list files / rows", lambda f: f"{f['list_files']} / {f['rows']}"),
    ("pages / files", lambda f: f"{f['pages']} / {f['files']}"),
    ("load / validate / resolve / plan s", lambda f: f"{f['load_s']} / {f['validate_s']} / {f['resolve_s']} / {f['plan_s']}"),
    ("write s (pages/s)", lambda f: f"{f['write_s']} ({f['render_pages_per_s']} pages/s, {'%d workers' % f['render_workers'] if f.get('render_parallel') else 'one process'})"),
    ("index s", lambda f: f"{f['index_s']} ({f['bundles']} bundles, layout {f['layout']})"),
    ("publish s", lambda f: f"{f['publish_s']} (deleting a tree of {f['hugo_pages']} pages, as publish does with the old site/: {f.get('delete_tree_s')} s)"),
    ("total s", lambda f: f"{f['total_s']} wall, {f['build_cpu_s']} CPU"),
    ("idle core-s by stage", lambda f: ", ".join(f"{k} {v}" for k, v in f["idle_core_s"].items()) + f" (of {f['cores']} cores × each stage's seconds)"),
    ("peak memory MB", lambda f: f"PSS {f['peak_pss_mb']} / RSS {f['peak_rss_mb']} (largest process {f['peak_largest_process_mb']}; sampling them cost {f['memory_sampling_cpu_s']} CPU s)"),
    ("site", lambda f: f"{f['site_mb']} MB in {f['site_files']} files; item page {f['item_page_bytes']} B"),
    ("index", lambda f: f"{f['index_mb']} MB in {f['index_files']} files; names.json {f['names_json_kb']} KB"),
    ("bundles", lambda f: f"median {f.get('median_bundle_pages')} pages, largest {f.get('largest_bundle_pages')}, median {f.get('median_bundle_s')} s each"),
    ("Hugo 0.168 (same item pages)", lambda f: f"{f['hugo_pages']} pages in {f['hugo_s']} s ({f['hugo_cpu_s']} CPU) = {f['hugo_pages_per_s']} pages/s, {f['hugo_rss_mb']} MB, page {f['hugo_page_bytes']} B" if "hugo_s" in f else "not run"),
    ("render / Hugo pages/s", lambda f: f"{f.get('render_vs_hugo')}× counting every page the stage writes; {f.get('render_item_pages_vs_hugo')}× counting only the {f['hugo_pages']} item pages Hugo also makes ({f.get('render_item_pages_per_s')} item pages/s)"),
    ("same pages in one process", lambda f: f"{f['single_render_s']} s ({f['single_render_pages_per_s']} pages/s); parallel is {f['parallel_speedup']}× faster"),
    ("one county edited", lambda f: f"{f['incremental_s']} s, median of {f['incremental_runs_s']} ({f['incremental_kind']}; {f['incremental_pages']} pages; bundles {f['incremental_bundles']})" if "incremental_s" in f else "not run"),
    ("publish: first, whole site", lambda f: f"{f['publish_full_objects']} objects, {f['publish_full_mb']} MB in {f['publish_full_s']} s ({', '.join(f'{k} {v}' for k, v in f['publish_full_steps_s'].items())})" if "publish_full_s" in f else "not run (--publish)"),
    ("publish: one county edited", lambda f: f"{f['publish_county_objects']} objects, {f['publish_county_mb']} MB, {f['publish_county_deleted']} deleted in {f['publish_county_s']} s ({', '.join(f'{k} {v}' for k, v in f['publish_county_steps_s'].items())})" if "publish_county_s" in f else "not run"),
    ("make serve: edit to page shown", lambda f: f"{f['serve_edit_s']} s, median of {f['serve_edit_runs_s']} ({f['serve_kind']}; the watcher looks every 0.5 s and lets a change settle 0.2 s)" if "serve_edit_s" in f else "not run"),
    ("load average start / end", lambda f: f"{f['loadavg_start']} / {f['loadavg_end']} on {f['cores']} cores"),
]


def table(fig: dict) -> str:
    lines = []
    for label, fmt in ROWS:
        try:
            lines.append(f"{label:<30} {fmt(fig)}")
        except KeyError:
            continue
    if fig.get("render_task_seconds"):
        lines.append(f"{'write time by feature (CPU s)':<30} " + ", ".join(f"{k} {v}" for k, v in sorted(fig["render_task_seconds"].items(), key=lambda kv: -kv[1])))
    if fig.get("incremental_render_parts"):
        lines.append(f"{'one county edited: write s':<30} " + ", ".join(f"{k} {v}" for k, v in sorted(fig["incremental_render_parts"].items(), key=lambda kv: -kv[1]) if v >= 0.01))
    for row in fig.get("layouts", []):
        lines.append(f"{'layout: one bundle per ' + row['layout']:<30} {row['bundles']} bundles, index {row['index_s']} s" + f" ({row['index_cpu_s']} CPU s" + (f", {row['index_rss_mb']} MB)" if row["index_rss_mb"] else ")") + f", {row['index_mb']} MB; largest {row['largest_bundle_pages']} pages; the county's bundle ({row['one_bundle_pages']} pages) rebuilt in {row['one_bundle_s']} s")
    for sc in fig.get("search", []):
        ms = f"{sc['ms']} ms" if sc["ms"] is not None else f"failed: {sc.get('error')}"
        lines.append(f"{'search: ' + sc['name']:<30} {ms}, {sc['bytes'] / 1024:.0f} KB in {sc['requests']} requests, {sc['bundles']} bundle(s), {sc['results']} results; next query {sc.get('second_ms')} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=int, default=200, help="county-level regions (the country has 2,844)")
    parser.add_argument("--layout", choices=["country", "province", "city", "county"], default="city", help="one Pagefind bundle per … (default: city)")
    parser.add_argument("--jobs", type=int, default=None, help="Pagefind processes at a time (default: cores)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--workdir", help="work here instead of a new folder in /tmp")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--publish", action="store_true", help="also publish to a local S3 server (SeaweedFS): the whole site, then the edited county")
    parser.add_argument("--compare-layouts", default="province", help="comma-separated other layouts to index the same pages with (default: province; '' for none)")
    parser.add_argument("--single-render", action="store_true", help="also render the same pages in one process, for the parallel speed-up")
    parser.add_argument("--core-only", action="store_true", help="diagnostic: plan only the core pages (no QR codes, share images, print pages, open data, search data)")
    args = parser.parse_args(argv)
    args.compare_layouts = [d for d in args.compare_layouts.split(",") if d]
    fig = run(args)
    fig["core_only"] = args.core_only
    print(table(fig))
    if args.json:
        print(json.dumps(fig, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
