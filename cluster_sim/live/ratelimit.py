"""A token bucket per socket: bursts of clicks pass, a flood does not."""

import time


class TokenBucket:
    def __init__(self, rate_per_second: float = 10.0, burst: int = 30, clock=time.monotonic):
        self.rate, self.capacity, self.clock = rate_per_second, float(burst), clock
        self.tokens, self.updated = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
