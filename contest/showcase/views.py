"""The public pages of a contest's results. The 公示 page shows the latest
published list, its rules and how to object; the showcase shows the final
result's entries as they are meant to be read. Nothing unpublished is public:
every other page, entry and file answers 404."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..forms_common import ConfirmForm
from ..h5_links import h5_src_for
from ..models import Contest, Entry, Programme, ResultVersion
from ..qr import status_qr_svg
from ..services import certificates, publicity, results
from ..state import final_version, showcase_entries, showcase_open
from ..view_helpers import confirm_action

bp = Blueprint("showcase", __name__)


def _contest(slug: str) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug, Contest.published.is_(True)))
    return contest or abort(404)


@bp.route("/results/<slug>")
def publicity_page(slug: str):
    contest = _contest(slug)
    version = publicity.latest(contest) or abort(404)
    return render_template("showcase/publicity.html", contest=contest, version=version,
                           groups=publicity.in_award_order(version.rows), notice=publicity.notice(contest, version),
                           open_now=publicity.window_open(version),
                           award_label=results.award_label, form=ConfirmForm())


@bp.route("/results/<slug>/objections", methods=["POST"])
def object_to(slug: str):
    contest = _contest(slug)
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=url_for("showcase.publicity_page", slug=slug)))
    return confirm_action(
        lambda: publicity.file_objection(current_user, contest, request.form.get("entry", type=int) or 0,
                                         request.form.get("reason", ""), request.form.get("contact", "")),
        _("Your objection has been received. The organisers will look into it and answer you."),
        url_for("showcase.publicity_page", slug=slug))


def _final(contest: Contest) -> ResultVersion:
    return final_version(contest) or abort(404)


def _published_entries(version: ResultVersion) -> dict[int, Entry]:
    """The version's entries that are still accepted (a withdrawn one leaves the showcase)."""
    ids = [r["entry_id"] for r in version.rows]
    return {e.id: e for e in db.session.scalars(select(Entry).where(Entry.id.in_(ids), Entry.status == "accepted")
                                                .options(selectinload(Entry.assets)))}


def _showcase_rows(contest: Contest) -> tuple[list[tuple[str, list[dict]]], dict[int, Entry]]:
    """A 展播's accepted works, by category, in the shape of a result's rows (without awards)."""
    if not showcase_open(contest):
        abort(404)
    found = list(db.session.scalars(showcase_entries(contest).options(
        selectinload(Entry.assets), selectinload(Entry.authors), selectinload(Entry.unit),
        selectinload(Entry.category))))
    groups: dict[str, list[dict]] = {}
    for e in found:
        groups.setdefault(e.category.name, []).append({
            "entry_id": e.id, "number": e.number, "title": e.title, "category": e.category.name,
            "authors": results.authors_line(e) or e.owner.real_name, "unit": e.unit.name if e.unit else "",
            "award": None})
    return list(groups.items()), {e.id: e for e in found}


@bp.route("/showcase/<slug>")
def contest_showcase(slug: str):
    contest = _contest(slug)
    if contest.showcase_only:
        groups, entries = _showcase_rows(contest)
        return render_template("showcase/contest.html", contest=contest, version=None, groups=groups,
                               entries=entries, award_label=results.award_label)
    version = _final(contest)
    entries = _published_entries(version)
    groups = [(name, [r for r in rows if r["entry_id"] in entries])
              for name, rows in publicity.in_award_order(version.rows)]
    return render_template("showcase/contest.html", contest=contest, version=version, groups=groups,
                           entries=entries, award_label=results.award_label)


@bp.route("/showcase/<slug>/<number>")
def entry(slug: str, number: str):
    contest = _contest(slug)
    if contest.showcase_only:
        rows = [r for _, group in _showcase_rows(contest)[0] for r in group]
    else:
        rows = _final(contest).rows
    row = next((r for r in rows if r["number"] == number), None) or abort(404)
    found = db.session.get(Entry, row["entry_id"])
    if found is None or found.status != "accepted" or found.contest_id != contest.id:
        abort(404)
    link = url_for("showcase.entry", slug=slug, number=number, _external=True)
    return render_template("showcase/entry.html", contest=contest, entry=found, row=row, link=link,
                           qr=status_qr_svg(link), h5_src=h5_src_for(found), award_label=results.award_label)


@bp.route("/showcase/year/<int:year>")
def year(year: int):
    programmes = list(db.session.scalars(select(Programme).where(Programme.year == year)))
    shown = []
    for prog in programmes:
        for contest in prog.contests:
            if contest.showcase_only:
                if showcase_open(contest):
                    groups, _entries = _showcase_rows(contest)
                    shown.append((contest, [r for _, group in groups for r in group]))
                continue
            version = final_version(contest) if contest.published else None
            if version is not None:
                entries = _published_entries(version)
                shown.append((contest, [r for r in version.rows if r["entry_id"] in entries]))
    if not shown:
        abort(404)
    return render_template("showcase/year.html", year=year, shown=shown, award_label=results.award_label)


@bp.route("/certificates/<number>")
def certificate(number: str):
    """The public check of a 获奖证书 (its QR code leads here): what it was
    awarded for, names partly masked; an unknown number answers 404 and says so."""
    found = certificates.verify(number)
    return render_template("showcase/certificate.html", number=number, found=found), 200 if found else 404
