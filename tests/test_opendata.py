"""Open data on the real built site: every JSON file against the published
schema, every CSV against the YAML it came from, every JSON-LD block, the
sitemap, robots.txt and the Atom feed. Expected values are read from the YAML
files and site.yaml directly, not from the program's own model."""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from build import build
from conftest import CONTENT, ROOT, copy_content
from sitegen import opendata, sitemap, tables

LISTS = CONTENT / "lists"
SITE_YAML = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))
BASE = SITE_YAML["base_url"]
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
REGIONS = yaml.safe_load((LISTS / "regions.yaml").read_text(encoding="utf-8"))["regions"]


def yaml_lists(content: Path = CONTENT) -> dict[str, dict]:
    """list id (path below lists/ without .yaml) → the YAML data, history versions included."""
    lists = content / "lists"
    return {
        p.relative_to(lists).with_suffix("").as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(lists.rglob("*.yaml"))
        if p.parent != lists
    }


def current(lists: dict[str, dict]) -> dict[str, dict]:
    return {k: v for k, v in lists.items() if "/history/" not in k}


def site_file(site: Path, url: str) -> Path:
    """The file that serves an absolute URL of the site."""
    assert url.startswith(BASE), url
    rel = urlsplit(url).path.removeprefix(urlsplit(BASE).path)
    return site / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ------------------------------------------------------------------ JSON


def published_schema(site: Path) -> dict:
    data = json.loads((site / "data" / "all.json").read_text(encoding="utf-8"))
    return json.loads(site_file(site, data["$schema"]).read_text(encoding="utf-8"))


def json_files(site: Path) -> list[Path]:
    return [site / "data" / "all.json"] + sorted((site / "data" / "regions").glob("*.json"))


def test_every_json_file_validates_against_the_published_schema(built_site):
    schema = published_schema(built_site)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    files = json_files(built_site)
    assert len(files) == 1 + len(REGIONS)  # the whole set and one file per region
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], path
        assert data["schema_version"] in schema["$id"]  # the version is in the schema's $id


def test_published_schema_is_the_documented_one_and_versioned(built_site):
    source = (CONTENT / "schema" / "data.schema.json").read_text(encoding="utf-8")
    schema = json.loads(source)
    version = re.search(r"data-(\d+\.\d+\.\d+)\.schema\.json$", schema["$id"]).group(1)
    published = built_site / "schema" / f"data-{version}.schema.json"
    assert published.read_text(encoding="utf-8") == source
    # the 数据下载 page documents every field of a list and a row, from the schema
    page = soup(built_site / "data" / "index.html")
    documented = {code.get_text() for code in page.select("dl.facts dt code")}
    assert set(schema["$defs"]["list"]["properties"]) <= documented
    assert set(schema["$defs"]["row"]["properties"]) <= documented
    assert version in page.get_text()


def test_schema_rejects_what_it_should(built_site):
    """The schema is strict enough to catch a wrong file (a test that can fail)."""
    validator = jsonschema.Draft202012Validator(published_schema(built_site))
    data = json.loads((built_site / "data" / "all.json").read_text(encoding="utf-8"))
    data["lists"][0]["rows"][0]["surprise"] = 1
    assert not validator.is_valid(data)
    data = json.loads((built_site / "data" / "all.json").read_text(encoding="utf-8"))
    data["lists"][0]["kind"] = "其他"
    assert not validator.is_valid(data)


def test_json_holds_every_list_and_row_as_in_the_yaml(built_site):
    data = json.loads((built_site / "data" / "all.json").read_text(encoding="utf-8"))
    lists = current(yaml_lists())
    assert {lst["id"] for lst in data["lists"]} == set(lists)
    for lst in data["lists"]:
        mine = lists[lst["id"]]
        assert [r["id"] for r in lst["rows"]] == [r["id"] for r in mine["rows"]]
        assert [r["name"] for r in lst["rows"]] == [r["name"] for r in mine["rows"]]
        assert [r["route"] for r in lst["rows"]] == [r.get("route", "") for r in mine["rows"]]
        assert lst["row_count"] == len(mine["rows"])
        assert lst["version_date"] == (mine.get("date") or mine["source"].get("date"))
    assert [r["id"] for r in data["regions"]] == [r["id"] for r in REGIONS]


def test_region_json_lists_what_applies_there(built_site):
    yubei = json.loads((built_site / "data" / "regions" / "yubei.json").read_text(encoding="utf-8"))
    lists = current(yaml_lists())
    # 渝北区 publishes nothing itself and inherits 重庆's two lists (then the national one)
    assert yubei["lists"] == []
    own = {r["id"] for key in ("chongqing/buyu-chuju", "chongqing/baoliu") for r in lists[key]["rows"]}
    inherited = {e["certificate"]: e for e in yubei["entries"]}
    assert own <= set(inherited)
    assert all(inherited[c]["inherited_from"] == "chongqing" for c in own)
    assert yubei["hotline"]["number"] == SITE_YAML["national_hotline"]["number"] and yubei["hotline"]["is_fallback"]
    for entry in yubei["entries"]:
        assert site_file(built_site, entry["url"]).exists()


# ------------------------------------------------------------------ CSV


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path}: no UTF-8 BOM"
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_every_list_csv_loads_and_matches_its_yaml(built_site):
    lists = yaml_lists()
    csv_files = sorted((built_site / "data" / "lists").rglob("*.csv"))
    assert {p.relative_to(built_site / "data" / "lists").with_suffix("").as_posix() for p in csv_files} == set(lists)
    for list_id, data in lists.items():
        header, *rows = read_csv(built_site / "data" / "lists" / f"{list_id}.csv")
        assert len(rows) == len(data["rows"]), list_id
        assert header[0] == "序号" and header[-1] == "id"
        name_label = data.get("columns", {}).get("name", "证明名称")
        assert header[1] == name_label
        assert [r[-1] for r in rows] == [r["id"] for r in data["rows"]]
        assert [r[1] for r in rows] == [r["name"] for r in data["rows"]]
        assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
        if data["kind"] == "不予出具":
            assert header[:4] == ["序号", name_label, data.get("columns", {}).get("route", "办事途径"), "备注"]
            assert [r[2] for r in rows] == [r["route"] for r in data["rows"]]
        else:  # the region's own column labels, in its order
            labels = [v for k, v in data["columns"].items()]
            assert header[1:-1] == labels
            if "clauses" in data["columns"]:
                col = header.index(data["columns"]["clauses"])
                assert [r[col] for r in rows] == ["\n".join(r["clauses"]) for r in data["rows"]]


def test_whole_data_set_csv_has_every_current_row(built_site):
    header, *rows = read_csv(built_site / "data" / "all.csv")
    lists = current(yaml_lists())
    assert len(rows) == sum(len(d["rows"]) for d in lists.values())
    col = {name: i for i, name in enumerate(header)}
    by_list: dict[str, list[str]] = {}
    for row in rows:
        by_list.setdefault(row[col["清单id"]], []).append(row[col["id"]])
    assert by_list == {k: [r["id"] for r in d["rows"]] for k, d in lists.items()}


@pytest.mark.parametrize("text", ["=1+2", "+86", "-5", "@SUM(A1)", "'quoted", "\tx", "多行\n文本", 'say "hi", then', "普通"])
def test_csv_cells_round_trip_and_never_start_a_formula(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_bytes(tables.csv_bytes([["序号", "证明名称"], ["1", text]], bom=True))
    with open(path, encoding="utf-8-sig", newline="") as f:
        (_, (_, raw)) = list(csv.reader(f))
    assert not raw.startswith(("=", "+", "-", "@", "\t")), raw  # what Excel sees
    (_, header), (_, row) = tables.read_table(path)[0]  # what an import reads back
    assert [tables.unprotect(c) for c in header + row] == ["序号", "证明名称", "1", text]


# ------------------------------------------------------------------ JSON-LD


def jsonld_blocks(page: BeautifulSoup) -> list[dict]:
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


def item_pages(site: Path) -> list[tuple[dict, dict, Path]]:
    """(region JSON, entry, page file) for every certificate × region page."""
    out = []
    for path in sorted((site / "data" / "regions").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [(data, e, site_file(site, e["url"])) for e in data["entries"]]
    return out


def test_every_item_page_has_one_government_service_block(built_site):
    lists = current(yaml_lists())
    pages = item_pages(built_site)
    assert len(pages) > 100
    for region, entry, path in pages:
        page = soup(path)
        (block,) = jsonld_blocks(page)
        row = next(r for r in lists[entry["list"]]["rows"] if r["id"] == entry["certificate"])
        source = lists[entry["list"]]["source"]
        assert block["@context"] == "https://schema.org" and block["@type"] == "GovernmentService"
        assert block["name"] == row["name"] and row["name"].startswith(page.h1.get_text(strip=True))  # h1: the short name
        assert block["url"] == entry["url"] == page.find("link", rel="canonical")["href"]
        assert block["areaServed"] == {"@type": "AdministrativeArea", "name": region["region"]["full_name"]}
        publisher = entry["inherited_from"] or region["region"]["id"]
        assert block["jurisdiction"]["name"] == next(r["full_name"] for r in REGIONS if r["id"] == publisher)
        phone = block["availableChannel"]["servicePhone"]
        assert phone["@type"] == "ContactPoint" and phone["telephone"] == region["hotline"]["number"]
        assert phone["telephone"] in page.select_one(".hotline").get_text()
        assert block["subjectOf"]["name"] == lists[entry["list"]]["title"]
        assert block["subjectOf"]["isPartOf"]["name"] == source["title"]
        assert block["subjectOf"]["isPartOf"]["publisher"]["name"] == source["issuer"]
        named = row.get("offices", []) if entry["kind"] == "不予出具" else [x for x in [row.get("issued_by")] if x]
        assert [p["name"] for p in block.get("provider", [])] == named  # only where the list names one
        for name in block.get("alternateName", []):
            assert name != row["name"]


def test_jsonld_uses_the_route_names_as_provider(built_site):
    page = soup(built_site / "chongqing" / "qinshu-guanxi" / "index.html")
    (block,) = jsonld_blocks(page)
    assert block["provider"] == [{"@type": "GovernmentOrganization", "name": "公安派出所"}]
    assert "夫妻关系证明" in block["alternateName"]  # a 渝府办发〔2018〕56号 name the row replaced


HOSTILE = '</script><script>alert("x")</script><!--&amp;'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """Real content with script-closing text in a row and another base URL."""
    tmp = tmp_path_factory.mktemp("hostile")
    content = copy_content(tmp)
    rel = content / "lists" / "chongqing" / "buyu-chuju.yaml"
    text = rel.read_text(encoding="utf-8")
    old = "- id: yangquan\n  name: 居民养犬证明\n"
    assert old in text
    rel.write_text(text.replace(old, f"- id: yangquan\n  name: '居民养犬证明{HOSTILE}'\n"), encoding="utf-8")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(f"base_url: {BASE}", "base_url: https://minzheng.example.gov.cn/zhengming/"), encoding="utf-8")
    site = tmp / "site"
    build(content, site, search_index=False)
    return site


def test_row_text_cannot_break_out_of_the_jsonld_script(hostile_site):
    raw = (hostile_site / "chongqing" / "yangquan" / "index.html").read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = raw[start : raw.index("</script>", start)]
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["name"] == f"居民养犬证明{HOSTILE}"  # the text itself is kept
    page = BeautifulSoup(raw, "html.parser")
    assert [s.get("type") for s in page.find_all("script") if s.get("type") == "application/ld+json"] == ["application/ld+json"]
    assert not any("alert" in (s.string or "") for s in page.find_all("script") if s.get("type") != "application/ld+json")
    assert f"居民养犬证明{HOSTILE}" in page.find("main").get_text()  # shown as text, escaped by the template
    assert f"居民养犬证明{HOSTILE}".startswith(page.h1.get_text())  # the heading is its short name


def test_safe_json_escapes_every_markup_character():
    out = opendata.safe_json({"a": "</script>&<!--\u2028"})
    assert not set(out) & set("<>&\u2028")
    assert json.loads(out) == {"a": "</script>&<!--\u2028"}


# ------------------------------------------------------------------ sitemap, robots


def html_pages(site: Path) -> set[str]:
    """Every HTML page's absolute URL that is its own canonical page and does
    not ask robots to stay away (print sheets say noindex)."""
    base = SITE_YAML["base_url"]
    out = set()
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        url = base + (rel.removesuffix("index.html"))
        head = BeautifulSoup(path.read_text(encoding="utf-8").split("</head>", 1)[0], "html.parser")
        canonical = head.find("link", rel="canonical")
        robots = head.find("meta", attrs={"name": "robots"})
        if robots is not None and "noindex" in robots["content"]:
            continue
        if canonical is None or canonical["href"] == url:
            out.add(url)
    return out


def sitemap_locs(site: Path) -> list[str]:
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    assert all(child.tag == f"{SM}url" for child in root)
    return [u.find(f"{SM}loc").text for u in root]


def test_sitemap_lists_every_canonical_page_once(built_site):
    locs = sitemap_locs(built_site)
    assert len(locs) == len(set(locs)) <= 50_000
    assert (built_site / "sitemap.xml").stat().st_size < 50 * 1024 * 1024
    assert all(loc.startswith(BASE) for loc in locs)
    assert set(locs) == html_pages(built_site)
    for loc in locs:
        assert site_file(built_site, loc).exists(), loc
    for needed in (BASE, BASE + "data/", BASE + "chongqing/biangeng/", BASE + "chongqing/qinshu-guanxi/"):
        assert needed in locs


def test_robots_txt_points_at_the_sitemap(built_site):
    lines = (built_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /") and line.strip() != "Disallow:" for line in lines)


def test_base_url_comes_from_configuration(hostile_site):
    base = "https://minzheng.example.gov.cn/zhengming/"
    assert f"Sitemap: {base}sitemap.xml" in (hostile_site / "robots.txt").read_text(encoding="utf-8")
    root = ET.parse(hostile_site / "sitemap.xml").getroot()
    locs = [u.find(f"{SM}loc").text for u in root]
    assert locs and all(loc.startswith(base) for loc in locs)
    feed = feedparser.parse((hostile_site / "feed.xml").read_bytes())
    assert all(e.link.startswith(base) for e in feed.entries)
    (block,) = jsonld_blocks(soup(hostile_site / "chongqing" / "menpai" / "index.html"))
    assert block["url"] == base + "chongqing/menpai/"


def test_large_sites_get_a_sitemap_index(built_site, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    all_locs = sorted(html_pages(built_site))
    written = [path for path, _ in sitemap.files(BASE, all_locs, limit=100)]
    for path, data in sitemap.files(BASE, all_locs, limit=100):
        (site / path).write_bytes(data)
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{SM}sitemapindex"
    parts = [s.find(f"{SM}loc").text for s in root]
    assert len(parts) == -(-len(all_locs) // 100) == len(written) - 1
    found = []
    for loc in parts:
        part = ET.parse(site_file(site, loc)).getroot()
        assert part.tag == f"{SM}urlset" and len(part) <= 100
        found += [u.find(f"{SM}loc").text for u in part]
    assert sorted(found) == all_locs


# ------------------------------------------------------------------ Atom


def version_date(data: dict) -> str:
    """The list's date, its source's, or (undated) the day the site first published it."""
    return data.get("date") or data["source"].get("date") or data["published_on_site"]


def check_atom(path: Path) -> feedparser.FeedParserDict:
    """Well-formed Atom 1.0 with what RFC 4287 requires of a feed and its entries."""
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title and feed.feed.id and feed.feed.updated and feed.feed.author
    assert any(link.rel == "self" for link in feed.feed.links)
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))
    for e in feed.entries:
        assert e.title and e.id and e.updated and e.link
    if feed.entries:
        assert feed.feed.updated == max(e.updated for e in feed.entries)
    return feed


def test_feed_has_one_dated_entry_per_published_list(built_site):
    feed = check_atom(built_site / "feed.xml")
    lists = current(yaml_lists())
    # no earlier versions in content/ today: one entry per list, dated by the list itself
    assert sorted(e.updated[:10] for e in feed.entries) == sorted(version_date(d) for d in lists.values())
    assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries), reverse=True)
    for e in feed.entries:
        page = site_file(built_site, e.link.split("#")[0])
        assert soup(page).find(id=e.link.split("#")[1]) is not None, e.link
    chongqing = [e for e in feed.entries if "/chongqing/" in e.link]
    assert len(chongqing) == 2 and all("渝府办发〔2018〕56号" in e.title for e in chongqing)


def test_region_feeds_and_links_from_region_pages(built_site):
    for region in REGIONS:
        rid = region["id"]
        page_url = f"{rid}/"
        page = soup(built_site / rid / "index.html")
        links = {urljoin(f"http://s/{page_url}", a["href"]).removeprefix("http://s/") for a in page.find_all("a", href=True)}
        assert f"data/regions/{rid}.json" in links and f"{rid}/biangeng/" in links and "data/" in links
        csvs = [link for link in links if link.startswith("data/lists/") and link.endswith(".csv")]
        assert csvs, rid
        for link in csvs + [f"data/regions/{rid}.json"]:
            assert (built_site / link).exists(), link
        own = [k for k, d in current(yaml_lists()).items() if d["region"] == rid]
        feed_file = built_site / rid / "biangeng" / "feed.xml"
        if own:
            assert len(check_atom(feed_file).entries) == len(own)
        else:
            assert not feed_file.exists()


def test_region_files_are_made_from_their_region_alone(tmp_path):
    """Each region's open data is planned from its view alone (the writer may
    make regions in any process, in any order): the same bytes come out when
    the model holds only a few of the regions."""
    from dataclasses import replace

    from build import check
    from sitegen.plan import Plan
    from sitegen.render import Context

    resolved = check(CONTENT, ROOT)
    context = Context(resolved.content.site)

    def made(r):
        plan = Plan(r, (opendata.FEATURE,))
        return {o.path: o.make(context) for part in plan.parts if part.view is not None for o in plan.outputs(part)}

    whole, split = made(resolved), {}
    for i in range(0, len(resolved.views), 3):
        split.update(made(replace(resolved, views=resolved.views[i : i + 3])))
    assert split == whole and any(p.endswith("/biangeng/index.html") for p in whole)


def test_whole_site_files_remade_from_remembered_pieces_equal_a_fresh_make(tmp_path):
    """all.json, all.csv and feed.xml are joined from pieces remembered across
    builds (fast incremental builds); after a list is replaced, as an
    incremental build replaces an edited one, they must be exactly what a
    builder that remembers nothing makes."""
    from dataclasses import replace

    from sitegen.cascade import resolve
    from sitegen.load import load
    from sitegen.plan import Plan
    from sitegen.render import Context
    from sitegen.validate import validate

    resolved = resolve(validate(load(CONTENT, ROOT)))
    warm = Context(resolved.content.site)
    files = ("feed.xml", "data/all.json", "data/all.csv")

    def made(r, context):
        plan = Plan(r, (opendata.FEATURE,))
        site_part = next(part for part in plan.parts if part.view is None)
        out = {o.path: o.make(context) for o in plan.outputs(site_part) if o.path in files}
        return {path: data if isinstance(data, bytes) else b"".join(data) for path, data in out.items()}

    before = made(resolved, warm)
    assert set(before) == set(files) and json.loads(before["data/all.json"])["lists"]
    lists = list(resolved.content.lists)
    first = lists[0]
    lists[0] = replace(first, rows=(replace(first.rows[0], name=first.rows[0].name + "（改）"),) + first.rows[1:])
    edited = replace(resolved, content=replace(resolved.content, lists=tuple(lists)))
    after = made(edited, warm)
    assert after == made(edited, Context(edited.content.site))
    assert after != before
    for path in ("data/all.json", "data/all.csv"):
        assert (first.rows[0].name + "（改）").encode() in after[path]
