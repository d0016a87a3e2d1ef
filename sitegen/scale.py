"""What changes when the site holds the whole country (thousands of regions).

Above ``Sizes.nearby_only_above`` regions an item page lists the same certificate
only in the regions near its own (parents, siblings, children), not in all of
them; ``shown_on`` answers the reverse question for incremental builds.
"""
from __future__ import annotations

from .cascade import ancestors
from .model import Entry, RegionView, Resolved


class RegionTree:
    """Regions by position, parent and children, and each region's entries by certificate."""

    def __init__(self, resolved: Resolved):
        self.position = {v.region.id: i for i, v in enumerate(resolved.views)}
        self.entries = {v.region.id: {e.certificate.id: e for e in v.entries} for v in resolved.views}
        self.regions = {r.id: r for r in resolved.content.regions}
        self.children: dict[str | None, list[str]] = {}
        for v in resolved.views:
            self.children.setdefault(v.region.parent, []).append(v.region.id)

    def nearby(self, region_id: str) -> list[str]:
        """Parents, siblings and children of a region, in regions.yaml order."""
        near = {a.id for a in ancestors(self.regions[region_id], self.regions)}
        near.update(self.children.get(self.regions[region_id].parent, ()))
        near.update(self.children.get(region_id, ()))
        near.discard(region_id)
        return sorted(near, key=self.position.__getitem__)

    def chain(self, region_id: str) -> list:
        """The region and its ancestors, 全国 first."""
        return [*ancestors(self.regions[region_id], self.regions), self.regions[region_id]]

    def descendants(self, region_id: str) -> set[str]:
        out, todo = set(), [region_id]
        while todo:
            for child in self.children.get(todo.pop(), ()):
                out.add(child)
                todo.append(child)
        return out


def nearby_only(resolved: Resolved) -> bool:
    return len(resolved.views) > resolved.sizes.nearby_only_above


def other_entries(resolved: Resolved, view: RegionView, cert_id: str) -> tuple[Entry, ...]:
    """The same certificate in the other regions an item page links to."""
    if not nearby_only(resolved):
        return tuple(e for e in resolved.by_certificate[cert_id] if e.region.id != view.region.id)
    idx = resolved.tree
    found = (idx.entries[r].get(cert_id) for r in idx.nearby(view.region.id))
    return tuple(e for e in found if e is not None)


def shown_on(resolved: Resolved, region_id: str) -> set[str]:
    """Regions whose item pages link to ``region_id`` (see ``other_entries``)."""
    if not nearby_only(resolved):
        return {v.region.id for v in resolved.views} - {region_id}
    idx = resolved.tree
    parent = idx.regions[region_id].parent
    near = idx.descendants(region_id) | set(idx.children.get(parent, ()))
    if parent is not None:
        near.add(parent)
    near.discard(region_id)
    return near
