"""`wirestream web` without Kafka: the projection, the TopoJSON → SVG conversion, the bounded
latest-per-event store, the snapshot JSON and SSE messages, and the HTTP handler itself
(served on 127.0.0.1 from a store filled by hand)."""

from __future__ import annotations

import http.client
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from pipeline.web import geo, server
from pipeline.web.state import Hub, LatestStore, event_view, snapshot, sse_message, update_message
from schemas.records import Actor, ArticleRef, EnrichedEvent, Evidence, Location
from tests.unit.test_layout import FORBIDDEN, imported_modules

T0 = datetime(2025, 2, 4, 10, 0, tzinfo=UTC)


def make_event(event_id: str, *, last_seen_min: int = 0, mentions: int = 1,
               location: Location | None = None, code: str = "042") -> EnrichedEvent:
    return EnrichedEvent(
        event_id=event_id,
        source=Actor(text="Israel", code="ISR", country="ISR"),
        target=Actor(text="Qatar", code="QAT", country="QAT"),
        code=code, root=code[:2], label="Make a visit", root_label="Consult", quad_class=1,
        goldstein=1.9, plover="CONSULT", status="actual", location=location,
        date_start=T0.date(), revision=mentions, num_mentions=mentions, num_articles=mentions,
        num_sources=1, first_seen=T0, last_seen=T0 + timedelta(minutes=last_seen_min),
        articles=[ArticleRef(id="a1", source="wire", title="Talks in Doha")],
        evidence=Evidence(sentence="Israel will send a delegation to Doha.", start=0, end=38),
        confidence=0.9)


DOHA = Location(name="Doha", country="QAT", lat=25.2854, lon=51.531)


@pytest.mark.parametrize(("lon", "lat", "xy"), [
    (0.0, 0.0, (500.0, 250.0)),
    (-180.0, 90.0, (0.0, 0.0)),
    (180.0, -90.0, (1000.0, 500.0)),
    (90.0, 45.0, (750.0, 125.0)),
    (2.3522, 48.8566, (506.53, 114.29)),  # Paris
    (-74.006, 40.7128, (294.43, 136.91)),  # New York
    (10.0, 95.0, (527.78, 0.0)),  # latitude clamped to the map
])
def test_projection_of_known_coordinates(lon: float, lat: float, xy: tuple[float, float]):
    assert geo.project(lon, lat) == pytest.approx(xy, abs=0.01)


def test_event_view_has_map_coordinates_only_when_located():
    located = event_view(make_event("e1", location=DOHA))
    assert (located["x"], located["y"]) == pytest.approx(geo.project(DOHA.lon, DOHA.lat),
                                                         abs=0.01)
    assert located["location"] == {"name": "Doha", "country": "QAT", "lat": DOHA.lat,
                                   "lon": DOHA.lon}
    assert located["source"]["code"] == "ISR" and located["code"] == "042"
    named_only = event_view(make_event("e2", location=Location(name="Gaza")))
    assert named_only["x"] is None and named_only["location"]["name"] == "Gaza"
    assert event_view(make_event("e3"))["location"] is None


def test_an_update_replaces_the_older_record_of_its_event_id():
    store = LatestStore(10)
    store.put(event_view(make_event("a", last_seen_min=0)))
    store.put(event_view(make_event("b", last_seen_min=5)))
    assert [v["id"] for v in store.newest_first()] == ["b", "a"]
    store.put(event_view(make_event("a", last_seen_min=9, mentions=3)))
    views = store.newest_first()
    assert [(v["id"], v["num_mentions"]) for v in views] == [("a", 3), ("b", 1)]
    assert len(store) == 2


def test_the_bound_keeps_the_newest_events():
    store = LatestStore(3)
    evicted = [store.put(event_view(make_event(f"e{i}", last_seen_min=i))) for i in range(5)]
    assert evicted == [[], [], [], ["e0"], ["e1"]]
    assert [v["id"] for v in store.newest_first()] == ["e4", "e3", "e2"]
    # Older than everything a full store holds: not kept.
    assert store.put(event_view(make_event("old", last_seen_min=-60))) == ["old"]
    # An update of a kept id does not evict anything.
    assert store.put(event_view(make_event("e2", last_seen_min=10))) == []
    assert [v["id"] for v in store.newest_first()] == ["e2", "e4", "e3"]
    assert store.remove("e4") and not store.remove("e4")
    assert [v["id"] for v in store.newest_first()] == ["e2", "e3"]


def test_many_updates_stay_bounded_and_ordered():
    store = LatestStore(50)
    for i in range(2000):
        store.put(event_view(make_event(f"e{i % 300}", last_seen_min=i)))
    ids = [v["id"] for v in store.newest_first()]
    assert len(ids) == 50 == len(set(ids))
    assert ids == [f"e{i % 300}" for i in range(1999, 1949, -1)]


def test_snapshot_json_is_the_latest_record_per_id_newest_first():
    store = LatestStore(2)
    store.put(event_view(make_event("a", location=DOHA)))
    store.put(event_view(make_event("b", last_seen_min=1)))
    store.put(event_view(make_event("a", last_seen_min=2, mentions=2, location=DOHA)))
    body = json.loads(orjson.dumps(snapshot(store, reader="live")))
    assert body["count"] == 2 and body["max_events"] == 2 and body["reader"] == "live"
    assert body["version"] == 3
    first = body["events"][0]
    assert (first["id"], first["num_mentions"]) == ("a", 2)
    assert first["last_seen"] == (T0 + timedelta(minutes=2)).isoformat()
    assert {"source", "target", "code", "root", "label", "quad_class", "goldstein", "status",
            "location", "x", "y", "num_mentions", "first_seen", "last_seen",
            "date_start"} <= set(first)


def test_sse_messages():
    assert sse_message({"a": 1}) == b'data: {"a":1}\n\n'
    message = update_message({"id": "x"}, ["y"])
    assert message.startswith(b"event: update\ndata: ") and message.endswith(b"\n\n")
    assert json.loads(message.split(b"data: ", 1)[1]) == {"event": {"id": "x"},
                                                           "evicted": ["y"]}


def test_hub_drops_a_subscriber_that_cannot_keep_up():
    hub = Hub(queue_size=2)
    fast, slow = hub.subscribe(), hub.subscribe()
    hub.publish(b"1")
    assert fast.get_nowait() == b"1"
    hub.publish(b"2")
    hub.publish(b"3")  # slow's queue is full now: it is dropped and told so
    assert len(hub) == 1
    assert [slow.get_nowait() for _ in range(slow.qsize())][-1] is None
    hub.close()
    assert [fast.get_nowait() for _ in range(fast.qsize())][-1] is None and len(hub) == 0


# A tiny quantised TopoJSON: a square (arc 0, delta-encoded) and a ring over the
# antimeridian (arc 1, not quantised by the transform: coordinates 0..3600 → -180..180).
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.1, 0.1], "translate": [-180, -90]},
    "arcs": [
        [[1800, 900], [100, 0], [0, 100], [-100, 0], [0, -100]],  # (0,0) (10,0) (10,10) (0,10)
        [[3590, 900], [20, 0], [0, 10], [-20, 0], [0, -10]],  # 179 → 181 in unwrapped lon
    ],
    "objects": {"countries": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "id": "001", "properties": {"name": "Square"}},
        {"type": "MultiPolygon", "arcs": [[[~1]]], "id": "002",
         "properties": {"name": "Dateline"}},
    ]}},
}


def test_topojson_arcs_are_decoded_and_drawn_as_paths():
    arcs = geo.decode_arcs(TOPOLOGY)
    flat = [c for point in arcs[0] for c in point]
    assert flat == pytest.approx([0, 0, 10, 0, 10, 10, 0, 10, 0, 0])
    square, dateline = geo.country_paths(TOPOLOGY)
    assert (square.id, square.name) == ("001", "Square")
    assert square.path == "M500.0,250.0L527.8,250.0L527.8,222.2L500.0,222.2L500.0,250.0Z"
    # Over the antimeridian: drawn once past the right edge and once past the left one.
    assert dateline.path.count("M") == 2
    assert "M1002.8" in dateline.path or "L1002.8" in dateline.path


def test_a_ring_round_the_pole_is_closed_along_the_pole():
    ring = [(-180.0, -70.0), (-90.0, -75.0), (0.0, -72.0), (90.0, -70.0), (179.0, -71.0),
            (-179.0, -70.5), (-180.0, -70.0)]
    copies = geo.ring_copies(ring)
    assert copies[0][-2:] == [(copies[0][-3][0], -90.0), (-180.0, -90.0)]


def test_ring_points_follow_reversed_arcs_without_repeating_shared_points():
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(1.0, 1.0), (1.0, 0.0)]]
    assert geo.ring_points([0, ~1], arcs) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]


def test_the_installed_world_atlas_gives_every_country():
    path = geo.find_world_atlas()
    if path is None:
        pytest.skip(f"world-atlas not installed: {geo.INSTALL_HINT}")
    countries = geo.country_paths(json.loads(path.read_text()))
    assert len(countries) >= 170
    assert {"France", "Qatar", "Israel", "Brazil", "Antarctica"} <= {c.name for c in countries}
    svg = geo.map_svg(countries)
    assert svg.count('class="country"') == len(countries) and '<g id="markers">' in svg


def test_the_page_without_geometry_says_how_to_install_it():
    page = server.render_page(None).decode()
    assert geo.INSTALL_HINT in page and 'class="country"' not in page
    assert '<svg id="map"' in page and "{{" not in page


def test_the_page_names_the_geometry_licence(tmp_path: Path):
    topo = tmp_path / "countries-110m.json"
    topo.write_text(json.dumps(TOPOLOGY))
    page = server.render_page(topo).decode()
    assert geo.LICENCE_NOTE in page and page.count('class="country"') == 2
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("module", ["geo.py", "state.py"])
def test_the_pure_modules_of_the_web_package_import_no_infrastructure(module: str):
    path = Path(server.__file__).with_name(module)
    assert not {m.split(".")[0] for m in imported_modules(path)} & FORBIDDEN


@pytest.mark.parametrize(("header", "bind", "allowed"), [
    ("127.0.0.1:8765", "127.0.0.1", True),
    ("localhost:8765", "127.0.0.1", True),
    ("[::1]:8765", "127.0.0.1", True),
    ("evil.example:8765", "127.0.0.1", False),
    ("10.1.2.3:8765", "127.0.0.1", False),
    (None, "127.0.0.1", False),
    ("anything:80", "192.0.2.10", True),  # an explicit --host: served as asked
])
def test_host_header_check(header: str | None, bind: str, allowed: bool):
    assert server.host_allowed(header, bind) is allowed


@pytest.fixture
def served_store():
    store, hub = LatestStore(5), Hub()
    store.put(event_view(make_event("e1", location=DOHA)))
    app = server.WebApp(store, hub, None, server.render_page(None), "127.0.0.1")
    httpd = server.WebServer(("127.0.0.1", 0), app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, hub
    app.stopping.set()
    hub.close()
    httpd.shutdown()
    httpd.server_close()


def test_the_handler_serves_page_snapshot_and_stream(served_store):
    httpd, hub = served_store
    port = httpd.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/events.json")
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "application/json"
    assert [e["id"] for e in json.loads(response.read())["events"]] == ["e1"]
    for path, kind in [("/", "text/html"), ("/app.js", "text/javascript"),
                       ("/style.css", "text/css")]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type").startswith(kind)
        assert "default-src 'self'" in response.getheader("Content-Security-Policy")
        response.read()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/nope")
    assert conn.getresponse().status == 404
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/events.json", headers={"Host": "attacker.example"})
    assert conn.getresponse().status == 403

    stream = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    stream.request("GET", "/events/stream")
    response = stream.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    lines = [response.fp.readline() for _ in range(4)]
    assert lines[2] == b"event: snapshot\n" and lines[3].startswith(b"data: {")
    assert json.loads(lines[3][6:])["events"][0]["id"] == "e1"
    response.fp.readline()  # the blank line ending the snapshot
    hub.publish(update_message({"id": "e2"}, []))
    assert response.fp.readline() == b"event: update\n"
    assert json.loads(response.fp.readline()[6:])["event"] == {"id": "e2"}
    stream.close()
