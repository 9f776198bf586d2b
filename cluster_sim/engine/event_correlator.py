"""client-go's EventCorrelator (tools/record/events_cache.go), on the simulated clock.

Three steps for every event a component emits:
1. aggregate: once a source has emitted 10 events about one object with the same
   type and reason but different messages within 10 minutes, further ones are
   folded into one event whose message starts "(combined from similar events): ";
2. observe: an event seen before (same key) bumps the stored event's count instead
   of creating a new one; this bookkeeping happens even when step 3 drops the write;
3. spam filter: each source may write 25 events about one object in a burst, then
   one every 5 minutes (a token bucket), so a pod that is always failing does not
   flood the API server.
The caches are LRUs of 4,096 entries, as upstream's.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from .timefmt import SECOND

LRU_ENTRIES = 4096
AGGREGATE_MAX_EVENTS = 10
AGGREGATE_INTERVAL_MS = 600 * SECOND
SPAM_BURST = 25
SPAM_REFILL_MS_PER_TOKEN = 300 * SECOND
COMBINED_PREFIX = "(combined from similar events): "


class _LRU(OrderedDict):
    def get_recent(self, key):
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > LRU_ENTRIES:
            self.popitem(last=False)


@dataclass
class _Aggregate:
    messages: set = field(default_factory=set)
    last_ms: int = 0


@dataclass
class Observed:
    """What the correlator remembers of one stored event."""

    name: str | None  # None until the event has been written
    count: int
    first_ms: int


@dataclass
class _Bucket:
    tokens: float
    updated_ms: int


@dataclass
class Decision:
    write: bool
    message: str
    cache_key: tuple
    observed: Observed


class EventCorrelator:
    def __init__(self) -> None:
        self._aggregates = _LRU()
        self._observed = _LRU()
        self._buckets = _LRU()

    def correlate(
        self, event_key: tuple, aggregate_key: tuple, spam_key: tuple, message: str, now: int
    ):
        message, cache_key = self._aggregate(event_key, aggregate_key, message, now)
        observed = self._observe(cache_key, now)
        return Decision(self._allow(spam_key, now), message, cache_key, observed)

    def observe(self, event_key: tuple, message: str, now: int):
        """Step 2 alone, for a recorder without aggregation or spam filtering: repeats
        are still counted on the stored event."""
        return Decision(True, message, event_key, self._observe(event_key, now))

    def forget(self, cache_key: tuple) -> None:
        self._observed.pop(cache_key, None)

    def forget_source(self, component: str, host: str) -> None:
        """The component restarted: a new process starts with empty caches, so what it
        emits next is new events, not repeats counted on the old ones."""
        for cache in (self._aggregates, self._observed, self._buckets):
            for key in [k for k in cache if k[:2] == (component, host)]:
                del cache[key]

    def _aggregate(self, event_key, aggregate_key, message, now):
        record = self._aggregates.get_recent(aggregate_key)
        if record is None or now - record.last_ms > AGGREGATE_INTERVAL_MS:
            record = _Aggregate()
        record.messages.add(message)
        record.last_ms = now
        self._aggregates.put(aggregate_key, record)
        if len(record.messages) < AGGREGATE_MAX_EVENTS:
            return message, event_key
        # Upstream pops an arbitrary member to cap the set; the smallest keeps us deterministic.
        record.messages.discard(min(record.messages))
        return COMBINED_PREFIX + message, aggregate_key

    def _observe(self, cache_key, now) -> Observed:
        observed = self._observed.get_recent(cache_key)
        if observed is None:
            observed = Observed(name=None, count=1, first_ms=now)
        else:
            observed.count += 1
        self._observed.put(cache_key, observed)
        return observed

    def _allow(self, spam_key, now) -> bool:
        bucket = self._buckets.get_recent(spam_key)
        if bucket is None:
            bucket = _Bucket(tokens=SPAM_BURST, updated_ms=now)
        bucket.tokens = min(
            SPAM_BURST, bucket.tokens + (now - bucket.updated_ms) / SPAM_REFILL_MS_PER_TOKEN
        )
        bucket.updated_ms = now
        self._buckets.put(spam_key, bucket)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False
