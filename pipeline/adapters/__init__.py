"""The Kafka-, Faust- and Prometheus-facing parts: clients, transactions, metrics, security.
Only modules here (and `pipeline.topology`, `pipeline.worker`, `pipeline.broker`) import them."""
