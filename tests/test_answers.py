"""Every certificate page says only what its published row says.

On every built item page: each quoted piece (class ``said``) is word for word
from that page's own row (or, in the exceptions box, from the row it links
to); the plain words around the quotes name no office and no document; the
full 办事途径 is on the page labelled 原文; and pages never promise a checklist
of papers. Coverage notes say what the documents on this site establish and
nothing more; every exception pair from the content links both ways."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import CONTENT, ROOT
from sitegen.cascade import resolve
from sitegen.load import load
from sitegen.model import NOT_ISSUED, RETAINED
from sitegen.validate import validate

SOURCES = ROOT.parent / "shared" / "sources"
# What an office or a document is called, by its last characters: plain words
# written by the site must not end a word like this (the names are quoted).
NOUN_ENDINGS = ("部门", "机构", "派出所", "法院", "政府", "委员会", "服务中心", "办事处", "窗口", "大厅", "证书", "户口簿", "身份证", "结婚证", "离婚证", "合同", "凭证", "网站", "APP", "小程序")
ROW_TEXTS = ("name", "route", "note", "purpose", "requested_by", "issued_by", "category", "matters", "method", "limits")


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def resolved():
    return resolve(validate(load(CONTENT, ROOT)))


def soup_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def target(url: str, href: str) -> str:
    return urljoin(f"http://site/{url}", href).removeprefix("http://site/")


def row_text(row) -> str:
    parts = [getattr(row, key) for key in ROW_TEXTS] + list(row.clauses)
    return squeeze("\n".join(parts))


def item_entries(resolved):
    for view in resolved.views:
        for entry in view.entries:
            yield view, entry, f"{view.region.id}/{entry.certificate.id}/"


def names_in_content(resolved) -> set[str]:
    names = set()
    for lst in resolved.content.lists:
        for row in lst.rows:
            names.update(row.offices + row.documents)
            names.update(x for x in (row.requested_by, row.issued_by) if x)
    return names


def test_every_statement_on_every_item_page_is_quoted_from_its_row(built_site, resolved):
    names = names_in_content(resolved)
    entries = {url: (view, entry) for view, entry, url in item_entries(resolved)}
    assert entries
    problems = []
    for url, (view, entry) in entries.items():
        soup = soup_of(built_site, url)
        main = soup.find("main")
        own = row_text(entry.row)
        # exceptions box: a quote under a link may come from the linked row
        for li in main.select(".related li, .answer__related li"):
            linked = entries[target(url, li.a["href"])][1].row
            for said in li.select(".said"):
                if squeeze(said.get_text()) not in own + row_text(linked):
                    problems.append(f"{url}: related quote not in either row: {said.get_text()[:30]}")
            li.decompose()
        for said in main.select(".said"):
            if squeeze(said.get_text()) not in own:
                problems.append(f"{url}: quote not in its row: {said.get_text()[:40]}")
        # the plain words of the answer, the steps and the facts, with every quote taken out
        for box in main.select(".answer__next, .steps, .exceptions, .facts"):
            for said in box.select(".said"):
                said.decompose()
            plain = box.get_text()
            for name in names:
                if name in plain:
                    problems.append(f"{url}: names {name} outside a quote: {plain[:60]}")
            for ending in NOUN_ENDINGS:
                if ending in plain:
                    problems.append(f"{url}: plain words name a {ending}: {plain[:60]}")
    assert problems == []


def test_each_page_keeps_the_route_verbatim_as_original_and_says_who_checks(built_site, resolved):
    checked_by_office = re.compile(r"(相关|有关)部门.*(核对|核实)")
    for view, entry, url in item_entries(resolved):
        main = soup_of(built_site, url).find("main")
        text = main.get_text()
        assert "需要带什么" not in text and not main.select(".checklist"), f"{url}: a checklist of papers"
        if entry.kind != NOT_ISSUED:
            assert main.select(".facts dd.said"), url
            continue
        route = main.select_one(".route")
        assert "原文" in route.select_one(".route__label").get_text(), url
        assert squeeze(route.select_one(".said").get_text()) == squeeze(entry.row.route), url
        if checked_by_office.search(entry.row.route):
            assert "自己核对" in main.select_one(".answer__next").get_text(), f"{url}: route says the office checks by itself"
            assert main.select(".step--check"), url


def test_documents_that_prove_the_opposite_are_not_presented_as_what_to_bring(built_site, resolved):
    """A 无房证明 seeker is not sent off with property deeds, nor a never-married
    person with a marriage certificate: the page says what the listed papers show."""
    checked = 0
    for view, entry, url in item_entries(resolved):
        cert = entry.certificate
        if entry.kind != NOT_ISSUED or not cert.not_for or not entry.row.documents:
            continue
        main = soup_of(built_site, url).find("main")
        bring = main.select(".step--bring")
        assert bring, url
        for step in bring:
            note = step.select_one(".step__note").get_text()
            assert cert.documents_show in note and cert.not_for[0] in note, url
            assert "原文没有写" in note, url
        names = [s.get_text() for s in main.select(".answer__next .said")]
        assert not set(names) & set(entry.row.documents), f"{url}: the next step sends the resident with the listed papers"
        checked += 1
    assert checked, "no certificate marks documents that prove the opposite"


def test_answer_block_comes_first_with_short_name_plain_verdict_and_call(built_site, resolved):
    for view, entry, url in item_entries(resolved):
        main = soup_of(built_site, url).find("main")
        answer = main.select_one(".answer")
        first = next(c for c in main.find_all(recursive=False) if not c.has_attr("hidden"))
        assert first is answer, f"{url}: the answer block is not first"
        assert main.find("h1").get_text(strip=True) == entry.row.short_name, url
        assert squeeze(entry.row.name) in squeeze(main.get_text()), url
        status = answer.select_one(".status").get_text()
        assert ("社区不开" if entry.kind == NOT_ISSUED else "社区可以开") in status, url
        assert ("不予出具" if entry.kind == NOT_ISSUED else "依法出具") in status, url  # the official term beside it
        assert answer.select_one(".answer__next").get_text(strip=True), url
        call = answer.select_one('a[href^="tel:"]')
        assert call is not None and call["href"] == "tel:" + call.get_text(strip=True), url


def test_exception_pairs_link_both_ways(built_site, resolved):
    pairs = []
    for view in resolved.views:
        here = {e.certificate.id for e in view.entries}
        for e in view.of_kind(NOT_ISSUED):
            for t in [t for exc in e.row.exceptions for t in exc.see] + list(e.row.see_also):
                if t in here:
                    pairs.append((view.region.id, e.certificate.id, t))
    assert ("chongqing", "qinshu-guanxi", "qinshu-budongchan-gongzheng") in pairs
    assert ("panzhihua", "qinshu-guanxi", "jinqinshu-susong") in pairs
    for region, frm, to in pairs:
        a, b = f"{region}/{frm}/", f"{region}/{to}/"
        forward = {target(a, x["href"]) for x in soup_of(built_site, a).select(".answer__related a, .related a")}
        back = {target(b, x["href"]) for x in soup_of(built_site, b).select(".answer__related a, .related a")}
        assert b in forward, f"{a} does not link its exception {b}"
        assert a in back, f"{b} does not link back to {a}"


def test_coverage_says_only_what_the_documents_establish(built_site, resolved):
    yunnan = next(r for r in resolved.content.regions if r.id == "yunnan")
    named = yunnan.elsewhere_of(NOT_ISSUED)
    assert named is not None and named.part in named.quote and named.title in named.quote
    if SOURCES.exists():  # our own check of the transcription (the content cites, it does not point here)
        assert any(named.quote in f.read_text(encoding="utf-8") for f in SOURCES.glob("*.txt"))
    for url in ("yunnan", "yunnan/hunyin-zhuangkuang", "sichuan", "sichuan/hunyin-zhuangkuang"):
        text = squeeze(soup_of(built_site, url).find("main").get_text())
        assert "没有发布" not in text and "未发布" not in text, url
        assert "本站收录的文件中没有" in text, url
    for url in ("yunnan", "yunnan/hunyin-zhuangkuang"):
        text = squeeze(soup_of(built_site, url).find("main").get_text())
        assert squeeze(named.title) in text and named.part in text, url
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for wrong in ("尚未公布", "没有发布自己的", "《《", "》》"):
            assert wrong not in html, f"{path.relative_to(built_site)}: {wrong}"


def test_national_list_is_cited_by_its_own_number_and_its_copy_named_as_such(built_site, resolved):
    national = next(lst for lst in resolved.content.lists if lst.region == "quanguo")
    for url in ("quanguo/hunyin-zhuangkuang", "yunnan/hunyin-zhuangkuang"):
        citation = soup_of(built_site, url).select_one("dl.citation").get_text(" ", strip=True)
        assert national.doc_number in citation, url
        assert "本站文本取自" in citation and national.source.doc_number in citation, url


def test_hotline_notes_say_the_documents_publish_no_local_number(built_site, resolved):
    for view in resolved.views:
        if not view.hotline_is_fallback:
            continue
        for url in (f"{view.region.id}/", f"{view.region.id}/{view.entries[0].certificate.id}/"):
            text = soup_of(built_site, url).find("main").get_text()
            where = f"{view.region.name}本地的" if view.ancestors else "其他"
            assert f"本站收录的文件中没有{where}举报电话号码" in text, url
            assert "12345 12345" not in " ".join(text.split()), url


def test_every_resident_page_offers_the_hotline(built_site):
    """Search, A–Z, comparison, history and data pages too: a tap-to-call
    number, with its name and not the number twice."""
    pages = [p for p in built_site.rglob("*.html") if not {"print", "pagefind"} & set(p.relative_to(built_site).parts)]
    assert pages
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        call = soup.select_one('a[href^="tel:"]')
        assert call is not None, f"{path.relative_to(built_site)}: no hotline"
        line = " ".join(call.parent.get_text(" ").split())
        assert f"{call.get_text(strip=True)} {call.get_text(strip=True)}" not in line, line
