"""The public vote (网络投票), by concern: what is put to the vote (settings),
casting a vote (casting), the tallies, chains and recount (ledger), and
invalidating votes (moderation). The names below are the package's API."""
from ..errors import ServiceError
from .casting import (
    VoteRefused,
    ballot_for,
    cast,
    cast_vote,
    remaining_today,
    settings_for,
    voted_today,
)
from .ledger import lock_tallies, recount, tallies
from .moderation import invalidate
from .settings import save_settings

__all__ = ["ServiceError", "VoteRefused", "ballot_for", "cast", "cast_vote", "invalidate", "lock_tallies", "recount",
           "remaining_today", "save_settings", "settings_for", "tallies", "voted_today"]
