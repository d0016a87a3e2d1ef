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

# PAGE_SOURCES and FILE_WRITERS marked with @by_region read only the regions in
# the ``resolved.views`` they are given (plus site-wide settings), so the
# parallel render (sitegen/parallel.py) and incremental builds call them with a
# share of the regions at a time. Unmarked ones always get the whole site.
BY_REGION: set = set()


def by_region(f):
    BY_REGION.add(f)
    return f


# FILE_WRITERS marked with @model_only write from ``resolved`` alone and never
# read other files in ``out`` (a sitemap made by listing out/ does read them).
# An incremental build (sitegen/incremental.py) re-runs them over the whole
# site; while any writer is neither @by_region nor @model_only it builds in full.
MODEL_ONLY: set = set()


def model_only(f):
    MODEL_ONLY.add(f)
    return f


# Feature modules, imported once so they can register themselves.
FEATURES: tuple[str, ...] = ("wechat", "index", "opendata", "posters", "hostfiles", "sitepages")

_loaded = False


def load_features() -> None:
    global _loaded
    if not _loaded:
        for name in FEATURES:
            importlib.import_module(f"sitegen.{name}")
        _loaded = True
