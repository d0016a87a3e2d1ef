"""Stage 3, resolve: which rows apply in each region (national → province →
city → county); the nearest region that published a certificate's row wins.
A region's own rows keep their order, inherited rows follow in the ancestor's,
and every entry records the region it was inherited from (None: its own).
"""
from __future__ import annotations

from .model import KINDS, Content, Entry, Hotline, PublishedList, Region, RegionView, Resolved, Sizes, by_region


def lookup_order(region: Region, by_id: dict[str, Region]) -> tuple[Region, ...]:
    """Where to look for a region's rows, nearest first: itself, parent, … 全国."""
    chain = [region]
    while chain[-1].parent is not None:
        if len(chain) > len(by_id):  # validation rejects cycles; never loop here
            raise ValueError(f"region cycle at {chain[-1].parent}")
        chain.append(by_id[chain[-1].parent])
    return tuple(chain)


def ancestors(region: Region, by_id: dict[str, Region]) -> tuple[Region, ...]:
    """Parents of a region, the national level first."""
    return lookup_order(region, by_id)[:0:-1]


def resolve(content: Content, sizes: Sizes = Sizes()) -> Resolved:
    by_id = {r.id: r for r in content.regions}
    certs = {c.id: c for c in content.certificates}
    lists_of = by_region(content.lists)
    views = []
    for region in content.regions:
        chosen: dict[str, Entry] = {}
        for source_region in lookup_order(region, by_id):
            for lst in sorted(lists_of.get(source_region.id, []), key=_kind_order):
                for row in lst.rows:
                    if row.id in chosen:
                        continue  # a nearer region already published this certificate
                    inherited = None if source_region is region else source_region
                    chosen[row.id] = Entry(region, certs[row.id], row, lst, inherited)
        entries = tuple(sorted(chosen.values(), key=_kind_order))
        hotline, fallback = _hotline(region, by_id, content.site["national_hotline"])
        views.append(
            RegionView(
                region=region,
                ancestors=ancestors(region, by_id),
                children=tuple(r for r in content.regions if r.parent == region.id),
                entries=entries,
                own_lists=tuple(lists_of.get(region.id, [])),
                hotline=hotline,
                hotline_is_fallback=fallback,
            )
        )
    return Resolved(content, tuple(views), sizes)


def _kind_order(item: PublishedList | Entry) -> int:
    """Not-issued first, then retained (a stable sort keeps the order within each)."""
    return KINDS.index(item.kind)


def _hotline(region: Region, by_id: dict[str, Region], national: Hotline) -> tuple[Hotline, bool]:
    """The nearest published reporting hotline, or the national 12345 line
    (flagged as a fallback so pages can say the region published none)."""
    found = ((r.hotline, False) for r in lookup_order(region, by_id) if r.hotline is not None)
    return next(found, (national, True))
