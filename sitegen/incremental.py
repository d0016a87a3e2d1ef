"""Incremental builds: after a county edits its list, remake only the
outputs of the plan that the edit touched.

A ``Builder`` lives as long as ``make serve`` (or the benchmark) and keeps
what its last build knew: every content file's size, time and hash, the
validated content, the resolved model, the plan, the remembered pieces of
whole-site files (sitegen/pieces.py) and a Pagefind process kept ready.
``builder.build()`` then:

1. finds what changed. Files whose size or time differ are hashed; only
   current list files (``content/lists/<region>/*.yaml``) can be handled
   incrementally. Any other change (regions, certificates, site settings,
   schemas, history files, templates, code) means a full build, as does the
   first build;
2. loads and validates the changed files and every other list of the regions
   they name, with the same ``validate()`` as a full build (per-region rules
   need the region's other lists), so the same errors come out the same way
   and the published site stays untouched;
3. resolves again only the touched regions and their descendants (who
   inherit their rows); every other region's view is the same object as before;
4. plans the new model and makes the outputs the edit touches
   (``plan.Edit.touches``): every output of the regions whose view changed,
   the item pages of other regions that show a changed entry, the comparison
   page of a changed certificate, and the files of the whole site. If the
   edit would add or remove a file, it builds in full instead, so no stale
   file is ever left behind and sitemap.xml stays true;
5. re-indexes only the bundles holding changed pages (``bundles.Indexer.reindex``);
6. publishes: files whose bytes changed replace their old versions one by one
   (each an atomic rename), then each rebuilt bundle folder is swapped in.
   Unlike a full build this is atomic per file, not for the whole site.

tests/test_bench.py checks that an incremental build gives byte for byte the
tree a full build gives.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from . import bundles, index, scale
from .cascade import ancestors, resolve
from .forks import collector_paused
from .load import Loaded, read_file
from .model import Resolved
from .pieces import Pieces
from .plan import Edit, Plan
from .publish import Staging, swap
from .render import Context, write_outputs
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
            try:
                st = path.stat()
            except OSError:  # a dangling link: the build's loader reports it
                continue
            rel = path.relative_to(content).as_posix()
            if not stat.S_ISREG(st.st_mode):  # a pipe or device: reading it would never end (the loader reports it)
                out[rel] = (st.st_mtime_ns, st.st_size, "")
                continue
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


class Builder:
    """Builds ``content`` into ``site``, incrementally when it can (module docstring).

    ``full(content, site, search_index=…, indexer=…, pieces=…)`` is the full
    build (``build.build`` or ``build.fast``); ``code`` tells whether code or
    templates changed since the last build (default ``code_hash``)."""

    def __init__(self, content: Path, site: Path, root: Path, full, search_index: bool = True, jobs: int | None = None, code=code_hash):
        self.content, self.site, self.root, self.full, self.search_index, self.code = content, site, root, full, search_index, code
        self.pagefind = bundles.Indexer(jobs=jobs)
        self.pieces = Pieces()
        self.known = None  # the last build's BuildResult
        self.last: dict = {}  # what the last incremental update did (for the benchmark)
        self.why_full = "first build"  # why the last build was a full one

    def close(self) -> None:
        """End the Pagefind process kept ready."""
        self.pagefind.close()

    def build(self):
        """Bring ``site`` up to date with ``content``: a BuildResult."""
        result = self._update() if self.known is not None else None
        if result is not None:
            return result
        files, code = snapshot(self.content, self.files if self.known else None), self.code()  # edits made during the build count as changes
        result = self.full(self.content, self.site, search_index=self.search_index, indexer=partial(index.index, indexer=self.pagefind), pieces=self.pieces)
        self.known, self.files, self.hash = result, files, code
        if self.search_index:
            self.pagefind.warm()  # a Pagefind process kept ready for the next edit
        return result

    def _full(self, why: str) -> None:
        self.why_full, self.last = why, {}
        return None

    def _update(self):
        """The build made incrementally, or None when a full build is needed.

        Python's cyclic garbage collector is off meanwhile: at national scale
        the model kept here is millions of objects, and one full collection
        that happens to fall inside an update would scan them all."""
        if not self.site.is_dir():
            return self._full("site/ is missing")
        with collector_paused():
            return self._incremental()

    def _incremental(self):
        known = self.known
        result = type(known)()  # what the full build returns (build.BuildResult)
        clock = _Clock(result.seconds)
        files = snapshot(self.content, self.files)
        changed = {rel for rel in files.keys() | self.files.keys() if files.get(rel, (0, 0, ""))[2] != self.files.get(rel, (0, 0, ""))[2]}
        keys = {rel: _list_key(rel) for rel in changed}
        if any(k is None for k in keys.values()):
            return self._full("not only current list files changed: " + ", ".join(sorted(r for r, k in keys.items() if k is None)[:5]))
        if self.code() != self.hash:
            return self._full("code or templates changed")
        result.core, result.valid, result.resolved, result.plan = known.core, known.valid, known.resolved, known.plan
        if not changed:
            self.files = files
            clock.lap("load")
            self.last = {"changed": [], "regions": [], "pages": 0, "bundles": []}
            return result
        changed_keys = set(keys.values())
        lists_dir = self.content / "lists"
        old_valid, old = known.valid, known.resolved

        # 1. load: the changed files and every list of the regions they name
        problems, docs, unreadable = [], {}, []
        touched = {lst.region for lst in old_valid.lists if lst.id in changed_keys}
        for key in changed_keys:
            path = lists_dir / f"{key}.yaml"
            if not path.exists():
                continue
            doc, found = read_file(path, self.root)
            problems.extend(found)
            if doc is None:
                unreadable.append(key)
                continue
            doc.key = key
            docs[key] = doc
            if isinstance(doc.data, dict) and isinstance(doc.data.get("region"), str):
                touched.add(doc.data["region"])
        known_regions = {r.id for r in old_valid.regions}
        touched &= known_regions  # an unknown region is reported by validate() below
        folders = {key.split("/")[0] for key in changed_keys}
        for lst in old_valid.lists:
            if (lst.region in touched or lst.id.split("/")[0] in folders) and lst.id not in docs and lst.id not in changed_keys:
                doc, found = read_file(lists_dir / f"{lst.id}.yaml", self.root)
                problems.extend(found)
                doc.key = lst.id
                docs[lst.id] = doc
        earlier = []
        for lst in old_valid.history:
            if lst.region in touched or lst.id.split("/")[0] in folders:
                doc, found = read_file(lists_dir / f"{lst.id}.yaml", self.root)
                problems.extend(found)
                doc.key = lst.id
                earlier.append(doc)
        ordered = [docs[k] for k in sorted(docs, key=_load_order)]
        loaded = Loaded(*known.core, ordered, problems, sorted(unreadable), sorted(earlier, key=lambda d: _load_order(d.key)))
        clock.lap("load")

        # 2. validate (raises ContentError; nothing has been written yet)
        part = validate(loaded)
        replaced = {lst.id for lst in part.lists} | changed_keys | {d.key for d in ordered}
        lists = [lst for lst in old_valid.lists if lst.id not in replaced] + list(part.lists)
        lists.sort(key=lambda lst: _load_order(lst.id))
        old_history = {h.id for h in part.history} | {d.key for d in earlier}
        hist = [h for h in old_valid.history if h.id not in old_history] + list(part.history)
        hist.sort(key=lambda h: _load_order(h.id))
        valid = replace(old_valid, lists=tuple(lists), history=tuple(hist))
        touched |= {lst.region for lst in part.lists}
        clock.lap("validate")

        # 3. resolve the touched regions and everything below them
        affected = set(touched)
        for region in touched:
            affected |= old.tree.descendants(region)
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
        new = Resolved(valid, views, {k: tuple(v) for k, v in by_certificate.items()}, old.sizes)
        old_views = {v.region.id: v for v in old.views if v.region.id in affected}
        entries = set()  # (region, certificate) whose entry changed there
        for region in affected:
            before = {e.certificate.id: _shown(e) for e in old_views[region].entries}
            entries |= {(region, c) for c, shown in ((e.certificate.id, _shown(e)) for e in fresh[region].entries) if before.get(c) != shown}
        near = {(other, c) for region, c in entries for other in scale.shown_on(new, region)}
        edit = Edit(frozenset(affected), frozenset(entries), frozenset(near))
        clock.lap("resolve")

        # 4. plan, and make what the edit touched into a fresh folder beside site/
        plan = Plan(new, known.plan.features)
        look = affected | {r for r, _ in near}
        whose = {str(p): p for p in known.plan.parts if p.region is None or p.region in affected}
        parts = [p for p in plan.parts if p.region is None or p.region in look]
        outputs, timing = [], {}
        for p in parts:
            made = plan.outputs(p)
            if str(p) in whose and [o.path for o in made] != [o.path for o in known.plan.outputs(whose[str(p)])]:
                return self._full(f"{p} would add or remove files")
            outputs += [(p, o) for o in made if edit.touches(o)]
        clock.lap("plan")
        stage = Staging(self.site)
        staged = stage.path
        try:
            context = Context(valid.site, pieces=self.pieces)
            start = time.process_time()
            for p, o in outputs:
                write_outputs([o], staged, context)
                now = time.process_time()
                timing[p.feature.name] = round(timing.get(p.feature.name, 0.0) + now - start, 3)
                start = now
            compared = time.perf_counter()
            written = {o.path for _, o in outputs if not _same_file(self.site / o.path, staged / o.path)}
            timing["unchanged files left out"] = round(time.perf_counter() - compared, 3)
            clock.lap("write")
            changed_pages: dict[str, list[str]] = {}
            for rel in sorted(written):
                region = rel.split("/", 1)[0]
                if region in by_id and rel.endswith(".html"):
                    changed_pages.setdefault(region, []).append(rel)
            rebuilt = []
            if self.search_index and changed_pages:
                self.pagefind.use(index.bundle_layout(list(valid.regions), new.sizes.bundle_per_city_from), index.item_pages(new))
                rebuilt = self.pagefind.reindex(self.site, staged, changed_pages, staged / ".scratch")
            clock.lap("index")
        except BaseException:
            stage.discard()
            raise

        # 5. publish: changed files one by one, then the rebuilt bundles
        try:
            for rel in sorted(written):
                target = self.site / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged / rel, target)
            for bundle in rebuilt:
                swap(staged / bundle, self.site / bundle)
        finally:
            stage.discard()
        clock.lap("publish")

        self.files = files
        result.valid, result.resolved, result.plan = valid, new, plan
        self.known = result
        self.last = {"changed": sorted(changed), "regions": sorted(affected), "pages": len(written), "bundles": rebuilt, "render_parts": timing}
        result.pages, result.files = len([r for r in written if r.endswith(".html")]), len(written)
        return result


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
    def __init__(self, seconds: dict[str, float]):
        self.seconds, self.last = seconds, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.last, 3)
        self.last = now
