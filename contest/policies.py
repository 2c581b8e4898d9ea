"""Who may do what: permission predicates on a user and an object, used by
views and templates alike. Where an object stands (open, editable, in the
vote) comes from contest/state.py; the gates that turn a "no" into a 401 or
403 live with the views (contest/view_gates.py)."""
from __future__ import annotations

from . import state
from .models import Contest, Entry, Programme, User
from .models.timestamps import utcnow
from .phases import shanghai_year


def _user(user) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def is_admin(user) -> bool:
    u = _user(user)
    return bool(u and u.has_role("admin"))


def can_use_console(user) -> bool:
    u = _user(user)
    return bool(u and (u.has_role("admin") or u.has_role("organiser")))


def organiser_units(user) -> set[int]:
    u = _user(user)
    return u.unit_ids_for("organiser") if u else set()


def can_create_contest(user) -> bool:
    return is_admin(user) or bool(organiser_units(user))


def can_lead_with(user, unit_id: int) -> bool:
    """May put a contest or programme under this unit's lead."""
    return is_admin(user) or unit_id in organiser_units(user)


def can_lead_contest(user, contest: Contest) -> bool:
    """The lead unit's organisers (and admins) decide who organises a contest
    and in which programme it stands; co-organisers edit the rest."""
    return can_lead_with(user, contest.lead_unit_id)


def can_add_to_programme(user, programme: Programme) -> bool:
    """Past programmes are archived as they were; only admins may touch them."""
    return is_admin(user) or programme.year >= shanghai_year(utcnow())


def can_manage_contest(user, contest: Contest) -> bool:
    """An organiser manages the contests its unit leads or co-organises."""
    if is_admin(user):
        return True
    return bool(organiser_units(user) & contest.organiser_unit_ids)


def can_manage_programme(user, programme: Programme) -> bool:
    return programme.lead_unit_id is not None and can_lead_with(user, programme.lead_unit_id) \
        or is_admin(user)


def can_view_contest(user, contest: Contest) -> bool:
    return contest.published or can_manage_contest(user, contest)


def can_manage_users(user) -> bool:
    return is_admin(user)


def unit_admin_units(user) -> set[int]:
    u = _user(user)
    return u.unit_ids_for("unit_admin") if u else set()


def is_unit_admin(user) -> bool:
    return bool(unit_admin_units(user))


def speaks_for_entry(user, entry: Entry) -> bool:
    """The owner, or an admin of the unit that submitted it on someone's behalf."""
    u = _user(user)
    if u is None:
        return False
    if entry.owner_id == u.id:
        return True
    return entry.on_behalf and entry.unit_id in unit_admin_units(u)


def is_judge(user) -> bool:
    u = _user(user)
    return bool(u and u.has_role("judge"))


def judges_entry(user, entry: Entry) -> bool:
    """An assignment of this entry to this judge that they have not stepped back from."""
    u = _user(user)
    if u is None or not u.has_role("judge"):
        return False
    return state.holds_assignment(u.id, entry.id)


def sees_as_judge_only(user, entry: Entry) -> bool:
    """Reaches the entry only as its judge: must not learn who made it."""
    return not speaks_for_entry(user, entry) and not can_manage_contest(user, entry.contest) \
        and judges_entry(user, entry)


def can_view_entry(user, entry: Entry) -> bool:
    if speaks_for_entry(user, entry):
        return True
    u = _user(user)
    if u is not None and entry.unit_id is not None and entry.unit_id in unit_admin_units(u):
        return entry.status != "draft"  # a unit sees its members' entries once sent
    return can_manage_contest(user, entry.contest) or judges_entry(user, entry)


def can_score(user, item) -> bool:
    u = _user(user)
    return bool(u and item.judge_id == u.id and item.state != "recused" and u.has_role("judge"))


def can_edit_entry(user, entry: Entry) -> bool:
    return speaks_for_entry(user, entry) and state.editable(entry)


def can_withdraw_entry(user, entry: Entry) -> bool:
    return speaks_for_entry(user, entry) and entry.status in ("draft", "submitted", "returned")


def can_screen_entry(user, entry: Entry) -> bool:
    return can_manage_contest(user, entry.contest)


def shown_in_open_vote(entry: Entry) -> bool:
    """Anyone may see the work (never who made it) while it is in an open public vote."""
    contest = entry.contest
    return contest.published and state.voting_open(contest, utcnow()) \
        and state.entry_in_voting(contest, entry.number) is entry


def shown_in_showcase(entry: Entry) -> bool:
    """Anyone may see a work in the published final result of a published
    contest, while it stays accepted (a withdrawn entry leaves the showcase)."""
    contest = entry.contest
    if not contest.published or entry.status != "accepted":
        return False
    if contest.showcase_only:
        return state.showcase_open(contest)
    final = state.final_version(contest)
    return final is not None and any(r["entry_id"] == entry.id for r in final.rows)


def can_vote(user, contest: Contest) -> bool:
    """A logged-in account; where the contest names districts, a resident of one."""
    u = _user(user)
    if u is None:
        return False
    return not contest.voting_districts or u.district in contest.voting_districts


def can_manage_votes(user, contest: Contest) -> bool:
    return can_manage_contest(user, contest)


def can_manage_results(user, contest: Contest) -> bool:
    return can_manage_contest(user, contest)


def can_export_personal_data(user, contest: Contest) -> bool:
    """Unmasked phone numbers in an export: the lead unit's organisers (who
    contact the winners), not every co-organiser; the export also needs a
    reason, and is audited."""
    return can_lead_contest(user, contest)



def can_issue_judge_link(user, target: User) -> bool:
    """An organiser hands out set-up links for judges only: never for an
    account that holds more than the judge's role, which it could take over."""
    return can_use_console(user) and target.has_role("judge") and target.roles <= {"judge", "entrant"}
