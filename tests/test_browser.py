"""Real headless Chromium over the built site: accessibility (axe-core),
layout at 360 px and with enlarged fonts, type size, tap targets, no request to
another host, screenshots for a human, and WeChat's user agents."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from browser import OUT, WECHAT_ANDROID, WECHAT_IOS, RequestLog, chromium, serve
from conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "",
    "region": "chongqing/",
    "item": "chongqing/qinshu-guanxi/",
    "retained-item": "chongqing/hunyin-dangan-diushi/",
    "inherited-region": "yunnan/",
    "compare": "zhengming/menpai/",
    "search": "search/",
    "embed": "panzhihua/embed/",
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def site_url(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_page(browser, url, width=360, height=740, user_agent=None, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": height}, user_agent=user_agent,
                                  java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    log = RequestLog(page)
    page.goto(url, wait_until="networkidle")
    return context, page, log


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violations(browser, site_url, name):
    if not AXE.exists():
        pytest.fail("node_modules/axe-core missing: run `make test` (npm ci)")
    context, page, _ = open_page(browser, site_url + PAGES[name])
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    context.close()
    problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == []
    assert result["passes"], "axe ran no checks"


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_layout_and_type(browser, site_url, name):
    context, page, log = open_page(browser, site_url + PAGES[name])
    assert sideways_overflow(page) <= 0, "sideways scrolling at 360 px"
    for percent in ("150%", "200%"):  # WeChat / browser font enlargement
        page.evaluate("p => document.documentElement.style.fontSize = p", percent)
        assert sideways_overflow(page) <= 0, f"sideways scrolling at {percent} root font size"
    page.evaluate("document.documentElement.style.fontSize = ''")
    small = page.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll('body, p, li, dd, dt, td, th, label, summary, a, span, blockquote')) {
            if (!el.offsetParent && el.tagName !== 'BODY') continue;  // not rendered
            if (!el.textContent.trim()) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < 18) out.push([el.tagName, el.className, size, el.textContent.trim().slice(0, 20)]);
        }
        return out;
    }""")
    assert small == [], "text smaller than 18 px"
    line_height = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)")
    assert line_height >= 1.5
    tiny_targets = page.evaluate("""() => {
        const out = [];
        const sel = '.rowlink__link, .hotline__call, button, input, select, summary, .crumbs a, .masthead__name, .plain a, .az a, .actions a';
        for (const el of document.querySelectorAll(sel)) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;  // not rendered
            if (el.type === 'hidden') continue;
            if (r.height < 44 || r.width < 44) out.push([el.tagName, el.className, Math.round(r.width), Math.round(r.height)]);
        }
        return out;
    }""")
    assert tiny_targets == [], "tap targets smaller than 44×44 px"
    assert log.foreign() == []
    context.close()


@pytest.mark.parametrize("agent", [WECHAT_ANDROID, WECHAT_IOS], ids=["wechat-android-xweb", "wechat-ios"])
@pytest.mark.parametrize("name", ["home", "region", "item", "search"])
def test_wechat_user_agents(browser, site_url, agent, name):
    context, page, log = open_page(browser, site_url + PAGES[name], user_agent=agent)
    for percent in ("", "150%", "200%"):
        page.evaluate("p => document.documentElement.style.fontSize = p", percent)
        assert sideways_overflow(page) <= 0, f"sideways scrolling at font size {percent or '100%'}"
    assert page.evaluate("navigator.userAgent").endswith(agent[-20:])
    assert log.foreign() == []
    context.close()


def test_item_page_answer_comes_first_without_javascript(browser, site_url):
    context, page, _ = open_page(browser, site_url + PAGES["item"], javascript=False)
    status = page.locator(".status")
    assert status.is_visible()
    box = status.bounding_box()
    assert box["y"] + box["height"] < 740, "the answer is not on the first screen"
    assert "社区不开" in status.inner_text() and "不予出具" in status.inner_text()
    assert page.locator('main a[href="tel:12345"]').count() == 1
    context.close()


@pytest.mark.parametrize("name", ["home", "search"])
def test_without_javascript_the_search_form_and_its_frame_fit_a_phone(browser, site_url, name):
    """JavaScript off: one 搜索 button, the answer frame the column's width at 360 px with
    the text at 100 % and doubled, no WCAG violation."""
    context, page, _ = open_page(browser, site_url + PAGES[name], javascript=False)
    page.select_option("#region", "重庆市")
    assert page.locator("form[role=search] button:visible").count() == 1
    for percent in ("", "200%"):
        page.evaluate("p => document.documentElement.style.fontSize = p", percent)
        assert sideways_overflow(page) <= 0, f"sideways scrolling at {percent or '100%'}"
        frame = page.locator("iframe.answer-frame").bounding_box()
        column = page.locator("main h1").bounding_box()
        assert frame["x"] == column["x"] and frame["x"] + frame["width"] <= 360 - column["x"]
        assert frame["height"] >= 0.6 * 740
        button = page.locator("form[role=search] button:visible").bounding_box()
        assert button["width"] >= 44 and button["height"] >= 44
    page.evaluate("document.documentElement.style.fontSize = ''")
    page.screenshot(path=str(OUT / "screenshots" / f"{name}-nojs-360x740.png"))
    context.close()
    # axe needs timers, which a page without script has not: the same page with script,
    # its <noscript> parts made elements as a browser without script makes them
    context, page, _ = open_page(browser, site_url + PAGES[name])
    page.evaluate("""() => { for (const ns of document.querySelectorAll('noscript')) {
        const t = document.createElement('template'); t.innerHTML = ns.textContent; ns.replaceWith(t.content); } }""")
    page.select_option("#region", "重庆市")
    assert page.locator("iframe.answer-frame").is_visible() and page.locator("form[role=search] button:visible").count() == 1
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    assert result["passes"], "axe ran no checks"


def test_screenshots_for_a_human(browser, site_url):
    shots = OUT / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for name, url in PAGES.items():
        for width, height in ((360, 740), (1280, 800)):
            context, page, _ = open_page(browser, site_url + url, width=width, height=height)
            target = shots / f"{name}-{width}x{height}.png"
            page.screenshot(path=str(target), full_page=width == 360)
            context.close()
            assert target.stat().st_size > 5000


def test_qr_code_on_a_page_decodes_to_its_url(browser, site_url, built_site):
    import yaml

    base = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    for url in ("chongqing/qinshu-guanxi/", "panzhihua/"):
        context, page, _ = open_page(browser, site_url + url, width=400, height=800)
        page.locator(".qr-box summary").click()
        img = page.locator(".qr-box img")
        img.wait_for(state="visible")
        page.wait_for_function("() => document.querySelector('.qr-box img').complete")
        shot = OUT / f"qr-{url.strip('/').replace('/', '_')}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        img.screenshot(path=str(shot))
        context.close()
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True, text=True)
        assert decoded.returncode == 0, f"zbarimg could not read {shot}: {decoded.stderr}"
        assert decoded.stdout.strip() == base + url


def test_item_page_prints_cleanly(browser, site_url):
    """The print stylesheet drops navigation and sharing, keeps answer, route and hotline."""
    context, page, _ = open_page(browser, site_url + PAGES["item"], width=800, height=1100)
    page.emulate_media(media="print")
    visible = page.evaluate("""() => {
        const shown = sel => { const el = document.querySelector(sel); return !!el && getComputedStyle(el).display !== 'none'; };
        return {masthead: shown('.masthead'), crumbs: shown('.crumbs'), share: shown('.share'), footer: shown('.footer'),
                status: shown('.status'), route: shown('.route'), hotline: shown('.hotline')};
    }""")
    pdf = page.pdf(format="A4")
    context.close()
    assert visible == {"masthead": False, "crumbs": False, "share": False, "footer": False, "status": True, "route": True, "hotline": True}
    assert pdf[:5] == b"%PDF-"


def test_slip_page_switches_to_four_a_sheet_without_javascript(browser, site_url):
    """A community worker goes from the item page to its slip, then to four on
    an A4 sheet and back: links and :target only (one page, two ways to print)."""
    context, page, _ = open_page(browser, site_url + PAGES["item"], width=1280, height=900, javascript=False)
    shown = """() => ({slips: [...document.querySelectorAll('.slip')].filter(s => s.getClientRects().length).length,
                       help: [...document.querySelectorAll('.print-help')].filter(h => h.getClientRects().length).map(h => h.innerText)})"""
    page.get_by_role("link", name="打印告知单（A6 一张）").click()
    page.wait_for_load_state()
    assert page.url.endswith("/print/chongqing/qinshu-guanxi-a6.html")
    one = page.evaluate(shown)
    assert one["slips"] == 1 and len(one["help"]) == 1 and "纸张选 A6" in one["help"][0]
    page.get_by_role("link", name="改为一张 A4 纸印 4 份").click()
    assert page.url.endswith("qinshu-guanxi-a6.html#a6x4")
    four = page.evaluate(shown)
    assert four["slips"] == 4 and len(four["help"]) == 1 and "纸张选 A4" in four["help"][0]
    width = page.evaluate("document.querySelector('.sheet').getBoundingClientRect().width")
    assert abs(width - 210 * 96 / 25.4) < 2, "the sheet is not A4 wide"
    page.get_by_role("link", name="改为 A6 纸印 1 份").click()
    page.wait_for_load_state()
    assert page.evaluate(shown)["slips"] == 1
    context.close()
