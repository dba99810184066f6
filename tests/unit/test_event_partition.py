"""An event's partition is the one Kafka's default partitioner gives its id: the hash written
out in `pipeline.steps.events.partition` agrees with kafka-python's and aiokafka's."""

from __future__ import annotations

import random

from aiokafka.partitioner import DefaultPartitioner
from kafka.partitioner.default import murmur2 as kafka_murmur2

from pipeline.steps.events.partition import murmur2, partition_of


def test_the_hash_is_kafkas_murmur2_for_every_length_and_byte():
    rng = random.Random(5)  # noqa: S311
    for _ in range(3000):
        data = rng.randbytes(rng.randrange(0, 70))
        assert murmur2(data) == kafka_murmur2(data), data


def test_a_key_goes_where_the_producer_of_the_worker_would_send_it():
    rng = random.Random(6)  # noqa: S311
    for partitions in (1, 3, 4, 12):
        every = list(range(partitions))
        for _ in range(300):
            key = f"e-{rng.getrandbits(80):020x}"
            assert partition_of(key, partitions) == DefaultPartitioner()(
                key.encode(), every, every)
