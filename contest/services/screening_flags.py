"""Screening flags: for a human to look at, never an automatic verdict.
- the same file (sha256) in two entries;
- near-duplicate text between entries of a contest (MinHash + LSH bands);
- terms from the organisers' sensitive-word list, shown in context."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from .. import policies
from ..extensions import db
from ..models import Asset, Entry, EntryFlag, SensitiveTerm, TextBand, User
from ..sanitize import plain_text
from ..textsim import bands, minhash, shingles, similarity
from . import audit
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

SIMILAR_AT = 0.6       # estimated Jaccard similarity of 5-character shingles
CONTEXT = 15           # characters either side of a matched term
SCREENED = ("submitted", "returned", "accepted", "rejected")


def entry_text(entry: Entry) -> str:
    return " ".join(p for p in (entry.title, entry.summary, plain_text(entry.body), entry.nominee_name or "") if p)


def _flag(entry: Entry, kind: str, other: Entry | None = None, **details) -> None:
    db.session.add(EntryFlag(entry=entry, kind=kind, other_entry_id=other.id if other else None,
                             details=details))
    entry.flagged = True


def _reciprocal(other: Entry, kind: str, entry: Entry, **details) -> None:
    exists = db.session.scalar(select(EntryFlag.id).where(
        EntryFlag.entry_id == other.id, EntryFlag.kind == kind, EntryFlag.other_entry_id == entry.id))
    if not exists:
        _flag(other, kind, entry, **details)


@writes
def refresh_flags(entry: Entry) -> list[EntryFlag]:
    db.session.execute(delete(EntryFlag).where(EntryFlag.entry_id == entry.id))
    db.session.execute(delete(TextBand).where(TextBand.entry_id == entry.id))
    entry.flagged = False
    _same_files(entry)
    _similar_text(entry)
    _sensitive_terms(entry)
    db.session.flush()
    return list(db.session.scalars(select(EntryFlag).where(EntryFlag.entry_id == entry.id)))


def _same_files(entry: Entry) -> None:
    hashes = {a.sha256 for a in entry.assets if a.role != "poster"}
    if not hashes:
        return
    rows = db.session.execute(
        select(Asset.sha256, Entry).join(Entry, Asset.entry_id == Entry.id)
        .where(Asset.sha256.in_(hashes), Entry.id != entry.id, Entry.status.in_(SCREENED))
    ).all()
    for sha, other in rows:
        _flag(entry, "same_file", other, sha256=sha, other_number=other.number)
        _reciprocal(other, "same_file", entry, sha256=sha, other_number=entry.number)


def _similar_text(entry: Entry) -> None:
    signature = minhash(shingles(entry_text(entry)))
    entry.minhash = signature or None
    if not signature:
        return
    keys = bands(signature)
    for key in keys:
        db.session.add(TextBand(contest_id=entry.contest_id, entry_id=entry.id, band=key))
    sharing = select(TextBand.entry_id).where(TextBand.contest_id == entry.contest_id, TextBand.band.in_(keys))
    candidates = db.session.scalars(
        select(Entry).where(Entry.id.in_(sharing), Entry.id != entry.id, Entry.status.in_(SCREENED)))
    for other in candidates:
        score = similarity(signature, other.minhash or [])
        if score >= SIMILAR_AT:
            _flag(entry, "similar_text", other, score=round(score, 2), other_number=other.number)
            _reciprocal(other, "similar_text", entry, score=round(score, 2), other_number=entry.number)


def find_terms(text: str, terms: list[str]) -> list[dict]:
    found = []
    lowered = text.lower()
    for term in terms:
        start = lowered.find(term.lower())
        if start >= 0:
            before = text[max(0, start - CONTEXT):start]
            after = text[start + len(term):start + len(term) + CONTEXT]
            found.append({"term": term, "before": before, "match": text[start:start + len(term)],
                          "after": after})
    return found


def _sensitive_terms(entry: Entry) -> None:
    terms = list(db.session.scalars(select(SensitiveTerm.term)))
    if not terms:
        return
    matches = find_terms(entry_text(entry), terms)
    if matches:
        _flag(entry, "sensitive", None, matches=matches)


# --- the organisers' list ---------------------------------------------------

@writes
def add_terms(actor: User, text: str) -> list[str]:
    """One term per line; blanks and terms already listed are skipped."""
    existing = set(db.session.scalars(select(SensitiveTerm.term)))
    added = []
    for line in (text or "").splitlines():
        term = line.strip()
        if not term or term in existing or term in added:
            continue
        if len(term) > 100:
            raise ValidationErrors({"terms": _("A term may have at most 100 characters.")})
        added.append(term)
        db.session.add(SensitiveTerm(term=term, created_by_id=actor.id))
    db.session.flush()
    if added:
        audit.record(actor, "sensitive_terms.add", None, details={"terms": added})
    return added


@writes
def remove_term(actor: User, term: SensitiveTerm) -> None:
    author = db.session.get(User, term.created_by_id) if term.created_by_id else None
    shared = author is not None and policies.organiser_units(actor) & author.unit_ids_for("organiser")
    if not (policies.is_admin(actor) or shared or (author is not None and author.id == actor.id)):
        raise ServiceError(_("Only the unit that added a term, or an administrator, may remove it."))
    db.session.delete(term)
    db.session.flush()
    audit.record(actor, "sensitive_terms.remove", None, details={"term": term.term})
