"""Incremental builds: after a county edits its list, re-render and re-index
only what depends on it.

A ``State`` keeps what the last successful build knew — every content file's
size, time and hash, the validated content, the resolved model, the code and
template hash — in the memory of a long-running builder (``build.py serve``, a
watcher, the benchmark). ``build(…, state=state)`` then asks it first:

1. What changed? Files whose size or time differ are hashed; only current list
   files (``content/lists/<region>/*.yaml``) can be handled incrementally. Any
   other change (regions, certificates, site settings, schemas, history
   files, templates, code) means a full build, as does a first build.
2. Validate: the changed files and every other list of the regions they name,
   with the same ``validate()`` as a full build (per-region rules need the
   region's other lists), so the same errors come out the same way, and the
   published site stays untouched.
3. Resolve again only the touched regions and their descendants (who inherit
   their rows); every other region's view is unchanged by construction.
4. Re-render what depends on them: all pages of those regions; the item pages
   of the regions that list them (``scale.shown_on``) where a certificate's
   status changed; the comparison page of each certificate whose entry changed
   in any of them; the home page if the national list changed. Page sources
   and file writers marked ``@extras.by_region`` run for those regions only,
   the others over the whole site. A file writer that may read other files in
   out/ (neither ``@by_region`` nor ``@model_only``) would see only the
   changed ones, so while one is registered every build is a full one.
5. Re-index only the bundles holding changed pages (``bundles.Indexer.reindex``).
6. Publish: files whose bytes changed replace their old versions one by one
   (each an atomic rename), then each rebuilt bundle folder is swapped in.
   Unlike a full build this is atomic per file, not for the whole site.

When a region stops listing a certificate (a page would disappear) the state
asks for a full build, so no stale file is ever left behind. tests/test_bench.py
checks that an incremental build gives byte for byte the tree a full build gives.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import replace
from pathlib import Path

from . import extras, parallel, scale, urls
from .cascade import ancestors, resolve
from .forks import collector_paused
from .load import Document, Loaded, read_file
from .model import Content, Resolved
from .pages import certificate_page, home_page, item_page, region_pages
from .publish import discard, fresh_dir, publish
from .render import TEMPLATES, environment, forget_folders, hashed_name, write_page
from .validate import validate

ROOT = Path(__file__).resolve().parent.parent


def code_hash(root: Path = ROOT) -> str:
    """Everything besides content that shapes the output."""
    digest = hashlib.sha256()
    paths = [root / "build.py", *sorted((root / "sitegen").glob("*.py")), *sorted(p for p in (root / "templates").rglob("*") if p.is_file())]
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(content: Path, before: dict[str, tuple[int, int, str]] | None = None) -> dict[str, tuple[int, int, str]]:
    """rel path → (mtime_ns, size, sha256) of every file under ``content``;
    files whose time and size match ``before`` keep their recorded hash."""
    before = before or {}
    out = {}
    for dirpath, _dirs, files in os.walk(content):
        for name in files:
            path = Path(dirpath) / name
            st = path.stat()
            rel = path.relative_to(content).as_posix()
            old = before.get(rel)
            if old and old[0] == st.st_mtime_ns and old[1] == st.st_size:
                out[rel] = old
            else:
                out[rel] = (st.st_mtime_ns, st.st_size, _sha(path))
    return out


def _list_key(rel: str) -> str | None:
    """'lists/s01/buyu-chuju.yaml' → 's01/buyu-chuju' for a current list file, else None."""
    parts = rel.split("/")
    if len(parts) != 3 or parts[0] != "lists" or not parts[2].endswith(".yaml"):
        return None
    return f"{parts[1]}/{parts[2][:-5]}"


def _load_order(key: str) -> tuple[str, ...]:
    return tuple(key.split("/"))  # what sorted(rglob(...)) gives for paths below lists/


class State:
    """What the last build knew, for the next one."""

    def __init__(self):
        self.ready = False
        self.last: dict = {}  # what the last incremental update did (for the benchmark)
        self.why_full = "first build"  # why the last build was a full one

    # ---------------------------------------------------------- full builds

    def begin(self, content: Path) -> None:
        """Called before a full build reads anything (edits made during it count as changes)."""
        self._pending = (snapshot(content, getattr(self, "files", None)), code_hash())

    def remember(self, content: Path, site: Path, root: Path, core: tuple[Document, Document, Document], valid: Content, resolved: Resolved, indexer, search_index: bool, templates: Path = TEMPLATES) -> None:
        self.files, self.code = self._pending
        self.content, self.site, self.root, self.templates = content, site, root, templates
        self.core, self.valid, self.resolved = core, valid, resolved
        self.indexer, self.search_index = indexer, search_index
        self.ready = True
        if search_index and hasattr(indexer, "warm"):
            indexer.warm()  # a Pagefind process kept ready for the next edit (sitegen/bundles.py)

    # ---------------------------------------------------------- incremental

    def update(self, content: Path, site: Path, root: Path, search_index: bool, indexer, result) -> bool:
        """Bring ``site`` up to date with ``content`` incrementally; fill ``result``
        (a build.BuildResult). False: a full build is needed instead.

        Python's cyclic garbage collector is off meanwhile: at national scale
        the model kept here is millions of objects, and one full collection
        that happens to fall inside an update scans them all (~0.3 s)."""
        with collector_paused():
            return self._update(content, site, root, search_index, indexer, result)

    def _update(self, content: Path, site: Path, root: Path, search_index: bool, indexer, result) -> bool:
        if not self.ready or (content, site, root, search_index) != (self.content, self.site, self.root, self.search_index):
            return self._full("first build, or other folders or options")
        if indexer is not self.indexer or (search_index and not hasattr(indexer, "reindex")) or not site.is_dir():
            return self._full("the index stage cannot rebuild single bundles, or site/ is missing")
        extras.load_features()
        unsure = [w for w in extras.FILE_WRITERS if w not in extras.BY_REGION and w not in extras.MODEL_ONLY]
        if unsure:
            return self._full("file writers that may read out/ (not @extras.by_region or @extras.model_only): " + ", ".join(map(parallel.name_of, unsure)))
        clock = _Clock(result)
        files = snapshot(content, self.files)
        changed = {rel for rel in files.keys() | self.files.keys() if files.get(rel, (0, 0, ""))[2] != self.files.get(rel, (0, 0, ""))[2]}
        keys = {rel: _list_key(rel) for rel in changed}
        if any(k is None for k in keys.values()):
            return self._full("not only current list files changed: " + ", ".join(sorted(r for r, k in keys.items() if k is None)[:5]))
        if code_hash() != self.code:
            return self._full("code or templates changed")
        if not changed:
            self.files = files
            clock.lap("load")
            self.last = {"changed": [], "regions": [], "pages": 0, "bundles": []}
            return True
        changed_keys = set(keys.values())
        lists_dir = content / "lists"

        # 1. load: the changed files and every list of the regions they name
        problems, docs, unreadable = [], {}, []
        touched = {lst.region for lst in self.valid.lists if lst.id in changed_keys}
        for key in changed_keys:
            path = lists_dir / f"{key}.yaml"
            if not path.exists():
                continue
            doc, found = read_file(path, root)
            problems.extend(found)
            if doc is None:
                unreadable.append(key)
                continue
            doc.key = key
            docs[key] = doc
            if isinstance(doc.data, dict) and isinstance(doc.data.get("region"), str):
                touched.add(doc.data["region"])
        known = {r.id for r in self.valid.regions}
        touched &= known  # an unknown region is reported by validate() below
        folders = {key.split("/")[0] for key in changed_keys}
        for lst in self.valid.lists:
            if (lst.region in touched or lst.id.split("/")[0] in folders) and lst.id not in docs and lst.id not in changed_keys:
                doc, found = read_file(lists_dir / f"{lst.id}.yaml", root)
                problems.extend(found)
                doc.key = lst.id
                docs[lst.id] = doc
        history = []
        for old in self.valid.history:
            if old.region in touched or old.id.split("/")[0] in folders:
                doc, found = read_file(lists_dir / f"{old.id}.yaml", root)
                problems.extend(found)
                doc.key = old.id
                history.append(doc)
        ordered = [docs[k] for k in sorted(docs, key=_load_order)]
        loaded = Loaded(*self.core, ordered, problems, sorted(unreadable), sorted(history, key=lambda d: _load_order(d.key)))
        clock.lap("load")

        # 2. validate (raises ContentError; nothing has been written yet)
        part = validate(loaded)
        replaced = {lst.id for lst in part.lists} | changed_keys | {d.key for d in ordered}
        lists = [lst for lst in self.valid.lists if lst.id not in replaced] + list(part.lists)
        lists.sort(key=lambda lst: _load_order(lst.id))
        old_history = {h.id for h in part.history} | {d.key for d in history}
        hist = [h for h in self.valid.history if h.id not in old_history] + list(part.history)
        hist.sort(key=lambda h: _load_order(h.id))
        valid = replace(self.valid, lists=tuple(lists), history=tuple(hist))
        touched |= {lst.region for lst in part.lists}
        clock.lap("validate")

        # 3. resolve the touched regions and everything below them
        old = self.resolved
        idx = scale.index_of(old)
        affected = set(touched)
        for region in touched:
            affected |= idx.descendants(region)
        by_id = {r.id: r for r in valid.regions}
        needed = set(affected)
        for region in touched:
            needed |= {a.id for a in ancestors(by_id[region], by_id)}
        sub = resolve(replace(valid, regions=tuple(r for r in valid.regions if r.id in needed), lists=tuple(lst for lst in valid.lists if lst.region in needed)))
        fresh = {v.region.id: v for v in sub.views if v.region.id in affected}
        views = tuple(fresh.get(v.region.id, v) for v in old.views)
        by_certificate: dict[str, list] = {}
        for view in views:
            for entry in view.entries:
                by_certificate.setdefault(entry.certificate.id, []).append(entry)
        new = Resolved(valid, views, {k: tuple(v) for k, v in by_certificate.items()})
        old_views = {v.region.id: v for v in old.views if v.region.id in affected}
        changed_in: dict[str, set[str]] = {}  # region → certificates whose entry changed there
        for region in affected:
            before = {e.certificate.id: _shown(e) for e in old_views[region].entries}
            after = {e.certificate.id: _shown(e) for e in fresh[region].entries}
            if before.keys() != after.keys():  # a page would disappear or appear: a full build leaves no stale file and remakes sitemap.xml
                return self._full(f"{region} lists other certificates: {', '.join(sorted(before.keys() ^ after.keys()))}")
            changed_in[region] = {c for c in after if before.get(c) != after[c]}
        clock.lap("resolve")

        # 4. render into a fresh folder beside site/
        staged = fresh_dir(site)
        try:
            written = self._render(new, staged, affected, changed_in)
            compared = time.perf_counter()
            same = [rel for rel in written if _same_file(site / rel, staged / rel)]
            for rel in same:
                written.discard(rel)
            self.parts["unchanged files left out"] = round(time.perf_counter() - compared, 3)
            clock.lap("render")
            changed_pages: dict[str, list[str]] = {}
            for rel in sorted(written):
                region = rel.split("/", 1)[0]
                if region in by_id and rel.endswith(".html"):
                    changed_pages.setdefault(region, []).append(rel)
            bundles = []
            if search_index and changed_pages:
                bundles = indexer.reindex(site, staged, changed_pages, staged / ".scratch")
            clock.lap("index")
        except BaseException:
            discard(staged)
            raise

        # 5. publish: changed files one by one, then the rebuilt bundles
        for rel in sorted(written):
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged / rel, target)
        for bundle in bundles:
            publish(staged / bundle, site / bundle)
        discard(staged)
        clock.lap("publish")

        self.files, self.valid, self.resolved = files, valid, new
        self.last = {"changed": sorted(changed), "regions": sorted(affected), "pages": len(written), "bundles": bundles, "render_parts": self.parts}
        result.pages, result.files = len([r for r in written if r.endswith(".html")]), len(written)
        return True

    def _full(self, why: str) -> bool:
        self.why_full = why
        return False

    def _render(self, new: Resolved, out: Path, affected: set[str], changed_in: dict[str, set[str]]) -> set[str]:
        """Write every page and file that may differ; return their paths."""
        extras.load_features()
        env = environment(self.templates)
        forget_folders()
        assets_dir = self.templates / "assets"
        assets = {p.name: f"assets/{hashed_name(p)}" for p in sorted(assets_dir.iterdir()) if p.is_file()}
        site = new.content.site
        written: set[str] = set()
        self.parts: dict[str, float] = {}  # seconds per part of this render (the benchmark prints them)
        start = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal start
            now = time.perf_counter()
            self.parts[name] = round(self.parts.get(name, 0.0) + now - start, 3)
            start = now

        def write(pages) -> None:
            for page in pages:
                rel = urls.file_for(page.url)
                write_page(env, page, out / rel, site, assets)
                written.add(rel)

        views = [v for v in new.views if v.region.id in affected]
        for view in views:
            write(region_pages(new, view))
        lap("region and item pages")
        neighbours: dict[str, set[str]] = {}  # item pages of other regions that link to a changed entry
        for region, changed in changed_in.items():
            if changed:
                for other in scale.shown_on(new, region) - affected:
                    neighbours.setdefault(other, set()).update(changed)
        certs = set().union(*changed_in.values())
        for view in new.views:
            if view.region.id in neighbours:
                write(item_page(new, view, e) for e in view.entries if e.certificate.id in neighbours[view.region.id])
        lap("other regions' item pages")
        write(certificate_page(new, c) for c in new.by_certificate if c in certs)
        lap("certificate pages")
        if new.views[0].region.id in affected:
            write([home_page(new)])
            lap("home page")
        part = parallel.subset(new, views)
        for source in extras.PAGE_SOURCES:
            write(source(part if source in extras.BY_REGION else new))
            lap(parallel.name_of(source))
        for writer in extras.FILE_WRITERS:
            written.update(writer(part if writer in extras.BY_REGION else new, out, assets))
            lap(parallel.name_of(writer))
        return written


def _same_file(old: Path, new: Path) -> bool:
    """Same bytes? Sizes first: all.json and the like are tens of MB at national scale."""
    try:
        return old.stat().st_size == new.stat().st_size and old.read_bytes() == new.read_bytes()
    except FileNotFoundError:
        return False


def _shown(entry) -> tuple:
    """What other regions' pages can show of an entry: everything but where it
    stands in its file (line numbers move when a row above is edited) and the
    other rows of its list. A page whose inputs all compare equal is not rendered."""
    lst = replace(entry.list, rows=(), where=None)
    inherited = entry.inherited_from.id if entry.inherited_from else None
    return (entry.region, entry.certificate, replace(entry.row, where=None), lst, inherited)


class _Clock:
    def __init__(self, result):
        self.result, self.last = result, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.result.seconds[stage] = round(now - self.last, 3)
        self.last = now
