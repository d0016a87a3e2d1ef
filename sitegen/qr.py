"""QR codes as standalone SVG, made on this machine (no network service); the same
URL always gives the same bytes. libqrencode (Debian's libqrencode4, through
ctypes) makes the module matrix, fast enough for a code on every item page at
national scale (bench/README.md); the SVG is written here, one stroked path.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
from functools import lru_cache
from html import escape

from .problems import BuildError, Problem

BORDER = 4  # the quiet zone the standard asks for, in modules
LIBRARY_ENV = "SITEGEN_QRENCODE"  # the libqrencode file to load instead of the one ldconfig knows


class _QRcode(ctypes.Structure):  # libqrencode's struct QRcode (qrencode.h)
    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte))]


_EC_LEVEL_M = 1  # QR_ECLEVEL_M: ~15 % of the code can be lost (a creased or smudged slip)
_MODE_8 = 2  # QR_MODE_8: the hint for text; libqrencode still puts digit runs in numeric segments
_DARK_TO_ZERO = bytes(0 if b & 1 else 255 for b in range(256))  # bit 0 of each module is "dark"


@lru_cache(maxsize=None)
def _library(chosen: str | None):
    name = chosen or ctypes.util.find_library("qrencode")
    try:
        lib = ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        lib = None
    if lib is None:
        message = f"找不到 libqrencode：请安装 libqrencode4（make site 会自动安装），或用环境变量 {LIBRARY_ENV} 指定库文件 (no libqrencode)"
        raise BuildError([Problem(chosen or "libqrencode", 1, 1, "", message)])
    lib.QRcode_encodeString.restype = ctypes.POINTER(_QRcode)
    lib.QRcode_encodeString.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.QRcode_free.argtypes = [ctypes.POINTER(_QRcode)]
    return lib


def matrix(url: str) -> tuple[int, bytes]:
    """The QR code of ``url`` (error correction M, the smallest version that holds it):
    (side in modules, one byte a module, row after row: 0 for dark, 255 for light)."""
    lib = _library(os.environ.get(LIBRARY_ENV))
    code = lib.QRcode_encodeString(url.encode("utf-8"), 0, _EC_LEVEL_M, _MODE_8, 1)
    if not code:
        raise ValueError(f"二维码生成失败 (libqrencode could not encode {len(url)} characters: {os.strerror(ctypes.get_errno())})")
    try:
        side = code.contents.width
        modules = ctypes.string_at(code.contents.data, side * side)
    finally:
        lib.QRcode_free(code)
    return side, modules.translate(_DARK_TO_ZERO)


def _fragment(modules: bytes, ends_row: bool) -> str:
    """Path commands for a few modules of a row: ``h<n>`` draws n dark modules, ``m<n> 0``
    skips n light ones (nothing after the last dark module of a row)."""
    runs = [(dark, len(list(group))) for dark, group in itertools.groupby(modules, key=lambda b: b == 0)]
    if ends_row and runs and not runs[-1][0]:
        runs.pop()
    return "".join(f"h{n}" if dark else f"m{n} 0" for dark, n in runs)


# A row is cut into pieces of 8 modules, each looked up in these tables of every
# possible piece: a few lookups a row. Runs cut in two ("h2h3") draw what "h5" does.
_CHUNK = 8
_PIECES = [bytes(bits) for n in range(1, _CHUNK + 1) for bits in itertools.product((0, 255), repeat=n)]
_INSIDE = {piece: _fragment(piece, False) for piece in _PIECES}
_AT_END = {piece: _fragment(piece, True) for piece in _PIECES}


@lru_cache(maxsize=None)
def _plan(side: int) -> tuple[tuple[int, int, dict[bytes, str]], ...]:
    """(start, end, table) of each piece of a ``side``-wide code; a row's absolute move
    comes from an empty piece whose table holds only it."""
    plan = []
    starts = range(0, side, _CHUNK)
    for y in range(side):
        row = y * side
        plan.append((0, 0, {b"": f"M{BORDER} {y + BORDER}.5"}))
        plan += [(row + x, min(row + x + _CHUNK, row + side), _INSIDE if x + _CHUNK < side else _AT_END) for x in starts]
    return tuple(plan)


def qr_svg(url: str, scale: int = 4, title: str = "") -> str:
    """A standalone SVG document for ``url`` (a file, an <img> or inline HTML); its
    viewBox lets an <img> of any size scale it. The dark modules are 1-module-wide
    horizontal strokes, each row starting from its left edge."""
    modules, pixels = matrix(url)
    path = "".join([table[pixels[start:end]] for start, end, table in _plan(modules)])
    side = modules + 2 * BORDER  # with the quiet zone
    size = side * scale
    title_tag = f"<title>{escape(title, quote=False)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" class="qr">{title_tag}'
        f'<g transform="scale({scale})"><path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
        f'<path stroke="#000" d="{path}"/></g></svg>'
    )
