"""Work done in forked child processes, and the results brought back.

``in_child`` runs one function in a child (so the memory it leaves behind
goes away with it); ``fork_map`` shares a list's items out over every core.
Children inherit everything by fork: only results are pickled, on the way
back. Linux forks; elsewhere both simply run in this process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from contextlib import contextmanager


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def start_child(fn, *args, collector: bool = False) -> tuple[int, int]:
    """Fork a child that runs ``fn(*args)`` and pickles back its result or the
    exception it raised: (pid, the pipe to read that from). The child's cyclic
    garbage collector is off unless ``collector``: it lives for this one call."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            if not collector:
                gc.disable()
            os.close(read_end)
            try:
                payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - handed to the parent
                payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def finish_child(fn, pid: int, read_end: int):
    """What the child ``start_child`` forked for ``fn`` returned (or raise what it raised)."""
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        name = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
        raise RuntimeError(f"{name} 在子进程中异常退出 (died in a child process, status {status})")
    with collector_paused():  # the objects made here are all alive
        ok, value = pickle.loads(payload)
    if not ok:
        raise value
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
    """``fn(*args)`` in a forked child process. The load stage parses hundreds
    of MB of YAML at national scale and leaves the heap fragmented; done in a
    child, that memory goes away with it instead of being shared (and slowly
    copied) by every render worker forked later."""
    if not can_fork():  # pragma: no cover - not Linux
        return fn(*args)
    return finish_child(fn, *start_child(fn, *args))


def fork_map(fn, items: list, workers: int | None = None, from_items: int = 200) -> list:
    """``[fn(item) for item in items]``, the items shared out over every core
    once there are ``from_items`` of them (fewer: forking costs more than it
    saves, bench/README.md). Forked children inherit the items and pickle back
    their results, in order; this process takes the first share itself. An
    exception in any share is raised here, once every child is reaped."""
    workers = min(workers or cores(), len(items))
    if workers < 2 or len(items) < from_items or not can_fork():
        return [fn(item) for item in items]
    size = -(-len(items) // workers)
    shares = [items[i : i + size] for i in range(0, len(items), size)]

    def run(share: list) -> list:
        return [fn(item) for item in share]

    children = [start_child(run, share) for share in shares[1:]]
    outcomes = [outcome(run, shares[0])] + [outcome(finish_child, run, *child) for child in children]
    for _, exc in outcomes:
        if exc is not None:
            raise exc
    return [result for results, _ in outcomes for result in results]
