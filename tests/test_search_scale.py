"""Search at national scale (issue 9), checked on synthetic data in the real
content format (bench/synthetic.py: 60 counties in 3 provinces), built by the
real build() with a split Pagefind layout (one bundle per city):

- the core file (search/names.json) and the per-region shards describe every
  region and every item page exactly once, and forked writers write them
  byte for byte as one process makes them;
- the index stage builds the layout the shards record, from item pages only;
- in headless Chromium a search downloads the core, the shard of the region
  it is about and that region's bundle, nothing else, and finds the page.

No timing is asserted here: speed is bench/national.py's job.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bench.search_quality import Served, search_url
from browser import RequestLog, chromium
from build import build
from conftest import ROOT
from search_data import read_search_data
from sitegen import bundles, index, urls
from sitegen.cascade import resolve
from sitegen.load import load
from sitegen.model import KINDS, LEVELS, Sizes
from sitegen.forks import Workers
from sitegen.plan import Plan
from sitegen.render import Context
from sitegen.validate import validate
from test_search import filters, open_search, shown, wait_results

sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402


PER_CITY = Sizes(bundle_per_city_from=0)  # below 100 regions the site would keep one bundle


def city_layout(regions):
    return bundles.layout(list(regions), "city")


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """(resolved model, built site): 60 counties, 3 provinces, one Pagefind bundle per city."""
    work = tmp_path_factory.mktemp("national-search")
    data = synthetic.generate(60, work, provinces=3)
    site = work / "site"
    build(data.content, site, map=Workers(workers=2, from_items=0), sizes=PER_CITY)  # the default index stage (index.index)
    return resolve(validate(load(data.content, ROOT)), PER_CITY), site


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def body_pages(site: Path, region: str) -> set[str]:
    return {p.parent.name for p in (site / region).glob("*/index.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")}


# ------------------------------------------------------------------ built files


def test_core_and_shards_describe_every_region_and_item_page_once(national):
    resolved, site = national
    data = read_search_data(site)
    core = data["core"]
    regions = list(resolved.content.regions)
    assert len({r.id.split("-")[0] for r in regions if r.parent}) == 3, "three provinces"
    # the directory: every region, in order, as search.js rebuilds it
    assert data["regions"] == [
        {"id": r.id, "name": r.name, "full": r.full_name, "stem": index.region_stem(r.name), "depth": LEVELS.index(r.level), "bundle": city_layout_of(regions)[r.id] + "/"}
        for r in regions
    ]
    assert core["regions"]["full"] == {}, "every synthetic full name is its parent's + its name"
    assert any(i.startswith("-") for i in core["regions"]["id"]), "ids below their parent's id are stored shortened"
    # one shard per region, nothing else
    assert sorted(p.name for p in (site / "search" / "names").iterdir()) == sorted(f"{r.id}.json" for r in regions)
    certs = data["certs"]
    distinct = [json.dumps(row, ensure_ascii=False) for row in core["rows"]]
    assert len(distinct) == len(set(distinct)), "each distinct row of names once"
    used = set()
    for view in resolved.views:
        rows = data["pages"][view.region.id]
        listed = [certs[row[0]] for row in rows]
        assert listed == [e.certificate.id for e in view.entries]  # every row once, in the page's order
        assert [KINDS[row[1]] for row in rows] == [e.kind for e in view.entries]
        assert set(listed) == body_pages(site, view.region.id)
        for row in rows:
            key = json.dumps([row[0], row[2], row[3]], ensure_ascii=False)
            assert key in distinct, (view.region.id, row)
            used.add(key)
    assert used == set(distinct), "no row of names that no region has"
    # a query without a region shows each certificate's widest region page, and how many list it
    depth = {r.id: LEVELS.index(r.level) for r in regions}
    for c, widest in enumerate(core["widest"]):
        having = [v for v in resolved.views if any(e.certificate.id == certs[c] for e in v.entries)]
        if not having:
            assert widest is None
            continue
        top = min(having, key=lambda v: depth[v.region.id])  # min keeps the first of equals
        region, kind, row, count = widest
        assert (regions[region].id, count) == (top.region.id, len(having))
        entry = next(e for e in top.entries if e.certificate.id == certs[c])
        assert KINDS[kind] == entry.kind and core["rows"][row][1][0] == entry.row.name
    assert core["bundle"] == "pagefind/quanguo/"


def city_layout_of(regions) -> dict[str, str]:
    return {r: b for b, rs in city_layout(regions).items() for r in rs}


def test_forked_writers_write_the_search_data_one_process_makes(national):
    """The shards are made in forked workers, region by region; the core in the builder's process."""
    resolved, site = national
    plan = Plan(resolved, (index.FEATURE,))
    context = Context(resolved.content.site)
    made = {o.path: o.make(context) for o in plan}
    assert {index.NAMES_FILE} | {urls.search_shard(v.region.id) for v in resolved.views} <= set(made)
    for rel, data in made.items():
        assert data == (site / rel).read_bytes(), rel


def test_each_city_bundle_indexes_its_item_pages_only(national):
    resolved, site = national
    data = read_search_data(site)
    layout = city_layout(resolved.content.regions)
    assert len(layout) > 3 and not (site / "pagefind" / "pagefind.js").exists()
    full = {r["id"]: r["full"] for r in data["regions"]}
    for bundle, regions in layout.items():
        entry = json.loads((site / bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh-cn"]["page_count"] == sum(len(data["pages"][r]) for r in regions), bundle
        assert set(filters(site / bundle)["region"]) == {full[r] for r in regions}, bundle
        for fragment in (site / bundle / "fragment").glob("*.pf_fragment"):
            url = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["url"]
            region, cert = url.strip("/").split("/")
            assert region in regions and cert in data["certs"], url
    assert not (site / ".bundles").exists(), "the scratch tree of links is removed"


def test_default_layout_is_one_bundle_below_the_split_size(tmp_path):
    data = synthetic.generate(Sizes.bundle_per_city_from, tmp_path, provinces=3)
    regions = list(validate(load(data.content, ROOT)).regions)
    assert len(regions) > Sizes.bundle_per_city_from
    small = regions[: Sizes.bundle_per_city_from - 1]
    assert index.bundle_layout(small) == {"pagefind": [r.id for r in small]}
    assert index.bundle_layout(regions) == bundles.layout(regions, "city")


# ------------------------------------------------------------------ the page in Chromium


def search_requests(log: RequestLog) -> list[str]:
    """The search data and Pagefind files a page asked for, relative to the site."""
    out = []
    for url in log.urls:
        path = url.split("/any/base/", 1)[-1].split("?")[0]
        if path.startswith(("search/names", "pagefind/")):
            out.append(path)
    return out


def searched(browser, served: Served, query: str, region: str = ""):
    """A new page that searched ``query`` (in ``region``): (page, its request log, results)."""
    page = browser.new_page()
    log = RequestLog(page)
    return page, log, open_search(page, served.url, query, region)


def a_county(resolved, cert: str = "siwang"):
    """A county with a name no other region has, that lists ``cert`` (from its own list)."""
    names = [r.name for r in resolved.content.regions]
    for view in resolved.views:
        r = view.region
        if r.level == "县级" and names.count(r.name) == 1 and index.region_stem(r.name) == r.name[:-1] and sum(n.startswith(r.name[:-1]) for n in names) == 1:
            if any(e.certificate.id == cert and e.inherited_from is None for e in view.entries):
                return r
    raise AssertionError("no such county in the synthetic data")


@pytest.mark.browser
def test_a_search_in_a_county_loads_the_core_and_its_shard_only(national, browser):
    resolved, site = national
    county = a_county(resolved)
    with Served(site) as served:
        page, log, found = searched(browser, served, "死亡证明", county.full_name)
        assert found[0] == (county.id, "siwang")
        assert search_requests(log) == ["search/names.json", f"search/names/{county.id}.json"]  # names answer it: no Pagefind
        assert page.input_value("#region") == county.full_name
        page.close()


@pytest.mark.browser
def test_full_text_in_a_county_loads_only_its_city_bundle(national, browser):
    resolved, site = national
    county = a_county(resolved)
    bundle = city_layout_of(resolved.content.regions)[county.id]
    with Served(site) as served:
        page, log, found = searched(browser, served, "劳动关系", county.full_name)  # in the page text (a route), in no name
        assert found and {r for r, _ in found} == {county.id}
        asked = search_requests(log)
        assert asked[:2] == ["search/names.json", f"search/names/{county.id}.json"]
        assert asked[2:] and {"/".join(p.split("/")[:2]) for p in asked[2:]} == {bundle}, asked
        page.close()


@pytest.mark.browser
def test_a_search_without_a_region_loads_the_core_only(national, browser):
    resolved, site = national
    with Served(site) as served:
        page, log, found = searched(browser, served, "无犯罪记录证明")
        assert found[0] == ("quanguo", "wu-fanzui")  # the widest region that lists it
        assert search_requests(log) == ["search/names.json"]
        count = page.locator("#results li").first.locator(".actions a").inner_text()
        listing = sum(1 for v in resolved.views if any(e.certificate.id == "wu-fanzui" for e in v.entries))
        assert f"另有 {listing - 1} 个地区" in count
        page.close()


@pytest.mark.browser
def test_a_place_typed_anywhere_in_the_country_loads_its_shard(national, browser):
    resolved, site = national
    county = a_county(resolved)
    query = index.region_stem(county.name) + "死亡证明"
    with Served(site) as served:
        page, log, found = searched(browser, served, query)
        assert found[0] == (county.id, "siwang")
        assert search_requests(log) == ["search/names.json", f"search/names/{county.id}.json"]
        soup = BeautifulSoup(page.content(), "html.parser")
        assert county.full_name in soup.select_one("#search-status").get_text()
        page.close()


@pytest.mark.browser
def test_a_shard_that_does_not_load_is_said_and_points_to_the_az_index(national, browser):
    resolved, site = national
    county = a_county(resolved)
    with Served(site) as served:
        page = browser.new_page()
        page.route(f"**/search/names/{county.id}.json", lambda route: route.fulfill(status=503, body="busy"))
        page.goto(search_url(served.url, "死亡证明", county.full_name))
        wait_results(page, "死亡证明")
        assert shown(page) == []
        status = page.locator("#search-status")
        assert county.full_name in status.inner_text() and "按名称查找" in status.inner_text()
        page.unroute(f"**/search/names/{county.id}.json")
        page.select_option("#region", value="")  # another search, then the county again: loaded this time
        page.select_option("#region", value=county.full_name)
        wait_results(page, "死亡证明")
        assert shown(page)[0] == (county.id, "siwang")
        page.close()


def test_search_page_lists_the_country_and_provinces_only(national):
    """At national scale the search page's menu, its no-JS list and its no-JS
    answers name the country and the provinces (not thousands of regions); a county is reached
    from its province's page, or typed (tests above)."""
    resolved, site = national
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    top = [v.region for v in resolved.views if LEVELS.index(v.region.level) <= 1]
    assert len(top) < len(resolved.views) / 10
    menu = [o.get("value", o.get_text()) for o in soup.select("#region option") if o.get("value", o.get_text())]
    assert menu == [r.full_name for r in top]
    links = soup.select("#fallback ul a")
    assert [a.get_text(strip=True) for a in links] == [r.full_name for r in top]
    for a, region in zip(links, top):
        assert (site / "search" / a["href"] / "index.html").resolve() == (site / region.id / "index.html").resolve()
    # without script the menu's region opens the same page (in the frame)
    assert [b["formaction"] for b in soup.select("noscript .search-form__answers button")] == [a["href"] for a in links]
    county = next(v.region for v in resolved.views if v.region.level == "县级")
    province_page = (site / county.id.split("-")[0] / "index.html").read_text(encoding="utf-8")
    assert f'href="../{county.id.rsplit("-", 1)[0]}/"' in province_page, "the province page leads on to the county's city"


def test_data_page_lists_the_country_and_provinces_only(national):
    """The 数据下载 page at national scale: the whole-set downloads, and a row for
    the country and each province (a county's downloads are on its own page)."""
    resolved, site = national
    soup = BeautifulSoup((site / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
    top = [v.region.full_name for v in resolved.views if LEVELS.index(v.region.level) <= 1]
    assert [title.get_text(strip=True) for title in soup.select("#regions-h ~ ul .card__title")] == top
    assert "市、县的数据在各自地区页面" in soup.get_text()
    county = next(v.region for v in resolved.views if v.region.level == "县级")
    assert "data/regions/" + county.id + ".json" in (site / county.id / "index.html").read_text(encoding="utf-8")
