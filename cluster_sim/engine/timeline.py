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
    def __init__(self) -> None:
        self.now_ms = 0
        self._heap: list[tuple[int, int, Timer]] = []
        self._sequence = 0

    def call_at(self, due_ms: int, callback: Callable, *args) -> Timer:
        timer = Timer(max(due_ms, self.now_ms), callback, args)
        self._sequence += 1
        heapq.heappush(self._heap, (timer.due_ms, self._sequence, timer))
        return timer

    def call_later(self, delay_ms: int, callback: Callable, *args) -> Timer:
        return self.call_at(self.now_ms + delay_ms, callback, *args)

    def next_due_ms(self) -> int | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pop_due(self, until_ms: int) -> Timer | None:
        """The next live timer due at or before until_ms, with the clock moved to it."""
        due = self.next_due_ms()
        if due is None or due > until_ms:
            return None
        _, _, timer = heapq.heappop(self._heap)
        self.now_ms = timer.due_ms
        return timer

    def pending(self) -> int:
        return sum(1 for _, _, timer in self._heap if not timer.cancelled)
