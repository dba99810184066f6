"""`wirestream web`: a small live page of the events on `events.enriched`.

A background thread reads the topic (read_committed, no consumer group, every partition),
keeps the latest record per event id in a bounded store and pushes each change to the
Server-Sent Events clients; `http.server` serves the page, `/events.json` and
`/events/stream`. What is shown is computed in `pipeline.web.state` (pure).
"""

from __future__ import annotations

import ipaddress
import logging
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import orjson
from kafka import KafkaConsumer, TopicPartition
from pydantic import ValidationError

from pipeline import topics as T
from pipeline.adapters.kafka_io import client_config
from pipeline.settings import WirestreamSettings
from pipeline.web import geo
from pipeline.web.state import (
    Hub,
    LatestStore,
    event_view,
    removal_message,
    snapshot,
    sse_message,
    update_message,
)
from schemas.records import EnrichedEvent

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
STATIC_TYPES = {"app.js": "text/javascript; charset=utf-8",
                "stream.js": "text/javascript; charset=utf-8",
                "style.css": "text/css; charset=utf-8"}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allowed(host_header: str | None, bind_host: str) -> bool:
    """Bound to loopback, only requests naming a loopback host are served (a page elsewhere
    cannot reach the events by DNS rebinding); bound elsewhere (an explicit `--host`), any."""
    if not is_loopback(bind_host):
        return True
    if not host_header:
        return False
    name = urlsplit(f"//{host_header}").hostname or ""
    return is_loopback(name)


class EventReader(threading.Thread):
    """Reads `events.enriched` into the store and the hub until `stop()`; reconnects after a
    failure, at the positions it had reached."""

    def __init__(self, settings: WirestreamSettings, store: LatestStore, hub: Hub, *,
                 from_beginning: bool = True) -> None:
        super().__init__(name="wirestream-web-reader", daemon=True)
        self.settings = settings
        self.store = store
        self.hub = hub
        self.from_beginning = from_beginning
        self.topic = T.TopicNames(settings.topic_prefix)[T.EVENTS_ENRICHED]
        self.status = "connecting"
        self.invalid = 0
        self._positions: dict[TopicPartition, int] = {}
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def _set_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            self.hub.publish(sse_message({"reader": status}, event="status"))

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self._consume()
            except Exception as exc:  # noqa: BLE001 - the page stays up; the reader retries
                log.warning("reading %s failed, retrying: %s", self.topic, exc)
                self._set_status(f"error: {exc}")
                self._halt.wait(2.0)

    def _consume(self) -> None:
        consumer = KafkaConsumer(
            **client_config(self.settings), group_id=None, enable_auto_commit=False,
            isolation_level="read_committed", client_id=f"wirestream-web-{uuid.uuid4().hex[:8]}")
        try:
            partitions = self._partitions(consumer)
            if not partitions:
                return  # stopped while waiting
            consumer.assign(partitions)
            fresh = [tp for tp in partitions if tp not in self._positions]
            for tp in partitions:
                if tp in self._positions:
                    consumer.seek(tp, self._positions[tp])
            if fresh:
                (consumer.seek_to_beginning if self.from_beginning else consumer.seek_to_end)(
                    *fresh)
            end = consumer.end_offsets(partitions)
            self._set_status("catching up")
            while not self._halt.is_set():
                for tp, batch in consumer.poll(timeout_ms=500).items():
                    for message in batch:
                        self.apply(message.key, message.value)
                    self._positions[tp] = batch[-1].offset + 1
                if self.status != "live" and all(
                        consumer.position(tp) >= end[tp] for tp in partitions):
                    self._set_status("live")
        finally:
            consumer.close()

    def _partitions(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        while not self._halt.is_set():
            found = consumer.partitions_for_topic(self.topic)
            if found:
                return [TopicPartition(self.topic, p) for p in sorted(found)]
            self._set_status(f"waiting for topic {self.topic}")
            self._halt.wait(1.0)
        return []

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        """One record of the topic: a tombstone forgets its key, an event replaces the older
        record of its id; an invalid record is counted and skipped."""
        if value is None:
            if key is not None and self.store.remove(key.decode(errors="replace")):
                self.hub.publish(removal_message(key.decode(errors="replace")))
            return
        try:
            event = EnrichedEvent.model_validate_json(value)
        except ValidationError as exc:
            self.invalid += 1
            log.warning("skipped an invalid record on %s (%d so far): %s", self.topic,
                        self.invalid, exc.errors()[0].get("msg") if exc.errors() else exc)
            return
        view = event_view(event)
        evicted = self.store.put(view)
        if len(self.hub):  # replaying with no page open: nothing to encode
            self.hub.publish(update_message(view, evicted))


def static_file(name: str) -> bytes:
    return resources.files("pipeline.web").joinpath("static", name).read_bytes()


def render_page(geometry: Path | None) -> bytes:
    """index.html with the map inlined (country outlines converted once, at start)."""
    page = static_file("index.html").decode()
    if geometry is None:
        note = ("Country outlines not installed: run <code>"
                f"{geo.INSTALL_HINT}</code> and restart.")
    else:
        note = geo.LICENCE_NOTE
    return page.replace("{{map}}", geo.load_map_svg(geometry)).replace(
        "{{geometry_note}}", note).encode()


class WebApp:
    """What the handlers share: the store, the hub, the reader, the rendered page."""

    def __init__(self, store: LatestStore, hub: Hub, reader: EventReader | None,
                 page: bytes, bind_host: str) -> None:
        self.store = store
        self.hub = hub
        self.reader = reader
        self.page = page
        self.bind_host = bind_host
        self.stopping = threading.Event()
        self.assets = {name: static_file(name) for name in STATIC_TYPES}

    def snapshot_json(self) -> bytes:
        status = self.reader.status if self.reader is not None else "off"
        return orjson.dumps(snapshot(self.store, reader=status))


class Handler(BaseHTTPRequestHandler):
    server_version = "wirestream-web"
    app: WebApp  # set on the subclass `make_handler` returns

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if not host_allowed(self.headers.get("Host"), self.app.bind_host):
            self.send_error(HTTPStatus.FORBIDDEN, "unexpected Host header")
            return
        path = urlsplit(self.path).path
        routes: dict[str, Callable[[], None]] = {
            "/": self._page, "/index.html": self._page, "/events.json": self._snapshot,
            "/events/stream": self._stream,
        }
        if path in routes:
            routes[path]()
        elif path.lstrip("/") in STATIC_TYPES:
            name = path.lstrip("/")
            self._send(self.app.assets[name], STATIC_TYPES[name])
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _page(self) -> None:
        self._send(self.app.page, "text/html; charset=utf-8")

    def _snapshot(self) -> None:
        self._send(self.app.snapshot_json(), "application/json")

    def _stream(self) -> None:
        """SSE: the snapshot first, then one `update` per change, comments to keep alive."""
        q = self.app.hub.subscribe()  # before the snapshot: no change falls in between
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            self.wfile.write(b"retry: 3000\n\nevent: snapshot\ndata: " +
                             self.app.snapshot_json() + b"\n\n")
            self.wfile.flush()
            while not self.app.stopping.is_set():
                try:
                    message = q.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    message = b": keepalive\n\n"
                if message is None:
                    break
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            log.debug("SSE client %s went away", self.address_string())
        finally:
            self.app.hub.unsubscribe(q)
            self.close_connection = True


class WebServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: WebApp) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        handler = type("BoundHandler", (Handler,), {"app": app})
        self.app = app
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"


def start(settings: WirestreamSettings, *, host: str = "127.0.0.1", port: int = 8765,
          from_beginning: bool = True, max_events: int = 500,
          geometry: Path | None = None) -> tuple[WebServer, EventReader]:
    """Bind the server and start the reader; the caller runs `serve_forever` and `stop`."""
    store, hub = LatestStore(max_events), Hub()
    reader = EventReader(settings, store, hub, from_beginning=from_beginning)
    server = WebServer((host, port), WebApp(store, hub, reader, render_page(geometry), host))
    reader.start()
    return server, reader


def stop(server: WebServer, reader: EventReader, *, timeout: float = 5.0) -> None:
    reader.stop()
    server.app.stopping.set()
    server.app.hub.close()
    server.server_close()
    deadline = time.monotonic() + timeout
    reader.join(max(0.0, deadline - time.monotonic()))
