"""Where features plug into the render stage without editing each other.

Each feature module (posters, open data, QR codes …) registers functions here;
``pages.all_pages`` and ``render`` call every registered function in order.
Registration happens by importing the feature module in ``FEATURES`` below, so
the list of features is one readable place.

- PAGE_SOURCES: ``f(resolved) -> list[Page]``: more HTML pages to render.
- FILE_WRITERS: ``f(resolved, out: Path, assets: dict[str, str]) -> list[str]``:
  write non-HTML files (JSON, CSV, PNG, SVG, XML) into the output folder and
  return their paths relative to it. ``assets`` maps logical asset names to
  their hashed site paths (e.g. 'style.css' → 'assets/style.1a2b3c4d5e.css').
- REGION_LINKS: ``f(view: RegionView) -> list[tuple[str, str, str]]``: links a
  region page shows under "打印和下载": (url relative to the site root, text, note).
- ITEM_LINKS: ``f(entry: Entry) -> list[tuple[str, str, str]]``: the same for an
  item (certificate × region) page.
"""
from __future__ import annotations

import importlib

PAGE_SOURCES: list = []
FILE_WRITERS: list = []
REGION_LINKS: list = []
ITEM_LINKS: list = []

# Feature modules, imported once so they can register themselves.
FEATURES: tuple[str, ...] = ("wechat", "opendata", "posters")

_loaded = False


def load_features() -> None:
    global _loaded
    if not _loaded:
        for name in FEATURES:
            importlib.import_module(f"sitegen.{name}")
        _loaded = True
