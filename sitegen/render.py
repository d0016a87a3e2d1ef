"""Stage 4, render: pages → HTML files in a fresh output folder.

Jinja2 with autoescape on and StrictUndefined: every value from the data is
escaped, and a template that names a missing field fails the build instead of
printing nothing. Static assets get a content hash in their file name so
WeChat's cache can never pair a new page with an old stylesheet.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import extras, sitemap, urls
from .pages import Page
from .problems import template_error

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS = TEMPLATES / "assets"


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build reads each template once (no stat per page)
    )
    env.globals["rowlinks"] = _rowlinks(env)
    return env


def _rowlinks(env: jinja2.Environment):
    """``rowlinks(links)``: the rowlink component of each link, joined. An item
    page lists the certificate in its sibling regions, so at national scale the
    same link (same relative href) is shown on thousands of pages: each one is
    rendered by the component once per build and then reused."""
    made: dict = {}

    def rowlinks(links) -> Markup:
        out = []
        for link in links:
            html = made.get(link)
            if html is None:
                if len(made) >= 200_000:  # a bound on memory at national scale
                    made.clear()
                html = made[link] = str(env.get_template("components/rowlink.html").module.rowlink(link))
            out.append(html)
        return Markup("".join(out))

    return rowlinks


def hashed_name(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{path.stem}.{digest}{path.suffix}"


def copy_assets(out: Path, assets: Path = ASSETS) -> dict[str, str]:
    """Copy each asset under a content-hashed name; return logical → site path."""
    names = {}
    target = out / "assets"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(assets.iterdir()):
        if path.is_file():
            name = hashed_name(path)
            (target / name).write_bytes(path.read_bytes())
            names[path.name] = f"assets/{name}"
    return names


class DuplicateOutput(Exception):
    pass


_folders: set[Path] = set()  # folders this render has made (a page per folder, but slips share one)


def forget_folders() -> None:
    """Called when a render starts: an output folder may have been deleted and made again since."""
    _folders.clear()


def ensure_folder(folder: Path) -> None:
    if folder not in _folders:
        folder.mkdir(parents=True, exist_ok=True)
        _folders.add(folder)


def write_page(env: jinja2.Environment, page: Page, path: Path, site: dict, assets: dict[str, str]) -> None:
    """Render one page to ``path`` (the parallel render calls this too: same bytes)."""
    try:
        html = env.get_template(page.template).render(page=page, body=page.body, site=site, assets={k: page.root + v for k, v in assets.items()})
    except Exception as exc:
        raise (template_error(exc, page.url) or exc) from None  # the template's file:line, told in any process
    ensure_folder(path.parent)
    write_bytes(path, html.encode("utf-8"))  # the bytes write_text would write


def write_bytes(path: Path | str, data: bytes) -> None:
    """``Path.write_bytes`` without its file object: ~15 % less CPU a file,
    which counts where a build writes hundreds of thousands (pages, QR codes,
    search-index fragments)."""
    view = memoryview(data)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def render(pages: list[Page], out: Path, site: dict, templates: Path | None = None, resolved=None) -> list[str]:
    """Write every page into ``out``, then every registered extra file, then
    sitemap.xml; return the files written (relative)."""
    templates = templates or TEMPLATES
    env = environment(templates)
    forget_folders()
    assets = copy_assets(out, templates / "assets")
    written: dict[str, str] = {}
    locs = []
    for page in pages:
        rel = urls.file_for(page.url)
        if rel in written:
            raise DuplicateOutput(f"两个页面写到同一个文件 {rel}: {written[rel]} / {page.title}")
        written[rel] = page.title
        write_page(env, page, out / rel, site, assets)
        locs.append(sitemap.loc(page, site["base_url"]))
    files = sorted(written) + sorted(assets.values())
    if resolved is not None:
        for writer in extras.FILE_WRITERS:
            files.extend(writer(resolved, out, assets))
    return files + sitemap.write(out, site["base_url"], locs)
