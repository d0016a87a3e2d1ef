"""Stage 5, index: the search data a resident's phone downloads (docs/search.md).

- The names (``SearchData``, written with every other output): ``search/names.json``
  (the core: certificates, a directory of every region, every distinct row of
  names) and ``search/names/<region id>.json`` (one region's rows and bundle), so
  a search downloads what its region needs, not the country; search.js matches
  what was typed against them as plain strings (no word segmentation).
- The Pagefind bundles (``index``): the full text of the item pages, with the
  filters ``region`` and ``status``, laid out by ``bundle_layout`` alone.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import partial
from itertools import chain
from pathlib import Path

from . import bundles, tolerance, urls
from .bundles import IndexFailed  # noqa: F401  (build.py catches it from here)
from .model import ANSWER, KINDS, LEVELS, STATUS_CLASS, Region, Resolved, Sizes
from .plan import Feature, Output

NAMES_FILE = urls.FILES["search_names"]
SHARD_PATTERN = urls.FILES["search_shard"]


# ------------------------------------------------------------------ layout


def bundle_layout(regions: list[Region], per_city_from: int = Sizes.bundle_per_city_from) -> dict[str, list[str]]:
    """Bundle folder → ids of the regions it indexes: one bundle for a small site,
    one per city at national scale. The shards record it, ``index`` builds it."""
    return bundles.layout(list(regions), _depth(len(regions), per_city_from))


def bundle_of(resolved: Resolved, region_id: str) -> str:
    """The bundle folder (with its "/") of a region's pages, as ``bundle_layout`` gives."""
    depth = _depth(len(resolved.content.regions), resolved.sizes.bundle_per_city_from)
    return bundles.bundle_of(resolved.tree.chain(region_id), depth) + "/"


def _depth(regions: int, per_city_from: int) -> str:
    return "city" if regions >= per_city_from else "country"


# ------------------------------------------------------------------ names

_REGION_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "自治州", "省", "市", "区", "县", "州", "盟", "旗")


def region_stem(name: str) -> str:
    """攀枝花市 → 攀枝花, 广西壮族自治区 → 广西: what people type for a place."""
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _bracketless(name: str) -> str:
    return re.split(r"[（(]", name, maxsplit=1)[0] if not name.startswith(("（", "(")) else name


def _row(entry) -> tuple[list[str], list[str]]:
    """A row's names (as published, short, without brackets, bracketed) and former names."""
    row = entry.row
    names = [n for n in dict.fromkeys((row.name, row.short_name, _bracketless(row.name)) + row.covers) if n]
    return names, list(row.former_names)


def directory(regions: list[Region]) -> dict:
    """Every region, column by column, for the core file: ``id`` ("-rest" when it
    is the parent's id + "-rest"), ``name``, ``cut`` (a digit each: the name's
    suffix length), ``up`` (the parent's position), ``depth`` (a digit each: the
    level) and ``full`` (position → full names search.js cannot rebuild: it takes the name
    for the top two levels, 陕西省, else the parent's full name + the name, 四川省攀枝花市)."""
    at = {r.id: i for i, r in enumerate(regions)}
    by_id = {r.id: r for r in regions}
    out: dict = {"id": [], "name": [], "cut": "", "up": [], "depth": "", "full": {}}
    for i, r in enumerate(regions):
        parent = by_id.get(r.parent) if r.parent else None
        prefix = parent.id + "-" if parent else None
        out["id"].append(r.id[len(prefix) - 1 :] if prefix and r.id.startswith(prefix) else r.id)
        out["name"].append(r.name)
        cut = len(r.name) - len(region_stem(r.name))
        if not 0 <= cut <= 9:
            raise ValueError(f"region suffix longer than 9 characters: {r.name}")
        out["cut"] += str(cut)
        out["up"].append(at[parent.id] if parent else -1)
        out["depth"] += str(LEVELS.index(r.level))
        if r.full_name != (r.name if parent is None or parent.parent is None else parent.full_name + r.name):
            out["full"][str(i)] = r.full_name
    return out


def search_data(resolved: Resolved, context) -> bytes:
    """The core file: what search.js needs before it knows the region
    (``context``: an earlier build's pieces, the hashed asset paths)."""
    certs = resolved.content.certificates
    cert_index = {c.id: i for i, c in enumerate(certs)}
    regions = list(resolved.content.regions)
    at = {r.id: i for i, r in enumerate(regions)}
    depth = {r.id: LEVELS.index(r.level) for r in regions}

    def entry_keys(view) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
        """Each entry's certificate, kind and row ([certificate, names, former names] as JSON)."""
        found = []
        for e in view.entries:
            names, former = _row(e)
            c = cert_index[e.certificate.id]
            found.append((c, KINDS.index(e.kind), json.dumps([c, names, former], ensure_ascii=False)))
        return tuple(zip(*found)) or ((), (), ())

    # a view's keys are remembered (an incremental build recomputes the edited regions' only),
    # under the certificates' order: pieces are not reused if the positions move
    pieces = context.pieces
    made = pieces.remembered("search rows " + ",".join(c.id for c in certs), resolved.views, entry_keys)
    rows = {key: i for i, key in enumerate(dict.fromkeys(chain.from_iterable(keys for _, _, keys in made)))}  # in order of first appearance
    count = Counter(chain.from_iterable(cs for cs, _, _ in made))
    widest: list = [None] * len(certs)  # [region, kind, row, regions listing it] of the first region of the highest level that lists it
    left = len(count)
    for view, (cs, kinds, keys) in sorted(zip(resolved.views, made), key=lambda pair: depth[pair[0].region.id]):
        if not left:
            break
        for c, kind, key in zip(cs, kinds, keys):
            if widest[c] is None:
                widest[c], left = [at[view.region.id], kind, rows[key], count[c]], left - 1
    top = min(regions, key=lambda r: depth[r.id])  # the first of the widest regions
    return _dump({
        "urls": {k: urls.PATTERNS[k] for k in ("item", "certificate", "index_az", "region")} | {"names": SHARD_PATTERN},
        "tolerance": {"script": context.assets.get("tolerance.js", ""), "tables": tolerance.TOLERANCE_FILE},
        "kinds": [{"class": STATUS_CLASS[k], "answer": ANSWER[k]} for k in KINDS],
        "certs": [[c.id, c.name, list(c.also_called), list(c.keywords)] for c in certs],
        "regions": pieces.same("search directory", resolved.content.regions, lambda found: directory(list(found))),
        "bundle": bundle_of(resolved, top.id),
        "rows": [json.loads(key) for key in rows],
        "widest": widest,
    })


def _dump(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SearchData(Feature):
    """search/names.json (the core), the tolerance tables and each region's shard."""

    name = "search data"

    def site_outputs(self, resolved: Resolved) -> list[Output]:
        return [Output(NAMES_FILE, partial(search_data, resolved)), Output(tolerance.TOLERANCE_FILE, partial(_tolerance, resolved))]

    def region_outputs(self, resolved: Resolved, view) -> list[Output]:
        return [Output(urls.search_shard(view.region.id), partial(_shard, resolved, view), frozenset({view.region.id}))]


def _tolerance(resolved: Resolved, context) -> bytes:
    """Made again only when the names' characters change (an edit seldom changes them)."""
    return context.pieces.same("tolerance", tolerance.name_chars(resolved, context.pieces), lambda chars: _dump(tolerance.tables(chars)))


def _shard(resolved: Resolved, view, context) -> bytes:
    """One region's rows, in the order its pages list them, and its bundle."""
    cert_index = {c.id: i for i, c in enumerate(resolved.content.certificates)}
    rows = [[cert_index[e.certificate.id], KINDS.index(e.kind), *_row(e)] for e in view.entries]
    return _dump({"id": view.region.id, "bundle": bundle_of(resolved, view.region.id), "rows": rows})


FEATURE = SearchData()


# ------------------------------------------------------------------ Pagefind


def item_pages(resolved: Resolved) -> dict[str, list[str]]:
    """Region id → its item pages (the pages with data-pagefind-body), from the model."""
    return {v.region.id: [urls.file_for(urls.item(v.region.id, e.certificate.id)) for e in v.entries] for v in resolved.views}


def index(resolved: Resolved, out: Path, indexer: bundles.Indexer | None = None) -> bundles.IndexStats:
    """The index stage: every Pagefind bundle of ``bundle_layout``, each from
    its regions' item pages, into ``out``. ``indexer``: one kept by a
    long-lived builder (its Pagefind processes stay ready between builds)."""
    indexer = indexer or bundles.Indexer()
    indexer.use(bundle_layout(list(resolved.content.regions), resolved.sizes.bundle_per_city_from), item_pages(resolved))
    return indexer(out)
