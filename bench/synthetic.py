"""A synthetic national data set in the real content/ format, for benchmarks.

Hierarchy: 全国 → up to 31 provinces → about 333 cities → N counties (the
real country has 2,844 county-level divisions). Every list's rows are copied
from the real lists in content/lists/ (their texts, lengths, offices,
exceptions), so pages have the real shape and size; only the region, the title
and the issuer name change. Some regions publish nothing and inherit their
parents' lists, as Sichuan and Yunnan do in the real data.

All names are made up and marked as test data (site title says 合成测试数据):
this folder is for measuring the build, never for publishing.
"""
from __future__ import annotations

import copy
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "content"

try:
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper

# Real list pairs a region can copy: (not-issued file, retained file or None).
# A pair stays together because exceptions in a not-issued list point at rows
# of the retained list published with it.
PAIRS = {
    "chongqing": ("chongqing/buyu-chuju.yaml", "chongqing/baoliu.yaml"),  # 30 + 7 rows
    "panzhihua": ("panzhihua/buyu-chuju.yaml", "panzhihua/baoliu.yaml"),  # 20 + 7
    "shaanxi": ("shaanxi/buyu-chuju.yaml", None),  # 20
    "guangxi": ("guangxi/buyu-chuju.yaml", None),  # 20
}
# Which pair each level copies (weights), and how many publish at all.
CHOICE = {
    "省级": ({"chongqing": 6, "shaanxi": 2, "guangxi": 2}, 0.85),
    "市级": ({"panzhihua": 2, "shaanxi": 1, "guangxi": 1}, 0.35),
    "县级": ({"chongqing": 11, "panzhihua": 9}, 0.88),
}
TITLE = {"不予出具": "不应由基层群众性自治组织出具证明事项清单（第一批）", "保留": "基层群众性自治组织依法出具证明事项清单"}
# Place-name characters: names get realistic lengths (2 characters + 省/市/县).
CHARS = "东南西北安平宁和兴华阳山河江湖城泉林昌丰永新德清福广元定长吉云台庆顺明开文武金龙凤"
PROVINCES, CITIES = 31, 333  # at 2,844 counties, as in the real country


@dataclass
class Synthetic:
    content: Path
    provinces: int
    cities: int
    counties: int
    regions: int
    lists: int
    rows: int
    county_ids: list[str]
    region_of_county: dict[str, tuple[str, str]]  # county id → (province id, city id)


def _name(i: int, suffix: str) -> str:
    k = len(CHARS)
    return CHARS[i % k] + CHARS[(i // k + i) % k] + suffix


def dump(data, path: Path, header: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
    path.write_text(header + text, encoding="utf-8")


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` items over ``parts`` groups, unevenly (as counties per city are), each ≥ 1."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def generate(counties: int, dest: Path, seed: int = 20201203, provinces: int | None = None, cities: int | None = None) -> Synthetic:
    """Write ``dest``/content (site.yaml, lists/…) for ``counties`` counties
    (provinces and cities in the country's proportions unless given)."""
    rng = random.Random(seed)
    provinces = provinces or max(1, min(PROVINCES, round(counties * PROVINCES / 2844)))
    cities = cities or max(provinces, min(counties, round(counties * CITIES / 2844)))
    content = dest / "content"
    if content.exists():
        shutil.rmtree(content)
    lists_dir = content / "lists"
    lists_dir.mkdir(parents=True)

    site = yaml.safe_load((REAL / "site.yaml").read_text(encoding="utf-8"))
    site["title"] = site["title"] + "（合成测试数据）"
    dump(site, content / "site.yaml")
    shutil.copyfile(REAL / "lists" / "certificates.yaml", lists_dir / "certificates.yaml")
    national = yaml.safe_load((REAL / "lists" / "quanguo" / "buyu-chuju.yaml").read_text(encoding="utf-8"))
    dump(national, lists_dir / "quanguo" / "buyu-chuju.yaml")
    templates = {
        rel: yaml.safe_load((REAL / "lists" / rel).read_text(encoding="utf-8"))
        for pair in PAIRS.values()
        for rel in pair
        if rel
    }

    regions = [{"id": "quanguo", "name": "全国", "full_name": "全国", "level": "全国"}]
    stats = {"lists": 1, "rows": len(national["rows"])}

    def publish(region: dict) -> None:
        weights, share = CHOICE[region["level"]]
        if rng.random() >= share:
            return  # this region inherits its parents' lists
        pair = rng.choices(list(weights), weights=list(weights.values()))[0]
        for rel in PAIRS[pair]:
            if rel is None:
                continue
            data = copy.deepcopy(templates[rel])
            data["region"] = region["id"]
            data["title"] = region["name"] + TITLE[data["kind"]]
            data["issuer"] = region["name"] + "民政局"
            data.pop("doc_number", None)  # no made-up document numbers
            name = Path(rel).name
            dump(data, lists_dir / region["id"] / name)
            stats["lists"] += 1
            stats["rows"] += len(data["rows"])

    county_ids, where = [], {}
    per_province = _split(cities, provinces, rng)
    county_sizes = iter(_split(counties, cities, rng))
    for p in range(provinces):
        pid = f"s{p + 1:02d}"
        pname = _name(p, "省")
        province = {"id": pid, "name": pname, "full_name": pname, "level": "省级", "parent": "quanguo"}
        regions.append(province)
        publish(province)
        for c in range(per_province[p]):
            cid = f"{pid}-c{c + 1:02d}"
            cname = _name(c + 7 * p, "市")
            city = {"id": cid, "name": cname, "full_name": pname + cname, "level": "市级", "parent": pid}
            regions.append(city)
            publish(city)
            for x in range(next(county_sizes)):
                xid = f"{cid}-x{x + 1:02d}"
                xname = _name(x + 3 * c + p, "县")
                county = {"id": xid, "name": xname, "full_name": pname + cname + xname, "level": "县级", "parent": cid}
                regions.append(county)
                publish(county)
                county_ids.append(xid)
                where[xid] = (pid, cid)
    dump({"regions": regions}, lists_dir / "regions.yaml")
    return Synthetic(content, provinces, cities, counties, len(regions), stats["lists"], stats["rows"], county_ids, where)


def edit_row(path: Path, index: int = 3, text: str = "；本地另行公布受理窗口（合成测试修改）") -> str:
    """Add a sentence to one row's route (or purpose), as a clerk would; return the row id.
    Offices and documents quoted from the route stay verbatim, so the file stays valid."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    row = data["rows"][index]
    key = "route" if row.get("route") else "purpose"
    row[key] = row[key] + text
    dump(data, path)
    return row["id"]


def edit_county(content: Path, county_id: str) -> Path:
    """Edit one row of one county's not-issued list; return the file."""
    path = content / "lists" / county_id / "buyu-chuju.yaml"
    if not path.exists():
        raise FileNotFoundError(f"{county_id} publishes no not-issued list; pick another county")
    edit_row(path)
    return path


def publishing_counties(content: Path, synthetic: Synthetic) -> list[str]:
    return [c for c in synthetic.county_ids if (content / "lists" / c / "buyu-chuju.yaml").exists()]
