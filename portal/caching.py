"""A small in-process cache whose entries expire after a fixed number of seconds (per worker:
each gunicorn worker keeps its own, which is what short-lived page data needs)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values by key, each recomputed once it is older than ``seconds``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value of ``key``, from ``compute()`` when missing or expired."""
        now = self.clock()
        cached = self._entries.get(key)
        if cached is not None and now - cached[0] <= self.seconds:
            return cached[1]
        value = compute()  # outside the lock: a slow computation never blocks other keys
        with self._lock:
            self._entries[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
