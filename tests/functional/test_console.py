from contest.extensions import db
from contest.models import AuditEvent, Category, Contest, Programme
from tests import factories
from tests.conftest import csrf_token, login


def _form(world, **overrides):
    data = {
        "programme": str(world.programme.id), "code": "GS27", "slug": "2027-stories",
        "title": "好网民故事征集", "theme": "讲好网民故事",
        "description": '<p>说明<script>alert(1)</script><img src=x onerror=alert(2)></p>',
        "rules": "<ul><li>原创</li></ul>", "recommended_to": "南粤好网民故事",
        "lead_unit": str(world.unit.id), "co_units": [str(world.other_unit.id)],
        "min_age": "", "max_age": "", "eligible_districts": ["香洲区", "斗门区"],
        "eligible_unit_kinds": ["school"], "real_name_required": "y",
        "submission_start": "2027-05-01T09:00", "submission_end": "2027-06-30T18:00",
        "screening_end": "2027-07-10T18:00", "voting_start": "", "voting_end": "",
        "judging_start": "2027-07-11T09:00", "judging_end": "2027-07-31T18:00",
        "publicity_start": "2027-08-01T09:00", "publicity_end": "2027-08-08T18:00",
        "results_at": "2027-08-10T09:00",
        "entries_per_entrant": "2", "votes_per_day": "5", "vote_weight": "0", "published": "y",
    }
    data.update(overrides)
    return data


def _post(client, url, data):
    data = dict(data, csrf_token=csrf_token(client, url))
    return client.post(url, data=data)


def test_organiser_creates_a_contest_with_sanitised_description(client, world):
    login(client, world.users["organiser"])
    r = _post(client, "/console/contests/new", _form(world))
    assert r.status_code == 302, r.get_data(as_text=True)
    c = db.session.scalar(db.select(Contest).where(Contest.code == "GS27"))
    assert "<script" not in c.description and "onerror" not in c.description
    assert "说明" in c.description
    assert c.eligible_districts == ["香洲区", "斗门区"] and c.entries_per_entrant == 2
    assert [u.id for u in c.co_units] == [world.other_unit.id]
    # 09:00 Beijing time is 01:00 UTC.
    assert c.submission_start.hour == 1 and c.submission_start.utcoffset().total_seconds() == 0
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "contest.create"))
    page = client.get(f"/console/contests/{c.id}/edit").get_data(as_text=True)
    assert 'value="2027-05-01T09:00"' in page


def test_invalid_contest_shows_every_error_by_its_field_and_saves_nothing(client, world):
    login(client, world.users["organiser"])
    before = db.session.scalar(db.select(db.func.count(Contest.id)))
    r = _post(client, "/console/contests/new", _form(
        world, code=world.contest.code, slug="Bad Slug!", submission_end="2027-04-01T09:00",
        entries_per_entrant="0"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "该代码已被其他活动使用" in html
    assert "只能包含小写字母" in html
    assert "该时间须晚于上一项时间" in html
    assert "请输入1至50之间的数字" in html
    assert db.session.scalar(db.select(db.func.count(Contest.id))) == before


def test_organiser_cannot_put_a_contest_under_another_unit(client, world):
    login(client, world.users["organiser_other"])
    r = _post(client, "/console/contests/new", _form(world, lead_unit=str(world.unit.id)))
    # The lead unit is not among the choices offered to this organiser.
    assert r.status_code == 200
    assert db.session.scalar(db.select(Contest).where(Contest.code == "GS27")) is None


def test_co_organiser_may_edit_but_keeps_the_lead(client, world):
    world.contest.co_units = [world.other_unit]
    db.session.commit()
    login(client, world.users["organiser_other"])
    edit = f"/console/contests/{world.contest.id}/edit"
    assert client.get(edit).status_code == 200
    same = dict(code=world.contest.code, slug=world.contest.slug, co_units=[str(world.other_unit.id)])
    r = _post(client, edit, _form(world, title="改名后的活动", **same))
    assert r.status_code == 302
    c = db.session.get(Contest, world.contest.id)
    assert c.title == "改名后的活动" and c.lead_unit_id == world.unit.id
    assert [u.id for u in c.co_units] == [world.other_unit.id]


def test_co_organiser_cannot_take_over_the_contest(client, world):
    world.contest.co_units = [world.other_unit]
    db.session.commit()
    login(client, world.users["organiser_other"])
    edit = f"/console/contests/{world.contest.id}/edit"
    base = dict(code=world.contest.code, slug=world.contest.slug, title="夺权")
    takeover = _post(client, edit, _form(world, lead_unit=str(world.other_unit.id), co_units=[], **base))
    dropped = _post(client, edit, _form(world, co_units=[], **base))
    for r in (takeover, dropped):
        assert r.status_code == 200 and "只有主办单位" in r.get_data(as_text=True)
    c = db.session.get(Contest, world.contest.id)
    assert c.lead_unit_id == world.unit.id and [u.id for u in c.co_units] == [world.other_unit.id]
    assert c.title != "夺权"
    # The lead's own organiser still manages it.
    login(client, world.users["organiser"])
    assert client.get(edit).status_code == 200


def test_archived_programme_takes_no_new_contests(client, world):
    old = factories.programme(year=2020, lead=world.unit, title="珠海市2020年争做中国好网民工程")
    db.session.commit()
    login(client, world.users["organiser"])
    page = client.get("/console/contests/new").get_data(as_text=True)
    assert "珠海市2020年争做中国好网民工程" not in page
    r = _post(client, "/console/contests/new", _form(world, programme=str(old.id)))
    assert r.status_code == 200
    assert db.session.scalar(db.select(Contest).where(Contest.code == "GS27")) is None


def test_contest_update_records_what_changed(client, world):
    login(client, world.users["organiser"])
    edit = f"/console/contests/{world.contest.id}/edit"
    _post(client, edit, _form(world, code=world.contest.code.lower(), slug=world.contest.slug.upper(),
                              title="新标题", co_units=[]))
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "contest.update")
                               .order_by(AuditEvent.id)).all()[-1]
    assert "title" in event.details["changed"] and "code" not in event.details["changed"]
    assert event.ip_hash


def test_phase_dates_must_run_in_order_across_windows(client, world):
    login(client, world.users["organiser"])
    r = _post(client, "/console/contests/new", _form(
        world, judging_start="2027-06-01T09:00", judging_end="2027-06-20T09:00",   # before the deadline
        results_at="2027-06-10T09:00", publicity_start="2027-08-01T09:00", publicity_end=""))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert html.count("该时间须晚于上一项时间") >= 2
    assert "请同时填写开始和结束时间，或都不填。" in html
    assert db.session.scalar(db.select(Contest).where(Contest.code == "GS27")) is None


def test_category_add_edit_delete(client, world):
    login(client, world.users["organiser"])
    url = f"/console/contests/{world.contest.id}/categories/new"
    r = _post(client, url, {"code": "B", "name": "单位推荐组", "kind": "video", "max_file_mb": "500",
                            "max_duration_s": "180"})
    assert r.status_code == 302
    cat = db.session.scalar(db.select(Category).where(Category.code == "B"))
    assert (cat.kind, cat.max_duration_s) == ("video", 180)
    r = _post(client, f"/console/categories/{cat.id}/edit", {"code": "A", "name": "重复", "kind": "video"})
    assert r.status_code == 200 and "该代码已在本活动中使用" in r.get_data(as_text=True)
    assert db.session.get(Category, cat.id).code == "B"
    r = _post(client, f"/console/categories/{cat.id}/edit", {"code": "C", "name": "个人组", "kind": "image",
                                                           "max_files": "9"})
    assert r.status_code == 302 and db.session.get(Category, cat.id).code == "C"
    cat_id = cat.id
    r = _post(client, f"/console/categories/{cat_id}/delete", {})
    assert r.status_code == 302 and db.session.get(Category, cat_id) is None
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"category.create", "category.update", "category.delete"} <= actions


def test_category_min_above_max_is_refused(client, world):
    login(client, world.users["organiser"])
    r = _post(client, f"/console/contests/{world.contest.id}/categories/new",
              {"code": "Z", "name": "征文", "kind": "story", "min_chars": "3000", "max_chars": "800"})
    assert r.status_code == 200
    assert db.session.scalar(db.select(Category).where(Category.code == "Z")) is None


def test_programme_create_and_edit(client, world):
    login(client, world.users["organiser"])
    r = _post(client, "/console/programmes/new", {"year": "2027", "title": "珠海市2027年争做中国好网民工程",
                                                  "lead_unit": str(world.unit.id), "description": "<p>x</p>"})
    assert r.status_code == 302
    prog = db.session.scalar(db.select(Programme).where(Programme.year == 2027))
    r = _post(client, f"/console/programmes/{prog.id}/edit", {
        "year": "2027", "title": "珠海市2027年争做中国好网民工程（修订）", "lead_unit": str(world.unit.id),
        "description": "<p>y</p><script>x</script>"})
    assert r.status_code == 302
    prog = db.session.get(Programme, prog.id)
    assert prog.title.endswith("（修订）") and "<script" not in prog.description
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert "programme.create" in actions and "programme.update" in actions
    # Another unit's organiser cannot lead a programme with this unit.
    login(client, world.users["organiser_other"])
    r = _post(client, "/console/programmes/new", {"year": "2027", "title": "冒名工程",
                                                  "lead_unit": str(world.unit.id)})
    assert r.status_code == 200
    assert db.session.scalar(db.select(Programme).where(Programme.title == "冒名工程")) is None
    r = _post(client, "/console/programmes/new", {"year": "1999", "title": "",
                                                  "lead_unit": str(world.unit.id)})
    assert r.status_code == 200 and r.get_data(as_text=True).count('class="error"') >= 2


def test_dashboard_lists_only_my_contests(client, world):
    login(client, world.users["organiser_other"])
    html = client.get("/console/").get_data(as_text=True)
    assert world.other_contest.code in html and world.contest.code not in html


def test_unpublished_contest_is_hidden_from_the_public(client, world):
    world.contest.published = False
    db.session.commit()
    assert client.get(f"/contests/{world.contest.slug}").status_code == 404
    login(client, world.users["organiser"])
    assert client.get(f"/contests/{world.contest.slug}").status_code == 200


def test_factories_world_is_consistent(world):
    assert world.contest.lead_unit_id == world.unit.id
    assert factories.unit("市委网信办") is world.unit
