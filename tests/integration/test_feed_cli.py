"""`wirestream feed --once` on the real broker: a feed served on 127.0.0.1 is published once,
a second run publishes nothing new, one new item in the feed is exactly one more record."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.kafka_io import read_topic
from pipeline.settings import WirestreamSettings
from pipeline.steps.validate import decode_article
from tests.support.feeds import FeedServer, Route, rss

WIRESTREAM = Path(sys.executable).with_name("wirestream")


@pytest.fixture
def server():
    srv = FeedServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def run_feed(settings: WirestreamSettings, data_dir: Path, *args: str
             ) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
           "WIRESTREAM_TOPIC_PREFIX": settings.topic_prefix,
           "WIRESTREAM_DATA_DIR": str(data_dir)}
    return subprocess.run([str(WIRESTREAM), "feed", *args, "--once", "--delay", "0"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def raw_records(settings: WirestreamSettings) -> list[tuple[bytes | None, bytes]]:
    return read_topic(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW], timeout=30)


def test_each_feed_item_is_published_once(pipeline_settings, server, tmp_path):
    items = [(f"g{i}", f"https://wire.example.invalid/{i}", f"Story {i}") for i in range(3)]
    server.routes["/feed.xml"] = Route(rss(*items, title="Test Wire"), etag='"v1"')
    url = server.url("/feed.xml")
    data_dir = tmp_path / "data"

    first = run_feed(pipeline_settings, data_dir, url, server.url("/dead.xml"))
    assert first.returncode == 0, first.stderr
    assert f"{url}: 3 new, 0 seen, 200" in first.stdout
    assert "/dead.xml: 0 new, 0 seen, error: HTTP 404 Not Found" in first.stdout
    records = raw_records(pipeline_settings)
    assert len(records) == 3
    articles = [decode_article(value, max_bytes=pipeline_settings.input_limit)
                for _, value in records]
    assert {key.decode() for key, _ in records} == {a.id for a in articles}
    assert {a.title for a in articles} == {"Story 0", "Story 1", "Story 2"}
    assert {a.source for a in articles} == {"Test Wire"}
    assert (data_dir / "feeds" / "seen.json").is_file()

    second = run_feed(pipeline_settings, data_dir, url)
    assert second.returncode == 0, second.stderr
    assert f"{url}: 0 new, 0 seen, 304 not modified" in second.stdout
    assert len(raw_records(pipeline_settings)) == 3

    server.routes["/feed.xml"] = Route(
        rss(("g9", "https://wire.example.invalid/9", "Story 9"), *items, title="Test Wire"),
        etag='"v2"')
    third = run_feed(pipeline_settings, data_dir, url)
    assert f"{url}: 1 new, 3 seen, 200" in third.stdout, third.stdout + third.stderr
    records = raw_records(pipeline_settings)
    assert len(records) == 4
    titles = [decode_article(v, max_bytes=100_000).title for _, v in records]
    assert sorted(titles) == ["Story 0", "Story 1", "Story 2", "Story 9"]

    failed = run_feed(pipeline_settings, data_dir, server.url("/dead.xml"))
    assert failed.returncode == 1
