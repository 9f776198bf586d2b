"""client-go's tools/events broadcaster (the events.k8s.io/v1 API), on the simulated clock.

kube-scheduler records its events through this newer recorder, not the core/v1 one with its
correlator (event_correlator.py). Its rules (tools/events/event_broadcaster.go):
- an event is "isomorphic" to an earlier one with the same type, action, reason, reporting
  controller and instance, regarding and related object references; the note (message) is
  not part of the key, but the regarding reference carries the object's resourceVersion;
- the first repeat turns the stored event into a series (count 2, lastObservedTime) with one
  PATCH; later repeats only count in the recorder's memory (recordToSink);
- every 6 minutes finishSeries writes the final count of a series not seen for 6 minutes and
  forgets it, and forgets a singleton older than 6 minutes; every 30 minutes
  refreshExistingEventSeries writes every series it still holds (keeping it from expiring).
There is no spam filter and no message aggregation. The timers run from the component's
start, which here is the cluster's boot (time 0), and only while the cache holds something.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .timefmt import MINUTE, rfc3339_micro

FINISH_TIME_MS = 6 * MINUTE  # finishTime
REFRESH_TIME_MS = 30 * MINUTE  # refreshTime


@dataclass(slots=True)
class _Entry:
    event: dict  # the event as last written (the API server's object)
    event_ms: int
    count: int = 1
    last_observed_ms: int | None = None  # set once it is a series

    def series(self) -> dict:
        return {"count": self.count, "lastObservedTime": rfc3339_micro(self.last_observed_ms)}


class EventSeries:
    def __init__(self, timeline, create: Callable, patch_series: Callable):
        """create(event) writes a new event; patch_series(event, series) writes a series
        (a PATCH, or a create when the event is gone). Both return the API server's object,
        or None when it refused."""
        self._timeline = timeline
        self._create = create
        self._patch_series = patch_series
        self._cache: dict[tuple, _Entry] = {}
        self._finish_due: int | None = None
        self._refresh_due: int | None = None

    def record(self, key: tuple, build: Callable[[], dict]) -> dict | None:
        """recordToSink for one emitted event; build() makes the new event when the key is
        not cached. Returns the object written, or None when nothing was written."""
        now = self._timeline.now_ms
        entry = self._cache.get(key)
        if entry is None:
            event = build()
            entry = _Entry(event, now)
            self._cache[key] = entry
            self._arm_finish()
            written = self._create(event)
            if written is not None:
                entry.event = written
            return written
        entry.count += 1
        entry.last_observed_ms = now
        if entry.count > 2:
            return None
        self._arm_refresh()
        return self._write_series(entry)

    def _write_series(self, entry: _Entry) -> dict | None:
        written = self._patch_series(entry.event, entry.series())
        if written is not None:
            entry.event = written
        return written

    def _arm_finish(self) -> None:
        if self._finish_due is None:
            self._finish_due = self._next_tick(FINISH_TIME_MS)
            self._timeline.call_at(self._finish_due, self._finish_series, quiet=True)

    def _arm_refresh(self) -> None:
        if self._refresh_due is None:
            self._refresh_due = self._next_tick(REFRESH_TIME_MS)
            self._timeline.call_at(self._refresh_due, self._refresh_series, quiet=True)

    def _next_tick(self, period_ms: int) -> int:
        return (self._timeline.now_ms // period_ms + 1) * period_ms

    def _finish_series(self) -> None:
        self._finish_due = None
        cutoff = self._timeline.now_ms - FINISH_TIME_MS
        for key, entry in list(self._cache.items()):
            if entry.last_observed_ms is not None:
                if entry.last_observed_ms < cutoff:
                    self._write_series(entry)
                    del self._cache[key]
            elif entry.event_ms < cutoff:
                del self._cache[key]
        if self._cache:
            self._arm_finish()

    def _refresh_series(self) -> None:
        self._refresh_due = None
        series = [entry for entry in self._cache.values() if entry.last_observed_ms is not None]
        for entry in series:
            self._write_series(entry)
        if series:
            self._arm_refresh()
