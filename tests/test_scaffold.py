"""New region scaffold: `python build.py new-region 湖北省 --id hubei` adds a
regions.yaml entry that builds at once and shows the inherited lists; a bad
request changes nothing; the optional list skeleton, filled in, is valid."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from build import build
from conftest import run_build
from fixtures.small_content import KEEP_REGIONS, small_content


def known_regions(tmp_path: Path) -> Path:
    """content/ with only the regions these tests name: the regions they add (湖北省, 宜宾市 …)
    are new there even after a clerk has added them to content/."""
    return small_content(tmp_path, rows=None, keep=KEEP_REGIONS + ("sichuan", "panzhihua", "yunnan"))


def regions_of(content: Path) -> list[dict]:
    return yaml.safe_load((content / "lists" / "regions.yaml").read_text(encoding="utf-8"))["regions"]


def test_new_province_inherits_the_national_list(tmp_path):
    content = small_content(tmp_path, rows=3)
    done = run_build("--content", str(content), "new-region", "湖北省", "--id", "hubei")
    assert done.returncode == 0, done.stderr
    assert "已添加地区 湖北省" in done.stdout
    regions = regions_of(content)
    assert regions[-1] == {"id": "hubei", "name": "湖北省", "full_name": "湖北省", "level": "省级", "parent": "quanguo"}
    text = (content / "lists" / "regions.yaml").read_text(encoding="utf-8")
    assert "# 湖北省：用 make new-region 添加" in text and "make import FILE=表格.xlsx REGION=hubei KIND=不予出具" in text
    site = tmp_path / "site"
    build(content, site, search_index=False)
    page = (site / "hubei" / "index.html").read_text(encoding="utf-8")
    national = yaml.safe_load((content / "lists" / "quanguo" / "buyu-chuju.yaml").read_text(encoding="utf-8"))["rows"]
    assert "本站收录的文件中没有湖北省自己的不予出具证明事项清单" in page  # said, not hidden
    for row in national:
        assert f'href="{row["id"]}/"' in page
        assert (site / "hubei" / row["id"] / "index.html").is_file()


def test_city_goes_under_its_province_and_inherits_through_it(tmp_path):
    content = known_regions(tmp_path)
    done = run_build("--content", str(content), "new-region", "宜宾市", "--id", "yibin", "--parent", "四川省")
    assert done.returncode == 0, done.stderr
    ids = [r["id"] for r in regions_of(content)]
    assert ids.index("yibin") == ids.index("panzhihua") + 1 and ids.index("yunnan") == ids.index("yibin") + 1  # kept in hierarchy order
    new = regions_of(content)[ids.index("yibin")]
    assert new == {"id": "yibin", "name": "宜宾市", "full_name": "四川省宜宾市", "level": "市级", "parent": "sichuan"}
    for args in (("武汉市", "--id", "wuhan", "--parent", "chongqing", "--level", "县级"),):
        assert run_build("--content", str(content), "new-region", *args).returncode == 0
    check = run_build("--content", str(content), "check")
    assert check.returncode == 0, check.stderr


def test_three_levels_in_a_row(tmp_path):
    content = known_regions(tmp_path)
    for args in (("湖北省", "--id", "hubei"), ("武汉市", "--id", "wuhan", "--parent", "hubei"), ("江岸区", "--id", "jiangan", "--parent", "武汉市")):
        done = run_build("--content", str(content), "new-region", *args)
        assert done.returncode == 0, done.stderr
    by_id = {r["id"]: r for r in regions_of(content)}
    assert (by_id["wuhan"]["level"], by_id["wuhan"]["full_name"]) == ("市级", "湖北省武汉市")
    assert (by_id["jiangan"]["level"], by_id["jiangan"]["full_name"], by_id["jiangan"]["parent"]) == ("县级", "湖北省武汉市江岸区", "wuhan")
    assert run_build("--content", str(content), "check").returncode == 0


@pytest.mark.parametrize("args,message", [
    (("湖北省",), "请用 --id 给 “湖北省” 起一个拼音 id"),
    (("湖北省", "--id", "HuBei"), "只能用小写字母、数字和连字符"),
    (("湖北省", "--id", "search"), "是网站保留的网址"),
    (("重庆市", "--id", "chongqing2"), "已经在 regions.yaml 中"),
    (("湖北省", "--id", "chongqing"), "已被 重庆市 使用"),
    (("宜宾市", "--id", "yibin", "--parent", "sichuang"), "你是不是想写 “sichuan”"),
    (("宜宾市", "--id", "yibin", "--parent", "sichuan", "--level", "省级"), "层级不对"),
    (("某街道", "--id", "jiedao", "--parent", "yubei"), "不能再有下级地区"),
    (("湖北省", "--id", "hubei", "--list", "保存"), "清单种类只能是"),
])
def test_bad_requests_change_nothing(args, message, tmp_path):
    content = known_regions(tmp_path)
    before = (content / "lists" / "regions.yaml").read_bytes()
    done = run_build("--content", str(content), "new-region", *args)
    assert done.returncode == 1
    assert message in done.stderr and "没有写任何文件" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (content / "lists" / "regions.yaml").read_bytes() == before
    assert not (content / "lists" / "hubei").exists()


def test_a_refusal_about_regions_yaml_names_its_line(tmp_path):
    """What stands in the way in regions.yaml is shown at its file:line, as every other error is."""
    content = known_regions(tmp_path)
    regions = content / "lists" / "regions.yaml"
    lines = regions.read_text(encoding="utf-8").splitlines()
    index = next(i for i, r in enumerate(regions_of(content)) if r["id"] == "chongqing")
    name_line = lines.index("  name: 重庆市") + 1
    done = run_build("--content", str(content), "new-region", "重庆市", "--id", "chongqing2")
    assert done.returncode == 1
    assert f"{regions}:{name_line}:9: regions[{index}].name: 地区 “重庆市” 已经在 regions.yaml 中" in done.stderr, done.stderr
    done = run_build("--content", str(content), "new-region", "湖北省", "--id", "chongqing")
    assert f"{regions}:{name_line - 1}:7: regions[{index}].id: id “chongqing” 已被 重庆市 使用" in done.stderr, done.stderr
    skeleton = content / "lists" / "hubei" / "buyu-chuju.yaml"
    skeleton.parent.mkdir()
    skeleton.write_text("# 手写的清单\n", encoding="utf-8")
    done = run_build("--content", str(content), "new-region", "湖北省", "--id", "hubei", "--list", "不予出具")
    assert done.returncode == 1 and f"{skeleton}:1:1: 这个文件已经存在，没有覆盖" in done.stderr, done.stderr
    assert skeleton.read_text(encoding="utf-8") == "# 手写的清单\n"
    assert "hubei" not in [r["id"] for r in regions_of(content)]


def uncomment(text: str) -> str:
    """What a clerk does with the skeleton: take the "# " off the fields."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^# ?(\s*(?:- )?[a-z_]+:.*|\s*- .*)$", line)
        out.append(m.group(1) if m and not line.startswith("# yaml-language-server") else line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("kind,slug", [("不予出具", "buyu-chuju"), ("保留", "baoliu")])
def test_list_skeleton_tells_what_is_missing_and_is_valid_once_filled(kind, slug, tmp_path):
    content = known_regions(tmp_path)
    done = run_build("--content", str(content), "new-region", "湖北省", "--id", "hubei", "--list", kind)
    assert done.returncode == 0, done.stderr
    skeleton = content / "lists" / "hubei" / f"{slug}.yaml"
    text = skeleton.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/list.schema.json\n")
    assert f"region: hubei\nkind: {kind}\n" in text
    check = run_build("--content", str(content), "check")
    assert check.returncode == 1  # not published half-filled
    for field in ("title", "basis", "source"):
        assert re.search(re.escape(str(skeleton)) + rf":\d+:\d+: {field}: 缺少必填字段 “{field}”", check.stderr), check.stderr
    skeleton.write_text(uncomment(text), encoding="utf-8")
    check = run_build("--content", str(content), "check")
    assert check.returncode == 0, check.stderr + uncomment(text)
