"""The limiter's memory:// storage counts without starting a thread per
write, and still forgets a window once it has passed."""
import threading
import types

import limits.storage.memory as memory_module
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from contest import rate_storage


def test_memory_storage_is_the_sweeping_one_and_starts_no_thread_per_hit(monkeypatch):
    storage = storage_from_string("memory://")
    assert isinstance(storage, rate_storage.SweepingMemoryStorage)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    limiter = FixedWindowRateLimiter(storage)
    item = parse("1000 per minute")
    assert all(limiter.hit(item, "voter", str(n % 7)) for n in range(200))
    assert started == []


def test_an_expired_window_is_forgotten_and_swept(monkeypatch):
    clock = {"wall": 1_000.0, "mono": 50.0}
    monkeypatch.setattr(memory_module, "time", types.SimpleNamespace(time=lambda: clock["wall"]))
    monkeypatch.setattr(rate_storage, "time", types.SimpleNamespace(monotonic=lambda: clock["mono"]))
    storage = storage_from_string("memory://")
    limiter = FixedWindowRateLimiter(storage)
    item = parse("2 per second")
    assert [limiter.hit(item, "a") for _ in range(3)] == [True, True, False]
    limiter.hit(item, "b")
    clock["wall"] += 1.5
    clock["mono"] += 1.5
    assert limiter.hit(item, "a")          # a new window for "a"
    assert "b" not in str(list(storage.storage))   # "b" expired and swept on the way
