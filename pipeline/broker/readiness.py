"""Is the broker usable yet? An open port first, then a consumer group that can join."""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from collections.abc import Callable

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from pipeline.broker.errors import BrokerError


def _port_open(bootstrap_servers: str) -> bool:
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        with contextlib.suppress(OSError, ValueError):
            socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), 0.5).close()
            return True
    return False


def _group_joins(bootstrap_servers: str, budget_s: float, alive: Callable[[], bool]) -> bool:
    """One probe: can a fresh consumer group join within ``budget_s``?

    The group subscribes to ``__consumer_offsets`` because that topic always exists once
    the group coordinator does, so an assignment proves JoinGroup + SyncGroup worked
    without creating any topic of our own.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="wirestream-readiness",
        group_id=f"wirestream-readiness-{uuid.uuid4().hex[:12]}",
        enable_auto_commit=False,
        auto_offset_reset="latest",
        bootstrap_timeout_ms=int(min(max(budget_s, 0.5), 3.0) * 1000),
        request_timeout_ms=5000,
    )
    try:
        consumer.subscribe(["__consumer_offsets"])
        deadline = time.monotonic() + budget_s
        while time.monotonic() < deadline and alive():
            consumer.poll(timeout_ms=250, max_records=1)
            if consumer.assignment():
                return True
        return False
    finally:
        consumer.close(autocommit=False, timeout_ms=2000)


def wait_ready(
    bootstrap_servers: str, timeout: float, alive: Callable[[], bool], deadline: float
) -> None:
    """:func:`wait_until_ready` up to ``deadline``; BrokerError as soon as ``alive()`` is False."""

    def check_alive() -> None:
        if not alive():
            raise BrokerError("the broker process exited")

    # Wait for the TCP port first: cheap, and spares the log kafka-python's connect errors.
    while not _port_open(bootstrap_servers):
        check_alive()
        if time.monotonic() >= deadline:
            raise BrokerError(f"Kafka at {bootstrap_servers} not reachable within {timeout:.0f}s")
        time.sleep(0.2)
    last_error: Exception | None = None
    while True:
        check_alive()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrokerError(
                f"Kafka at {bootstrap_servers} did not accept a consumer group within "
                f"{timeout:.0f}s (last error: {last_error!r})"
            )
        try:
            if _group_joins(bootstrap_servers, min(remaining, 5.0), alive):
                return
        except KafkaError as exc:  # coordinator not there yet, or broker still booting
            last_error = exc
            time.sleep(0.5)


def wait_until_ready(bootstrap_servers: str, timeout: float) -> None:
    """Block until a consumer group can join at ``bootstrap_servers``.

    An open port is not enough: for the first seconds the group coordinator answers
    GroupCoordinatorNotAvailable. Raises BrokerError after ``timeout`` seconds.
    """
    wait_ready(bootstrap_servers, timeout, lambda: True, time.monotonic() + timeout)
