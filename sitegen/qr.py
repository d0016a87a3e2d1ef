"""QR codes as inline SVG, made on this machine (no network service).

Used by page QR codes ("scan on another phone"), posters and slips. The same
URL always gives the same SVG, so builds stay byte-identical.

The encoder is zxing-cpp (C++; its writer is zint's): about 0.2 ms a code,
where the pure-Python segno took about 4.7 ms — at national scale (~105,000
item pages, each with a QR file and a printable slip) that was more than
rendering every page. Only the module matrix comes from it; the SVG is written
here, one stroked path of horizontal runs, so the markup is ours to keep small.
"""
from __future__ import annotations

import re
from html import escape

import zxingcpp

BORDER = 4  # the quiet zone the standard asks for, in modules


def absolute(base_url: str, path: str) -> str:
    """The public address of a site path (base_url ends with '/')."""
    return base_url + path


def modules(url: str) -> tuple[bytes, ...]:
    """The QR code of ``url`` (error correction M), one bytes row per module
    row: 0 for dark, 255 for light."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    side = image.shape[0]
    pixels = memoryview(image).tobytes()
    return tuple(pixels[y * side : (y + 1) * side] for y in range(side))


_DARK_RUN = re.compile(rb"\x00+")


def _path(url: str) -> tuple[int, str]:
    """(side with quiet zone, SVG path data of the dark runs): each run is a
    1-module-wide horizontal stroke, moves relative to the previous run's end."""
    rows = modules(url)
    parts: list[str] = []
    x = y = None
    for row_number, row in enumerate(rows):
        row_y = row_number + BORDER
        for run in _DARK_RUN.finditer(row):
            run_x, length = run.start() + BORDER, run.end() - run.start()
            parts.append(f"M{run_x} {row_y}.5h{length}" if x is None else f"m{run_x - x} {row_y - y}h{length}")
            x, y = run_x + length, row_y
    return len(rows) + 2 * BORDER, "".join(parts)


def qr_svg(url: str, scale: int = 4, title: str = "") -> str:
    """A standalone SVG document (with its namespace, so it works as a file,
    an <img> and inline HTML) for ``url``; its viewBox lets an <img> of any
    size (print.css sizes them in millimetres) scale it."""
    side, path = _path(url)
    size = side * scale
    title_tag = f"<title>{escape(title, quote=False)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" class="qr">{title_tag}'
        f'<g transform="scale({scale})"><path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
        f'<path stroke="#000" d="{path}"/></g></svg>'
    )
