"""Pieces of whole-site files (all.json, all.csv, the feeds, the search data), remembered
between builds by the objects they were made from: an incremental build
(sitegen/incremental.py) keeps what an edit did not touch as the very same objects, so
only the changed pieces are made again. A ``Pieces`` lives in a builder's ``render.Context``."""
from __future__ import annotations

from typing import Callable, Iterable


class Pieces:
    def __init__(self):
        self._made: dict[str, dict[int | tuple[int, ...], tuple[object, object]]] = {}
        self._last: dict[str, tuple[object, object]] = {}
        self._shared: dict[str, dict] = {}

    def remembered(self, kind: str, objects: Iterable, make: Callable, key: Callable | None = None) -> list:
        """``[make(obj) for obj in objects]``, reusing what an earlier call made for
        the same objects: ``key(obj)`` names the objects a piece depends on (by
        default ``obj`` alone), and a piece is reused only if each of them is the
        very object it was made from. Pieces of objects no longer passed in are forgotten."""
        before, now, out = self._made.get(kind, {}), {}, []
        for obj in objects:
            owners = obj if key is None else key(obj)
            ids = id(obj) if key is None else tuple(map(id, owners))
            hit = before.get(ids)  # the owners it was made from are held, so equal ids are the very objects
            piece = make(obj) if hit is None else hit[1]
            now[ids] = (owners, piece)  # holding the owners keeps their ids from being reused
            out.append(piece)
        self._made[kind] = now
        return out

    def same(self, kind: str, value, make: Callable):
        """``make(value)``, or what the last call for ``kind`` made if its ``value`` was equal."""
        hit = self._last.get(kind)
        if hit is None or hit[0] != value:
            hit = self._last[kind] = (value, make(value))
        return hit[1]

    def shared(self, kind: str, value):
        """``value``, or an equal one given before for ``kind``: equal pieces become one
        object, so that a whole-site file can tell them apart by identity alone."""
        return self._shared.setdefault(kind, {}).setdefault(value, value)
