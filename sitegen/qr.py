"""QR codes as inline SVG (segno: a pure-Python encoder, no network service).

Used by page QR codes ("scan on another phone"), posters and slips. The same
URL always gives the same SVG, so builds stay byte-identical.
"""
from __future__ import annotations

import io

import segno


def absolute(base_url: str, path: str) -> str:
    """The public address of a site path (base_url ends with '/')."""
    return base_url + path


def qr_svg(url: str, scale: int = 4, title: str = "") -> str:
    """A standalone SVG document (with its namespace, so it works as a file,
    an <img> and inline HTML) for ``url``; error correction M."""
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, border=4, dark="#000", light="#fff", title=title or None,
            svgclass="qr", lineclass=None, xmldecl=False, nl=False)
    return out.getvalue().decode("utf-8")


def qr_matrix(url: str) -> list[list[bool]]:
    """The module matrix (for tests that re-render and decode it)."""
    qr = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in qr.matrix]
