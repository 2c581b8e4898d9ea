"""The voter's pages: a gallery in a fair shuffled order, an entry page with
the vote button, share link and QR code, and the vote itself as an XHR
answering JSON."""
from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, abort, current_app, jsonify, make_response, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, same_origin, validate_csrf
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from wtforms import ValidationError

from ..extensions import csrf, db, limiter
from ..forms_common import saving
from ..h5_links import h5_src_for
from ..models import Contest, Entry
from ..models.timestamps import utcnow
from ..policies import can_vote
from ..qr import status_qr_svg
from ..services import accounts, audit, votes
from ..state import entry_in_voting, voting_entries, voting_open
from . import captcha, limits

bp = Blueprint("vote", __name__)
PER_PAGE = 24
DEVICE_COOKIE = "vdev"


def _contest(slug: str) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug, Contest.published.is_(True)))
    if contest is None or not contest.voting_enabled:
        abort(404)
    return contest


def _seed() -> str:
    """The voter's own shuffle: the same order on every visit, a different one
    for each voter, so no entry is always on the first screen."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return session.setdefault("vote_seed", secrets.token_hex(8))


def _with_device_cookie(response):
    if not request.cookies.get(DEVICE_COOKIE):
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/vote/<slug>")
def gallery(slug: str):
    contest = _contest(slug)
    q = (request.args.get("q") or "").strip()[:50]
    sort = request.args.get("sort", "shuffle")
    if sort not in ("shuffle", "number", "votes") or sort == "votes" and not contest.show_vote_counts:
        sort = "shuffle"
    query = voting_entries(contest).with_only_columns(Entry.id, Entry.number)
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Entry.number.ilike(like, escape="\\"), Entry.title.ilike(like, escape="\\")))
    found = db.session.execute(query).all()
    counts = votes.tallies(contest)
    if sort == "number":
        found.sort(key=lambda r: r.number or "")
    elif sort == "votes":
        found.sort(key=lambda r: (-counts.get(r.id, 0), r.number or ""))
    else:
        seed = _seed()
        found.sort(key=lambda r: hashlib.sha256(f"{seed}:{r.id}".encode()).digest())
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    ids = [r.id for r in found[(page - 1) * PER_PAGE: page * PER_PAGE]]
    loaded = {e.id: e for e in db.session.scalars(
        select(Entry).where(Entry.id.in_(ids)).options(selectinload(Entry.assets), selectinload(Entry.category)))}
    shown = [loaded[i] for i in ids]
    now = utcnow()
    response = make_response(render_template(
        "vote/gallery.html", contest=contest, entries=shown, counts=counts, q=q, sort=sort, page=page,
        pages=pages, total=len(found), open_now=voting_open(contest, now), **_voter_state(contest, now)))
    return _with_device_cookie(response)


def _voter_state(contest: Contest, now) -> dict:
    if not current_user.is_authenticated:
        return {"remaining": None, "voted": set(), "may_vote": False}
    return {"remaining": votes.remaining_today(contest, current_user, now),
            "voted": votes.voted_today(contest, current_user, now), "may_vote": can_vote(current_user, contest)}


@bp.route("/vote/<slug>/<number>")
def entry_page(slug: str, number: str):
    contest = _contest(slug)
    entry = entry_in_voting(contest, number) or abort(404)
    link = url_for("vote.entry_page", slug=slug, number=number, _external=True)
    now = utcnow()
    response = make_response(render_template(
        "vote/entry.html", contest=contest, entry=entry, link=link, qr=status_qr_svg(link),
        count=votes.tallies(contest).get(entry.id, 0), h5_src=h5_src_for(entry),
        open_now=voting_open(contest, now), **_voter_state(contest, now)))
    return _with_device_cookie(response)


def _answer(status: int, message: str, remaining: int | None = None, **extra):
    body = {"ok": status == 200, "message": message, "remaining_today": remaining, **extra}
    return jsonify(body), status


def _address() -> str:
    return audit.hash_ip(request.remote_addr) or "-"


def _check_csrf_header() -> None:
    """Flask-WTF's check for a token sent in a header (the vote is an XHR; its
    body is never parsed as a form): the signed token must be valid, young
    enough and this session's; over HTTPS the Referer must be this host
    (WTF_CSRF_SSL_STRICT), as CSRFProtect checks it. Raises CSRFError (a 400)."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return
    token = next(filter(None, (request.headers.get(name) for name in current_app.config["WTF_CSRF_HEADERS"])),
                 None)
    try:
        validate_csrf(token)
    except ValidationError as refused:
        raise CSRFError(refused.args[0]) from None
    if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
        if not request.referrer:
            raise CSRFError("The referrer header is missing.")
        if not same_origin(request.referrer, f"https://{request.host}/"):
            raise CSRFError("The referrer does not match the host.")


@bp.route("/vote/<slug>/<number>", methods=["POST"])
@limiter.exempt   # counts its own limits, in one round trip (limits.hit_all)
@csrf.exempt      # the token comes in the header, checked first thing (_check_csrf_header)
def cast(slug: str, number: str):
    _check_csrf_header()
    # The busiest route: the voter is read with the contest and the entry in one
    # query (session id and version checked as the login loader does), not
    # loaded through Flask-Login's ORM user.
    contest, entry_id, voter = votes.settings_for(slug, number, accounts.session_account(session.get("_user_id")))
    if contest is None or not contest.voting_enabled:
        return _answer(404, _("No entry with this number is in the vote."))
    if voter is None:
        return _answer(403, _("Please log in to vote."), login=url_for("accounts.login", next=request.referrer))
    address = _address()
    # Counted together (one round trip on Redis). The captcha's count per address
    # counts every try: a request over that limit is over it whether or not it
    # is counted, and one solved captcha lets the voter go on.
    per_account, per_address, captcha_count = limits.hit_all(
        ("VOTE_LIMIT_PER_ACCOUNT", ("vote-account", str(voter.id))), ("VOTE_LIMIT_PER_IP", ("vote-ip", address)),
        ("VOTE_CAPTCHA_AFTER", ("vote-address", address)))
    if not (per_account and per_address):
        return _answer(429, _("Too many votes in a short time. Please wait a minute and try again."))
    busy = not captcha_count
    # The body holds nothing but a captcha answer: read only when one is needed.
    if busy and not captcha.solved_recently(voter.id) and not captcha.check(
            (request.get_json(silent=True) or {}).get("captcha"), voter.id):
        return _answer(428, _("Many votes come from your network. Please type the characters in the picture."),
                       captcha=url_for("vote.captcha_picture", t=secrets.token_hex(4)))
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or None
    device = f"{request.cookies.get(DEVICE_COOKIE, '')}|{request.user_agent.string[:300]}"
    with saving(refusals=votes.VoteRefused, show=False) as outcome:
        ballot = votes.ballot_for(contest, entry_id, voter, ip=request.remote_addr or "", device=device,
                                  idempotency_key=key)
        counted = votes.cast(ballot)
    if outcome.error is not None:
        return _answer(outcome.error.status, outcome.error.message, outcome.error.remaining)
    return _answer(200, _("Thank you: your vote is counted. %(n)d left today.", n=counted.remaining_today),
                   counted.remaining_today, replayed=counted.replayed)


@bp.route("/vote/captcha.png")
@limiter.limit("30 per minute")
def captcha_picture():
    response = make_response(captcha.new_picture())
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    return response
