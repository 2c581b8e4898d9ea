"""One aggregate per module; importing this package registers every model."""
from .accounts import ROLES, RoleGrant, Unit, User
from .audit import AuditEvent
from .certificates import CERTIFICATE_DESIGNS, Certificate, CertificateSettings
from .contests import ENTRY_KINDS, Category, Contest, Programme
from .entries import (
    ASSET_ROLES,
    ENTRY_STATUSES,
    Asset,
    Entry,
    EntryAuthor,
    EntryCounter,
    EntryEvent,
    EntryFlag,
    SensitiveTerm,
    TextBand,
)
from .judging import (
    ADVANCE_RULES,
    AGGREGATIONS,
    ROUND_STATES,
    Criterion,
    DeclaredConflict,
    JudgeAssignment,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    ScoreRevision,
)
from .results import AWARD_LEVELS, VOTE_MAPPINGS, Objection, ResultDecision, ResultSettings, ResultVersion
from .voting import FLAG_STATES, VOTE_STATUSES, Vote, VoteFlag, VoterDay, VoteTally

__all__ = [
    "ROLES", "RoleGrant", "Unit", "User", "AuditEvent",
    "CERTIFICATE_DESIGNS", "Certificate", "CertificateSettings",
    "ENTRY_KINDS", "Category", "Contest", "Programme",
    "ASSET_ROLES", "ENTRY_STATUSES", "Asset", "Entry", "EntryAuthor", "EntryCounter", "EntryEvent",
    "EntryFlag", "SensitiveTerm", "TextBand",
    "ADVANCE_RULES", "AGGREGATIONS", "ROUND_STATES", "Criterion", "DeclaredConflict", "JudgeAssignment",
    "PanelMember", "Round", "RoundEntry", "Score", "ScoreRevision",
    "AWARD_LEVELS", "VOTE_MAPPINGS", "Objection", "ResultDecision", "ResultSettings", "ResultVersion",
    "FLAG_STATES", "VOTE_STATUSES", "Vote", "VoteFlag", "VoterDay", "VoteTally",
]
