"""A ``map`` over forked processes, for the writer (``render.write(…, map=Workers())``).

``Workers()(f, items)`` returns what ``list(map(f, items))`` returns, in
order. Forked workers inherit ``f`` and the items — the resolved model, the
plan, the compiled templates — copy-on-write: a worker gets an item's number
and sends back its result; nothing else is pickled. ``gc.freeze()`` keeps the
collector from touching (and so copying) the inherited objects.

Items for which ``here(item)`` is true are done in this process meanwhile
(by default the plan's whole-site group of parts: what they remember between builds,
sitegen/pieces.py, then stays with the builder that builds incrementally).
Fewer than ``from_items`` items, one core, or no fork: the builtin ``map``,
as starting the workers costs more than they save.
"""
from __future__ import annotations

import gc
import multiprocessing
from typing import Callable

from .forks import cores

_job: list = []  # (f, items) of the running map: set just before forking, read by the workers


def _call(number: int):
    f, items = _job[0]
    return number, f(items[number])


def _whole_site(group) -> bool:
    return group[0].view is None


class Workers:
    def __init__(self, workers: int | None = None, from_items: int = 50, here: Callable = _whole_site, chunk: int = 8):
        self.workers = workers or min(cores(), 8)
        self.from_items, self.here, self.chunk = from_items, here, chunk
        self.used = 1  # processes the last map ran in (bench/national.py prints it)

    def __call__(self, f: Callable, items) -> list:
        items = list(items)
        if self.workers < 2 or len(items) < self.from_items or "fork" not in multiprocessing.get_all_start_methods():
            self.used = 1
            return [f(item) for item in items]
        results: list = [None] * len(items)
        away = [i for i, item in enumerate(items) if not self.here(item)]
        _job.append((f, items))
        gc.collect()
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                running = pool.imap_unordered(_call, away, chunksize=self.chunk)
                for i, item in enumerate(items):
                    if self.here(item):
                        results[i] = f(item)
                for number, result in running:
                    results[number] = result
        finally:
            gc.unfreeze()
            _job.clear()
        self.used = self.workers
        return results
