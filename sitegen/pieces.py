"""Pieces of whole-site files (all.json, all.csv, the feeds), remembered between builds
by the objects they were made from: an incremental build (sitegen/incremental.py) keeps
what an edit did not touch as the very same objects, so only the changed pieces are made
again. A ``Pieces`` lives in a builder's ``render.Context``."""
from __future__ import annotations

from typing import Callable, Iterable


class Pieces:
    def __init__(self):
        self._made: dict[str, dict[tuple[int, ...], tuple[tuple, object]]] = {}

    def remembered(self, kind: str, objects: Iterable, make: Callable, key: Callable = lambda obj: (obj,)) -> list:
        """``[make(obj) for obj in objects]``, reusing what an earlier call made for
        the same objects: ``key(obj)`` names the objects a piece depends on, and a
        piece is reused only if each of them is the very object it was made from.
        Pieces of objects no longer passed in are forgotten."""
        before, now, out = self._made.get(kind, {}), {}, []
        for obj in objects:
            owners = key(obj)
            ids = tuple(map(id, owners))
            hit = before.get(ids)
            piece = hit[1] if hit is not None and all(a is b for a, b in zip(hit[0], owners)) else make(obj)
            now[ids] = (owners, piece)  # holding the owners keeps their ids from being reused
            out.append(piece)
        self._made[kind] = now
        return out
