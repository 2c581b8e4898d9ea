"""The public vote (网络投票), by concern: what is put to the vote (settings),
casting a vote (casting), the tallies, chains and recount (ledger), and
invalidating votes (moderation). The names below are the package's API."""
from ...state import in_voting, voting_entries, voting_open  # callers read them here too
from ..errors import ServiceError
from .casting import (
    Ballot,
    VoteContext,
    VoteOutcome,
    Voter,
    VoteRefused,
    VoteSettings,
    ballot_for,
    cast,
    cast_vote,
    ip_prefix,
    remaining_today,
    settings_for,
    vote_day,
    voted_today,
)
from .ledger import Recount, chain_link, lock_tallies, recount, tallies
from .moderation import invalidate
from .settings import save_settings

__all__ = ["Ballot", "Recount", "ServiceError", "VoteContext", "VoteOutcome", "VoteRefused", "VoteSettings", "Voter",
           "ballot_for", "cast", "cast_vote", "chain_link", "in_voting", "invalidate",
           "ip_prefix", "lock_tallies", "recount", "remaining_today", "save_settings", "settings_for", "tallies",
           "vote_day", "voted_today", "voting_entries", "voting_open"]
