"""The per-unit quota (名额): set on the category form, shown to the unit before
it is hit, and enforced for every entry that carries the unit's name."""
import threading
from datetime import date

import pytest

from contest.extensions import db
from contest.models import Category, Entry
from contest.services import entries
from contest.services.errors import ServiceError
from tests import factories
from tests.conftest import csrf_token, login


def _post(client, url, data, page=None):
    return client.post(url, data=dict(data, csrf_token=csrf_token(client, page or url)))


def _send_for_unit(client, world, authors="张三"):
    return _post(client, f"/contests/{world.contest.slug}/entries",
                 {"category": str(world.category.id), "on_behalf": "1", "authors": authors},
                 f"/contests/{world.contest.slug}/enter")


def _unit_entries(world) -> int:
    return db.session.scalar(db.select(db.func.count(Entry.id)).where(
        Entry.unit_id == world.users["unit_admin"].unit.id))


def test_the_category_form_sets_the_unit_quota(client, world):
    login(client, world.users["organiser"])
    page = client.get(f"/console/categories/{world.category.id}/edit").get_data(as_text=True)
    assert 'name="unit_quota"' in page and "每个报送单位限报件数" in page
    r = _post(client, f"/console/categories/{world.category.id}/edit",
              {"code": "A", "name": "网络故事", "kind": "story", "min_chars": "800", "unit_quota": "2"})
    assert r.status_code == 302
    assert db.session.get(Category, world.category.id).unit_quota == 2
    r = _post(client, f"/console/categories/{world.category.id}/edit",
              {"code": "A", "name": "网络故事", "kind": "story", "unit_quota": "-1"})
    assert r.status_code == 200 and db.session.get(Category, world.category.id).unit_quota == 2


def test_a_members_own_entry_counts_against_the_units_quota(world):
    """The path that bypassed it: the administrator sent the unit's one entry,
    then a member of the same unit entered on their own, under the unit's name."""
    world.category.unit_quota = 1
    admin = world.users["unit_admin"]
    factories.entry(admin, world.category, on_behalf_unit=admin.unit, authors=["张三"])
    member = factories.user(unit_=admin.unit, name="一中学生")
    member.birth_date = date(2000, 1, 1)
    with pytest.raises(ServiceError) as refused:
        entries.start_entry(member, world.category)
    assert "本单位在该组别的1个名额已用完" in refused.value.message
    assert _unit_entries(world) == 1


def test_a_members_draft_holds_the_place_and_a_submit_beyond_it_is_refused(world):
    admin = world.users["unit_admin"]
    member = factories.user(unit_=admin.unit, name="一中学生")
    member.birth_date = date(2000, 1, 1)
    draft = factories.entry(member, world.category, submit=False)
    sent = factories.entry(admin, world.category, on_behalf_unit=admin.unit, authors=["张三"], submit=False)
    world.category.unit_quota = 1   # set after both drafts were started
    with pytest.raises(ServiceError):
        entries.submit_entry(admin, sent, pledge=True, licence=True, ip=None)
    entries.withdraw_entry(member, draft)
    entries.submit_entry(admin, sent, pledge=True, licence=True, ip=None)
    assert sent.status == "submitted"


def test_a_unit_admin_may_still_enter_in_person(world):
    """What the administrator sends for the unit is not counted as their own entry."""
    admin = world.users["unit_admin"]
    factories.entry(admin, world.category, on_behalf_unit=admin.unit, authors=["张三"])
    own = factories.entry(admin, world.category)
    assert own.status == "submitted" and not own.on_behalf


def test_the_enter_page_shows_the_units_quota_and_stops_offering_it_when_full(client, world):
    world.category.unit_quota = 1
    db.session.commit()
    login(client, world.users["unit_admin"])
    page = client.get(f"/contests/{world.contest.slug}/enter").get_data(as_text=True)
    unit_form = f'id="authors-{world.category.id}"'
    assert "珠海市第一中学在本组别已报0件（名额1件）" in page and unit_form in page
    assert _send_for_unit(client, world).status_code == 302
    page = client.get(f"/contests/{world.contest.slug}/enter").get_data(as_text=True)
    assert "珠海市第一中学在本组别已报1件（名额1件）" in page and unit_form not in page
    r = _send_for_unit(client, world, "李四")
    assert r.status_code == 302 and _unit_entries(world) == 1
    assert "名额已用完" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_the_unit_page_shows_used_and_limit_and_tells_years_apart(client, world):
    admin = world.users["unit_admin"]
    old_programme = factories.programme(year=2020, lead=world.unit)
    old = factories.contest(old_programme, world.unit, title=world.contest.title)
    old_cat = factories.category(old)
    old_cat.unit_quota, world.category.unit_quota = 3, 2
    old_entry = factories.entry(admin, old_cat, on_behalf_unit=admin.unit, authors=["张三"])
    factories.entry(admin, world.category, on_behalf_unit=admin.unit, authors=["李四"])
    db.session.commit()
    login(client, admin)
    page = client.get("/unit/entries").get_data(as_text=True)
    year = world.programme.year
    assert f"测试征集活动（{year}年，{world.contest.code}）" in page
    assert f"测试征集活动（2020年，{old.code}）" in page
    assert "已用 / 上限" in page and "1 / 2" in page and "1 / 3" in page
    # This year's contest comes first.
    assert page.index(f"{year}年，{world.contest.code}") < page.index("2020年")
    assert old_entry.number in page


def test_members_starting_at_once_get_one_place_between_them(app, world):
    """Five people of one unit press the button in the same instant; the unit
    has one place: one entry is made (the count is taken under a lock)."""
    world.category.unit_quota = 1
    school = world.users["unit_admin"].unit
    people = [factories.user(unit_=school, name=f"一中学生{i}") for i in range(5)]
    db.session.commit()
    url, category = f"/contests/{world.contest.slug}/entries", str(world.category.id)
    clients = []
    for person in people:
        c = app.test_client()
        login(c, person)
        clients.append((c, csrf_token(c, f"/contests/{world.contest.slug}/enter")))
    barrier = threading.Barrier(len(clients))

    def go(c, token):
        barrier.wait()
        c.post(url, data={"category": category, "csrf_token": token})

    threads = [threading.Thread(target=go, args=row) for row in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert _unit_entries(world) == 1
