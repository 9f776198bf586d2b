"""The simulated clock and its queue of timed callbacks (SimPy's idea: one heap).

Nothing reads wall time. Callbacks due at the same millisecond run in the
order they were scheduled, so a run is fully determined by its inputs.
"""

import heapq
from collections.abc import Callable


class Timer:
    __slots__ = ("due_ms", "callback", "args", "cancelled")

    def __init__(self, due_ms: int, callback: Callable, args: tuple):
        self.due_ms = due_ms
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Timeline:
    """Timers in two heaps: those a learner would notice, and quiet housekeeping (an event
    recorder's periodic flush) that "jump to the next event" should not stop at. Both fire
    alike, in due order; only next_visible_due_ms() ignores the quiet ones."""

    def __init__(self) -> None:
        self.now_ms = 0
        self._heap: list[tuple[int, int, Timer]] = []
        self._quiet: list[tuple[int, int, Timer]] = []
        self._sequence = 0

    def call_at(self, due_ms: int, callback: Callable, *args, quiet: bool = False) -> Timer:
        timer = Timer(max(due_ms, self.now_ms), callback, args)
        self._sequence += 1
        heapq.heappush(self._quiet if quiet else self._heap, (timer.due_ms, self._sequence, timer))
        return timer

    def call_later(self, delay_ms: int, callback: Callable, *args, quiet: bool = False) -> Timer:
        return self.call_at(self.now_ms + delay_ms, callback, *args, quiet=quiet)

    @staticmethod
    def _head(heap: list) -> tuple | None:
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def next_visible_due_ms(self) -> int | None:
        """When the next timer a learner would notice is due (quiet ones skipped)."""
        head = self._head(self._heap)
        return head[0] if head else None

    def next_due_ms(self) -> int | None:
        heads = [h for h in (self._head(self._heap), self._head(self._quiet)) if h]
        return min(heads)[0] if heads else None

    def pop_due(self, until_ms: int) -> Timer | None:
        """The next live timer due at or before until_ms, with the clock moved to it."""
        heads = [
            (head, heap)
            for heap in (self._heap, self._quiet)
            if (head := self._head(heap)) is not None
        ]
        if not heads:
            return None
        head, heap = min(heads, key=lambda pair: pair[0][:2])
        if head[0] > until_ms:
            return None
        _, _, timer = heapq.heappop(heap)
        self.now_ms = timer.due_ms
        return timer

    def pending(self) -> int:
        return sum(1 for heap in (self._heap, self._quiet) for _, _, t in heap if not t.cancelled)
