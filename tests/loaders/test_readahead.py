"""The read-ahead worker: order, memory budget, errors, stopping."""

from __future__ import annotations

import sys
import threading

import pytest

from loaders.readahead import ReadAhead


def test_results_come_in_job_order_and_the_switch_interval_is_restored() -> None:
    before = sys.getswitchinterval()
    with ReadAhead(range(20), lambda n: n * n, weight=lambda _: 1, budget=3, switch_interval=0.002) as ahead:
        assert sys.getswitchinterval() == pytest.approx(0.002)
        out = []
        for item in ahead:
            out.append(item)
            ahead.done(item)
    assert out == [n * n for n in range(20)]
    assert sys.getswitchinterval() == before


def _settled(started: list[int], count: int) -> list[int]:
    """`started` once `count` jobs started and a moment passed without another."""
    for _ in range(500):
        if len(started) >= count:
            break
        threading.Event().wait(0.01)
    threading.Event().wait(0.2)
    return list(started)


def test_the_worker_stops_at_the_budget_until_results_are_released() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        return n

    # each result weighs 5 and the budget is 10: the worker starts a job only while
    # less than 10 is held, so two results wait, and each release lets one more start
    with ReadAhead(range(6), work, weight=lambda _: 5, budget=10) as ahead:
        items = iter(ahead)
        first = next(items)
        assert _settled(started, 2) == [0, 1]
        ahead.done(first)
        assert _settled(started, 3) == [0, 1, 2]
        for item in items:
            ahead.done(item)
    assert started == list(range(6))


def test_an_error_is_raised_in_its_jobs_turn_and_stops_the_worker() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        if n == 2:
            raise ValueError("bad job 2")
        return n

    got = []
    with (
        ReadAhead(range(5), work, weight=lambda _: 0, budget=1) as ahead,
        pytest.raises(ValueError, match="bad job 2"),
    ):
        for item in ahead:
            got.append(item)
    assert got == [0, 1]
    assert started == [0, 1, 2]  # nothing after the failed job


def test_leaving_early_stops_the_worker_and_waits_for_it() -> None:
    started: list[int] = []
    with ReadAhead(range(1000), lambda n: started.append(n) or n, weight=lambda _: 1, budget=2) as ahead:
        for item in ahead:
            if item == 1:
                break
    count = len(started)
    assert count <= 4  # items 0 and 1 plus at most the budget's worth
    threading.Event().wait(0.1)
    assert len(started) == count  # the worker is gone
