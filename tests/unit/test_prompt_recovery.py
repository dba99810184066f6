"""The changelog queue of `PromptTableManager`: during a recovery an empty queue gives up
after `IDLE_SECONDS` (Faust's recovery loop reads that as its idle timeout and ends the
recovery at a changelog that ends in a transaction marker); otherwise it waits as Faust's."""

from __future__ import annotations

import asyncio

import pytest
from mode.utils.queues import FlowControlEvent

from pipeline.adapters import recovery


def _queue(recovering: list[bool]) -> recovery._RecoveryQueue:
    flow = FlowControlEvent(initially_suspended=False)
    return recovery._RecoveryQueue(lambda: recovering[0], maxsize=10, flow_control=flow)


def test_an_empty_queue_gives_up_promptly_during_recovery() -> None:
    async def run() -> None:
        queue = _queue([True])
        getting = asyncio.ensure_future(queue.get())
        await asyncio.wait({getting}, timeout=5.0)  # Faust's own idle timeout
        assert getting.done(), "gave up no sooner than Faust's 5 s"
        with pytest.raises(TimeoutError):
            getting.result()
        queue.put_nowait("event")
        assert await queue.get() == "event"

    asyncio.run(run())


def test_outside_recovery_the_queue_waits_for_its_events() -> None:
    async def run() -> None:
        queue = _queue([False])
        waiting = asyncio.ensure_future(queue.get())
        await asyncio.sleep(recovery.IDLE_SECONDS * 3)
        assert not waiting.done()
        queue.put_nowait("event")
        assert await waiting == "event"

    asyncio.run(run())
