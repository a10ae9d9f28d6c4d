"""Bounded retry with exponential backoff and full jitter, honouring Retry-After."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class Retryable(Exception):
    """A failure worth trying again (429, 5xx, connection): `retry_after` seconds if the server said."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class RetryPolicy:
    """How often and how long to retry a call that failed for a passing reason."""

    attempts: int = 5  # calls in all, the first included
    base: float = 1.0  # seconds before the second call, doubled each time
    cap: float = 32.0  # longest wait between two calls
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed call number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap * 4)
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))

    def call(self, fn: Callable[[], T]) -> T:
        """`fn()`, tried again after each Retryable failure, at most `attempts` times in all;
        the last Retryable is raised."""
        for attempt in range(1, self.attempts + 1):
            try:
                return fn()
            except Retryable as exc:
                if attempt == self.attempts:
                    raise
                self.sleep(self.delay(attempt, exc.retry_after))
        raise AssertionError("unreachable")
