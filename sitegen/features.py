"""Every feature of the site, listed once: ``every(templates)``, in the order
their files are planned (the interface they implement: sitegen/plan.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from . import hostfiles, index, opendata, pages, posters, render, scale, sitepages, urls, wechat
from .model import RegionView, Resolved
from .plan import EVERY_REGION, NO_REGION, Feature, Output, constant, page


class Pages(Feature):
    """Home, search and comparison pages, each region's own pages, and the hashed assets."""

    name = "pages"

    def __init__(self, templates: Path = render.TEMPLATES, others: tuple[Feature, ...] = ()):
        self.templates = templates  # its assets' folder
        self.others = others  # the features whose links region and item pages list under 打印和下载

    def site_outputs(self, resolved: Resolved) -> Iterator[Output]:
        for path, data in render.asset_files(self.templates).values():
            yield Output(path, constant(data), NO_REGION)
        yield page(urls.home(), pages.home_page, resolved, regions=frozenset({resolved.views[0].region.id}))
        # a small site's search page lists each region's initials (its rows' names); a big one's, regions only
        yield page(urls.search(), pages.search_page, resolved, regions=NO_REGION if scale.nearby_only(resolved) else EVERY_REGION)
        for cert in resolved.by_certificate:
            yield page(urls.certificate(cert), pages.certificate_page, resolved, cert, regions=NO_REGION, certificate=cert)

    def region_outputs(self, resolved: Resolved, view: RegionView) -> Iterator[Output]:
        rid, own = view.region.id, frozenset({view.region.id})
        yield page(urls.region(rid), pages.region_page, resolved, view, self.others, regions=own)
        yield page(urls.index_az(rid), pages.index_page, resolved, view, regions=own)
        yield page(urls.hotline(rid), pages.hotline_page, resolved, view, regions=own)
        for entry in view.entries:
            cert = entry.certificate.id
            yield page(urls.item(rid, cert), pages.item_page, resolved, view, entry, self.others, regions=own, certificate=cert)


def every(templates: Path = render.TEMPLATES) -> tuple[Feature, ...]:
    """Every feature, the pages' assets from ``templates``; the pages list the others' links."""
    others = (wechat.FEATURE, index.FEATURE, opendata.FEATURE, posters.FEATURE, hostfiles.FEATURE, sitepages.FEATURE)
    return (Pages(templates, others), *others)
