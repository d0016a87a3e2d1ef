"""Stage 5, write: ``write(plan, out, context, map=map)`` makes every output of the
plan, part by part through ``map`` (the builtin, or forked workers: sitegen/forks.py),
then the files made from the list of all the others (sitemap.xml). Jinja2 with
autoescape on and StrictUndefined (a template naming a missing field fails the
build); assets get a content hash in their name, so WeChat's cache never pairs a new
page with an old stylesheet.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import jinja2
import rcssmin
import rjsmin
from markupsafe import Markup

from .pages import footer
from .pieces import Pieces
from .plan import Output, Part, Plan, no_duplicates
from .problems import template_error

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS = TEMPLATES / "assets"


def environment(templates: Path | None = None, rowlinks_kept: int = 200_000) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates or TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build reads each template once (no stat per page)
    )
    env.globals["rowlinks"] = _rowlinks(env, rowlinks_kept)
    return env


def _rowlinks(env: jinja2.Environment, kept: int):
    """``rowlinks(links)``: the rowlink component of each link, joined; each link is
    rendered once and reused (the ``kept`` last used): at national scale the same link
    is on thousands of item pages."""

    @lru_cache(maxsize=kept)
    def rowlink(link) -> str:
        return str(env.get_template("components/rowlink.html").module.rowlink(link))

    def rowlinks(links) -> Markup:
        return Markup("".join(map(rowlink, links)))

    return rowlinks


def shipped(path: Path) -> bytes:
    """An asset's bytes as served: scripts and stylesheets without their comments
    and spacing (rjsmin, rcssmin); the sources in templates/assets keep them."""
    data = path.read_bytes()
    if path.suffix == ".js":
        return rjsmin.jsmin(data)
    if path.suffix == ".css":
        return rcssmin.cssmin(data)
    return data


def asset_files(templates: Path) -> dict[str, tuple[str, bytes]]:
    """Each asset's file name → (its site path under a content-hashed name, the bytes served)."""
    out = {}
    for p in sorted((templates / "assets").iterdir()):
        if p.is_file():
            data = shipped(p)
            out[p.name] = (f"assets/{p.stem}.{hashlib.sha256(data).hexdigest()[:10]}{p.suffix}", data)
    return out


class Context:
    """What making an output needs besides the model: site settings, the templates
    folder and its Jinja environment, the assets' hashed names, and ``pieces``, parts
    of whole-site files kept by a long-lived builder."""

    def __init__(self, site: dict, templates: Path | None = None, pieces: Pieces | None = None):
        self.site = site
        self.templates = templates or TEMPLATES
        self.env = environment(self.templates)
        self.assets = {name: path for name, (path, _) in asset_files(self.templates).items()}
        self.pieces = pieces if pieces is not None else Pieces()
        self._at_root: dict[str, tuple[dict, object]] = {}  # page.root → (assets, footer) seen from it
        # every template compiled now (forked writers inherit them), looked up without Jinja's cache lock
        html = self.env.list_templates(filter_func=lambda n: n.endswith(".html"))
        self._templates = {name: self.env.get_template(name) for name in html}

    def render(self, page) -> bytes:
        """The page's bytes. Pages at one depth share their assets' links and footer
        (a site has a few depths): each made once a depth, not once a page."""
        shared = self._at_root.get(page.root)
        if shared is None:
            shared = self._at_root[page.root] = ({k: page.root + v for k, v in self.assets.items()}, footer(self.site, page.root))
        assets, foot = shared
        try:
            template = self._templates.get(page.template) or self.env.get_template(page.template)
            return template.render(page=page, body=page.body, site=self.site, assets=assets, footer=foot).encode()
        except Exception as exc:
            raise (template_error(exc, page.url) or exc) from None  # the template's file:line, told in any process


def write_bytes(path: Path | str, data: bytes | list[bytes]) -> None:
    """``Path.write_bytes`` without its file object (less CPU a file); a list of byte
    strings is written one after the other, never joined in memory."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        for chunk in [data] if isinstance(data, bytes) else data:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_outputs(outputs: list[Output], out: Path, context: Context, folders: set[str]) -> None:
    """Make each output and write it below ``out``. ``folders``: those known to
    exist (a writer keeps it over all its parts: a region's QR codes go into its
    pages' folders). Paths stay strings: a ``Path`` a file cost more than its write."""
    root = os.fspath(out) + "/"
    for o in outputs:
        path = root + o.path
        folder = path[: path.rfind("/")]
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        write_bytes(path, o.make(context))


@dataclass(frozen=True)
class Written:
    files: list[str]  # relative to the output folder
    pages: int  # HTML pages among them
    seconds: dict[str, float]  # CPU seconds per feature, summed over processes


def _write_group(plan: Plan, out: Path, context: Context, folders: set[str], group: tuple[Part, ...]) -> list:
    """(paths, URLs of the pages sitemap.xml lists, CPU seconds) of each part, written."""
    done = []
    for part in group:
        start = time.process_time()
        outputs = plan.outputs(part)
        write_outputs(outputs, out, context, folders)
        listed = [o.sitemap for o in outputs if o.sitemap is not None]
        done.append(([o.path for o in outputs], listed, time.process_time() - start))
    return done


def write(plan: Plan, out: Path, context: Context, map=map) -> Written:
    """Write every output of ``plan`` into ``out``; ``map(f, groups)`` may make
    the plan's groups of parts anywhere (its result in order, as the builtin's)."""
    listing, pages, seconds = [], [], {}
    groups = plan.groups
    folders: set[str] = set()  # each forked writer fills its own copy
    for group, results in zip(groups, map(partial(_write_group, plan, out, context, folders), groups)):
        for part, (paths, listed, cpu) in zip(group, results):
            listing += [(p, part) for p in paths]
            pages += listed
            seconds[part.feature.name] = round(seconds.get(part.feature.name, 0.0) + cpu, 3)
    last = plan.finish(pages)
    write_outputs(last, out, context, folders)
    listing += [(o.path, "sitemap") for o in last]
    no_duplicates(listing)
    files = sorted(p for p, _ in listing)
    return Written(files, sum(1 for p in files if p.endswith(".html")), seconds)
