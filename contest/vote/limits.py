"""The vote's counters in the rate limiter's storage (Redis when configured,
so every worker shares them): per account, per address, and the count per
address that brings the captcha. Checked through the limiter's own strategy:
the vote is the busiest route, and Flask-Limiter's per-request evaluation of
decorated limits cost more than the vote's SQL. On Redis with the fixed
window (the limiter's default), a vote's counters are counted in one round
trip: each was a round trip of its own, half of a vote's time."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter


@lru_cache(maxsize=32)
def _items(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec))


def _key(*parts: str) -> tuple[str, ...]:
    return (current_app.config["RATELIMIT_KEY_PREFIX"], *parts)


def hit(setting: str, *parts: str) -> bool:
    """Count one more under every limit of the setting; False when one is exceeded."""
    if not limiter.enabled:
        return True
    results = [limiter.limiter.hit(item, *_key(*parts)) for item in _items(current_app.config[setting])]
    return all(results)


def hit_all(*counted: tuple[str, tuple[str, ...]]) -> list[bool]:
    """hit() for each (setting, parts), in one round trip on Redis: the same
    keys and window as the limiter's fixed-window strategy (INCRBY, and the
    window's expiry set when the key has none)."""
    if not limiter.enabled:
        return [True] * len(counted)
    storage = limiter.storage
    if not (isinstance(storage, RedisStorage) and isinstance(limiter.limiter, FixedWindowRateLimiter)):
        return [hit(setting, *parts) for setting, parts in counted]
    # No MULTI: a key left without its expiry (a connection lost between the two) gets it at its next hit.
    pipe = storage.get_connection().pipeline(transaction=False)
    checks = []
    for setting, parts in counted:
        items = _items(current_app.config[setting])
        for item in items:
            key = storage.prefixed_key(item.key_for(*_key(*parts)))
            pipe.incrby(key, 1)
            pipe.expire(key, item.get_expiry(), nx=True)
        checks.append(items)
    counts = iter(pipe.execute()[0::2])
    return [all([next(counts) <= item.amount for item in items]) for items in checks]   # a list: every count is read


def first_use(seconds: int, *parts: str) -> bool:
    """True the first time these parts are seen within `seconds`, in every
    worker: a captcha picture answers once, whatever cookie comes back."""
    return limiter.limiter.hit(RateLimitItemPerSecond(1, seconds), *_key(*parts))
