"""List versions and what changed: 重庆's superseded 渝府办发〔2018〕56号 names
(undated, as the sources are), a new list version in a throwaway copy of
content/ showing up on the 变更记录 page and in the Atom feed, and the checks
that keep versions dated and in order."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

import source_tables as src
from build import build
from conftest import CONTENT, copy_content, run_build, tree_digest

CQ = "lists/chongqing/buyu-chuju.yaml"
OLD_ROUTE = "居民办事事项涉及的相关部门通过与卫生健康部门信息共享的方式进行核对"  # 健在证明, row 10
NEW_ROUTE = "居民办事事项涉及的相关部门通过与卫生健康部门、民政部门信息共享的方式进行核对"
NEW_DATE = "2023-05-10"  # later than every real list, so its entry is the newest


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def words(node) -> str:
    return " ".join(node.get_text(" ").split())


def version_block(site: Path, region: str, anchor_part: str):
    blocks = [a for a in page(site, f"{region}/biangeng").select("article.version") if anchor_part in a["id"]]
    assert len(blocks) == 1, [a["id"] for a in page(site, f"{region}/biangeng").select("article.version")]
    return blocks[0]


# ------------------------------------------------------------------ the real content


def test_superseded_document_is_shown_undated_with_the_names_the_rows_publish(built_site):
    data = yaml.safe_load((CONTENT / CQ).read_text(encoding="utf-8"))
    (old,) = data["supersedes"]
    assert "date" not in old  # the source gives none; nothing invented
    doc = page(built_site, "chongqing/biangeng")
    versions = doc.select("article.version")
    ids = [v["id"] for v in versions]
    # newest first: each current list, then the superseded document it replaced
    assert ids.index("v-2020-12-03-buyu-chuju") < ids.index("v-buyu-chuju-2018-56-2")
    assert ids.index("v-2020-12-03-baoliu") < ids.index("v-baoliu-2018-56-1")
    undated = [v for v in versions if "2018" in v["id"]]
    assert len(undated) == 2  # 附件2 (not-issued) and 附件1 (retained)
    for v in undated:
        assert "原文未载明日期" in v.h3.get_text()
        assert "渝府办发〔2018〕56号" in words(v)
    current = version_block(built_site, "chongqing", "2020-12-03-buyu-chuju")
    text = words(current)
    for row in data["rows"]:
        for name in row.get("former_names", []):
            assert name in text, name  # every older name the 备注 column publishes
    assert "其他需要村(社区)办理的涉证事项" in text
    # the all-data JSON says the same: no date, the names as published
    all_json = json.loads((built_site / "data" / "all.json").read_text(encoding="utf-8"))
    cq = next(lst for lst in all_json["lists"] if lst["id"] == "chongqing/buyu-chuju")
    assert cq["supersedes"][0]["date"] is None and cq["supersedes"][0]["doc_number"] == "渝府办发〔2018〕56号"


@pytest.mark.skipif(not src.SOURCES.is_dir(), reason=f"{src.SOURCES} is absent: cannot compare with the source documents")
@pytest.mark.parametrize("list_file", ["chongqing/buyu-chuju.yaml", "chongqing/baoliu.yaml"])
def test_superseded_notes_are_quoted_from_the_source_document(list_file):
    document = src.squeeze(src.read(src.CHONGQING))
    data = yaml.safe_load((CONTENT / "lists" / list_file).read_text(encoding="utf-8"))
    for old in data["supersedes"]:
        assert src.squeeze(old["note"]) in document
        assert src.squeeze(old["title"]) in document
        for name in old["dropped"]:
            assert name in old["note"]


def test_every_list_without_an_earlier_version_has_a_dated_first_entry(built_site):
    feed = feedparser.parse((built_site / "feed.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert any(t.startswith("全国不予出具证明事项清单（2020-04-28）") for t in titles)
    assert any(t.startswith("攀枝花市保留（依法出具）证明事项清单（2022-06-22）") for t in titles)


def test_regions_without_lists_point_to_the_lists_they_follow(built_site):
    doc = page(built_site, "yubei/biangeng")
    assert not doc.select("article.version")
    links = {a.get_text(): a["href"] for a in doc.select("main a")}
    assert links["重庆市的变更记录"] == "../../chongqing/biangeng/"


# ------------------------------------------------------------------ a new version


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def new_version(content: Path) -> None:
    """What a clerk does for a new list: the old file into history/, unchanged;
    the new one in its place, with its own date."""
    current = content / CQ
    history = current.parent / "history"
    history.mkdir()
    shutil.copy(current, history / "buyu-chuju-2020-12-03.yaml")
    edit(current, "batch: 第一批\n", f"batch: 第一批\ndate: '{NEW_DATE}'\n")
    edit(current, f"  route: {OLD_ROUTE}\n", f"  route: {NEW_ROUTE}\n")  # reworded
    edit(current, "- id: wugong\n  name: 进城务工人员证明\n  route: 无法律法规依据，不再由基层群众性自治组织出具此项证明\n  note: 渝府办发〔2018)56号附件2《取消清单》第31项\n", "")  # removed
    edit(current, "- id: yangquan\n", "- id: jianhu\n  name: 监护关系证明（测试新增）\n  route: 由测试用的办事途径说明\n\n- id: yangquan\n")  # added


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("history")
    content = copy_content(tmp)
    new_version(content)
    site = tmp / "site"
    done = run_build("--content", str(content), "--site", str(site))
    assert done.returncode == 0, done.stderr
    return site


def test_reworded_row_shows_on_the_change_page(changed_site):
    block = version_block(changed_site, "chongqing", f"{NEW_DATE}-buyu-chuju")
    assert "现行版本" in block.h3.get_text()
    text = words(block)
    assert "改写 1 项" in text and "新增 1 项" in text and "删除 1 项" in text
    reworded = block.select_one(".reworded")
    assert reworded.a.get_text() == "健在证明" and reworded.a["href"] == "../jianzai/"
    for hidden in reworded.select(".visually-hidden"):  # ［新增：…］ for screen readers
        hidden.decompose()
    assert "".join(i.get_text() for i in reworded.select("ins")) == "、民政部门"  # what was added to the text
    assert OLD_ROUTE in reworded.get_text() and NEW_ROUTE == "".join(
        x.get_text() if x.name != "del" else "" for x in reworded.select_one("dd.diff").contents
    )
    assert "进城务工人员证明" in text and "监护关系证明（测试新增）" in text
    # the earlier versions stay, older below: the 2020 list, then the 56号 document
    ids = [a["id"] for a in page(changed_site, "chongqing/biangeng").select("article.version")]
    assert ids.index(f"v-{NEW_DATE}-buyu-chuju") < ids.index("v-2020-12-03-buyu-chuju")
    old = version_block(changed_site, "chongqing", "2020-12-03-buyu-chuju")
    assert "渝府办发〔2018〕56号" in words(old) and "夫妻关系证明" in words(old)


def test_reworded_row_is_a_new_feed_entry_dated_by_the_version(changed_site, built_site):
    before = feedparser.parse((built_site / "feed.xml").read_bytes())
    feed = feedparser.parse((changed_site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == len(before.entries) + 1
    entry = next(e for e in feed.entries if e.link.endswith(f"#v-{NEW_DATE}-buyu-chuju"))
    assert entry.updated.startswith(NEW_DATE) and entry.published.startswith(NEW_DATE)
    assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries), reverse=True)  # newest first
    assert feed.feed.updated == feed.entries[0].updated  # the feed's date is its newest version's, not the build time
    assert entry.title.startswith(f"重庆市不予出具证明事项清单（{NEW_DATE}）")
    assert "改写 1 项" in entry.summary
    content = BeautifulSoup(entry.content[0].value, "html.parser").get_text()
    assert "健在证明" in content and NEW_ROUTE in content and OLD_ROUTE in content
    assert entry.link.endswith(f"chongqing/biangeng/#v-{NEW_DATE}-buyu-chuju")
    region_feed = feedparser.parse((changed_site / "chongqing" / "biangeng" / "feed.xml").read_bytes())
    assert [e.updated[:10] for e in region_feed.entries] == [NEW_DATE, "2020-12-03", "2020-12-03"]


def test_earlier_version_is_downloadable_too(changed_site):
    data = json.loads((changed_site / "data" / "all.json").read_text(encoding="utf-8"))
    (old,) = data["earlier_versions"]
    assert old["id"] == "chongqing/history/buyu-chuju-2020-12-03" and old["version_date"] == "2020-12-03"
    current = yaml.safe_load((CONTENT / "lists" / "chongqing" / "buyu-chuju.yaml").read_text(encoding="utf-8"))["rows"]
    assert old["row_count"] == len(current)  # the earlier version is today's file, moved to history/
    assert (changed_site / "data" / "lists" / "chongqing" / "history" / "buyu-chuju-2020-12-03.csv").exists()
    change = next(c for c in data["changes"] if c["date"] == NEW_DATE)
    assert change["reworded"] == [{"id": "jianzai", "fields": ["route"]}]
    assert change["removed"] == ["wugong"] and change["added"] == ["jianhu"]
    assert change["previous"] == {"list": old["id"], "doc_number": "", "date": "2020-12-03"}


def test_a_removed_row_still_in_force_links_to_what_applies_now(tmp_path):
    """A row the new version drops that 全国's list still carries: the 删除 list
    links to the row's item page and says what applies there now."""
    content = copy_content(tmp_path)
    new_version(content)
    text = (content / CQ).read_text(encoding="utf-8")
    (content / CQ).write_text(text[: text.index("- id: chusheng\n")] + text[text.index("- id: jianzai\n") :], encoding="utf-8")
    national = yaml.safe_load((content / "lists" / "quanguo" / "buyu-chuju.yaml").read_text(encoding="utf-8"))
    assert national["kind"] == "不予出具" and any(row["id"] == "chusheng" for row in national["rows"])
    site = tmp_path / "site"
    build(content, site, search_index=False)
    removed = version_block(site, "chongqing", f"{NEW_DATE}-buyu-chuju").find("h4", string="删除").find_next("ul")
    items = {words(li) for li in removed.select("li")}
    assert items == {"出生证明 （现在：社区不予出具）", "进城务工人员证明"}
    assert removed.find("a", string="出生证明")["href"] == "../chusheng/"
    assert (site / "chongqing" / "chusheng" / "index.html").exists()


def open_data_files(site: Path) -> dict[str, str]:
    """The files this feature writes (tests/test_build.py compares whole sites)."""
    mine = ("data/", "schema/", "feed.xml", "sitemap.xml", "robots.txt")
    return {k: v for k, v in tree_digest(site).items() if k.startswith(mine) or "/biangeng/" in k}


def test_two_builds_with_history_are_byte_identical(changed_site, tmp_path):
    content = copy_content(tmp_path)
    new_version(content)
    again = tmp_path / "site"
    build(content, again, search_index=False)
    files = open_data_files(again)
    assert "chongqing/biangeng/feed.xml" in files and "data/lists/chongqing/history/buyu-chuju-2020-12-03.csv" in files
    assert files == open_data_files(changed_site)


# ------------------------------------------------------------------ bad versions


def undated_history(content: Path) -> None:
    history = content / "lists" / "panzhihua" / "history"
    history.mkdir()
    text = (content / "lists" / "panzhihua" / "buyu-chuju.yaml").read_text(encoding="utf-8")
    (history / "old.yaml").write_text(text.replace("  date: '2022-06-22'\n", ""), encoding="utf-8")


def newer_history(content: Path) -> None:
    history = content / "lists" / "shaanxi" / "history"
    history.mkdir()
    text = (content / "lists" / "shaanxi" / "buyu-chuju.yaml").read_text(encoding="utf-8")
    (history / "old.yaml").write_text(text.replace("date: '2021-02-23'\n", "date: '2021-03-01'\n", 1), encoding="utf-8")


def orphan_history(content: Path) -> None:
    history = content / "lists" / "guangxi" / "history"
    history.mkdir()
    text = (content / "lists" / "panzhihua" / "baoliu.yaml").read_text(encoding="utf-8")
    (history / "old.yaml").write_text(text.replace("region: panzhihua", "region: guangxi"), encoding="utf-8")


def invented_dropped(content: Path) -> None:
    edit(content / CQ, "  dropped:\n  - 其他需要村(社区)办理的涉证事项\n", "  dropped:\n  - 其他需要村(社区)办理的涉证事项\n  - 社区万能章\n")


BAD = {
    "earlier version without a date": (undated_history, "lists/panzhihua/history/old.yaml", "date", "历史版本必须写明日期"),
    "earlier version newer than the list": (newer_history, "lists/shaanxi/history/old.yaml", "date", "应早于现行清单"),
    "earlier version without a current list": (orphan_history, "lists/guangxi/history/old.yaml", "kind", "没有对应的现行清单"),
    "dropped name not in the 说明": (invented_dropped, CQ, "supersedes[0].dropped[1]", "没有逐字出现在 note"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_versions_are_reported_with_file_line_and_field(name, tmp_path):
    change, rel, field, message = BAD[name]
    content = copy_content(tmp_path)
    change(content)
    done = run_build("--content", str(content), "check")
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if message in line]
    assert len(lines) == 1, done.stderr
    where, got_field = lines[0].split(": ")[:2]
    path, line, col = where.rsplit(":", 2)
    assert path.endswith(rel) and int(line) >= 1 and got_field == field
