"""`wirestream web` end to end: the seeds through a real worker, the page served by the real
command on 127.0.0.1, its JSON snapshot and SSE stream read here, and the page itself rendered
by headless Chromium (screenshot + DOM after the scripts ran)."""

from __future__ import annotations

import html
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import latest_events, publish_files, wait_for_outcomes
from pipeline.adapters.kafka_io import publish
from pipeline.cli.launcher import free_port, settings_env
from pipeline.web import geo
from schemas.records import EnrichedEvent
from tests.support.tools import require_tool
from tests.support.workers import stop_group

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SCREENSHOT = ROOT / "docs" / "web.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WINDOW = (1280, 800)


def require_chromium() -> str:
    return require_tool("chromium", "chromium-browser", installer="scripts/ensure-chromium.sh")


def require_world_atlas() -> Path:
    path = geo.find_world_atlas()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"world-atlas is missing in CI: the install step should run "
                        f"`{geo.INSTALL_HINT}`")
        pytest.skip(f"world-atlas not installed: {geo.INSTALL_HINT}")
    return path


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our loopback server
        return json.loads(response.read())


@pytest.fixture(scope="module")
def seed_events(pipeline_settings, worker) -> list[EnrichedEvent]:
    raw = T.TopicNames(pipeline_settings.topic_prefix)[T.ARTICLES_RAW]
    sent = publish_files(pipeline_settings, [SEEDS / "articles.jsonl"], raw)
    outcomes = wait_for_outcomes(pipeline_settings, sent)
    event_ids = {e for o in outcomes.values() for e in o.event_ids}
    assert event_ids, "the seeds yield events"
    events = latest_events(pipeline_settings, event_ids=event_ids)
    assert any(e.location and e.location.lat is not None for e in events), \
        "some seed event has coordinates to put on the map"
    return events


@pytest.fixture(scope="module")
def web_url(pipeline_settings, seed_events, tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("web") / "web.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # our own module, fixed argv
            [sys.executable, "-m", "pipeline.cli", "web", "--port", str(port)],
            env=settings_env(pipeline_settings), cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"wirestream web exited with {proc.returncode}:\n"
                            f"{log_path.read_text()}")
            try:
                get_json(url + "events.json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"wirestream web did not answer:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        stop_group(proc, timeout=15)
        assert proc.returncode == 0, log_path.read_text()  # SIGTERM is a clean stop


def served_like(view: dict, event: EnrichedEvent) -> bool:
    return (view["revision"], view["num_mentions"], view["code"]) == \
        (event.revision, event.num_mentions, event.code)


def wait_for_seed_events(settings, url: str, seed_events: list[EnrichedEvent]
                         ) -> tuple[dict, list[EnrichedEvent]]:
    """Poll /events.json until it holds the latest record of every seed event."""
    ids = {e.event_id for e in seed_events}
    deadline = time.monotonic() + 60
    while True:
        body = get_json(url + "events.json")
        latest = latest_events(settings, event_ids=ids, timeout=30)
        views = {v["id"]: v for v in body["events"]}
        if all(e.event_id in views and served_like(views[e.event_id], e) for e in latest):
            return body, latest
        if time.monotonic() > deadline:
            pytest.fail(f"/events.json lacks seed events: {sorted(ids - set(views))}")
        time.sleep(0.5)


def test_the_snapshot_holds_the_latest_record_of_every_seed_event(
        pipeline_settings, seed_events, web_url):
    body, latest = wait_for_seed_events(pipeline_settings, web_url, seed_events)
    assert body["count"] == len(body["events"]) <= body["max_events"] == 500
    assert body["reader"] == "live"
    views = {v["id"]: v for v in body["events"]}
    assert len(views) == len(body["events"]), "one record per event id"
    for event in latest:
        view = views[event.event_id]
        assert view["source"] == (event.source and {
            "text": event.source.text, "code": event.source.code,
            "country": event.source.country, "country_name": event.source.country_name})
        assert (view["target"] or {}).get("code") == (event.target and event.target.code)
        assert (view["root"], view["quad_class"], view["goldstein"], view["status"]) == \
            (event.root, event.quad_class, event.goldstein, event.status)
        assert view["first_seen"] == event.first_seen.isoformat()
        assert view["last_seen"] == event.last_seen.isoformat()
        if event.location and event.location.lat is not None:
            assert (view["x"], view["y"]) == pytest.approx(
                geo.project(event.location.lon, event.location.lat), abs=0.01)
            assert view["location"]["name"] == event.location.name
        else:
            assert view["x"] is None
    seen = [(v["last_seen"], v["first_seen"]) for v in body["events"]]
    assert seen == sorted(seen, reverse=True), "newest first"


def read_sse(response: http.client.HTTPResponse, kind: str, timeout: float) -> dict:
    """The data of the next SSE message of type `kind` (comments and others skipped)."""
    deadline = time.monotonic() + timeout
    event_type = "message"
    while time.monotonic() < deadline:
        line = response.fp.readline().decode()
        if not line:
            raise AssertionError("the stream ended")
        if line.startswith("event:"):
            event_type = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            if event_type == kind:
                return json.loads(line.split(":", 1)[1])
        elif line == "\n":
            event_type = "message"
    raise AssertionError(f"no {kind} message within {timeout}s")


def test_the_stream_sends_the_snapshot_then_live_updates(
        pipeline_settings, seed_events, web_url):
    wait_for_seed_events(pipeline_settings, web_url, seed_events)
    port = int(web_url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/events/stream")
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        first = read_sse(response, "snapshot", timeout=10)
        assert {e.event_id for e in seed_events} <= {v["id"] for v in first["events"]}

        # A syndicated copy of a seed article: its events gain a mention and are re-emitted.
        article = json.loads((SEEDS / "articles.jsonl").read_text().splitlines()[0])
        copy = {**article, "id": "web-copy", "source": "another-outlet"}
        raw = T.TopicNames(pipeline_settings.topic_prefix)[T.ARTICLES_RAW]
        [outcome] = wait_for_outcomes(pipeline_settings, publish(
            pipeline_settings, raw, [(b"web-copy", json.dumps(copy).encode())])).values()
        before = {v["id"]: v["num_mentions"] for v in first["events"]}
        changed = set(outcome.event_ids or [])
        if outcome.duplicate_of:  # its events are the original's
            changed |= {e.event_id for e in seed_events
                        if any(a.id == outcome.duplicate_of for a in e.articles)}
        assert changed, outcome
        deadline = time.monotonic() + 60
        while True:
            update = read_sse(response, "update", timeout=max(1.0, deadline - time.monotonic()))
            view = update["event"]
            if view and view["id"] in changed and view["num_mentions"] > before.get(view["id"], 0):
                break
    finally:
        conn.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "a PNG file"
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def chromium(binary: str, url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={WINDOW[0]},{WINDOW[1]}", "--virtual-time-budget=5000",
         f"--user-data-dir={profile}", "--no-first-run", *args, url],
        capture_output=True, timeout=120, check=False)


def test_headless_chromium_renders_map_markers_timeline_and_table(
        pipeline_settings, seed_events, web_url, tmp_path):
    binary = require_chromium()
    require_world_atlas()
    body, latest = wait_for_seed_events(pipeline_settings, web_url, seed_events)

    shot = tmp_path / "page.png"
    result = chromium(binary, web_url, tmp_path / "profile-shot", f"--screenshot={shot}")
    assert shot.exists(), result.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == WINDOW and len(data) > 20_000
    if os.environ.get("WIRESTREAM_WRITE_SCREENSHOT") or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    result = chromium(binary, web_url, tmp_path / "profile-dom", "--dump-dom")
    dom = result.stdout.decode()
    assert result.returncode == 0 and "</html>" in dom, result.stderr.decode()[-2000:]
    assert dom.count('class="country"') >= 150, "the country outlines are drawn"
    assert geo.LICENCE_NOTE in html.unescape(dom)
    assert 'data-stream="open"' in dom, "the page's event stream connected"
    located = [v for v in body["events"] if v["x"] is not None]
    assert dom.count("<circle ") == len(located), "one marker per located event"
    for view in located:
        assert f'data-event-id="{view["id"]}"' in dom
    text = html.unescape(dom)
    for event in latest:
        assert f"{event.code} {event.label}" in text
        for actor in (event.source, event.target):
            if actor is not None:
                assert actor.code in text and actor.text in text
    assert dom.count('class="bar"') >= 1 and f'data-event-id="{latest[0].event_id}"' in dom
