"""Stage 4, plan: every file the site will hold, decided before a byte is written.

``Plan(resolved, every())`` asks each ``Feature`` (sitegen/features.py) for
its ``Output``s: a path, the regions whose lists it shows, and how its bytes
are made. Outputs are listed part by part when asked for, not held all at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterable, Iterator

from . import sitemap, urls
from .model import Entry, RegionView, Resolved

EVERY_REGION = None  # Output.regions of a file that shows something of every region
NO_REGION: frozenset[str] = frozenset()  # … of one that changes only with a full build (assets, settings)


@dataclass(frozen=True, slots=True)
class Output:
    """One file: ``make(context)`` returns its bytes (or a list of byte strings).
    ``regions``: those whose lists it shows (an edit there remakes it), or
    ``EVERY_REGION`` / ``NO_REGION``. ``certificate``: it also shows this
    certificate's entry in other regions (an item page's nearby regions, or,
    with no region of its own, every region: the comparison page).
    ``sitemap``: its page URL if sitemap.xml lists it."""

    path: str
    make: Callable
    regions: frozenset[str] | None = EVERY_REGION
    certificate: str = ""
    sitemap: str | None = None


class Feature:
    """What a feature declares; every method may be left out. ``region_outputs``
    reads only that region's view, the site settings and ``resolved.tree``, so
    parts can be made in any order and process, and an edit remakes only its
    regions'. The links are (site path, text, note) listed under 打印和下载."""

    name = "feature"

    def site_outputs(self, resolved: Resolved) -> Iterable[Output]:
        return ()

    def region_outputs(self, resolved: Resolved, view: RegionView) -> Iterable[Output]:
        return ()

    def region_links(self, resolved: Resolved, view: RegionView) -> list[tuple[str, str, str]]:
        return []

    def item_links(self, entry: Entry) -> list[tuple[str, str, str]]:
        return []


def page(url: str, make_page: Callable, *args, regions: frozenset[str] | None, certificate: str = "", listed: bool = True) -> Output:
    """The output of an HTML page at ``url``: ``make_page(url, *args)`` rendered (sitegen/render.py)."""
    make = partial(_render, make_page, (url, *args))
    return Output(urls.file_for(url), make, regions, certificate, url if listed else None)


def _render(make_page: Callable, args: tuple, context) -> bytes:
    return context.render(make_page(*args))


def constant(data: bytes) -> Callable:
    """A ``make`` for bytes known when planning."""
    return partial(_constant, data)


def _constant(data: bytes, context) -> bytes:
    return data


@dataclass(frozen=True)
class Part:
    """One feature's files of one region (``view``), or of no region (None)."""

    feature: Feature
    view: RegionView | None = None

    @property
    def region(self) -> str | None:
        return self.view.region.id if self.view is not None else None

    def __str__(self) -> str:
        return f"{self.feature.name}:{self.region or 'site'}"


class DuplicateOutput(Exception):
    pass


class Plan:
    """Every output of the site, part by part: one feature's site files, then
    region by region each feature's files of that region."""

    def __init__(self, resolved: Resolved, features: tuple[Feature, ...]):
        self.resolved, self.features = resolved, features
        # the site's parts, then each region's: a writer's unit of work is one such group
        self.groups = [tuple(Part(f, view) for f in features) for view in (None, *resolved.views)]
        self.parts = tuple(part for group in self.groups for part in group)
        resolved.tree  # the region tree, made once here (forked writers inherit it)

    def outputs(self, part: Part) -> list[Output]:
        if part.view is None:
            return list(part.feature.site_outputs(self.resolved))
        return list(part.feature.region_outputs(self.resolved, part.view))

    def __iter__(self) -> Iterator[Output]:
        for part in self.parts:
            yield from self.outputs(part)

    def finish(self, pages: list[str]) -> list[Output]:
        """sitemap.xml (and its parts above 50,000 pages) from the listed pages' URLs."""
        base = self.resolved.content.site["base_url"]
        return [Output(path, constant(data), NO_REGION) for path, data in sitemap.files(base, [urls.absolute(base, u) for u in pages])]

    def describe(self) -> Iterator[str]:
        """One line per output, for ``python build.py plan``."""
        pages = []
        for part in self.parts:
            for o in self.outputs(part):
                if o.sitemap is not None:
                    pages.append(o.sitemap)
                yield f"{o.path}\t{part}\t{_regions(o)}\t{_how(o.make)}"
        for o in self.finish(pages):
            yield f"{o.path}\tsitemap\tevery page\tthe listed pages above"


def _regions(o: Output) -> str:
    shown = "every region" if o.regions is EVERY_REGION else ",".join(sorted(o.regions)) or "-"
    return shown + (f"+{o.certificate} elsewhere" if o.certificate else "")


def _how(make: Callable) -> str:
    if isinstance(make, partial):
        if make.func is _render:
            return f"{make.args[0].__module__}.{make.args[0].__qualname__} → template"
        if make.func is _constant:
            return "bytes known when planning"
        make = make.func
    return f"{getattr(make, '__module__', '?')}.{getattr(make, '__qualname__', make)}"


def no_duplicates(listing: Iterable[tuple[str, Part]]) -> None:
    """Raise DuplicateOutput if two outputs have one path (in plan order, so the report is the same every time)."""
    seen: dict[str, Part] = {}
    for path, part in listing:
        other = seen.setdefault(path, part)
        if other is not part:
            raise DuplicateOutput(f"两个输出写到同一个文件 {path}：{other} / {part} (two outputs share one path)")


@dataclass(frozen=True)
class Edit:
    """What an incremental build changed: ``regions`` whose view changed (with
    their descendants), ``entries`` (region, certificate) whose shown content
    changed, and ``near``: (region, certificate) of item pages showing one of
    those entries among their other regions."""

    regions: frozenset[str]
    entries: frozenset[tuple[str, str]]
    near: frozenset[tuple[str, str]]

    def touches(self, o: Output) -> bool:
        if o.regions is EVERY_REGION or not o.regions.isdisjoint(self.regions):
            return True
        if not o.regions:
            return any(c == o.certificate for _, c in self.entries)
        return any((r, o.certificate) in self.near for r in o.regions)
