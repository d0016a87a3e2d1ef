"""sitegen/forks.py: work shared out over forked children comes back whole and in order."""
from __future__ import annotations

import os

import pytest

from sitegen import forks


def _children() -> set[str]:
    """This process's child processes, zombies included (Linux)."""
    return set(open(f"/proc/self/task/{os.getpid()}/children").read().split())


def test_fork_map_gives_what_the_loop_gives_in_order_from_other_processes():
    items = list(range(23))
    out = forks.fork_map(lambda i: (i * i, os.getpid()), items, workers=3, from_items=2, chunk=2)
    assert [square for square, _ in out] == [i * i for i in items]
    assert {pid for _, pid in out[:2]} == {os.getpid()}  # this process took the first chunk
    # the next chunk is handed to the first child before it is forked; which process takes
    # each later chunk depends on who is free (on a busy machine one child may take them all)
    assert {pid for _, pid in out[2:4]} == {out[2][1]} != {os.getpid()}


def boom(i):
    if i == 9:
        raise ValueError(f"item {i}")
    return i


def test_fork_map_raises_a_childs_exception_and_leaves_no_child_behind():
    before = _children()
    with pytest.raises(ValueError, match="item 9"):
        forks.fork_map(boom, list(range(10)), workers=2, from_items=2, chunk=5)  # 9 is in the child's chunk
    assert _children() == before  # the child was reaped (no zombie left)


def test_fork_map_in_one_process_for_one_item_one_worker_or_few_items():
    assert forks.fork_map(lambda i: os.getpid(), [1], from_items=0) == [os.getpid()]
    assert forks.fork_map(lambda i: os.getpid(), [1, 2, 3], workers=1, from_items=0) == [os.getpid()] * 3
    assert forks.fork_map(lambda i: os.getpid(), [1, 2, 3], workers=2, from_items=4) == [os.getpid()] * 3


def test_in_child_returns_the_value_or_raises_the_exception():
    assert forks.in_child(lambda: os.getpid()) != os.getpid()
    with pytest.raises(KeyError):
        forks.in_child(lambda: {}["missing"])


def test_children_run_without_the_cycle_collector_and_the_parent_keeps_its_own():
    import gc

    assert gc.isenabled()
    in_child = forks.in_child(lambda: (os.getpid(), gc.isenabled()))
    assert in_child[0] != os.getpid() and in_child[1] is False
    shares = forks.fork_map(lambda i: (os.getpid(), gc.isenabled()), list(range(4)), workers=2, from_items=2, chunk=2)
    assert {enabled for pid, enabled in shares if pid != os.getpid()} == {False}
    assert {enabled for pid, enabled in shares if pid == os.getpid()} == {True}  # this process's own share
    assert gc.isenabled()


def test_workers_map_in_order_over_forked_processes_and_raise_an_items_exception():
    from sitegen.forks import Workers

    import time

    def square(i):
        time.sleep(0.02)  # long enough for the children to take their chunks
        return i * i, os.getpid()

    items = list(range(40))
    workers = Workers(workers=2, from_items=2)
    out = workers(square, items)
    assert [square for square, _ in out] == [i * i for i in items] and workers.used == 2
    assert {pid for _, pid in out[:8]} == {os.getpid()}  # the first chunk (the site's parts) stays in this process
    assert len({pid for _, pid in out} - {os.getpid()}) >= 1

    before = _children()
    with pytest.raises(ValueError, match="item 9"):
        Workers(workers=2, from_items=2)(boom, items)
    assert _children() == before  # every child was reaped
    assert Workers(workers=2, from_items=50)(lambda i: os.getpid(), items) == [os.getpid()] * 40
