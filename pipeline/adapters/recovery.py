"""Table recovery that ends when the changelog is read, not 10 s later.

faust-streaming 0.15.3 (`faust/tables/recovery.py`, `Recovery._slurp_changelogs`) ends the
recovery of a changelog partition when it has seen the record at the partition's highwater
(end offset − 1). Under exactly-once that offset is a transaction marker, which a consumer
never delivers, so the wait ends only through Faust's fallback: after two consecutive 5 s
waits on an empty changelog queue, `detect_aborted_tx` sees the consumer's position at the
highwater and marks the partition recovered. Every exactly-once restart waited those 10 s.

`PromptTableManager` gives recovery a changelog queue whose `get` gives up after
`IDLE_SECONDS` while a recovery runs: the same fallback, with the same safety (two
consecutive idle waits with nothing in the queue, and the consumer's position past the
highwater), fires after 2 × `IDLE_SECONDS`. Outside recovery the queue waits as Faust's does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from faust.tables import TableManager
from mode.utils.queues import ThrowableQueue

IDLE_SECONDS = 0.5


class _RecoveryQueue(ThrowableQueue):
    def __init__(self, recovering: Callable[[], bool], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recovering = recovering

    async def get(self) -> Any:
        if not self._recovering():
            return await super().get()
        # Raises TimeoutError to the recovery loop, which reads it as its own idle timeout.
        return await asyncio.wait_for(super().get(), IDLE_SECONDS)


class PromptTableManager(TableManager):
    """Faust's table manager with the prompt recovery queue (`TableManager=` of the app)."""

    @property
    def changelog_queue(self) -> ThrowableQueue:
        if self._changelog_queue is None:
            self._changelog_queue = _RecoveryQueue(
                lambda: bool(self.app.in_recovery),
                maxsize=self.app.conf.stream_buffer_maxsize,
                flow_control=self.app.flow_control,
                clear_on_resume=True,
            )
        return self._changelog_queue
