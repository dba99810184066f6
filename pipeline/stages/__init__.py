"""Stage objects: the per-record logic of each agent, without Kafka.

Each stage takes a decoded input record and returns what the agent must do: the output
records to send (topic, key, record) and what happened, for metrics. State lives in the
mappings passed in (Faust tables in the worker, dicts in tests)."""
