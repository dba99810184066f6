"""`wirestream web`: a small live page of the events (world map, timeline, newest events).

`geo` and `state` are pure (no Kafka); `server` serves the page and reads the topic.
"""
