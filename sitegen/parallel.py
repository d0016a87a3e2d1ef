"""A ``map`` over forked processes, for the writer (``render.write(…, map=Workers())``).

``Workers()(f, items)`` returns what ``list(map(f, items))`` returns, in order.
Forked children inherit ``f`` and the items — the resolved model, the plan,
the compiled templates — copy-on-write, take ``chunk`` items at a time from a
counter they share, and send back only their results (sitegen/forks.py).
``gc.freeze()`` keeps the collector from touching (and so copying) what they
inherit. Items for which ``here(item)`` is true are done in this process meanwhile
(by default the plan's whole-site parts: what they remember between builds,
sitegen/pieces.py, stays with the builder).
Fewer than ``from_items`` items, one core, or no fork: the builtin ``map``.
"""
from __future__ import annotations

import gc
import multiprocessing
from typing import Callable

from .forks import can_fork, cores, finish_child, outcome, start_child


def _whole_site(group) -> bool:
    return group[0].view is None


class Workers:
    def __init__(self, workers: int | None = None, from_items: int = 50, here: Callable = _whole_site, chunk: int = 8):
        self.workers = workers or min(cores(), 8)
        self.from_items, self.here, self.chunk = from_items, here, chunk
        self.used = 1  # processes the last map ran in (bench/national.py prints it)

    def __call__(self, f: Callable, items) -> list:
        items = list(items)
        if self.workers < 2 or len(items) < self.from_items or not can_fork():
            self.used = 1
            return [f(item) for item in items]
        away = [i for i, item in enumerate(items) if not self.here(item)]
        taken = multiprocessing.get_context("fork").Value("q", 0)  # how many of ``away`` are taken

        def take() -> list[tuple[int, object]]:
            done = []
            while True:
                with taken.get_lock():
                    start = taken.value
                    taken.value = start + self.chunk
                if start >= len(away):
                    return done
                done += [(i, f(items[i])) for i in away[start : start + self.chunk]]

        def here() -> list[tuple[int, object]]:
            return [(i, f(item)) for i, item in enumerate(items) if self.here(item)]

        gc.collect()
        gc.freeze()
        try:
            children = [start_child(take, collector=True) for _ in range(self.workers)]
            # every child is reaped, whatever failed before it; then the first failure is raised
            outcomes = [outcome(here)] + [outcome(finish_child, take, *child) for child in children]
        finally:
            gc.unfreeze()
        results: list = [None] * len(items)
        for done, exc in outcomes:
            if exc is not None:
                raise exc
            for i, result in done:
                results[i] = result
        self.used = self.workers
        return results
