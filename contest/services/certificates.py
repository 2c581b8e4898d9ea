"""获奖证书: one certificate per award of a contest's published final result.

A certificate is issued once (a row with its number) the first time an
organiser downloads it, in the published order, and never renumbered; the
public verification page looks the number up. What a certificate says comes
from the final result as published (its frozen rows), so a later change to
an entry's authors or title does not rewrite a certificate already handed out.
A winner withdrawn after publication keeps the number, which then verifies as
revoked."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..exports.certificates import CertificateData, mask_names
from ..extensions import db
from ..models import CERTIFICATE_DESIGNS, Certificate, CertificateSettings, Contest, Entry, ResultVersion, User
from ..phases import SHANGHAI
from ..state import final_version
from . import audit, results
from .errors import ServiceError
from .unit_of_work import writes

# No 0/O, 1/I: a number is read aloud over the phone and typed from paper.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_PART = 6   # 32^6, about a billion: not found by trying


class Verified(NamedTuple):
    """What the public verification page confirms (names masked)."""
    number: str
    contest: str
    title: str
    category: str
    award: str
    names: str
    issuer: str
    date: str
    revoked: bool


def design_of(contest: Contest) -> str:
    found = db.session.get(CertificateSettings, contest.id)
    return found.design if found else CERTIFICATE_DESIGNS[0]


@writes
def set_design(actor: User, contest: Contest, design: str) -> None:
    if design not in CERTIFICATE_DESIGNS:
        raise ServiceError(_("Please choose a certificate design."), "design")
    found = db.session.get(CertificateSettings, contest.id)
    if found is None:
        found = CertificateSettings(contest_id=contest.id)
        db.session.add(found)
    found.design = design
    db.session.flush()
    audit.record(actor, "certificate.design", contest, details={"design": design})


def _final(contest: Contest) -> ResultVersion:
    version = final_version(contest)
    if version is None:
        raise ServiceError(_("Certificates are issued once the final result is published."))
    return version


def awarded_rows(version: ResultVersion) -> list[dict]:
    """The final result's awarded rows whose entry is still accepted, in published order."""
    rows = [r for r in version.rows if r.get("award")]
    accepted = set(db.session.scalars(select(Entry.id).where(
        Entry.id.in_([r["entry_id"] for r in rows]), Entry.status == "accepted")))
    return [r for r in rows if r["entry_id"] in accepted]


def issued(contest: Contest) -> dict[int, Certificate]:
    """The contest's certificates issued so far, by entry id."""
    return {c.entry_id: c for c in db.session.scalars(select(Certificate).where(Certificate.contest_id == contest.id))}


def overview(contest: Contest) -> list[tuple[dict, Certificate | None]] | None:
    """For the exports page: each awarded row with its certificate if issued;
    None before the final result is published."""
    version = final_version(contest)
    if version is None:
        return None
    have = issued(contest)
    return [(row, have.get(row["entry_id"])) for row in awarded_rows(version)]


def _new_number(contest: Contest, serial: int) -> str:
    tail = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_PART))
    return f"{contest.code}-{serial:04d}-{tail}"


@writes
def issue_for_download(actor: User | None, contest: Contest, entry_id: int | None = None) -> list[Certificate]:
    """Issue every missing certificate of the final result (in published order,
    so serials follow it) and audit the download; return the certificates
    asked for: the entry's one, or all of them (`entry_id` None: the batch)."""
    version = _final(contest)
    rows = awarded_rows(version)
    if entry_id is not None and entry_id not in {r["entry_id"] for r in rows}:
        raise ServiceError(_("This entry has no award in the published final result."))
    have = issued(contest)
    serial = db.session.scalar(select(func.count()).select_from(Certificate)
                               .where(Certificate.contest_id == contest.id)) or 0
    for row in rows:
        if row["entry_id"] not in have:
            serial += 1
            have[row["entry_id"]] = Certificate(number=_new_number(contest, serial), contest_id=contest.id,
                                                entry_id=row["entry_id"], award=row["award"])
            db.session.add(have[row["entry_id"]])
    db.session.flush()
    wanted = [have[r["entry_id"]] for r in rows if entry_id is None or r["entry_id"] == entry_id]
    audit.record(actor, "certificate.batch" if entry_id is None else "certificate.download", contest, details={
        "certificates": len(wanted), "numbers": [c.number for c in wanted][:50], "design": design_of(contest)})
    return wanted


def _date(version: ResultVersion) -> str:
    day = version.published_at.astimezone(SHANGHAI)
    return f"{day.year}年{day.month}月{day.day}日"


def _issuer(contest: Contest) -> str:
    return contest.lead_unit.name if contest.lead_unit else ""


def certificate_data(contest: Contest, certificates: list[Certificate],
                     verify_url: Callable[[str], str]) -> list[CertificateData]:
    """What each certificate prints, as plain values for contest/exports/certificates.py."""
    version = _final(contest)
    by_entry = {r["entry_id"]: r for r in version.rows}
    kinds = {c.id: c.kind for c in contest.categories}
    out = []
    for cert in certificates:
        row = by_entry[cert.entry_id]
        out.append(CertificateData(
            number=cert.number, names=row.get("authors") or "", title=row["title"], category=row["category"],
            nomination=kinds.get(row["category_id"]) == "nomination", award=results.award_label(cert.award),
            contest=contest.title, issuer=_issuer(contest), date=_date(version),
            verify_url=verify_url(cert.number)))
    return out


def verify(number: str) -> Verified | None:
    """The certificate `number` as the public may see it; None when there is
    no such certificate of a public contest's published final result."""
    cert = db.session.scalar(select(Certificate).where(Certificate.number == (number or "").strip().upper()))
    if cert is None or not cert.contest.published:
        return None
    version = final_version(cert.contest)
    row = next((r for r in version.rows if r["entry_id"] == cert.entry_id), None) if version else None
    if row is None:
        return None
    return Verified(number=cert.number, contest=cert.contest.title, title=row["title"], category=row["category"],
                    award=results.award_label(cert.award), names=mask_names(row.get("authors") or ""),
                    issuer=_issuer(cert.contest), date=_date(version), revoked=cert.entry.status != "accepted")
