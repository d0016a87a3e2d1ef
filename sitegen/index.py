"""Stage 5, index: the search data a resident's phone downloads.

Two things, both written before anything is published:

- ``search/names.json`` (written in the render stage through
  ``extras.FILE_WRITERS``): every certificate's names — as published, the
  bracketed and 备注 names of each region's row, and the ``also_called`` and
  ``keywords`` an editor curated — plus which certificates each region lists
  and with what answer. ``templates/assets/search.js`` matches what a resident
  typed against these names directly (no word segmentation involved), which
  is what makes 暂住证明 or 社区能开死亡证明吗 find their page.
- Pagefind bundles (this stage): the full text of every item page, with the
  filters ``region`` (the region's full name) and ``status``, for words the
  names do not cover. Run with the extended binary, which segments Chinese.

Which regions go into which Pagefind bundle is decided by ``bundle_layout``
alone. Today one bundle holds every region; at national scale (issue 9) a
different layout returns one bundle per group of regions, the names file tells
search.js which bundle serves a region, and ``index`` builds each bundle.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from . import extras, urls
from .model import ANSWER, KINDS, LEVELS, STATUS_CLASS, Region, Resolved
from .stable_index import stabilise

NAMES_FILE = "search/names.json"
DEFAULT_BUNDLE = "pagefind"


class IndexFailed(Exception):
    pass


# ------------------------------------------------------------------ layout


def bundle_layout(regions: list[Region]) -> dict[str, list[str]]:
    """Bundle folder (relative to the site root) → ids of the regions it indexes.

    Replace this function to split the index (e.g. one bundle per city, as
    ``sitegen.bundles.layout`` does, same signature); names.json records the
    layout, search.js reads it, and ``index`` builds it.
    """
    return {DEFAULT_BUNDLE: [r.id for r in regions]}


# ------------------------------------------------------------------ names.json

_REGION_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "自治州", "省", "市", "区", "县", "州", "盟", "旗")


def region_stem(name: str) -> str:
    """攀枝花市 → 攀枝花, 广西壮族自治区 → 广西: what people type for a place."""
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _bracketless(name: str) -> str:
    return re.split(r"[（(]", name, maxsplit=1)[0] if not name.startswith(("（", "(")) else name


def search_data(resolved: Resolved) -> dict:
    """Everything search.js needs besides Pagefind, small enough to load at once."""
    certs = resolved.content.certificates
    cert_index = {c.id: i for i, c in enumerate(certs)}
    layout = bundle_layout([v.region for v in resolved.views])
    bundle_of = {r: b for b, rs in layout.items() for r in rs}
    regions, pages = [], {}
    for view in resolved.views:
        r = view.region
        regions.append({"id": r.id, "name": r.name, "full": r.full_name, "stem": region_stem(r.name), "depth": LEVELS.index(r.level), "bundle": bundle_of[r.id] + "/"})
        rows = []
        for e in view.entries:
            row = e.row
            names = [n for n in dict.fromkeys((row.name, row.short_name, _bracketless(row.name)) + row.covers) if n]
            rows.append([cert_index[e.certificate.id], KINDS.index(e.kind), names, list(row.former_names)])
        pages[r.id] = rows
    return {
        "urls": {k: urls.PATTERNS[k] for k in ("item", "certificate", "index_az", "region")},
        "kinds": [{"class": STATUS_CLASS[k], "answer": ANSWER[k]} for k in KINDS],
        "regions": regions,
        "certs": [[c.id, c.name, list(c.also_called), list(c.keywords)] for c in certs],
        "pages": pages,
    }


@extras.model_only  # reads only the model: incremental builds may re-run it alone
def write_names(resolved: Resolved, out: Path, assets: dict[str, str]) -> list[str]:
    path = out / NAMES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(search_data(resolved), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return [NAMES_FILE]


extras.FILE_WRITERS.append(write_names)


# ------------------------------------------------------------------ Pagefind


def _layout_in(out: Path) -> dict[str, list[str]]:
    names = out / NAMES_FILE
    if not names.exists():
        return {DEFAULT_BUNDLE: []}
    layout: dict[str, list[str]] = {}
    for region in json.loads(names.read_text(encoding="utf-8"))["regions"]:
        layout.setdefault(region["bundle"].rstrip("/"), []).append(region["id"])
    return layout


def _pagefind(out: Path, bundle: str, region_ids: list[str], whole_site: bool) -> str:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(out), "--output-subdir", bundle, "--quiet"]
    if not whole_site:
        cmd += ["--glob", "{" + ",".join(region_ids) + "}/**/*.html" if len(region_ids) > 1 else f"{region_ids[0]}/**/*.html"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (out / bundle / "pagefind.js").exists():
        raise IndexFailed(f"pagefind 建立索引失败 (pagefind failed for {bundle}/, exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    stabilise(out / bundle)
    return done.stdout


def index(out: Path) -> str:
    """Build every Pagefind bundle in ``out`` in place; return Pagefind's output."""
    layout = _layout_in(out)
    whole = len(layout) == 1
    return "".join(_pagefind(out, bundle, regions, whole) for bundle, regions in layout.items())
