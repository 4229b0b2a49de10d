"""Exponential backoff between reconnection attempts: 0.5 s, 1 s, 2 s, ... up to a ceiling."""
from __future__ import annotations


class Backoff:
    def __init__(self, ceiling: float = 30.0, first: float = 0.5):
        self.ceiling = ceiling
        self.first = first
        self.failures = 0

    def next_delay(self) -> float:
        delay = min(self.ceiling, self.first * (2 ** self.failures))
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0
