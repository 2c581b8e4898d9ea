"""What organisers hand on: the recommended list (xlsx, csv, the 推荐表 PDF,
a zip of the works under standard names) and the whole contest's 台账. Phone
numbers are masked unless someone allowed to asks for them with a reason;
every export is audited with its file's sha256 and row count."""
from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import policies
from ..exports.cells import mask_phone
from ..exports.pdf import RecommendationForm, write_recommendation_pdf
from ..exports.sheets import Column, write_csv, write_xlsx
from ..exports.works import text_work
from ..extensions import db
from ..file_store import storage
from ..labels import ENTRY_STATUS_LABELS
from ..models import AWARD_LEVELS, Contest, Entry, Round, RoundEntry, User, VoteTally
from ..phases import SHANGHAI
from ..sanitize import plain_text
from ..state import final_version
from . import audit, results
from .errors import ServiceError
from .unit_of_work import writes

FORMATS = ("xlsx", "csv", "pdf", "zip")
LEDGER_FORMATS = ("xlsx", "csv")
CHUNK = 1024 * 1024
NO_ROWS = "无符合条件的作品。"   # stated in a file with no rows, so an empty sheet is not taken for a fault


class Exported(NamedTuple):
    rows: int
    sha256: str


class _Recommended(NamedTuple):
    serial: int
    entry: Entry
    ranked: results.Ranked
    category: str


def _today() -> str:
    return datetime.now(SHANGHAI).strftime("%Y-%m-%d")


def _issuer(contest: Contest) -> str:
    return contest.lead_unit.name if contest.lead_unit else ""


def _masked(phone: str | None, full: bool) -> str:
    return (phone or "") if full else mask_phone(phone)


def _phone(entry: Entry, full: bool) -> str:
    """The author's phone (given by the unit for an entry it sent), never the unit administrator's."""
    return _masked(entry.contact_phone, full)


def _guardian(entry: Entry, full: bool) -> str:
    return " ".join(p for p in (entry.guardian_name or "", _masked(entry.guardian_phone, full)) if p)


def _has_nominations(contest: Contest) -> bool:
    return any(c.kind == "nomination" for c in contest.categories)


def _nominee_columns(contest: Contest) -> list[Column]:
    """被推荐对象, contact and 主要事迹: only in the lists of a contest that takes nominations."""
    if not _has_nominations(contest):
        return []
    return [Column(_("Nominee"), 14), Column(_("Work unit and post"), 20), Column(_("Nominee's phone"), 14),
            Column(_("Main deeds"), 80, "longtext")]


def _nominee_cells(contest: Contest, entry: Entry, full: bool) -> list:
    if not _has_nominations(contest):
        return []
    if entry.category.kind != "nomination":
        return [None] * 4
    kind = {"person": _("A person"), "organisation": _("An organisation")}.get(entry.nominee_kind or "")
    name = f"{entry.nominee_name or ''}（{kind}）" if kind else entry.nominee_name or ""
    return [name, entry.nominee_post or "", _masked(entry.nominee_phone, full), plain_text(entry.body)]


def _round_scores(contest: Contest) -> tuple[list[Round], dict[int, dict[int, RoundEntry]]]:
    rounds = results.finalised_rounds(contest)
    by_entry: dict[int, dict[int, RoundEntry]] = {}
    for re_ in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id.in_([r.id for r in rounds]))):
        by_entry.setdefault(re_.entry_id, {})[re_.round_id] = re_
    return rounds, by_entry


def _frozen(contest: Contest) -> dict[int, list[results.Ranked]] | None:
    """Once the final result is published, its rows as they were published."""
    final = final_version(contest)
    if final is None:
        return None
    out: dict[int, list[results.Ranked]] = {}
    for r in final.rows:
        out.setdefault(r["category_id"], []).append(results.Ranked(
            r["entry_id"], r["number"], r["title"], r["category_id"], r["judge"], r["votes"], r["vote_score"],
            r["final"], r["rank"], None, r["award"], r["recommended"], r["reason"]))
    return out


def recommended(contest: Contest) -> list[_Recommended]:
    """The recommended entries, category by category, each in final order:
    as published once the final result is out, else from the live ranking."""
    ranking = _frozen(contest) or results.ranking(contest)
    picked = [(cat, row) for cat in contest.categories for row in ranking.get(cat.id, []) if row.recommended]
    entries = {e.id: e for e in db.session.scalars(
        select(Entry).where(Entry.id.in_([row.entry_id for _cat, row in picked]))
        .options(selectinload(Entry.authors), selectinload(Entry.assets), selectinload(Entry.unit),
                 selectinload(Entry.owner)))}
    return [_Recommended(i, entries[row.entry_id], row, cat.name) for i, (cat, row) in enumerate(picked, start=1)]


def check_full_access(actor: User | None, contest: Contest, full: bool, reason: str | None) -> None:
    """Unmasked phone numbers: only for someone allowed to, and with a reason.
    `actor` None is the server's own command line (its operator may)."""
    if not full:
        return
    if actor is not None and not policies.can_export_personal_data(actor, contest):
        raise ServiceError(_("You may not export unmasked personal data."))
    if not (reason or "").strip():
        raise ServiceError(_("Please give the reason for exporting unmasked personal data."), "reason")


def _pdf_nominee(entry: Entry, full: bool) -> dict[str, str]:
    if entry.category.kind != "nomination":
        return {}
    kind = {"person": "个人", "organisation": "组织"}.get(entry.nominee_kind or "")
    return {"nominee": f"{entry.nominee_name or ''}（{kind}）" if kind else entry.nominee_name or "",
            "nominee_post": entry.nominee_post or "", "nominee_phone": _masked(entry.nominee_phone, full),
            "deeds": plain_text(entry.body)}


def _recommended_columns(contest: Contest, rounds: list[Round]) -> list[Column]:
    return [Column(_("Entry number"), 16), Column(_("Entry category"), 12), Column(_("Work title"), 28, "longtext"),
            Column(_("Authors"), 16), Column(_("Submitting unit"), 18), Column(_("District"), 10),
            Column(_("Phone"), 14), Column(_("Parent or guardian"), 16), *_nominee_columns(contest),
            *[Column(r.name, 10, "number") for r in rounds],
            Column(_("Judges' score"), 10, "number"), Column(_("Vote score"), 10, "number"),
            Column(_("Final score"), 10, "number"), Column(_("Award"), 10),
            Column(_("Reason for the recommendation"), 40, "longtext")]


def _recommended_rows(contest: Contest, picked: list[_Recommended], rounds: list[Round], scores: dict,
                      full: bool) -> Iterator[list]:
    for item in picked:
        e, r = item.entry, item.ranked
        per_round = scores.get(e.id, {})
        yield [e.number, item.category, e.title, results.authors_line(e), e.unit.name if e.unit else "",
               e.district or "", _phone(e, full), _guardian(e, full), *_nominee_cells(contest, e, full),
               *[getattr(per_round.get(rnd.id), "score", None) for rnd in rounds],
               r.judge, r.vote_score, r.final, results.award_label(r.award), r.reason or ""]


def _safe_name(text: str, limit: int = 60) -> str:
    """A file name part that every unzip tool accepts: no path separators, no control characters."""
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", text).strip(" ._") or "_"
    return cleaned[:limit]


WORK_ROLES = frozenset({"image", "photo", "video", "audio", "h5_package"})


def _work_header(item: _Recommended) -> list[tuple[str, str]]:
    e = item.entry
    header = [("作品名称", e.title), ("作者", results.authors_line(e)), ("报名编号", e.number or ""),
              ("组别", item.category), ("报送单位", e.unit.name if e.unit else "")]
    if nominee := _pdf_nominee(e, full=False):
        # The nominee's phone stays out: a zip is passed around more freely than a list.
        header[1:1] = [("被推荐对象", nominee["nominee"]), ("工作单位及职务", nominee["nominee_post"])]
    return header


def _works(picked: list[_Recommended], documents: bool) -> Iterator[tuple[str, object]]:
    """(name in the archive, asset or the text work's bytes) for every recommended work.
    A nomination's supporting documents carry phone and ID numbers: only with
    `documents` (unmasked data asked for, with a reason)."""
    for item in picked:
        e = item.entry
        base = f"{item.serial:03d}_{_safe_name(e.number or '')}_{_safe_name(e.title)}"
        files = [a for a in e.assets if a.role in WORK_ROLES or documents and a.role == "document"]
        if e.body:
            yield f"{base}.txt", text_work(_work_header(item), e.body)
        for n, asset in enumerate(files, start=1):
            suffix = Path(asset.original_name).suffix.lower()[1:]
            ext = f".{_safe_name(suffix, 10)}" if suffix else ""
            yield (f"{base}{ext}" if len(files) == 1 and not e.body else f"{base}_{n}{ext}"), asset


def _write_zip(target, picked: list[_Recommended], readme: str, documents: bool) -> int:
    """Each work copied in chunks straight into the archive: never held whole
    in memory. 000_说明.txt first: the list's title, the scoring rule and each work's file."""
    works = list(_works(picked, documents))
    index = "\n".join(name for name, _item in works) or NO_ROWS
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("000_说明.txt", f"{readme}\n{index}\n".encode())
        for name, item in works:
            if isinstance(item, bytes):
                archive.writestr(name, item)
                continue
            with storage().open(item.storage_key) as source, archive.open(name, "w", force_zip64=True) as dest:
                while chunk := source.read(CHUNK):
                    dest.write(chunk)
    return len(picked)


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def export_recommended(actor: User | None, contest: Contest, fmt: str, path: str | Path, *, full: bool = False,
                       reason: str | None = None) -> Exported:
    """Write the recommended list to `path` in `fmt` (reads only; audit it with record_export)."""
    if fmt not in FORMATS:
        raise ServiceError(_("Unknown export format."), "format")
    check_full_access(actor, contest, full, reason)
    picked = recommended(contest)
    settings = results.settings_for(contest)
    formula = results.formula_text(settings)
    rounds, scores = _round_scores(contest)
    title = _("%(contest)s: entries recommended to the provincial selection", contest=contest.title)
    notes = [formula] if picked else [formula, NO_ROWS]
    if fmt == "xlsx":
        rows = write_xlsx(str(path), title=title, unit=_issuer(contest), date=_today(),
                          columns=_recommended_columns(contest, rounds),
                          rows=_recommended_rows(contest, picked, rounds, scores, full), notes=notes)
    elif fmt == "csv":
        with open(path, "wb") as f:
            rows = write_csv(f, columns=_recommended_columns(contest, rounds),
                             rows=_recommended_rows(contest, picked, rounds, scores, full), notes=notes)
    elif fmt == "pdf":
        forms = [RecommendationForm(
            serial=i.serial, number=i.entry.number or "", category=i.category, title=i.entry.title,
            authors=results.authors_line(i.entry), unit=i.entry.unit.name if i.entry.unit else "",
            district=i.entry.district or "",
            summary=i.entry.summary or plain_text(i.entry.body),
            rounds=tuple((r.name, getattr(scores.get(i.entry.id, {}).get(r.id), "score", None)) for r in rounds),
            vote_score=i.ranked.vote_score if settings.vote_weight else None, final_score=i.ranked.final,
            award=results.award_label(i.ranked.award), reason=i.ranked.reason or "",
            phone=_phone(i.entry, full), guardian=_guardian(i.entry, full),
            **_pdf_nominee(i.entry, full)) for i in picked]
        write_recommendation_pdf(str(path), contest_title=contest.title, issuer=_issuer(contest), forms=forms,
                                 formula=formula, render=render_template)
        rows = len(forms)
    else:
        rows = _write_zip(str(path), picked, f"{title}\n{formula}\n", documents=full)
    return Exported(rows, sha256_of(path))


def _ledger_columns(contest: Contest, rounds: list[Round]) -> list[Column]:
    per_round = [Column(title, 10, kind) for r in rounds for title, kind in (
        (_("%(round)s: score", round=r.name), "number"), (_("%(round)s: place", round=r.name), "int"),
        (_("%(round)s: through", round=r.name), "text"))]
    return [Column(_("Entry number"), 16), Column(_("Entry category"), 12), Column(_("Work title"), 28, "longtext"),
            Column(_("Authors"), 16), Column(_("Submitting unit"), 18), Column(_("District"), 10),
            Column(_("Phone"), 14), Column(_("Parent or guardian"), 16), *_nominee_columns(contest),
            Column(_("Status"), 10), Column(_("Screening note"), 24, "longtext"),
            *per_round, Column(_("Valid votes"), 10, "int"), Column(_("Final score"), 10, "number"),
            Column(_("Award"), 10), Column(_("Recommended"), 8)]


def _ledger_rows(contest: Contest, rounds: list[Round], scores: dict, full: bool) -> Iterator[list]:
    final = {row.entry_id: row for rows in results.ranking(contest).values() for row in rows}
    counts = {e: n for e, n in db.session.execute(
        select(VoteTally.entry_id, VoteTally.counted).where(VoteTally.contest_id == contest.id))}
    names = {c.id: c.name for c in contest.categories}
    query = (select(Entry).where(Entry.contest_id == contest.id, Entry.number.is_not(None)).order_by(Entry.number)
             .options(selectinload(Entry.authors), selectinload(Entry.unit), selectinload(Entry.owner))
             .execution_options(yield_per=500))
    # Labels translated once, not per row: 100,000 rows made 1.8 million gettext calls (bench/export.py).
    yes, no = _("Yes"), _("No")
    statuses = {k: str(v) for k, v in ENTRY_STATUS_LABELS.items()}
    awards = {None: "", **{level: results.award_label(level) for level in AWARD_LEVELS}}
    for e in db.session.scalars(query):
        per_round = scores.get(e.id, {})
        cells = []
        for rnd in rounds:
            re_ = per_round.get(rnd.id)
            cells += [re_.score if re_ else None, re_.rank if re_ else None,
                      "" if re_ is None else (yes if re_.advanced else no)]
        ranked = final.get(e.id)
        yield [e.number, names.get(e.category_id, ""), e.title, results.authors_line(e), e.unit.name if e.unit else "",
               e.district or "", _phone(e, full), _guardian(e, full), *_nominee_cells(contest, e, full),
               statuses.get(e.status, e.status),
               e.status_reason or "", *cells,
               counts.get(e.id, 0), ranked.final if ranked else None,
               awards.get(ranked.award, "") if ranked else "",
               yes if ranked and ranked.recommended else ""]


def numbered_count(contest: Contest) -> int:
    """The entries the 台账 lists: every one that has a 报名编号."""
    return db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.contest_id == contest.id, Entry.number.is_not(None))) or 0


def export_ledger(actor: User | None, contest: Contest, fmt: str, path: str | Path, *, full: bool = False,
                  reason: str | None = None) -> Exported:
    """The whole contest's 台账: every numbered entry with its status, screening
    note, every finalised round's result, votes, final score and award
    (reads only; audit it with record_export)."""
    if fmt not in LEDGER_FORMATS:
        raise ServiceError(_("Unknown export format."), "format")
    check_full_access(actor, contest, full, reason)
    rounds, scores = _round_scores(contest)
    columns = _ledger_columns(contest, rounds)
    rows = _ledger_rows(contest, rounds, scores, full)
    notes = [results.formula_text(results.settings_for(contest))]
    if not numbered_count(contest):
        notes.append(NO_ROWS)
    if fmt == "xlsx":
        count = write_xlsx(str(path), title=_("%(contest)s: ledger of entries", contest=contest.title),
                           unit=_issuer(contest), date=_today(), columns=columns, rows=rows, notes=notes)
    else:
        with open(path, "wb") as f:
            count = write_csv(f, columns=columns, rows=rows, notes=notes)
    return Exported(count, sha256_of(path))


@writes
def record_export(actor: User | None, contest: Contest, kind: str, fmt: str, done: Exported, *, full: bool,
                  reason: str | None) -> None:
    """The audit event of a finished export. Apart from the export itself,
    which only reads: the write lock (SQLite) is not held while a file is made."""
    audit.record(actor, f"export.{kind}", contest, details={
        "format": fmt, "rows": done.rows, "sha256": done.sha256, "full_personal_data": full,
        "reason": (reason or "").strip() or None})
