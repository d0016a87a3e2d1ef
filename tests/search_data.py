"""The search data of a built site read back as search.js reads it (tests, benchmarks)."""
from __future__ import annotations

import json
from pathlib import Path

from sitegen import urls
from sitegen.index import NAMES_FILE


def expand_directory(d: dict) -> list[dict]:
    """The core file's region directory (``index.directory``): one dict per region."""
    ids: dict[int, str] = {}
    fulls: dict[int, str] = {}

    def id_of(i: int) -> str:
        if i not in ids:
            raw = d["id"][i]
            ids[i] = id_of(d["up"][i]) + raw if raw.startswith("-") else raw
        return ids[i]

    def full_of(i: int) -> str:
        if i not in fulls:
            up = d["up"][i]
            derived = d["name"][i] if up < 0 or d["up"][up] < 0 else full_of(up) + d["name"][i]
            fulls[i] = d["full"].get(str(i), derived)
        return fulls[i]

    out = []
    for i, name in enumerate(d["name"]):
        cut = int(d["cut"][i])
        stem = name[: len(name) - cut] if cut else name
        out.append({"id": id_of(i), "name": name, "full": full_of(i), "stem": stem, "depth": int(d["depth"][i])})
    return out


def read_search_data(site: Path) -> dict:
    """The core and every shard of a built site, put back together:
    ``regions`` (dicts with id, name, full, stem, depth, bundle), ``certs`` (ids),
    ``pages`` (region id → rows as in its shard) and the ``core`` itself."""
    core = json.loads((site / NAMES_FILE).read_text(encoding="utf-8"))
    regions = expand_directory(core["regions"])
    pages = {}
    for region in regions:
        shard = json.loads((site / urls.search_shard(region["id"])).read_text(encoding="utf-8"))
        region["bundle"] = shard["bundle"]
        pages[region["id"]] = shard["rows"]
    return {"core": core, "regions": regions, "certs": [c[0] for c in core["certs"]], "pages": pages}
