"""Exactly-once on Faust: one Kafka transaction per *source* partition, cut between events.

faust-streaming 0.15.3 (`faust/transport/consumer.py`, `TransactionManager`) picks the
transactional producer of a record from its *destination* (`{app}-{group of the destination
topic}-{destination partition}`) but commits offsets through the producer of the *source*
partition. The two only coincide when a record goes to the same partition number of a topic
co-partitioned with its input. Our topology repartitions (4 raw partitions -> 1
`articles.valid` partition -> N `events.candidates` partitions), so a record sent to
`articles.valid` sits in the transaction of `articles.valid`-0, which is committed only when
an `articles.valid` offset is committed, which needs that record to be read, which a
read_committed consumer cannot do: nothing ever becomes visible, and after
`transaction.timeout.ms` the broker aborts it while the raw offset is already committed (loss).
Records to topics the app does not consume (outcomes, dlq, enriched, mentions) bypass
transactions altogether (the plain producer), and Faust's commit neither waits for changelog
records still in its producer buffer nor for the event being processed, so a transaction can
hold half an event.

This module fixes that without patching Faust:

* `SourceTransactionManager.send` uses the producer of the topic-partition the current event
  came from (`transactional(app, stream)` / `producing_for(app, tp)` set it); changelog
  records sent from Faust's buffer carry their own partition, which is the source partition
  (co-partitioned), and `TrackedTable` notes which source topic writes each changelog.
  Producers are named by source topic-partition, not by Faust's co-partitioning group (which
  gave `articles.raw`-2 and `events.candidates`-2 one producer: two workers fenced each other).
* `GatedConsumer.force_commit` takes the gate that every event holds while it is processed
  (and acked), waits until the changelog records of processed events are delivered, then
  commits offsets + outputs per source partition, and also transactions that have outputs
  but no new offsets (timer flushes).
* `GatedConsumer._new_offset` commits up to the last acked offset: Faust's gap bookkeeping
  trips over transaction markers and commits too little (replays -> duplicates) or nothing.
* Faust's recovery (`Recovery._resume_streams`) resumes the stream partitions *before* it
  seeks them to the committed offsets. Records fetched in that window were dropped by the
  stream (acked unprocessed) or by the consumer (read offset moved past them), and the next
  commit moved past them: lost inputs, in either guarantee (found by the SIGKILL test:
  offsets 1-2 of a partition never processed, offset 4 committed). `GatedConsumer` resumes
  stream partitions only when the flow is back on, after the seek; ignores the acks of
  records the stream dropped; and rewinds partitions without a committed offset to their
  beginning (aiokafka's seek skips them). `transactional()` still skips (acks only) events
  delivered again after a seek whose effects are already in this worker's transaction (a
  partition kept through a rebalance).
* Faust fetches with its live set of active partitions, which aiokafka reads as "all
  partitions" once it is empty: records that arrived while recovery handed over from the
  changelogs to the streams were drained and skipped (lost; found by the backfill fault test
  once recovery ended promptly, `pipeline/adapters/recovery.py`). `GatedConsumer` keeps that
  set (`_ActivePartitions`) but never falsy. (A copy of the set, tried first, let a call drain
  a partition paused while it waited, which Faust then skipped: inputs lost at a broker
  SIGKILL.)
* The consumer waits at most `FETCH_MAX_WAIT_MS` per fetch instead of Faust's fixed 1.5 s,
  which each start-up step sat out (`_PromptConsumerThread`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from contextvars import ContextVar
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.errors import ProducerFenced
from faust.transport.consumer import TransactionManager
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, EventT, TransportT
from faust.types.tuples import FutureMessage, Message, ack_lock

from pipeline.adapters.watchdog import Progress

log = logging.getLogger(__name__)

_source_tp: ContextVar[TP | None] = ContextVar("wirestream_source_tp", default=None)


class TxnState:
    """Per-app: the processing gate, undelivered changelog records, transactions with output."""

    def __init__(self) -> None:
        self.gate = asyncio.Lock()
        self.changelog: set[asyncio.Future[Any]] = set()
        self.dirty: set[str] = set()
        self.processed: dict[TP, int] = {}  # last offset processed per partition (this owner)
        # changelog topic -> the source topic whose events write the table (same partition)
        self.changelog_sources: dict[str, str] = {}
        self.progress = Progress()  # read by the stall watchdog

    async def drain_changelog(self) -> None:
        while self.changelog:
            await asyncio.gather(*list(self.changelog))


class WirestreamApp(faust.App):
    """A Faust app whose transport uses the classes below."""

    txn: TxnState

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.txn = TxnState()
        super().__init__(*args, Table=TrackedTable, **kwargs)
        self.on_partitions_assigned.connect(self._forget_moved)

    async def _forget_moved(self, sender: Any, assigned: set[TP], **kwargs: Any) -> None:
        # Only partitions that left this worker: their open transaction is abandoned (the
        # next owner's producer aborts it) and they restart from the committed offset. A
        # partition kept through a rebalance keeps its open transaction, so the records
        # replayed after the seek to the committed offset are already in it: still skip them.
        # (The eager protocol revokes every partition, so the revoked set cannot tell.)
        for tp in set(self.txn.processed) - set(assigned):
            del self.txn.processed[tp]

    def _new_transport(self) -> TransportT:
        return WirestreamTransport(self.conf.broker_consumer, self)


def _txn(app: Any) -> TxnState:
    return app.txn  # type: ignore[no-any-return]


class TrackedTable(faust.Table):
    """Remembers its changelog records until they are delivered (commit waits for them)."""

    def send_changelog(self, *args: Any, **kwargs: Any) -> FutureMessage:
        txn = _txn(self.app)
        source = _source_tp.get()
        if source is not None:  # the record leaves Faust's buffer later, outside the event
            txn.changelog_sources[self.changelog_topic.get_topic_name()] = source.topic
        fut = super().send_changelog(*args, **kwargs)
        pending = txn.changelog
        pending.add(fut)
        fut.add_done_callback(pending.discard)
        return fut


class SourceTransactionManager(TransactionManager):
    def tid(self, tp: TP) -> str:
        # One producer per source topic-partition. Faust names them by co-partitioning
        # group, which here puts `articles.raw`-2 and `events.candidates`-2 (both N
        # partitions) under one id: two workers owning one each would fence each other,
        # and a rebalance moving one would abort the other's open transaction.
        return f"{self.app.conf.id}-{tp.topic}-{tp.partition}"

    def _tps_to_transactional_ids(self, tps: set[TP]) -> set[str]:
        """The producers `on_rebalance` starts and stops: one per assigned source partition."""
        changelogs = self.app.tables.changelog_topics
        return {self.tid(tp) for tp in tps
                if self.app.topics.acks_enabled_for(tp.topic) and tp.topic not in changelogs
                and not self.app.assignor.is_standby(tp)}

    async def send(self, topic: str, key: bytes | None, value: bytes | None,
                   partition: int | None, timestamp: float | None, headers: Any, *,
                   transactional_id: str | None = None) -> Any:
        partition = self.consumer.key_partition(topic, key, partition)
        source = _source_tp.get()
        if source is None:
            # Only changelog records leave Faust's buffer outside an event: their partition
            # is their source partition (co-partitioned), TrackedTable noted the source topic.
            owner = _txn(self.app).changelog_sources.get(topic)
            if partition is None or owner is None:
                raise RuntimeError(f"send to {topic} outside transactional()/producing_for()")
            source = TP(owner, partition)
        tid = self.tid(source)
        _txn(self.app).dirty.add(tid)
        return await self.producer.send(topic, key, value, partition, timestamp, headers,
                                        transactional_id=tid)

    async def commit(self, offsets: Mapping[TP, int],
                     start_new_transaction: bool = True) -> bool:
        by_tid: dict[str, dict[TP, int]] = defaultdict(dict)
        for tp, offset in offsets.items():
            by_tid[self.tid(tp)][tp] = offset
        return await self._commit(by_tid, start_new_transaction)

    async def commit_dirty(self, start_new_transaction: bool = True) -> bool:
        """Commit transactions holding outputs but no new offsets (timer flushes)."""
        dirty = _txn(self.app).dirty
        return await self._commit({tid: {} for tid in list(dirty)}, start_new_transaction)

    async def _commit(self, by_tid: Mapping[str, Mapping[TP, int]],
                      start_new_transaction: bool) -> bool:
        producer = self.producer
        locks: dict[str, asyncio.Lock] = producer._trn_locks  # type: ignore[attr-defined]
        txps: dict[str, Any] = producer._transaction_producers  # type: ignore[attr-defined]
        dirty = _txn(self.app).dirty
        for tid, offsets in by_tid.items():
            txp, lock = txps.get(tid), locks.get(tid)
            if txp is None or lock is None:
                log.warning("no transactional producer %s: not committed", tid)
                continue
            async with lock:
                try:
                    if offsets:
                        await txp.send_offsets_to_transaction(dict(offsets), self.app.conf.id)
                    await txp.commit_transaction()
                    if start_new_transaction:
                        await txp.begin_transaction()
                except ProducerFenced as exc:  # another worker owns this partition now
                    log.warning("producer %s fenced", tid)
                    await self.app.crash(exc)
                    return False
            dirty.discard(tid)
        return True


# Faust builds its aiokafka consumer with a fixed fetch_max_wait_ms of 1,500 ms, and several
# start-up steps (the recovery's seeks, the hand-over to the streams) wait for the fetch in
# flight: 2.2 of the 5.3 s a worker with no state took to be ready. A short wait costs an idle
# worker a few more empty fetches per second and a busy one nothing (fetches return at once).
FETCH_MAX_WAIT_MS = 250


class _ActivePartitions(set):
    """Faust's live set of active partitions, which it hands to aiokafka's `fetched_records`
    and mutates while that call waits. aiokafka reads an *empty* set as "every partition":
    once the last active partition was paused (at the end of table recovery the changelogs
    are paused before the stream partitions resume) the waiting call drained stream records
    that Faust then skipped as inactive, their offsets passed: lost inputs. Never falsy, an
    empty set stays "none"."""

    def __bool__(self) -> bool:
        return True


class _PromptConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # read when the fetcher starts
        return consumer


class GatedConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> Any:
        return _PromptConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resume_later: set[TP] = set()  # stream partitions to resume with the flow

    async def force_commit(self, topics: Any = None,
                           start_new_transaction: bool = True) -> bool:
        txn = _txn(self.app)
        started = time.monotonic()
        txn.progress.commits.append(started)
        try:
            async with txn.gate:  # no event is half-processed while we commit
                await txn.drain_changelog()
                did = await super().force_commit(topics,
                                                 start_new_transaction=start_new_transaction)
                if self.in_transaction and topics is None and txn.dirty:
                    manager: SourceTransactionManager = self.transactions  # type: ignore[assignment]
                    # Never commit outputs whose input offsets are still uncommitted.
                    held = {manager.tid(tp) for tp, acked in self._acked.items() if acked}
                    txn.dirty -= held
                    did = await manager.commit_dirty(start_new_transaction) or did
                    txn.dirty |= held
                return did
        finally:
            txn.progress.commits.remove(started)

    def ack(self, message: Message) -> bool:
        # Faust's stream acks, unprocessed, each record it drops because it was fetched while
        # flow control was off or in an older generation (e.g. during the post-recovery seek).
        # Counting such an ack would let the next commit move past a record nobody processed
        # (a lost input, in either guarantee); `seek_to_committed` below makes sure it comes
        # again. Processed records are the tracked ones.
        if not message.tracked:
            with ack_lock:
                message.acked = True
            return False
        return super().ack(message)  # type: ignore[no-any-return]

    def _reset_state(self) -> None:
        super()._reset_state()
        self._active_partitions = _ActivePartitions(self._active_partitions)

    def pause_partitions(self, tps: Any) -> None:
        tps = set(tps)
        self._resume_later.difference_update(tps)
        super().pause_partitions(tps)

    def resume_partitions(self, tps: Any) -> None:
        # Faust's recovery resumes the stream partitions, then seeks them to the committed
        # offsets, then turns the stream flow on. Records fetched in between reach streams
        # whose flow is off: dropped (see `ack`), and a batch that straddles the seek moves
        # the read offset past the re-fetched records, which Faust then drops too: lost
        # inputs. Stream partitions are resumed only once the flow is on (`resume_flow`),
        # i.e. after the seek; changelog partitions (table recovery) at once.
        tps = set(tps)
        changelogs = self.app.tables.changelog_topics
        streams = {tp for tp in tps if tp.topic not in changelogs}
        self._resume_later.update(streams)
        super().resume_partitions(tps - streams)

    def resume_flow(self) -> None:
        super().resume_flow()
        if self._resume_later and self.app.flow_control.is_active():
            super().resume_partitions(self._resume_later & self.assignment())
            self._resume_later.clear()

    async def seek_to_committed(self) -> Mapping[TP, int]:
        # aiokafka seeks only partitions whose committed offset is > 0 and leaves the rest
        # where the fetcher got to, so a record fetched and dropped before this seek (see
        # `ack`; e.g. in a partition kept through a rebalance) would never come again. A
        # partition without a committed offset restarts from its beginning instead (what
        # auto_offset_reset=earliest means); records already processed are recognised by
        # `transactional()`.
        committed = await super().seek_to_committed()
        fresh = [TopicPartition(tp.topic, tp.partition) for tp, offset in committed.items()
                 if not offset and self.app.topics.acks_enabled_for(tp.topic)]
        if fresh:
            await self._thread.seek_to_beginning(*fresh)  # type: ignore[attr-defined]
        return committed

    def _new_offset(self, tp: TP) -> int | None:
        # Faust's version looks for the first run of consecutive acked offsets, filling holes
        # from a gap list. Under read_committed the holes are transaction markers and aborted
        # records, and that list misses some (e.g. right after the committed offset), so it
        # commits fewer offsets than the events whose outputs are in the transaction: those
        # events are replayed after a crash (duplicates), or the partition never commits again.
        # Here every event of a partition is acked in order, under the gate, so the offset to
        # commit is simply the last acked one + 1: all below it were acked or never delivered.
        if not self.in_transaction:
            return super()._new_offset(tp)  # type: ignore[no-any-return]
        acked = self._acked[tp]
        if not acked:
            return None
        last = max(acked)
        acked.clear()
        self._acked_index[tp].clear()
        self._gap[tp].clear()
        return last + 1


class WirestreamTransport(faust_aiokafka.Transport):
    Consumer = GatedConsumer
    TransactionManager = SourceTransactionManager


async def transactional(app: faust.App, stream: faust.StreamT) -> AsyncIterator[EventT]:
    """`stream.events()`, each event processed atomically w.r.t. commits.

    While the loop body runs, the gate is held and sends go into the transaction of the
    event's partition; the event is acked before the gate is released, so a commit sees all
    of an event (outputs, table writes, offset) or none of it.
    """
    processed = _txn(app).processed
    progress = _txn(app).progress
    async for event in stream.events():
        progress.last_event = time.monotonic()
        tp, offset = event.message.tp, event.message.offset
        async with producing_for(app, tp):
            if tp not in processed:  # first event since the partition was assigned here
                log.info("%s:%d first event at offset %d (committed %s)", tp.topic,
                         tp.partition, offset, app.consumer._committed_offset.get(tp))
            if offset > processed.get(tp, -1):
                yield event
                processed[tp] = offset
            else:  # delivered again after a seek back to the committed offset: its effects
                # are already in this worker's open transaction, so it only needs its ack
                log.debug("%s:%d offset %d delivered again: skipped", tp.topic, tp.partition,
                          offset)
            event.ack()


@contextlib.asynccontextmanager
async def producing_for(app: faust.App, tp: TP) -> AsyncIterator[None]:
    """Sends in this block go into the transaction of source partition `tp`."""
    async with _txn(app).gate:
        token = _source_tp.set(tp)
        try:
            yield
        finally:
            _source_tp.reset(token)
