"""RSS/Atom feeds in: parse items into input articles, remember what was published, poll
feeds politely over HTTP (or read them from disk). Pure: no Kafka here; the `wirestream feed`
command (`pipeline/cli/feed.py`) publishes what `poll_feed` hands it."""
