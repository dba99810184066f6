"""`wirestream feed` without Kafka: parsing RSS/Atom, item -> input article (through the real
validator), the seen-set, conditional GETs, dead/slow/malformed feeds, full text. Feeds and
pages are served on 127.0.0.1 by `FeedServer` (no internet)."""

from __future__ import annotations

import json
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from pipeline.cli import feed as feed_cli
from pipeline.cli.main import app
from pipeline.feeds.fetch import USER_AGENT, FetchError, HostThrottle, fetch
from pipeline.feeds.fulltext import FullTextFetcher, FullTextUnavailable, load_trafilatura
from pipeline.feeds.parse import FeedParseError, article_id, parse_feed, to_article
from pipeline.feeds.poll import Schedule, poll_feed
from pipeline.feeds.seen import SeenStore
from pipeline.settings import WirestreamSettings
from pipeline.steps.validate import decode_article
from tests.support.feeds import FeedServer, Route, rss

FETCHED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Example Wire</title>
  <link>https://news.example.invalid/</link>
  <language>en-gb</language>
  <description>Test feed</description>
  <item>
    <title>Ceasefire talks resume in Doha</title>
    <link>https://news.example.invalid/a1</link>
    <guid isPermaLink="false">wire-a1</guid>
    <pubDate>Tue, 04 Feb 2025 11:30:00 +0200</pubDate>
    <description><![CDATA[<p>Negotiators <b>met</b> in Doha on Tuesday &amp; agreed to
      continue.</p><script>alert("x")</script><p>Talks resume Thursday.</p>]]></description>
  </item>
  <item>
    <title>Sanctions on &lt;Iran&gt; agreed</title>
    <link>https://news.example.invalid/a2</link>
    <description>EU ministers agreed new sanctions on Iran.</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:uuid:feed-1</id>
  <updated>2025-02-06T14:00:00Z</updated>
  <entry>
    <title type="html">Prisoner swap &lt;em&gt;brokered&lt;/em&gt; by UAE</title>
    <id>urn:uuid:entry-1</id>
    <link rel="alternate" href="https://atom.example.invalid/swap"/>
    <updated>2025-02-06T14:00:00-05:00</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Ukraine and Russia exchanged 150 prisoners.&lt;/p&gt;
      &lt;p&gt;The UAE mediated.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>No date at all</title>
    <id>urn:uuid:entry-2</id>
    <link href="https://atom.example.invalid/nodate"/>
    <summary>Text without a date.</summary>
  </entry>
</feed>
"""

ARTICLE_PAGE = """<!DOCTYPE html><html><head><title>Full story</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Ceasefire talks resume in Doha</h1>
<p>Israeli and Hamas negotiators met in Doha on Tuesday for a new round of indirect talks
on the second phase of the ceasefire agreement, officials from both sides said.</p>
<p>Qatari mediators said the delegations agreed to meet again on Thursday to discuss the
release of the remaining hostages and the withdrawal of troops from the Gaza Strip.</p>
<p>The United States envoy is expected to join the discussions later in the week, according
to a statement from the Qatari foreign ministry released on Tuesday evening.</p>
</article><footer>Copyright Example Wire</footer></body></html>
"""


@pytest.fixture
def server():
    srv = FeedServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


class Collector:
    def __init__(self) -> None:
        self.batches: list[list[dict]] = []

    def __call__(self, articles: list[dict]) -> None:
        self.batches.append(articles)

    @property
    def articles(self) -> list[dict]:
        return [a for batch in self.batches for a in batch]


def poll(source: str, store: SeenStore, publish=None, **kwargs):
    return poll_feed(source, store, publish or Collector(), throttle=HostThrottle(0),
                     **kwargs)


# --- parsing and mapping --------------------------------------------------------------------

def test_rss2_items_become_input_articles():
    feed = parse_feed(RSS.encode(), "https://news.example.invalid/rss")
    assert feed.source == "Example Wire"
    assert [(i.guid, i.link) for i in feed.items] == [
        ("wire-a1", "https://news.example.invalid/a1"),
        (None, "https://news.example.invalid/a2")]
    first = to_article(feed, feed.items[0], fetched_at=FETCHED_AT)
    assert first["title"] == "Ceasefire talks resume in Doha"
    assert first["body"] == ("Negotiators met in Doha on Tuesday & agreed to continue.\n"
                             "Talks resume Thursday.")
    assert first["url"] == "https://news.example.invalid/a1"
    assert first["source"] == "Example Wire"
    assert first["language"] == "en-gb"
    assert first["published_at"] == "2025-02-04T09:30:00+00:00"  # +0200 -> UTC
    assert first["id"] == article_id("https://news.example.invalid/rss", feed.items[0])
    second = to_article(feed, feed.items[1], fetched_at=FETCHED_AT)
    assert second["title"] == "Sanctions on <Iran> agreed"
    assert second["published_at"] == FETCHED_AT.isoformat()  # no date: fetch time


def test_atom_entries_use_content_and_updated_and_fall_back_to_the_host():
    feed = parse_feed(ATOM.encode(), "https://atom.example.invalid/feed.atom")
    assert feed.source == "atom.example.invalid"  # the feed has no title
    swap = to_article(feed, feed.items[0], fetched_at=FETCHED_AT)
    assert swap["title"] == "Prisoner swap brokered by UAE"
    assert swap["body"] == "Ukraine and Russia exchanged 150 prisoners.\nThe UAE mediated."
    assert swap["published_at"] == "2025-02-06T19:00:00+00:00"
    assert swap["url"] == "https://atom.example.invalid/swap"
    assert feed.items[0].keys == ["guid:urn:uuid:entry-1", "link:https://atom.example.invalid/swap"]
    undated = to_article(feed, feed.items[1], fetched_at=FETCHED_AT)
    assert undated["published_at"] == "2025-03-01T12:00:00+00:00"


def test_every_mapped_item_passes_the_pipeline_validator():
    for url, doc in [("https://news.example.invalid/rss", RSS), ("https://a.invalid/x", ATOM)]:
        feed = parse_feed(doc.encode(), url)
        for item in feed.items:
            article = to_article(feed, item, fetched_at=FETCHED_AT)
            decoded = decode_article(orjson.dumps(article), max_bytes=100_000)
            assert decoded.id == article["id"]
            assert decoded.body == article["body"]
            assert decoded.published_at.utcoffset().total_seconds() == 0


def test_ids_are_stable_per_feed_and_guid_and_fall_back_to_the_link():
    feed = parse_feed(RSS.encode(), "https://news.example.invalid/rss")
    again = parse_feed(RSS.encode(), "https://news.example.invalid/rss")
    other = parse_feed(RSS.encode(), "https://mirror.example.invalid/rss")
    ids = [article_id(feed.url, i) for i in feed.items]
    assert ids == [article_id(again.url, i) for i in again.items]
    assert set(ids).isdisjoint(article_id(other.url, i) for i in other.items)
    assert len(set(ids)) == 2 and all(i.startswith("feed-") and len(i) == 37 for i in ids)


def test_an_item_without_text_or_title_is_not_mapped():
    document = ('<rss version="2.0"><channel><title>F</title><item><guid>g1</guid>'
                "<link>https://x.invalid/1</link><description> <br/> </description></item>"
                "</channel></rss>")
    feed = parse_feed(document.encode(), "https://x.invalid/f")
    assert to_article(feed, feed.items[0], fetched_at=FETCHED_AT) is None


@pytest.mark.parametrize("document", [
    b"<rss version='2.0'><channel><title>cut off",  # truncated before any item
    b"<html><body><p>This is a web page, not a feed</p></body></html>",
    b"\x00\x01 not xml at all",
])
def test_a_malformed_feed_is_a_clear_parse_error(document):
    with pytest.raises(FeedParseError, match="malformed feed|not an RSS/Atom feed"):
        parse_feed(document, "https://x.invalid/f")


def test_a_valid_feed_without_items_is_not_an_error(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_text('<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    report = poll(str(empty), SeenStore(tmp_path / "seen.json"))
    assert (report.new, report.seen, report.error, report.status) == (0, 0, None, "200")


# --- the seen-set ---------------------------------------------------------------------------

def test_the_seen_set_persists_atomically_and_keeps_the_newest_keys(tmp_path):
    path = tmp_path / "state" / "seen.json"
    store = SeenStore(path, max_keys=3)
    store.add("f1", ["guid:1", "link:1"])
    store.add("f1", ["guid:2"])
    store.add("f1", ["guid:1"])  # seen again: now the newest
    store.add("f1", ["guid:3"])  # over the bound: the oldest (link:1) goes
    store.add("f2", ["guid:x"])
    store.set_validators("f1", '"v1"', "Tue, 04 Feb 2025 10:00:00 GMT")
    store.save()
    assert [p.name for p in path.parent.iterdir()] == ["seen.json"]  # no temp file left
    loaded = SeenStore.load(path, max_keys=3)
    assert list(loaded.memory("f1").keys) == ["guid:2", "guid:1", "guid:3"]
    assert loaded.is_seen("f1", ["link:nope", "guid:1"])
    assert not loaded.is_seen("f1", ["link:1"])
    assert not loaded.is_seen("f2", ["guid:1"])  # per feed
    assert loaded.memory("f1").etag == '"v1"'
    assert SeenStore.load(path, max_keys=2).memory("f1").keys.keys() == {"guid:1", "guid:3"}
    assert json.loads(path.read_text())["version"] == 1


def test_a_missing_state_file_is_an_empty_store_and_a_broken_one_an_error(tmp_path):
    assert SeenStore.load(tmp_path / "none.json").feeds == {}
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(ValueError, match="cannot read the feed state"):
        SeenStore.load(bad)


def test_a_changed_guid_with_a_seen_link_is_not_published_again(tmp_path):
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(rss(("g1", "https://x.invalid/1", "One"),
                             ("g2", "https://x.invalid/2", "Two")))
    store = SeenStore(tmp_path / "seen.json")
    sent = Collector()
    first = poll(str(feed_file), store, sent, now=lambda: FETCHED_AT)
    assert (first.new, first.seen, first.status) == (2, 0, "200")
    feed_file.write_text(rss(("g1-renamed", "https://x.invalid/1", "One"),  # same link
                             (None, "https://x.invalid/2", "Two"),  # guid dropped
                             ("g2", "https://x.invalid/2b", "Two, moved"),  # same guid
                             ("g3", "https://x.invalid/3", "Three")))
    second = poll(str(feed_file), SeenStore.load(tmp_path / "seen.json"), sent)
    assert (second.new, second.seen) == (1, 3)
    assert [a["title"] for a in sent.articles] == ["One", "Two", "Three"]
    assert "feed.xml: 1 new, 3 seen, 200" in second.line()


def test_duplicates_inside_one_document_are_published_once(tmp_path):
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(rss(("g1", "https://x.invalid/1", "One"),
                             ("g1", "https://x.invalid/1", "One again")))
    sent = Collector()
    report = poll(str(feed_file), SeenStore(tmp_path / "seen.json"), sent)
    assert (report.new, report.seen) == (1, 1)


def test_a_failed_publish_remembers_nothing_and_the_next_poll_retries(tmp_path):
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(rss(("g1", "https://x.invalid/1", "One")))
    store = SeenStore(tmp_path / "seen.json")

    def broken(articles):
        raise ConnectionError("no brokers")

    failed = poll(str(feed_file), store, broken)
    assert failed.error == "publish failed: ConnectionError: no brokers"
    sent = Collector()
    assert poll(str(feed_file), store, sent).new == 1
    assert len(sent.articles) == 1


# --- HTTP -----------------------------------------------------------------------------------

def test_conditional_get_with_etag_and_if_modified_since_gets_304(server, tmp_path):
    stamp = "Tue, 04 Feb 2025 10:00:00 GMT"
    server.routes["/etag.xml"] = Route(rss(("e1", "https://x.invalid/e1", "E")), etag='"abc"')
    server.routes["/lm.xml"] = Route(rss(("m1", "https://x.invalid/m1", "M")),
                                     last_modified=stamp)
    state = tmp_path / "seen.json"
    store = SeenStore(state)
    for path in ("/etag.xml", "/lm.xml"):
        assert poll(server.url(path), store).line().endswith("1 new, 0 seen, 200")
    store = SeenStore.load(state)  # the validators are persisted
    for path in ("/etag.xml", "/lm.xml"):
        report = poll(server.url(path), store)
        assert (report.new, report.seen, report.status) == (0, 0, "304 not modified")
    first, second = server.headers_of("/etag.xml")
    assert "If-None-Match" not in first and second["If-None-Match"] == '"abc"'
    assert server.headers_of("/lm.xml")[1]["If-Modified-Since"] == stamp
    assert {h["User-Agent"] for _, h in server.requests} == {USER_AGENT}
    server.routes["/etag.xml"] = Route(rss(("e1", "https://x.invalid/e1", "E"),
                                           ("e2", "https://x.invalid/e2", "F")), etag='"def"')
    changed = poll(server.url("/etag.xml"), store)
    assert (changed.new, changed.seen, changed.status) == (1, 1, "200")


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/gone.xml", 404, "HTTP 404 Not Found"),
    ("/broken.xml", 500, "HTTP 500 Internal Server Error"),
])
def test_http_errors_are_one_line(server, path, status, message):
    server.routes[path] = Route(status=status)
    with pytest.raises(FetchError, match=message):
        fetch(server.url(path), timeout=5)


def test_a_slow_feed_times_out_while_another_succeeds(server, tmp_path):
    server.routes["/slow.xml"] = Route(rss(("s1", "https://x.invalid/s1", "S")), delay=3.0)
    server.routes["/fast.xml"] = Route(rss(("f1", "https://x.invalid/f1", "F")))
    store = SeenStore(tmp_path / "seen.json")
    started = time.monotonic()
    slow = poll(server.url("/slow.xml"), store, timeout=0.5)
    fast = poll(server.url("/fast.xml"), store, timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert slow.error == "timed out after 0.5s"
    assert slow.line().endswith("0 new, 0 seen, error: timed out after 0.5s")
    assert (fast.new, fast.error) == (1, None)


def test_a_malformed_feed_reports_an_error_and_remembers_nothing(server, tmp_path):
    server.routes["/bad.xml"] = Route("<?xml version='1.0'?><rss><channel><title>cut")
    store = SeenStore(tmp_path / "seen.json")
    report = poll(server.url("/bad.xml"), store)
    assert report.error.startswith("malformed feed:")
    assert not (tmp_path / "seen.json").exists()


def test_the_cli_reports_each_feed_and_fails_only_when_all_do(server, tmp_path, monkeypatch):
    server.routes["/ok.xml"] = Route(rss(("k1", "https://x.invalid/k1", "K"),
                                         ("k2", "https://x.invalid/k2", "L")))
    server.routes["/bad.xml"] = Route("<html><p>not a feed")
    server.routes["/500.xml"] = Route(status=500)
    sent = Collector()
    monkeypatch.setattr(feed_cli, "kafka_publisher", lambda settings: sent)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9")  # never contacted
    state = str(tmp_path / "seen.json")
    dead = [refused_url(), server.url("/404.xml"), server.url("/500.xml"),
            server.url("/bad.xml"), str(tmp_path / "missing.xml")]
    runner = CliRunner()
    result = runner.invoke(app, ["feed", *dead, server.url("/ok.xml"), "--once",
                                 "--delay", "0", "--timeout", "2", "--state", state])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 6
    assert "cannot connect:" in lines[0] and "Connection refused" in lines[0]
    assert lines[1].endswith("error: HTTP 404 Not Found")
    assert lines[2].endswith("error: HTTP 500 Internal Server Error")
    assert "error: malformed feed" in lines[3] or "error: not an RSS/Atom" in lines[3]
    assert "error: no such file" in lines[4]
    assert lines[5] == f"{server.url('/ok.xml')}: 2 new, 0 seen, 200"
    assert len(sent.articles) == 2
    again = runner.invoke(app, ["feed", server.url("/ok.xml"), "--once", "--state", state])
    assert again.output == f"{server.url('/ok.xml')}: 0 new, 2 seen, 200\n"
    failed = runner.invoke(app, ["feed", *dead[:2], "--once", "--state", state])
    assert failed.exit_code == 1


# --- full text ------------------------------------------------------------------------------

def test_full_text_comes_from_the_linked_page(server, tmp_path):
    server.routes["/story.html"] = Route(ARTICLE_PAGE, content_type="text/html; charset=utf-8")
    server.routes["/feed.xml"] = Route(rss(("p1", server.url("/story.html"), "Talks"),
                                           ("p2", server.url("/missing.html"), "Gone")))
    throttle = HostThrottle(0)
    sent = Collector()
    report = poll_feed(server.url("/feed.xml"), SeenStore(tmp_path / "seen.json"), sent,
                       throttle=throttle, full_text=FullTextFetcher(throttle, timeout=5))
    assert (report.new, report.full_text_missed) == (2, 1)
    assert "1 without full text" in report.line()
    story, gone = sorted(sent.articles, key=lambda a: a["title"], reverse=True)
    assert "Qatari mediators said the delegations agreed" in story["body"]
    assert "Copyright" not in story["body"] and "Home" not in story["body"]
    assert gone["body"] == "Text of Gone."  # no page: the feed's summary
    decode_article(orjson.dumps(story), max_bytes=100_000)
    page_request = server.headers_of("/story.html")[0]
    assert page_request["User-Agent"] == USER_AGENT
    assert page_request["Accept"].startswith("text/html")


def test_full_text_never_reads_local_files(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text(ARTICLE_PAGE)
    assert FullTextFetcher(HostThrottle(0))(str(secret)) is None


def test_full_text_without_trafilatura_says_how_to_install_it(monkeypatch):
    load_trafilatura()
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import now raises ImportError
    with pytest.raises(FullTextUnavailable, match=r"pip install 'wirestream\[fulltext\]'"):
        FullTextFetcher(HostThrottle(0))
    result = CliRunner().invoke(app, ["feed", "x.xml", "--once", "--full-text"])
    assert result.exit_code == 2
    assert "pip install 'wirestream[fulltext]'" in result.output


# --- politeness and schedule ----------------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_to_one_host_are_spaced_by_the_delay():
    clock = FakeClock()
    throttle = HostThrottle(2.0, clock=clock, sleep=clock.sleep)
    throttle.wait("https://a.invalid/1")
    throttle.wait("https://b.invalid/1")  # another host: no wait
    clock.now += 0.5
    throttle.wait("https://A.invalid/2")
    throttle.wait("/some/local/file.xml")  # files: never
    assert clock.slept == [1.5]


def test_each_feed_is_due_an_interval_after_its_own_poll():
    clock = FakeClock()
    schedule = Schedule(["a", "b"], 60, clock=clock)
    assert schedule.due() == ["a", "b"]
    schedule.polled("a")
    clock.now += 10
    schedule.polled("b")
    assert schedule.due() == [] and schedule.wait() == 50
    clock.now += 50
    assert schedule.due() == ["a"]


def test_the_default_state_lives_in_the_data_dir(tmp_path):
    settings = WirestreamSettings(data_dir=str(tmp_path / "data"))
    assert feed_cli.default_state_path(settings) == Path(tmp_path / "data/feeds/seen.json")
