"""The organiser's screening (初审) through the real routes."""
from contest.extensions import db
from contest.models import AuditEvent, Entry, EntryFlag
from contest.services import screening_flags
from tests import factories
from tests.conftest import csrf_token, login

STORY_A = "<p>" + "疫情期间，社区志愿者在网上组织邻里团购，理性发声，传递温暖。" * 50 + "</p>"


def unique_story(seed: int) -> str:
    """A story of its own (no near-duplicate of any other)."""
    import random

    rng = random.Random(seed)
    return "<p>" + "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(900)) + "</p>"


def _post(client, url, data, page="/"):
    return client.post(url, data=dict(data, csrf_token=csrf_token(client, page)))


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_accept_return_and_reject_with_reasons(client, world):
    login(client, world.users["organiser"])
    entry = world.entry
    r = _post(client, f"/console/entries/{entry.id}/screen", {"decision": "return", "reason": ""})
    assert r.status_code == 422 and db.session.get(Entry, entry.id).status == "submitted"
    r = _post(client, f"/console/entries/{entry.id}/screen", {"decision": "return", "reason": "请补充事迹细节"})
    assert r.status_code == 302
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "returned" and entry.status_reason == "请补充事迹细节"
    assert _events("entry.screen.return")[0].details["reason"] == "请补充事迹细节"

    # The entrant sees the reason, edits and resubmits, keeping the number.
    number = entry.number
    login(client, world.users["entrant"])
    assert "请补充事迹细节" in client.get("/me/entries").get_data(as_text=True)
    r = _post(client, f"/entries/{entry.id}/submit", {"pledge": "y", "licence": "y"}, f"/entries/{entry.id}/submit")
    assert r.status_code == 302
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "submitted" and entry.number == number

    login(client, world.users["organiser"])
    _post(client, f"/console/entries/{entry.id}/screen", {"decision": "accept", "reason": ""})
    assert db.session.get(Entry, entry.id).status == "accepted"
    _post(client, f"/console/entries/{entry.id}/screen", {"decision": "reject", "reason": "非原创"})
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "rejected" and entry.status_reason == "非原创"
    assert [e.to_status for e in entry.events] == ["draft", "submitted", "returned", "submitted", "accepted",
                                                   "rejected"]


def test_bulk_decisions_skip_what_cannot_be_screened(client, world):
    draft = factories.entry(factories.user(), world.category, submit=False)
    db.session.commit()
    login(client, world.users["organiser"])
    page = f"/console/contests/{world.contest.id}/entries"
    ids = [str(world.entry.id), str(world.image_entry.id), str(draft.id)]
    r = client.post(page + "/bulk", data={"entry": ids, "decision": "reject", "reason": "",
                                          "csrf_token": csrf_token(client, page)})
    assert r.status_code == 422   # the page again, the ticks kept
    assert db.session.get(Entry, world.entry.id).status == "submitted"  # no reason, nothing done
    r = client.post(page + "/bulk", data={"entry": ids, "decision": "accept", "reason": "",
                                          "csrf_token": csrf_token(client, page)})
    assert r.status_code == 302
    assert db.session.get(Entry, world.entry.id).status == "accepted"
    assert db.session.get(Entry, world.image_entry.id).status == "accepted"
    assert db.session.get(Entry, draft.id).status == "draft"
    assert len(_events("entry.screen.accept")) == 2


def test_another_contests_entries_cannot_be_screened_in_bulk(client, world):
    login(client, world.users["organiser_other"])
    page = f"/console/contests/{world.other_contest.id}/entries"
    client.post(page + "/bulk", data={"entry": [str(world.entry.id)], "decision": "accept",
                                      "csrf_token": csrf_token(client, page)})
    assert db.session.get(Entry, world.entry.id).status == "submitted"


def test_list_filters_and_paging(client, world):
    people = [factories.user(name=f"网民{i}") for i in range(55)]
    for i, person in enumerate(people):
        factories.entry(person, world.category, title=f"故事{i:02d}", body=unique_story(i))
    db.session.commit()
    login(client, world.users["organiser"])
    url = f"/console/contests/{world.contest.id}/entries"
    first = client.get(url).get_data(as_text=True)
    assert first.count('name="entry"') == 50
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert second.count('name="entry"') == 7  # 55 + the world's two entries
    only_images = client.get(f"{url}?category={world.image_category.id}").get_data(as_text=True)
    assert only_images.count('name="entry"') == 1
    by_number = client.get(f"{url}?q={world.entry.number}").get_data(as_text=True)
    assert by_number.count('name="entry"') == 1
    flagged = client.get(f"{url}?flagged=1").get_data(as_text=True)
    assert flagged.count('name="entry"') == 0


def test_same_file_and_similar_text_are_flagged_both_ways(world):
    twin = factories.image_entry(factories.user(), world.image_category)   # the same PNG bytes
    copier = factories.entry(factories.user(), world.category, body=world.entry.body.replace("身边", "周围", 3))
    db.session.commit()
    kinds = {(f.entry_id, f.kind, f.other_entry_id) for f in db.session.scalars(db.select(EntryFlag))}
    assert (twin.id, "same_file", world.image_entry.id) in kinds
    assert (world.image_entry.id, "same_file", twin.id) in kinds
    assert (copier.id, "similar_text", world.entry.id) in kinds
    assert (world.entry.id, "similar_text", copier.id) in kinds
    assert db.session.get(Entry, world.entry.id).flagged
    # A different story is not flagged.
    other = factories.entry(factories.user(), world.category, body=STORY_A)
    assert not any(f.kind == "similar_text" for f in other.flags)


def test_sensitive_terms_are_shown_in_context(client, world):
    body = "<p>" + "正常的文字内容，" * 100 + "这里出现了违禁词需要注意。" + "</p>"
    flagged = factories.entry(factories.user(), world.category, body=body)
    db.session.commit()
    [flag] = [f for f in flagged.flags if f.kind == "sensitive"]
    match = flag.details["matches"][0]
    assert match["match"] == "违禁词" and match["before"].endswith("这里出现了") and match["after"].startswith("需要")
    login(client, world.users["organiser"])
    page = client.get(f"/console/entries/{flagged.id}").get_data(as_text=True)
    assert "<mark>违禁词</mark>" in page
    assert db.session.get(Entry, flagged.id).status == "submitted"  # a flag, never a verdict


def test_the_organiser_maintains_the_word_list(client, world):
    login(client, world.users["organiser"])
    r = _post(client, "/console/sensitive-terms", {"reason": "词一\n\n词二\n违禁词"}, "/console/sensitive-terms")
    assert r.status_code == 302
    terms = set(db.session.scalars(db.select(screening_flags.SensitiveTerm.term)))
    assert terms == {"违禁词", "词一", "词二"}
    assert _events("sensitive_terms.add")[0].details["terms"] == ["词一", "词二"]


def test_entry_view_shows_every_file(client, world):
    login(client, world.users["organiser"])
    page = client.get(f"/console/entries/{world.image_entry.id}").get_data(as_text=True)
    asset = world.image_entry.assets[0]
    assert f"/files/{asset.id}/large" in page and "作品.png" in page
