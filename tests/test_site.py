"""The built site holds every row, on a page that names its region, with its
full text (checked against the YAML files themselves, which test_sources.py
ties to the government documents)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import CONTENT, item_page_count

LISTS = CONTENT / "lists"
REGIONS = {r["id"]: r for r in yaml.safe_load((LISTS / "regions.yaml").read_text(encoding="utf-8"))["regions"]}


def list_files():
    return sorted(p for p in LISTS.rglob("*/*.yaml"))


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html"
    assert path.exists(), f"missing page {url}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def targets(soup: BeautifulSoup, url: str, selector: str) -> set[str]:
    """Where the links under ``selector`` lead, as site paths (chongqing/menpai/)."""
    base = f"http://site/{url}/" if url else "http://site/"
    return {urljoin(base, a["href"]).removeprefix("http://site/") for a in soup.select(selector)}


def text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def squeezed(soup) -> str:
    return "".join(soup.get_text().split())


@pytest.mark.parametrize("path", list_files(), ids=lambda p: p.relative_to(LISTS).as_posix())
def test_every_row_is_on_its_page_with_full_text(built_site, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    region = REGIONS[data["region"]]
    for row in data["rows"]:
        soup = page(built_site, f"{region['id']}/{row['id']}")
        body = squeezed(soup.find("main"))
        heading = soup.find("h1").get_text(strip=True)  # the short name; the full one is on the page
        assert heading and row["name"].startswith(heading) and "".join(row["name"].split()) in body
        assert region["full_name"] in text(soup)
        for key in ("route", "note", "purpose", "requested_by", "issued_by", "category", "method"):
            if key in row:
                assert "".join(row[key].split()) in body, f"{row['id']}: {key}"
        for clause in row.get("clauses", []):
            assert "".join(clause.split()) in body
        for value in row.get("offices", []) + row.get("documents", []):
            assert value in body
        plain, term = ("社区不开", "不予出具") if data["kind"] == "不予出具" else ("社区可以开", "依法出具")
        verdict = soup.select_one(".status").get_text(" ", strip=True)
        assert verdict.startswith(plain) and term in verdict


@pytest.mark.parametrize("region_id", list(REGIONS))
def test_region_page_lists_every_row_it_shows(built_site, region_id):
    soup = page(built_site, region_id)
    links = targets(soup, region_id, ".rows a")
    item_dirs = sorted(p.name for p in (built_site / region_id).iterdir() if p.is_dir() and (p / "index.html").exists() and p.name not in ("jubao", "suoyin", "embed", "print", "biangeng"))
    assert item_dirs, region_id
    for cert in item_dirs:
        assert f"{region_id}/{cert}/" in links, f"{region_id} page does not link {cert}"


def test_inherited_regions_say_whose_list_they_show(built_site):
    yunnan = text(page(built_site, "yunnan"))
    assert "但本站收录的文件中没有这份附件的内容。这里显示全国的清单（民发〔2020〕20号）" in yunnan
    yubei_item = text(page(built_site, "yubei/qinshu-guanxi"))
    assert "本站收录的文件中没有渝北区自己的不予出具证明事项清单，这里显示重庆市的清单" in yubei_item
    assert "sichuan/" in targets(page(built_site, "panzhihua"), "panzhihua", "nav a")  # parent link


def test_every_item_page_has_the_essentials(built_site):
    items = [p for p in built_site.glob("*/*/index.html") if p.parent.name not in ("jubao", "suoyin", "embed", "print", "biangeng", "pagefind", "assets", "search") and p.parent.parent.name not in ("zhengming", "print", "search", "data", "pages")]
    assert len(items) == item_page_count()
    for path in items:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main")
        assert main.select_one(".status"), path
        tel = main.select_one('a[href^="tel:"]')
        assert tel is not None and tel["href"] == "tel:12345", path
        assert "本站收录的文件中没有" in main.get_text() and "举报电话号码" in main.get_text(), path
        assert main.select_one("dl.citation"), path
        assert "依据" in main.get_text()


def test_exception_links_to_the_retained_row(built_site):
    soup = page(built_site, "chongqing/qinshu-guanxi")
    assert targets(soup, "chongqing/qinshu-guanxi", ".related a") == {"chongqing/qinshu-budongchan-gongzheng/"}
    assert soup.select_one(".related a").get_text(strip=True).startswith("办理不动产登记、公证、税务业务的亲属关系证明")
    marriage = page(built_site, "chongqing/hunyin-zhuangkuang")
    assert targets(marriage, "chongqing/hunyin-zhuangkuang", ".related a") == {"chongqing/hunyin-dangan-diushi/", "chongqing/shouyang/"}
    # inherited by 渝北区: the link stays inside 渝北区
    assert targets(page(built_site, "yubei/qinshu-guanxi"), "yubei/qinshu-guanxi", ".related a") == {"yubei/qinshu-budongchan-gongzheng/"}


def test_comparison_page_highlights_differences(built_site):
    soup = page(built_site, "zhengming/menpai")
    cards = soup.select(".cards .card")
    answers = {c.select_one(".card__title a").get_text(strip=True): c.select_one(".tag").get_text() for c in cards}
    assert answers["四川省攀枝花市"] == "社区可以开这个证明"
    assert answers["重庆市"] == "社区不开这个证明"
    assert soup.select(".card--differs")
    assert not soup.select("table"), "a table squeezes region names on a phone"


def test_home_page_has_search_regions_and_national_list(built_site):
    soup = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one('form[role="search"] input[name="q"]')
    region_links = targets(soup, "", ".regions a")
    assert {f"{rid}/" for rid in REGIONS} <= region_links
    national = yaml.safe_load((LISTS / "quanguo" / "buyu-chuju.yaml").read_text(encoding="utf-8"))["rows"]
    assert len(soup.select(".rows .rowlink--not-issued")) == len(national)
    assert "民发〔2020〕20号" in soup.get_text()


def test_no_page_loads_anything_from_another_host(built_site):
    for path in built_site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src")):
            for el in soup.find_all(tag):
                value = el.get(attr) or ""
                if tag == "link" and el.get("rel") == ["canonical"]:
                    continue
                assert not value.startswith(("http:", "https:", "//")), f"{path}: {el}"
