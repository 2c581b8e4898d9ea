"""The sensitive-word list and the entries it reaches: a term added to the list
is looked for at once in every entry already submitted, so an entry sent in
before the term was listed is flagged like one sent in after."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ..extensions import db
from ..models import Entry, EntryFlag, User
from . import audit, screening_flags
from .unit_of_work import writes

BATCH = 500   # rows read per round trip while re-scanning


@dataclass(frozen=True)
class Rescan:
    added: list[str]
    scanned: int     # entries already submitted that were read again
    flagged: int     # of those, entries in which an added term was found


@writes
def add_terms(actor: User, text: str) -> Rescan:
    """Add terms (one per line) and re-scan the submitted entries for them."""
    added = screening_flags.add_terms(actor, text)
    if not added:
        return Rescan(added, 0, 0)
    scanned, hits = _scan(added)
    _flag(hits)
    audit.record(actor, "sensitive_terms.rescan", None,
                 details={"terms": added, "scanned": scanned, "flagged": len(hits)})
    return Rescan(added, scanned, len(hits))


def _scan(terms: list[str]) -> tuple[int, dict[int, list[dict]]]:
    """One query for the entries' text, read in batches; the pure matcher on each."""
    rows = db.session.execute(
        select(Entry.id, Entry.title, Entry.summary, Entry.body, Entry.nominee_name)
        .where(Entry.status.in_(screening_flags.SCREENED)).order_by(Entry.id)
        .execution_options(yield_per=BATCH))
    scanned, hits = 0, {}
    for row in rows:
        scanned += 1
        # entry_text reads only these columns, so the row stands in for the entry.
        matches = screening_flags.find_terms(screening_flags.entry_text(row), terms)
        if matches:
            hits[row.id] = matches
    return scanned, hits


def _flag(hits: dict[int, list[dict]]) -> None:
    """Add the matches to each entry's sensitive-word flag, or give it one."""
    ids = list(hits)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        existing = {f.entry_id: f for f in db.session.scalars(
            select(EntryFlag).where(EntryFlag.entry_id.in_(chunk), EntryFlag.kind == "sensitive"))}
        for entry_id in chunk:
            flag = existing.get(entry_id)
            if flag is None:
                db.session.add(EntryFlag(entry_id=entry_id, kind="sensitive", details={"matches": hits[entry_id]}))
            else:
                known = {m["term"] for m in flag.details.get("matches", [])}
                new = [m for m in hits[entry_id] if m["term"] not in known]
                flag.details = {**flag.details, "matches": flag.details.get("matches", []) + new}
        db.session.execute(update(Entry).where(Entry.id.in_(chunk)).values(flagged=True)
                           .execution_options(synchronize_session="fetch"))
    db.session.flush()
