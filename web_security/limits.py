"""Rate limits on the widget endpoint, per conversation and per address: a sliding window of
recent requests, kept in this process. Several web server processes each keep their own; the
production profile's nginx adds a shared per-address limit in front."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class SlidingWindow:
    def __init__(self, limit: int, seconds: float = 60.0, max_keys: int = 100_000):
        self.limit, self.seconds, self.max_keys = limit, seconds, max_keys
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> float:
        """0 when this request may go ahead; otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > self.max_keys:
                self._forget_idle(now)
            hits = self._hits[key]
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.1, hits[0] + self.seconds - now)
            hits.append(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.seconds]:
            del self._hits[key]
