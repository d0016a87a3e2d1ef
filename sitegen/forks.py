"""Work shared out over forked child processes, and the results brought back.

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


def name_of(f) -> str:
    return f"{getattr(f, '__module__', '?')}.{getattr(f, '__qualname__', repr(f))}"


def _start_child(fn, *args) -> tuple[int, int]:
    """Fork a child that runs ``fn(*args)`` and pickles back its result or
    the exception it raised: (pid, the pipe to read that from)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            # The child lives for this one call and its memory goes with it:
            # the cyclic garbage collector would only walk the heap it grows
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


def _finish_child(fn, pid: int, read_end: int):
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise RuntimeError(f"{name_of(fn)} 在子进程中异常退出 (died in a child process, status {status})")
    with collector_paused():  # the objects made here are all alive
        ok, value = pickle.loads(payload)
    if not ok:
        raise value
    return value


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for the block, then as it was:
    for work that makes or keeps millions of live objects (a child's result
    unpickled here; an incremental build beside the national model), where a
    collection would only walk them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def in_child(fn, *args):
    """``fn(*args)`` in a forked child process; its result, or the exception it
    raised, comes back pickled. The load stage parses hundreds of MB of YAML at
    national scale and leaves Python's heap fragmented: hundreds of MB the
    parent would keep, and every render worker forked from it would share and
    slowly copy. Done in a child, that memory goes away with it."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return fn(*args)
    return _finish_child(fn, *_start_child(fn, *args))


FORK_FROM_ITEMS = 200  # fewer items are done in this process: forking costs more than it saves (bench/README.md)


def fork_map(fn, items: list, workers: int | None = None, from_items: int | None = None) -> list:
    """``[fn(item) for item in items]``, the items shared out over every core
    once there are ``from_items`` of them (default ``FORK_FROM_ITEMS``):
    forked children inherit the items (nothing is pickled on the way in) and
    pickle back only the results, in order; this process takes the first
    share itself. An exception in any share is raised here, as from the loop."""
    workers = min(workers or cores(), len(items))
    if workers < 2 or len(items) < (FORK_FROM_ITEMS if from_items is None else from_items) or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    size = -(-len(items) // workers)
    shares = [items[i : i + size] for i in range(0, len(items), size)]

    def run(share: list) -> list:
        return [fn(item) for item in share]

    children = [_start_child(run, share) for share in shares[1:]]
    # every child is reaped, whatever failed before it; then the first failure is raised
    outcomes = [_outcome(run, shares[0])] + [_outcome(_finish_child, fn, *child) for child in children]
    out: list = []
    for results, exc in outcomes:
        if exc is not None:
            raise exc
        out.extend(results)
    return out


def _outcome(f, *args) -> tuple:
    """(``f(*args)``, None), or (None, the exception it raised)."""
    try:
        return f(*args), None
    except BaseException as exc:  # noqa: BLE001 - raised by the caller, in order
        return None, exc
