from pipeline.steps.state.expiry import ExpiryIndex, bounded_time
from pipeline.steps.state.throttle import UpdateThrottle

HOUR = 3600.0


def test_keys_expire_by_event_time_per_partition():
    index = ExpiryIndex(window_seconds=24 * HOUR)
    index.touch("old-p0", 0, 0.0)
    index.touch("old-p1", 1, 0.0)
    index.touch("fresh", 0, 20 * HOUR)
    assert index.expired(0) == []  # nothing is older than the window yet
    index.touch("later", 1, 30 * HOUR)  # the event-time clock advances
    assert index.expired(0) == ["old-p0"]
    assert index.expired(1) == ["old-p1"]
    assert len(index) == 2


def test_touch_moves_a_key_forward_in_time():
    index = ExpiryIndex(window_seconds=24 * HOUR)
    index.touch("k", 0, 0.0)
    index.touch("k", 0, 20 * HOUR)
    index.touch("clock", 0, 30 * HOUR)
    assert index.expired(0) == []
    index.touch("clock", 0, 50 * HOUR)
    assert index.expired(0) == ["k"]


def test_a_partition_holds_at_most_its_bound_the_oldest_keys_going_first():
    index = ExpiryIndex(window_seconds=1000 * HOUR, max_per_partition=5)
    for i in range(12):
        index.touch(f"p0-{i}", 0, i * HOUR)
        index.touch(f"p1-{i}", 1, i * HOUR)
    assert sorted(index.expired(0)) == sorted(f"p0-{i}" for i in range(7))
    assert len(index) == 17  # partition 1 is swept when it is processed
    assert sorted(index.expired(1)) == sorted(f"p1-{i}" for i in range(7))
    index.touch("p0-0", 0, 20 * HOUR)  # a key seen again is new again
    assert index.expired(0) == ["p0-7"] and len(index) == 10


def test_state_stays_flat_over_an_endless_stream():
    index = ExpiryIndex(window_seconds=2 * HOUR)
    sizes = []
    for i in range(5000):
        index.touch(f"k{i}", i % 4, i * 60.0)  # one key a minute
        for p in range(4):
            index.expired(p)
        sizes.append(len(index))
    assert max(sizes[1000:]) <= 4 * 60  # window + one bucket of slack


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_version_goes_out_and_updates_are_coalesced():
    clock = FakeClock()
    throttle: UpdateThrottle[str] = UpdateThrottle(5.0, clock)
    assert throttle.offer("e", "v1", first=True) == "v1"
    clock.now = 1
    assert throttle.offer("e", "v2", first=False) is None
    assert throttle.offer("e", "v3", first=False) is None
    assert throttle.due() == []
    clock.now = 6
    assert throttle.due() == ["v3"]  # newest wins
    assert throttle.pending == 0
    clock.now = 20
    assert throttle.offer("e", "v4", first=False) == "v4"  # quiet long enough


def test_quiet_keys_are_forgotten():
    clock = FakeClock()
    throttle: UpdateThrottle[int] = UpdateThrottle(1.0, clock)
    for i in range(100):
        throttle.offer(f"k{i}", i, first=True)
    clock.now = 5
    throttle.due()
    assert not throttle._last_emit


def test_a_timestamp_far_ahead_cannot_run_the_clock_ahead():
    ingest = 1_700_000_000.0
    assert bounded_time(ingest - 50, ingest, 3600) == ingest - 50
    assert bounded_time(ingest + 10 * 365 * 86400, ingest, 3600) == ingest + 3600
