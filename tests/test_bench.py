"""National-scale machinery, checked at a small N on synthetic data in the real
content format (bench/synthetic.py):

- bench/national.py runs end to end and reports figures it really measured
  (its JSON line; a real search in headless Chromium found the page);
- writing on every core gives byte for byte what one process writes;
- an incremental build leaves the same tree a full build leaves, rebuilding
  only what the edit touched, and builds in full when an edit would add or
  remove a file;
- bad input during an incremental build leaves site/ untouched.

No timing is asserted here: speed is bench/national.py's job.
"""
from __future__ import annotations

import json
import os
from functools import partial
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, tree_digest

sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402

import build as build_module  # noqa: E402
from sitegen import bundles, forks, incremental, index, scale  # noqa: E402
from sitegen.model import Sizes  # noqa: E402
from sitegen.cascade import resolve  # noqa: E402
from sitegen.load import load  # noqa: E402
from sitegen.problems import ContentError  # noqa: E402
from sitegen.validate import validate  # noqa: E402

COUNTY = "s01-c01-x01"  # publishes its own lists (seeded data)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> synthetic.Synthetic:
    """8 counties in 3 cities in 2 provinces: small, but with siblings, cousins and inheritance."""
    return synthetic.generate(8, tmp_path_factory.mktemp("synthetic"), provinces=2, cities=3)


@pytest.fixture
def content(data, tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(data.content, target)
    return target


NATIONAL = Sizes(nearby_only_above=5)  # the 14 regions as a big site: item pages list only nearby regions
PER_CITY = Sizes(nearby_only_above=5, bundle_per_city_from=0)  # … and a Pagefind bundle per city


@pytest.fixture(scope="module")
def two_renders(data, tmp_path_factory) -> tuple[Path, Path]:
    """The same content written by forked workers and by one process."""
    out = tmp_path_factory.mktemp("renders")
    workers = forks.Workers(workers=2, from_items=0)
    many = build_module.build(data.content, out / "parallel", search_index=False, map=workers, sizes=NATIONAL)
    assert workers.used == 2, "the parallel path ran"
    one = build_module.build(data.content, out / "single", search_index=False, sizes=NATIONAL)
    assert many.pages == one.pages and many.files == one.files
    return out / "parallel", out / "single"


def regions_of(content: Path):
    return list(validate(load(content, ROOT)).regions)


# ------------------------------------------------------------------ the benchmark


@pytest.mark.slow
@pytest.mark.browser
def test_benchmark_runs_and_reports_what_it_measured(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "national.py"), "--regions", "3", "--json", "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    fig = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("pages", "render_pages_per_s", "total_s", "peak_rss_mb", "incremental_s", "first_search_bytes", "first_search_ms", "hugo_pages_per_s", "index_mb", "site_mb"):
        assert fig.get(key) is not None, key
    assert fig["counties"] == 3 and fig["regions"] == 1 + fig["provinces"] + fig["cities"] + 3
    # the county's edits were built incrementally, three times; the median is reported
    assert fig["incremental_kind"] == "incremental" and len(fig["incremental_runs_s"]) == 3
    assert fig["incremental_s"] == sorted(fig["incremental_runs_s"])[1]
    # and the same edit through `make serve`'s watcher and server, until the page showed it
    assert fig["serve_kind"] == "incremental" and len(fig["serve_edit_runs_s"]) == 3 and fig["serve_edit_s"] > 0
    # every stage the issue names was timed
    assert {"load_s", "validate_s", "resolve_s", "plan_s", "write_s", "index_s", "publish_s"} <= fig.keys()
    # and the machine's unused core-seconds in each of them
    assert list(fig["idle_core_s"]) == ["load", "validate", "resolve", "plan", "write", "index", "publish"]
    assert all(0 <= fig["idle_core_s"][s] <= fig["cores"] * fig[f"{s}_s"] + 0.5 for s in fig["idle_core_s"])
    # the county search ran in Chromium against the real bundle and found that county's page
    county = fig["search"][0]
    assert county["name"] == "county" and county["results"] >= 1 and county["bytes"] > 10_000
    assert county["first_url"].endswith("/siwang/"), county
    national = next(s for s in fig["search"] if s["name"] == "national list")
    assert national["first_url"].startswith("/quanguo/"), national
    # Hugo rendered one page per (region, certificate), as our build did
    assert fig["hugo_pages"] == fig["index_pages"]
    assert not (tmp_path / "work").exists(), "the work folder is removed at the end"
    # the table is printed before the JSON line
    assert "search: county" in done.stdout and "Hugo 0.168" in done.stdout


def test_memory_sampler_reads_rss_often_and_pss_seldom(monkeypatch):
    """smaps_rollup walks a process's page tables (~5 ms for a 600 MB worker):
    read ten times a second it took CPU from the build it measures."""
    import time

    import national

    reads: list[str] = []
    real_kb = national.proc_kb
    monkeypatch.setattr(national, "proc_kb", lambda path, key: reads.append(path.rsplit("/", 1)[1]) or real_kb(path, key))
    with national.Memory(interval=0.01, pss_interval=60) as mem:
        time.sleep(0.3)
    # every process's RSS in each of ≥ 10 samples, its PSS only in the first
    # (the test's process, and any children it has)
    assert reads.count("status") >= 10 * reads.count("smaps_rollup") >= 10
    assert mem.pss > 0 and mem.rss >= mem.single > 0
    assert mem.cpu_s > 0 and mem.mb()["pss_mb"] == round(mem.pss / 1024)
    assert len(mem.idle) >= 10 and all(a[1] <= b[1] for a, b in zip(mem.idle, mem.idle[1:]))


def test_idle_core_seconds_are_split_by_stage():
    import national

    mem = national.Memory()
    mem.idle = [(10.0, 100.0), (11.0, 101.5), (12.0, 102.0), (13.04, 103.9)]  # (clock, idle seconds so far)
    # stages follow each other from the build's start: load 1 s, render 2 s
    assert mem.idle_by_stage(10.0, {"load": 1.0, "render": 2.0}) == {"load": 1.5, "render": 2.4}
    assert mem.idle_between(10.02, 11.96) == 2.0  # the nearest samples


# ------------------------------------------------------------------ parallel render


def test_parallel_render_writes_the_same_bytes_as_one_process(two_renders):
    many, one = two_renders
    assert tree_digest(many) == tree_digest(one)


def test_item_pages_list_only_nearby_regions_at_national_scale(data, two_renders):
    site = two_renders[0]
    resolved = resolve(validate(load(data.content, ROOT)))
    idx = resolved.tree
    view = next(v for v in resolved.views if v.region.id == COUNTY)
    for entry in view.entries[:5]:
        cert = entry.certificate.id
        url = f"https://x/{COUNTY}/{cert}/"
        soup = BeautifulSoup((site / COUNTY / cert / "index.html").read_text(encoding="utf-8"), "html.parser")
        section = soup.find(id="more-h").parent
        linked = {urljoin(url, a["href"]).split("/")[3] for a in section.select("a.rowlink__link")}
        expected = {r for r in idx.nearby(COUNTY) if cert in idx.entries[r]}
        assert linked == expected, cert
        assert "s02" not in {r.split("-")[0] for r in linked} - {"quanguo"}, "no county of another province"


def test_shown_on_is_the_inverse_of_nearby(content):
    resolved = resolve(validate(load(content, ROOT)), NATIONAL)
    idx = resolved.tree
    ids = [v.region.id for v in resolved.views]
    for r in ids:
        assert scale.shown_on(resolved, r) == {n for n in ids if r in idx.nearby(n)}, r


def test_bundle_layout_puts_each_region_in_one_bundle(content):
    regions = regions_of(content)
    for depth in bundles.DEPTHS:
        layout = bundles.layout(regions, depth)
        placed = [r for rs in layout.values() for r in rs]
        assert sorted(placed) == sorted(r.id for r in regions), depth
    city = bundles.layout(regions, "city")
    assert city["pagefind/s01-c01"] == ["s01-c01", "s01-c01-x01", "s01-c01-x02", "s01-c01-x03", "s01-c01-x04"]
    assert city["pagefind/quanguo"] == ["quanguo"] and city["pagefind/s01"] == ["s01"]
    assert list(bundles.layout(regions, "country")) == ["pagefind"]


# ------------------------------------------------------------------ incremental builds


def builder(content: Path, site: Path, search_index: bool = True) -> incremental.Builder:
    """A builder as ``make serve`` keeps one (code fixed: others edit it while tests run)."""
    full = partial(build_module.build, sizes=PER_CITY)
    return incremental.Builder(content, site, ROOT, full=full, search_index=search_index, code=lambda: "fixed for the test", pagefind=bundles.Indexer(jobs=2))


@pytest.mark.slow
def test_incremental_build_gives_the_tree_a_full_build_gives(content, tmp_path):
    site = tmp_path / "site"
    state = builder(content, site)
    first = state.build()

    # a county edits one row
    edited = synthetic.edit_county(content, COUNTY)
    state.build()
    assert state.last["changed"] == [edited.relative_to(content).as_posix()], state.why_full
    assert state.last["regions"] == [COUNTY]
    assert state.last["bundles"] == ["pagefind/s01-c01"]
    assert 0 < state.last["pages"] < first.files / 10

    # the province edits a row its cities and some counties inherit
    synthetic.edit_row(content / "lists" / "s01" / "buyu-chuju.yaml", index=-1)
    state.build()
    assert state.last["changed"] == ["lists/s01/buyu-chuju.yaml"], state.why_full
    assert {"s01", "s01-c01", "s01-c02", "s01-c01-x02"} <= set(state.last["regions"])
    assert not any(r.startswith("s02") for r in state.last["regions"])

    state.close()
    full = tmp_path / "full"
    build_module.build(content, full, sizes=PER_CITY)
    assert tree_digest(site) == tree_digest(full)
    assert not list(tmp_path.glob("site.new-*")), "no staging folder left behind"


def test_an_edit_that_removes_a_file_builds_in_full(content, tmp_path):
    import yaml

    site = tmp_path / "site"
    state = builder(content, site, search_index=False)
    state.build()
    path = content / "lists" / COUNTY / "buyu-chuju.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rows"].pop(0)  # the county's list without its first row: a slip, a QR code … fewer
    synthetic.dump(data, path)
    state.build()
    assert "add or remove files" in state.why_full, state.last
    build_module.build(content, tmp_path / "full", search_index=False, sizes=PER_CITY)
    assert tree_digest(site) == tree_digest(tmp_path / "full")


def test_bad_input_in_an_incremental_build_leaves_the_site_untouched(content, tmp_path):
    site = tmp_path / "site"
    state = builder(content, site, search_index=False)
    state.build()
    before = tree_digest(site)
    path = content / "lists" / COUNTY / "buyu-chuju.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("id: hukou-biangeng", "id: hukou-biangen"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        state.build()
    report = err.value.report()
    assert f"{COUNTY}/buyu-chuju.yaml:" in report and "hukou-biangen" in report
    assert tree_digest(site) == before
    assert not list(tmp_path.glob("site.new-*"))
    # fixed: the next build is incremental again and brings the edit in
    path.write_text(good, encoding="utf-8")
    row = synthetic.edit_row(path)
    state.build()
    assert state.last.get("regions") == [COUNTY], state.why_full
    assert "合成测试修改" in (site / COUNTY / row / "index.html").read_text(encoding="utf-8")


def test_content_read_in_a_child_process_builds_the_same_site_and_reports_errors(content, tmp_path):
    """Big content is loaded and validated in a child process (forks.in_child),
    its files parsed on every core (forks.fork_map): the same site comes out,
    and problems still arrive whole, with their places, in the order of the files."""
    one = build_module.build(content, tmp_path / "in-process", search_index=False)
    two = build_module.build(content, tmp_path / "child", search_index=False, isolate=forks.in_child)
    assert set(two.seconds) >= {"load", "validate"} and one.pages == two.pages
    assert tree_digest(tmp_path / "in-process") == tree_digest(tmp_path / "child")

    before = tree_digest(tmp_path / "child")
    path = content / "lists" / COUNTY / "buyu-chuju.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: hukou-biangeng", "id: hukou-biangen"), encoding="utf-8")
    last = [p for p in sorted((content / "lists").glob("*/*.yaml")) if p.parent.name != COUNTY][-1]  # the last file read
    last.write_text(last.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        build_module.build(content, tmp_path / "child", search_index=False, isolate=forks.in_child)
    report = err.value.report()
    assert f"{COUNTY}/buyu-chuju.yaml:" in report and "hukou-biangen" in report
    assert f"{last.parent.name}/{last.name}:" in report and "titel" in report
    assert tree_digest(tmp_path / "child") == before
    # the files parsed on two cores, as a national data set's are: what one process reads
    from sitegen.load import read_file

    def read(path: Path) -> tuple:
        doc, problems = read_file(path, ROOT)
        return doc.path, doc.data, doc.marks, problems

    paths = sorted((content / "lists").glob("*/*.yaml"))
    assert forks.fork_map(read, paths, workers=2, from_items=2) == [read(path) for path in paths]


def _shm_scratch() -> set[str]:
    """This process's index scratch (other builds on the machine have their own)."""
    shm = Path("/dev/shm")
    return {p.name for p in shm.glob(f"zhengming-index-{os.getpid()}-*")} if shm.is_dir() else set()


def _children() -> set[str]:
    return set(Path(f"/proc/self/task/{os.getpid()}/children").read_text().split())


@pytest.mark.slow
def test_a_failing_bundle_leaves_the_site_and_no_process_or_scratch_behind(content, tmp_path):
    site = tmp_path / "site"
    build_module.build(content, site, sizes=PER_CITY)
    before, shm_before, children_before = tree_digest(site), _shm_scratch(), _children()
    # a stand-in Pagefind: the first process started fails, the others are the real one
    stand_in = tmp_path / "pagefind"
    stand_in.write_text(f"#!/bin/sh\nmkdir '{tmp_path}/failed' 2>/dev/null && {{ echo 'disk on fire' >&2; exit 1; }}\n"
                        f"exec '{bundles.pagefind_binary()}' \"$@\"\n", encoding="utf-8")
    stand_in.chmod(0o755)
    indexer = bundles.Indexer(binary=str(stand_in))
    with pytest.raises(bundles.IndexFailed, match="disk on fire"):
        build_module.build(content, site, sizes=PER_CITY, indexer=partial(index.index, indexer=indexer))
    assert (tmp_path / "failed").is_dir()
    assert tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("site")] == ["site"]
    assert _shm_scratch() == shm_before and _children() == children_before
