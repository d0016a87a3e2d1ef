"""Every certificate page answers on the first phone screen (360×740, Debian
Chromium): the verdict and a tap-to-call number at 100 % text, the verdict
still there at 200 % (WeChat's largest 字体大小), the number on one line and
no sideways scrolling. One browser and one tab walk every item page of the
built site over file://, so the whole walk takes seconds."""
from __future__ import annotations

import pytest

from browser import OUT, chromium

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
MEASURE = """() => {
    const box = sel => { const el = document.querySelector(sel); if (!el) return null;
                         const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; };
    const call = document.querySelector('main a[href^="tel:"]');
    let lines = 0;  // the number's box against its own line height: 2 once it wraps
    if (call) lines = call.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(call).lineHeight) ? 2 : 1;
    return {verdict: box('.status__answer'), call: call ? box('main a[href^="tel:"]') : null, lines,
            sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""
# The pages the issue named, kept as PNGs under out/ for a person to look at.
LOOK_AT = ("chongqing/caichan", "yunnan/hunyin-zhuangkuang", "panzhihua/qinshu-guanxi")


def item_pages(site):
    for path in sorted(site.glob("*/*/index.html")):
        if "data-pagefind-body" in path.read_text(encoding="utf-8"):
            yield path


def test_every_item_page_answers_on_the_first_phone_screen(built_site):
    pages = list(item_pages(built_site))
    assert pages, "no item pages built"
    shots = OUT / "screenshots" / "answers"
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        for path in pages:
            name = path.parent.relative_to(built_site).as_posix()
            page.goto(path.as_uri(), wait_until="domcontentloaded")
            for percent in ("", "200%"):
                page.evaluate("p => document.documentElement.style.fontSize = p", percent)
                got = page.evaluate(MEASURE)
                size = percent or "100%"
                if got["verdict"] is None or got["verdict"]["bottom"] > HEIGHT:
                    problems.append(f"{name} at {size}: verdict not on the first screen ({got['verdict']})")
                if got["call"] is None:
                    problems.append(f"{name}: no tel: link")
                else:
                    if percent == "" and got["call"]["bottom"] > HEIGHT:
                        problems.append(f"{name} at 100%: tel: link below the first screen ({got['call']['bottom']:.0f} px)")
                    if got["lines"] != 1:
                        problems.append(f"{name} at {size}: the number wraps")
                if got["sideways"] > 0:
                    problems.append(f"{name} at {size}: sideways scroll of {got['sideways']} px")
                if name in LOOK_AT:
                    page.screenshot(path=str(shots / f"{name.replace('/', '_')}-{size.rstrip('%')}.png"))
        context.close()
    assert len({p.split(":")[0] for p in problems}) == 0, "\n".join(problems[:40])
