"""A starting worker waits for its cluster: after a reboot Kafka may come up after us."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from pipeline.adapters.kafka_io import client_config
from pipeline.settings import WirestreamSettings

log = logging.getLogger(__name__)

FIRST_DELAY = 0.5
MAX_DELAY = 5.0  # a broker that comes back is found within seconds, at little cost
ATTEMPT_TIMEOUT_MS = 3_000


class BrokerUnreachableError(RuntimeError):
    """The cluster did not answer within `broker_wait_seconds`."""


def wait_for_broker(settings: WirestreamSettings) -> int:
    """Block until the cluster answers a metadata request; returns the attempts it took.

    One log line per failed attempt, with capped exponential backoff between attempts;
    `settings.broker_wait_seconds` > 0 bounds the wait (0 waits until stopped).
    """
    deadline = time.monotonic() + settings.broker_wait_seconds
    delay, attempt = FIRST_DELAY, 1
    while True:
        try:
            _probe(settings)
        except (KafkaError, OSError) as exc:
            if settings.broker_wait_seconds and time.monotonic() + delay > deadline:
                raise BrokerUnreachableError(
                    f"Kafka at {settings.bootstrap_servers} unreachable for "
                    f"{settings.broker_wait_seconds:.0f}s ({attempt} attempts): {exc}") from exc
            log.warning("waiting for Kafka at %s: attempt %d failed (%s); next in %.1fs",
                        settings.bootstrap_servers, attempt, exc, delay)
            time.sleep(delay)
            delay, attempt = min(delay * 2, MAX_DELAY), attempt + 1
            continue
        if attempt > 1:
            log.warning("Kafka at %s reachable after %d attempts", settings.bootstrap_servers,
                        attempt)
        return attempt


def _probe(settings: WirestreamSettings) -> None:
    with _quiet("kafka"):  # its per-connection errors would repeat our one line many times
        admin = KafkaAdminClient(**client_config(settings), client_id="wirestream-startup",
                                 bootstrap_timeout_ms=ATTEMPT_TIMEOUT_MS)
        try:
            admin.list_topics()
        finally:
            admin.close()


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
