"""The entrant's journey through the real routes."""
import json
import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from contest.extensions import db
from contest.models import AuditEvent, Entry, EntryEvent
from tests import factories
from tests.conftest import csrf_token, login

LONG_STORY = "<p>" + "好网民在身边，传递正能量。" * 80 + "</p>"


def _post(client, url, data, page=None):
    return client.post(url, data=dict(data, csrf_token=csrf_token(client, page or "/")))


def _start(client, world, category=None):
    cat = category or world.category
    return _post(client, f"/contests/{world.contest.slug}/entries", {"category": str(cat.id)},
                 f"/contests/{world.contest.slug}/enter")


def _autosave(client, entry_id, version, **fields):
    return client.post(f"/entries/{entry_id}/autosave", data=json.dumps({"version": version, **fields}),
                       headers={"X-CSRFToken": csrf_token(client), "Content-Type": "application/json"})


def _submit(client, entry_id, **extra):
    data = {"pledge": "y", "licence": "y", **extra}
    return _post(client, f"/entries/{entry_id}/submit", data, f"/entries/{entry_id}/submit")


def _newest(user) -> Entry:
    return db.session.scalars(db.select(Entry).where(Entry.owner_id == user.id).order_by(Entry.id.desc())).first()


def test_story_journey_from_draft_to_receipt(client, world):
    netizen = factories.user(name="王小明")
    login(client, netizen)
    r = _start(client, world)
    assert r.status_code == 302 and "/edit" in r.headers["Location"]
    entry = _newest(netizen)
    assert entry.status == "draft" and entry.number is None

    r = _autosave(client, entry.id, entry.version, title="我的好网民故事", body=LONG_STORY)
    answer = r.get_json()
    assert r.status_code == 200 and answer["ok"] and re.fullmatch(r"\d\d:\d\d", answer["saved_at"])
    # 13 characters (punctuation counts, markup does not) written 80 times.
    assert answer["chars"] == 13 * 80
    entry = db.session.get(Entry, entry.id)
    assert entry.title == "我的好网民故事" and entry.body_chars == 1040

    r = _submit(client, entry.id, birth_date="1990-05-01")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/entries/{entry.id}/receipt")
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "submitted" and entry.number == f"{world.contest.code}-A-0002"
    assert entry.pledge_at and entry.licence_at and entry.consent_ip_hash
    receipt = client.get(f"/entries/{entry.id}/receipt").get_data(as_text=True)
    assert entry.number in receipt and "<svg" in receipt
    mine = client.get("/me/entries").get_data(as_text=True)
    assert entry.number in mine and "我的好网民故事" in mine
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "entry.submit"))


def test_story_length_is_enforced_on_submit_but_the_draft_is_kept(client, world):
    netizen = factories.user()
    netizen.birth_date = date(1990, 1, 1)
    login(client, netizen)
    _start(client, world)
    entry = _newest(netizen)
    _autosave(client, entry.id, entry.version, title="太短", body="<p>太短了</p>")
    r = _submit(client, entry.id)
    assert r.status_code == 200
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "draft" and entry.number is None
    assert entry.body == "<p>太短了</p>"  # nothing lost


def test_autosave_refuses_a_stale_copy_from_another_tab(client, world):
    netizen = factories.user()
    login(client, netizen)
    _start(client, world)
    entry = _newest(netizen)
    first = entry.version
    assert _autosave(client, entry.id, first, title="第一个标签页").status_code == 200
    r = _autosave(client, entry.id, first, title="第二个标签页（旧版本）")
    assert r.status_code == 409 and r.get_json()["conflict"] is True
    assert db.session.get(Entry, entry.id).title == "第一个标签页"


def test_a_save_committed_meanwhile_by_another_tab_is_seen_before_overwriting(world):
    """The copy in hand was read before the other tab's save committed: the
    service reads the row again under a lock instead of trusting that copy."""
    from contest.services import entries as entry_service

    entry = factories.entry(factories.user(), world.category, submit=False)
    db.session.commit()
    seen = entry.version
    db.session().expire_on_commit = False
    db.session.commit()   # ends the read, keeps the copy in hand as it was
    with db.engine.begin() as other_tab:
        other_tab.execute(db.update(Entry).where(Entry.id == entry.id).values(
            title="另一个标签页", version=Entry.version + 1))
    with pytest.raises(entry_service.EditConflict):
        entry_service.save_draft(entry, {"title": "旧副本"}, expected_version=seen)
    db.session.rollback()
    assert db.session.get(Entry, entry.id).title == "另一个标签页"


def test_autosave_needs_the_csrf_header(client, world):
    netizen = factories.user()
    login(client, netizen)
    _start(client, world)
    entry = _newest(netizen)
    r = client.post(f"/entries/{entry.id}/autosave", data=json.dumps({"title": "x"}),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and db.session.get(Entry, entry.id).title == ""


def test_the_per_category_limit(client, world):
    entrant = world.users["entrant"]  # already holds one entry in world.category (limit 1)
    login(client, entrant)
    r = _start(client, world)
    assert r.status_code == 302 and "/enter" in r.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Entry.id)).where(
        Entry.owner_id == entrant.id, Entry.category_id == world.category.id)) == 1
    # A withdrawn entry frees its place, and its number is never given again.
    number = world.entry.number
    _post(client, f"/entries/{world.entry.id}/withdraw", {}, f"/entries/{world.entry.id}")
    assert db.session.get(Entry, world.entry.id).status == "withdrawn"
    assert _start(client, world).status_code == 302
    fresh = _newest(entrant)
    _autosave(client, fresh.id, fresh.version, title="重新投稿", body=LONG_STORY)
    _submit(client, fresh.id)
    fresh = db.session.get(Entry, fresh.id)
    assert fresh.number != number and fresh.number.endswith("-0002")


def test_edit_until_the_deadline_then_read_only(client, world):
    entrant = world.users["entrant"]
    login(client, entrant)
    assert client.get(f"/entries/{world.entry.id}/edit").status_code == 200
    world.contest.submission_end = datetime.now(UTC) - timedelta(minutes=1)
    world.contest.submission_start = datetime.now(UTC) - timedelta(days=5)
    db.session.commit()
    r = client.get(f"/entries/{world.entry.id}/edit")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/entries/{world.entry.id}")
    r = _autosave(client, world.entry.id, world.entry.version, title="截止后修改")
    assert r.status_code == 403
    assert db.session.get(Entry, world.entry.id).title != "截止后修改"


def test_eligibility_is_checked_with_a_reason(client, world):
    world.contest.eligible_districts = ["斗门区"]
    db.session.commit()
    netizen = factories.user()  # lives in 香洲区
    login(client, netizen)
    page = client.get(f"/contests/{world.contest.slug}/enter").get_data(as_text=True)
    assert "斗门区" in page
    r = _start(client, world)
    assert r.status_code == 302 and _newest(netizen) is None


def test_under_14_needs_a_guardian(client, world):
    child = factories.user(name="小学生")
    login(client, child)
    _start(client, world)
    entry = _newest(child)
    _autosave(client, entry.id, entry.version, title="我的战疫故事", body=LONG_STORY)
    ten_years_ago = date.today().replace(year=date.today().year - 10)
    r = _submit(client, entry.id, birth_date=ten_years_ago.isoformat())
    assert r.status_code == 200 and db.session.get(Entry, entry.id).status == "draft"
    # The refused form comes back with the date still filled in; now with consent.
    r = _submit(client, entry.id, birth_date=ten_years_ago.isoformat(), guardian_name="小学生家长")
    assert r.status_code == 302
    entry = db.session.get(Entry, entry.id)
    assert entry.guardian_name == "小学生家长" and entry.guardian_consent_at is not None


def test_numbers_are_unique_when_many_submit_at_once(app, world):
    """Six entrants press submit in the same instant: six different numbers."""
    people = [factories.user(name=f"网民{i}") for i in range(6)]
    drafts = []
    for person in people:
        person.birth_date = date(1990, 1, 1)
        drafts.append(factories.entry(person, world.category, submit=False))
    db.session.commit()
    clients = []
    for person, draft in zip(people, drafts, strict=True):
        c = app.test_client()
        login(c, person)
        clients.append((c, draft.id, csrf_token(c, f"/entries/{draft.id}/submit")))
    barrier = threading.Barrier(len(clients))
    codes = []

    def go(c, entry_id, token):
        barrier.wait()
        codes.append(c.post(f"/entries/{entry_id}/submit",
                            data={"pledge": "y", "licence": "y", "csrf_token": token}).status_code)

    threads = [threading.Thread(target=go, args=row) for row in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302] * 6
    db.session.expire_all()
    numbers = [db.session.get(Entry, d.id).number for d in drafts]
    assert len(set(numbers)) == 6
    # The world's own entry holds 0001: the six take 0002 to 0007, none skipped, none twice.
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(2, 8))


def test_unit_admin_submits_for_members_within_the_quota(client, world):
    world.category.unit_quota = 1
    db.session.commit()
    admin_of_school = world.users["unit_admin"]
    login(client, admin_of_school)
    r = _post(client, f"/contests/{world.contest.slug}/entries",
              {"category": str(world.category.id), "on_behalf": "1", "authors": "张三、李四"},
              f"/contests/{world.contest.slug}/enter")
    assert r.status_code == 302
    entry = _newest(admin_of_school)
    assert entry.on_behalf and entry.unit.name == "珠海市第一中学"
    assert [a.name for a in entry.authors] == ["张三", "李四"]
    _autosave(client, entry.id, entry.version, title="一中学生的故事", body=LONG_STORY, author_phone="13712345678")
    assert _submit(client, entry.id).status_code == 302
    listing = client.get("/unit/entries").get_data(as_text=True)
    assert "一中学生的故事" in listing and "1 / 1" in listing
    r = _post(client, f"/contests/{world.contest.slug}/entries",
              {"category": str(world.category.id), "on_behalf": "1", "authors": "王五"},
              f"/contests/{world.contest.slug}/enter")
    assert db.session.scalar(db.select(db.func.count(Entry.id)).where(Entry.on_behalf.is_(True))) == 1


def test_status_history_is_kept(world):
    events = db.session.scalars(db.select(EntryEvent).where(EntryEvent.entry_id == world.entry.id)).all()
    assert [e.to_status for e in events] == ["draft", "submitted"]


def test_nominations_are_made_by_units(client, world):
    nominations = factories.category(world.contest, code="N", kind="nomination", name="先进个人",
                                     min_chars=None, max_chars=3000)
    db.session.commit()
    netizen = factories.user()
    login(client, netizen)
    r = _start(client, world, nominations)
    assert r.status_code == 302 and _newest(netizen) is None
    login(client, world.users["unit_admin"])
    r = _post(client, f"/contests/{world.contest.slug}/entries",
              {"category": str(nominations.id), "on_behalf": "1", "authors": "推荐人"},
              f"/contests/{world.contest.slug}/enter")
    entry = _newest(world.users["unit_admin"])
    assert r.status_code == 302 and entry.category_id == nominations.id and entry.on_behalf
    _autosave(client, entry.id, entry.version, title="推荐材料", nominee_name="李红", nominee_kind="person",
              body="<p>" + "长期在网上开展公益科普。" * 20 + "</p>")
    page = _submit(client, entry.id).get_data(as_text=True)
    assert "请填写被推荐对象的联系电话" in page and "请填写被推荐对象的工作单位及职务" in page
    _autosave(client, entry.id, db.session.get(Entry, entry.id).version, nominee_phone="0756-2212345",
              nominee_post="珠海市科技馆 科普讲解员")
    assert _submit(client, entry.id).status_code == 302
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "submitted" and entry.nominee_name == "李红" and entry.nominee_kind == "person"
