"""Search: the names (search/names.json and its shards) and the Pagefind index
as built, and the real search page driven in Debian's Chromium (served below a
sub-path, text gzip'd). tests/test_search_scale.py: the same at national scale."""
from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from bench.search_quality import QUERIES, Served, run, run_tolerance, search_url
from browser import RequestLog, chromium
from build import build, check

from conftest import CONTENT, copy_content
from search_data import read_search_data
from sitegen import tolerance
from sitegen import bundles
from sitegen.index import NAMES_FILE, region_stem
from sitegen.urls import search_shard
from sitegen.index import item_pages as model_item_pages
from sitegen.stable_index import decode_data_file

TEMPLATES_ASSETS = Path(__file__).resolve().parent.parent / "templates" / "assets"
PZH, CQ, YB = "四川省攀枝花市", "重庆市", "重庆市渝北区"


def names(site: Path) -> dict:
    """The core and every shard put back together: regions (with their bundle), certs (ids), pages."""
    return read_search_data(site)


def item_pages(site: Path) -> dict[str, set[str]]:
    """region id → certificate ids of the pages Pagefind indexes (data-pagefind-body)."""
    out: dict[str, set[str]] = {}
    for path in site.glob("*/*/index.html"):
        if "data-pagefind-body" in path.read_text(encoding="utf-8"):
            out.setdefault(path.parent.parent.name, set()).add(path.parent.name)
    return out


def filters(bundle: Path) -> dict[str, dict[str, int]]:
    out = {}
    for path in (bundle / "filter").glob("*.pf_filter"):
        name, values = decode_data_file(path.read_bytes(), str(path))
        out[name] = {value: len(pages) for value, pages in values}
    return out


@pytest.fixture(scope="module")
def served(built_site):
    with Served(built_site) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


# ------------------------------------------------------------------ built files


def test_names_file_describes_every_item_page(built_site):
    data = names(built_site)
    pages = item_pages(built_site)
    certs = data["certs"]
    assert {r["id"] for r in data["regions"]} == set(pages)
    for region in data["regions"]:
        listed = {certs[row[0]] for row in data["pages"][region["id"]]}
        assert listed == pages[region["id"]], region["id"]
        html = (built_site / region["id"] / next(iter(listed)) / "index.html").read_text(encoding="utf-8")
        assert f'data-pagefind-filter="region:{region["full"]}"' in html
        assert (built_site / region["bundle"] / "pagefind.js").exists()
    # other names from the documents themselves are there: 重庆's 备注 and the bracketed names
    cq = {certs[row[0]]: row for row in data["pages"]["chongqing"]}
    assert "暂住证明" in cq["juzhu"][2] and "无房证明" in cq["caichan"][3]


def test_pagefind_filters_are_full_region_names_and_status_in_words(built_site):
    data = names(built_site)
    pages = item_pages(built_site)
    found = filters(built_site / "pagefind")
    assert set(found) == {"region", "status"}
    assert found["region"] == {r["full"]: len(pages[r["id"]]) for r in data["regions"]}
    assert set(found["status"]) == {"社区不予出具", "社区依法出具"}
    assert sum(found["status"].values()) == sum(len(p) for p in pages.values())


def test_filter_and_meta_values_are_not_indexed_as_page_words(built_site):
    import gzip

    fragment = next((built_site / "pagefind" / "fragment").glob("*.pf_fragment"))
    record = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
    assert record["meta"]["kind"] in ("not-issued", "retained") and record["filters"]["region"]
    assert "not-issued" not in record["content"] and "retained" not in record["content"]


def test_az_index_groups_every_name_by_pinyin_initial(built_site):
    soup = BeautifulSoup((built_site / "panzhihua" / "suoyin" / "index.html").read_text(encoding="utf-8"), "html.parser")
    letters = [a.get_text() for a in soup.select("nav.az a")]
    assert letters == sorted(letters) and set(letters) <= set("ABCDEFGHJKLMNOPQRSTWXYZ")
    group = {}
    for h2 in soup.select("main h2"):
        for name in h2.find_next("ul").select(".rowlink__name"):
            group[name.get_text()] = h2.get_text()
    expected = {"户口证明": "H", "无房证明": "W", "门牌号变更证明": "M", "单身证明": "D", "经济困难证明": "J", "亲属关系证明": "Q", "暂住证明": None}
    for name, letter in expected.items():
        assert group.get(name) == letter, name  # 暂住证明 is 重庆's name, not 攀枝花's
    b = [n.get_text() for n in soup.find("h2", string="B").find_next("ul").select(".rowlink__name")]
    assert b.index("本人身份证明") < b.index("表现证明") < b.index("病情证明") < b.index("补办证明")  # běn biǎo bìng bǔ
    # read as residents say them, by phrase (pypinyin), not by GB2312's one reading a character:
    # 曾用名 is céngyòngmíng (GB2312 files 曾 under zēng only)
    chongqing = BeautifulSoup((built_site / "chongqing" / "suoyin" / "index.html").read_text(encoding="utf-8"), "html.parser")
    c = [n.get_text() for n in chongqing.find("h2", string="C").find_next("ul").select(".rowlink__name")]
    assert "曾用名证明" in c


def test_region_stems_are_what_people_type():
    assert [region_stem(n) for n in ("攀枝花市", "广西壮族自治区", "渝北区", "重庆市", "全国", "陕西省")] == ["攀枝花", "广西", "渝北", "重庆", "全国", "陕西"]


def test_small_site_keeps_one_bundle_and_small_names(built_site):
    data = names(built_site)
    assert {r["bundle"] for r in data["regions"]} == {"pagefind/"} and data["core"]["bundle"] == "pagefind/"
    assert [p.name for p in built_site.glob("pagefind*")] == ["pagefind"]
    assert sorted(p.name for p in (built_site / "search" / "names").iterdir()) == sorted(f"{r['id']}.json" for r in data["regions"])
    assert (built_site / NAMES_FILE).stat().st_size < 24 * 1024  # 31.9 KB when it held every region's rows


def test_bundles_can_be_split_by_region(built_site, browser, tmp_path):
    """The national layout: one Pagefind bundle per group of regions, as the shards record it."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    shutil.rmtree(site / "pagefind")
    data = names(site)
    south = {"chongqing", "yubei"}
    for region in data["regions"]:
        path = site / search_shard(region["id"])
        shard = json.loads(path.read_text(encoding="utf-8"))
        shard["bundle"] = "pagefind-south/" if region["id"] in south else "pagefind-rest/"
        path.write_text(json.dumps(shard, ensure_ascii=False), encoding="utf-8")
    core = data["core"] | {"bundle": "pagefind-rest/"}
    (site / NAMES_FILE).write_text(json.dumps(core, ensure_ascii=False), encoding="utf-8")
    full = {r["id"]: r["full"] for r in data["regions"]}
    indexer = bundles.Indexer()  # the index stage with this layout instead of bundle_layout's
    indexer.use({"pagefind-south": sorted(south), "pagefind-rest": sorted(set(full) - south)}, model_item_pages(check(CONTENT)))
    indexer(site)
    pages = item_pages(site)
    for bundle, regions in (("pagefind-south", south), ("pagefind-rest", set(full) - south)):
        entry = json.loads((site / bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh-cn"]["page_count"] == sum(len(pages[r]) for r in regions)
        assert set(filters(site / bundle)["region"]) == {full[r] for r in regions}
    assert not (site / "pagefind").exists()
    with Served(site) as served:
        page = browser.new_page()
        log = RequestLog(page)
        found = open_search(page, served.url, "劳动关系", YB)  # only in the page text, so Pagefind answers
        assert found and all(r == "yubei" for r, _ in found)
        assert any("/pagefind-south/" in u for u in log.urls) and not any("/pagefind-rest/" in u for u in log.urls)
        page.close()


# ------------------------------------------------------------------ the page in Chromium


def wait_results(page, query: str) -> None:
    page.wait_for_function(
        "q => { const r = document.getElementById('results'); return r.dataset.state === 'done' && r.dataset.query === q; }",
        arg=query,
        timeout=20000,
    )


def shown(page) -> list[tuple[str, str]]:
    out = []
    for href in page.eval_on_selector_all("#results li > a.rowlink__link", "els => els.map(a => a.href)"):
        parts = [p for p in urlsplit(href).path.split("/") if p]
        out.append((parts[-2], parts[-1]))
    return out


def open_search(page, base_url: str, query: str, region: str = "") -> list[tuple[str, str]]:
    page.goto(search_url(base_url, query, region))
    wait_results(page, query)
    return shown(page)


@pytest.mark.browser
def test_typing_shows_results_and_one_tap_opens_the_certificate(served, browser):
    page = browser.new_page()
    log = RequestLog(page)
    page.goto(served.url + "search/")
    page.click("#q")
    page.keyboard.type("开个收入证明", delay=30)  # no Enter: results appear while typing
    wait_results(page, "开个收入证明")
    first = page.locator("#results li").first
    assert "居民财产证明" in first.locator(".rowlink__name").inner_text()
    assert first.locator(".tag.tag--not-issued").inner_text() == "社区不予出具"
    assert "也叫“收入证明”" in first.inner_text()
    first.locator("a.rowlink__link").click()
    page.wait_for_url(re.compile(r"/caichan/$"))
    assert urlsplit(page.url).path.startswith("/any/base/")
    assert "居民财产证明" in page.locator("h1").inner_text()
    assert "?q=" in page.evaluate("document.referrer")  # the search page kept the query in its URL
    assert all(u.startswith(served.url) for u in log.urls), [u for u in log.urls if not u.startswith(served.url)]
    page.close()


@pytest.mark.browser
def test_url_opens_search_prefilled_for_one_region(served, browser):
    page = browser.new_page()
    found = open_search(page, served.url, "亲属关系证明", YB)
    assert page.input_value("#q") == "亲属关系证明" and page.input_value("#region") == YB
    assert found[0] == ("yubei", "qinshu-guanxi")
    assert len(found) > 1 and {r for r, _ in found} == {"yubei"}
    assert all(YB in note for note in page.locator("#results .rowlink__note").all_inner_texts())
    # 门牌号: retained in 攀枝花, not issued in 重庆 — in words and in colour
    assert open_search(page, served.url, "门牌号", PZH)[0] == ("panzhihua", "menpai")
    retained = page.locator("#results li").first.locator(".tag")
    assert retained.inner_text() == "社区依法出具" and "tag--retained" in retained.get_attribute("class")
    green = retained.evaluate("el => getComputedStyle(el).color")
    assert open_search(page, served.url, "门牌号", CQ)[0] == ("chongqing", "menpai")
    not_issued = page.locator("#results li").first.locator(".tag")
    assert not_issued.inner_text() == "社区不予出具"
    assert not_issued.evaluate("el => getComputedStyle(el).color") != green
    page.close()


@pytest.mark.browser
def test_a_place_typed_in_the_query_narrows_to_that_region(served, browser):
    page = browser.new_page()
    found = open_search(page, served.url, "攀枝花经济困难证明")
    assert found[0] == ("panzhihua", "falv-yuanzhu-jingji") and {r for r, _ in found} == {"panzhihua"}
    page.close()


@pytest.mark.browser
def test_words_only_in_the_page_text_are_found_by_pagefind(served, browser):
    page = browser.new_page()
    log = RequestLog(page)
    found = open_search(page, served.url, "法律援助", "全国")  # no name says it; 居民财产证明's route does
    assert ("quanguo", "caichan") in found[:3] and {r for r, _ in found} == {"quanguo"}
    assert any("/pagefind/" in u for u in log.urls)
    page.close()


@pytest.mark.browser
def test_old_browser_is_told_and_still_finds_by_name(served, browser):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("delete window.WebAssembly; delete Intl.Segmenter;")
    log = RequestLog(page)
    found = open_search(page, served.url, "社区能开死亡证明吗")
    notice = page.locator("#search-notice")
    assert notice.is_visible() and "按名称查找" in notice.inner_text() and "WebAssembly" in notice.inner_text()
    assert found[0][1] == "siwang"
    assert not any("/pagefind/" in u for u in log.urls)
    context.close()


@pytest.mark.browser
def test_without_javascript_every_certificate_is_two_taps_from_search(built_site, served, browser):
    data = names(built_site)
    certs = data["certs"]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + "search/")
    assert "关闭了脚本" in page.locator("main").inner_text()
    regions = page.eval_on_selector_all("#fallback a.rowlink__link", "els => els.map(a => [a.textContent.trim(), a.href])")
    assert [name for name, _ in regions] == [r["full"] for r in data["regions"]]
    for region, (name, href) in zip(data["regions"], regions):
        page.goto(href)  # tap 1
        reached = set()
        for target in page.eval_on_selector_all("main a.rowlink__link", "els => els.map(a => a.href)"):
            parts = [p for p in urlsplit(target).path.split("/") if p]
            assert parts[-2] == region["id"], target
            assert (built_site / parts[-2] / parts[-1] / "index.html").exists(), target
            reached.add(parts[-1])
        assert reached == {certs[row[0]] for row in data["pages"][region["id"]]}, name
    page.goto(href)
    page.locator("main a.rowlink__link").first.click()  # tap 2
    assert page.locator(".status").is_visible()
    context.close()


def test_each_region_of_a_search_menu_has_its_no_script_answer(built_site):
    """Option k + 1 of the menu (after 全部地区) and button k of the form's <noscript>
    are the same region (assets/noscript.css pairs them by position): its A–Z list."""
    regions = names(built_site)["regions"]
    for form_page in ("", "search/"):
        html = BeautifulSoup((built_site / form_page / "index.html").read_text(encoding="utf-8"), "html.parser")
        form = html.select_one("form[role=search]")
        assert form["target"] == "answer" and form["action"].endswith("#fallback")
        assert [o.get("value", o.get_text()) for o in form.select("#region option")] == [""] + [r["full"] for r in regions]
        buttons = form.select("noscript .search-form__answers button")
        assert [urljoin(f"/{form_page}", b["formaction"]) for b in buttons] == [f"/{r['id']}/suoyin/#az" for r in regions]
        assert not any(b.has_attr("formtarget") for b in buttons) and html.select_one("noscript iframe")["name"] == "answer"


# (the page with the form, query, region chosen, how it is sent, the resident's region, its initial, the page reached)
WITHOUT_SCRIPT = [
    ("", "无房证明", CQ, "tap", CQ, "W", "chongqing/caichan"),
    ("search/", "死亡证明", PZH, "tap", PZH, "S", "panzhihua/siwang"),
    ("", "无房证明", "", "tap", CQ, "W", "chongqing/caichan"),
    ("search/", "死亡证明", PZH, "Enter", PZH, "S", "panzhihua/siwang"),
]


@pytest.mark.browser
@pytest.mark.parametrize("form_page, query, region, submit, home, initial, expected", WITHOUT_SCRIPT)
def test_without_javascript_a_search_keeps_the_query_and_is_two_taps_from_the_page(
        served, browser, form_page, query, region, submit, home, initial, expected):
    """The home page and the search page alike, JavaScript off, the policy enforced: the
    answer opens in the page's frame, what was typed stays in the box above. The 搜索
    button of a region chosen in the menu opens that region's A–Z list at its initials:
    the query's initial (tap 1), then its name (tap 2). Without a region, or by the
    Enter key (the form's first button), the frame lists every region's initials: the
    resident's region's initial (tap 1) opens its A–Z list at that letter, then the
    name (tap 2)."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    form_url = served.url + form_page
    page.goto(form_url)
    assert "关闭了脚本" in page.locator("main").inner_text()
    page.fill("#q", query)
    page.select_option("#region", region)
    button = page.locator("form[role=search] button:visible")
    assert button.count() == 1 and button.inner_text() == "搜索"
    page.press("#q", "Enter") if submit == "Enter" else button.click()
    frame = page.frame(name="answer")
    home_id = expected.split("/")[0]
    if region and submit == "tap":
        frame.wait_for_url(re.compile(rf"/{home_id}/suoyin/\?.+#az$"))
        assert abs(frame.locator("#az").evaluate("n => n.getBoundingClientRect().top")) < 2  # opened at the initials
        frame.locator("#az a", has_text=initial).click()  # tap 1
    else:
        frame.wait_for_url(re.compile(r"/search/\?.+#fallback$"))
        region_row = frame.locator("#fallback li", has=frame.locator(".rowlink__name", has_text=re.compile(f"^{home}$")))
        region_row.locator(".az a", has_text=initial).click()  # tap 1
    frame.wait_for_url(re.compile(rf"/{home_id}/suoyin/(\?.+)?#az-{initial}$"))
    section = frame.locator(f"#az-{initial}")
    assert section.evaluate("h => h.getBoundingClientRect().top") < 50  # scrolled to the letter
    frame.locator(f"#az-{initial} + ul a.rowlink__link", has_text=query).first.click()  # tap 2
    frame.wait_for_url(re.compile(rf"/{expected}/$"))
    assert frame.locator(".status").is_visible()
    assert page.url == form_url and page.input_value("#q") == query  # still typed above
    context.close()


@pytest.mark.browser
def test_markup_typed_or_in_the_data_stays_text(browser, tmp_path):
    content = copy_content(tmp_path)
    path = content / "lists" / "certificates.yaml"
    text = path.read_text(encoding="utf-8")
    evil = "<img src=x onerror=window.__pwned=1>养狗证"
    path.write_text(text.replace("also_called: [养狗证明,", f"also_called: ['{evil}', 养狗证明,", 1), encoding="utf-8")
    site = tmp_path / "site"
    build(content, site, search_index=False)  # names.json is written in the render stage
    with Served(site) as served:
        page = browser.new_page()
        found = open_search(page, served.url, evil)
        assert found[0][1] == "yangquan"
        assert evil in page.locator("#results").inner_text()
        typed = "<b>无</b>房"
        page.goto(search_url(served.url, typed))
        wait_results(page, typed)
        assert page.locator("#results img, #results b, #search-status b").count() == 0
        assert page.evaluate("window.__pwned") is None
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_benchmark_meets_the_targets(built_site, browser):
    """bench/search_quality.py's resident queries through the real page: the issue's targets."""
    result = run(built_site, QUERIES, browser=browser)
    misses = [(q, r, e, got) for q, r, e, rank, got, _ in result["rows"] if rank != 1]
    assert len(QUERIES) >= 40
    assert result["top1"] >= 0.90, misses
    assert result["top3"] >= 0.97, misses
    assert result["first_query_bytes"] <= 200 * 1024
    assert result["full_text_query_bytes"] <= 200 * 1024 and result["full_text_query_by_kind"]["pagefind"] > 50 * 1024


@pytest.mark.browser
@pytest.mark.slow
def test_tolerance_query_sets_meet_the_targets(built_site, browser):
    """Issue 20's sets (typos, traditional, pinyin, questions, not on the list) through the real page."""
    for name, result in run_tolerance(built_site, browser=browser).items():
        misses = [(q, r, e, got) for q, r, e, rank, got, _ in result["rows"] if rank != 1]
        assert result["top1"] >= 0.95, (name, misses)


def test_scripts_and_styles_are_served_without_comments_named_by_what_is_served(built_site):
    sources = sorted(TEMPLATES_ASSETS.glob("*.js")) + sorted(TEMPLATES_ASSETS.glob("*.css"))
    assert any(p.name == "search.js" for p in sources)
    for source in sources:
        (served,) = built_site.glob(f"assets/{source.stem}.*{source.suffix}")
        data = served.read_bytes()
        assert served.name.split(".")[1] == hashlib.sha256(data).hexdigest()[:10], served.name
        text = source.read_text(encoding="utf-8")
        comments = re.findall(r"/\*.*?\*/|(?<![:\\\"'])//[^\n]*", text, re.S)
        assert comments and len(data) < len(text.encode("utf-8")), source.name
        assert not [c for c in comments if len(c) > 12 and c.encode("utf-8") in data], source.name


def test_search_url_encodes_region_full_names():
    assert search_url("http://h/b/", "门牌号", PZH) == "http://h/b/search/?q=" + quote("门牌号") + "&region=" + quote(PZH)


# ------------------------------------------------------------------ issue 20: tolerance, honesty, region first


def test_tolerance_tables_come_from_opencc_and_pypinyin():
    tables = tolerance.tables({"状", "况", "证", "明", "身", "重", "庆"})
    pairs = dict(zip(tables["t2s"][::2], tables["t2s"][1::2]))
    assert pairs["證"] == "证" and pairs["單"] == "单" and pairs["慶"] == "庆"
    assert "状" in tables["py"]["zhuang"] and "壮" in tables["py"]["zhuang"]  # a slip's usual reading
    assert "重" in tables["more"]["chong"]  # a name's character under its other readings (重庆)
    assert all(len(s) == 1 for s in pairs.values())
    # no hand-written character tables in the module: no string in its code holds Chinese
    # characters or a pinyin syllable (docstrings aside); every table comes from the libraries
    tree = ast.parse(Path(tolerance.__file__).read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.FunctionDef)) and n.body and isinstance(n.body[0], ast.Expr)}
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]
    assert not [t for t in strings if re.search(r"[\u4e00-\u9fff]|zhuang|zheng", t)]


def test_built_site_has_the_tolerance_tables_and_the_core_points_to_them(built_site):
    core = names(built_site)["core"]
    assert (built_site / core["tolerance"]["tables"]).exists() and (built_site / core["tolerance"]["script"]).exists()
    tables = json.loads((built_site / core["tolerance"]["tables"]).read_text(encoding="utf-8"))
    every = {ch for c in core["certs"] for text in [c[1], *c[2], *c[3]] for ch in text}
    heard = {ch for chars in list(tables["py"].values()) + list(tables["more"].values()) for ch in chars}
    assert {ch for ch in every if "\u4e00" <= ch <= "\u9fff"} <= heard  # every name's character has a reading


def result_notes(page) -> list[str]:
    return page.locator("#results .rowlink__note").all_inner_texts()


@pytest.mark.browser
def test_issue_examples_answer_right_or_say_the_list_lacks_it(served, browser):
    page = browser.new_page()
    # 能不能开无房证明 in 攀枝花: 居民财产证明 first; 无房证明 is our name for it, not 攀枝花's wording
    found = open_search(page, served.url, "能不能开无房证明", PZH)
    assert found[0] == ("panzhihua", "caichan") and page.locator("#results").get_attribute("data-verdict") == "found"
    first = result_notes(page)[0]
    assert "常见叫法“无房证明”" in first and "也叫" not in first and PZH in first
    assert page.inner_text("#search-status").startswith("按四川省攀枝花市的清单")
    # 租房证明 in 攀枝花: no such row; said first, anything shown is marked
    found = open_search(page, served.url, "租房证明", PZH)
    assert page.inner_text("#search-status").startswith("攀枝花市的清单里没有“租房证明”")
    assert page.locator("#results").get_attribute("data-verdict") == "absent"
    assert all(n.startswith("可能相关") for n in result_notes(page))
    # 收入证明 in 重庆: 居民财产证明, by a name 重庆's list publishes; 收养 never above a real match
    found = open_search(page, served.url, "收入证明", CQ)
    assert found[0] == ("chongqing", "caichan") and "也叫“收入证明”" in result_notes(page)[0]
    for (region, cert), note in zip(found, result_notes(page)):
        if cert == "shouyang":
            assert note.startswith("可能相关")
    # 低保证明 in 重庆: not on 重庆's lists (its note only mentions it); 养犬 is not offered
    found = open_search(page, served.url, "低保证明", CQ)
    assert page.inner_text("#search-status").startswith("重庆市的清单里没有“低保证明”")
    assert ("chongqing", "yangquan") not in found and all(n.startswith("可能相关") for n in result_notes(page))
    page.close()


@pytest.mark.browser
def test_slips_traditional_and_pinyin_find_the_name_loading_the_tables_only_then(served, browser):
    page = browser.new_page()
    log = RequestLog(page)
    assert open_search(page, served.url, "户口证明")[0][1] == "shenfen-xinxi"
    assert not any("tolerance" in u for u in log.urls)  # a query the names answer needs no tables
    for query, expected in (("婚姻壮况证明", "hunyin-zhuangkuang"), ("健再证明", "jianzai"), ("單身證明", "hunyin-zhuangkuang"),
                            ("親屬關係證明", "qinshu-guanxi"), ("danshen zhengming", "hunyin-zhuangkuang"),
                            ("hunyinzhuangkuang", "hunyin-zhuangkuang"), ("dszm", "hunyin-zhuangkuang")):
        page.fill("#q", query)
        page.press("#q", "Enter")  # in the same page: the tables, once loaded, are kept
        wait_results(page, query)
        found = shown(page)
        assert found[0][1] == expected, (query, found)
        assert page.locator("#results").get_attribute("data-verdict") == "found", query
        assert page.input_value("#q") == query  # what was typed stays as typed
    assert sum("/search/tolerance.json" in u for u in log.urls) == 1  # fetched once, kept
    page.close()


@pytest.mark.browser
def test_home_search_carries_the_region_remembered_from_the_last_search(served, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served.url)
    assert page.input_value("#region") == ""  # first visit: all regions
    open_search(page, served.url, "门牌号", PZH)
    page.goto(served.url)
    assert page.input_value("#region") == PZH  # remembered
    page.fill("#q", "死亡证明")
    page.click("form[role=search] button[type=submit]")
    wait_results(page, "死亡证明")
    assert page.input_value("#region") == PZH and shown(page)[0] == ("panzhihua", "siwang")
    assert page.inner_text("#search-status").startswith("按四川省攀枝花市的清单")
    # a search link without a region answers from the remembered one too, and says so
    assert open_search(page, served.url, "死亡证明")[0] == ("panzhihua", "siwang")
    context.close()
