"""Incremental builds for ``make serve``: after an edit to list files, remake
only the outputs of the plan the edit touched (``plan.Edit``).

A ``Builder`` keeps what its last build knew. Any other change, or an edit that
would add or remove a file, means a full build. Changed files replace their old
versions one by one; their search bundles are re-indexed in the background,
while the next edit is made: only its swap into site/ waits for that index.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from . import bundles, index, scale
from .cascade import resolve
from .forks import collector_paused
from .load import Loaded, read_file
from .model import Resolved
from .pieces import Pieces
from .plan import Edit, Plan
from .publish import Staging, swap
from .render import Context, write_bytes
from .serve import watched
from .validate import validate

ROOT = Path(__file__).resolve().parent.parent


def code_hash(root: Path = ROOT) -> str:
    """Everything besides content that shapes the output."""
    digest = hashlib.sha256()
    templates = sorted(p for p in (root / "templates").rglob("*") if p.is_file())
    for path in [root / "build.py", *sorted((root / "sitegen").glob("*.py")), *templates]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def snapshot(content: Path, before: dict | None = None) -> dict[str, tuple[int, int, str]]:
    """rel path → (mtime_ns, size, sha256) of each file the preview watches
    below ``content``; a file whose time and size match ``before`` keeps its hash."""
    before, out = before or {}, {}
    for rel, stamp in watched(content):
        old = before.get(rel)
        out[rel] = old if old and old[:2] == stamp else (*stamp, hashlib.sha256((content / rel).read_bytes()).hexdigest())
    return out


def _list_key(rel: str) -> str | None:
    """'lists/s01/buyu-chuju.yaml' → 's01/buyu-chuju' for a current list file, else None."""
    parts = rel.split("/")
    if len(parts) != 3 or parts[0] != "lists" or not parts[2].endswith(".yaml"):
        return None
    return f"{parts[1]}/{parts[2][:-5]}"


class Builder:
    """Builds ``content`` into ``site``, incrementally when it can. ``full(content,
    site, search_index=…, indexer=…, pieces=…)`` is the full build (``build.build``
    or ``build.fast``); ``code()`` changes when code or templates do; ``pagefind``:
    the Indexer it keeps (its Pagefind processes stay ready between builds)."""

    def __init__(self, content: Path, site: Path, root: Path, full, search_index: bool = True, code=code_hash,
                 pagefind: bundles.Indexer | None = None):
        self.content, self.site, self.root, self.full = content, site, root, full
        self.search_index, self.code, self.pagefind = search_index, code, pagefind or bundles.Indexer()
        self.pieces = Pieces()
        self.known = None  # the last build's BuildResult
        self.last: dict = {}  # what the last incremental update did (for the benchmark)
        self.why_full = "first build"  # why the last build was a full one
        self.indexing: threading.Thread | None = None  # the last edit's search index, made in the background

    def close(self) -> None:
        """Wait for the last edit's search index; end the Pagefind process kept ready."""
        self.indexed()
        self.pagefind.close()

    def indexed(self) -> None:
        """Wait until the last edit's search bundles are swapped in."""
        if self.indexing is not None:
            self.indexing.join()
            self.indexing = None

    def build(self):
        """Bring ``site`` up to date with ``content``: a BuildResult."""
        if self.known is not None and not self.site.is_dir():
            self.why_full = "site/ is missing"
        elif self.known is not None:
            try:
                with collector_paused():  # a collection would walk the whole kept model (millions of objects)
                    result = self._incremental()
            except BaseException:
                self.indexed()  # a failed build, too, returns with the edit before indexed
                raise
            if result is not None:
                return result
        self.indexed()  # the edit before's search index, before a full build takes site/'s lock
        self.last = {}
        files, code = snapshot(self.content, self.files if self.known else None), self.code()  # edits made during the build count as changes
        indexer = partial(index.index, indexer=self.pagefind)
        result = self.full(self.content, self.site, search_index=self.search_index, indexer=indexer, pieces=self.pieces)
        self.known, self.files, self.hash = result, files, code
        self.context = Context(result.valid.site, pieces=self.pieces)  # its templates compiled once
        if self.search_index:
            self.pagefind.warm()  # a Pagefind process kept ready for the next edit
        return result

    def _full(self, why: str) -> None:
        self.why_full = why
        return None

    def _incremental(self):
        """The build made incrementally, or None when a full build is needed."""
        known = self.known
        result = type(known)()  # what the full build returns (build.BuildResult)
        clock = _Clock(result.seconds)
        files = snapshot(self.content, self.files)
        changed = sorted(r for r in files.keys() | self.files.keys() if _sha(files, r) != _sha(self.files, r))
        others = [rel for rel in changed if _list_key(rel) is None]
        if others:
            return self._full("not only current list files changed: " + ", ".join(others[:5]))
        if self.code() != self.hash:
            return self._full("code or templates changed")
        result.core, result.valid, result.resolved, result.plan = known.core, known.valid, known.resolved, known.plan
        self.last = {"changed": changed, "regions": [], "pages": 0, "bundles": []}
        if not changed:
            clock.lap("load")
            self.indexed()
            clock.lap("index of the edit before")
            if self.known is None:
                return self._full(self.why_full)  # that index failed
            self.files = files
            return result

        valid, touched = self._read({_list_key(rel) for rel in changed}, clock)
        new, edit = _resolve(valid, touched, known.resolved)
        clock.lap("resolve")

        plan = Plan(new, known.plan.features)
        before = {str(p): p for p in known.plan.parts if p.region is None or p.region in edit.regions}
        look = edit.regions | {r for r, _ in edit.near}
        outputs = []
        for part in plan.parts:
            if part.region is None or part.region in look:
                made = plan.outputs(part)
                if str(part) in before and [o.path for o in made] != [o.path for o in known.plan.outputs(before[str(part)])]:
                    return self._full(f"{part} would add or remove files")
                outputs += [(part, o) for o in made if edit.touches(o)]
        clock.lap("plan")

        changed_bytes, timing = self._make(outputs)
        clock.lap("write")
        # the edit before's search index reads its pages from site/: they stay until it is done
        self.indexed()
        clock.lap("index of the edit before")
        if self.known is None:
            return self._full(self.why_full)  # that index failed
        stage = Staging(self.site)
        try:
            written = {}  # site path → its new file in the stage (flat: one folder to remove)
            for n, (rel, data) in enumerate(changed_bytes.items()):
                written[rel] = stage.path / str(n)
                write_bytes(written[rel], data if isinstance(data, bytes) else _batched(data))
            # from here on site/ changes: should anything fail, the next build is a full one
            self.known, self.why_full = None, "the last incremental build failed after changing site/"
            for n, (rel, made) in enumerate(written.items()):
                (self.site / rel).parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileNotFoundError):  # the old file is let go of with the stage, after this build
                    os.link(self.site / rel, stage.path / f"old-{n}")
                os.replace(made, self.site / rel)
            clock.lap("publish")
        except BaseException:
            stage.discard()
            raise
        result.valid, result.resolved, result.plan = valid, new, plan
        result.pages, result.files = sum(1 for r in written if r.endswith(".html")), len(written)
        self.known, self.files = result, files
        pages = self.pagefind.listing if self.search_index else {}  # region → its item pages, as last indexed
        regions = [r for r in sorted({rel.split("/", 1)[0] for rel in written}) if not set(pages.get(r, ())).isdisjoint(written)]
        bundles = sorted({self.pagefind.bundle_of[r] for r in regions})
        self.last.update(regions=sorted(edit.regions), pages=len(written), render_parts=timing, bundles=bundles)
        self.indexing = threading.Thread(target=self._reindex, args=(bundles, stage), daemon=True)
        self.indexing.start()
        return result

    def _read(self, keys: set[str], clock) -> tuple:
        """Load and validate the changed list files and every other list of
        the regions they name (per-region rules need them all), as a full
        build does: (the new validated content, the regions touched)."""
        old, lists_dir = self.known.valid, self.content / "lists"
        problems, unreadable = [], []

        def read(key: str):
            doc, found = read_file(lists_dir / f"{key}.yaml", self.root)
            problems.extend(found)
            if doc is None:
                unreadable.append(key)
            else:
                doc.key = key
            return doc

        docs = {key: read(key) for key in keys if (lists_dir / f"{key}.yaml").exists()}
        touched = {lst.region for lst in old.lists if lst.id in keys}
        touched |= {d.data["region"] for d in docs.values() if d and isinstance(d.data, dict) and isinstance(d.data.get("region"), str)}
        touched &= {r.id for r in old.regions}  # an unknown region is reported by validate() below
        folders = {key.split("/")[0] for key in keys}
        for lst in old.lists:
            if (lst.region in touched or lst.id.split("/")[0] in folders) and lst.id not in keys | docs.keys():
                docs[lst.id] = read(lst.id)
        earlier = [read(h.id) for h in old.history if h.region in touched or h.id.split("/")[0] in folders]
        ordered = [docs[k] for k in sorted(docs, key=_in_load_order) if docs[k] is not None]
        earlier = sorted((d for d in earlier if d is not None), key=lambda d: _in_load_order(d.key))
        loaded = Loaded(*self.known.core, ordered, problems, sorted(unreadable), earlier, self.content)
        clock.lap("load")

        part = validate(loaded, map=self._checked)  # raises ContentError; nothing has been written yet
        replaced = {lst.id for lst in part.lists} | keys | {d.key for d in ordered}
        lists = sorted([lst for lst in old.lists if lst.id not in replaced] + list(part.lists), key=lambda lst: _in_load_order(lst.id))
        redone = {h.id for h in part.history} | {d.key for d in earlier}
        history = sorted([h for h in old.history if h.id not in redone] + list(part.history), key=lambda h: _in_load_order(h.id))
        clock.lap("validate")
        return replace(old, lists=tuple(lists), history=tuple(history)), touched | {lst.region for lst in part.lists}

    def _checked(self, check, docs: list) -> list:
        """``validate``'s map: the site, regions and certificates files an edit
        leaves as they were (the very documents) are not checked again."""
        return self.pieces.remembered("schema problems", docs, check, key=lambda doc: doc[:1])

    def _make(self, outputs: list) -> tuple[dict[str, bytes | list[bytes]], dict[str, float]]:
        """Make each output: ({site path: bytes} of those that differ from site/'s,
        CPU seconds per feature)."""
        changed, timing = {}, {}
        for part, o in outputs:
            start = time.process_time()
            data = o.make(self.context)
            if not _same_bytes(self.site / o.path, data):
                changed[o.path] = data
            timing[part.feature.name] = round(timing.get(part.feature.name, 0.0) + time.process_time() - start, 3)
        return changed, timing

    def _reindex(self, bundles: list[str], stage: Staging) -> None:
        """Re-index ``bundles`` (their pages are in site/ already) into
        ``stage`` and swap them in; on failure the next build is a full one."""
        try:
            if bundles:
                self.pagefind.index(self.site, stage.path, bundles)
            for bundle in bundles:
                swap(stage.path / bundle, self.site / bundle)
        except BaseException as exc:  # noqa: BLE001 - told by the full build that follows
            self.known, self.why_full = None, f"the search index of the last edit failed: {exc}"
        finally:
            stage.discard()


def _resolve(valid, touched: set[str], old: Resolved) -> tuple[Resolved, Edit]:
    """Resolve the touched regions and everything below them again; every
    other region's view stays the very object it was. (The new model, the edit.)"""
    affected = set(touched).union(*(old.tree.descendants(region) for region in touched))
    needed = affected | {a.id for region in touched for a in old.tree.chain(region)}  # regions.yaml is as it was
    sub = resolve(replace(valid, regions=tuple(r for r in valid.regions if r.id in needed), lists=tuple(lst for lst in valid.lists if lst.region in needed)))
    fresh = {v.region.id: v for v in sub.views if v.region.id in affected}
    new = Resolved(valid, tuple(fresh.get(v.region.id, v) for v in old.views), old.sizes)
    entries = set()  # (region, certificate) whose entry changed there
    for view in old.views:
        if view.region.id in affected:
            before = {e.certificate.id: _shown(e) for e in view.entries}
            entries |= {(view.region.id, e.certificate.id) for e in fresh[view.region.id].entries if before.get(e.certificate.id) != _shown(e)}
    near = {(other, c) for region, c in entries for other in scale.shown_on(new, region)}
    return new, Edit(frozenset(affected), frozenset(entries), frozenset(near))


def _sha(files: dict, rel: str) -> str | None:
    return files[rel][2] if rel in files else None


def _in_load_order(key: str) -> list[str]:
    return key.split("/")  # as sorted(rglob(...)) orders the paths below lists/


def _same_bytes(path: Path, data: bytes | list[bytes]) -> bool:
    """Does ``path`` hold ``data``? Sizes first: all.json is tens of MB at national scale."""
    chunks = [data] if isinstance(data, bytes) else data
    try:
        return path.stat().st_size == sum(map(len, chunks)) and path.read_bytes() == b"".join(chunks)
    except FileNotFoundError:
        return False


def _batched(chunks: list[bytes], size: int = 1024):
    """``chunks`` joined ``size`` at a time: all.json's ~30,000 parts in ~30 writes."""
    return (b"".join(chunks[i : i + size]) for i in range(0, len(chunks), size))


def _shown(entry) -> tuple:
    """What other regions' pages show of an entry: all but its list's other rows."""
    lst = replace(entry.list, rows=())
    inherited = entry.inherited_from.id if entry.inherited_from else None
    return (entry.region, entry.certificate, entry.row, lst, inherited)


class _Clock:
    def __init__(self, seconds: dict[str, float]):
        self.seconds, self.last = seconds, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.last, 3)
        self.last = now
