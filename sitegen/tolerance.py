"""Tolerance tables for the search page (search/tolerance.json), computed at build time.

``t2s``: traditional → simplified (OpenCC), for 單身證明; ``py`` and ``more``:
pinyin readings (pypinyin), for slips such as 婚姻壮况证明 and for pinyin typed in
Latin letters (danshen zhengming, dszm). No table is written by hand; search.js
loads the file only when a query needs it (docs/search.md).
"""
from __future__ import annotations

from functools import lru_cache

from . import urls
from .model import Resolved
from .pieces import Pieces

TOLERANCE_FILE = urls.FILES["search_tolerance"]  # written by the search data feature (sitegen/index.py)


CJK = range(0x4E00, 0xA000)  # CJK Unified Ideographs: the characters names are written in


def _is_cjk(ch: str) -> bool:
    return len(ch) == 1 and ord(ch) in CJK


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """GB2312's first level (3,755 common characters): what input methods offer first."""
    found = (bytes((hi, lo)).decode("gb2312", "ignore") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF))
    return frozenset(ch for ch in found if _is_cjk(ch))  # a code GB2312 leaves empty decodes to ""


@lru_cache(maxsize=1)
def _traditional() -> tuple[tuple[str, str], ...]:
    """(traditional, simplified) for every ideograph OpenCC's t2s changes into one character."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    pairs = ((chr(code), convert(chr(code))) for code in CJK)
    return tuple((ch, simple) for ch, simple in pairs if simple != ch and len(simple) == 1)


@lru_cache(maxsize=65536)
def readings(ch: str, every: bool = True) -> tuple[str, ...]:
    """The toneless pinyin readings of one character: every one (重: zhong,
    chong, tong) or only the usual one (empty if pypinyin has none)."""
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.NORMAL, heteronym=every, errors="ignore")
    return tuple(dict.fromkeys(r for group in found for r in group[: None if every else 1] if r.isascii() and r.isalpha()))


def tables(name_chars: set[str]) -> dict:
    """The tables for the common characters plus the names' own. ``py``: each
    character under its usual reading (what a slip is typed by), only where a
    name's character reads the same; ``more``: the names' characters under
    their other readings (重庆 is chong qing)."""
    names = {ch for ch in name_chars if _is_cjk(ch)}
    usual: dict[str, set[str]] = {}
    more: dict[str, set[str]] = {}
    for ch in names:
        first, *rest = readings(ch) or ("",)
        if first:
            usual.setdefault(first, set()).add(ch)
        for r in rest:
            more.setdefault(r, set()).add(ch)
    heard = set(usual) | set(more)
    for ch in _common() - names:
        for r in readings(ch, every=False):
            if r in heard:
                usual.setdefault(r, set()).add(ch)
    chars = _common() | names
    t2s = "".join(t + s for t, s in _traditional() if s in chars)
    flat = lambda table: {r: "".join(sorted(cs)) for r, cs in sorted(table.items())}  # noqa: E731
    return {"t2s": t2s, "py": flat(usual), "more": flat(more)}


def name_chars(resolved: Resolved, pieces: Pieces) -> frozenset[str]:
    """Every character of every name search.js compares with (certificates, rows,
    regions); each view's characters are remembered in ``pieces``."""
    chars: set[str] = set()
    for c in resolved.content.certificates:
        for text in (c.name, *c.also_called, *c.keywords):
            chars.update(text)
    for r in resolved.content.regions:
        chars.update(r.full_name)
    views = pieces.remembered("name characters", resolved.views, lambda view: pieces.shared("name characters", _view_chars(view)))
    chars.update(*{id(found): found for found in views}.values())  # most views show another's names: each set once
    return frozenset(chars)


def _view_chars(view) -> frozenset[str]:
    chars: set[str] = set()
    for e in view.entries:
        chars.update(e.row.name, *e.row.covers, *e.row.former_names)
    return frozenset(chars)
