"""The framework's ceiling: a bare Faust agent copying each record of one topic to another.

    PASSTHROUGH_SOURCE=in PASSTHROUGH_SINK=out python bench/passthrough_app.py worker -l warn

Plain `faust.App` (not the pipeline's transactions wrapper), configured from the same
`WIRESTREAM_*` / `KAFKA_BOOTSTRAP_SERVERS` environment as a worker: broker, app id (= group),
processing guarantee, commit interval, topic partitions, stream buffer, data dir. With
`PASSTHROUGH_READY_FILE` set it writes that file once its partitions are assigned (the
moment it starts copying), which `bench/bench_suite.py` times from.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faust  # noqa: E402

from pipeline.adapters.security import faust_credentials  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402

settings = WirestreamSettings()
app = faust.App(
    settings.app_id,
    broker=";".join(f"kafka://{s.strip()}" for s in settings.bootstrap_servers.split(",")
                    if s.strip()),
    broker_credentials=faust_credentials(settings),
    store="memory://",
    datadir=settings.data_dir,
    topic_partitions=settings.partitions,
    topic_replication_factor=settings.replication_factor,
    processing_guarantee=settings.processing_guarantee,
    broker_commit_interval=settings.commit_interval_seconds,
    consumer_auto_offset_reset="earliest",
    stream_buffer_maxsize=settings.stream_buffer_records,
    producer_max_request_size=settings.max_message_bytes,
    web_enabled=False,
    key_serializer="raw",
    value_serializer="raw",
)
source = app.topic(os.environ["PASSTHROUGH_SOURCE"], key_type=bytes, value_type=bytes)
sink = app.topic(os.environ["PASSTHROUGH_SINK"], key_type=bytes, value_type=bytes)


@app.agent(source)
async def passthrough(stream: faust.StreamT) -> None:
    async for value in stream:
        await sink.send(value=value)


@app.on_rebalance_complete.connect
async def ready(sender: faust.App, **kwargs: object) -> None:
    path = os.environ.get("PASSTHROUGH_READY_FILE")
    if path:  # once, a few bytes: no need to leave the loop; renamed so never read half
        partial = Path(f"{path}.partial")
        partial.write_text(f"{time.time()}\n")  # noqa: ASYNC240
        partial.replace(path)  # noqa: ASYNC240


if __name__ == "__main__":
    app.main()
