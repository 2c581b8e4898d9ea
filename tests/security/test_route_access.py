"""Every route has an expected answer for every role, and every mutating route
refuses a request without a CSRF token. A new route without a line here fails."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from contest.extensions import db, limiter
from contest.models import AuditEvent
from tests import factories, snapshot
from tests.conftest import csrf_token
from tests.factories import ROLES_UNDER_TEST

LOGGED_IN = [r for r in ROLES_UNDER_TEST if r != "anonymous"]


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES_UNDER_TEST, code)


def members(code: int) -> dict[str, int]:
    """Login required; any logged-in user gets `code`."""
    return {**everyone(code), "anonymous": 302}


def only(code: int, *roles: str, others: int = 403) -> dict[str, int]:
    """Login required; the named roles get `code`, other logged-in users `others`."""
    return {**members(others), **dict.fromkeys(roles, code)}


def admins(code: int) -> dict[str, int]:
    return only(code, "admin")


def organisers(code: int) -> dict[str, int]:
    """Any organiser (of any unit) and admins."""
    return only(code, "organiser_other", "organiser", "admin")


def contest_organisers(code: int) -> dict[str, int]:
    """Only the organiser of the unit that leads the world's contest, and admins."""
    return only(code, "organiser", "admin")


def guests(code: int) -> dict[str, int]:
    """Pages for the logged-out: a logged-in user is sent home."""
    return {**everyone(302), "anonymous": code}


def owner(code: int, viewers: int = 403) -> dict[str, int]:
    """The entrant's own entry: unknown to others (404), seen but not touched by
    the contest's organisers and admins (`viewers`)."""
    return {**only(code, "entrant", others=404), "organiser": viewers, "admin": viewers}


# (endpoint, method) -> role -> status. POSTs carry a valid token and an empty form.
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("public.index", "GET"): everyone(200),
    ("public.archive", "GET"): everyone(200),
    ("public.programme", "GET"): everyone(200),
    ("public.contest", "GET"): everyone(200),
    ("public.set_language", "POST"): everyone(302),
    ("accounts.login", "GET"): guests(200),
    ("accounts.login", "POST"): guests(200),
    ("accounts.register", "GET"): guests(200),
    ("accounts.register", "POST"): guests(200),
    ("accounts.logout", "POST"): members(302),
    ("accounts.password", "GET"): members(200),
    ("accounts.password", "POST"): members(200),
    ("accounts.profile", "GET"): members(200),
    ("accounts.profile", "POST"): members(200),
    ("admin.users", "GET"): admins(200),
    ("admin.user", "GET"): admins(200),
    ("admin.grant", "POST"): admins(422),
    ("admin.revoke", "POST"): admins(302),
    ("admin.units", "GET"): admins(200),
    ("admin.units", "POST"): admins(200),
    ("admin.audit_log", "GET"): admins(200),
    # An empty export form names no format: back to the log.
    ("admin.audit_export", "POST"): admins(302),
    ("admin.new_account", "GET"): admins(200),
    ("admin.new_account", "POST"): admins(200),
    # The entrant has a password: the page answers with the refusal.
    ("admin.setup_link", "POST"): admins(200),
    ("admin.units_template", "GET"): admins(200),
    ("admin.units_import", "GET"): admins(200),
    # No file: the form answers "choose the file".
    ("admin.units_import", "POST"): admins(200),
    ("organiser.people.judges", "GET"): organisers(200),
    ("organiser.people.invite_judge", "POST"): organisers(422),
    # The world's entrant is no judge: no link for them from the console.
    ("organiser.people.judge_setup_link", "POST"): members(403),
    ("admin.unit_edit", "GET"): admins(200),
    # The edit form is filled from the unit: an empty post saves it unchanged.
    ("admin.unit_edit", "POST"): admins(302),
    # The office still has members and contests: refused, back to the list.
    ("admin.unit_delete", "POST"): admins(302),
    # A tampered link is unknown to everyone.
    ("accounts.setup", "GET"): everyone(404),
    ("accounts.setup", "POST"): everyone(404),
    ("organiser.dashboard", "GET"): organisers(200),
    ("organiser.programmes.new_programme", "GET"): organisers(200),
    ("organiser.programmes.new_programme", "POST"): organisers(200),
    ("organiser.programmes.edit_programme", "GET"): contest_organisers(200),
    ("organiser.programmes.edit_programme", "POST"): contest_organisers(200),
    ("organiser.contests.new_contest", "GET"): organisers(200),
    ("organiser.contests.new_contest", "POST"): organisers(200),
    ("organiser.contests.contest", "GET"): contest_organisers(200),
    ("organiser.contests.edit_contest", "GET"): contest_organisers(200),
    ("organiser.contests.edit_contest", "POST"): contest_organisers(200),
    ("organiser.contests.new_category", "GET"): contest_organisers(200),
    ("organiser.contests.new_category", "POST"): contest_organisers(200),
    ("organiser.contests.edit_category", "GET"): contest_organisers(200),
    # The edit form is filled from the category: an empty post saves it unchanged.
    ("organiser.contests.edit_category", "POST"): contest_organisers(302),
    ("organiser.contests.delete_category", "POST"): contest_organisers(302),
    ("organiser.contests.publish_contest", "POST"): contest_organisers(302),
    ("organiser.screening.screening_list", "GET"): contest_organisers(200),
    ("organiser.screening.screening_bulk", "POST"): contest_organisers(400),  # no decision given
    ("organiser.screening.screening_entry", "GET"): contest_organisers(200),
    ("organiser.screening.screen", "POST"): contest_organisers(422),  # no decision given
    ("organiser.screening.sensitive_terms", "GET"): organisers(200),
    ("organiser.screening.sensitive_terms", "POST"): organisers(302),
    ("organiser.screening.delete_sensitive_term", "POST"): organisers(302),
    ("entrant.choose", "GET"): members(200),
    ("entrant.start", "POST"): members(400),  # no category given
    ("entrant.mine", "GET"): members(200),
    ("entrant.edit", "GET"): owner(200),
    ("entrant.edit", "POST"): owner(302),
    ("entrant.autosave", "POST"): owner(400),  # no JSON body
    ("entrant.upload", "POST"): owner(400),  # no file
    ("entrant.remove_file", "POST"): owner(302),
    ("entrant.submit", "GET"): owner(200),
    ("entrant.submit", "POST"): owner(200),  # pledge not ticked
    ("entrant.status", "GET"): owner(200, viewers=200),
    ("entrant.receipt", "GET"): owner(200),
    ("entrant.withdraw", "POST"): owner(302),
    ("files.download", "GET"): {**owner(200, viewers=200), "anonymous": 404},
    ("files.h5_member", "GET"): everyone(404),  # the token is not valid
    ("unit.unit_entries", "GET"): only(200, "unit_admin"),
    ("judge.home", "GET"): only(200, "judge"),
    ("judge.queue", "GET"): only(200, "judge"),
    ("judge.my_sheet", "GET"): only(200, "judge"),
    ("judge.score_page", "GET"): only(200, "judge"),
    ("judge.save_score", "POST"): only(302, "judge"),   # an empty draft saved, back to the queue
    ("judge.recuse", "POST"): only(302, "judge"),        # no reason: refused with a message
    ("organiser.judging.rounds_list", "GET"): contest_organisers(200),
    ("organiser.judging.new_round", "GET"): contest_organisers(200),
    ("organiser.judging.new_round", "POST"): contest_organisers(200),
    ("organiser.judging.edit_round", "GET"): contest_organisers(200),
    ("organiser.judging.edit_round", "POST"): contest_organisers(200),
    ("organiser.judging.round_view", "GET"): contest_organisers(200),
    ("organiser.judging.add_criterion", "POST"): contest_organisers(422),
    ("organiser.judging.delete_criterion", "POST"): contest_organisers(302),
    ("organiser.judging.add_panel_member", "POST"): contest_organisers(302),
    ("organiser.judging.remove_panel_member", "POST"): contest_organisers(302),
    ("organiser.judging.round_step", "POST"): contest_organisers(302),
    ("organiser.judging.round_results", "GET"): contest_organisers(200),
    ("organiser.judging.advance_entry", "POST"): contest_organisers(302),
    ("organiser.judging.declare_conflict", "POST"): contest_organisers(302),
    ("organiser.judging.round_scores", "GET"): contest_organisers(200),
    ("organiser.judging.judge_sheet_pdf", "GET"): contest_organisers(200),
    ("organiser.judging.summary_pdf", "GET"): contest_organisers(200),
    ("organiser.judging.judges_feedback", "POST"): contest_organisers(302),
    ("organiser.votes.votes_overview", "GET"): contest_organisers(200),
    ("organiser.votes.votes_settings", "POST"): contest_organisers(302),
    ("organiser.votes.votes_recount", "POST"): contest_organisers(302),
    ("organiser.votes.vote_flags_list", "GET"): contest_organisers(200),
    ("organiser.votes.vote_flags_scan", "POST"): contest_organisers(302),
    ("organiser.votes.vote_flag_decide", "POST"): contest_organisers(302),   # no action chosen: refused, back
    ("organiser.votes.vote_rows", "GET"): contest_organisers(200),
    ("organiser.results.results_overview", "GET"): contest_organisers(200),
    ("organiser.results.results_settings", "POST"): contest_organisers(302),
    ("organiser.results.results_decide", "POST"): contest_organisers(302),      # not in the ranking: refused, back
    ("organiser.results.results_apply", "POST"): contest_organisers(302),
    ("organiser.exports.exports_page", "GET"): contest_organisers(200),
    ("organiser.results.publicity_overview", "GET"): contest_organisers(200),
    ("organiser.results.publicity_version", "GET"): contest_organisers(200),
    ("organiser.results.publicity_publish", "POST"): contest_organisers(302),   # no days given: refused, back
    ("organiser.results.publicity_final", "POST"): contest_organisers(302),     # the window is open: refused, back
    ("organiser.results.publicity_phone", "POST"): contest_organisers(302),
    ("organiser.results.objection_decide", "POST"): contest_organisers(302),    # no decision chosen: refused, back
    ("showcase.publicity_page", "GET"): everyone(200),
    ("showcase.object_to", "POST"): everyone(302),          # logged out: to the login page; in: no entry chosen
    ("showcase.contest_showcase", "GET"): everyone(404),    # no final result yet
    ("showcase.entry", "GET"): everyone(404),
    ("showcase.year", "GET"): everyone(404),
    ("organiser.exports.export_download", "POST"): contest_organisers(302),   # no format chosen: refused, back
    ("organiser.exports.certificate_design", "POST"): contest_organisers(302),   # no design chosen: refused, back
    ("organiser.exports.certificate_pdf_download", "POST"): contest_organisers(302),   # no final result: back
    ("organiser.exports.certificates_batch", "POST"): contest_organisers(302),         # no final result: back
    ("showcase.certificate", "GET"): everyone(404),         # no such certificate: 证书编号不存在
    ("organiser.votes.votes_invalidate", "POST"): contest_organisers(302),
    ("vote.gallery", "GET"): everyone(200),
    ("vote.entry_page", "GET"): everyone(200),
    ("vote.captcha_picture", "GET"): everyone(200),
    ("vote.cast", "POST"): {**everyone(200), "anonymous": 403},   # JSON: a vote, or "please log in"
}
MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _build_world():
    """The shared world plus an open judging round in which the judge has an entry."""
    from contest.models import JudgeAssignment, PanelMember, RoundEntry
    from contest.services import judge_assignments, rounds, screening

    world = factories.build_world()
    organiser = world.users["organiser"]
    # Another entrant's picture goes to judging; the world's own entries stay as they are.
    judged = factories.image_entry(factories.user(name="另一位作者"), world.image_category, color=(9, 99, 199))
    screening.screen_entry(organiser, judged, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.image_category], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "top_n", "advance_value": 1})
    rounds.save_criterion(organiser, rnd, None, {"name": "画面", "max_points": 10})
    rounds.add_judge(organiser, rnd, world.image_category, world.users["judge"])
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    # The contest's public vote is open, with the judged entry in it.
    from datetime import timedelta

    from contest.models.timestamps import utcnow

    world.contest.voting_enabled = True
    world.contest.voting_start, world.contest.voting_end = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)
    world.voted_entry = judged
    from contest.models import VoteFlag

    world.vote_flag = VoteFlag(contest_id=world.contest.id, rule="rapid_multi_entry", key="k", voter_id=None,
                               start=utcnow(), end=utcnow(), vote_ids=[], evidence={"entries": 5, "seconds": 3.0})
    db.session.add(world.vote_flag)
    db.session.commit()
    # The contest's proposed result is in publicity, with one objection.
    from contest.models import Objection, ResultVersion

    row = {"entry_id": judged.id, "number": judged.number, "title": judged.title, "category_id": judged.category_id,
           "category": "图片组", "authors": "", "unit": "", "rank": 1, "final": 90.0, "judge": 90.0, "votes": 0,
           "vote_score": 0.0, "award": "first", "recommended": False, "reason": ""}
    version = ResultVersion(contest_id=world.contest.id, number=1, kind="publicity",
                            ends_at=utcnow() + timedelta(days=3), rows=[row])
    db.session.add(version)
    db.session.flush()
    world.objection = Objection(contest_id=world.contest.id, version_id=version.id, entry_id=judged.id,
                                user_id=world.users["entrant"].id, reason="理由", contact="联系")
    db.session.add(world.objection)
    db.session.commit()
    world.round = rnd
    world.assignment = db.session.scalars(db.select(JudgeAssignment)).one()
    world.panel_member = db.session.scalars(db.select(PanelMember)).one()
    world.round_entry = db.session.scalars(db.select(RoundEntry)).one()
    return world


def _url_values(world) -> dict:
    return {
        "user_id": world.users["entrant"].id,
        "unit_id": world.unit.id,
        "grant_id": world.users["entrant"].grants[0].id,
        "contest_id": world.contest.id,
        "category_id": world.category.id,
        "programme_id": world.programme.id,
        "slug": world.contest.slug,
        "entry_id": world.image_entry.id,
        "asset_id": world.image_entry.assets[0].id,
        "term_id": world.term.id,
        "token": "not-a-token",
        "name": "index.html",
        "variant": "thumb",
        "round_id": world.round.id,
        "judge_id": world.users["judge"].id,
        "assignment_id": world.assignment.id,
        "criterion_id": world.round.criteria[0].id,
        "member_id": world.panel_member.id,
        "round_entry_id": world.round_entry.id,
        "step": "close",
        "number": world.voted_entry.number,
        "flag_id": world.vote_flag.id,
        "kind": "ledger",
        "version_number": 1,
        "objection_id": world.objection.id,
        "year": world.programme.year,
    }


@dataclass(frozen=True)
class AccessWorld:
    """The module's world, built once: its rows and files, the ids its URLs
    need and each role's login."""
    snapshot: snapshot.Snapshot
    url_values: dict
    logins: dict[str, str]
    upload_dir: Path

    def restore(self) -> None:
        snapshot.restore(self.snapshot, self.upload_dir)


@pytest.fixture(scope="module")
def access_world(app, tmp_path_factory):
    upload_dir = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        world = _build_world()
        built = AccessWorld(snapshot.take(upload_dir, tmp_path_factory.mktemp("access") / "uploads"),
                            _url_values(world), {role: u.get_id() for role, u in world.users.items()}, upload_dir)
        db.session.remove()
        snapshot.clear_tables()
    snapshot.clear_dir(upload_dir)
    return built


@pytest.fixture
def world(access_world):
    """The module's world, as built, in this test's database."""
    access_world.restore()
    return access_world


def _login(client, world: AccessWorld, role: str) -> None:
    """Log a client in as the login view would (session holds only ids)."""
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world.logins[role]
            session["_fresh"] = True


def _url(app, endpoint: str, world: AccessWorld) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{k: world.url_values[k] for k in rule.arguments})


def test_every_route_has_an_access_rule(app):
    routes = {(rule.endpoint, method) for rule, method in _rules(app)}
    assert routes - EXPECTED.keys() == set(), "routes without an access rule in EXPECTED"
    assert EXPECTED.keys() - routes == set(), "access rules for routes that no longer exist"


def _check(app, world: AccessWorld, endpoint: str, method: str, role: str) -> list[str]:
    """One case on the world as built: what went wrong, if anything."""
    client = app.test_client()
    _login(client, world, role)
    url = _url(app, endpoint, world)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client)   # in the form and the header: the vote (an XHR) reads the header only
        response = client.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    response.close()  # file responses hold their file open until closed
    expected = EXPECTED[(endpoint, method)][role]
    case = f"{role} {method} {url} ({endpoint})"
    if response.status_code != expected:
        return [f"{case}: expected {expected}, got {response.status_code}"]
    problems = []
    if expected == 302 and role == "anonymous" and endpoint not in (
            "public.set_language", "accounts.login", "accounts.register"):
        if "/account/login" not in response.headers["Location"]:
            problems.append(f"{case}: sent to {response.headers['Location']}, not to the login page")
    if expected == 403 and response.mimetype == "text/html":
        if "无权访问" not in response.get_data(as_text=True):
            problems.append(f"{case}: a 403 page without 无权访问")
    return problems


@pytest.mark.parametrize("role", ROLES_UNDER_TEST)
def test_route_answers_each_role_as_expected(app, world, role):
    """Every route for this role, each case on the world exactly as built:
    the world is put back after every POST, whether or not its writes were
    seen, and after a GET that wrote rows or files; the limits start afresh
    for each case. Every failing case is named."""
    problems = []
    for endpoint, method in sorted(EXPECTED):
        files = snapshot.dir_state(world.upload_dir)
        limiter.reset()
        with snapshot.watching_writes() as writes:
            problems += _check(app, world, endpoint, method, role)
        if method in MUTATING or writes or snapshot.dir_state(world.upload_dir) != files:
            world.restore()
    assert not problems, f"{len(problems)} of {len(EXPECTED)} routes answer {role} wrongly:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_mutating_route_refuses_a_request_without_a_token(app, client, world, role):
    _login(client, world, role)
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    checked = 0
    for rule, method in _rules(app):
        if method not in MUTATING:
            continue
        url = _url(app, rule.endpoint, world)
        response = client.open(url, method=method, data={"lang": "en", "role": "admin", "name": "x"})
        assert response.status_code == 400, f"{method} {url} accepted a request without a CSRF token"
        assert "表单已过期" in response.get_data(as_text=True)
        # A forged header or a token from another session does not help either.
        forged = client.open(url, method=method, data={"csrf_token": "forged"},
                             headers={"X-CSRFToken": "forged"})
        assert forged.status_code == 400
        checked += 1
    assert checked >= 10
    after = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    assert after == before, "a refused request changed something"
