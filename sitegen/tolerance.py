"""Tolerance tables for the search page: traditional characters and readings.

Residents type 單身證明 (handwriting input, relatives abroad), 婚姻壮况证明
(pinyin input, wrong character chosen) or danshen zhengming / dszm (pinyin
typed without choosing characters). The names search.js compares with are in
simplified characters, so it needs two tables, both computed here at build
time from maintained libraries, never written by hand:

- ``t2s``: traditional → simplified, from OpenCC's t2s conversion of every
  CJK unified ideograph, kept where the simplified character is one people
  type (GB2312) or one of the site's names has.
- ``py``: toneless pinyin reading → characters, from pypinyin (every reading
  of a heteronym: 重 is zhong and chong), for the same characters. search.js
  reads it both ways: a syllable typed in Latin letters matches a name's
  characters with that reading, and a character typed by mistake matches a
  name's character that sounds the same (壮 for 状).

One file, ``search/tolerance.json`` (~25 KB, ~17 KB gzip'd). search.js loads it
only when a query needs it: Latin letters, a character that no name has, or
no name matching well without it (docs/search.md).
"""
from __future__ import annotations

from functools import lru_cache

from . import urls
from .model import Resolved

TOLERANCE_FILE = urls.FILES["search_tolerance"]  # written by the search data feature (sitegen/index.py)


CJK = range(0x4E00, 0xA000)  # CJK Unified Ideographs: the characters names are written in


def _is_cjk(ch: str) -> bool:
    return len(ch) == 1 and ord(ch) in CJK


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """GB2312's first level, its 3,755 common characters: what Chinese input
    methods offer first, so what a slip most likely typed."""
    out = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(ch for ch in out if _is_cjk(ch))


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> tuple[tuple[str, str], ...]:
    """(traditional, simplified) for every ideograph OpenCC's t2s changes into one character."""
    convert = _converter().convert
    pairs = []
    for code in CJK:
        ch = chr(code)
        simple = convert(ch)
        if simple != ch and len(simple) == 1:
            pairs.append((ch, simple))
    return tuple(pairs)


@lru_cache(maxsize=65536)
def readings(ch: str, every: bool = True) -> tuple[str, ...]:
    """The toneless pinyin readings of one character: every one (重: zhong,
    chong, tong) or only the usual one (empty if pypinyin has none)."""
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.NORMAL, heteronym=every, errors="ignore")
    return tuple(dict.fromkeys(r for group in found for r in group[: None if every else 1] if r.isascii() and r.isalpha()))


def tables(name_chars: set[str]) -> dict:
    """The two tables for the common characters plus the names' own.

    ``py``: each character under its usual reading, kept only when a name's
    character reads the same (a reading no name has matches nothing); a slip
    is a character the input method offered for the reading the resident
    meant, so the character typed counts by its usual reading. ``more``: the
    names' characters under their other readings (重庆 is chong qing, 重病
    zhong bing), for pinyin typed in Latin letters."""
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


def name_chars(resolved: Resolved) -> set[str]:
    """Every character of every name search.js compares with (certificates, rows, regions)."""
    chars: set[str] = set()
    for c in resolved.content.certificates:
        for text in (c.name, *c.also_called, *c.keywords):
            chars.update(text)
    for r in resolved.content.regions:
        chars.update(r.full_name)
    for view in resolved.views:
        for e in view.entries:
            for text in (e.row.name, *e.row.covers, *e.row.former_names):
                chars.update(text)
    return chars
