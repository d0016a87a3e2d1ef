"""Work done in forked child processes, and the results brought back.

``in_child`` runs one function in a child; ``fork_map`` shares a list's items out over
every core (``Workers``: the writer's ``map``). Children inherit everything by fork,
copy-on-write: only results are pickled, on the way back. Linux forks; elsewhere
everything simply runs in this process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from contextlib import contextmanager


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def processes(items: int, workers: int | None, from_items: int) -> int:
    """How many processes ``fork_map`` shares ``items`` items out over: one below
    ``from_items`` items (forking costs more than it saves, bench/README.md) or without fork."""
    workers = min(workers or cores(), items)
    return workers if workers >= 2 and items >= from_items and can_fork() else 1


def start_child(fn, *args, collector: bool = False) -> tuple:
    """Fork a child that runs ``fn(*args)`` (inherited, not pickled) and sends back
    its ``outcome``: (the process, the end to receive that from). The child's cyclic
    garbage collector is off unless ``collector``: it lives for this one call."""
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)

    def run() -> None:
        if not collector:
            gc.disable()
        send.send(outcome(fn, *args))

    child = fork.Process(target=run)
    child.start()
    send.close()
    return child, receive


def finish_child(fn, child, receive):
    """What the child ``start_child`` forked for ``fn`` returned (or raise what it raised)."""
    try:
        with receive, collector_paused():  # the objects made here are all alive
            value, exc = receive.recv()
    except EOFError:  # it died before it could send
        child.join()
        name = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
        raise RuntimeError(f"{name} 在子进程中异常退出 (died in a child process, status {child.exitcode})") from None
    finally:
        child.join()
    if exc is not None:
        raise exc
    return value


def outcome(f, *args) -> tuple:
    """(``f(*args)``, None), or (None, the exception it raised)."""
    try:
        return f(*args), None
    except BaseException as exc:  # noqa: BLE001 - raised by the caller, in order
        return None, exc


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for the block, then as it was:
    where millions of live objects are made or kept, a collection only walks them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def in_child(fn, *args):
    """``fn(*args)`` in a forked child process: the fragmented heap the load stage's
    parse leaves (hundreds of MB at national scale) goes away with the child instead
    of being shared, and slowly copied, by every writer forked later."""
    if not can_fork():  # pragma: no cover - not Linux
        return fn(*args)
    return finish_child(fn, *start_child(fn, *args))


def fork_map(fn, items, workers: int | None = None, from_items: int = 200, chunk: int = 8, collector: bool = False) -> list:
    """``[fn(item) for item in items]`` over ``processes(…)``: each takes ``chunk`` items
    at a time from a counter they share, this one the first chunk; results come back in
    order. The children collect cyclic garbage only if ``collector``, and then never
    walk (so never copy) what they inherit (gc.freeze). An exception in any chunk is
    raised here, once every child is reaped."""
    items = list(items)
    workers = processes(len(items), workers, from_items)
    if workers == 1:
        return [fn(item) for item in items]
    taken = multiprocessing.get_context("fork").Value("q", 0)  # where the next free chunk starts

    def next_chunk() -> int:
        with taken.get_lock():
            taken.value += chunk
            return taken.value - chunk

    def take(start: int) -> list[tuple[int, object]]:
        done = []
        while start < len(items):
            done += [(i, fn(item)) for i, item in enumerate(items[start : start + chunk], start)]
            start = next_chunk()
        return done

    first = next_chunk()
    if collector:
        gc.collect()
        gc.freeze()
    try:
        children = [start_child(take, next_chunk(), collector=collector) for _ in range(workers - 1)]
        # every child is reaped, whatever failed before it; then the first failure is raised
        outcomes = [outcome(take, first)] + [outcome(finish_child, take, *child) for child in children]
    finally:
        gc.unfreeze()
    for _, exc in outcomes:
        if exc is not None:
            raise exc
    made = dict(pair for done, _ in outcomes for pair in done)  # item index → its result
    return [made[i] for i in range(len(items))]


class Workers:
    """``map`` for the writer: ``fork_map`` over at most 8 cores, whose first chunk
    (the plan's whole-site parts, with what they remember between builds:
    sitegen/pieces.py) is made in this process, the builder's."""

    def __init__(self, workers: int | None = None, from_items: int = 50):
        self.workers, self.from_items = workers or min(cores(), 8), from_items
        self.used = 1  # processes the last map ran in (bench/national.py prints it)

    def __call__(self, f, items) -> list:
        items = list(items)
        self.used = processes(len(items), self.workers, self.from_items)
        return fork_map(f, items, self.workers, self.from_items, collector=True)
