"""The rate limiter's in-process storage (`memory://`, the embedded default)
without a thread per write.

limits' MemoryStorage starts a threading.Timer to sweep expired counters
whenever its last one has finished, so under steady traffic nearly every
counted request started a thread (a tenth of a vote's time). Expired counters
are already dropped when read; this one sweeps the rest inline, at most once
a second. Registering it under the "memory" scheme makes every
`memory://` limiter in the process use it."""
from __future__ import annotations

import time

from limits.storage import MemoryStorage

SWEEP_EVERY_S = 1.0


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["memory"]

    _next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:   # replaces the parent's timer thread
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY_S
            self._MemoryStorage__expire_events()
