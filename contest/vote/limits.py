"""The vote's counters in the rate limiter's storage (Redis when configured,
so every worker shares them): per account, per address, and the count per
address that brings the captcha. Checked through the limiter's own strategy,
one storage call per limit: the vote is the busiest route, and Flask-Limiter's
per-request evaluation of decorated limits cost more than the vote's SQL."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many

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


def first_use(seconds: int, *parts: str) -> bool:
    """True the first time these parts are seen within `seconds`, in every
    worker: a captcha picture answers once, whatever cookie comes back."""
    return limiter.limiter.hit(RateLimitItemPerSecond(1, seconds), *_key(*parts))
