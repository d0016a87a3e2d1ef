"""Pieces of whole-site files, remembered between builds by the objects they
were made from.

An incremental build (sitegen/incremental.py) keeps every region, list and
region view it did not touch as the very same object. A whole-site file —
all.json, all.csv, the search core — is then remade from remembered pieces,
and only the pieces of what changed are computed again: after one county's
edit at national scale that is a few of ~5,000 lists instead of all of them.
A ``Pieces`` lives in the ``render.Context`` of a builder; the parallel writer
makes whole-site files in the builder's own process for this reason.
"""
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
        before, now = self._made.get(kind, {}), {}
        out = []
        for obj in objects:
            owners = key(obj)
            ids = tuple(map(id, owners))
            hit = before.get(ids)
            if hit is not None and all(a is b for a, b in zip(hit[0], owners)):
                piece = hit[1]
            else:
                piece = make(obj)
            now[ids] = (owners, piece)  # holding the owners keeps their ids from being reused
            out.append(piece)
        self._made[kind] = now
        return out
